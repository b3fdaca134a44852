//! The research variants of Yuma, as the community simulator (`yuma-simulation`) defines
//! them (spec/yuma-variants.md §2–§3), in f64.
//!
//! Shared steps, V validators × N servers:
//!
//! 1. `Wn_ij = W_ij / (Σ_j W_ij + 1e-6)`
//! 2. `Sn = S / ΣS`
//! 3. prerank `P_j = Σ_i Sn_i·Wn_ij`
//! 4. consensus `C_j = max { v : Σ_{i: Wn_ij ≥ v} Sn_i ≥ κ }` (stake-weighted κ-quantile)
//! 5. `C ← trunc(C/ΣC · 65535)/65535`
//! 6. `Wc = min(Wn, C)` (Yuma 2B clips the previous epoch's weights)
//! 7. rank `R_j = Σ_i Sn_i·Wc_ij`, incentive `I = R/ΣR` (or winner-takes-all)
//! 8. trust `T_j = R_j/P_j`, validator trust `Tv_i = Σ_j Wc_ij / Σ_j Wn_ij`
//! 9. bonds and dividends `D` per variant, `D̂ = D/(ΣD + 1e-6)`
//!
//! Degenerate cases, defined here where upstream is undefined or crashes:
//! * **ΣC = 0** (no server reaches κ): upstream casts NaN to int (platform-dependent). Here the
//!   consensus is all zero, so clipped weights, rank and incentive are zero.
//! * **Winner-takes-all with ΣR = 0**: no winner; the incentive is zero (upstream would split it
//!   equally over every column, validator columns included).
//! * **ΣS = 0**: the normalised stake is all zero.
//! * **0/0** in trust, validator trust and column normalisation gives 0.
//! * **Missing bond penalty**: the default is 1.0 (upstream `None` crashes).

use super::case::{Alpha, Case, EpochOutput};
use super::params::{ConsensusMode, Params, Variant};
use crate::error::{Error, Result};
use crate::math::{clip, consensus, ema, normalize, Dense};
use alloc::format;
use alloc::vec::Vec;

/// `validator_emission_ratio` of the community simulator.
pub const VALIDATOR_EMISSION_RATIO: f64 = 0.41;
/// `total_epoch_emission` of the community simulator.
pub const TOTAL_EPOCH_EMISSION: f64 = 100.0;
/// `total_subnet_stake` of the community simulator.
pub const TOTAL_SUBNET_STAKE: f64 = 1_000_000.0;
/// The epsilon of the simulator's row and column normalisations.
pub const EPS: f64 = 1e-6;
/// Yuma 2C's bond capacity per unit of stake: `2^64 − 1`.
pub const BOND_CAPACITY: f64 = 18_446_744_073_709_551_615.0;

/// Scratch buffers reused across epochs, so that an epoch allocates nothing once warm.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    row_sums: Vec<f64>,
    consensus: consensus::Scratch,
    col: Vec<f64>,
    bonds_old: Vec<f64>,
    consensus_for_alpha: Vec<f64>,
}

/// Runs one epoch of a research variant.
///
/// * `weights` — raw weights W (V × N); `stakes` — raw stakes S (V).
/// * `prev` — the previous epoch's output (bonds, consensus and weights are the state), or
///   `None` on the first epoch.
/// * `reset_column` — a server whose bond column is zeroed before the epoch (honoured by
///   Yuma 2C and Yuma 3 only, as upstream).
/// * `out` — receives every output; its buffers are reused.
pub fn epoch(
    variant: Variant,
    params: &Params,
    weights: &Dense,
    stakes: &[f64],
    prev: Option<&EpochOutput>,
    reset_column: Option<usize>,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) -> Result<()> {
    let (v, n) = (weights.rows, weights.cols);
    if variant == Variant::Chain {
        return Err(Error::unknown(
            "variant",
            "chain",
            "yuma1, yuma2, yuma2b, yuma2c, yuma3",
        ));
    }
    if stakes.len() != v {
        return Err(Error::shape(format!(
            "stakes has {} entries, weights has {v} rows",
            stakes.len()
        )));
    }
    if weights.data.len() != v * n {
        return Err(Error::shape(format!(
            "weights holds {} values, expected {v}×{n}",
            weights.data.len()
        )));
    }
    if let Some(p) = prev {
        if p.weights.rows != v || p.weights.cols != n {
            return Err(Error::shape(format!(
                "weights is {v}×{n}, the previous epoch was {}×{}",
                p.weights.rows, p.weights.cols
            )));
        }
    }

    // 1. Row-normalised weights.
    out.weights.reset(v, n);
    ws.row_sums.resize(v, 0.0);
    normalize::row_normalize_eps(
        &weights.data,
        n,
        EPS,
        &mut out.weights.data,
        &mut ws.row_sums,
    );

    // 2. Normalised stake.
    out.stake.clear();
    out.stake.extend_from_slice(stakes);
    normalize::normalize(&mut out.stake);

    // 3. Prerank.
    weighted_col_sums(&out.weights.data, &out.stake, n, &mut out.prerank);

    // 4–5. Consensus.
    out.consensus.resize(n, 0.0);
    consensus::consensus_dense(
        &out.weights.data,
        v,
        n,
        &out.stake,
        params.kappa,
        &mut out.consensus,
        &mut ws.consensus,
    );
    clip::normalize_quantize_u16(&mut out.consensus);

    // 6. Clip: Yuma 2B clips the previous epoch's weights (this epoch's on the first).
    out.clipped_weights.reset(v, n);
    let clip_source: &[f64] = match (variant, prev) {
        (Variant::Yuma2b, Some(p)) => &p.weights.data,
        _ => &out.weights.data,
    };
    // 7–8 fused, one pass over the rows: Wc = min(W, C), R_j += Sn_i·Wc_ij, and the row sums
    // of Wc and Wn for validator trust.
    out.rank.clear();
    out.rank.resize(n, 0.0);
    out.validator_trust.clear();
    if n > 0 {
        for (i, (wc_row, src_row)) in out
            .clipped_weights
            .data
            .chunks_exact_mut(n)
            .zip(clip_source.chunks_exact(n))
            .enumerate()
        {
            let si = out.stake[i];
            let mut sum_wc = 0.0;
            for (((wc, &w), &c), r) in wc_row
                .iter_mut()
                .zip(src_row)
                .zip(&out.consensus)
                .zip(out.rank.iter_mut())
            {
                let x = if w < c { w } else { c };
                *wc = x;
                *r += si * x;
                sum_wc += x;
            }
            let sum_wn: f64 = out.weights.row(i).iter().sum();
            out.validator_trust.push(safe_div(sum_wc, sum_wn));
        }
    }
    incentive(&out.rank, params.winner_takes_all, &mut out.incentive);
    out.trust.clear();
    out.trust.extend(
        out.rank
            .iter()
            .zip(&out.prerank)
            .map(|(&r, &p)| safe_div(r, p)),
    );

    // 9. Bonds and dividends.
    let mut reset_buf = core::mem::take(&mut ws.bonds_old);
    let bonds_old = previous_bonds(variant, prev, reset_column, &mut reset_buf);
    match variant {
        Variant::Yuma1 | Variant::Yuma2 | Variant::Yuma2b => {
            stake_weighted_bonds(variant, params, prev, bonds_old, out, ws)
        }
        Variant::Yuma2c => capacity_bonds(params, bonds_old, out),
        Variant::Yuma3 => relative_bonds(params, prev, bonds_old, out, ws),
        Variant::Chain => {}
    }
    ws.bonds_old = reset_buf;

    // 10. Normalised dividends and the simulator's reporting.
    let d_sum: f64 = out.dividends_raw.iter().sum();
    out.dividends.clear();
    out.dividends
        .extend(out.dividends_raw.iter().map(|&d| d / (d_sum + EPS)));
    per_1000_tao(stakes, &out.dividends, &mut out.dividend_per_1000_tao);
    out.relative_dividends.clear();
    out.relative_dividends
        .extend(out.dividends.iter().zip(&out.stake).map(|(&d, &s)| d - s));
    Ok(())
}

/// Dividend per 1,000 TAO: `ratio·D̂_i·emission / (S_i·total_stake/1000)`, 0 when the
/// denominator is ≤ 1e-6. `S_i` is the raw stake, as upstream.
pub fn per_1000_tao(raw_stakes: &[f64], dividends: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.extend(raw_stakes.iter().zip(dividends).map(|(&s, &d)| {
        let denom = s * TOTAL_SUBNET_STAKE / 1000.0;
        if denom <= 1e-6 {
            0.0
        } else {
            VALIDATOR_EMISSION_RATIO * d * TOTAL_EPOCH_EMISSION / denom
        }
    }));
}

fn safe_div(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// `out_j = Σ_i s_i·m_ij` over a row-major matrix.
fn weighted_col_sums(m: &[f64], s: &[f64], cols: usize, out: &mut Vec<f64>) {
    out.clear();
    out.resize(cols, 0.0);
    if cols == 0 {
        return;
    }
    for (row, &si) in m.chunks_exact(cols).zip(s) {
        if si == 0.0 {
            continue;
        }
        for (o, &x) in out.iter_mut().zip(row) {
            *o += si * x;
        }
    }
}

/// Incentive from rank: `I = R/ΣR` (0 when ΣR = 0), or winner-takes-all, where the k columns
/// whose rank equals the maximum exactly get 1/k each.
fn incentive(rank: &[f64], winner_takes_all: bool, out: &mut Vec<f64>) {
    out.clear();
    let sum: f64 = rank.iter().sum();
    if sum <= 0.0 {
        out.resize(rank.len(), 0.0);
        return;
    }
    if winner_takes_all {
        let max = rank.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let k = rank.iter().filter(|&&r| r == max).count() as f64;
        out.extend(rank.iter().map(|&r| if r == max { 1.0 / k } else { 0.0 }));
    } else {
        out.extend(rank.iter().map(|&r| r / sum));
    }
}

/// The bond state entering this epoch, with the case's bond reset applied (2C and 3 only).
fn previous_bonds<'a>(
    variant: Variant,
    prev: Option<&'a EpochOutput>,
    reset_column: Option<usize>,
    buf: &'a mut Vec<f64>,
) -> Option<&'a [f64]> {
    let p = prev?;
    match reset_column {
        Some(col) if variant.honours_bond_reset() && col < p.bonds.cols => {
            buf.clear();
            buf.extend_from_slice(&p.bonds.data);
            for row in buf.chunks_exact_mut(p.bonds.cols) {
                row[col] = 0.0;
            }
            Some(buf)
        }
        _ => Some(&p.bonds.data),
    }
}

/// The simulator's liquid alpha, per (validator, server):
/// buy (`Wn ≥ B_old`): `x = clamp(Wn − C, 0, 1)`; sell: `x = clamp(B_old − Wn, 0, 1)`;
/// `α = clamp(low + σ(steepness·(x − ½))·(high − low), low, high)` — with torch's clamp
/// semantics `min(max(·, low), high)`, so swapped bounds give `high` everywhere.
pub fn liquid_alpha(
    params: &Params,
    wn: &[f64],
    b_old: &[f64],
    c: &[f64],
    out: &mut Dense,
    rows: usize,
) {
    let cols = c.len();
    out.reset(rows, cols);
    if cols == 0 {
        return;
    }
    let (lo, hi) = (params.alpha_low, params.alpha_high);
    for ((a_row, w_row), b_row) in out
        .data
        .chunks_exact_mut(cols)
        .zip(wn.chunks_exact(cols))
        .zip(b_old.chunks_exact(cols))
    {
        for (((a, &w), &b), &cj) in a_row.iter_mut().zip(w_row).zip(b_row).zip(c) {
            let x = if w >= b {
                (w - cj).clamp(0.0, 1.0)
            } else {
                (b - w).clamp(0.0, 1.0)
            };
            let raw = lo + ema::sigmoid(params.alpha_sigmoid_steepness * (x - 0.5)) * (hi - lo);
            *a = raw.max(lo).min(hi);
        }
    }
}

/// [`liquid_alpha`] into the matrix of the previous epoch's output when there is one, so a
/// steady-state run does not allocate.
fn liquid_alpha_reusing(
    previous: &mut Alpha,
    params: &Params,
    wn: &[f64],
    b_old: &[f64],
    c: &[f64],
    rows: usize,
) -> Dense {
    let mut m = match core::mem::take(previous) {
        Alpha::Matrix(m) => m,
        _ => Dense::default(),
    };
    liquid_alpha(params, wn, b_old, c, &mut m, rows);
    m
}

/// Yuma 1, 2 and 2B: stake-weighted bonds.
/// `Wb = (1−β)·W + β·Wc`, `B_ij = Sn_i·Wb_ij / Σ_k Sn_k·Wb_kj` (Yuma 1: `+1e-6`),
/// `B_ema = α·B + (1−α)·B_old` (first epoch: `B`), Yuma 1 column-normalises `B_ema` again
/// (`+1e-6`); `D_i = Σ_j B_ema_ij·I_j`.
fn stake_weighted_bonds(
    variant: Variant,
    params: &Params,
    prev: Option<&EpochOutput>,
    bonds_old: Option<&[f64]>,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) {
    let (v, n) = (out.weights.rows, out.weights.cols);
    // Yuma 2B builds its bonds from the previous epoch's weights (this epoch's on the first).
    let bond_source: &[f64] = match (variant, prev) {
        (Variant::Yuma2b, Some(p)) => &p.weights.data,
        _ => &out.weights.data,
    };
    let beta = params.bond_penalty;
    let eps = if variant == Variant::Yuma1 { EPS } else { 0.0 };
    out.fresh_bonds.reset(v, n);
    ws.col.clear();
    ws.col.resize(n, 0.0);
    if n > 0 {
        let rows = out
            .fresh_bonds
            .data
            .chunks_exact_mut(n)
            .zip(bond_source.chunks_exact(n))
            .zip(out.clipped_weights.data.chunks_exact(n));
        for (i, ((f_row, src), wc)) in rows.enumerate() {
            let si = out.stake[i];
            for (((f, &w), &c), cs) in f_row.iter_mut().zip(src).zip(wc).zip(ws.col.iter_mut()) {
                let x = si * ((1.0 - beta) * w + beta * c);
                *f = x;
                *cs += x;
            }
        }
        // Column-normalise with the variant's epsilon (0/0 → 0).
        for d in ws.col.iter_mut() {
            *d += eps;
        }
        for f_row in out.fresh_bonds.data.chunks_exact_mut(n) {
            for (f, &d) in f_row.iter_mut().zip(&ws.col) {
                *f = if d > 0.0 { *f / d } else { 0.0 };
            }
        }
    }

    let scalar = if variant == Variant::Yuma1 {
        1.0
    } else {
        1.0 - params.bond_moving_average
    };
    out.bonds.reset(v, n);
    match bonds_old {
        Some(b_old) if params.liquid_alpha && prev.is_some() => {
            let alpha = liquid_alpha_reusing(
                &mut out.alpha,
                params,
                &out.weights.data,
                b_old,
                &out.consensus,
                v,
            );
            ema::ema_per_entry(
                &out.fresh_bonds.data,
                b_old,
                &alpha.data,
                &mut out.bonds.data,
            );
            out.alpha = Alpha::Matrix(alpha);
        }
        Some(b_old) => {
            ema::ema(&out.fresh_bonds.data, b_old, scalar, &mut out.bonds.data);
            out.alpha = Alpha::Scalar(scalar);
        }
        None => {
            out.bonds.data.copy_from_slice(&out.fresh_bonds.data);
            out.alpha = Alpha::Scalar(scalar);
        }
    }
    if variant == Variant::Yuma1 {
        normalize::col_normalize_eps(&mut out.bonds.data, n, EPS, &mut ws.col);
    }
    out.dividends_raw.clear();
    for i in 0..v {
        out.dividends_raw.push(
            out.bonds
                .row(i)
                .iter()
                .zip(&out.incentive)
                .map(|(&b, &inc)| b * inc)
                .sum(),
        );
    }
}

/// Yuma 2C: absolute bonds bought against a capacity `cap_i = Sn_i·(2^64−1)`:
/// `purchase_ij = min(capacity_alpha·cap_i, max(cap_i − B_old_ij, 0))·Wn_ij`,
/// `B = min((1 − decay)·B_old + purchase, cap_i)`; `D_i = Σ_j B_ij/(Σ_k B_kj + 1e-6)·I_j`.
fn capacity_bonds(params: &Params, bonds_old: Option<&[f64]>, out: &mut EpochOutput) {
    let (v, n) = (out.weights.rows, out.weights.cols);
    out.fresh_bonds.reset(0, 0);
    out.bonds.reset(v, n);
    let decay = 1.0 - params.decay_rate;
    for i in 0..v {
        let cap = out.stake[i] * BOND_CAPACITY;
        let buy = params.capacity_alpha * cap;
        let row = i * n..(i + 1) * n;
        let old_row = bonds_old.map(|b| &b[row.clone()]);
        for (j, (b, &w)) in out.bonds.data[row.clone()]
            .iter_mut()
            .zip(&out.weights.data[row.clone()])
            .enumerate()
        {
            let old = old_row.map_or(0.0, |o| o[j]);
            let remaining = (cap - old).max(0.0);
            let purchase = buy.min(remaining) * w;
            *b = (decay * old + purchase).min(cap);
        }
    }
    share_dividends(out, false);
    out.alpha = Alpha::None;
}

/// Yuma 3: per-relation bonds in [0, 1]: `B_dec = (1−α)·B_old`,
/// `B = min(B_dec + min(α·Wn, max(1 − B_dec, 0)), 1)` — exactly `(1−α)·B_old + α·Wn` in
/// practice — with α = 1 − bond_moving_average, or the liquid α from the second epoch on,
/// reading the consensus chosen by `liquidAlphaConsensusMode`.
/// `D_i = Sn_i·Σ_j B_ij/(Σ_k B_kj + 1e-6)·I_j`.
fn relative_bonds(
    params: &Params,
    prev: Option<&EpochOutput>,
    bonds_old: Option<&[f64]>,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) {
    let (v, n) = (out.weights.rows, out.weights.cols);
    out.fresh_bonds.reset(0, 0);
    out.bonds.reset(v, n);
    let scalar = 1.0 - params.bond_moving_average;
    let liquid = match (params.liquid_alpha, prev, bonds_old) {
        (true, Some(p), Some(b_old)) => {
            ws.consensus_for_alpha.clear();
            match params.liquid_alpha_consensus_mode {
                ConsensusMode::Current => ws.consensus_for_alpha.extend_from_slice(&out.consensus),
                ConsensusMode::Previous => ws.consensus_for_alpha.extend_from_slice(&p.consensus),
                ConsensusMode::Mixed => ws.consensus_for_alpha.extend(
                    out.consensus
                        .iter()
                        .zip(&p.consensus)
                        .map(|(&a, &b)| a.max(b)),
                ),
            }
            let alpha = liquid_alpha_reusing(
                &mut out.alpha,
                params,
                &out.weights.data,
                b_old,
                &ws.consensus_for_alpha,
                v,
            );
            Some(alpha)
        }
        _ => None,
    };
    for k in 0..v * n {
        let a = liquid.as_ref().map_or(scalar, |m| m.data[k]);
        let old = bonds_old.map_or(0.0, |b| b[k]);
        let decayed = (1.0 - a) * old;
        let purchase = (a * out.weights.data[k]).min((1.0 - decayed).max(0.0));
        out.bonds.data[k] = (decayed + purchase).min(1.0);
    }
    out.alpha = match liquid {
        Some(m) => Alpha::Matrix(m),
        None => Alpha::Scalar(scalar),
    };
    share_dividends(out, true);
}

/// `D_i = [Sn_i·] Σ_j B_ij/(Σ_k B_kj + 1e-6)·I_j` for 2C and 3.
fn share_dividends(out: &mut EpochOutput, times_stake: bool) {
    let n = out.bonds.cols;
    let mut col = alloc::vec![0.0; n];
    normalize::col_sums(&out.bonds.data, n, &mut col);
    for c in col.iter_mut() {
        *c += EPS;
    }
    out.dividends_raw.clear();
    if n == 0 {
        out.dividends_raw.resize(out.bonds.rows, 0.0);
        return;
    }
    for (row, &s) in out.bonds.data.chunks_exact(n).zip(&out.stake) {
        let share: f64 = row
            .iter()
            .zip(&col)
            .zip(&out.incentive)
            .map(|((&b, &c), &inc)| b / c * inc)
            .sum();
        out.dividends_raw
            .push(if times_stake { s * share } else { share });
    }
}

/// Runs every epoch of a case with a research variant, carrying the state.
pub fn run_epochs(
    variant: Variant,
    case: &Case,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<EpochOutput>> {
    let (v, n) = case.shape();
    let total = case.epochs.len();
    let mut outputs: Vec<EpochOutput> = Vec::with_capacity(total);
    let mut ws = Workspace::default();
    let mut w = Dense::zeros(v, n);
    for (e, ep) in case.epochs.iter().enumerate() {
        w.data.clear();
        for row in &ep.weights {
            w.data.extend_from_slice(row);
        }
        let mut out = EpochOutput::default();
        epoch(
            variant,
            &case.params,
            &w,
            &ep.stakes,
            outputs.last(),
            ep.reset_bonds_column,
            &mut out,
            &mut ws,
        )?;
        outputs.push(out);
        if !progress(e + 1, total) {
            return Err(Error::invalid("run", "was cancelled"));
        }
    }
    Ok(outputs)
}
