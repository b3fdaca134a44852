//! The consensus-guarantee map (spec/consensus-guarantees.md): how much emission an honest
//! majority keeps against a colluding cabal, over a grid of honest stake S_H, honest utility
//! W_H and cabal self-weight W_C, one epoch per grid point from empty bonds.
//!
//! The network is `neurons` UIDs (512), the first `validators` (64) of them validators; the
//! honest team holds `floor(S_H·64)` validators and `floor(S_H·448)` servers (each clamped to
//! `[1, total − 1]`), honest UIDs first in each block. Per S_H level one generator
//! (`ChaCha8Rng::seed_from_u64(seed)`, Box–Muller, see [`super::normal`]) draws, in order:
//! the honest then the cabal stakes `max(0, 1 + 0.3 z)` (normalised within the team and
//! scaled by its share), then for every validator (honest first) its honest-quadrant then
//! cabal-quadrant samples `max(0, 1 + σ_W z)` (normalised within the quadrant row). As
//! upstream, every grid point of a level reuses the same draws; a point scales the quadrant
//! rows by `W_H, 1 − W_H` (honest validators) and `1 − W_C, W_C` (cabal validators).
//!
//! Each point yields a [`ConsensusRow`]: `[S_H, W_H, W_C, weight_dev, E_H]` where
//!
//! * `weight_dev` = `Σ_j Σ_i s_i |μ_j − w_ij| / Σ_j μ_j` with `μ_j = Σ_i s_i w_ij` (stake
//!   and rows normalised), the stake-weighted absolute weight deviation;
//! * `E_H` = the honest share of the epoch's emission, validators and servers together
//!   (ξ = 0.5: `E_H = ½ Σ_{i∈H} D_i + ½ Σ_{j∈H} I_j`). On the chain variant it is read from the
//!   stored `Emission` (rao), exactly as subtensor's `map_consensus_guarantees` does.
//!
//! The honest side retains its share where `E_H ≥ S_H`; [`ConsensusMap::contour`] traces the
//! boundary for the compound retention plot.
//!
//! Chain points run the chain epoch directly (u16 weights as `set_weights` stores them, stake
//! in rao, permits held, every UID active), in parallel under the `parallel` feature. Float
//! variants go through a [`BatchScorer`] (the CPU/GPU seam).

use super::normal::{normalize_or_uniform, Normal};
use crate::error::{Error, Result};
use crate::math::fixed::convert::{u16_to_fixed, vec_max_upscale_to_u16_into};
use crate::math::fixed::I32F32;
use crate::yuma::batch::{BatchOutput, BatchScorer, CpuScorer, EpochBatch};
use crate::yuma::chain::case::chain_params;
use crate::yuma::chain::epoch::epoch_with;
use crate::yuma::chain::{ChainInput, ChainOutput, Workspace as ChainWorkspace};
use crate::yuma::{Params, Variant};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use chain::{ChainLevel, PointScratch};
use core::fmt::Write as _;
use core::ops::Range;

mod chain;

/// The 11 honest-stake levels of the study.
pub const STAKE_LEVELS: [f64; 11] = [
    0.51, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.99,
];
/// The CSV header of [`ConsensusMap::to_csv`].
pub const CSV_HEADER: &str = "major_stake,major_weight,minor_weight,weight_dev,major_ratio";
/// Total stake the chain points hold (21 M TAO in rao, as upstream).
pub const TOTAL_STAKE_RAO: f64 = 21e15;
/// Rao emitted by the chain epoch of each point.
pub const RAO_EMISSION: u64 = 1_000_000_000;
/// The largest grid accepted (points), checked before anything is allocated.
pub const MAX_POINTS: usize = 4_000_000;
const BLOCK: u64 = 1000;

/// What the map computes; [`Default`] is the study as specified.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct ConsensusMapConfig {
    /// The epoch rule (default `chain`).
    pub variant: Variant,
    /// κ, the bond penalty and the rest (defaults: κ = 0.5, β = 1).
    pub params: Params,
    /// σ_W, the spread of the weight draws (0.4).
    pub sigma_w: f64,
    /// The spread of the stake draws (0.3).
    pub sigma_s: f64,
    /// The generator's seed (0).
    pub seed: u64,
    /// UIDs in the network (512).
    pub neurons: usize,
    /// Validators among them, UIDs `0..validators` (64).
    pub validators: usize,
    /// Honest-stake levels S_H ([`STAKE_LEVELS`]).
    pub stake_levels: Vec<f64>,
    /// Levels of W_H and of W_C, from 1 down to 0 in equal steps (51: steps of 0.02).
    pub weight_levels: usize,
    /// Epochs per scorer call (and per parallel task).
    pub batch: usize,
}

impl Default for ConsensusMapConfig {
    fn default() -> Self {
        ConsensusMapConfig {
            variant: Variant::Chain,
            params: Params::default(),
            sigma_w: 0.4,
            sigma_s: 0.3,
            seed: 0,
            neurons: 512,
            validators: 64,
            stake_levels: STAKE_LEVELS.to_vec(),
            weight_levels: 51,
            batch: 51,
        }
    }
}

impl ConsensusMapConfig {
    /// Number of grid points (single epochs).
    pub fn points(&self) -> usize {
        self.stake_levels
            .len()
            .saturating_mul(self.weight_levels)
            .saturating_mul(self.weight_levels)
    }

    /// The value of weight level `a` (`a = 0` is 1.0, the last is 0.0).
    pub fn weight_value(&self, a: usize) -> f64 {
        let steps = (self.weight_levels - 1) as f64;
        (steps - a as f64) / steps
    }

    /// Checks sizes and ranges; errors name the field.
    pub fn validate(&self) -> Result<()> {
        self.params.validate()?;
        if self.validators < 2 {
            return Err(Error::invalid(
                "validators",
                format!("is {}, at least 2 are needed", self.validators),
            ));
        }
        if self.neurons < self.validators + 2 {
            return Err(Error::invalid(
                "neurons",
                format!(
                    "is {}, at least validators + 2 = {} are needed",
                    self.neurons,
                    self.validators + 2
                ),
            ));
        }
        if self.neurons > crate::limits::MAX_UIDS {
            return Err(Error::too_large(
                "neurons",
                self.neurons,
                crate::limits::MAX_UIDS,
            ));
        }
        if self.weight_levels < 2 {
            return Err(Error::invalid(
                "weightLevels",
                format!("is {}, at least 2 are needed", self.weight_levels),
            ));
        }
        if self.batch == 0 {
            return Err(Error::invalid("batch", "is 0"));
        }
        for (name, s) in [("sigmaW", self.sigma_w), ("sigmaS", self.sigma_s)] {
            if !s.is_finite() || s < 0.0 {
                return Err(Error::invalid(
                    name,
                    format!("is {s}, expected a finite value ≥ 0"),
                ));
            }
        }
        if self.stake_levels.is_empty() {
            return Err(Error::invalid("stakeLevels", "is empty"));
        }
        for (i, &s) in self.stake_levels.iter().enumerate() {
            if !(s > 0.0 && s <= 1.0) {
                return Err(Error::invalid(
                    format!("stakeLevels[{i}]"),
                    format!("is {s}, outside (0, 1]"),
                ));
            }
        }
        let points = self.points();
        if points > MAX_POINTS {
            return Err(Error::too_large("points", points, MAX_POINTS));
        }
        let cells = self.validators * (self.neurons - self.validators);
        if cells > crate::limits::MAX_CHAIN_ENTRIES {
            return Err(Error::too_large(
                "validators × servers",
                cells,
                crate::limits::MAX_CHAIN_ENTRIES,
            ));
        }
        Ok(())
    }

    fn servers(&self) -> usize {
        self.neurons - self.validators
    }

    /// `(level, W_H index, W_C index)` of point `k`.
    fn split(&self, k: usize) -> (usize, usize, usize) {
        let l2 = self.weight_levels * self.weight_levels;
        (
            k / l2,
            (k % l2) / self.weight_levels,
            k % self.weight_levels,
        )
    }
}

/// One grid point: `[S_H, W_H, W_C, weight_dev, E_H]`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ConsensusRow {
    /// S_H, the honest stake share.
    pub major_stake: f64,
    /// W_H, the honest utility (honest weight on honest servers).
    pub major_weight: f64,
    /// W_C, the cabal's self-weight.
    pub minor_weight: f64,
    /// Stake-weighted absolute weight deviation.
    pub weight_dev: f64,
    /// E_H, the honest share of the emission.
    pub major_ratio: f64,
}

impl ConsensusRow {
    /// Whether the honest side keeps its share (`E_H ≥ S_H`).
    pub fn retains(&self) -> bool {
        self.major_ratio >= self.major_stake
    }
}

/// The finished map: the configuration and one row per point, S_H-major then W_H then W_C
/// (both descending from 1), as upstream prints them.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsensusMap {
    /// What was computed.
    pub config: ConsensusMapConfig,
    /// One row per point.
    pub rows: Vec<ConsensusRow>,
}

impl ConsensusMap {
    /// The rows as CSV with [`CSV_HEADER`].
    pub fn to_csv(&self) -> String {
        let mut s = String::with_capacity(40 * (self.rows.len() + 1));
        s.push_str(CSV_HEADER);
        s.push('\n');
        for r in &self.rows {
            let _ = writeln!(
                s,
                "{:.2},{:.2},{:.2},{:.4},{:.6}",
                r.major_stake, r.major_weight, r.minor_weight, r.weight_dev, r.major_ratio
            );
        }
        s
    }

    /// The rows of stake level `level` (an index into `config.stake_levels`).
    pub fn level(&self, level: usize) -> &[ConsensusRow] {
        let l2 = self.config.weight_levels * self.config.weight_levels;
        let a = (level * l2).min(self.rows.len());
        let b = ((level + 1) * l2).min(self.rows.len());
        &self.rows[a..b]
    }

    /// The retention boundary `E_H = S_H` of stake level `level`: for each W_C (descending),
    /// `(W_H*, W_C)` where W_H* is the least honest utility from which every larger W_H on
    /// the grid retains (linearly interpolated between grid points). W_C values where even
    /// W_H = 1 loses are left out.
    pub fn contour(&self, level: usize) -> Vec<(f64, f64)> {
        let rows = self.level(level);
        let l = self.config.weight_levels;
        let mut out = Vec::with_capacity(l);
        let mut column = Vec::with_capacity(l);
        for b in 0..l {
            column.clear();
            column.extend((0..l).filter_map(|a| rows.get(a * l + b).copied()));
            if let Some(x) = retention_threshold(&column) {
                out.push((x, self.config.weight_value(b)));
            }
        }
        out
    }
}

/// The least W_H from which every row with a larger W_H retains (`E_H ≥ S_H`), linearly
/// interpolated at the crossing; `rows` share S_H and W_C, in any order. `None` when the
/// largest W_H does not retain.
pub fn retention_threshold(rows: &[ConsensusRow]) -> Option<f64> {
    let mut sorted: Vec<ConsensusRow> = rows.to_vec();
    // Equal W_H (not in a map) are ordered by E_H, so that the input's order never matters.
    sorted.sort_unstable_by(|a, b| {
        let by_e = a.major_ratio.total_cmp(&b.major_ratio);
        b.major_weight.total_cmp(&a.major_weight).then(by_e)
    });
    let first = sorted.first()?;
    if !first.retains() {
        return None;
    }
    for pair in sorted.windows(2) {
        let (hi, lo) = (pair[0], pair[1]);
        if !lo.retains() {
            // hi retains, lo does not: interpolate E_H − S_H = 0 between them.
            let (dh, dl) = (
                hi.major_ratio - hi.major_stake,
                lo.major_ratio - lo.major_stake,
            );
            let t = if dh - dl > 0.0 { dh / (dh - dl) } else { 0.0 };
            return Some(hi.major_weight + t * (lo.major_weight - hi.major_weight));
        }
    }
    sorted.last().map(|r| r.major_weight)
}

/// One S_H level: team sizes, stakes and the normalised quadrant samples.
#[derive(Debug, Clone)]
pub(crate) struct Level {
    s_h: f64,
    /// Honest validators (UIDs `0..hv`).
    hv: usize,
    /// Honest servers (server columns `0..hs`).
    hs: usize,
    /// Normalised stake per validator (sums to 1).
    stake: Vec<f64>,
    /// V × S: each validator's samples, normalised within its honest and cabal quadrants.
    samples: Vec<f64>,
}

/// `f(stake, honest scale, cabal scale, honest samples, cabal samples)`, for
/// [`Level::each_staked`].
type StakedRow<'a> = dyn FnMut(f64, f64, f64, &[f64], &[f64]) + 'a;

fn team(ratio: f64, total: usize) -> usize {
    let k = crate::math::exact::floor(ratio * total as f64 + 1e-9) as usize;
    k.clamp(1, total - 1)
}

impl Level {
    fn new(cfg: &ConsensusMapConfig, s_h: f64) -> Level {
        let (v, s) = (cfg.validators, cfg.servers());
        let (hv, hs) = (team(s_h, v), team(s_h, s));
        let mut rng = Normal::new(cfg.seed);
        let mut stake = vec![0.0; v];
        for (range, share) in [(0..hv, s_h), (hv..v, 1.0 - s_h)] {
            let part = &mut stake[range];
            part.iter_mut().for_each(|x| *x = rng.clamped(cfg.sigma_s));
            normalize_or_uniform(part);
            part.iter_mut().for_each(|x| *x *= share);
        }
        let mut samples = vec![0.0; v * s];
        for row in samples.chunks_exact_mut(s) {
            let (honest, cabal) = row.split_at_mut(hs);
            for q in [honest, cabal] {
                q.iter_mut().for_each(|x| *x = rng.clamped(cfg.sigma_w));
                normalize_or_uniform(q);
            }
        }
        Level {
            s_h,
            hv,
            hs,
            stake,
            samples,
        }
    }

    /// The factors of validator `i`'s honest and cabal samples at the point `(W_H, W_C)`.
    fn scales(&self, i: usize, wh: f64, wc: f64) -> (f64, f64) {
        if i < self.hv {
            (wh, 1.0 - wh)
        } else {
            (1.0 - wc, wc)
        }
    }

    /// Fills `w` (V × S, rows summing to 1) for the point `(W_H, W_C)`.
    fn weights_into(&self, wh: f64, wc: f64, s: usize, w: &mut [f64]) {
        for (i, (row, src)) in w
            .chunks_exact_mut(s)
            .zip(self.samples.chunks_exact(s))
            .enumerate()
        {
            let (to_honest, to_cabal) = self.scales(i, wh, wc);
            let (rh, rc) = row.split_at_mut(self.hs);
            let (sh, sc) = src.split_at(self.hs);
            rh.iter_mut().zip(sh).for_each(|(o, x)| *o = to_honest * x);
            rc.iter_mut().zip(sc).for_each(|(o, x)| *o = to_cabal * x);
        }
    }

    /// Calls `f(stake, honest scale, cabal scale, honest samples, cabal samples)` for each
    /// validator with stake, in order.
    fn each_staked(&self, wh: f64, wc: f64, s: usize, f: &mut StakedRow<'_>) {
        for (i, &st) in self.stake.iter().enumerate() {
            if st > 0.0 {
                let src = &self.samples[i * s..(i + 1) * s];
                let ((th, tc), (sh, sc)) = (self.scales(i, wh, wc), src.split_at(self.hs));
                f(st, th, tc, sh, sc);
            }
        }
    }

    /// The stake-weighted absolute weight deviation of the point `(W_H, W_C)` (rows and stake
    /// sum to 1), from the samples: each weight is formed as [`Level::weights_into`] forms
    /// it, so the result is the same as from the filled matrix, which is never needed.
    fn weight_dev(&self, wh: f64, wc: f64, s: usize, mean: &mut Vec<f64>) -> f64 {
        mean.clear();
        mean.resize(s, 0.0);
        let (mh, mc) = mean.split_at_mut(self.hs);
        self.each_staked(wh, wc, s, &mut |st, th, tc, sh, sc| {
            add_weighted(mh, st, th, sh);
            add_weighted(mc, st, tc, sc);
        });
        let (mh, mc) = mean.split_at(self.hs);
        let mut dev = 0.0;
        self.each_staked(wh, wc, s, &mut |st, th, tc, sh, sc| {
            dev += st * abs_dev(abs_dev(0.0, mh, th, sh), mc, tc, sc);
        });
        let total: f64 = mean.iter().sum();
        if total > 0.0 {
            dev / total
        } else {
            0.0
        }
    }
}

/// `mean += st · (t · x)`, entry by entry: the weights `t · x` formed as
/// [`Level::weights_into`] forms them.
fn add_weighted(mean: &mut [f64], st: f64, t: f64, x: &[f64]) {
    mean.iter_mut().zip(x).for_each(|(m, x)| *m += st * (t * x));
}

/// `acc + Σ |m − t · x|`, added in order.
fn abs_dev(acc: f64, mean: &[f64], t: f64, x: &[f64]) -> f64 {
    let terms = mean.iter().zip(x).map(|(m, x)| libm::fabs(m - t * x));
    terms.fold(acc, |a, d| a + d)
}

/// Per-task scratch: the weights of a point and the chain epoch's buffers.
pub(crate) struct Scratch {
    w: Vec<f64>,
    mean: Vec<f64>,
    chain: Option<ChainScratch>,
    cpu: CpuScorer,
    pub(crate) batch: EpochBatch,
}

struct ChainScratch {
    input: ChainInput,
    ws: ChainWorkspace,
    out: ChainOutput,
    fixed: Vec<I32F32>,
    up: Vec<u16>,
    /// Stored weight rows by `(validator, weight level)`: an honest validator's row depends
    /// only on W_H and a cabal validator's only on W_C, so within a stake level each row is
    /// quantised once rather than at every point. Valid for `cached_level`.
    rows: Vec<Vec<(u16, u16)>>,
    cached_level: usize,
    /// The weight level whose row `input.weights[i]` holds (`usize::MAX`: none).
    loaded: Vec<usize>,
    /// The stake level shared by the points (built here when none is shared).
    level: Option<(usize, ChainLevel)>,
    point: PointScratch,
}

impl Scratch {
    pub(crate) fn new(cfg: &ConsensusMapConfig) -> Scratch {
        let (v, s) = (cfg.validators, cfg.servers());
        let chain = (cfg.variant == Variant::Chain).then(|| {
            let n = cfg.neurons;
            let mut input = ChainInput::new(n, BLOCK, RAO_EMISSION);
            chain_params(&cfg.params, &mut input);
            input.max_allowed_validators = v as u16;
            input.last_update.iter_mut().for_each(|x| *x = BLOCK);
            input
                .validator_permit
                .iter_mut()
                .take(v)
                .for_each(|p| *p = true);
            for row in input.weights.iter_mut().take(v) {
                row.reserve(s);
            }
            ChainScratch {
                input,
                ws: ChainWorkspace::default(),
                out: ChainOutput::default(),
                fixed: Vec::with_capacity(s),
                up: vec![0; s],
                rows: vec![Vec::new(); v * cfg.weight_levels],
                cached_level: usize::MAX,
                loaded: vec![usize::MAX; v],
                level: None,
                point: PointScratch::default(),
            }
        });
        Scratch {
            w: vec![0.0; v * s],
            mean: Vec::with_capacity(s),
            chain,
            cpu: CpuScorer::default(),
            batch: EpochBatch {
                validators: v,
                servers: s,
                variant: cfg.variant,
                params: cfg.params.clone(),
                ..EpochBatch::default()
            },
        }
    }
}

/// Loads the stored weight rows of point `(l, a, b)` (rows `w`) into `cs.input`, quantising
/// each validator's row once per weight level and stake level.
fn load_rows(
    level: &Level,
    (l, a, b): (usize, usize, usize),
    w: &[f64],
    s: usize,
    cs: &mut ChainScratch,
) {
    let v = level.stake.len();
    let stake = cs.input.stake.get_or_insert_with(Vec::new);
    for (dst, &x) in stake.iter_mut().zip(&level.stake) {
        *dst = crate::math::exact::floor(x * TOTAL_STAKE_RAO) as u64;
    }
    if cs.cached_level != l {
        cs.rows.iter_mut().for_each(Vec::clear);
        cs.loaded.fill(usize::MAX);
        cs.cached_level = l;
    }
    let levels = cs.rows.len() / v.max(1);
    for (i, row) in w.chunks_exact(s).enumerate() {
        let idx = if i < level.hv { a } else { b };
        if cs.loaded[i] == idx {
            continue;
        }
        let cached = &mut cs.rows[i * levels + idx];
        if cached.is_empty() {
            // fixed_proportion_to_u16, then set_weights' max-upscale.
            cs.fixed.clear();
            cs.fixed.extend(row.iter().map(|&x| {
                u16_to_fixed(crate::math::exact::floor(x * 65535.0).clamp(0.0, 65535.0) as u16)
            }));
            vec_max_upscale_to_u16_into(&cs.fixed, &mut cs.up);
            cached.extend(cs.up.iter().enumerate().map(|(j, &q)| ((v + j) as u16, q)));
        }
        let stored = &mut cs.input.weights[i];
        stored.clear();
        stored.extend_from_slice(cached);
        cs.loaded[i] = idx;
    }
}

/// E_H from the stored emission (rao): honest validators `0..hv` and honest servers
/// `v..v + hs` over all.
fn honest_share(e: &[u64], v: usize, hv: usize, hs: usize) -> f64 {
    let total: u128 = e.iter().map(|&x| x as u128).sum();
    let honest: u128 = e[..hv]
        .iter()
        .chain(&e[v..v + hs])
        .map(|&x| x as u128)
        .sum();
    if total == 0 {
        0.0
    } else {
        honest as f64 / total as f64
    }
}

/// Runs the chain epoch on point `(l, a, b)` of the grid, with `w` its weights; returns E_H.
fn chain_ratio(
    level: &Level,
    point: (usize, usize, usize),
    w: &[f64],
    s: usize,
    cs: &mut ChainScratch,
) -> f64 {
    load_rows(level, point, w, s, cs);
    epoch_with(&cs.input, &mut cs.ws, &mut cs.out);
    honest_share(&cs.out.emission, level.stake.len(), level.hv, level.hs)
}

/// E_H of epoch `k` of a scored batch.
fn float_ratio(level: &Level, out: &BatchOutput, k: usize, v: usize, s: usize) -> f64 {
    let d = &out.dividends[k * v..(k + 1) * v];
    let inc = &out.incentive[k * s..(k + 1) * s];
    let total: f64 = d.iter().sum::<f64>() + inc.iter().sum::<f64>();
    let honest: f64 = d[..level.hv].iter().sum::<f64>() + inc[..level.hs].iter().sum::<f64>();
    if total > 0.0 {
        honest / total
    } else {
        0.0
    }
}

/// E_H of chain point `(l, a, b)` (weights `w`): through the stake level's shared terms
/// ([`ChainLevel`], `shared` when it is level l, else built in `cs`) where they apply, else
/// the full epoch.
fn chain_point(
    cfg: &ConsensusMapConfig,
    levels: &[Level],
    (l, a, b): (usize, usize, usize),
    w: &[f64],
    cs: &mut ChainScratch,
    shared: Option<(usize, &ChainLevel)>,
) -> f64 {
    let (level, s) = (&levels[l], cfg.servers());
    if !ChainLevel::applies(cfg) {
        return chain_ratio(level, (l, a, b), w, s, cs);
    }
    let lv = match shared {
        Some((x, lv)) if x == l => lv,
        _ => {
            if cs.level.as_ref().is_none_or(|(x, _)| *x != l) {
                cs.level = None;
                let mut tmp = vec![0.0; w.len()];
                let built = ChainLevel::new(cfg, level, l, cs, &mut tmp);
                cs.level = Some((l, built));
            }
            &cs.level.as_ref().expect("built above").1
        }
    };
    match lv.emission(a, b, &mut cs.point) {
        Some(e) => lv.honest_ratio(&e),
        None => {
            // The epoch's stake fallback: run it whole.
            let lv_owned = cs.level.take();
            let r = chain_ratio(level, (l, a, b), w, s, cs);
            cs.level = lv_owned;
            r
        }
    }
}

/// Computes the points `range` into `rows` on the CPU (`shared`: a chain stake level built
/// once for all tasks).
fn run_range(
    cfg: &ConsensusMapConfig,
    levels: &[Level],
    range: Range<usize>,
    sc: &mut Scratch,
    rows: &mut Vec<ConsensusRow>,
    shared: Option<(usize, &ChainLevel)>,
) -> Result<()> {
    let s = cfg.servers();
    if let Some(cs) = sc.chain.as_mut() {
        for k in range {
            let (l, a, b) = cfg.split(k);
            let level = &levels[l];
            let (wh, wc) = (cfg.weight_value(a), cfg.weight_value(b));
            level.weights_into(wh, wc, s, &mut sc.w);
            let weight_dev = level.weight_dev(wh, wc, s, &mut sc.mean);
            let major_ratio = chain_point(cfg, levels, (l, a, b), &sc.w, cs, shared);
            rows.push(ConsensusRow {
                major_stake: level.s_h,
                major_weight: wh,
                minor_weight: wc,
                weight_dev,
                major_ratio,
            });
        }
        return Ok(());
    }
    // Float: one batch for the range.
    let start = rows.len();
    prepare_float_batch(cfg, levels, range.clone(), sc, rows);
    let fill = point_weights(cfg, levels, range.start);
    let out = sc.cpu.score_filled(&mut sc.batch, &fill)?;
    finish_float_rows(cfg, levels, range, &out, &mut rows[start..]);
    Ok(())
}

/// Sets up `sc.batch` for the float points `range` (their count and stakes; the weights are
/// made by [`point_weights`] as the scorer asks for them) and pushes their rows, E_H still 0
/// (set by [`finish_float_rows`] once the batch is scored).
pub(crate) fn prepare_float_batch(
    cfg: &ConsensusMapConfig,
    levels: &[Level],
    range: Range<usize>,
    sc: &mut Scratch,
    rows: &mut Vec<ConsensusRow>,
) {
    let s = cfg.servers();
    let batch = &mut sc.batch;
    batch.count = range.len();
    batch.stakes.clear();
    // One point's weight deviation.
    let dev = |k: usize, mean: &mut Vec<f64>| {
        let (l, a, b) = cfg.split(k);
        levels[l].weight_dev(cfg.weight_value(a), cfg.weight_value(b), s, mean)
    };
    // Natively under `parallel`, a point per task: the GPU backend's batches are prepared
    // here on the calling thread, and at 64 × 448 a point is ~30 µs of work.
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    let devs: Vec<f64> = {
        use rayon::prelude::*;
        let points = range.clone().into_par_iter();
        points.map_init(Vec::new, |mean, k| dev(k, mean)).collect()
    };
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    let devs: Vec<f64> = range.clone().map(|k| dev(k, &mut sc.mean)).collect();
    for (k, weight_dev) in range.zip(devs) {
        let (l, a, b) = cfg.split(k);
        let level = &levels[l];
        batch.stakes.extend_from_slice(&level.stake);
        rows.push(ConsensusRow {
            major_stake: level.s_h,
            major_weight: cfg.weight_value(a),
            minor_weight: cfg.weight_value(b),
            weight_dev,
            major_ratio: 0.0,
        });
    }
}

/// The weights of the batch of points from `first` on: epoch `e` is point `first + e`.
pub(crate) fn point_weights<'a>(
    cfg: &'a ConsensusMapConfig,
    levels: &'a [Level],
    first: usize,
) -> impl Fn(usize, &mut [f64]) + Sync + 'a {
    move |e, w| {
        let (l, a, b) = cfg.split(first + e);
        let (wh, wc) = (cfg.weight_value(a), cfg.weight_value(b));
        levels[l].weights_into(wh, wc, cfg.servers(), w);
    }
}

/// Sets E_H of `rows` (the points `range`, as [`prepare_float_batch`] pushed them) from the
/// scored batch.
pub(crate) fn finish_float_rows(
    cfg: &ConsensusMapConfig,
    levels: &[Level],
    range: Range<usize>,
    out: &BatchOutput,
    rows: &mut [ConsensusRow],
) {
    let (v, s) = (cfg.validators, cfg.servers());
    for ((idx, k), row) in range.enumerate().zip(rows) {
        let (l, _, _) = cfg.split(k);
        row.major_ratio = float_ratio(&levels[l], out, idx, v, s);
    }
}

/// The draws of every S_H level.
pub(crate) fn levels(cfg: &ConsensusMapConfig) -> Vec<Level> {
    cfg.stake_levels
        .iter()
        .map(|&s| Level::new(cfg, s))
        .collect()
}

pub(crate) fn cancelled() -> Error {
    Error::invalid("consensus map", "was cancelled")
}

/// Runs the map with `scorer` for the float variants (the chain variant, the default, runs
/// the chain epoch directly and ignores it), calling `progress(done, total)` after each
/// batch; returning `false` cancels with an error.
pub fn consensus_map(
    cfg: &ConsensusMapConfig,
    scorer: &mut dyn BatchScorer,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<ConsensusMap> {
    use super::consensus_map_async::{consensus_map_async, now, Ready};
    now(consensus_map_async(cfg, &mut Ready(scorer), progress))
}

/// Runs the map on the CPU: the chain epoch, or the float epoch through [`CpuScorer`], in
/// parallel (rayon) under the `parallel` feature. `progress(done, total)` is called from the
/// calling thread between groups of batches; returning `false` cancels with an error.
pub fn consensus_map_cpu(
    cfg: &ConsensusMapConfig,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<ConsensusMap> {
    cfg.validate()?;
    let levels = levels(cfg);
    let total = cfg.points();
    let mut rows = Vec::with_capacity(total);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let group = (rayon::current_num_threads() * 4).max(1);
        // Chain maps go one stake level at a time, its shared terms built once.
        let mut builder = Scratch::new(cfg);
        let per_level = cfg.weight_levels * cfg.weight_levels;
        let by_level = builder.chain.is_some() && ChainLevel::applies(cfg);
        let spans: Vec<Range<usize>> = if by_level {
            (0..levels.len())
                .map(|l| l * per_level..(l + 1) * per_level)
                .collect()
        } else {
            core::iter::once(0..total).collect()
        };
        for span in spans {
            let shared = match builder.chain.as_mut() {
                Some(cs) if by_level => {
                    let l = span.start / per_level;
                    let built = ChainLevel::new(cfg, &levels[l], l, cs, &mut builder.w);
                    Some((l, built))
                }
                _ => None,
            };
            let shared = shared.as_ref().map(|(l, lv)| (*l, lv));
            let ranges: Vec<Range<usize>> = span
                .clone()
                .step_by(cfg.batch)
                .map(|a| a..(a + cfg.batch).min(span.end))
                .collect();
            for chunk in ranges.chunks(group) {
                let parts: Vec<Result<Vec<ConsensusRow>>> = chunk
                    .par_iter()
                    .map_init(
                        || Scratch::new(cfg),
                        |sc, r| {
                            let mut part = Vec::with_capacity(r.len());
                            run_range(cfg, &levels, r.clone(), sc, &mut part, shared).map(|_| part)
                        },
                    )
                    .collect();
                for p in parts {
                    rows.extend(p?);
                }
                if !progress(rows.len(), total) {
                    return Err(cancelled());
                }
            }
        }
    }
    #[cfg(not(feature = "parallel"))]
    {
        let mut sc = Scratch::new(cfg);
        let mut k = 0;
        while k < total {
            let end = (k + cfg.batch).min(total);
            run_range(cfg, &levels, k..end, &mut sc, &mut rows, None)?;
            k = end;
            if !progress(rows.len(), total) {
                return Err(cancelled());
            }
        }
    }
    Ok(ConsensusMap {
        config: cfg.clone(),
        rows,
    })
}
