//! The world's per-tempo epoch: a sparse float Yuma 3 (bonds follow the clipped weights,
//! bond penalty 1, EMA α = 0.1, κ = 32767/65535) over u16 weight rows, allocation-free after
//! warm-up. It returns incentive and dividend *proportions*; the pending alpha is divided by
//! them (spec §8.2), so the emission amounts stay in rao in both arithmetics.

use alloc::vec::Vec;

/// One validator's weight row: target uids and u16 weights, and its bonds (entry-aligned).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeightRow {
    /// Setter uid.
    pub uid: u16,
    /// (target uid, u16 weight), ascending uid.
    pub entries: Vec<(u16, u16)>,
    /// Bond per entry (proportions).
    pub bonds: Vec<f64>,
    /// Block the weights were last set.
    pub set_at: u64,
}

/// Scratch buffers reused across epochs.
#[derive(Debug, Default, Clone)]
pub struct EpochWorkspace {
    active: Vec<f64>,
    order: Vec<usize>,
    col_start: Vec<usize>,
    col_fill: Vec<usize>,
    col_vals: Vec<(f64, f64)>,
    consensus: Vec<f64>,
    row_norm: Vec<f64>,
    col_bond: Vec<f64>,
    /// Incentive per uid (sums to 1 or 0).
    pub incentive: Vec<f64>,
    /// Dividends per uid (sums to 1 or 0).
    pub dividends: Vec<f64>,
}

/// κ as the chain reads its default (`32767/65535`).
pub const KAPPA: f64 = 32_767.0 / 65_535.0;
/// Bonds EMA α for `BondsMovingAverage` 900 000.
pub const BOND_ALPHA: f64 = 0.1;

/// Runs one epoch. `stake` and `registered_at` are per uid; `rows` the validators' weights
/// (bonds are updated in place). Results are in `ws.incentive` / `ws.dividends`.
pub fn run_epoch(
    stake: &[u64],
    registered_at: &[u64],
    rows: &mut [WeightRow],
    max_validators: usize,
    ws: &mut EpochWorkspace,
) {
    let n = stake.len();
    ws.incentive.clear();
    ws.incentive.resize(n, 0.0);
    ws.dividends.clear();
    ws.dividends.resize(n, 0.0);
    // Permits: the top-k non-zero stakes (ties to the higher uid).
    ws.order.clear();
    ws.order.extend((0..n).filter(|&i| stake[i] > 0));
    if max_validators > 0 && ws.order.len() > max_validators {
        ws.order
            .sort_by(|&a, &b| stake[b].cmp(&stake[a]).then(b.cmp(&a)));
        ws.order.truncate(max_validators);
    }
    ws.active.clear();
    ws.active.resize(n, 0.0);
    let mut permitted_total = 0u128;
    for &i in &ws.order {
        permitted_total += stake[i] as u128;
    }
    // Active stake: permitted uids that have a weight row.
    let mut sum_a = 0.0;
    for r in rows.iter() {
        let u = r.uid as usize;
        if u < n && ws.order.contains(&u) {
            ws.active[u] = stake[u] as f64;
            sum_a += stake[u] as f64;
        }
    }
    let _ = permitted_total;
    if sum_a <= 0.0 {
        // No usable weights: everything goes to stake (dividends ∝ stake).
        let total: f64 = stake.iter().map(|&s| s as f64).sum();
        if total > 0.0 {
            for (d, &s) in ws.dividends.iter_mut().zip(stake) {
                *d = s as f64 / total;
            }
        }
        return;
    }
    for a in ws.active.iter_mut() {
        *a /= sum_a;
    }
    // Row normalisation (self-weight and outdated weights removed), column buckets.
    ws.row_norm.clear();
    ws.col_start.clear();
    ws.col_start.resize(n + 1, 0);
    for r in rows.iter() {
        let u = r.uid as usize;
        let mut s = 0u64;
        if u < n && ws.active[u] > 0.0 {
            for &(j, w) in &r.entries {
                let j = j as usize;
                if j < n && j != u && r.set_at > registered_at[j] {
                    s += w as u64;
                    ws.col_start[j + 1] += 1;
                }
            }
        }
        ws.row_norm.push(if s > 0 { 1.0 / s as f64 } else { 0.0 });
    }
    for j in 0..n {
        ws.col_start[j + 1] += ws.col_start[j];
    }
    ws.col_fill.clear();
    ws.col_fill.extend_from_slice(&ws.col_start[..n]);
    ws.col_vals.clear();
    ws.col_vals.resize(ws.col_start[n], (0.0, 0.0));
    for (r, &norm) in rows.iter().zip(&ws.row_norm) {
        let u = r.uid as usize;
        if norm == 0.0 {
            continue;
        }
        for &(j, w) in &r.entries {
            let j = j as usize;
            if j < n && j != u && r.set_at > registered_at[j] {
                ws.col_vals[ws.col_fill[j]] = (w as f64 * norm, ws.active[u]);
                ws.col_fill[j] += 1;
            }
        }
    }
    // Consensus: the κ stake-quantile per column, missing entries counting as 0.
    let minority = 1.0 - KAPPA;
    ws.consensus.clear();
    ws.consensus.resize(n, 0.0);
    for j in 0..n {
        let col = &mut ws.col_vals[ws.col_start[j]..ws.col_start[j + 1]];
        if col.is_empty() {
            continue;
        }
        let present: f64 = col.iter().map(|c| c.1).sum();
        let mut cum = 1.0 - present; // stake scoring 0
        if cum > minority {
            continue;
        }
        col.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut c = col[col.len() - 1].0;
        for &(w, a) in col.iter() {
            cum += a;
            if cum > minority {
                c = w;
                break;
            }
        }
        ws.consensus[j] = c;
    }
    // Clipped weights → incentive; Yuma 3 bonds → dividends.
    let mut sum_r = 0.0;
    ws.col_bond.clear();
    ws.col_bond.resize(n, 0.0);
    for (r, &norm) in rows.iter_mut().zip(&ws.row_norm) {
        let u = r.uid as usize;
        if r.bonds.len() != r.entries.len() {
            r.bonds.resize(r.entries.len(), 0.0);
        }
        for (k, &(j, w)) in r.entries.iter().enumerate() {
            let j = j as usize;
            let mut wc = 0.0;
            if norm > 0.0 && j < n && j != u && r.set_at > registered_at[j] {
                wc = (w as f64 * norm).min(ws.consensus[j]);
                ws.incentive[j] += ws.active[u] * wc;
                sum_r += ws.active[u] * wc;
            }
            let b = BOND_ALPHA * wc + (1.0 - BOND_ALPHA) * r.bonds[k];
            r.bonds[k] = b;
            if j < n {
                ws.col_bond[j] += b;
            }
        }
    }
    if sum_r > 0.0 {
        for x in ws.incentive.iter_mut() {
            *x /= sum_r;
        }
    }
    let mut sum_d = 0.0;
    for r in rows.iter() {
        let u = r.uid as usize;
        if u >= n || ws.active[u] <= 0.0 {
            continue;
        }
        let mut tb = 0.0;
        for (k, &(j, _)) in r.entries.iter().enumerate() {
            let j = j as usize;
            if j < n && ws.col_bond[j] > 0.0 {
                tb += r.bonds[k] / ws.col_bond[j] * ws.incentive[j];
            }
        }
        let d = tb * ws.active[u];
        ws.dividends[u] = d;
        sum_d += d;
    }
    if sum_d > 0.0 {
        for x in ws.dividends.iter_mut() {
            *x /= sum_d;
        }
    }
}
