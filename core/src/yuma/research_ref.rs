//! The research epoch as it stood before the fused kernels (test only): straightforward
//! passes over whole matrices, consensus by sorting each column. The fused epoch in
//! [`super::research`] must agree with it bit for bit on every output.

use super::case::{Alpha, EpochOutput};
use super::params::{ConsensusMode, Params, Variant};
use super::research::{
    incentive, liquid_alpha_reusing, per_1000_tao, previous_bonds, safe_div, BOND_CAPACITY, EPS,
};
use crate::math::{clip, consensus, ema, normalize, Dense};
use alloc::vec::Vec;

#[derive(Default)]
pub struct Workspace {
    row_sums: Vec<f64>,
    col: Vec<f64>,
    bonds_old: Vec<f64>,
    consensus_for_alpha: Vec<f64>,
}

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
) {
    let (v, n) = (weights.rows, weights.cols);
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
    let (mut col, mut fixed, mut hist, mut cand) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let k = consensus::fixed_stakes(&out.stake, params.kappa, &mut fixed);
    for j in 0..n {
        col.clear();
        col.extend((0..v).map(|i| out.weights.get(i, j)));
        out.consensus[j] = if v == 0 {
            0.0
        } else {
            consensus::column_quantile(&col, &fixed, k, &mut hist, &mut cand)
        };
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yuma::research;
    use alloc::vec;

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn below(&mut self, k: u64) -> u64 {
            self.next() % k
        }
    }

    fn weights(r: &mut Rng, v: usize, n: usize, kind: u64) -> Dense {
        let mut w = Dense::zeros(v, n);
        let levels = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0];
        for i in 0..v {
            let row_kind = if r.below(10) == 0 { 9 } else { kind };
            for j in 0..n {
                let x = match row_kind {
                    0 => r.unit(),
                    1 => {
                        if r.below(10) < 7 {
                            0.0
                        } else {
                            r.unit()
                        }
                    }
                    2 => levels[r.below(levels.len() as u64) as usize],
                    3 => f64::from(u8::from(j == i % n)),
                    4 => {
                        if r.below(5) == 0 {
                            -0.0
                        } else {
                            r.unit() * 1e-300
                        }
                    }
                    _ => 0.0,
                };
                w.set(i, j, x);
            }
        }
        w
    }

    fn stakes(r: &mut Rng, v: usize, kind: u64) -> Vec<f64> {
        (0..v)
            .map(|i| match kind {
                0 => r.unit(),
                1 => {
                    if r.below(3) == 0 {
                        0.0
                    } else {
                        r.unit()
                    }
                }
                2 => {
                    if i == 0 {
                        100.0
                    } else {
                        r.unit()
                    }
                }
                3 => 0.0,
                _ => 1.0,
            })
            .collect()
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    fn check(a: &EpochOutput, b: &EpochOutput, what: &str) {
        let pairs: [(&str, &[f64], &[f64]); 16] = [
            ("weights", &a.weights.data, &b.weights.data),
            ("stake", &a.stake, &b.stake),
            ("prerank", &a.prerank, &b.prerank),
            ("consensus", &a.consensus, &b.consensus),
            ("clipped", &a.clipped_weights.data, &b.clipped_weights.data),
            ("rank", &a.rank, &b.rank),
            ("incentive", &a.incentive, &b.incentive),
            ("trust", &a.trust, &b.trust),
            ("vtrust", &a.validator_trust, &b.validator_trust),
            ("fresh", &a.fresh_bonds.data, &b.fresh_bonds.data),
            ("bonds", &a.bonds.data, &b.bonds.data),
            ("draw", &a.dividends_raw, &b.dividends_raw),
            ("div", &a.dividends, &b.dividends),
            (
                "per1000",
                &a.dividend_per_1000_tao,
                &b.dividend_per_1000_tao,
            ),
            ("rel", &a.relative_dividends, &b.relative_dividends),
            (
                "alpha",
                match &a.alpha {
                    Alpha::Matrix(m) => &m.data,
                    _ => &[],
                },
                match &b.alpha {
                    Alpha::Matrix(m) => &m.data,
                    _ => &[],
                },
            ),
        ];
        for (name, x, y) in pairs {
            assert!(same(x, y), "{what}: {name} differs: {x:?} vs {y:?}");
        }
        for (x, y) in [
            (&a.weights, &b.weights),
            (&a.clipped_weights, &b.clipped_weights),
            (&a.fresh_bonds, &b.fresh_bonds),
            (&a.bonds, &b.bonds),
        ] {
            assert_eq!((x.rows, x.cols), (y.rows, y.cols), "{what}: shape");
        }
        match (&a.alpha, &b.alpha) {
            (Alpha::Scalar(x), Alpha::Scalar(y)) => assert_eq!(x.to_bits(), y.to_bits(), "{what}"),
            (Alpha::Matrix(_), Alpha::Matrix(_)) | (Alpha::None, Alpha::None) => {}
            _ => panic!("{what}: alpha kind differs"),
        }
    }

    #[test]
    fn fused_epoch_matches_the_plain_passes_bit_for_bit() {
        let shapes = [
            (1, 1),
            (1, 5),
            (3, 2),
            (5, 1),
            (4, 7),
            (7, 33),
            (23, 40),
            (24, 70),
            (25, 64),
            (33, 257),
            (64, 130),
            (130, 300),
            (260, 520),
            (0, 3),
            (3, 0),
        ];
        let variants = [
            Variant::Yuma1,
            Variant::Yuma2,
            Variant::Yuma2b,
            Variant::Yuma2c,
            Variant::Yuma3,
        ];
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let mut count = 0;
        for (si, &(v, n)) in shapes.iter().enumerate() {
            for round in 0..6u64 {
                let params = Params {
                    kappa: [0.5, 0.0, 0.3, 1.0, 0.99, 0.5][round as usize],
                    bond_penalty: [1.0, 0.5, 0.0][(round % 3) as usize],
                    bond_moving_average: [0.1, 0.975, 0.0][(round % 3) as usize],
                    liquid_alpha: round % 2 == 1,
                    liquid_alpha_consensus_mode: [
                        ConsensusMode::Current,
                        ConsensusMode::Previous,
                        ConsensusMode::Mixed,
                    ][(round % 3) as usize],
                    winner_takes_all: round == 4,
                    ..Params::default()
                };
                for variant in variants {
                    let (mut pa, mut pb): (Option<EpochOutput>, Option<EpochOutput>) = (None, None);
                    let mut ws = research::Workspace::default();
                    let mut wr = Workspace::default();
                    for e in 0..3u64 {
                        let w = weights(&mut r, v, n, (round + e + si as u64) % 6);
                        let s = stakes(&mut r, v, (round + si as u64 + e) % 5);
                        let reset = if e == 2 && n > 0 {
                            Some((si + e as usize) % n)
                        } else {
                            None
                        };
                        let mut a = EpochOutput::default();
                        let mut b = EpochOutput::default();
                        research::epoch(
                            variant,
                            &params,
                            &w,
                            &s,
                            pa.as_ref(),
                            reset,
                            &mut a,
                            &mut ws,
                        )
                        .unwrap();
                        epoch(
                            variant,
                            &params,
                            &w,
                            &s,
                            pb.as_ref(),
                            reset,
                            &mut b,
                            &mut wr,
                        );
                        check(
                            &a,
                            &b,
                            &alloc::format!("{variant} {v}x{n} round {round} epoch {e}"),
                        );
                        pa = Some(a);
                        pb = Some(b);
                        count += 1;
                    }
                }
            }
        }
        assert_eq!(count, shapes.len() * 6 * 5 * 3);
        let _ = vec![0u8; 0];
    }

    /// Yuma 1 does not form its EMA (`1·F + 0·B_old`, α = 1) but reads the fresh bonds in its
    /// place; the two differ only where F is −0.0 (a −0.0 weight), where the sum takes the
    /// old bond's zero sign. The same weights epoch after epoch keep −0.0 bonds where the old
    /// bond is −0.0; new −0.0 weights over +0.0 bonds give +0.0. Small and parallel shapes.
    #[test]
    fn yuma1_without_its_ema_keeps_the_sign_of_zero_bonds() {
        for (v, n) in [(3, 4), (260, 520)] {
            let mut r = Rng(0x2545_f491_4f6c_dd1d);
            let weights = |r: &mut Rng, at: u64| {
                let mut w = Dense::zeros(v, n);
                for i in 0..v {
                    for j in 0..n {
                        let x = if (i + j) as u64 % 3 == at {
                            -0.0
                        } else {
                            r.unit()
                        };
                        w.set(i, j, x);
                    }
                }
                w
            };
            let s: Vec<f64> = (0..v).map(|_| r.unit()).collect();
            let params = Params::default();
            let (mut pa, mut pb): (Option<EpochOutput>, Option<EpochOutput>) = (None, None);
            let (mut ws, mut wr) = (research::Workspace::default(), Workspace::default());
            let mut signs = [0usize; 2];
            // −0.0 at (i + j) % 3 == 0 for three epochs, then at == 1.
            for (e, at) in [0, 0, 0, 1].into_iter().enumerate() {
                let w = weights(&mut r, at);
                let (mut a, mut b) = (EpochOutput::default(), EpochOutput::default());
                research::epoch(
                    Variant::Yuma1,
                    &params,
                    &w,
                    &s,
                    pa.as_ref(),
                    None,
                    &mut a,
                    &mut ws,
                )
                .unwrap();
                epoch(
                    Variant::Yuma1,
                    &params,
                    &w,
                    &s,
                    pb.as_ref(),
                    None,
                    &mut b,
                    &mut wr,
                );
                check(&a, &b, &alloc::format!("yuma1 {v}x{n} epoch {e}"));
                if e > 0 {
                    for (&f, &x) in b.fresh_bonds.data.iter().zip(&b.bonds.data) {
                        if f == 0.0 && f.is_sign_negative() {
                            signs[usize::from(x.is_sign_negative())] += 1;
                        }
                    }
                }
                pa = Some(a);
                pb = Some(b);
            }
            // Both cases met: −0.0 fresh bonds over −0.0 and over +0.0 old bonds.
            assert!(signs[0] > 0 && signs[1] > 0, "{v}x{n}: {signs:?}");
        }
    }
}
