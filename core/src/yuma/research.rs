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
//! * **Stakes that do not sum to 1** (a real metagraph's TAO): the reported dividend per
//!   1,000 TAO divides by the stake share `Sn_i`, where upstream divides by the raw `S_i`
//!   and so scales its figure by 1/ΣS (see [`per_1000_tao`]). The two agree to the bit on
//!   every community case.

use super::case::{Alpha, Case, EpochOutput};
use super::params::{ConsensusMode, Params, Variant};
use crate::error::{Error, Result};
use crate::math::{clip, consensus, ema, exact, normalize, Dense};
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

/// Rows whose sequential sums run side by side (independent dependency chains).
const BLOCK: usize = 8;
/// Columns per chunk of a row-block pass, so that a block's rows stay in L1 for their sums.
const CHUNK: usize = 128;

/// Scratch buffers reused across epochs, so that an epoch allocates nothing once warm.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    row_sums: Vec<f64>,
    consensus: consensus::Scratch,
    col_max: Vec<f64>,
    col: Vec<f64>,
    quot: Vec<f64>,
    /// A block of row chunks (`BLOCK × CHUNK`), written before it is read: sized once and
    /// never cleared (zeroing it every epoch was a tenth of a small case's time in wasm).
    chunks: Vec<f64>,
    bonds_old: Vec<f64>,
    consensus_for_alpha: Vec<f64>,
    /// Within [`epoch_lean`].
    lean: bool,
}

/// Runs one research epoch.
///
/// * `weights` — raw weights W (V × N); `stakes` — raw stakes S (V).
/// * `prev` — the previous epoch's output (bonds, consensus and weights are the state), or
///   `None` on the first epoch. Its bonds are finite, as every epoch leaves them (and as
///   [`crate::yuma::EpochInput::validate`] checks): Yuma 1 takes its EMA with α = 1,
///   `1·F + 0·B_old`, to be F without reading `B_old` but for the sign of a zero.
/// * `reset_column` — a server whose bond column is zeroed before the epoch (honoured by
///   Yuma 2C and Yuma 3 only, as upstream).
/// * `out` — receives every output; its buffers are reused.
///
/// The matrix work is fused into a few row-major passes, each reading its matrices once:
/// row sums and Wn; consensus, prerank by column tiles; clip, rank, validator trust and the
/// bond numerators (Yuma 1/2/2B) or the bonds themselves (2C, 3); then the bond
/// normalisation, EMA and dividends. Every sum keeps the order of the plain formulas (rows in
/// order for column sums, columns in order for row sums), so the results are bit-identical to
/// them; row sums run eight rows at a time to hide the add latency.
///
/// Under the `parallel` feature, a matrix of at least 2^17 entries splits the passes over
/// rayon's threads (all but [`epoch_lean`]'s clip pass): passes that sum rows take blocks of
/// rows, passes that sum columns take stripes of columns, and each sum still runs in the same
/// order, so the outputs are the same bits as on one thread. Called from outside rayon's
/// threads, such an epoch runs on one of them (its passes then start from inside the pool,
/// not by a hand-over from the caller's thread each: 0.05–0.1 ms of a 4 ms epoch).
#[allow(clippy::too_many_arguments)]
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
        if p.weights.rows != v || p.weights.cols != n || p.weights.data.len() != v * n {
            return Err(Error::shape(format!(
                "weights is {v}×{n}, the previous epoch was {}×{}",
                p.weights.rows, p.weights.cols
            )));
        }
        if p.bonds.data.len() != v * n {
            return Err(Error::shape(format!(
                "the previous epoch's bonds hold {} values, expected {v}×{n}",
                p.bonds.data.len()
            )));
        }
    }

    let mut passes = move || {
        epoch_passes(
            variant,
            params,
            weights,
            stakes,
            prev,
            reset_column,
            out,
            ws,
        )
    };
    // On the parallel road the whole epoch runs on one of rayon's threads: its passes then
    // start from inside the pool, not by a hand-over from the caller's thread each.
    #[cfg(feature = "parallel")]
    if parallel_at(v, n) && rayon::current_thread_index().is_none() {
        rayon::scope(|_| passes());
        return Ok(());
    }
    passes();
    Ok(())
}

/// Steps 1–10 of [`epoch`], on checked shapes.
#[allow(clippy::too_many_arguments)]
fn epoch_passes(
    variant: Variant,
    params: &Params,
    weights: &Dense,
    stakes: &[f64],
    prev: Option<&EpochOutput>,
    reset_column: Option<usize>,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) {
    let lean = ws.lean;
    let n = weights.cols;
    // 1–5. Normalised stake; Wn, prerank and consensus.
    out.stake.clear();
    out.stake.extend_from_slice(stakes);
    normalize::normalize(&mut out.stake);
    let stake = core::mem::take(&mut out.stake);
    normalize_and_consensus(&weights.data, n, &stake, params.kappa, !lean, out, ws);
    out.stake = stake;
    clip::normalize_quantize_u16(&mut out.consensus);

    // 6–9. Clip, rank, validator trust, bonds and dividends.
    let mut reset_buf = core::mem::take(&mut ws.bonds_old);
    let bonds_old = previous_bonds(variant, prev, reset_column, &mut reset_buf);
    match variant {
        Variant::Yuma1 | Variant::Yuma2 | Variant::Yuma2b => {
            stake_weighted_bonds(variant, params, prev, bonds_old, lean, out, ws)
        }
        Variant::Yuma2c | Variant::Yuma3 => {
            held_bonds(variant, params, prev, bonds_old, lean, out, ws)
        }
        Variant::Chain => {}
    }
    ws.bonds_old = reset_buf;

    // 10. Normalised dividends and the simulator's reporting.
    let d_sum: f64 = out.dividends_raw.iter().sum();
    out.dividends.clear();
    out.dividends
        .extend(out.dividends_raw.iter().map(|&d| d / (d_sum + EPS)));
    out.relative_dividends.clear();
    if lean {
        out.dividend_per_1000_tao.clear();
    } else {
        per_1000_tao(stakes, &out.dividends, &mut out.dividend_per_1000_tao);
        out.relative_dividends
            .extend(out.dividends.iter().zip(&out.stake).map(|(&d, &s)| d - s));
    }
}

/// [`epoch`] for a caller that reads only the incentive and the dividends and carries the
/// state (Wn, consensus, bonds) to the next epoch, as the world's float arithmetic does: the
/// outputs only reporting needs — prerank, server trust, validator trust, the clipped weights
/// (Yuma 2C and 3), the dividend per 1,000 TAO and the relative dividends — are left empty.
/// Everything it does compute has the same bits as [`epoch`]'s.
#[allow(clippy::too_many_arguments)]
pub fn epoch_lean(
    variant: Variant,
    params: &Params,
    weights: &Dense,
    stakes: &[f64],
    prev: Option<&EpochOutput>,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) -> Result<()> {
    ws.lean = true;
    let r = epoch(variant, params, weights, stakes, prev, None, out, ws);
    ws.lean = false;
    r
}

/// Sets `m` to `rows × cols`, reusing its allocation without clearing it: the caller writes
/// every entry.
fn shape(m: &mut Dense, rows: usize, cols: usize) {
    m.rows = rows;
    m.cols = cols;
    if m.data.is_empty() {
        // A fresh output: zeroed memory from the allocator (calloc), not a fill entry by
        // entry (which the wasm's size build leaves a loop).
        m.data = alloc::vec![0.0; rows * cols];
    } else {
        m.data.resize(rows * cols, 0.0);
    }
}

/// Sequential sums of up to [`BLOCK`] rows of equal length at once, columns in order:
/// `acc[r] += Σ_j rows[r][j]`, or `Σ_j rows[r][j]·x[j]` with `x`. The rows' dependency chains
/// interleave (the compiler packs pairs of rows into one vector register), which hides the
/// add latency without changing any row's order of summation.
///
/// A block of fewer rows runs as a full one, padded with copies of its first row whose sums
/// are dropped.
fn accumulate(rows: &[&[f64]], x: Option<&[f64]>, acc: &mut [f64]) {
    accumulate_by(rows, x.map_or(Term::Sum, Term::Dot), acc);
}

/// What [`accumulate_by`] adds up of each entry `w` of a row, at column `j`.
#[derive(Clone, Copy)]
enum Term<'a> {
    /// `w`.
    Sum,
    /// `w·x[j]`.
    Dot(&'a [f64]),
    /// The clipped weight `min(w, c[j])`, as the clip pass forms it.
    Clipped(&'a [f64]),
}

/// [`accumulate`], adding up the given [`Term`] of each entry.
fn accumulate_by(rows: &[&[f64]], term: Term<'_>, acc: &mut [f64]) {
    let rn = rows.len().min(acc.len());
    if rn == 0 {
        return;
    }
    // (Plain loops rather than `array::from_fn`, which the wasm's size build leaves a call.)
    let mut block = [rows[0]; BLOCK];
    block[..rn].copy_from_slice(&rows[..rn]);
    let mut a = [0.0; BLOCK];
    a[..rn].copy_from_slice(&acc[..rn]);
    match term {
        Term::Sum => block_sums::<SUM>(&block, block[0], &mut a),
        Term::Dot(x) => block_sums::<DOT>(&block, x, &mut a),
        Term::Clipped(c) => block_sums::<CLIPPED>(&block, c, &mut a),
    }
    acc[..rn].copy_from_slice(&a[..rn]);
}

/// The [`Term`]s of [`block_sums`], as constants: each is its own loop.
const SUM: u8 = 0;
const DOT: u8 = 1;
const CLIPPED: u8 = 2;

/// The sums of [`accumulate_by`] for a full block: the term `T` of each entry `w` at column
/// `j`, with `x[j]` the factor (`DOT`) or the consensus (`CLIPPED`); `x` is unread for `SUM`.
#[inline(never)]
fn block_sums<const T: u8>(rows: &[&[f64]; BLOCK], x: &[f64], acc: &mut [f64]) {
    let len = rows[0].len();
    let x = &x[..len];
    let rows = trimmed(rows, len);
    let mut a = [0.0; BLOCK];
    a.copy_from_slice(&acc[..BLOCK]);
    for j in 0..len {
        for (s, row) in a.iter_mut().zip(&rows) {
            let w = row[j];
            *s += match T {
                SUM => w,
                DOT => w * x[j],
                _ => {
                    if w < x[j] {
                        w
                    } else {
                        x[j]
                    }
                }
            };
        }
    }
    acc[..BLOCK].copy_from_slice(&a);
}

/// Rows `i0 .. i0 + rn` of a row-major matrix, columns `j0 .. j0 + len` (`rn ≤ BLOCK`; the
/// rest of the array is empty).
#[inline(always)]
fn rows_at(m: &[f64], n: usize, i0: usize, rn: usize, j0: usize, len: usize) -> [&[f64]; BLOCK] {
    let mut rows: [&[f64]; BLOCK] = [&[]; BLOCK];
    for (r, row) in rows.iter_mut().enumerate().take(rn) {
        let o = (i0 + r) * n + j0;
        *row = &m[o..o + len];
    }
    rows
}

/// Each of a block's rows cut to its first `len` entries (so the loops over them need no
/// bounds checks).
#[inline(always)]
fn trimmed<'a>(rows: &[&'a [f64]; BLOCK], len: usize) -> [&'a [f64]; BLOCK] {
    let mut out = *rows;
    for row in out.iter_mut() {
        *row = &row[..len];
    }
    out
}

/// Row sums `Σ_j W_ij` in column order (as `Iterator::sum`, from −0.0) and
/// `Wn_ij = W_ij/(Σ_j W_ij + 1e-6)` (0 where that is not positive) of one block of rows: `w`
/// and `wn` hold the block's rows, `sums` one entry per row.
fn normalize_block(w: &[f64], n: usize, sums: &mut [f64], wn: &mut [f64]) {
    let rn = sums.len();
    sums.fill(-0.0);
    accumulate(&rows_at(w, n, 0, rn, 0, n)[..rn], None, sums);
    for ((d_row, s_row), &sum) in wn.chunks_exact_mut(n).zip(w.chunks_exact(n)).zip(&*sums) {
        let denom = sum + EPS;
        if denom > 0.0 {
            for (d, &s) in d_row.iter_mut().zip(s_row) {
                *d = s / denom;
            }
        } else {
            d_row.fill(0.0);
        }
    }
}

/// Adds row `wn` to the prerank (`P_j += Sn_i·Wn_ij`, skipped for zero stake or an empty
/// `prerank`) and to the column maxima (folded from 0.0) that scale the consensus histograms.
#[inline(always)]
fn prerank_row(wn: &[f64], si: f64, prerank: &mut [f64], col_max: &mut [f64]) {
    if si != 0.0 && !prerank.is_empty() {
        for (p, &x) in prerank.iter_mut().zip(wn) {
            *p += si * x;
        }
    }
    for (m, &x) in col_max.iter_mut().zip(wn) {
        *m = exact::max(*m, x);
    }
}

/// Steps 1 and 3–4: Wn, prerank and the raw consensus. One pass a block of rows at a time
/// (row sums, then Wn while the rows are in cache, then prerank and column maxima, rows in
/// order), then the consensus by tiles of columns. Under the `parallel` feature, large
/// matrices split the rows over threads for Wn and the columns for prerank and consensus
/// (each column's sums still run over the rows in order: the same bits). Without `prerank`
/// the prerank is left empty.
fn normalize_and_consensus(
    w: &[f64],
    n: usize,
    stake: &[f64],
    kappa: f64,
    prerank: bool,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) {
    let v = stake.len();
    ws.row_sums.clear();
    ws.row_sums.resize(v, 0.0);
    shape(&mut out.weights, v, n);
    out.prerank.clear();
    if prerank {
        out.prerank.resize(n, 0.0);
    }
    out.consensus.clear();
    out.consensus.resize(n, 0.0);
    ws.col_max.clear();
    ws.col_max.resize(n, 0.0);
    if n == 0 {
        return;
    }
    #[cfg(feature = "parallel")]
    if parallel_at(v, n) {
        return parallel::normalize_and_consensus(w, n, stake, kappa, out, ws);
    }
    let wn = &mut out.weights.data;
    for ((src, dst), (sums, s)) in w
        .chunks(BLOCK * n)
        .zip(wn.chunks_mut(BLOCK * n))
        .zip(ws.row_sums.chunks_mut(BLOCK).zip(stake.chunks(BLOCK)))
    {
        normalize_block(src, n, sums, dst);
        for (row, &si) in dst.chunks_exact(n).zip(s) {
            prerank_row(row, si, &mut out.prerank, &mut ws.col_max);
        }
    }
    ws.consensus.prepare(stake, kappa);
    for ((j0, c), max) in (0..n)
        .step_by(consensus::TILE)
        .zip(out.consensus.chunks_mut(consensus::TILE))
        .zip(ws.col_max.chunks(consensus::TILE))
    {
        ws.consensus.tile(wn, n, v, j0, max, c);
    }
}

/// Matrices from this many entries split the epoch's passes over rayon's threads.
#[cfg(feature = "parallel")]
const PARALLEL_MIN: usize = 1 << 17;

/// Whether a `v × n` epoch splits its passes over rayon's threads (never without the
/// `parallel` feature).
fn parallel_at(v: usize, n: usize) -> bool {
    #[cfg(feature = "parallel")]
    return v * n >= PARALLEL_MIN;
    #[cfg(not(feature = "parallel"))]
    {
        let _ = (v, n);
        false
    }
}

#[cfg(feature = "parallel")]
mod parallel {
    //! The bond rules reach these passes as closures. Each must capture its numbers by value
    //! (`move`): captured by reference, a worker thread reloads them through the pointer on
    //! every entry and the loop does not vectorise (the clip stripes and the EMA pass ran
    //! scalar, and the epoch 10–12 % slower).
    use super::*;
    use core::sync::atomic::{AtomicUsize, Ordering};
    use rayon::prelude::*;
    use std::sync::Mutex;

    /// Columns per stripe of the passes that sum down columns (prerank and consensus, rank
    /// and the bonds' column sums): 4096 columns make eight tasks.
    const COLUMNS: usize = 8 * consensus::TILE;

    pub(super) fn normalize_and_consensus(
        w: &[f64],
        n: usize,
        stake: &[f64],
        kappa: f64,
        out: &mut EpochOutput,
        ws: &mut Workspace,
    ) {
        let v = stake.len();
        let blocks: Vec<_> = w
            .chunks(BLOCK * n)
            .zip(out.weights.data.chunks_mut(BLOCK * n))
            .zip(ws.row_sums.chunks_mut(BLOCK))
            .zip(stake.chunks(BLOCK))
            .collect();
        let normalize =
            |_, (((src, dst), sums), _): &mut WnBlock<'_>| normalize_block(src, n, sums, dst);
        if out.prerank.is_empty() {
            blocks
                .into_par_iter()
                .for_each(|mut b| normalize(0, &mut b));
        } else {
            // The prerank `P_j = Σ_i Sn_i·Wn_ij`, rows in order: each block adds its rows in
            // turn while they are in cache.
            let prerank = Mutex::new(&mut out.prerank[..]);
            in_turn(blocks, normalize, |_, (((_, wn), _), s)| {
                if let Ok(mut p) = prerank.lock() {
                    add_prerank(wn, s, n, &mut p);
                }
            });
        }
        let wn = &out.weights.data;
        ws.col_max
            .par_chunks_mut(COLUMNS)
            .zip(out.consensus.par_chunks_mut(COLUMNS))
            .enumerate()
            .for_each_init(
                || {
                    let mut scratch = consensus::Scratch::default();
                    scratch.prepare(stake, kappa);
                    scratch
                },
                |scratch, (k, (max, cons))| {
                    // The column maxima, which also bring the stripe into cache for the tiles.
                    let j0 = k * COLUMNS;
                    for row in wn.chunks_exact(n) {
                        prerank_row(&row[j0..j0 + max.len()], 0.0, &mut [], max);
                    }
                    for ((t0, c), m) in (j0..)
                        .step_by(consensus::TILE)
                        .zip(cons.chunks_mut(consensus::TILE))
                        .zip(max.chunks(consensus::TILE))
                    {
                        scratch.tile(wn, n, v, t0, m, c);
                    }
                },
            );
    }

    /// A block of rows of the Wn pass: W, Wn, the row sums and the stakes.
    type WnBlock<'a> = (((&'a [f64], &'a mut [f64]), &'a mut [f64]), &'a [f64]);

    /// `P_j += Sn_i·Wn_ij` for the rows of `wn` (a block of at most [`BLOCK`] rows of `n`) in
    /// order, skipping zero stakes, as [`prerank_row`] does; a full block's rows at once, so
    /// that each sum is loaded and stored once.
    fn add_prerank(wn: &[f64], s: &[f64], n: usize, prerank: &mut [f64]) {
        if let Ok(s) = <[f64; BLOCK]>::try_from(s) {
            if s.iter().all(|&x| x != 0.0) {
                let rows = trimmed(&rows_at(wn, n, 0, BLOCK, 0, n), prerank.len().min(n));
                for (j, p) in prerank.iter_mut().enumerate() {
                    for (row, &si) in rows.iter().zip(&s) {
                        *p += si * row[j];
                    }
                }
                return;
            }
        }
        for (row, &si) in wn.chunks_exact(n).zip(s) {
            prerank_row(row, si, prerank, &mut []);
        }
    }

    /// The rows `i0 ..` of a row-major `v × n` matrix that `len` entries from row `i0` cover.
    fn block(m: &[f64], n: usize, i0: usize, len: usize) -> &[f64] {
        &m[i0 * n..i0 * n + len]
    }

    /// [`ClipPass::run`] in parallel, for its two roads. With `store` (Yuma 2C and 3), blocks
    /// of [`BLOCK`] rows on rayon's threads store `Wc` and `m` and sum each row for the
    /// validator trust, columns in order; then stripes of columns sum the rank and `col` from
    /// the stored matrices. With `ema_trust` (Yuma 1, 2 and 2B) the stripes alone work `Wc`
    /// and `m` out, store `Wc` (each stripe owns its segment of every row) and sum the rank
    /// and `col`. Each column's sums run over the rows in order: the same bits.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn clip(
        pass: &ClipPass<'_>,
        wc: &mut [f64],
        m: &mut [f64],
        rank: &mut [f64],
        col: &mut [f64],
        trust: &mut Vec<f64>,
        row_const: impl Fn(usize) -> [f64; 2] + Sync,
        bond: impl Fn([f64; 2], f64, f64, f64, f64) -> f64 + Sync,
    ) {
        let (v, n) = (pass.stake.len(), pass.n);
        trust.clear();
        if pass.store {
            trust.resize(v, 0.0);
        }
        let rows = |i0: usize, len: usize, wc: &mut [f64], m: &mut [f64], t: &mut [f64]| {
            let sub = ClipPass {
                n,
                src: block(pass.src, n, i0, len),
                wn: block(pass.wn, n, i0, len),
                consensus: pass.consensus,
                stake: &pass.stake[i0..i0 + t.len()],
                aux: [
                    block(pass.aux[0], n, i0, len),
                    block(pass.aux[1], n, i0, len),
                ],
                store: true,
                lean: false,
                cols: false,
                ema_trust: false,
            };
            let mut tv = Vec::with_capacity(BLOCK);
            sub.rows(
                wc,
                m,
                &mut [],
                &mut [],
                &mut tv,
                |i| row_const(i0 + i),
                &bond,
            );
            t.copy_from_slice(&tv);
        };
        if pass.store {
            wc.par_chunks_mut(BLOCK * n)
                .zip(m.par_chunks_mut(BLOCK * n))
                .zip(trust.par_chunks_mut(BLOCK))
                .enumerate()
                .for_each(|(k, ((wc, m), t))| rows(k * BLOCK, wc.len(), wc, m, t));
        }
        // Without `store` the stripes write `Wc`: each takes its segment of every row.
        let stripes = n.div_ceil(COLUMNS);
        let (wc, segments): (&[f64], Vec<Vec<&mut [f64]>>) = if !pass.store {
            let mut segments: Vec<Vec<&mut [f64]>> =
                (0..stripes).map(|_| Vec::with_capacity(v)).collect();
            for row in wc.chunks_mut(n) {
                for (s, part) in segments.iter_mut().zip(row.chunks_mut(COLUMNS)) {
                    s.push(part);
                }
            }
            (&[], segments)
        } else {
            (&*wc, (0..stripes).map(|_| Vec::new()).collect())
        };
        let m = &*m;
        rank.par_chunks_mut(COLUMNS)
            .zip(col.par_chunks_mut(COLUMNS))
            .zip(segments.into_par_iter())
            .enumerate()
            .for_each(|(k, ((rk, cl), mut segment))| {
                let (j0, len) = (k * COLUMNS, rk.len());
                for (i, &si) in pass.stake.iter().enumerate() {
                    let o = i * n + j0;
                    if pass.store {
                        for (((r, c), &x), &y) in rk
                            .iter_mut()
                            .zip(cl.iter_mut())
                            .zip(&wc[o..o + len])
                            .zip(&m[o..o + len])
                        {
                            *r += si * x;
                            *c += y;
                        }
                    } else {
                        let k = row_const(i);
                        let row = ClipRow {
                            src: &pass.src[o..o + len],
                            c: &pass.consensus[j0..j0 + len],
                            si,
                            aux: [&pass.aux[0][o..o + len], &pass.aux[1][o..o + len]],
                        };
                        let bond = |w, x, a, b| bond(k, w, x, a, b);
                        match segment.get_mut(i) {
                            Some(x) => row.run::<true, false, true>(x, &mut [], rk, cl, bond),
                            None => row.run::<false, false, true>(&mut [], &mut [], rk, cl, bond),
                        }
                    }
                }
            });
    }

    /// [`EmaPass::run`] in parallel: blocks of [`BLOCK`] rows on rayon's threads (`Wc`, the
    /// fresh and the EMA bonds, and each row's dividends). Yuma 1's column sums of the bonds
    /// come from the blocks too, each adding its rows in turn (rows in order: the same bits).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ema(
        pass: &EmaPass<'_>,
        wc: &mut [f64],
        fresh: &mut [f64],
        bonds: &mut [f64],
        dividends: &mut Vec<f64>,
        sums: &mut [f64],
        trust: &mut Vec<f64>,
        ema: impl Fn(f64, f64, f64) -> f64 + Sync,
    ) {
        let (v, n) = (pass.v, pass.n);
        dividends.clear();
        dividends.resize(v, 0.0);
        // Written only where the pass sums the validator trust.
        let mut spare = Vec::new();
        let tv = if pass.wn.is_some() { trust } else { &mut spare };
        tv.clear();
        tv.resize(v, 0.0);
        let tail = match pass.tail {
            Tail::Dividends => Tail::Dividends,
            _ => Tail::Nothing,
        };
        if pass.tail != Tail::ColumnSums {
            wc.par_chunks_mut(BLOCK * n)
                .zip(fresh.par_chunks_mut(BLOCK * n))
                .zip(bonds.par_chunks_mut(BLOCK * n))
                .zip(dividends.par_chunks_mut(BLOCK))
                .zip(tv.par_chunks_mut(BLOCK))
                .enumerate()
                .for_each(|(k, ((((wc, f), b), d), t))| {
                    ema_block(pass, tail, k, [wc, f, b], d, t, &ema)
                });
        } else {
            // Yuma 1's column sums of the bonds, rows in order: each block adds its rows in
            // turn, while they are still in cache (instead of a pass that reads the bonds
            // again).
            let blocks: Vec<_> = wc
                .chunks_mut(BLOCK * n)
                .zip(fresh.chunks_mut(BLOCK * n))
                .zip(bonds.chunks_mut(BLOCK * n))
                .zip(dividends.chunks_mut(BLOCK))
                .zip(tv.chunks_mut(BLOCK))
                .collect();
            let (sums, store) = (Mutex::new(sums), pass.store_bonds);
            in_turn(
                blocks,
                |k, ((((wc, f), b), d), t)| {
                    ema_block(pass, tail, k, [&mut **wc, &mut **f, &mut **b], d, t, &ema)
                },
                |_, ((((_, f), b), _), _)| {
                    if let Ok(mut sums) = sums.lock() {
                        add_rows(if store { b } else { f }, n, &mut sums);
                    }
                },
            );
        }
        if pass.tail != Tail::Dividends {
            dividends.clear();
        }
    }

    /// Adds the rows of `m` (a block of at most [`BLOCK`] rows of `n`) to `sums`, rows in
    /// order; a full block's rows at once, so that each sum is loaded and stored once.
    fn add_rows(m: &[f64], n: usize, sums: &mut [f64]) {
        let rn = m.len() / n.max(1);
        if rn == BLOCK {
            let rows = trimmed(&rows_at(m, n, 0, BLOCK, 0, n), sums.len().min(n));
            for (j, s) in sums.iter_mut().enumerate() {
                for row in &rows {
                    *s += row[j];
                }
            }
        } else {
            for row in m.chunks_exact(n) {
                for (s, &x) in sums.iter_mut().zip(row) {
                    *s += x;
                }
            }
        }
    }

    /// Runs `each(k, item)` for every item on rayon's threads, and after each item its
    /// `in_order(k, item)` in the items' order (a call waits for the item before it), while
    /// the item's data are still in cache: sums that must add the items in order, without a
    /// pass that reads them again. Workers take the items in order, so the item a worker
    /// waits for is always in hand.
    fn in_turn<T: Send>(
        items: Vec<T>,
        each: impl Fn(usize, &mut T) + Sync,
        in_order: impl Fn(usize, &mut T) + Sync,
    ) {
        let slots: Vec<_> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
        let (next, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let worker = || loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(k) else { return };
            let Ok(Some(mut item)) = slot.lock().map(|mut s| s.take()) else {
                return;
            };
            // Passes the turn on even if `each` panics (the panic is raised all the same
            // once every worker is done): no worker waits forever.
            let _turn = Turn(&done, k + 1);
            each(k, &mut item);
            while done.load(Ordering::Acquire) < k {
                core::hint::spin_loop();
            }
            in_order(k, &mut item);
        };
        let workers = rayon::current_num_threads().clamp(1, slots.len().max(1));
        (0..workers).into_par_iter().for_each(|_| worker());
    }

    /// Raises the turn counter to the value held when dropped.
    struct Turn<'a>(&'a AtomicUsize, usize);

    impl Drop for Turn<'_> {
        fn drop(&mut self) {
            self.0.fetch_max(self.1, Ordering::Release);
        }
    }

    /// Block `k` (of [`BLOCK`] rows) of [`ema`]: its `Wc`, fresh and EMA bonds, dividends
    /// `d` and validator trust `t`.
    #[inline(always)]
    fn ema_block(
        pass: &EmaPass<'_>,
        tail: Tail,
        k: usize,
        [wc, f, b]: [&mut [f64]; 3],
        d: &mut [f64],
        t: &mut [f64],
        ema: &impl Fn(f64, f64, f64) -> f64,
    ) {
        let (i0, len, n) = (k * BLOCK, wc.len(), pass.n);
        let sub = EmaPass {
            v: d.len(),
            src: block(pass.src, n, i0, len),
            stake: &pass.stake[i0..i0 + d.len()],
            aux: [
                block(pass.aux[0], n, i0, len),
                block(pass.aux[1], n, i0, len),
            ],
            tail,
            wn: pass.wn.map(|wn| block(wn, n, i0, len)),
            ..*pass
        };
        let (mut dv, mut tr) = (Vec::with_capacity(BLOCK), Vec::with_capacity(BLOCK));
        sub.rows(wc, f, b, &mut dv, &mut [], &mut tr, ema);
        if tail == Tail::Dividends {
            d.copy_from_slice(&dv);
        }
        if sub.wn.is_some() {
            t.copy_from_slice(&tr);
        }
    }

    /// [`dividends_pass`] by blocks of [`BLOCK`] rows on rayon's threads (each row's sum
    /// keeps its order: the same bits).
    pub(super) fn dividends(
        m: Bonds<'_>,
        v: usize,
        n: usize,
        d: &[f64],
        incentive: &[f64],
        out: &mut Vec<f64>,
        map: impl Fn(f64, f64) -> f64 + Sync,
    ) {
        out.clear();
        out.resize(v, 0.0);
        m.blocks(BLOCK * n)
            .into_par_iter()
            .zip(out.par_chunks_mut(BLOCK))
            .for_each_init(Vec::new, |tmp, (m, o)| {
                let mut dv = Vec::with_capacity(BLOCK);
                dividend_rows(m, o.len(), n, d, incentive, tmp, &mut dv, &map);
                o.copy_from_slice(&dv);
            });
    }
}

/// The matrices and vectors of the clip pass.
struct ClipPass<'a> {
    n: usize,
    /// What is clipped: Wn, or the previous epoch's Wn for Yuma 2B.
    src: &'a [f64],
    /// This epoch's Wn (validator trust's denominator).
    wn: &'a [f64],
    consensus: &'a [f64],
    stake: &'a [f64],
    /// Extra per-entry inputs of the bond rule (previous bonds, liquid α), or `src` if unused.
    aux: [&'a [f64]; 2],
    /// Whether `Wc` and `m` are stored; if not, `wc` is scratch of `BLOCK × CHUNK` entries and
    /// `m` goes only into its column sums.
    store: bool,
    /// No validator trust (left empty) and no `Wc` (not even as scratch); `m` as `store` says.
    lean: bool,
    /// Whether the rank and `col` are summed (always, within `lean`); a row block of the
    /// parallel pass leaves them to the column pass.
    cols: bool,
    /// Without `store` (and outside `lean`): `Wc` is stored whole all the same (`m` is not),
    /// and the validator trust is left empty for the EMA pass, which reads `Wc` and sums it
    /// (the parallel road of Yuma 1, 2 and 2B).
    ema_trust: bool,
}

impl ClipPass<'_> {
    /// One pass, rows in order: `Wc = min(src, C)`, `R_j += Sn_i·Wc_ij`, validator trust
    /// `Σ_j Wc_ij / Σ_j Wn_ij`, and per entry `m_ij = bond(k_i, src_ij, Wc_ij, aux…)` with its
    /// column sums `col_j += m_ij`. `k_i` comes from `row_const(i)`. Without `store` the pass
    /// writes no matrix (a later pass recomputes `Wc` and `m` where it needs them).
    ///
    /// Under the `parallel` feature a large matrix (outside `lean`) runs as
    /// [`parallel::clip`]: row blocks on rayon's threads, then the column sums by column
    /// stripes, each still over the rows in order (the same bits).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn run(
        &self,
        wc: &mut [f64],
        m: &mut [f64],
        rank: &mut [f64],
        col: &mut [f64],
        trust: &mut Vec<f64>,
        row_const: impl Fn(usize) -> [f64; 2] + Sync,
        bond: impl Fn([f64; 2], f64, f64, f64, f64) -> f64 + Sync,
    ) {
        // The parallel roads: Yuma 2C and 3 (`store`), Yuma 1, 2 and 2B (`ema_trust`).
        #[cfg(feature = "parallel")]
        if (self.store || self.ema_trust)
            && self.cols
            && !self.lean
            && parallel_at(self.stake.len(), self.n)
        {
            return parallel::clip(self, wc, m, rank, col, trust, row_const, bond);
        }
        self.rows(wc, m, rank, col, trust, row_const, bond);
    }

    /// [`ClipPass::run`] on the calling thread.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn rows(
        &self,
        wc: &mut [f64],
        m: &mut [f64],
        rank: &mut [f64],
        col: &mut [f64],
        trust: &mut Vec<f64>,
        row_const: impl Fn(usize) -> [f64; 2],
        bond: impl Fn([f64; 2], f64, f64, f64, f64) -> f64,
    ) {
        let (v, n) = (self.stake.len(), self.n);
        trust.clear();
        if n == 0 {
            return;
        }
        let cols = self.cols || self.lean;
        for i0 in (0..v).step_by(BLOCK) {
            let rn = BLOCK.min(v - i0);
            let mut tv = TrustSums::new();
            for j0 in (0..n).step_by(CHUNK) {
                let len = CHUNK.min(n - j0);
                let c = &self.consensus[j0..j0 + len];
                let (rk, cl): (&mut [f64], &mut [f64]) = if cols {
                    (&mut rank[j0..j0 + len], &mut col[j0..j0 + len])
                } else {
                    (&mut [], &mut [])
                };
                for i in i0..i0 + rn {
                    let (o, si, k) = (i * n + j0, self.stake[i], row_const(i));
                    let row = ClipRow {
                        src: &self.src[o..o + len],
                        c,
                        si,
                        aux: [&self.aux[0][o..o + len], &self.aux[1][o..o + len]],
                    };
                    let bond = |w, x, a, b| bond(k, w, x, a, b);
                    let r = (i - i0) * CHUNK;
                    let (rk, cl) = (&mut *rk, &mut *cl);
                    let x: &mut [f64] = match (self.lean, self.store || self.ema_trust) {
                        (true, _) => &mut [],
                        (false, true) => &mut wc[o..o + len],
                        (false, false) => &mut wc[r..r + len],
                    };
                    let y: &mut [f64] = if self.store {
                        &mut m[o..o + len]
                    } else {
                        &mut []
                    };
                    match (self.lean, self.store, cols) {
                        (false, true, true) => row.run::<true, true, true>(x, y, rk, cl, bond),
                        (false, true, false) => row.run::<true, true, false>(x, y, rk, cl, bond),
                        (false, false, true) => row.run::<true, false, true>(x, y, rk, cl, bond),
                        (false, false, false) => row.run::<true, false, false>(x, y, rk, cl, bond),
                        (true, true, _) => row.run::<false, true, true>(x, y, rk, cl, bond),
                        (true, false, _) => row.run::<false, false, true>(x, y, rk, cl, bond),
                    }
                }
                if self.lean || self.ema_trust {
                    continue;
                }
                let wcr = if self.store || self.ema_trust {
                    rows_at(wc, n, i0, rn, j0, len)
                } else {
                    rows_at(wc, CHUNK, 0, rn, 0, len)
                };
                tv.add(&wcr[..rn], &rows_at(self.wn, n, i0, rn, j0, len)[..rn]);
            }
            if !self.lean && !self.ema_trust {
                tv.finish(rn, trust);
            }
        }
    }
}

/// The validator trust `Tv_i = Σ_j Wc_ij / Σ_j Wn_ij` of a block of rows, summed chunk by
/// chunk, columns in order (`Σ Wc` from 0.0, `Σ Wn` from −0.0).
struct TrustSums {
    wc: [f64; BLOCK],
    wn: [f64; BLOCK],
}

impl TrustSums {
    fn new() -> Self {
        TrustSums {
            wc: [0.0; BLOCK],
            wn: [-0.0; BLOCK],
        }
    }

    /// Adds the next chunk of the block's rows of Wc and Wn.
    #[inline(always)]
    fn add(&mut self, wc: &[&[f64]], wn: &[&[f64]]) {
        accumulate(wc, None, &mut self.wc[..wc.len()]);
        accumulate(wn, None, &mut self.wn[..wn.len()]);
    }

    /// [`TrustSums::add`], forming Wc from the clipped source and the chunk's consensus `c`
    /// (`Wc = min(src, C)`, as the clip pass does) instead of reading it.
    #[inline(always)]
    fn add_clipped(&mut self, src: &[&[f64]], c: &[f64], wn: &[&[f64]]) {
        accumulate_by(src, Term::Clipped(c), &mut self.wc[..src.len()]);
        accumulate(wn, None, &mut self.wn[..wn.len()]);
    }

    /// Appends the first `rn` rows' trust to `out`.
    fn finish(&self, rn: usize, out: &mut Vec<f64>) {
        let pairs = self.wc.iter().zip(&self.wn).take(rn);
        out.extend(pairs.map(|(&a, &b)| safe_div(a, b)));
    }
}

/// One row's chunk of the clip pass: the clipped source, the consensus, the row's stake and
/// the bond rule's extra inputs.
struct ClipRow<'a> {
    src: &'a [f64],
    c: &'a [f64],
    si: f64,
    aux: [&'a [f64]; 2],
}

impl ClipRow<'_> {
    /// `x = min(src, C)` (into `wc` if `WC`), `rank += si·x` (if `COLS`), `y = bond(src, x,
    /// aux…)` (into `m` if `M`), `col += y` (if `COLS`).
    #[inline(always)]
    fn run<const WC: bool, const M: bool, const COLS: bool>(
        &self,
        wc: &mut [f64],
        m: &mut [f64],
        rank: &mut [f64],
        col: &mut [f64],
        bond: impl Fn(f64, f64, f64, f64) -> f64,
    ) {
        let len = self.src.len();
        let (src, c, [a0, a1]) = (self.src, &self.c[..len], self.aux);
        let (a0, a1) = (&a0[..len], &a1[..len]);
        let rank = if COLS { &mut rank[..len] } else { rank };
        let col = if COLS { &mut col[..len] } else { col };
        let wc = if WC { &mut wc[..len] } else { wc };
        let m = if M { &mut m[..len] } else { m };
        for j in 0..len {
            let w = src[j];
            let x = if w < c[j] { w } else { c[j] };
            if WC {
                wc[j] = x;
            }
            if COLS {
                rank[j] += self.si * x;
            }
            let y = bond(w, x, a0[j], a1[j]);
            if M {
                m[j] = y;
            }
            if COLS {
                col[j] += y;
            }
        }
    }
}

/// Incentive (step 8) and server trust `T_j = R_j/P_j` (empty with an empty prerank).
fn incentive_and_trust(
    params: &Params,
    rank: &[f64],
    prerank: &[f64],
    incentives: &mut Vec<f64>,
    trust: &mut Vec<f64>,
) {
    incentive(rank, params.winner_takes_all, incentives);
    trust.clear();
    trust.extend(rank.iter().zip(prerank).map(|(&r, &p)| safe_div(r, p)));
}

/// Starts the clip pass's outputs: `Wc` (empty if `lean`) and `m` shaped `v × n`, rank and
/// `col` zeroed.
fn clip_outputs(out: &mut EpochOutput, col: &mut Vec<f64>, m_is_bonds: bool, lean: bool) {
    let (v, n) = (out.weights.rows, out.weights.cols);
    if lean {
        out.clipped_weights.reset(0, 0);
    } else {
        shape(&mut out.clipped_weights, v, n);
    }
    if m_is_bonds {
        out.fresh_bonds.reset(0, 0);
        shape(&mut out.bonds, v, n);
    } else {
        shape(&mut out.fresh_bonds, v, n);
    }
    out.rank.clear();
    out.rank.resize(n, 0.0);
    col.clear();
    col.resize(n, 0.0);
}

/// Makes `buf` hold at least a block of row chunks (`BLOCK × CHUNK`); what it holds is left
/// as it is (each chunk is written before it is read).
fn grow_chunks(buf: &mut Vec<f64>) {
    if buf.len() < BLOCK * CHUNK {
        buf.resize(BLOCK * CHUNK, 0.0);
    }
}

/// The matrix `m` that [`dividends_pass`] maps, and where `q` goes.
enum Bonds<'a> {
    /// `m`, read only.
    Read(&'a [f64]),
    /// `m`, replaced by `q`.
    InPlace(&'a mut [f64]),
    /// Yuma 1's `B_ema = 1·F + 0·B_old` without the EMA: `m` is the fresh bonds `F` (the
    /// first), `q` goes into the third. `1·F + 0·B_old` is `F` but where `F` is −0.0 (the
    /// old bonds are finite): there the sum is formed from the second, `B_old` (if any), so
    /// that its zero keeps its sign. Nothing else reads `B_old`.
    Fresh(&'a [f64], Option<&'a [f64]>, &'a mut [f64]),
}

impl<'a> Bonds<'a> {
    /// The same, cut into blocks of `len` entries (for the blocks of rows of the parallel
    /// pass).
    #[cfg(feature = "parallel")]
    fn blocks(self, len: usize) -> Vec<Bonds<'a>> {
        match self {
            Bonds::Read(m) => m.chunks(len).map(Bonds::Read).collect(),
            Bonds::InPlace(m) => m.chunks_mut(len).map(Bonds::InPlace).collect(),
            Bonds::Fresh(f, old, dst) => {
                let mut old = old.map(|o| o.chunks(len));
                f.chunks(len)
                    .zip(dst.chunks_mut(len))
                    .map(|(f, d)| Bonds::Fresh(f, old.as_mut().and_then(|o| o.next()), d))
                    .collect()
            }
        }
    }
}

/// Dividends `D_i = Σ_j q_ij·I_j` in column order (from −0.0), with `q_ij = map(m_ij, d_j)`
/// (vectorised), eight rows at a time; `q` stored as [`Bonds`] says.
#[allow(clippy::too_many_arguments)]
fn dividends_pass(
    m: Bonds<'_>,
    v: usize,
    n: usize,
    d: &[f64],
    incentive: &[f64],
    tmp: &mut Vec<f64>,
    out: &mut Vec<f64>,
    map: impl Fn(f64, f64) -> f64 + Sync,
) {
    #[cfg(feature = "parallel")]
    if parallel_at(v, n) {
        return parallel::dividends(m, v, n, d, incentive, out, map);
    }
    dividend_rows(m, v, n, d, incentive, tmp, out, map);
}

/// `t_j = map(m_j, d_j)`.
#[inline(always)]
fn map_row(t: &mut [f64], m: &[f64], d: &[f64], map: &impl Fn(f64, f64) -> f64) {
    for ((q, &b), &dj) in t.iter_mut().zip(m).zip(d) {
        *q = map(b, dj);
    }
}

/// The bits of −0.0.
const NEGATIVE_ZERO: u64 = 1 << 63;

/// Whether `x` may hold a −0.0: whether any entry's sign bit is set (the fresh bonds are not
/// negative, so in practice only a −0.0 sets it; the caller tests each entry exactly). An OR
/// of the bits, vectorised: SSE2 has no 64-bit compare, and an exact test per entry cost
/// four instructions a pair.
#[inline(always)]
fn may_hold_negative_zero(x: &[f64]) -> bool {
    x.iter().fold(0u64, |a, &f| a | f.to_bits()) & NEGATIVE_ZERO != 0
}

/// [`dividends_pass`] on the calling thread.
#[allow(clippy::too_many_arguments)]
fn dividend_rows(
    mut m: Bonds<'_>,
    v: usize,
    n: usize,
    d: &[f64],
    incentive: &[f64],
    tmp: &mut Vec<f64>,
    out: &mut Vec<f64>,
    map: impl Fn(f64, f64) -> f64,
) {
    out.clear();
    grow_chunks(tmp);
    for i0 in (0..v).step_by(BLOCK) {
        let rn = BLOCK.min(v - i0);
        let mut acc = [-0.0; BLOCK];
        for j0 in (0..n).step_by(CHUNK) {
            let len = CHUNK.min(n - j0);
            let dc = &d[j0..j0 + len];
            for (r, t) in tmp.chunks_exact_mut(CHUNK).take(rn).enumerate() {
                let o = (i0 + r) * n + j0;
                let t = &mut t[..len];
                match &mut m {
                    Bonds::Read(m) => map_row(t, &m[o..o + len], dc, &map),
                    Bonds::InPlace(m) => {
                        for (b, &dj) in m[o..o + len].iter_mut().zip(dc) {
                            *b = map(*b, dj);
                        }
                    }
                    Bonds::Fresh(f, old, dst) => {
                        let (f, q) = (&f[o..o + len], &mut dst[o..o + len]);
                        match old {
                            Some(old) if may_hold_negative_zero(f) => {
                                let old = &old[o..o + len];
                                for (((q, &b), &dj), &z) in q.iter_mut().zip(f).zip(dc).zip(old) {
                                    let b = if b.to_bits() == NEGATIVE_ZERO {
                                        b + 0.0 * z
                                    } else {
                                        b
                                    };
                                    *q = map(b, dj);
                                }
                            }
                            _ => map_row(q, f, dc, &map),
                        }
                    }
                }
            }
            // The dot products read `q` where it went (in cache).
            let q = match &m {
                Bonds::Read(_) => rows_at(tmp, CHUNK, 0, rn, 0, len),
                Bonds::InPlace(m) => rows_at(m, n, i0, rn, j0, len),
                Bonds::Fresh(_, _, dst) => rows_at(dst, n, i0, rn, j0, len),
            };
            let inc = &incentive[j0..j0 + len];
            accumulate(&q[..rn], Some(inc), &mut acc[..rn]);
        }
        out.extend_from_slice(&acc[..rn]);
    }
}

/// Yuma 1, 2 and 2B: stake-weighted bonds.
/// `Wb = (1−β)·W + β·Wc`, `B_ij = Sn_i·Wb_ij / Σ_k Sn_k·Wb_kj` (Yuma 1: `+1e-6`),
/// `B_ema = α·B + (1−α)·B_old` (first epoch: `B`), Yuma 1 column-normalises `B_ema` again
/// (`+1e-6`); `D_i = Σ_j B_ema_ij·I_j`. Yuma 2B clips and builds its bonds from the previous
/// epoch's weights (this epoch's on the first).
fn stake_weighted_bonds(
    variant: Variant,
    params: &Params,
    prev: Option<&EpochOutput>,
    bonds_old: Option<&[f64]>,
    lean: bool,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) {
    let (v, n) = (out.weights.rows, out.weights.cols);
    let scalar = if variant == Variant::Yuma1 {
        1.0
    } else {
        1.0 - params.bond_moving_average
    };
    let liquid = match bonds_old {
        Some(b_old) if params.liquid_alpha && prev.is_some() => Some(liquid_alpha_reusing(
            &mut out.alpha,
            params,
            &out.weights.data,
            b_old,
            &out.consensus,
            v,
        )),
        _ => None,
    };
    // The EMA pass writes `Wc` whole (the bond pass recomputes it).
    clip_outputs(out, &mut ws.col, false, false);
    let src: &[f64] = match (variant, prev) {
        (Variant::Yuma2b, Some(p)) => &p.weights.data,
        _ => &out.weights.data,
    };
    let (beta, keep) = (params.bond_penalty, 1.0 - params.bond_penalty);
    grow_chunks(&mut ws.chunks);
    // On the parallel road the EMA pass, which stores Wc anyway, sums the validator trust.
    let late_trust = !lean && parallel_at(v, n);
    // There the clip stripes store Wc too, and the EMA pass neither writes nor reads it: its
    // trust sums `min(src, C)` again from the rows it reads anyway.
    let wc_buf = if late_trust {
        &mut out.clipped_weights.data
    } else {
        &mut ws.chunks
    };
    ClipPass {
        n,
        src,
        wn: &out.weights.data,
        consensus: &out.consensus,
        stake: &out.stake,
        aux: [src, src],
        store: false,
        lean,
        cols: true,
        ema_trust: late_trust,
    }
    .run(
        wc_buf,
        &mut [],
        &mut out.rank,
        &mut ws.col,
        &mut out.validator_trust,
        |i| [out.stake[i], 0.0],
        move |k, w, c, _, _| bond_weight(k[0], keep, beta, w, c),
    );
    incentive_and_trust(
        params,
        &out.rank,
        &out.prerank,
        &mut out.incentive,
        &mut out.trust,
    );

    // Column-normalise with the variant's epsilon (0/0 → 0), EMA, dividends.
    let eps = if variant == Variant::Yuma1 { EPS } else { 0.0 };
    // Yuma 1's α is 1 (without liquid alpha): `B_ema = 1·F + 0·B_old` is F, but for the sign
    // of a zero, which its dividends pass restores. So the EMA pass stores only F and does
    // not read B_old (and B_ema's column sums are F's: a sum from +0.0 ignores a zero's sign).
    let no_ema = variant == Variant::Yuma1 && liquid.is_none();
    for d in ws.col.iter_mut() {
        *d += eps;
    }
    shape(&mut out.bonds, v, n);
    let wn = &out.weights.data;
    let pass = EmaPass {
        v,
        n,
        src,
        consensus: &out.consensus,
        stake: &out.stake,
        beta: [beta, keep],
        col: &ws.col,
        incentive: &out.incentive,
        aux: [
            bonds_old.unwrap_or(wn),
            liquid.as_ref().map_or(wn, |m| &m.data),
        ],
        tail: if variant == Variant::Yuma1 {
            Tail::ColumnSums
        } else {
            Tail::Dividends
        },
        wn: late_trust.then_some(wn),
        wc_stored: late_trust,
        store_bonds: !no_ema,
    };
    let (wc, fresh, bonds) = (
        &mut out.clipped_weights.data,
        &mut out.fresh_bonds.data,
        &mut out.bonds.data,
    );
    let (d, tv) = (&mut out.dividends_raw, &mut out.validator_trust);
    ws.quot.clear();
    ws.quot.resize(n, 0.0);
    let sums = &mut ws.quot;
    match (bonds_old, &liquid) {
        (Some(_), Some(_)) => pass.run(wc, fresh, bonds, d, sums, tv, move |f, old, a| {
            a * f + (1.0 - a) * old
        }),
        (Some(_), None) if !no_ema => {
            let keep = 1.0 - scalar;
            pass.run(wc, fresh, bonds, d, sums, tv, move |f, old, _| {
                scalar * f + keep * old
            })
        }
        _ => pass.run(wc, fresh, bonds, d, sums, tv, move |f, _, _| f),
    }
    out.alpha = match liquid {
        Some(m) => Alpha::Matrix(m),
        None => Alpha::Scalar(scalar),
    };
    if variant == Variant::Yuma1 {
        let mut d2 = core::mem::take(&mut ws.quot);
        for d in d2.iter_mut() {
            *d += EPS;
        }
        let m = if no_ema {
            Bonds::Fresh(&out.fresh_bonds.data, bonds_old, &mut out.bonds.data)
        } else {
            Bonds::InPlace(&mut out.bonds.data)
        };
        dividends_pass(
            m,
            v,
            n,
            &d2,
            &out.incentive,
            &mut ws.chunks,
            &mut out.dividends_raw,
            div_or_zero,
        );
        ws.quot = d2;
    }
}

/// The fresh-bond numerator `Sn_i·((1−β)·W_ij + β·Wc_ij)` (`keep` = 1 − β).
#[inline(always)]
fn bond_weight(si: f64, keep: f64, beta: f64, w: f64, wc: f64) -> f64 {
    si * (keep * w + beta * wc)
}

/// `x/d`, or 0 where `d ≤ 0` (0/0 → 0). The quotient is computed either way and then
/// selected, so that the loops around it vectorise (a branch around a division does not).
#[inline(always)]
fn div_or_zero(x: f64, d: f64) -> f64 {
    let q = x / d;
    if d > 0.0 {
        q
    } else {
        0.0
    }
}

/// The second pass of the stake-weighted bonds.
struct EmaPass<'a> {
    v: usize,
    n: usize,
    /// The clip pass's inputs, to recompute `Wc` and the fresh-bond numerators.
    src: &'a [f64],
    consensus: &'a [f64],
    stake: &'a [f64],
    /// `β` and `1 − β`.
    beta: [f64; 2],
    /// Column denominators of the fresh bonds.
    col: &'a [f64],
    incentive: &'a [f64],
    /// Previous bonds and liquid α, or any `v × n` matrix where unused.
    aux: [&'a [f64]; 2],
    /// What the pass sums besides the bonds.
    tail: Tail,
    /// This epoch's Wn where this pass sums the validator trust `Σ_j Wc_ij / Σ_j Wn_ij`
    /// (the parallel road, whose clip pass leaves it), else `None`.
    wn: Option<&'a [f64]>,
    /// `Wc` is stored already (by the parallel clip pass): not written (nor read: the trust
    /// forms it again).
    wc_stored: bool,
    /// Whether the EMA bonds are stored. Not for Yuma 1 without liquid alpha, whose α of 1
    /// makes them the fresh bonds: its dividends pass reads those ([`Bonds::Fresh`]).
    store_bonds: bool,
}

/// What [`EmaPass`] sums of the EMA bonds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// The dividends `Σ_j B_ij·I_j`.
    Dividends,
    /// Yuma 1: the column sums of `B` (its dividends come from a second normalisation).
    ColumnSums,
    /// Neither (a row block of the parallel pass, which adds the block to the column sums).
    #[cfg_attr(not(feature = "parallel"), allow(dead_code))]
    Nothing,
}

impl EmaPass<'_> {
    /// Rows in order: `Wc = min(src, C)`, `F = Sn_i·((1−β)·src + β·Wc)/d_j` (0 where
    /// `d_j ≤ 0`), `B = ema(F, B_old, α)`; then either the dividends `Σ_j B_ij·I_j` or the
    /// column sums of `B` into `sums`. Under the `parallel` feature a large matrix runs as
    /// [`parallel::ema`] (row blocks on rayon's threads, adding to the column sums in turn).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn run(
        &self,
        wc: &mut [f64],
        fresh: &mut [f64],
        bonds: &mut [f64],
        dividends: &mut Vec<f64>,
        sums: &mut [f64],
        trust: &mut Vec<f64>,
        ema: impl Fn(f64, f64, f64) -> f64 + Sync,
    ) {
        #[cfg(feature = "parallel")]
        if self.tail != Tail::Nothing && parallel_at(self.v, self.n) {
            return parallel::ema(self, wc, fresh, bonds, dividends, sums, trust, ema);
        }
        self.rows(wc, fresh, bonds, dividends, sums, trust, ema);
    }

    /// [`EmaPass::run`] on the calling thread.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn rows(
        &self,
        wc: &mut [f64],
        fresh: &mut [f64],
        bonds: &mut [f64],
        dividends: &mut Vec<f64>,
        sums: &mut [f64],
        trust: &mut Vec<f64>,
        ema: impl Fn(f64, f64, f64) -> f64,
    ) {
        let (v, n, store) = (self.v, self.n, self.store_bonds);
        let (col_sums, dots) = (self.tail == Tail::ColumnSums, self.tail == Tail::Dividends);
        dividends.clear();
        if self.wn.is_some() {
            trust.clear();
        }
        for i0 in (0..v).step_by(BLOCK) {
            let rn = BLOCK.min(v - i0);
            let mut acc = [-0.0; BLOCK];
            let mut tv = TrustSums::new();
            for j0 in (0..n).step_by(CHUNK) {
                let len = CHUNK.min(n - j0);
                let d = &self.col[j0..j0 + len];
                let c = &self.consensus[j0..j0 + len];
                let s: &mut [f64] = if col_sums {
                    &mut sums[j0..j0 + len]
                } else {
                    &mut []
                };
                let [beta, keep] = self.beta;
                for i in i0..i0 + rn {
                    let (o, si) = (i * n + j0, self.stake[i]);
                    let src = &self.src[o..o + len];
                    let dwc = &mut wc[o..o + len];
                    let f = &mut fresh[o..o + len];
                    let b = &mut bonds[o..o + len];
                    let (a0, a1) = (&self.aux[0][o..o + len], &self.aux[1][o..o + len]);
                    for j in 0..len {
                        let w = src[j];
                        let z = if w < c[j] { w } else { c[j] };
                        if !self.wc_stored {
                            dwc[j] = z;
                        }
                        let num = bond_weight(si, keep, beta, w, z);
                        let x = div_or_zero(num, d[j]);
                        f[j] = x;
                        let y = ema(x, a0[j], a1[j]);
                        if store {
                            b[j] = y;
                        }
                        if col_sums {
                            s[j] += y;
                        }
                    }
                }
                if let Some(wn) = self.wn {
                    let (src, wn) = (
                        rows_at(self.src, n, i0, rn, j0, len),
                        rows_at(wn, n, i0, rn, j0, len),
                    );
                    tv.add_clipped(&src[..rn], c, &wn[..rn]);
                }
                if dots {
                    let inc = &self.incentive[j0..j0 + len];
                    accumulate(
                        &rows_at(bonds, n, i0, rn, j0, len)[..rn],
                        Some(inc),
                        &mut acc[..rn],
                    );
                }
            }
            if dots {
                dividends.extend_from_slice(&acc[..rn]);
            }
            if self.wn.is_some() {
                tv.finish(rn, trust);
            }
        }
    }
}

/// Yuma 2C and Yuma 3: bonds held per relation, built in the clip pass.
///
/// * 2C — absolute bonds bought against a capacity `cap_i = Sn_i·(2^64−1)`:
///   `purchase_ij = min(capacity_alpha·cap_i, max(cap_i − B_old_ij, 0))·Wn_ij`,
///   `B = min((1 − decay)·B_old + purchase, cap_i)`; `D_i = Σ_j B_ij/(Σ_k B_kj + 1e-6)·I_j`.
/// * 3 — per-relation bonds in [0, 1]: `B_dec = (1−α)·B_old`,
///   `B = min(B_dec + min(α·Wn, max(1 − B_dec, 0)), 1)` — exactly `(1−α)·B_old + α·Wn` in
///   practice — with α = 1 − bond_moving_average, or the liquid α from the second epoch on,
///   reading the consensus chosen by `liquidAlphaConsensusMode`;
///   `D_i = Sn_i·Σ_j B_ij/(Σ_k B_kj + 1e-6)·I_j`.
fn held_bonds(
    variant: Variant,
    params: &Params,
    prev: Option<&EpochOutput>,
    bonds_old: Option<&[f64]>,
    lean: bool,
    out: &mut EpochOutput,
    ws: &mut Workspace,
) {
    let (v, n) = (out.weights.rows, out.weights.cols);
    let scalar = 1.0 - params.bond_moving_average;
    let liquid = match (variant, params.liquid_alpha, prev, bonds_old) {
        (Variant::Yuma3, true, Some(p), Some(b_old)) => {
            ws.consensus_for_alpha.clear();
            match params.liquid_alpha_consensus_mode {
                ConsensusMode::Current => ws.consensus_for_alpha.extend_from_slice(&out.consensus),
                ConsensusMode::Previous => ws.consensus_for_alpha.extend_from_slice(&p.consensus),
                ConsensusMode::Mixed => ws.consensus_for_alpha.extend(
                    out.consensus
                        .iter()
                        .zip(&p.consensus)
                        .map(|(&a, &b)| exact::max(a, b)),
                ),
            }
            Some(liquid_alpha_reusing(
                &mut out.alpha,
                params,
                &out.weights.data,
                b_old,
                &ws.consensus_for_alpha,
                v,
            ))
        }
        _ => None,
    };
    clip_outputs(out, &mut ws.col, true, lean);
    let wn = &out.weights.data;
    let stake = &out.stake;
    let pass = ClipPass {
        n,
        src: wn,
        wn,
        consensus: &out.consensus,
        stake,
        aux: [
            bonds_old.unwrap_or(wn),
            liquid.as_ref().map_or(wn, |m| &m.data),
        ],
        store: true,
        lean,
        cols: true,
        ema_trust: false,
    };
    let (wc, b, rank, col, tv) = (
        &mut out.clipped_weights.data,
        &mut out.bonds.data,
        &mut out.rank,
        &mut ws.col,
        &mut out.validator_trust,
    );
    let capacity = move |i: usize| {
        let cap = stake[i] * BOND_CAPACITY;
        [cap, params.capacity_alpha * cap]
    };
    let decay = 1.0 - params.decay_rate;
    let buy = move |k: [f64; 2], w: f64, old: f64| {
        let remaining = exact::max(k[0] - old, 0.0);
        let purchase = exact::min(k[1], remaining) * w;
        exact::min(decay * old + purchase, k[0])
    };
    let relative = move |a: f64, w: f64, old: f64| {
        let decayed = (1.0 - a) * old;
        let purchase = exact::min(a * w, exact::max(1.0 - decayed, 0.0));
        exact::min(decayed + purchase, 1.0)
    };
    let none = |_| [0.0; 2];
    match (variant, bonds_old, &liquid) {
        (Variant::Yuma2c, Some(_), _) => {
            pass.run(wc, b, rank, col, tv, capacity, move |k, w, _, o, _| {
                buy(k, w, o)
            })
        }
        (Variant::Yuma2c, None, _) => {
            pass.run(wc, b, rank, col, tv, capacity, move |k, w, _, _, _| {
                buy(k, w, 0.0)
            })
        }
        (_, Some(_), Some(_)) => pass.run(wc, b, rank, col, tv, none, move |_, w, _, o, a| {
            relative(a, w, o)
        }),
        (_, Some(_), None) => pass.run(wc, b, rank, col, tv, none, move |_, w, _, o, _| {
            relative(scalar, w, o)
        }),
        (_, None, _) => pass.run(wc, b, rank, col, tv, none, move |_, w, _, _, _| {
            relative(scalar, w, 0.0)
        }),
    }
    out.alpha = match (variant, liquid) {
        (Variant::Yuma2c, _) => Alpha::None,
        (_, Some(m)) => Alpha::Matrix(m),
        (_, None) => Alpha::Scalar(scalar),
    };
    incentive_and_trust(
        params,
        &out.rank,
        &out.prerank,
        &mut out.incentive,
        &mut out.trust,
    );
    if n == 0 {
        out.dividends_raw.clear();
        out.dividends_raw.resize(v, 0.0);
        return;
    }
    for c in ws.col.iter_mut() {
        *c += EPS;
    }
    dividends_pass(
        Bonds::Read(&out.bonds.data),
        v,
        n,
        &ws.col,
        &out.incentive,
        &mut ws.chunks,
        &mut out.dividends_raw,
        |b, c| b / c,
    );
    if variant == Variant::Yuma3 {
        for (d, &s) in out.dividends_raw.iter_mut().zip(&out.stake) {
            *d *= s;
        }
    }
}
/// Dividend per 1,000 TAO: `ratio·D̂_i·emission / (Sn_i·total_stake/1000)`, 0 when the
/// denominator is ≤ 1e-6, with `Sn_i = S_i/ΣS` the validator's share of the raw stakes.
///
/// Upstream divides by the raw `S_i`, which is the share only when the stakes sum to 1 (as
/// in every community case, where both agree to the bit). With any other scale (a real
/// metagraph's TAO, say) upstream's figure is off by the factor ΣS; this one does not
/// depend on the stakes' unit.
pub fn per_1000_tao(raw_stakes: &[f64], dividends: &[f64], out: &mut Vec<f64>) {
    out.clear();
    let total: f64 = raw_stakes.iter().sum();
    out.extend(raw_stakes.iter().zip(dividends).map(|(&s, &d)| {
        let share = if total > 0.0 { s / total } else { 0.0 };
        let denom = share * TOTAL_SUBNET_STAKE / 1000.0;
        if denom <= 1e-6 {
            0.0
        } else {
            VALIDATOR_EMISSION_RATIO * d * TOTAL_EPOCH_EMISSION / denom
        }
    }));
}

pub(super) fn safe_div(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// Incentive from rank: `I = R/ΣR` (0 when ΣR = 0), or winner-takes-all, where the k columns
/// whose rank equals the maximum exactly get 1/k each.
pub(super) fn incentive(rank: &[f64], winner_takes_all: bool, out: &mut Vec<f64>) {
    out.clear();
    let sum: f64 = rank.iter().sum();
    if sum <= 0.0 {
        out.resize(rank.len(), 0.0);
        return;
    }
    if winner_takes_all {
        let max = rank.iter().copied().fold(f64::NEG_INFINITY, exact::max);
        let k = rank.iter().filter(|&&r| r == max).count() as f64;
        out.extend(rank.iter().map(|&r| if r == max { 1.0 / k } else { 0.0 }));
    } else {
        out.extend(rank.iter().map(|&r| r / sum));
    }
}

/// The bond state entering this epoch, with the case's bond reset applied (2C and 3 only).
pub(super) fn previous_bonds<'a>(
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
            *a = exact::min(exact::max(raw, lo), hi);
        }
    }
}

/// [`liquid_alpha`] into the matrix of the previous epoch's output when there is one, so a
/// steady-state run does not allocate.
pub(super) fn liquid_alpha_reusing(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The lean epoch's outputs are the full epoch's, bit for bit, epoch after epoch.
    #[test]
    fn lean_epoch_matches_the_full_one() {
        let mut x = 99u64;
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for variant in [
            Variant::Yuma1,
            Variant::Yuma2,
            Variant::Yuma2b,
            Variant::Yuma2c,
            Variant::Yuma3,
        ] {
            for liquid in [false, true] {
                let params = Params {
                    liquid_alpha: liquid,
                    ..Params::default()
                };
                let (v, n) = (13, 70);
                let (mut full, mut lean) = (EpochOutput::default(), EpochOutput::default());
                let (mut ws_full, mut ws_lean) = (Workspace::default(), Workspace::default());
                for e in 0..3 {
                    let mut w = Dense::zeros(v, n);
                    for x in w.data.iter_mut() {
                        let r = next();
                        *x = if r < 0.2 {
                            0.0
                        } else {
                            libm::round(r * 65535.0)
                        };
                    }
                    let s: Vec<f64> = (0..v).map(|i| if i == 3 { 0.0 } else { next() }).collect();
                    let (pf, pl) = ((e > 0).then(|| full.clone()), (e > 0).then(|| lean.clone()));
                    epoch(
                        variant,
                        &params,
                        &w,
                        &s,
                        pf.as_ref(),
                        None,
                        &mut full,
                        &mut ws_full,
                    )
                    .unwrap();
                    epoch_lean(
                        variant,
                        &params,
                        &w,
                        &s,
                        pl.as_ref(),
                        &mut lean,
                        &mut ws_lean,
                    )
                    .unwrap();
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    for (a, b) in [
                        (&full.weights.data, &lean.weights.data),
                        (&full.stake, &lean.stake),
                        (&full.consensus, &lean.consensus),
                        (&full.rank, &lean.rank),
                        (&full.incentive, &lean.incentive),
                        (&full.bonds.data, &lean.bonds.data),
                        (&full.dividends_raw, &lean.dividends_raw),
                        (&full.dividends, &lean.dividends),
                    ] {
                        assert_eq!(bits(a), bits(b), "{variant:?} liquid {liquid} epoch {e}");
                    }
                    assert_eq!(full.alpha, lean.alpha);
                    assert!(lean.trust.is_empty() && lean.prerank.is_empty());
                }
            }
        }
    }
}
