//! The fast exact epoch: the arithmetic of spec §6 step by step, bit-identical to the chain
//! (tested against [`super::port::epoch_port`]), over compressed sparse rows held in a reusable
//! [`Workspace`] — no per-row densification to `n` columns, no allocation once the buffers
//! have grown, and the consensus from an exact weighted selection over each column's
//! non-zero scores, by column or (for dense weights) by stake histograms built row by row
//! (the value does not depend on the method, §2.6).
//!
//! With S the normalised stake, A the active stake, W the masked row-normalised weights:
//!
//! * consensus `C_j = min { s : Σ_{i: W_ij ≤ s} A'_i > Σ A' − κ }` over the rows with
//!   `A_i > 0` (`A'` = those stakes re-normalised): the stake-weighted κ-quantile (§2.6);
//! * clipped weights `Wc_ij = min(W_ij, C_j)` (dropped when `C_j = 0 < W_ij`);
//!   validator trust `Tv_i = Σ_j Wc_ij`; incentive `I = normalize(Σ_i A_i·Wc_ij)`;
//! * bond weights `Wb = W + β·(Wc − W)`;
//! * classic bonds: `B' = colnorm(α·colnorm(Wb ⊙ A) + (1−α)·colnorm(B))`,
//!   `D = normalize(B'·I)`; Yuma3: `B' = α·Wb + (1−α)·B` (α per entry with liquid alpha),
//!   `D = normalize((colnorm(B')·I) ⊙ A)`;
//! * emission: `floor(I_i/Σ(I+D) · E)` to servers, `floor(D_i/Σ(I+D) · E)` to validators.

use super::input::ChainInput;
use super::output::ChainOutput;
use crate::error::Result;
use crate::math::fixed::convert::{fixed_proportion_to_u16, u16_proportion_to_fixed, u16_to_fixed};
use crate::math::fixed::exp::{alpha_of_diff, liquid_diff};
use crate::math::fixed::ops::{safe_div, sum, sum_64, Div32, Recip, Recip64};

/// `safe_div(x, s)` through [`Recip`] (same bits, no 128-bit division).
#[inline]
fn qdiv(x: I32F32, s: I32F32) -> I32F32 {
    Recip::new(s).div(x)
}
use crate::math::fixed::topk::topk_into;
use crate::math::fixed::wide::{div_rem_by_u64, mul_64};
use crate::math::fixed::{I32F32, I64F64, I96F32, ONE, ZERO};
use alloc::vec::Vec;

/// `saturating_mul` / `saturating_add` of I32F32 as plain 64/128-bit integer operations (the
/// same bits as `substrate-fixed`: the exact product shifted right 32 — floor — and clamped).
pub(crate) trait FastOps {
    /// `saturating_mul`.
    fn smul(self, b: I32F32) -> I32F32;
    /// `saturating_add`.
    fn sadd(self, b: I32F32) -> I32F32;
    /// `saturating_mul` for operands in `[0, 2]` (bits ≤ 2³³), where it cannot saturate: one
    /// widening multiply, no branch.
    fn umul(self, b: I32F32) -> I32F32;
    /// `self > 0`, on the bits (substrate-fixed's comparisons go through its conversion
    /// between fixed types even for two I32F32: about ten instructions where one does).
    fn pos(self) -> bool;
    /// `self == 0`, on the bits.
    fn is_zero(&self) -> bool;
}

impl FastOps for I32F32 {
    #[inline(always)]
    fn smul(self, b: I32F32) -> I32F32 {
        let (x, y) = (self.to_bits(), b.to_bits());
        if (x | y) as u64 >> 32 == 0 {
            // Both in [0, 1): the product fits in 64 bits and cannot saturate.
            return I32F32::from_bits(((x as u64 * y as u64) >> 32) as i64);
        }
        if x >= 0 && y >= 0 {
            // The same product unsigned (no 128-bit signed multiply), saturated above.
            let p = mul_64(x as u64, y as u64) >> 32;
            return I32F32::from_bits(p.min(i64::MAX as u128) as i64);
        }
        let p = (x as i128 * y as i128) >> 32;
        I32F32::from_bits(p.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }
    #[inline(always)]
    fn sadd(self, b: I32F32) -> I32F32 {
        I32F32::from_bits(self.to_bits().saturating_add(b.to_bits()))
    }
    #[inline(always)]
    fn umul(self, b: I32F32) -> I32F32 {
        let (x, y) = (self.to_bits() as u64, b.to_bits() as u64);
        debug_assert!(x <= 1 << 33 && y <= 1 << 33, "umul operands out of [0, 2]");
        I32F32::from_bits((mul_64(x, y) >> 32) as i64)
    }
    #[inline(always)]
    fn pos(self) -> bool {
        self.to_bits() > 0
    }
    #[inline(always)]
    fn is_zero(&self) -> bool {
        self.to_bits() == 0
    }
}

/// `safe_div(u16_to_fixed(v), S·2³²)` for u16 weights v ≤ S of a row whose u16 sum is
/// `0 < S < 2³⁰`: `q = ⌊v·2³²/S⌋` as the high word of `(v << (32 − t))·R`, with
/// `t = bitlen(S − 1) − 1` (so `2^t < S ≤ 2^(t+1)`) and `R = ⌈2^(64+t)/S⌉ < 2⁶⁴`: one
/// widening multiply and no variable 128-bit shift. The product exceeds `v·2³²/S` by less
/// than `v/2^(32+t)`, and `v·S < 2^(17+t) ≤ 2^(32+t)`, so by less than `1/S`, while a fraction
/// of the true quotient is at most `1 − 1/S`: the floor is exact.
#[derive(Debug, Clone, Copy, Default)]
struct U16Div {
    r: u64,
    /// `32 − t`, in [3, 33].
    shift: u32,
}

impl U16Div {
    /// Divides everything to 0.
    const ZERO: U16Div = U16Div { r: 0, shift: 0 };
    fn new(s: u64) -> U16Div {
        debug_assert!(s > 0 && s < 1 << 30);
        // t + 1 = bitlen(S − 1): 0 for S = 1 (t = −1).
        let t1 = 64 - (s - 1).leading_zeros();
        U16Div {
            r: {
                let (q, rem) = div_rem_by_u64(1u128 << (63 + t1), s);
                (q + (rem != 0) as u128) as u64
            },
            shift: 33 - t1,
        }
    }
    #[inline(always)]
    fn div(self, v: u16) -> I32F32 {
        let x = (v as u64) << self.shift;
        I32F32::from_bits((mul_64(x, self.r) >> 64) as i64)
    }
}

/// One unmasked row of step 5 through [`U16Div`] (the bits of
/// `safe_div(u16_to_fixed(v), S·2³²)`), written from slot `k` on; returns the next free
/// slot. Branch-free: the skipped self-weight's slot is overwritten by the next entry. Each
/// positive weight of a participating row is a consensus key: its column's count and
/// listed stake `u` are added up, and with `HI` its top score.
#[inline(always)]
#[allow(clippy::type_complexity)]
fn divide_row<const HI: bool>(
    (row, cols, vals): (&[(u16, u16)], &mut [u16], &mut [I32F32]),
    mut k: usize,
    d: U16Div,
    (i, keep_diag): (usize, bool),
    (part, u): (bool, i64),
    stats: &mut [ColStat],
) -> usize {
    for &(j, v) in row {
        let keep = j as usize != i || keep_diag;
        let q = d.div(v);
        cols[k] = j;
        vals[k] = q;
        k += keep as usize;
        let key = part & keep & q.pos();
        let c = &mut stats[j as usize];
        c.count += key as usize;
        c.listed = c.listed.wrapping_add(u & -(key as i64));
        if HI {
            c.hi = c.hi.max(q.to_bits() as u64 & (key as u64).wrapping_neg());
        }
    }
    k
}

/// Clips one weight to its column's consensus: `(dropped, Wc_ij)`. Weights and consensus are
/// ≥ 0, and an entry is dropped (counting as 0) when `C_j = 0 < W_ij`.
#[inline(always)]
pub fn clip(w: I32F32, c: I32F32) -> (bool, I32F32) {
    let dropped = c.is_zero() && w.pos();
    (dropped, if dropped { ZERO } else { w.min(c) })
}

/// Marks a clipped weight that `col_clip_sparse` dropped (weights are never negative).
const ABSENT: I32F32 = I32F32::from_bits(-1);

/// Compressed sparse rows: row i is `col[ptr[i]..ptr[i+1]]`, `val[..]`.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    /// Row starts (`rows + 1` entries).
    pub ptr: Vec<usize>,
    /// Column of each entry.
    pub col: Vec<u16>,
    /// Value of each entry.
    pub val: Vec<I32F32>,
}

impl Csr {
    fn clear(&mut self) {
        self.ptr.clear();
        self.ptr.push(0);
        self.col.clear();
        self.val.clear();
    }
    fn end_row(&mut self) {
        self.ptr.push(self.col.len());
    }
    fn push(&mut self, j: u16, v: I32F32) {
        self.col.push(j);
        self.val.push(v);
    }
    /// The entries of row i.
    pub fn row(&self, i: usize) -> (&[u16], &[I32F32]) {
        let (a, b) = (self.ptr[i], self.ptr[i + 1]);
        (&self.col[a..b], &self.val[a..b])
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.ptr.len().saturating_sub(1)
    }
}

/// Scratch buffers reused across epochs (grow once, never shrink).
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    inactive: Vec<bool>,
    forbid: Vec<bool>,
    permit: Vec<bool>,
    total: Vec<I64F64>,
    raw: Vec<I64F64>,
    /// Normalised stake S.
    pub stake: Vec<I32F32>,
    /// Active stake A.
    pub active_stake: Vec<I32F32>,
    topk_idx: Vec<u32>,
    /// Masked, row-normalised weights W (stored order).
    pub weights: Csr,
    /// Clipped weights Wc, parallel to `weights.val` (`-1` bits = dropped), kept only when
    /// the bond penalty β ≠ 1 needs them (else empty); [`clip`] gives each from `weights`
    /// and `consensus`.
    pub clipped: Vec<I32F32>,
    /// Consensus C.
    pub consensus: Vec<I32F32>,
    /// Validator trust Tv.
    pub validator_trust: Vec<I32F32>,
    /// Incentive I.
    pub incentive: Vec<I32F32>,
    use_stake: Vec<I32F32>,
    col_ptr: Vec<usize>,
    col_fill: Vec<usize>,
    /// Per column of [`consensus`]: whether its keys are needed (not settled by its counts).
    col_need: Vec<bool>,
    col_stat: Vec<ColStat>,
    col_keys: Vec<u64>,
    select_buf: Vec<u64>,
    /// Per column of [`consensus_by_rows`]: the bucket shift and crossing bucket, and the
    /// stake left to select within it.
    col_sel: Vec<ColSel>,
    col_m: Vec<i64>,
    /// [`consensus_by_rows`]' stake histograms, one per column.
    col_hist: Vec<[i64; BUCKETS]>,
    wb: Csr,
    delta: Vec<I32F32>,
    bonds: Csr,
    /// Bonds after the EMA (before storage scaling for classic bonds, which is applied to
    /// `stored`). Row i is `ptr[i]..ptr[i + 1]`; `col` and `val` may hold spare entries
    /// past `ptr[n]` (kept between epochs so that they are not refilled).
    pub ema: Csr,
    /// Row scratch of the EMA (and per-column scratch elsewhere).
    row: RowScratch,
    /// [`load_bonds`]: per column, all ones when its bonds are kept; the kept u16 sums.
    bond_keep: Vec<u64>,
    bond_u16_sums: Vec<u64>,
    /// Entries of the input's bond rows.
    bonds_total: usize,
    /// Classic bonds with α ∈ [0, 1] and u16 column sums below 2³⁰: the EMA reads the input's
    /// bond rows (with `u16_divs`) and `bonds` is not built.
    bonds_direct: bool,
    acc2: Vec<I32F32>,
    recips: Vec<Recip>,
    recips_b: Vec<Recip>,
    /// Classic bonds with α ∈ [0, 1]: the dividers of ΔB's column sums, then of B''s, then of
    /// B''s column maxima (all at most 1).
    divs: Vec<Div32>,
    sums: Vec<I32F32>,
    /// Dividends D.
    pub dividends: Vec<I32F32>,
    /// Liquid-alpha α per entry of `ema` rows (Yuma3 with liquid alpha), else empty.
    pub alphas: Vec<(u32, u16, I32F32)>,
    /// The constant EMA α when liquid alpha is not in use.
    pub alpha: I32F32,
    /// The EMA's values are in [0, 1] with exact column sums (α ∈ [0, 1], and Yuma3's
    /// fused path or classic bonds).
    bounded: bool,
    u16_divs: Vec<U16Div>,
    /// Forces the consensus by rows (`Some(true)`) or by columns (`Some(false)`) whatever
    /// the density ([`Workspace::force_consensus_by_rows`]).
    by_rows: Option<bool>,
}

impl Workspace {
    /// Forces [`consensus`] to go by rows or by columns whatever the density (`None`: by
    /// density, the default). Both give the same bits; tests compare them.
    #[doc(hidden)]
    pub fn force_consensus_by_rows(&mut self, by_rows: Option<bool>) {
        self.by_rows = by_rows;
    }
}

fn grow<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

/// Sets the length to `n` for buffers that are written in full before they are read: only
/// the part beyond the old length is filled (with `x`).
fn fit<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    if v.len() < n {
        v.resize(n, x);
    } else {
        v.truncate(n);
    }
}

/// Runs one epoch on a validated input (see [`ChainInput::validate`]).
pub fn epoch(input: &ChainInput) -> Result<ChainOutput> {
    input.validate()?;
    let mut ws = Workspace::default();
    let mut out = ChainOutput::default();
    epoch_with(input, &mut ws, &mut out);
    Ok(out)
}

/// A fresh row stamp for the `mark` scratch (clearing it when the counter wraps).
fn next_stamp(stamp: &mut u32, mark: &mut [u32]) -> u32 {
    *stamp = stamp.wrapping_add(1);
    if *stamp == 0 {
        mark.fill(0);
        *stamp = 1;
    }
    *stamp
}

/// [`epoch`] into caller-owned buffers: no allocation once `ws` and `out` have grown. The
/// input must be valid ([`ChainInput::validate`]); an invalid one gives unspecified (but
/// panic-free where the lengths agree) results.
pub fn epoch_with(input: &ChainInput, ws: &mut Workspace, out: &mut ChainOutput) {
    let n = input.n;
    let block = input.block;
    let owner = input.owner_uid.map(|o| o as usize);

    // 1. Activity.
    ws.inactive.clear();
    ws.inactive.extend(
        input
            .last_update
            .iter()
            .map(|&u| u.saturating_add(input.activity_cutoff) < block),
    );

    // 2. Stake: I64F64 totals, threshold, normalise, truncate to I32F32.
    ws.total.clear();
    ws.total.extend((0..n).map(|i| input.total_stake(i)));
    ws.raw.clear();
    ws.raw.extend(ws.total.iter().enumerate().map(|(i, &s)| {
        if owner != Some(i) && s.saturating_to_num::<u64>() < input.stake_threshold {
            I64F64::from_bits(0)
        } else {
            s
        }
    }));
    // S_i = I32F32(safe_div_64(raw_i, Σ raw)) through [`Recip64`] (same bits); a zero sum
    // leaves the raw stakes as they are.
    let s64 = sum_64(&ws.raw);
    ws.stake.clear();
    if s64 != I64F64::from_bits(0) {
        let r = Recip64::new(s64);
        ws.stake.extend(ws.raw.iter().map(|&s| r.div_to_32(s)));
    } else {
        ws.stake
            .extend(ws.raw.iter().map(|&s| I32F32::saturating_from_num(s)));
    }

    // 3. Permits: old ones (owner forced) gate the weights; new ones are top-k non-zero.
    ws.forbid.clear();
    ws.forbid.extend(
        input
            .validator_permit
            .iter()
            .enumerate()
            .map(|(i, &p)| !(p || owner == Some(i))),
    );
    ws.permit.clear();
    ws.permit.extend(ws.stake.iter().map(|s| !s.is_zero()));
    topk_into(
        &ws.stake,
        input.max_allowed_validators as usize,
        &mut ws.permit,
        &mut ws.topk_idx,
    );
    if let Some(o) = owner {
        ws.permit[o] = true;
    }

    // 4. Active stake.
    ws.active_stake.clear();
    ws.active_stake.extend(
        ws.stake
            .iter()
            .zip(ws.inactive.iter().zip(&ws.forbid))
            .map(|(&s, (&i, &f))| if i || f { ZERO } else { s }),
    );
    let sa = sum(&ws.active_stake);
    if sa != ZERO {
        for v in ws.active_stake.iter_mut() {
            *v = qdiv(*v, sa);
        }
    }

    // The consensus' stake: A re-normalised over the participating rows (A_i > 0).
    let cstake = consensus_stake(&ws.active_stake, input.kappa, &mut ws.use_stake);

    // 5. Weights: masks (forbidden rows, self-weights but the owner's, outdated, commit-reveal),
    //    then row normalisation; the consensus' per-column statistics of the positive scores
    //    of participating rows (count, stake and, for the consensus by rows, the top score)
    //    are taken in the same pass.
    let bar = &input.block_at_registration;
    // A row whose last update is after every registration (and whose commit, if any, is
    // not before one) loses no entry to the registration masks.
    let newest = bar.iter().copied().max().unwrap_or(0);
    let w = &mut ws.weights;
    w.ptr.clear();
    w.ptr.push(0);
    let entries: usize = input.weights.iter().map(|r| r.len()).sum();
    // Written by index (no per-entry `push`), truncated at the end.
    fit(&mut w.col, entries, 0);
    fit(&mut w.val, entries, ZERO);
    let mut k = 0usize;
    grow(&mut ws.col_stat, n, ColStat::default());
    // Many keys per column: the consensus goes by rows and needs each column's top score.
    let rowwise = ws.by_rows.unwrap_or(entries >= ROWWISE * n);
    for (i, row) in input.weights.iter().enumerate() {
        if !ws.forbid[i] {
            let lu = input.last_update[i];
            let cb = input
                .commit_blocks
                .as_ref()
                .map(|c| c[i].unwrap_or(u64::MAX));
            let start = k;
            let mut s = 0i64;
            let keep_diag = owner == Some(i);
            let (cols, vals) = (&mut w.col[..], &mut w.val[..]);
            let unmasked = lu > newest && cb.is_none_or(|c| c >= newest);
            // The kept u16 weights' sum (the row's sum is `S·2³²` in I32F32 bits).
            let skip = |j: u16| j as usize == i && !keep_diag;
            let su: u64 = if unmasked {
                row.iter()
                    .map(|&(j, v)| if skip(j) { 0 } else { v as u64 })
                    .sum()
            } else {
                0
            };
            if unmasked && su > 0 && su < 1 << 30 {
                // One pass: each kept weight divided by the row sum through [`U16Div`] (the
                // bits of `safe_div(u16_to_fixed(v), S·2³²)`) and counted.
                let d = U16Div::new(su);
                let part = ws.active_stake[i].pos();
                let u = ws.use_stake[i].to_bits();
                let stats = &mut ws.col_stat[..n];
                let row = (row.as_slice(), &mut cols[..], &mut vals[..]);
                k = if rowwise {
                    divide_row::<true>(row, k, d, (i, keep_diag), (part, u), stats)
                } else {
                    divide_row::<false>(row, k, d, (i, keep_diag), (part, u), stats)
                };
                w.ptr.push(k);
                continue;
            }
            if unmasked {
                for &(j, v) in row {
                    if skip(j) {
                        continue;
                    }
                    let f = u16_to_fixed(v);
                    s = s.wrapping_add(f.to_bits());
                    cols[k] = j;
                    vals[k] = f;
                    k += 1;
                }
            } else {
                for &(j, v) in row {
                    let ju = j as usize;
                    if skip(j) || lu <= bar[ju] || cb.is_some_and(|c| c < bar[ju]) {
                        continue;
                    }
                    let f = u16_to_fixed(v);
                    s = s.wrapping_add(f.to_bits());
                    cols[k] = j;
                    vals[k] = f;
                    k += 1;
                }
            }
            let s = I32F32::from_bits(s);
            let part = ws.active_stake[i].pos();
            let u = ws.use_stake[i].to_bits();
            let vals = &mut w.val[start..k];
            let cols = &w.col[start..k];
            let mut key = |j: u16, v: I32F32| {
                if part && v.pos() {
                    let c = &mut ws.col_stat[j as usize];
                    c.count += 1;
                    c.listed = c.listed.wrapping_add(u);
                    if rowwise {
                        c.hi = c.hi.max(v.to_bits() as u64);
                    }
                }
            };
            if s.pos() {
                let r = Recip::new(s);
                for (v, &j) in vals.iter_mut().zip(cols) {
                    *v = r.div(*v);
                    key(j, *v);
                }
            } else if part {
                for (v, &j) in vals.iter().zip(cols) {
                    key(j, *v);
                }
            }
        }
        w.ptr.push(k);
    }
    w.col.truncate(k);
    w.val.truncate(k);

    // 6. Consensus: per column, the stake-weighted median over rows with A_i > 0.
    consensus(input, cstake, rowwise, ws);

    // 10's parameters: the bonds mask, α, and the scratch of the EMA.
    let last_tempo = if input.last_mechanism_step_block == 0 {
        block.saturating_sub(input.tempo)
    } else {
        input.last_mechanism_step_block.saturating_add(1)
    };
    let bma = I64F64::saturating_from_num(input.bonds_moving_average)
        .saturating_div(I64F64::saturating_from_num(1_000_000u64));
    ws.alpha = ONE.saturating_sub(I32F32::saturating_from_num(bma));
    ws.alphas.clear();
    grow(&mut ws.sums, n, ZERO);
    grow(&mut ws.row.acc, n, ZERO);
    grow(&mut ws.row.dense, n, ZERO);
    grow(&mut ws.row.bits, n.div_ceil(64), 0);
    grow(&mut ws.acc2, n, ZERO);
    if ws.row.mark.len() != n {
        grow(&mut ws.row.mark, n, 0);
        ws.row.stamp = 0;
    }
    grow(&mut ws.dividends, n, ZERO);
    let yuma3 = input.yuma3_enabled;
    let liquid = yuma3 && input.liquid_alpha_enabled && ws.consensus.iter().any(|c| !c.is_zero());
    let beta = bond_penalty(input);
    // Wc apart (`clipped`) only for the bond weights of β ≠ 1; elsewhere an empty slice.
    let clipped_len = if beta == ONE { 0 } else { ws.weights.val.len() };
    fit(&mut ws.clipped, clipped_len, ZERO);
    grow(&mut ws.incentive, n, ZERO);
    ws.validator_trust.clear();

    let fused = yuma3 && !liquid && beta == ONE && bounded(ws.alpha);
    ws.bounded = fused || (!yuma3 && bounded(ws.alpha));
    if fused {
        // 7–10 fused row by row: clip, trust, incentive and the EMA of Wb = Wc.
        yuma3_fused(input, ws, last_tempo);
        normalize(&mut ws.incentive);
    } else {
        // 7–8. Clip, validator trust, incentive (and, for β = 1, the bond weights).
        let fuse_one = beta == ONE;
        // Classic bonds with β = 1 and α ∈ [0, 1]: `wb` takes ΔB = Wb ⊙ A at once, with its
        // column sums in `acc2`.
        let delta = fuse_one && !yuma3 && ws.bounded;
        if delta {
            clip_rows::<CLIP_DELTA>(n, ws);
        } else if fuse_one {
            clip_rows::<CLIP_WB>(n, ws);
        } else {
            clip_rows::<CLIP_KEEP>(n, ws);
        }
        normalize(&mut ws.incentive);

        // 9. Bond weights Wb = interpolate(W, Wc, β) (already built when β = 1).
        if !fuse_one {
            bond_weights(n, beta, ws);
        }

        // 10. Bonds and the EMA. Column sums are taken while a matrix is built, and each
        //     column normalisation divides through a per-column [`Recip`].
        load_bonds(input, ws, last_tempo);
        let wb = core::mem::take(&mut ws.wb);
        if liquid {
            ema_liquid(input, &wb, ws);
            ws.sums.fill(ZERO);
            for (&j, &v) in ws.ema.col.iter().zip(&ws.ema.val) {
                let s = &mut ws.sums[j as usize];
                *s = s.sadd(v);
            }
        } else if yuma3 {
            ema_constant(n, (&wb.ptr, &wb.col, &wb.val), ws, false);
        } else {
            classic_ema(input, &wb, ws, delta);
        }
        ws.wb = wb;
    }
    // 10. Dividends.
    if yuma3 {
        // tb_i = Σ_j colnorm(B')_ij · I_j ; D = normalize(tb ⊙ A). colnorm(B') and I are
        // in [0, 1].
        set_recips(&ws.sums, &mut ws.recips);
        if fused {
            // Every entry is positive and at most its column's exact sum (< 2⁵⁰).
            yuma3_dividends(n, ws, |r, v| r.div_le(v));
        } else {
            yuma3_dividends(n, ws, |r, v| r.div_nonzero(v));
        }
    } else {
        classic_dividends(n, ws);
    }
    normalize(&mut ws.dividends);

    // 11–13. Emission split and outputs.
    write_output(input, ws, out);
}

/// Yuma3 dividends before normalisation: `(Σ_j colnorm(B')_ij · I_j) · A_i`, each entry of
/// colnorm(B') through `div(recip of its column sum, entry)`.
fn yuma3_dividends(n: usize, ws: &mut Workspace, div: impl Fn(&Recip, I32F32) -> I32F32) {
    // Cut to n: one bounds test per column index serves both.
    let (recips, incentive) = (&ws.recips[..n], &ws.incentive[..n]);
    for i in 0..n {
        let (a, b) = (ws.ema.ptr[i], ws.ema.ptr[i + 1]);
        let mut t = 0i64;
        for (&j, &v) in ws.ema.col[a..b].iter().zip(&ws.ema.val[a..b]) {
            let ju = j as usize;
            let bn = div(&recips[ju], v);
            t = t.wrapping_add(bn.umul(incentive[ju]).to_bits());
        }
        // (substrate-fixed's `checked_mul` is a 128-bit product and range checks: skipped
        // for the rows without bonds.)
        ws.dividends[i] = if t == 0 {
            ZERO
        } else {
            I32F32::from_bits(t)
                .checked_mul(ws.active_stake[i])
                .unwrap_or(ZERO)
        };
    }
}

/// What [`clip_rows`] builds besides trust and incentive: Wc kept apart (`clipped`, for the
/// bond weights of β ≠ 1), Wb = Wc (β = 1), or ΔB = Wc ⊙ A with its column sums (classic
/// bonds, β = 1, α ∈ [0, 1]).
const CLIP_KEEP: u8 = 0;
const CLIP_WB: u8 = 1;
const CLIP_DELTA: u8 = 2;

/// Steps 7–8 over every row ([`clip_row`]), with what `MODE` asks for besides (a constant, so
/// that the per-entry work has no test of it).
fn clip_rows<const MODE: u8>(n: usize, ws: &mut Workspace) {
    // Per-column slices cut to n: one bounds test per column index serves them all.
    let (w, c) = (&ws.weights, &ws.consensus[..n]);
    let wb = &mut ws.wb;
    // Only the row starts are reset: `col`/`val` are written by index below and keep at
    // least the weights' length, with spare slots past `ptr[n]` (not truncated: a slot left
    // by an entry the clip drops would be refilled next epoch), or are cleared by
    // `bond_weights`.
    wb.ptr.clear();
    wb.ptr.push(0);
    if MODE != CLIP_KEEP {
        let len = w.col.len();
        if wb.col.len() < len {
            wb.col.resize(len, 0);
        }
        if wb.val.len() < len {
            wb.val.resize(len, ZERO);
        }
    }
    let mut kb = 0usize;
    let (bcol, bval) = (&mut wb.col[..], &mut wb.val[..]);
    let (dsum, incentive) = (&mut ws.acc2[..n], &mut ws.incentive[..n]);
    for i in 0..n {
        let (a, b) = (w.ptr[i], w.ptr[i + 1]);
        let ai = ws.active_stake[i];
        let put = |j: u16, v: I32F32, dropped: bool| {
            if MODE == CLIP_DELTA {
                let d = v.umul(ai);
                bcol[kb] = j;
                bval[kb] = d;
                kb += !dropped as usize;
                let s = &mut dsum[j as usize];
                *s = add::<true>(*s, d);
            } else if MODE == CLIP_WB {
                bcol[kb] = j;
                bval[kb] = v;
                kb += !dropped as usize;
            }
        };
        let row = (
            &w.col[a..b],
            &w.val[a..b],
            ws.clipped.get_mut(a..b).unwrap_or_default(),
        );
        let t = if MODE == CLIP_KEEP {
            clip_row::<true>(row, c, ai, incentive, put)
        } else {
            clip_row::<false>(row, c, ai, incentive, put)
        };
        if MODE != CLIP_KEEP {
            wb.ptr.push(kb);
        }
        ws.validator_trust.push(t);
    }
}

/// One row of the clip (steps 7–8): `Wc_ij = clip(W_ij, C_j)`, `I_j += A_i·Wc_ij` (operands
/// in [0, 1], sums at most ΣA: no saturation), and `f(j, Wc_ij, dropped)` for each entry;
/// returns the validator trust `Σ_j Wc_ij`. With `KEEP`, Wc also goes into `clipped`
/// (`ABSENT` where dropped), for the bond weights of β ≠ 1; the other paths take Wc from `f`.
#[inline(always)]
fn clip_row<const KEEP: bool>(
    (cols, vals, clipped): (&[u16], &[I32F32], &mut [I32F32]),
    c: &[I32F32],
    ai: I32F32,
    incentive: &mut [I32F32],
    mut f: impl FnMut(u16, I32F32, bool),
) -> I32F32 {
    let mut t = 0i64;
    let mut one = |j: u16, v: I32F32| {
        let ju = j as usize;
        let (dropped, v) = clip(v, c[ju]);
        t = t.wrapping_add(v.to_bits());
        let r = &mut incentive[ju];
        *r = add::<true>(*r, ai.umul(v));
        f(j, v, dropped);
        if dropped {
            ABSENT
        } else {
            v
        }
    };
    if KEEP {
        for ((&j, &v), cl) in cols.iter().zip(vals).zip(clipped) {
            *cl = one(j, v);
        }
    } else {
        for (&j, &v) in cols.iter().zip(vals) {
            one(j, v);
        }
    }
    I32F32::from_bits(t)
}

/// `u16_proportion_to_fixed(b)` = floor(b·2³²/65535) = 65537·b + [b = 65535]
/// (2³² = 65535·65537 + 1).
#[inline(always)]
fn u16_proportion(b: u16) -> I32F32 {
    I32F32::from_bits(65537 * b as i64 + (b == u16::MAX) as i64)
}

/// Per column, all ones when its bonds are kept (registered before the last tempo), else 0.
fn set_bond_keep(input: &ChainInput, last_tempo: u64, keep: &mut Vec<u64>) {
    keep.clear();
    keep.extend(
        input
            .block_at_registration
            .iter()
            .map(|&r| if last_tempo > r { u64::MAX } else { 0 }),
    );
}

/// The input bonds into `ws.bonds`: an entry kept when its column's registration is older
/// than the last tempo; Yuma3 reads u16 proportions, classic bonds u16 integers with their
/// column sums into `ws.sums` — unless the classic EMA reads the input's rows directly
/// (`ws.bonds_direct`, with the column dividers in `ws.u16_divs`).
fn load_bonds(input: &ChainInput, ws: &mut Workspace, last_tempo: u64) {
    set_bond_keep(input, last_tempo, &mut ws.bond_keep);
    let keep = &ws.bond_keep[..];
    let total: usize = input.bonds.iter().map(Vec::len).sum();
    ws.bonds_total = total;
    ws.bonds_direct = false;
    if !input.yuma3_enabled {
        // The kept u16 bonds summed per column as integers (at most 65 535 a row: no
        // overflow; a dropped column's sum is then cleared).
        grow(&mut ws.bond_u16_sums, ws.sums.len(), 0);
        let su = &mut ws.bond_u16_sums[..];
        for row in &input.bonds {
            for &(j, b) in row {
                su[j as usize] += b as u64;
            }
        }
        for (u, &m) in su.iter_mut().zip(keep) {
            *u &= m;
        }
        if ws.bounded && su.iter().all(|&u| u < 1 << 30) {
            // colnorm(B) straight from the stored rows ([`classic_ema`]): a kept column
            // through its [`U16Div`], a dropped one through a divider that gives 0 (an old
            // term of 0 adds nothing and is not kept, as a dropped entry).
            ws.bonds_direct = true;
            ws.u16_divs.clear();
            ws.u16_divs.extend(su.iter().zip(keep).map(|(&u, &m)| {
                if m == 0 {
                    U16Div::ZERO
                } else {
                    U16Div::new(u.max(1))
                }
            }));
            return;
        }
    }
    // Written by index; the spare slot takes the writes of dropped entries.
    let bonds = &mut ws.bonds;
    bonds.ptr.clear();
    bonds.ptr.push(0);
    fit(&mut bonds.col, total + 1, 0);
    fit(&mut bonds.val, total + 1, ZERO);
    let (col, val) = (&mut bonds.col[..], &mut bonds.val[..]);
    let mut k = 0usize;
    if input.yuma3_enabled {
        for row in &input.bonds {
            for &(j, b) in row {
                col[k] = j;
                val[k] = u16_proportion(b);
                k += (keep[j as usize] & 1) as usize;
            }
            bonds.ptr.push(k);
        }
    } else {
        // The sums as the chain's saturating I32F32 additions of `u16_to_fixed` leave
        // them: `u·2³²`, or the maximum from `u ≥ 2³¹` on.
        for row in &input.bonds {
            for &(j, b) in row {
                col[k] = j;
                val[k] = u16_to_fixed(b);
                k += (keep[j as usize] & 1) as usize;
            }
            bonds.ptr.push(k);
        }
        for (s, &u) in ws.sums.iter_mut().zip(ws.bond_u16_sums.iter()) {
            *s = if u < 1 << 31 {
                I32F32::from_bits((u << 32) as i64)
            } else {
                I32F32::from_bits(i64::MAX)
            };
        }
    }
    bonds.col.truncate(k);
    bonds.val.truncate(k);
}

/// Yuma3 steps 7–10 with a constant α ∈ [0, 1] and β = 1 (so Wb = Wc), row by row: the clip
/// ([`clip_row`]) and the row's EMA `α·Wc + (1−α)·B`, B read from the input (masked, u16
/// proportions), into `ws.ema` with its column sums in `ws.sums`. Dense rows accumulate the
/// EMA straight from the clip; the others go through [`ema_row`].
fn yuma3_fused(input: &ChainInput, ws: &mut Workspace, last_tempo: u64) {
    let n = input.n;
    set_bond_keep(input, last_tempo, &mut ws.bond_keep);
    // Every per-column slice cut to n: one bounds test per column index serves them all.
    let keep = &ws.bond_keep[..n];
    let alpha = ws.alpha;
    let one_minus = ONE.saturating_sub(alpha);
    let (w, c) = (&ws.weights, &ws.consensus[..n]);
    let incentive = &mut ws.incentive[..n];
    let cap = w.val.len() + input.bonds.iter().map(Vec::len).sum::<usize>();
    let mut ema = core::mem::take(&mut ws.ema);
    let mut out = EmaOut::<true>::start(&mut ema, cap, &mut ws.sums, n);
    let s = &mut ws.row;
    // Row buffers of the sparse rows' Wb and B.
    let (wb, bonds) = (&mut ws.wb, &mut ws.bonds);
    for (i, brow) in input.bonds.iter().enumerate().take(n) {
        let (a, b) = (w.ptr[i], w.ptr[i + 1]);
        if a == b && brow.is_empty() {
            // No weight and no bond (most rows: the miners'): an empty row, no trust.
            out.end_row();
            ws.validator_trust.push(ZERO);
            continue;
        }
        let row = (&w.col[a..b], &w.val[a..b], &mut [][..]);
        let ai = ws.active_stake[i];
        let t = if (b - a) + brow.len() >= n / DENSE_ROW {
            // Dense: the new terms straight into the zeroed accumulator (columns are unique
            // in a row, and a dropped entry's term is 0), then the old ones.
            let acc = &mut s.dense[..n];
            if (b - a) + brow.len() < n / MARKED_ROW {
                // Mid-density: the touched columns marked, and only those put.
                let mut marks = Marks::new(&mut s.bits);
                let t = clip_row::<false>(row, c, ai, incentive, |j, v, _| {
                    acc[j as usize] = alpha.umul(v);
                    marks.mark(j as usize);
                });
                for &(j, bu) in brow {
                    let ju = j as usize;
                    let x = one_minus.umul(u16_proportion(bu)).to_bits() as u64 & keep[ju];
                    acc[ju] = add::<true>(acc[ju], I32F32::from_bits(x as i64));
                    marks.mark(ju);
                }
                out.put_marked(acc, marks.finish());
                t
            } else {
                let t = clip_row::<false>(row, c, ai, incentive, |j, v, _| {
                    acc[j as usize] = alpha.umul(v);
                });
                for &(j, bu) in brow {
                    let ju = j as usize;
                    let x = one_minus.umul(u16_proportion(bu)).to_bits() as u64 & keep[ju];
                    acc[ju] = add::<true>(acc[ju], I32F32::from_bits(x as i64));
                }
                out.put_dense(acc);
                t
            }
        } else {
            wb.clear();
            let t = clip_row::<false>(row, c, ai, incentive, |j, v, dropped| {
                if !dropped {
                    wb.push(j, v);
                }
            });
            bonds.clear();
            for &(j, bu) in brow {
                if keep[j as usize] != 0 {
                    bonds.push(j, u16_proportion(bu));
                }
            }
            ema_row(
                n,
                (&wb.col, &wb.val),
                (&bonds.col[..], &bonds.val[..]),
                |_, x| alpha.umul(x),
                |_, x| one_minus.umul(x),
                s,
                &mut out,
            );
            t
        };
        out.end_row();
        ws.validator_trust.push(t);
    }
    ws.ema = ema;
}

/// Classic bonds' EMA: `colnorm(α·colnorm(Wb ⊙ A) + (1−α)·colnorm(B))` into `ws.ema` (not
/// yet column-normalised; [`classic_dividends`] does it), with the column sums in `ws.sums`.
/// With α ∈ [0, 1] (`ws.bounded`) every value is in [0, 1] and every sum exact: products
/// through [`FastOps::umul`], colnorm(ΔB) through [`Div32`] (ΔB's column sums are at most
/// `Σ A ≤ 1`; zero sums taken as one bit: their entries are all 0), and colnorm(B) through
/// [`U16Div`] when every column's u16 sum is below 2³⁰.
/// With `delta`, `wb` already holds ΔB and `ws.acc2` its column sums.
fn classic_ema(input: &ChainInput, wb: &Csr, ws: &mut Workspace, delta: bool) {
    let n = input.n;
    let bounded = ws.bounded;
    // colnorm(B): u16 reciprocals set by [`load_bonds`] when the EMA reads the input's rows
    // (α ∈ [0, 1] and every u16 column sum below 2³⁰), else the recips of the sums taken with
    // the bonds; applied inside the EMA.
    if !ws.bonds_direct {
        set_recips(&ws.sums, &mut ws.recips_b);
    }
    if delta {
        set_divs(&ws.acc2, &mut ws.divs);
        classic_ema_terms(input, (&wb.ptr, &wb.col, &wb.val), ws);
        return;
    }
    // ΔB = Wb ⊙ A, column-normalised inside the EMA.
    ws.sums.fill(ZERO);
    ws.delta.clear();
    for i in 0..n {
        let ai = ws.active_stake[i];
        let (a, b) = (wb.ptr[i], wb.ptr[i + 1]);
        for (&j, &v) in wb.col[a..b].iter().zip(&wb.val[a..b]) {
            let s = &mut ws.sums[j as usize];
            let d = if bounded {
                let d = v.umul(ai);
                *s = add::<true>(*s, d);
                d
            } else {
                let d = v.smul(ai);
                *s = s.sadd(d);
                d
            };
            ws.delta.push(d);
        }
    }
    if bounded {
        set_divs(&ws.sums, &mut ws.divs);
    } else {
        set_recips(&ws.sums, &mut ws.recips);
    }
    let delta = core::mem::take(&mut ws.delta);
    classic_ema_terms(input, (&wb.ptr, &wb.col, &delta), ws);
    ws.delta = delta;
}

/// The classic EMA of ΔB `m` (column-normalised through `ws.divs`, or `ws.recips` when not
/// bounded) and the bonds (from the input's rows through `ws.u16_divs` when
/// `ws.bonds_direct`, else from `ws.bonds` through `ws.recips_b`).
fn classic_ema_terms(input: &ChainInput, m: (&[usize], &[u16], &[I32F32]), ws: &mut Workspace) {
    let n = input.n;
    if ws.bounded {
        let (alpha, one_minus) = (ws.alpha, ONE.saturating_sub(ws.alpha));
        let dnv = core::mem::take(&mut ws.divs);
        let (rb, udv) = (
            core::mem::take(&mut ws.recips_b),
            core::mem::take(&mut ws.u16_divs),
        );
        // Cut to n, as the EMA's own per-column slices: one bounds test per column index.
        let dn = &dnv[..n];
        let tn = |j: usize, x: I32F32| alpha.umul(dn[j].quot(x));
        if ws.bonds_direct {
            let ud = &udv[..n];
            let to = |j: usize, b: u16| one_minus.umul(ud[j].div(b));
            let old = |i: usize| &input.bonds[i][..];
            ema_rows::<true, _>(n, m, (old, ws.bonds_total), ws, tn, to);
        } else {
            let rb = &rb[..n];
            let to = |j: usize, x: I32F32| one_minus.umul(rb[j].div_nonzero(x));
            ema_constant_with::<true>(n, m, ws, tn, to);
        }
        (ws.divs, ws.recips_b, ws.u16_divs) = (dnv, rb, udv);
    } else {
        ema_constant(n, m, ws, true);
    }
}

/// Classic dividends: B' = colnorm(EMA) in place, `D = B'·I`, and the column maxima of B'
/// (their dividers, for the storage's max-upscale, into `ws.divs`, or their recips into
/// `ws.recips` when not bounded).
fn classic_dividends(n: usize, ws: &mut Workspace) {
    if ws.bounded {
        // B' and I in [0, 1], every entry positive and at most its column's exact sum, and
        // the sums at most 1: each EMA column adds `⌊α·x⌋` over a column of colnorm(ΔB) and
        // `⌊(1 − α)·y⌋` over one of colnorm(B), each summing to at most 1. The maxima of B'
        // are at most 1 too.
        set_divs(&ws.sums, &mut ws.divs);
        let dvv = core::mem::take(&mut ws.divs);
        let dv = &dvv[..n];
        classic_dividends_with(n, ws, |j, v| dv[j].quot(v), |x, y| x.umul(y), add::<true>);
        ws.divs = dvv;
        set_divs(&ws.row.acc, &mut ws.divs);
    } else {
        set_recips(&ws.sums, &mut ws.recips);
        let rv = core::mem::take(&mut ws.recips);
        classic_dividends_with(
            n,
            ws,
            |j, v| rv[j].div_nonzero(v),
            |x, y| x.smul(y),
            |x, y| x.sadd(y),
        );
        ws.recips = rv;
        set_recips(&ws.row.acc, &mut ws.recips);
    }
}

fn classic_dividends_with(
    n: usize,
    ws: &mut Workspace,
    div: impl Fn(usize, I32F32) -> I32F32,
    mul: impl Fn(I32F32, I32F32) -> I32F32,
    add: impl Fn(I32F32, I32F32) -> I32F32,
) {
    ws.row.acc.fill(ZERO);
    // Cut to n: one bounds test per column index serves both.
    let (incentive, max) = (&ws.incentive[..n], &mut ws.row.acc[..n]);
    for i in 0..n {
        let (a, b) = (ws.ema.ptr[i], ws.ema.ptr[i + 1]);
        let mut d = ZERO;
        for (&j, v) in ws.ema.col[a..b].iter().zip(&mut ws.ema.val[a..b]) {
            let ju = j as usize;
            *v = div(ju, *v);
            d = add(d, mul(incentive[ju], *v));
            // The column maximum without a branch (which would follow the data).
            let m = &mut max[ju];
            *m = I32F32::from_bits(m.to_bits().max(v.to_bits()));
        }
        ws.dividends[i] = d;
    }
}

/// The stake the consensus weighs: `use_stake` = A restricted to `A_i > 0` and re-normalised
/// (0 elsewhere); returns the bits of its sum and of the minority `Σ use_stake − κ`, and the
/// number of participating rows.
pub(crate) fn consensus_stake(
    active: &[I32F32],
    kappa: u16,
    use_stake: &mut Vec<I32F32>,
) -> (i64, i64, usize) {
    let kappa = safe_div(u16_to_fixed(kappa), u16_to_fixed(u16::MAX));
    grow(use_stake, active.len(), ZERO);
    let mut k = 0usize;
    let mut s = 0i64;
    for &a in active {
        if a.pos() {
            k += 1;
            s = s.wrapping_add(a.to_bits());
        }
    }
    let s = I32F32::from_bits(s);
    let rs = Recip::new(s);
    let mut stake_sum = 0i64;
    for (u, &a) in use_stake.iter_mut().zip(active) {
        if a.pos() {
            *u = if !s.is_zero() { rs.div(a) } else { a };
            stake_sum = stake_sum.wrapping_add(u.to_bits());
        }
    }
    let minority = I32F32::from_bits(stake_sum).saturating_sub(kappa).to_bits();
    (stake_sum, minority, k)
}

/// `inplace_normalize`: x / Σx (wrapping sum), left as it is when the sum is 0.
pub(crate) fn normalize(x: &mut [I32F32]) {
    let s = sum(x);
    if s != ZERO {
        let r = Recip::new(s);
        x.iter_mut().for_each(|v| *v = r.div(*v));
    }
}

/// β, the bonds penalty as a proportion.
pub(crate) fn bond_penalty(input: &ChainInput) -> I32F32 {
    safe_div(u16_to_fixed(input.bonds_penalty), u16_to_fixed(u16::MAX))
}

/// A proportion of `rao` (the epoch's emission as I96F32), floored to rao.
#[inline]
pub(crate) fn to_rao(x: I32F32, rao: I96F32) -> u64 {
    I96F32::saturating_from_num(x)
        .saturating_mul(rao)
        .saturating_to_num::<u64>()
}

/// Consensus (§2.6): the positive scores of participating rows bucketed by column as packed
/// keys `score << 16 | row`, then per column an exact weighted selection ([`select`]); or,
/// `rowwise`, [`consensus_by_rows`]. The per-column counts and listed stakes (`col_stat`)
/// were taken while building the weights.
fn consensus(
    input: &ChainInput,
    (stake_sum, minority, k): (i64, i64, usize),
    rowwise: bool,
    ws: &mut Workspace,
) {
    let n = input.n;
    let stake_sum = I32F32::from_bits(stake_sum);
    if rowwise {
        ws.col_ptr.clear();
        ws.col_ptr.push(0);
        let mut end = 0;
        ws.col_ptr.extend(ws.col_stat.iter().map(|c| {
            end += c.count;
            end
        }));
        consensus_by_rows(n, stake_sum.to_bits(), minority, k, ws);
        return;
    }
    // Columns that the counts and listed stakes settle (too little stake lists them, or
    // nothing does) are decided at once, and only the others' keys are gathered: a column
    // gets slots for its keys when `need` is set.
    grow(&mut ws.consensus, n, ZERO);
    fit(&mut ws.col_need, n, false);
    fit(&mut ws.col_ptr, n + 1, 0);
    ws.col_ptr[0] = 0;
    let (mut end, mut keys) = (0, 0);
    for ((c, need), p) in ws.col_stat[..n]
        .iter()
        .zip(ws.col_need.iter_mut())
        .zip(ws.col_ptr[1..].iter_mut())
    {
        *need = !zero_without_keys(c.count, k, c.listed, (stake_sum.to_bits(), minority));
        end += if *need { c.count } else { 0 };
        keys += c.count;
        *p = end;
    }
    // Bucket the positive scores of participating rows by column (with no test per key
    // when every key is needed, the usual case).
    ws.col_fill.clear();
    ws.col_fill.extend_from_slice(&ws.col_ptr[..n]);
    fit(&mut ws.col_keys, end, 0);
    if end == keys {
        gather_keys::<true>(n, ws);
    } else if end > 0 {
        gather_keys::<false>(n, ws);
    }
    for j in 0..n {
        if !ws.col_need[j] {
            continue;
        }
        let (a, b) = (ws.col_ptr[j], ws.col_ptr[j + 1]);
        let col = &mut ws.col_keys[a..b];
        let listed = ws.col_stat[j].listed;
        let top = || col.iter().max().map_or(0, |&x| x >> 16) as i64;
        let c = match settle(b - a, k, listed, (stake_sum.to_bits(), minority), top) {
            Ok(c) => c,
            Err(m) => select(col, &mut ws.select_buf, &ws.use_stake, m),
        };
        ws.consensus[j] = I32F32::from_bits(c);
    }
}

/// The consensus keys `(score << 16 | row)` of the positive weights of participating rows,
/// into their columns' slots (`col_fill`), for the columns with `col_need` set (`ALL`: every
/// column).
fn gather_keys<const ALL: bool>(n: usize, ws: &mut Workspace) {
    let w = &ws.weights;
    for i in 0..n {
        if ws.active_stake[i].pos() {
            let (a, b) = (w.ptr[i], w.ptr[i + 1]);
            for (&j, &v) in w.col[a..b].iter().zip(&w.val[a..b]) {
                if v.pos() && (ALL || ws.col_need[j as usize]) {
                    let f = &mut ws.col_fill[j as usize];
                    ws.col_keys[*f] = (v.to_bits() as u64) << 16 | i as u64;
                    *f += 1;
                }
            }
        }
    }
}

/// Whether a column's consensus is 0 from its counts alone ([`settle`]'s cases that need no
/// key): no key, or unlisted zeros whose stake exceeds the minority.
#[inline(always)]
fn zero_without_keys(
    count: usize,
    k: usize,
    listed: i64,
    (stake_sum, minority): (i64, i64),
) -> bool {
    count == 0 || count < k && stake_sum.wrapping_sub(listed) > minority
}

/// What a column decides before any selection (§2.6, `weighted_median_sorted` with the
/// unlisted zeros first), from its `count` keys of listed stake `listed`, `k` participating
/// rows, and the consensus stake's sum and minority: `Ok(consensus)` when it is known (0 when
/// the zeros' stake exceeds the minority or there is no key, the top score when the listed
/// stake does not exceed the rest of the minority), else `Err(m)`, the stake the selection
/// among the keys must exceed.
fn settle(
    count: usize,
    k: usize,
    listed: i64,
    (stake_sum, minority): (i64, i64),
    top: impl FnOnce() -> i64,
) -> core::result::Result<i64, i64> {
    if zero_without_keys(count, k, listed, (stake_sum, minority)) {
        return Ok(0);
    }
    let mut m = minority;
    if count < k {
        m = minority - stake_sum.wrapping_sub(listed);
    }
    if listed > m {
        Err(m)
    } else {
        Ok(top())
    }
}

/// Per column, taken while the weights are built: the count of consensus keys (positive
/// weights of participating rows), their listed stake and (for [`consensus_by_rows`]) their
/// top score.
#[derive(Debug, Clone, Copy, Default)]
struct ColStat {
    count: usize,
    listed: i64,
    hi: u64,
}

/// Per column of [`consensus_by_rows`]: the bucket shift, and the crossing bucket (or
/// [`SETTLED`], [`ALL`]).
#[derive(Debug, Clone, Copy, Default)]
struct ColSel {
    shift: u32,
    star: u64,
}

/// The weights hold at least this many entries per column on average when [`consensus`]
/// goes by rows ([`consensus_by_rows`]) rather than by column (callgrind: by rows costs
/// more at 16 keys per column, and 4 % less of the whole epoch at 64).
const ROWWISE: usize = 32;

/// A column of [`consensus_by_rows`] whose consensus is known without selecting.
const SETTLED: u64 = u64::MAX;
/// A column of [`consensus_by_rows`] that selects among all its keys (m < 0).
const ALL: u64 = u64::MAX - 1;

/// [`consensus`] for columns holding many keys, without transposing the weights: two
/// passes over the participating rows (A_i > 0) in place of a transposition and a
/// bucketing per column.
///
/// 1. Per column, the count of keys, the listed stake and the top score (all three taken
///    while the weights were built); from them the columns settled at once, as in
///    [`consensus`]: zero when the unlisted zeros' stake exceeds the minority, the top score
///    when the listed stake does not, and else the stake `m` the selection must exceed.
/// 2. A stake histogram of each open column over [`BUCKETS`] buckets of its scores,
///    `b(s) = s >> shift` (`shift` the least with `top >> shift < BUCKETS`: monotone, so
///    every score of a bucket lies between those of the buckets around it); the crossing
///    bucket b* is the first where the cumulative stake exceeds m. (With m < 0 every key
///    qualifies: all are candidates.)
/// 3. The keys of each column's b* (in row order, into the column's slot of `col_keys`),
///    and [`select`] among them with m less the stake below b*: the same value as
///    selecting over the whole column, since the sums are exact.
fn consensus_by_rows(n: usize, stake_sum: i64, minority: i64, k: usize, ws: &mut Workspace) {
    let w = &ws.weights;
    ws.consensus.clear();
    ws.col_sel.clear();
    ws.col_m.clear();
    fit(&mut ws.col_hist, n, [0; BUCKETS]);
    for j in 0..n {
        let ColStat { count, listed, hi } = ws.col_stat[j];
        let settled = settle(count, k, listed, (stake_sum, minority), || hi as i64);
        ws.consensus.push(I32F32::from_bits(settled.unwrap_or(0)));
        let m = settled.err().unwrap_or(0);
        ws.col_m.push(m);
        ws.col_sel.push(if settled.is_ok() {
            ColSel {
                shift: 0,
                star: SETTLED,
            }
        } else if m < 0 {
            // Any key's stake exceeds m: the answer is the least score, which may lie in
            // no histogram's first non-empty bucket with stake. Every key is a candidate.
            ColSel {
                shift: 63,
                star: ALL,
            }
        } else {
            ws.col_hist[j] = [0; BUCKETS];
            let bits = 64 - hi.leading_zeros();
            ColSel {
                shift: bits.saturating_sub(BUCKETS.trailing_zeros()),
                star: 0,
            }
        });
    }
    // 2. Histograms of the open columns (a settled column's histogram is never read: its
    //    updates land in it harmlessly, with no branch on the column).
    let (sel, hist) = (&mut ws.col_sel[..n], &mut ws.col_hist[..n]);
    for i in 0..n {
        if ws.active_stake[i].pos() {
            let u = ws.use_stake[i].to_bits();
            let (a, b) = (w.ptr[i], w.ptr[i + 1]);
            for (&j, &v) in w.col[a..b].iter().zip(&w.val[a..b]) {
                let ju = j as usize;
                let bk = (v.to_bits() as u64 >> sel[ju].shift) as usize % BUCKETS;
                let h = &mut hist[ju][bk];
                *h = h.wrapping_add(u & -(v.pos() as i64));
            }
        }
    }
    for ((c, h), m) in sel.iter_mut().zip(hist.iter()).zip(ws.col_m.iter_mut()) {
        if c.star == SETTLED {
            continue;
        }
        if c.star == ALL {
            // Shift 63: every score is in bucket 0.
            c.star = 0;
            continue;
        }
        let mut below = 0i64;
        c.star = BUCKETS as u64 - 1;
        for (b, &x) in h.iter().enumerate() {
            if below + x > *m {
                c.star = b as u64;
                break;
            }
            below += x;
        }
        *m -= below;
    }
    // 3. The crossing buckets' keys, then the selections.
    ws.col_fill.clear();
    ws.col_fill.extend_from_slice(&ws.col_ptr[..n]);
    fit(&mut ws.col_keys, ws.col_ptr[n], 0);
    let sel = &ws.col_sel[..n];
    for i in 0..n {
        if ws.active_stake[i].pos() {
            let (a, b) = (w.ptr[i], w.ptr[i + 1]);
            for (&j, &v) in w.col[a..b].iter().zip(&w.val[a..b]) {
                let ju = j as usize;
                let s = v.to_bits() as u64;
                let c = sel[ju];
                // About one key in [`BUCKETS`] is a hit: the branch is well predicted.
                if v.pos() && s >> c.shift == c.star {
                    let f = &mut ws.col_fill[ju];
                    ws.col_keys[*f] = s << 16 | i as u64;
                    *f += 1;
                }
            }
        }
    }
    for (j, c) in sel.iter().enumerate() {
        if c.star == SETTLED {
            continue;
        }
        let keys = &mut ws.col_keys[ws.col_ptr[j]..ws.col_fill[j]];
        let v = select(keys, &mut ws.select_buf, &ws.use_stake, ws.col_m[j]);
        ws.consensus[j] = I32F32::from_bits(v);
    }
}

/// The smallest score `s = key >> 16` with `Σ stake[row] over keys with score ≤ s > m` (rows
/// `key & 0xffff`), given that the stake of all keys exceeds m: a three-way quickselect. The
/// sums are exact (stakes are ≤ 1 each, at most 2¹⁶ of them), so the result does not depend
/// on the pivots: it is [`weighted_median_sorted`]'s value.
///
/// [`weighted_median_sorted`]: crate::math::fixed::median::weighted_median_sorted
fn select(keys: &mut [u64], scratch: &mut Vec<u64>, stake: &[I32F32], mut m: i64) -> i64 {
    let st = |k: u64| stake[(k & 0xffff) as usize].to_bits();
    if scratch.len() < keys.len() {
        scratch.resize(keys.len(), 0);
    }
    if keys.len() > DIRECT && keys.len() <= SORTED {
        // A short column: sorted (by score, then row), the answer is the score of the key
        // at which the running stake first exceeds m.
        keys.sort_unstable();
        let mut cum = 0i64;
        for &key in keys.iter() {
            cum += st(key);
            if cum > m {
                return (key >> 16) as i64;
            }
        }
        return (keys[keys.len() - 1] >> 16) as i64;
    }
    let keys = if keys.len() > DIRECT {
        match bucket(keys, stake, m) {
            Ok(s) => return s,
            Err((len, below)) => {
                m -= below;
                &mut keys[..len]
            }
        }
    } else {
        keys
    };
    // Each round partitions `src` into `dst` without branches: keys below the pivot from the
    // front, keys above it from the back (a slot is claimed only when its counter advances).
    let (mut src, mut dst): (&mut [u64], &mut [u64]) = (keys, &mut scratch[..]);
    loop {
        let len = src.len();
        if len <= DIRECT {
            return select_direct(src, stake, m);
        }
        let (x, y, z) = (src[0] >> 16, src[len / 2] >> 16, src[len - 1] >> 16);
        let p = x.max(y).min(x.min(y).max(z));
        let out = &mut dst[..len];
        let (mut lo, mut hi) = (0usize, 0usize);
        let (mut slt, mut seq) = (0i64, 0i64);
        for &key in src.iter() {
            let sc = key >> 16;
            let (lt, gt) = (sc < p, sc > p);
            let w = st(key);
            out[lo] = key;
            out[len - 1 - hi] = key;
            slt += w & -(lt as i64);
            seq += w & -((!lt & !gt) as i64);
            lo += lt as usize;
            hi += gt as usize;
        }
        let (below, rest) = out.split_at_mut(lo);
        if lo > 0 && slt > m {
            dst = src;
            src = below;
        } else if slt + seq > m {
            return p as i64;
        } else {
            m -= slt + seq;
            let start = rest.len() - hi;
            dst = src;
            src = &mut rest[start..];
        }
    }
}

/// Buckets of [`bucket`]'s pre-pass.
const BUCKETS: usize = 32;

/// A pre-pass of [`select`] for columns of more than [`DIRECT`] keys: one histogram of stake
/// over [`BUCKETS`] buckets of scores, `b(s) = (s − min) >> shift` (non-decreasing in s, so a
/// bucket's scores all lie between those of the buckets around it), finds the bucket b* where
/// the cumulative stake first exceeds m; the answer is a score of b*, the one found by
/// selecting among b*'s keys with `m − Σ stake below b*`. Those keys are moved to the front
/// of `keys` (branch-free, in order): returns `Err((count, stake below b*))`, or `Ok(score)`
/// when all scores are equal (the total stake exceeds m, so the answer is that score).
fn bucket(keys: &mut [u64], stake: &[I32F32], m: i64) -> core::result::Result<i64, (usize, i64)> {
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    for &key in keys.iter() {
        lo = lo.min(key >> 16);
        hi = hi.max(key >> 16);
    }
    let range = hi - lo;
    if range == 0 {
        return Ok(lo as i64);
    }
    // The least shift with `range >> shift < BUCKETS`.
    let bits = 64 - range.leading_zeros();
    let shift = bits.saturating_sub(BUCKETS.trailing_zeros());
    let b = |key: u64| ((key >> 16) - lo) >> shift;
    let mut hist = [0i64; BUCKETS];
    for &key in keys.iter() {
        hist[b(key) as usize % BUCKETS] += stake[(key & 0xffff) as usize].to_bits();
    }
    let mut below = 0i64;
    let mut star = BUCKETS as u64 - 1;
    for (k, &h) in hist.iter().enumerate() {
        if below + h > m {
            star = k as u64;
            break;
        }
        below += h;
    }
    let mut len = 0usize;
    for r in 0..keys.len() {
        let key = keys[r];
        keys[len] = key;
        len += (b(key) == star) as usize;
    }
    Err((len, below))
}

/// Columns of more than [`DIRECT`] and at most this many keys are sorted (no bucket
/// pre-pass or quickselect). Natively `sort_unstable`'s branch-free small-sort makes that the
/// fastest road; in the wasm, built for size, it is an insertion sort that calls its
/// comparison at every step, and the quickselect is faster (the world bench in wasm took
/// 367 ms with the sort, 347 ms without), so there no column is sorted.
const SORTED: usize = if cfg!(target_arch = "wasm32") {
    DIRECT
} else {
    32
};

/// Columns of at most this many keys are selected by [`select_direct`].
const DIRECT: usize = 8;

/// [`select`] for a short column, without branches on the data: for each key, the stake of
/// the keys scoring at most its score; the answer is the least score whose stake exceeds m
/// (the largest score when none does).
fn select_direct(keys: &[u64], stake: &[I32F32], m: i64) -> i64 {
    let len = keys.len();
    let mut sc = [0i64; DIRECT];
    let mut st = [0i64; DIRECT];
    for (k, &key) in keys.iter().enumerate() {
        sc[k] = (key >> 16) as i64;
        st[k] = stake[(key & 0xffff) as usize].to_bits();
    }
    let (sc, st) = (&sc[..len], &st[..len]);
    let mut best = i64::MAX;
    let mut top = 0i64;
    for &s in sc {
        let cum: i64 = sc
            .iter()
            .zip(st)
            .map(|(&t, &w)| w & -((t <= s) as i64))
            .sum();
        if cum > m && s < best {
            best = s;
        }
        top = top.max(s);
    }
    if best == i64::MAX {
        top
    } else {
        best
    }
}

/// Wb for β ≠ 1 (the clip builds Wb = Wc itself): β = 0 → W, otherwise per row
/// `W + β·(Wc − W)` over the row's columns in column order, keeping values > 0.
fn bond_weights(n: usize, beta: I32F32, ws: &mut Workspace) {
    let w = &ws.weights;
    let wb = &mut ws.wb;
    wb.clear();
    if beta == ZERO {
        wb.col.extend_from_slice(&w.col);
        wb.val.extend_from_slice(&w.val);
        wb.ptr.extend_from_slice(&w.ptr[1..]);
        return;
    }
    // β = 1 (Wb = Wc) is built by the clip itself; `clipped` is kept for the others only.
    debug_assert!(beta != ONE && ws.clipped.len() == w.val.len());
    for i in 0..n {
        let (a, b) = (w.ptr[i], w.ptr[i + 1]);
        ws.row.row_cols.clear();
        for (k, &j) in w.col[a..b].iter().enumerate() {
            ws.row.row_cols.push((j, (a + k) as u32));
        }
        ws.row.row_cols.sort_unstable_by_key(|e| e.0);
        for &(j, e) in &ws.row.row_cols {
            let v1 = w.val[e as usize];
            let c = ws.clipped[e as usize];
            let v2 = if c == ABSENT { ZERO } else { c };
            let v = v1.sadd(beta.smul(v2.saturating_sub(v1)));
            if v.pos() {
                wb.push(j, v);
            }
        }
        wb.end_row();
    }
}

/// `mat_ema_sparse(new, B, α)` with `new` = (`ptr`, `col`, `val`): per row
/// `α·new + (1−α)·B` over the union of columns, column order, values > 0, into `ws.ema`, with
/// its column sums (saturating) into `ws.sums`. With `colnorm`, `new` and B are first
/// column-normalised, entry by entry, through `ws.recips` and `ws.recips_b`. With α ∈ [0, 1]
/// every term and sum is bounded (each normalised value is at most 1), so the products need
/// no saturation ([`FastOps::umul`]) and the sums no overflow check.
fn ema_constant(n: usize, m: (&[usize], &[u16], &[I32F32]), ws: &mut Workspace, colnorm: bool) {
    let alpha = ws.alpha;
    let one_minus = ONE.saturating_sub(alpha);
    // Taken out of `ws` while the rows are written (put back below).
    let (rnv, rbv) = (
        core::mem::take(&mut ws.recips),
        core::mem::take(&mut ws.recips_b),
    );
    let (rn, rb) = (&rnv[..], &rbv[..]);
    match (colnorm, bounded(alpha)) {
        (true, true) => ema_constant_with::<true>(
            n,
            m,
            ws,
            |j, x| alpha.umul(rn[j].div_nonzero(x)),
            |j, x| one_minus.umul(rb[j].div_nonzero(x)),
        ),
        (true, false) => ema_constant_with::<false>(
            n,
            m,
            ws,
            |j, x| alpha.smul(rn[j].div_nonzero(x)),
            |j, x| one_minus.smul(rb[j].div_nonzero(x)),
        ),
        (false, true) => {
            ema_constant_with::<true>(n, m, ws, |_, x| alpha.umul(x), |_, x| one_minus.umul(x))
        }
        (false, false) => {
            ema_constant_with::<false>(n, m, ws, |_, x| alpha.smul(x), |_, x| one_minus.smul(x))
        }
    }
    ws.recips = rnv;
    ws.recips_b = rbv;
}

/// α ∈ [0, 1]: the EMA's terms and sums cannot saturate.
fn bounded(alpha: I32F32) -> bool {
    ZERO <= alpha && alpha <= ONE
}

fn ema_constant_with<const WRAP: bool>(
    n: usize,
    m: (&[usize], &[u16], &[I32F32]),
    ws: &mut Workspace,
    tn: impl Fn(usize, I32F32) -> I32F32,
    to: impl Fn(usize, I32F32) -> I32F32,
) {
    let bonds = core::mem::take(&mut ws.bonds);
    let old = |i: usize| {
        let (ba, bb) = (bonds.ptr[i], bonds.ptr[i + 1]);
        (&bonds.col[ba..bb], &bonds.val[ba..bb])
    };
    ema_rows::<WRAP, _>(n, m, (old, bonds.val.len()), ws, tn, to);
    ws.bonds = bonds;
}

/// The EMA's rows: row i of `m` (new) and `old(i)`, the old rows having `old_len` entries
/// in all.
fn ema_rows<const WRAP: bool, O: OldRow>(
    n: usize,
    (ptr, col, val): (&[usize], &[u16], &[I32F32]),
    (old, old_len): (impl Fn(usize) -> O, usize),
    ws: &mut Workspace,
    tn: impl Fn(usize, I32F32) -> I32F32,
    to: impl Fn(usize, O::V) -> I32F32,
) {
    // Each output entry comes from at least one input entry: `cap` bounds the rows, and one
    // spare slot takes the writes of entries that are not kept.
    let cap = val.len() + old_len;
    let mut ema = core::mem::take(&mut ws.ema);
    let mut out = EmaOut::<WRAP>::start(&mut ema, cap, &mut ws.sums, n);
    let s = &mut ws.row;
    for i in 0..n {
        let (a, b) = (ptr[i], ptr[i + 1]);
        let o = old(i);
        if a == b && o.len() == 0 {
            out.end_row();
            continue;
        }
        ema_row(n, (&col[a..b], &val[a..b]), o, &tn, &to, s, &mut out);
        out.end_row();
    }
    // `col`/`val` keep their spare slots past `ptr[n]` (no refill next epoch).
    ws.ema = ema;
}

/// Row scratch: the EMA's ([`ema_row`]) and the liquid-alpha walk's.
#[derive(Debug, Clone, Default)]
struct RowScratch {
    /// n entries kept at zero between rows (dense rows of the EMA).
    dense: Vec<I32F32>,
    /// One bit per column, kept at zero between rows: the columns of a mid-density row
    /// that `dense` holds ([`EmaOut::put_marked`]).
    bits: Vec<u64>,
    acc: Vec<I32F32>,
    mark: Vec<u32>,
    stamp: u32,
    row_cols: Vec<(u16, u32)>,
}

impl RowScratch {
    fn next_stamp(&mut self) -> u32 {
        next_stamp(&mut self.stamp, &mut self.mark)
    }
}

/// The old (bond) entries of one EMA row: the workspace's masked bonds (`(col, val)`
/// slices of equal length) or, for classic bonds whose masked columns divide to 0, the
/// stored u16 row itself.
trait OldRow: Copy {
    type V: Copy;
    fn len(self) -> usize;
    fn col(self, k: usize) -> u16;
    fn val(self, k: usize) -> Self::V;
    fn ascending(self) -> bool;
    /// Calls `f(j, v)` for each entry in order.
    fn each(self, f: impl FnMut(u16, Self::V));
}

impl OldRow for (&[u16], &[I32F32]) {
    type V = I32F32;
    #[inline(always)]
    fn len(self) -> usize {
        self.0.len()
    }
    #[inline(always)]
    fn col(self, k: usize) -> u16 {
        self.0[k]
    }
    #[inline(always)]
    fn val(self, k: usize) -> I32F32 {
        self.1[k]
    }
    #[inline(always)]
    fn ascending(self) -> bool {
        ascending(self.0)
    }
    #[inline(always)]
    fn each(self, mut f: impl FnMut(u16, I32F32)) {
        for (&j, &v) in self.0.iter().zip(self.1) {
            f(j, v);
        }
    }
}

impl OldRow for &[(u16, u16)] {
    type V = u16;
    #[inline(always)]
    fn len(self) -> usize {
        <[(u16, u16)]>::len(self)
    }
    #[inline(always)]
    fn col(self, k: usize) -> u16 {
        self[k].0
    }
    #[inline(always)]
    fn val(self, k: usize) -> u16 {
        self[k].1
    }
    #[inline(always)]
    fn ascending(self) -> bool {
        self.windows(2).all(|w| w[0].0 < w[1].0)
    }
    #[inline(always)]
    fn each(self, mut f: impl FnMut(u16, u16)) {
        for &(j, v) in self {
            f(j, v);
        }
    }
}

/// One row of the EMA: per column, the new term `tn(j, v)` and then the old one `to(j, b)`,
/// added over the union of the columns of `new` and `old` and written through `out` in
/// column order. An old term of 0 adds nothing (and alone is not kept).
fn ema_row<const WRAP: bool, O: OldRow>(
    n: usize,
    (col, val): (&[u16], &[I32F32]),
    old: O,
    tn: impl Fn(usize, I32F32) -> I32F32,
    to: impl Fn(usize, O::V) -> I32F32,
    s: &mut RowScratch,
    out: &mut EmaOut<WRAP>,
) {
    let bl = old.len();
    if col.len() + bl >= n / DENSE_ROW {
        // A dense row: accumulate it over all n columns (new terms first, as the chain
        // does), then keep the positive values in column order, zeroing the buffer.
        // The new terms are stored, not added: the buffer is zero and a row's columns are
        // unique (the weights refuse duplicates), and `0 + t = t` saturating or not.
        let acc = &mut s.dense[..n];
        if col.len() + bl < n / MARKED_ROW {
            let mut marks = Marks::new(&mut s.bits);
            for (&j, &v) in col.iter().zip(val) {
                let ju = j as usize;
                acc[ju] = tn(ju, v);
                marks.mark(ju);
            }
            old.each(|j, v| {
                let ju = j as usize;
                acc[ju] = add::<WRAP>(acc[ju], to(ju, v));
                marks.mark(ju);
            });
            out.put_marked(acc, marks.finish());
            return;
        }
        for (&j, &v) in col.iter().zip(val) {
            let ju = j as usize;
            acc[ju] = tn(ju, v);
        }
        old.each(|j, v| {
            let ju = j as usize;
            acc[ju] = add::<WRAP>(acc[ju], to(ju, v));
        });
        out.put_dense(acc);
    } else if ascending(col) && old.ascending() {
        // Both rows in column order: a merge gives the densified row's non-zeros directly.
        let b = col.len();
        let (mut p, mut q) = (0, 0);
        while p < b && q < bl {
            let (jp, jq) = (col[p], old.col(q));
            let (j, v) = if jp < jq {
                p += 1;
                (jp, tn(jp as usize, val[p - 1]))
            } else if jq < jp {
                q += 1;
                (jq, to(jq as usize, old.val(q - 1)))
            } else {
                p += 1;
                q += 1;
                let t = tn(jp as usize, val[p - 1]);
                (jp, add::<WRAP>(t, to(jq as usize, old.val(q - 1))))
            };
            out.put(j, v);
        }
        for (&j, &x) in col[p..].iter().zip(&val[p..]) {
            out.put(j, tn(j as usize, x));
        }
        for k in q..bl {
            let j = old.col(k);
            out.put(j, to(j as usize, old.val(k)));
        }
    } else {
        let stamp = s.next_stamp();
        s.row_cols.clear();
        let mut term = |j: u16, t: I32F32| {
            let ju = j as usize;
            if s.mark[ju] != stamp {
                s.mark[ju] = stamp;
                s.acc[ju] = ZERO;
                s.row_cols.push((j, 0));
            }
            s.acc[ju] = add::<WRAP>(s.acc[ju], t);
        };
        for (&j, &v) in col.iter().zip(val) {
            term(j, tn(j as usize, v));
        }
        old.each(|j, v| term(j, to(j as usize, v)));
        s.row_cols.sort_unstable_by_key(|e| e.0);
        for &(j, _) in s.row_cols.iter() {
            out.put(j, s.acc[j as usize]);
        }
    }
}

/// `sadd`, or (`WRAP`, where the operands are bounded and cannot overflow) a plain add.
#[inline(always)]
fn add<const WRAP: bool>(x: I32F32, y: I32F32) -> I32F32 {
    if WRAP {
        I32F32::from_bits(x.to_bits().wrapping_add(y.to_bits()))
    } else {
        x.sadd(y)
    }
}

/// The EMA's rows as they are written: an entry is kept when positive (without a branch: a
/// dropped entry's slot is overwritten), and its column sum taken (`WRAP`: without the
/// saturation check, the values being bounded).
struct EmaOut<'a, const WRAP: bool> {
    ptr: &'a mut Vec<usize>,
    col: &'a mut [u16],
    val: &'a mut [I32F32],
    sums: &'a mut [I32F32],
    k: usize,
}

impl<'a, const WRAP: bool> EmaOut<'a, WRAP> {
    /// Starts writing `ema` for at most `cap` entries, zeroing `sums` (cut to `n`, as the
    /// other per-column slices: one bounds test per column index serves them all).
    fn start(ema: &'a mut Csr, cap: usize, sums: &'a mut [I32F32], n: usize) -> Self {
        let sums = &mut sums[..n];
        ema.ptr.clear();
        ema.ptr.push(0);
        if ema.col.len() <= cap {
            ema.col.resize(cap + 1, 0);
        }
        if ema.val.len() <= cap {
            ema.val.resize(cap + 1, ZERO);
        }
        sums.fill(ZERO);
        EmaOut {
            ptr: &mut ema.ptr,
            col: &mut ema.col,
            val: &mut ema.val,
            sums,
            k: 0,
        }
    }
    #[inline(always)]
    fn put(&mut self, j: u16, v: I32F32) {
        let keep = v.pos();
        self.col[self.k] = j;
        self.val[self.k] = v;
        self.k += keep as usize;
        let s = &mut self.sums[j as usize];
        *s = add::<WRAP>(*s, if keep { v } else { ZERO });
    }
    /// Puts a dense row (all n columns in order), leaving it zeroed.
    #[inline(always)]
    fn put_dense(&mut self, acc: &mut [I32F32]) {
        if WRAP {
            // Bounded terms are never negative: every value adds to its sum (a separate,
            // vectorisable pass), and the row is compacted without the per-entry sum.
            for (s, x) in self.sums.iter_mut().zip(acc.iter()) {
                *s = add::<true>(*s, *x);
            }
            let (col, val) = (&mut *self.col, &mut *self.val);
            let mut k = self.k;
            for (j, x) in acc.iter_mut().enumerate() {
                let v = core::mem::replace(x, ZERO);
                col[k] = j as u16;
                val[k] = v;
                k += v.pos() as usize;
            }
            self.k = k;
        } else {
            for (j, x) in acc.iter_mut().enumerate() {
                self.put(j as u16, core::mem::replace(x, ZERO));
            }
        }
    }
    /// Puts the columns of `acc` marked in `bits` (all its other entries being zero), in
    /// column order, leaving them zeroed and the bits cleared: the same entries and sums as
    /// [`EmaOut::put_dense`], in time proportional to the marked columns.
    #[inline(always)]
    fn put_marked(&mut self, acc: &mut [I32F32], bits: &mut [u64]) {
        for (w, b) in bits.iter_mut().enumerate() {
            let mut m = core::mem::take(b);
            while m != 0 {
                let j = w * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                self.put(j as u16, core::mem::replace(&mut acc[j], ZERO));
            }
        }
    }
    fn end_row(&mut self) {
        self.ptr.push(self.k);
    }
}

/// Marks columns in a row's bitmap, one word at a time in a register: columns come mostly in
/// order, and an `|=` into memory per column would chain each entry to the previous one
/// through the same word (a store-to-load round trip per entry).
struct Marks<'a> {
    bits: &'a mut [u64],
    word: usize,
    cur: u64,
}

impl<'a> Marks<'a> {
    #[inline(always)]
    fn new(bits: &'a mut [u64]) -> Self {
        Marks {
            bits,
            word: 0,
            cur: 0,
        }
    }
    /// Marks column j.
    #[inline(always)]
    fn mark(&mut self, j: usize) {
        let w = j >> 6;
        if w != self.word {
            self.bits[self.word] |= self.cur;
            self.word = w;
            self.cur = 0;
        }
        self.cur |= 1 << (j & 63);
    }
    /// The bitmap with every mark written.
    #[inline(always)]
    fn finish(self) -> &'a mut [u64] {
        self.bits[self.word] |= self.cur;
        self.bits
    }
}

/// A dense-path row with fewer than n / `MARKED_ROW` entries (new and old together) takes
/// [`EmaOut::put_marked`] rather than a scan of all n columns. (The marking loops are
/// written out apart from the unmarked ones: a flag tested per entry costs 2–3 % of the
/// epoch, the compiler not splitting the loops.)
const MARKED_ROW: usize = 2;

/// A row of the EMA with at least `n / DENSE_ROW` entries (new and old together) is
/// accumulated densely rather than merged.
const DENSE_ROW: usize = 4;

/// One [`Recip`] per column sum.
fn set_recips(sums: &[I32F32], out: &mut Vec<Recip>) {
    out.clear();
    out.extend(sums.iter().map(|&s| Recip::new(s)));
}

/// One [`Div32`] per column sum (at most 1): a zero sum (whose column's entries are all 0)
/// as one bit, so that `quot(0) = 0`.
fn set_divs(sums: &[I32F32], out: &mut Vec<Div32>) {
    out.clear();
    out.extend(
        sums.iter()
            .map(|&s| Div32::new(if s.is_zero() { I32F32::from_bits(1) } else { s })),
    );
}

fn ascending(c: &[u16]) -> bool {
    c.windows(2).all(|w| w[0] < w[1])
}

/// Yuma3 with liquid alpha: α_ij = alpha_sigmoid(C_j, w, b) with w and b found by the chain's
/// peeking walk (§6.5), then `mat_ema_alpha_sparse` (only Wb's columns survive, Wb's order).
fn ema_liquid(input: &ChainInput, wb: &Csr, ws: &mut Workspace) {
    let n = input.n;
    let (lo, hi, steep) = liquid_params(input);
    // α at distance 0 (a weight at least its bond and at most its consensus), computed once.
    let alpha0 = alpha_of_diff(ZERO, lo, hi, steep);
    ws.ema.clear();
    for i in 0..n {
        let (a, b) = (wb.ptr[i], wb.ptr[i + 1]);
        if a == b {
            ws.ema.end_row();
            continue;
        }
        let stamp = ws.row.next_stamp();
        // Queries in column order, walking both rows with the chain's cursors.
        ws.row.row_cols.clear();
        for k in a..b {
            ws.row.row_cols.push((wb.col[k], k as u32));
        }
        ws.row.row_cols.sort_unstable_by_key(|e| e.0);
        let (ba, bb) = (ws.bonds.ptr[i], ws.bonds.ptr[i + 1]);
        let (mut wp, mut bp) = (a, ba);
        for &(j, _) in &ws.row.row_cols {
            let ju = j as usize;
            let wv = walk(&wb.col[..b], &wb.val[..b], &mut wp, ju);
            let bv = walk(&ws.bonds.col[..bb], &ws.bonds.val[..bb], &mut bp, ju);
            let diff = liquid_diff(ws.consensus[ju], wv, bv);
            ws.row.acc[ju] = if diff.is_zero() {
                alpha0
            } else {
                alpha_of_diff(diff, lo, hi, steep)
            };
            ws.acc2[ju] = ZERO;
            ws.row.mark[ju] = stamp;
        }
        for k in ba..bb {
            let ju = ws.bonds.col[k] as usize;
            if ws.row.mark[ju] == stamp {
                ws.acc2[ju] = ONE.saturating_sub(ws.row.acc[ju]).smul(ws.bonds.val[k]);
            }
        }
        for k in a..b {
            let j = wb.col[k];
            let ju = j as usize;
            let al = ws.row.acc[ju];
            let v = ws.acc2[ju].sadd(al.smul(wb.val[k]).max(ZERO)).min(ONE);
            if v.pos() {
                ws.ema.push(j, v);
                ws.alphas.push((i as u32, j, al));
            }
        }
        ws.ema.end_row();
    }
}

/// Liquid alpha's `(α_low, α_high, steepness)` in I32F32.
pub(crate) fn liquid_params(input: &ChainInput) -> (I32F32, I32F32, I32F32) {
    (
        u16_proportion_to_fixed(input.alpha_low),
        u16_proportion_to_fixed(input.alpha_high),
        I32F32::saturating_from_num(input.alpha_sigmoid_steepness),
    )
}

/// The chain's peeking cursor over `col/val[pos..]`: skip columns < j, read j if next.
fn walk(col: &[u16], val: &[I32F32], pos: &mut usize, j: usize) -> I32F32 {
    while let Some(&c) = col.get(*pos) {
        if (c as usize) < j {
            *pos += 1;
        } else {
            return if c as usize == j { val[*pos] } else { ZERO };
        }
    }
    ZERO
}

/// [`fixed_proportion_to_u16`] without the 128-bit product where `0 ≤ x ≤ 2`:
/// `floor(bits·65535 / 2³²)`, at most 65535.
#[inline]
fn to_u16(x: I32F32) -> u16 {
    let b = x.to_bits();
    if b <= 0 {
        0
    } else if b <= 1 << 33 {
        ((b as u64 * 65535) >> 32).min(65535) as u16
    } else {
        fixed_proportion_to_u16(x)
    }
}

/// [`to_rao`] without the wide I96F32 product where the emission is below 2⁶³ (so that
/// `I96F32(rao)` is exact, bits `rao·2³²`): the product's bits are then `x_bits·rao` (exact,
/// below 2¹²⁶), and the floor to rao is `⌊x_bits·rao / 2³²⌋`, saturated to `[0, u64::MAX]`.
#[inline]
fn to_rao_fast(x: I32F32, rao_u64: u64, rao: I96F32) -> u64 {
    let b = x.to_bits();
    if rao_u64 >= 1 << 63 {
        to_rao(x, rao)
    } else if b <= 0 {
        0
    } else {
        (mul_64(b as u64, rao_u64) >> 32).min(u64::MAX as u128) as u64
    }
}

/// The emission split in rao of an epoch already computed into `ws` (by [`epoch_with`] on an
/// input that differs from `input` at most in `rao_emission`): rewrites `server_emission`,
/// `validator_emission` and `emission` of `out` for `input.rao_emission`. Nothing else of an
/// epoch depends on the emission, so an epoch computed ahead of its block can be paid with
/// the emission pending when the block comes.
pub fn write_emission(input: &ChainInput, ws: &Workspace, out: &mut ChainOutput) {
    write_emission_terms(input, EmissionTerms::of(ws), out);
}

/// What the emission split reads of an epoch: incentive, dividends, and (for an epoch that
/// pays neither) the active and normalised stake. Borrowed from a [`Workspace`]
/// ([`EmissionTerms::of`]), or kept apart from it, so that the workspace can be reused.
#[derive(Debug, Clone, Copy)]
pub struct EmissionTerms<'a> {
    /// Incentive I.
    pub incentive: &'a [I32F32],
    /// Dividends D.
    pub dividends: &'a [I32F32],
    /// Active stake A.
    pub active_stake: &'a [I32F32],
    /// Normalised stake S.
    pub stake: &'a [I32F32],
}

impl<'a> EmissionTerms<'a> {
    /// The terms of the epoch last computed into `ws`.
    pub fn of(ws: &'a Workspace) -> EmissionTerms<'a> {
        EmissionTerms {
            incentive: &ws.incentive,
            dividends: &ws.dividends,
            active_stake: &ws.active_stake,
            stake: &ws.stake,
        }
    }
}

/// [`write_emission`] from the terms alone.
pub fn write_emission_terms(input: &ChainInput, t: EmissionTerms<'_>, out: &mut ChainOutput) {
    let n = input.n;
    let (inc, div) = (t.incentive, t.dividends);
    let mut esum = 0i64;
    for i in 0..n {
        esum = esum.wrapping_add(inc[i].sadd(div[i]).to_bits());
    }
    let esum = I32F32::from_bits(esum);
    let fallback = if esum == ZERO {
        Some(if sum(t.active_stake) == ZERO {
            t.stake
        } else {
            t.active_stake
        })
    } else {
        None
    };
    let rao = I96F32::saturating_from_num(input.rao_emission);
    let to_rao = |x: I32F32| to_rao_fast(x, input.rao_emission, rao);
    // x / Σ(I + D) (x itself when the sum is 0), the divisor prepared once; a zero term pays
    // 0, so a UID that is only a server or only a validator takes one division.
    let re = Recip::new(esum);
    let split = |x: I32F32| {
        if x.is_zero() {
            0
        } else {
            to_rao(re.div_nonzero(x))
        }
    };
    // Written in place (no per-UID push).
    for v in [
        &mut out.server_emission,
        &mut out.validator_emission,
        &mut out.emission,
    ] {
        v.clear();
        v.resize(n, 0);
    }
    let rows = out
        .server_emission
        .iter_mut()
        .zip(out.validator_emission.iter_mut())
        .zip(out.emission.iter_mut())
        .zip(inc.iter().zip(div));
    for (i, (((se, ve), e), (&a, &d))) in rows.enumerate() {
        let s = split(a);
        *se = s;
        match fallback {
            Some(f) => {
                *ve = to_rao(f[i]);
                *e = *ve;
            }
            None => {
                let v = split(d);
                *ve = v;
                *e = if d.is_zero() {
                    s
                } else if a.is_zero() {
                    v
                } else {
                    split(a.sadd(d))
                };
            }
        }
    }
}

fn write_output(input: &ChainInput, ws: &Workspace, out: &mut ChainOutput) {
    let n = input.n;
    write_emission(input, ws, out);
    let (inc, div) = (&ws.incentive, &ws.dividends);
    let u16s = |dst: &mut Vec<u16>, src: &[I32F32]| {
        dst.clear();
        dst.extend(src.iter().map(|x| to_u16(*x)));
    };
    u16s(&mut out.stake_weight, &ws.stake);
    u16s(&mut out.consensus, &ws.consensus);
    u16s(&mut out.incentive, inc);
    u16s(&mut out.dividends, div);
    u16s(&mut out.validator_trust, &ws.validator_trust);
    out.active.clear();
    out.active.extend(ws.inactive.iter().map(|b| !b));
    out.validator_permit.clear();
    out.validator_permit.extend_from_slice(&ws.permit);
    out.stake.clear();
    out.stake
        .extend(ws.total.iter().map(|s| s.saturating_to_num::<u64>()));
    out.bonds.resize_with(n, Vec::new);
    out.bonds.truncate(n);
    for (i, row) in out.bonds.iter_mut().enumerate() {
        row.clear();
        if ws.permit[i] {
            let (a, b) = (ws.ema.ptr[i], ws.ema.ptr[i + 1]);
            let (cols, vals) = (&ws.ema.col[a..b], &ws.ema.val[a..b]);
            let (r, dv) = (&ws.recips[..], &ws.divs[..n.min(ws.divs.len())]);
            if ws.bounded && input.yuma3_enabled {
                row.extend(cols.iter().zip(vals).map(|(&j, &v)| (j, to_u16_le(v))));
            } else if ws.bounded {
                // Classic bonds' max-upscale: every entry positive and at most its column's
                // maximum.
                row.extend(
                    cols.iter()
                        .zip(vals)
                        .map(|(&j, &v)| (j, to_u16_le(dv[j as usize].quot(v)))),
                );
            } else if input.yuma3_enabled {
                row.extend(cols.iter().zip(vals).map(|(&j, &v)| (j, to_u16(v))));
            } else {
                // Classic bonds: the column max-upscale (recips set by the epoch) first.
                row.extend(
                    cols.iter()
                        .zip(vals)
                        .map(|(&j, &v)| (j, to_u16(r[j as usize].div_nonzero(v)))),
                );
            }
        }
    }
}

/// [`to_u16`] for bits in `[0, 2³³]`: no range tests.
#[inline(always)]
fn to_u16_le(x: I32F32) -> u16 {
    debug_assert!((0..=1 << 33).contains(&x.to_bits()));
    ((x.to_bits() as u64 * 65535) >> 32).min(65535) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `smul`'s unsigned roads give the signed 128-bit product's bits, saturation included.
        #[test]
        fn smul_is_the_saturated_wide_product(x in any::<i64>(), y in any::<i64>(), s in 0u32..64) {
            for (a, b) in [(x, y), (x >> s, y >> s), (x.abs() >> s, y >> 31), (x >> 32, i64::MAX)] {
                let want = ((a as i128 * b as i128) >> 32).clamp(i64::MIN as i128, i64::MAX as i128);
                let got = I32F32::from_bits(a).smul(I32F32::from_bits(b)).to_bits();
                prop_assert_eq!(got as i128, want, "{} * {}", a, b);
            }
        }
    }

    fn check(v: u16, s: u64) {
        let want = safe_div(u16_to_fixed(v), I32F32::from_bits((s << 32) as i64));
        assert_eq!(U16Div::new(s).div(v), want, "{v} / {s}");
    }

    /// Classic bond sums taken as u16 integers give what the chain's saturating I32F32 sums
    /// of `u16_to_fixed` give, saturation included (2³¹ u16 units and more), and masked
    /// columns (registered at or after the last tempo) count nothing.
    #[test]
    fn classic_bond_sums_saturate_as_the_chain() {
        let n = 32_770;
        let mut input = ChainInput::new(n, 10_000, 1);
        input.yuma3_enabled = false;
        for (i, row) in input.bonds.iter_mut().enumerate() {
            row.push((0, u16::MAX));
            row.push((1, (i % 7) as u16));
        }
        input.block_at_registration[1] = 9_999;
        let mut ws = Workspace::default();
        grow(&mut ws.sums, n, ZERO);
        load_bonds(&input, &mut ws, 9_000);
        let mut want = [ZERO; 2];
        for (k, w) in want.iter_mut().enumerate() {
            for row in &input.bonds {
                if 9_000 > input.block_at_registration[k] {
                    *w = w.saturating_add(u16_to_fixed(row[k].1));
                }
            }
        }
        assert_eq!(
            want[0].to_bits(),
            i64::MAX,
            "the test must reach saturation"
        );
        assert_eq!(&ws.sums[..2], &want[..]);
        assert_eq!(
            ws.bonds.val.len(),
            n,
            "the masked column's entries are dropped"
        );
    }

    #[test]
    fn u16_div_edges() {
        let mut sums = alloc::vec![1u64, 3, 65535, 65537, (1 << 30) - 1];
        // Powers of two and their neighbours: where t changes.
        for p in 1..30 {
            sums.extend([(1u64 << p) - 1, 1 << p, (1 << p) + 1]);
        }
        for s in sums {
            for v in [0u64, 1, s / 3, s / 2, s - 1, s] {
                check(v.min(65535) as u16, s);
            }
            check(65535.min(s) as u16, s);
        }
    }

    proptest! {
        #[test]
        fn u16_div_is_safe_div(v in any::<u16>(), extra in 0u64..(1 << 30) - 65536) {
            check(v, v as u64 + extra + (v == 0) as u64);
        }
    }
}
