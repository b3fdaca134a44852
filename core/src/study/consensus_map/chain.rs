//! The chain variant of the map, one stake level at a time.
//!
//! Within a level the stake is fixed and each validator's stored row depends on one weight
//! level only (W_H for honest validators, W_C for the cabal's), and every point starts from
//! empty bonds. So the level computes once what the chain epoch would recompute at each of
//! its 51 × 51 points:
//!
//! * the stake terms (S, A, the consensus stake and minority) from one real epoch;
//! * every validator's normalised row W at every weight level (step 5 of the epoch);
//! * per server column and weight level, the positive scores of the honest rows (and of the
//!   cabal rows) sorted, with running stake sums.
//!
//! A point then takes the consensus of each column by merging its two sorted halves (the
//! exact weighted median of §2.6: the least score whose stake at or below it exceeds the
//! minority), and runs steps 7–13 on dense rows: clip, incentive, bond weights, the bonds EMA
//! from empty bonds, dividends and the emission in rao. The arithmetic is the epoch's own
//! (`FastOps`, [`Recip`], [`to_rao`]), entry by entry, so the emission is bit-identical to
//! [`epoch_with`]; the tests below check every point of reduced maps under several parameter
//! sets. Liquid alpha, and a point whose emission is all zero (the epoch's stake fallback),
//! run the full epoch instead.

use super::{ChainScratch, ConsensusMapConfig, Level};
use crate::math::fixed::exp::{alpha_of_diff, liquid_diff};
use crate::math::fixed::ops::Recip;
use crate::math::fixed::{I32F32, I96F32, ONE, ZERO};
use crate::yuma::chain::epoch::{
    bond_penalty, clip, consensus_stake, epoch_with, liquid_params, normalize, to_rao, FastOps,
};
use alloc::vec;
use alloc::vec::Vec;

/// The largest stake level (row entries over all weight levels) prepared at once: W takes 8
/// bytes an entry and the column halves up to 16.
pub(crate) const LEVEL_ENTRIES: usize = 1 << 23;

/// One column half: a score (I32F32 bits) and the stake of the entries up to it, inclusive.
#[derive(Debug, Clone, Copy)]
struct Key {
    score: i64,
    cum: i64,
}

/// Sorted positive scores per (weight level, server column) for one team of validators.
#[derive(Debug, Default)]
struct Halves {
    ptr: Vec<usize>,
    keys: Vec<Key>,
}

impl Halves {
    fn get(&self, q: usize, servers: usize, j: usize) -> &[Key] {
        let c = q * servers + j;
        &self.keys[self.ptr[c]..self.ptr[c + 1]]
    }
}

/// What a stake level shares across its points.
#[derive(Debug)]
pub(crate) struct ChainLevel {
    v: usize,
    s: usize,
    levels: usize,
    hv: usize,
    hs: usize,
    /// Active stake A of the validators.
    active: Vec<I32F32>,
    stake_sum: i64,
    minority: i64,
    participants: usize,
    /// W per (validator, weight level): `((i · levels) + q) · s + j`.
    w: Vec<I32F32>,
    honest: Halves,
    cabal: Halves,
    /// The bonds EMA's α (constant: no liquid alpha here).
    alpha: I32F32,
    beta: I32F32,
    yuma3: bool,
    /// Liquid alpha (Yuma3): `(α at distance 0, α_low, α_high, steepness)`.
    liquid: Option<(I32F32, I32F32, I32F32, I32F32)>,
    rao: I96F32,
}

/// Per-point buffers.
#[derive(Debug, Default)]
pub(crate) struct PointScratch {
    consensus: Vec<I32F32>,
    incentive: Vec<I32F32>,
    /// Per entry (V × S): the EMA bonds (Yuma3) or ΔB = Wb ⊙ A (classic).
    m: Vec<I32F32>,
    sums: Vec<I32F32>,
    sums2: Vec<I32F32>,
    recips: Vec<Recip>,
    dividends: Vec<I32F32>,
}

impl ChainLevel {
    /// Whether this path computes the map: a stake level of at most
    /// [`LEVEL_ENTRIES`] row entries (validators × weight levels × servers; the default study
    /// has 1.46 M), so that its tables stay within a few hundred MB.
    pub(crate) fn applies(cfg: &ConsensusMapConfig) -> bool {
        let entries = cfg
            .validators
            .saturating_mul(cfg.weight_levels)
            .saturating_mul(cfg.servers());
        entries <= LEVEL_ENTRIES
    }

    /// Builds level `l`: one real epoch at its first point for the stake terms, then W and
    /// the sorted column halves at every weight level.
    pub(crate) fn new(
        cfg: &ConsensusMapConfig,
        level: &Level,
        l: usize,
        cs: &mut ChainScratch,
        w: &mut [f64],
    ) -> ChainLevel {
        let (v, s, levels) = (cfg.validators, cfg.servers(), cfg.weight_levels);
        // Stored rows for every (validator, weight level) and one epoch for the stake terms.
        for q in 0..levels {
            let x = cfg.weight_value(q);
            level.weights_into(x, x, s, w);
            super::load_rows(level, (l, q, q), w, s, cs);
        }
        level.weights_into(cfg.weight_value(0), cfg.weight_value(0), s, w);
        super::load_rows(level, (l, 0, 0), w, s, cs);
        epoch_with(&cs.input, &mut cs.ws, &mut cs.out);
        let active = cs.ws.active_stake[..v].to_vec();
        let mut use_stake = Vec::new();
        let (stake_sum, minority, participants) =
            consensus_stake(&cs.ws.active_stake, cs.input.kappa, &mut use_stake);

        // W: step 5 of the epoch for an unmasked row (rows hold the servers in order).
        let mut wn = vec![ZERO; v * levels * s];
        let normalise = |(k, out): (usize, &mut [I32F32])| {
            let mut sum = 0i64;
            for (o, &(_, u)) in out.iter_mut().zip(&cs.rows[k]) {
                let f = crate::math::fixed::convert::u16_to_fixed(u);
                sum = sum.wrapping_add(f.to_bits());
                *o = f;
            }
            let sum = I32F32::from_bits(sum);
            if sum > ZERO {
                let r = Recip::new(sum);
                out.iter_mut().for_each(|x| *x = r.div(*x));
            }
        };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            wn.par_chunks_mut(s).enumerate().for_each(normalise);
        }
        #[cfg(not(feature = "parallel"))]
        wn.chunks_mut(s).enumerate().for_each(normalise);
        // The sorted halves of one weight level.
        let half = |rows: &core::ops::Range<usize>, q: usize| {
            let mut lens = Vec::with_capacity(s);
            let mut keys = Vec::new();
            let mut col: Vec<(i64, i64)> = Vec::with_capacity(v);
            for j in 0..s {
                col.clear();
                for i in rows.clone() {
                    let x = wn[(i * levels + q) * s + j];
                    if active[i] > ZERO && x > ZERO {
                        col.push((x.to_bits(), use_stake[i].to_bits()));
                    }
                }
                col.sort_unstable();
                let mut cum = 0i64;
                for &(score, st) in &col {
                    cum += st;
                    keys.push(Key { score, cum });
                }
                lens.push(col.len());
            }
            (lens, keys)
        };
        let halves = |rows: core::ops::Range<usize>| {
            #[cfg(feature = "parallel")]
            let parts: Vec<(Vec<usize>, Vec<Key>)> = {
                use rayon::prelude::*;
                (0..levels)
                    .into_par_iter()
                    .map(|q| half(&rows, q))
                    .collect()
            };
            #[cfg(not(feature = "parallel"))]
            let parts: Vec<(Vec<usize>, Vec<Key>)> = (0..levels).map(|q| half(&rows, q)).collect();
            let mut h = Halves::default();
            h.ptr.push(0);
            for (lens, keys) in parts {
                for len in lens {
                    h.ptr.push(h.ptr.last().copied().unwrap_or(0) + len);
                }
                h.keys.extend(keys);
            }
            h
        };
        let honest = halves(0..level.hv);
        let cabal = halves(level.hv..v);
        ChainLevel {
            v,
            s,
            levels,
            hv: level.hv,
            hs: level.hs,
            active,
            stake_sum,
            minority,
            participants,
            w: wn,
            honest,
            cabal,
            alpha: cs.ws.alpha,
            beta: bond_penalty(&cs.input),
            yuma3: cs.input.yuma3_enabled,
            liquid: (cs.input.yuma3_enabled && cs.input.liquid_alpha_enabled).then(|| {
                let (lo, hi, steep) = liquid_params(&cs.input);
                (alpha_of_diff(ZERO, lo, hi, steep), lo, hi, steep)
            }),
            rao: I96F32::saturating_from_num(cs.input.rao_emission),
        }
    }

    /// The consensus of server column j at point (a, b) (the epoch's `consensus`, step 6).
    fn consensus(&self, a: usize, b: usize, j: usize) -> I32F32 {
        let h = self.honest.get(a, self.s, j);
        let c = self.cabal.get(b, self.s, j);
        let listed = h.last().map_or(0, |k| k.cum) + c.last().map_or(0, |k| k.cum);
        let mut m = self.minority;
        if h.len() + c.len() < self.participants {
            let base = self.stake_sum.wrapping_sub(listed);
            if base > self.minority {
                return ZERO;
            }
            m = self.minority - base;
        }
        let top = h
            .last()
            .map_or(0, |k| k.score)
            .max(c.last().map_or(0, |k| k.score));
        let bits = if h.is_empty() && c.is_empty() {
            0
        } else if listed > m {
            merge_select(h, c, m).unwrap_or(top)
        } else {
            top
        };
        I32F32::from_bits(bits)
    }

    fn row(&self, i: usize, q: usize) -> &[I32F32] {
        &self.w[(i * self.levels + q) * self.s..][..self.s]
    }

    /// The emission (rao) of every UID at point (a, b), as the chain epoch stores it; `None`
    /// when the epoch would fall back to the stake (no incentive and no dividends).
    pub(crate) fn emission(&self, a: usize, b: usize, p: &mut PointScratch) -> Option<Vec<u64>> {
        let (v, s) = (self.v, self.s);
        p.consensus.clear();
        p.consensus.extend((0..s).map(|j| self.consensus(a, b, j)));
        // The epoch takes the liquid path only when some consensus is non-zero.
        let liquid = self
            .liquid
            .filter(|_| p.consensus.iter().any(|c| *c != ZERO));
        p.incentive.clear();
        p.incentive.resize(s, ZERO);
        p.m.clear();
        p.m.resize(v * s, ZERO);
        p.sums.clear();
        p.sums.resize(s, ZERO);
        // Steps 7–10 (first half): clip, incentive, Wb, and the per-entry bonds term.
        let c_max = p.consensus.iter().copied().max().unwrap_or(ZERO);
        for i in 0..v {
            let ai = self.active[i];
            let q = if i < self.hv { a } else { b };
            let row = self.row(i, q);
            let m = &mut p.m[i * s..][..s];
            let (inc, sums, cons) = (&mut p.incentive[..s], &mut p.sums[..s], &p.consensus[..s]);
            let unit = |x: I32F32| (x.to_bits() as u64) < 1 << 32;
            if self.beta == ONE
                && self.yuma3
                && liquid.is_none()
                && unit(ai)
                && unit(self.alpha)
                && unit(c_max)
            {
                // The common case (β = 1, Yuma3, operands in [0, 1)): Wb = Wc, every product
                // fits in 64 bits and no sum saturates, so plain integer arithmetic gives the
                // same bits, and the loop vectorises.
                let (ai, al) = (
                    ai.to_bits() as u32 as u64,
                    self.alpha.to_bits() as u32 as u64,
                );
                for j in 0..s {
                    let x = row[j].to_bits() as u64;
                    let cj = cons[j].to_bits() as u64;
                    // vc ≤ C_j < 2³²: 32 × 32-bit products.
                    let vc = (if cj == 0 { 0 } else { x.min(cj) }) as u32 as u64;
                    inc[j] = I32F32::from_bits(inc[j].to_bits() + ((ai * vc) >> 32) as i64);
                    let e = ((al * vc) >> 32) as i64;
                    m[j] = I32F32::from_bits(e);
                    sums[j] = I32F32::from_bits(sums[j].to_bits() + e);
                }
                continue;
            }
            for j in 0..s {
                let x = row[j];
                let cj = cons[j];
                let (_, vc) = clip(x, cj);
                inc[j] = inc[j].sadd(ai.smul(vc));
                // Wb = W + β·(Wc − W) (Wc = 0 where dropped); an entry ≤ 0 adds nothing
                // below, as one absent from the epoch's Wb.
                let wb = if self.beta == ONE {
                    vc
                } else if self.beta == ZERO {
                    x
                } else {
                    x.sadd(self.beta.smul(vc.saturating_sub(x)))
                };
                let e = match (self.yuma3, liquid) {
                    // Liquid alpha from empty bonds: min(1, max(0, α_ij·Wb)), α_ij from the
                    // distance of Wb to the consensus (0 below it: the kept α).
                    (true, Some((alpha0, lo, hi, steep))) => {
                        let d = liquid_diff(cj, wb, ZERO);
                        let al = if d == ZERO {
                            alpha0
                        } else {
                            alpha_of_diff(d, lo, hi, steep)
                        };
                        al.smul(wb).max(ZERO).min(ONE)
                    }
                    // EMA from empty bonds: α·Wb, kept when > 0.
                    (true, None) => self.alpha.smul(wb),
                    // ΔB = Wb ⊙ A.
                    (false, _) => wb.smul(ai),
                };
                let e = if e > ZERO { e } else { ZERO };
                m[j] = e;
                sums[j] = sums[j].sadd(e);
            }
        }
        normalize(&mut p.incentive);
        p.recips.clear();
        p.recips.extend(p.sums.iter().map(|&x| Recip::new(x)));
        p.dividends.clear();
        if self.yuma3 {
            // D_i = (Σ_j colnorm(B')_ij · I_j) · A_i.
            for i in 0..v {
                let m = &p.m[i * s..][..s];
                let mut t = 0i64;
                for ((r, &x), &inc) in p.recips.iter().zip(m).zip(&p.incentive) {
                    t = t.wrapping_add(r.div_nonzero(x).smul(inc).to_bits());
                }
                p.dividends.push(
                    I32F32::from_bits(t)
                        .checked_mul(self.active[i])
                        .unwrap_or(ZERO),
                );
            }
        } else {
            // Classic: B' = colnorm(α·colnorm(ΔB)), D_i = Σ_j B'_ij · I_j.
            p.sums2.clear();
            p.sums2.resize(s, ZERO);
            let alpha = self.alpha;
            for i in 0..v {
                let m = &mut p.m[i * s..][..s];
                for ((r, x), sum) in p.recips.iter().zip(m).zip(&mut p.sums2) {
                    let e = alpha.smul(r.div_nonzero(*x));
                    *x = if e > ZERO { e } else { ZERO };
                    *sum = sum.sadd(*x);
                }
            }
            p.recips.clear();
            p.recips.extend(p.sums2.iter().map(|&x| Recip::new(x)));
            for i in 0..v {
                let m = &p.m[i * s..][..s];
                let mut d = ZERO;
                for ((r, &x), &inc) in p.recips.iter().zip(m).zip(&p.incentive) {
                    d = d.sadd(inc.smul(r.div_nonzero(x)));
                }
                p.dividends.push(d);
            }
        }
        normalize(&mut p.dividends);
        // Steps 11–13: the emission, validators (incentive 0) then servers (dividends 0).
        let esum = p
            .dividends
            .iter()
            .chain(&p.incentive)
            .fold(0i64, |t, x| t.wrapping_add(x.to_bits()));
        if esum == 0 {
            return None;
        }
        let r = Recip::new(I32F32::from_bits(esum));
        Some(
            p.dividends
                .iter()
                .chain(&p.incentive)
                .map(|&x| to_rao(r.div(x), self.rao))
                .collect(),
        )
    }

    /// E_H from an emission vector (honest validators and honest servers over all).
    pub(crate) fn honest_ratio(&self, e: &[u64]) -> f64 {
        super::honest_share(e, self.v, self.hv, self.hs)
    }
}

/// The least score s of the two sorted halves with `stake(score ≤ s) > m`; `None` if none.
/// A walk in score order that consumes one entry of each half whose score is the least left:
/// the stake consumed so far is a lower bound of `stake(score ≤ s)` that reaches it once a
/// tie group is consumed, so the first s where it exceeds m is the answer. Branch-free but for
/// the exit.
fn merge_select(h: &[Key], c: &[Key], m: i64) -> Option<i64> {
    let end = Key {
        score: i64::MAX,
        cum: 0,
    };
    let (mut p, mut q) = (0usize, 0usize);
    let (mut ch, mut cc) = (0i64, 0i64);
    for _ in 0..h.len() + c.len() {
        let kh = h.get(p).copied().unwrap_or(end);
        let kc = c.get(q).copied().unwrap_or(end);
        let s = kh.score.min(kc.score);
        let (th, tc) = (kh.score == s, kc.score == s);
        ch = if th { kh.cum } else { ch };
        cc = if tc { kc.cum } else { cc };
        p += th as usize;
        q += tc as usize;
        if ch + cc > m {
            return Some(s);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{levels, load_rows, Scratch};
    use super::*;
    use crate::yuma::Params;

    /// Every point of a reduced map: the level path's emission equals the chain epoch's.
    fn check(cfg: &ConsensusMapConfig) -> usize {
        let s = cfg.servers();
        let lv = levels(cfg);
        let mut sc = Scratch::new(cfg);
        let mut tmp = vec![0.0; cfg.validators * s];
        let mut p = PointScratch::default();
        let mut fast = 0;
        for (l, level) in lv.iter().enumerate() {
            let cs = sc.chain.as_mut().unwrap();
            assert!(ChainLevel::applies(cfg));
            let shared = ChainLevel::new(cfg, level, l, cs, &mut tmp);
            for a in 0..cfg.weight_levels {
                for b in 0..cfg.weight_levels {
                    let (wh, wc) = (cfg.weight_value(a), cfg.weight_value(b));
                    level.weights_into(wh, wc, s, &mut sc.w);
                    let cs = sc.chain.as_mut().unwrap();
                    load_rows(level, (l, a, b), &sc.w, s, cs);
                    epoch_with(&cs.input, &mut cs.ws, &mut cs.out);
                    match shared.emission(a, b, &mut p) {
                        Some(e) => {
                            assert_eq!(e, cs.out.emission, "level {l} point ({a}, {b})");
                            fast += 1;
                        }
                        None => assert!(cs
                            .ws
                            .incentive
                            .iter()
                            .chain(&cs.ws.dividends)
                            .all(|x| *x == ZERO)),
                    }
                }
            }
        }
        fast
    }

    fn small(params: Params) -> ConsensusMapConfig {
        ConsensusMapConfig {
            params,
            neurons: 80,
            validators: 16,
            stake_levels: vec![0.51, 0.7, 0.99],
            weight_levels: 11,
            ..ConsensusMapConfig::default()
        }
    }

    #[test]
    fn level_path_is_the_chain_epoch() {
        let base = Params::default();
        let mut sets = vec![base.clone()];
        for beta in [0.0, 0.37, 0.5] {
            sets.push(Params {
                bond_penalty: beta,
                ..base.clone()
            });
        }
        for kappa in [0.3, 0.8, 1.0] {
            sets.push(Params {
                kappa,
                ..base.clone()
            });
        }
        sets.push(Params {
            bond_moving_average: 0.975,
            ..base.clone()
        });
        for beta in [1.0, 0.0, 0.6] {
            sets.push(Params {
                yuma3_enabled: false,
                bond_penalty: beta,
                ..base.clone()
            });
        }
        // Liquid alpha: at β = 1 every weight is at or below its consensus (distance 0); below
        // that, the sigmoid runs.
        for beta in [1.0, 0.0, 0.4] {
            sets.push(Params {
                liquid_alpha: true,
                bond_penalty: beta,
                ..base.clone()
            });
        }
        sets.push(Params {
            liquid_alpha: true,
            alpha_low: 0.02,
            alpha_high: 0.9,
            alpha_sigmoid_steepness: 30.0,
            bond_penalty: 0.5,
            ..base.clone()
        });
        for p in sets {
            let n = check(&small(p.clone()));
            assert!(n > 300, "{p:?}: only {n} points took the level path");
            // σ_W = 0: identical rows within each team, so ties everywhere.
            let mut cfg = small(p.clone());
            cfg.sigma_w = 0.0;
            cfg.sigma_s = 0.0;
            check(&cfg);
        }
    }

    #[test]
    fn level_path_at_full_size() {
        let mut cfg = ConsensusMapConfig {
            stake_levels: vec![0.6],
            weight_levels: 6,
            ..ConsensusMapConfig::default()
        };
        assert_eq!(check(&cfg), 36);
        cfg.params.yuma3_enabled = false;
        assert_eq!(check(&cfg), 36);
        cfg.params.yuma3_enabled = true;
        cfg.params.liquid_alpha = true;
        cfg.params.bond_penalty = 0.3;
        assert_eq!(check(&cfg), 36);
    }
}
