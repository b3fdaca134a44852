//! The chain epoch's definition in f64 ("float model"), for the differential test and for
//! reading the fixed-point results as real numbers.
//!
//! Same steps, masks, orders and storage semantics as [`super::epoch()`], with these
//! differences of definition (and nothing else):
//! * arithmetic is f64 rounding-to-nearest instead of I32F32/I64F64 truncation (2⁻³² grain);
//! * `exp` is `libm::exp`, not the truncated 30-term series (they agree to ~1e-9 for the
//!   default steepness; the series is 1 % low at its clamp, e = 20);
//! * stored values are not quantised to u16: bonds read from the input are used as
//!   `u16/65535` (Yuma3) or `u16` (classic) exactly, and the outputs are real numbers;
//! * consensus compares f64 cumulative sums with κ, so a column whose stake crosses κ within
//!   rounding of a score boundary may pick the neighbouring score.

use super::input::ChainInput;
use alloc::vec;
use alloc::vec::Vec;

/// Real-valued epoch results (proportions and rao as f64; bonds before u16 storage).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FloatOutput {
    /// Normalised stake S.
    pub stake_weight: Vec<f64>,
    /// Consensus C.
    pub consensus: Vec<f64>,
    /// Incentive I.
    pub incentive: Vec<f64>,
    /// Dividends D.
    pub dividends: Vec<f64>,
    /// Validator trust Tv.
    pub validator_trust: Vec<f64>,
    /// Server emission (rao, unfloored).
    pub server_emission: Vec<f64>,
    /// Validator emission (rao, unfloored).
    pub validator_emission: Vec<f64>,
    /// Bonds to store (classic: column-max-upscaled proportions; Yuma3: proportions), rows of
    /// `(uid, value)`; empty for UIDs without a new permit.
    pub bonds: Vec<Vec<(u16, f64)>>,
    /// Classic bonds only (empty for Yuma3), per column: the raw ΔB sum `Σ_i Wb_ij·A_i` that
    /// the first column normalisation divides by, and the column maximum of B' that the
    /// storage divides by. Rounding errors of the fixed-point epoch grow as these shrink.
    pub bond_scales: Vec<(f64, f64)>,
}

type Rows = Vec<Vec<(u16, f64)>>;

fn normalize(x: &mut [f64]) {
    let s: f64 = x.iter().sum();
    if s != 0.0 {
        x.iter_mut().for_each(|v| *v /= s);
    }
}

fn col_normalize(m: &mut Rows, n: usize) {
    let mut s = vec![0.0; n];
    for r in m.iter() {
        for &(j, v) in r {
            s[j as usize] += v;
        }
    }
    for r in m.iter_mut() {
        for e in r.iter_mut() {
            if s[e.0 as usize] != 0.0 {
                e.1 /= s[e.0 as usize];
            }
        }
    }
}

fn ema(new: &Rows, old: &Rows, a: f64, n: usize) -> Rows {
    new.iter()
        .zip(old)
        .map(|(nr, or)| {
            let mut acc = vec![0.0; n];
            let mut seen = vec![false; n];
            for &(j, v) in nr {
                acc[j as usize] += a * v;
                seen[j as usize] = true;
            }
            for &(j, v) in or {
                acc[j as usize] += (1.0 - a) * v;
                seen[j as usize] = true;
            }
            (0..n)
                .filter(|&j| seen[j] && acc[j] > 0.0)
                .map(|j| (j as u16, acc[j]))
                .collect()
        })
        .collect()
}

/// The float model of one epoch (input assumed validated).
pub fn epoch_f64(input: &ChainInput) -> FloatOutput {
    let n = input.n;
    let owner = input.owner_uid.map(|o| o as usize);
    let inactive: Vec<bool> = input
        .last_update
        .iter()
        .map(|&u| u.saturating_add(input.activity_cutoff) < input.block)
        .collect();
    let tw = input.tao_weight.unwrap_or(0) as f64 / u64::MAX as f64;
    let mut stake: Vec<f64> = (0..n)
        .map(|i| {
            let t = match &input.stake {
                Some(s) => s[i] as f64,
                None => {
                    input.alpha_stake.as_ref().map_or(0.0, |a| a[i] as f64)
                        + input.tao_stake.as_ref().map_or(0.0, |t| t[i] as f64) * tw
                }
            };
            if owner != Some(i) && t < input.stake_threshold as f64 {
                0.0
            } else {
                t
            }
        })
        .collect();
    normalize(&mut stake);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| stake[a].total_cmp(&stake[b]).then(a.cmp(&b)));
    let mut permit: Vec<bool> = stake.iter().map(|&s| s != 0.0).collect();
    let k = input.max_allowed_validators as usize;
    if n >= k {
        for &i in order.iter().take(n - k) {
            permit[i] = false;
        }
    }
    let forbid: Vec<bool> = (0..n)
        .map(|i| !(input.validator_permit[i] || owner == Some(i)))
        .collect();
    if let Some(o) = owner {
        permit[o] = true;
    }
    let mut active: Vec<f64> = (0..n)
        .map(|i| {
            if inactive[i] || forbid[i] {
                0.0
            } else {
                stake[i]
            }
        })
        .collect();
    normalize(&mut active);
    let bar = &input.block_at_registration;
    let mut w: Rows = (0..n)
        .map(|i| {
            if forbid[i] {
                return Vec::new();
            }
            let cb = input
                .commit_blocks
                .as_ref()
                .map(|c| c[i].unwrap_or(u64::MAX));
            input.weights[i]
                .iter()
                .filter(|&&(j, _)| {
                    let ju = j as usize;
                    !((ju == i && owner != Some(i))
                        || input.last_update[i] <= bar[ju]
                        || cb.is_some_and(|c| c < bar[ju]))
                })
                .map(|&(j, v)| (j, v as f64))
                .collect()
        })
        .collect();
    for r in w.iter_mut() {
        let s: f64 = r.iter().map(|e| e.1).sum();
        if s > 0.0 {
            r.iter_mut().for_each(|e| e.1 /= s);
        }
    }
    // Consensus: min { s : S(score ≤ s) > Σ − κ } over rows with active stake.
    let kappa = input.kappa as f64 / 65535.0;
    let mut use_stake: Vec<f64> = active
        .iter()
        .map(|&a| if a > 0.0 { a } else { 0.0 })
        .collect();
    normalize(&mut use_stake);
    let total: f64 = use_stake.iter().sum();
    let minority = total - kappa;
    // (score, row, stake): the row orders equal scores, so the stake adds up in row order.
    let mut cols: Vec<Vec<(f64, usize, f64)>> = vec![Vec::new(); n];
    for i in 0..n {
        if active[i] > 0.0 {
            for &(j, v) in &w[i] {
                if v > 0.0 {
                    cols[j as usize].push((v, i, use_stake[i]));
                }
            }
        }
    }
    let voters = active.iter().filter(|&&a| a > 0.0).count();
    let consensus: Vec<f64> = cols
        .iter_mut()
        .map(|c| {
            c.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut cum = total - c.iter().map(|e| e.2).sum::<f64>();
            if c.len() < voters && cum > minority {
                return 0.0;
            }
            if c.len() == voters {
                cum = 0.0;
            }
            let mut k = 0;
            while k < c.len() {
                let v = c[k].0;
                while k < c.len() && c[k].0 == v {
                    cum += c[k].2;
                    k += 1;
                }
                if cum > minority {
                    return v;
                }
            }
            c.last().map_or(0.0, |e| e.0)
        })
        .collect();
    let clipped: Vec<Vec<(u16, Option<f64>)>> = w
        .iter()
        .map(|r| {
            r.iter()
                .map(|&(j, v)| {
                    (
                        j,
                        if consensus[j as usize] < v {
                            (consensus[j as usize] > 0.0).then_some(consensus[j as usize])
                        } else {
                            Some(v)
                        },
                    )
                })
                .collect()
        })
        .collect();
    let trust: Vec<f64> = clipped
        .iter()
        .map(|r| r.iter().filter_map(|e| e.1).sum())
        .collect();
    let mut incentive = vec![0.0; n];
    for (i, r) in clipped.iter().enumerate() {
        for &(j, v) in r {
            incentive[j as usize] += active[i] * v.unwrap_or(0.0);
        }
    }
    normalize(&mut incentive);
    let beta = input.bonds_penalty as f64 / 65535.0;
    let wb: Rows = if input.bonds_penalty == 0 {
        w.clone()
    } else if input.bonds_penalty == u16::MAX {
        clipped
            .iter()
            .map(|r| r.iter().filter_map(|&(j, v)| v.map(|v| (j, v))).collect())
            .collect()
    } else {
        w.iter()
            .zip(&clipped)
            .map(|(r, c)| {
                let mut e: Vec<(u16, f64)> = r
                    .iter()
                    .zip(c)
                    .map(|(&(j, a), &(_, b))| (j, a + beta * (b.unwrap_or(0.0) - a)))
                    .filter(|e| e.1 > 0.0)
                    .collect();
                // A row's columns are distinct.
                e.sort_unstable_by_key(|e| e.0);
                e
            })
            .collect()
    };
    let last_tempo = if input.last_mechanism_step_block == 0 {
        input.block.saturating_sub(input.tempo)
    } else {
        input.last_mechanism_step_block + 1
    };
    let alpha = 1.0 - input.bonds_moving_average as f64 / 1e6;
    let bonds: Rows = input
        .bonds
        .iter()
        .map(|r| {
            r.iter()
                .filter(|&&(j, _)| last_tempo > bar[j as usize])
                .map(|&(j, b)| {
                    (
                        j,
                        if input.yuma3_enabled {
                            b as f64 / 65535.0
                        } else {
                            b as f64
                        },
                    )
                })
                .collect()
        })
        .collect();
    let mut dividends = vec![0.0; n];
    let mut bond_scales = Vec::new();
    let stored: Rows;
    if input.yuma3_enabled {
        let e = if input.liquid_alpha_enabled && consensus.iter().any(|&c| c != 0.0) {
            let (lo, hi) = (
                input.alpha_low as f64 / 65535.0,
                input.alpha_high as f64 / 65535.0,
            );
            let slope = input.alpha_sigmoid_steepness as f64 / -100.0;
            wb.iter()
                .zip(&bonds)
                .map(|(wr, br)| {
                    wr.iter()
                        .filter_map(|&(j, wv)| {
                            let bv = br.iter().find(|e| e.0 == j).map_or(0.0, |e| e.1);
                            let c = consensus[j as usize];
                            let d = if wv >= bv {
                                (wv - c).clamp(0.0, 1.0)
                            } else {
                                (bv - wv).clamp(0.0, 1.0)
                            };
                            let sig =
                                1.0 / (1.0 + libm::exp((slope * (d - 0.5)).clamp(-20.0, 20.0)));
                            let a = (lo + sig * (hi - lo)).min(hi).max(lo);
                            let v = ((1.0 - a) * bv + (a * wv).max(0.0)).min(1.0);
                            (v > 0.0).then_some((j, v))
                        })
                        .collect()
                })
                .collect()
        } else {
            ema(&wb, &bonds, alpha, n)
        };
        let mut norm = e.clone();
        col_normalize(&mut norm, n);
        for i in 0..n {
            dividends[i] = norm[i]
                .iter()
                .map(|&(j, v)| v * incentive[j as usize])
                .sum::<f64>()
                * active[i];
        }
        stored = e;
    } else {
        let mut b = bonds;
        col_normalize(&mut b, n);
        let mut delta: Rows = wb
            .iter()
            .enumerate()
            .map(|(i, r)| r.iter().map(|&(j, v)| (j, v * active[i])).collect())
            .collect();
        let mut delta_sums = vec![0.0f64; n];
        for r in &delta {
            for &(j, v) in r {
                delta_sums[j as usize] += v;
            }
        }
        col_normalize(&mut delta, n);
        let mut e = ema(&delta, &b, alpha, n);
        col_normalize(&mut e, n);
        for i in 0..n {
            dividends[i] = e[i].iter().map(|&(j, v)| v * incentive[j as usize]).sum();
        }
        let mut m = vec![0.0f64; n];
        for r in &e {
            for &(j, v) in r {
                m[j as usize] = m[j as usize].max(v);
            }
        }
        bond_scales = delta_sums.into_iter().zip(m.iter().copied()).collect();
        for r in e.iter_mut() {
            for x in r.iter_mut() {
                if m[x.0 as usize] != 0.0 {
                    x.1 /= m[x.0 as usize];
                }
            }
        }
        stored = e;
    }
    normalize(&mut dividends);
    let esum: f64 = incentive.iter().zip(&dividends).map(|(a, b)| a + b).sum();
    let rao = input.rao_emission as f64;
    let (server_emission, validator_emission) = if esum == 0.0 {
        let src = if active.iter().sum::<f64>() == 0.0 {
            &stake
        } else {
            &active
        };
        (vec![0.0; n], src.iter().map(|x| x * rao).collect())
    } else {
        (
            incentive.iter().map(|x| x / esum * rao).collect(),
            dividends.iter().map(|x| x / esum * rao).collect(),
        )
    };
    FloatOutput {
        stake_weight: stake,
        consensus,
        incentive,
        dividends,
        validator_trust: trust,
        server_emission,
        validator_emission,
        bonds: stored
            .into_iter()
            .zip(&permit)
            .map(|(r, &p)| if p { r } else { Vec::new() })
            .collect(),
        bond_scales,
    }
}
