//! The math-helper items of spec §15 (V1, V2, V14, V15, V16, V30) and the measured bits of
//! §1 (`exp_safe`), §1.6 (κ, bonds moving average) and §6.5 (`alpha_sigmoid`). Exact where
//! upstream asserts exact equality; the tolerance is stated where upstream uses one.

use proptest::prelude::*;
use taolab::math::fixed::convert::*;
use taolab::math::fixed::ema::{mat_ema, mat_ema_alpha, mat_ema_alpha_sparse};
use taolab::math::fixed::exp::{alpha_sigmoid, exp, exp_safe, sigmoid_safe};
use taolab::math::fixed::median::{
    weighted_median, weighted_median_col_sparse, weighted_median_sorted,
};
use taolab::math::fixed::normalize::inplace_normalize;
use taolab::math::fixed::ops::safe_div;
use taolab::math::fixed::topk::is_topk;
use taolab::math::fixed::{fx, I32F32, I64F64, ONE, ZERO};

/// `I32F32::saturating_from_num(f32)`, as upstream's `fixed(val: f32)` builds test inputs.
fn f(x: f32) -> I32F32 {
    I32F32::saturating_from_num(x)
}
fn fv(x: &[f32]) -> Vec<I32F32> {
    x.iter().map(|&v| f(v)).collect()
}
fn to_f64(x: I32F32) -> f64 {
    x.to_bits() as f64 / 4_294_967_296.0
}

#[test]
fn v1_weighted_median_scalar_cases_are_exact() {
    let majority = f(0.51);
    let minority = ONE - majority;
    let cases: Vec<(Vec<I32F32>, Vec<f32>, f32)> = vec![
        (vec![], vec![], 0.0),
        (
            {
                let mut s = fv(&[0.51]);
                inplace_normalize(&mut s);
                s
            },
            vec![1.0],
            1.0,
        ),
        (fv(&[0.49, 0.51]), vec![0.5, 1.0], 1.0),
        (fv(&[0.51, 0.49]), vec![0.5, 1.0], 0.5),
        (fv(&[0.49, 0.0, 0.51]), vec![0.5, 0.7, 1.0], 1.0),
        (fv(&[0.49, 0.01, 0.5]), vec![0.5, 0.7, 1.0], 0.7),
        (fv(&[0.49, 0.51, 0.0]), vec![0.5, 0.7, 1.0], 0.7),
        (fv(&[0.0, 0.49, 0.51]), vec![0.5, 0.7, 1.0], 1.0),
        (fv(&[0.0, 0.49, 0.0, 0.51]), vec![0.5, 0.5, 1.0, 1.0], 1.0),
        (
            fv(&[0.0, 0.49, 0.0, 0.51, 0.0]),
            vec![0.5, 0.5, 1.0, 1.0, 0.5],
            1.0,
        ),
        (fv(&[0.2; 5]), vec![0.8, 0.2, 1.0, 0.6, 0.4], 0.6),
        (
            fv(&[0.1; 10]),
            vec![0.8, 0.8, 0.2, 0.2, 1.0, 1.0, 0.6, 0.6, 0.4, 0.4],
            0.6,
        ),
    ];
    for (k, (stake, score, expect)) in cases.iter().enumerate() {
        let score = fv(score);
        let idx: Vec<usize> = (0..stake.len()).collect();
        let hi = stake.iter().fold(ZERO, |a, b| a + *b);
        let got = weighted_median(stake, &score, &idx, minority, ZERO, hi);
        assert_eq!(got, f(*expect), "V1 case {k}");
    }
}

#[test]
fn v2_weighted_median_col_sparse_cases_are_exact() {
    let w = |rows: &[[f32; 3]]| -> Vec<Vec<(u16, I32F32)>> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0.0)
                    .map(|(j, v)| (j as u16, f(*v)))
                    .collect()
            })
            .collect()
    };
    let base = w(&[
        [0.0, 0.1, 0.0],
        [0.0, 0.2, 0.4],
        [0.0, 0.3, 0.1],
        [0.0, 0.4, 0.5],
    ]);
    assert_eq!(
        weighted_median_col_sparse(&fv(&[0.0, 0.0]), &[vec![], vec![]], 2, f(0.5)),
        vec![ZERO, ZERO]
    );
    let s = fv(&[0.0, 0.75, 0.25, 0.0]);
    assert_eq!(
        weighted_median_col_sparse(&s, &base, 3, f(0.24)),
        fv(&[0.0, 0.3, 0.4])
    );
    assert_eq!(
        weighted_median_col_sparse(&s, &base, 3, f(0.26)),
        fv(&[0.0, 0.2, 0.4])
    );
    assert_eq!(
        weighted_median_col_sparse(&s, &base, 3, f(0.76)),
        fv(&[0.0, 0.2, 0.1])
    );
    let w2 = w(&[
        [0.0, 0.1, 0.0],
        [0.0, 0.2, 0.4],
        [0.0, 0.3, 0.1],
        [0.0, 0.0, 0.5],
    ]);
    assert_eq!(
        weighted_median_col_sparse(&fv(&[0.0, 0.3, 0.2, 0.5]), &w2, 3, f(0.51)),
        fv(&[0.0, 0.0, 0.4])
    );
    assert!(weighted_median_col_sparse(&[], &[], 0, f(0.5)).is_empty());
}

fn mat(x: &[f32]) -> Vec<Vec<I32F32>> {
    x.chunks(3).map(fv).collect()
}
fn sparse(m: &[Vec<I32F32>]) -> Vec<Vec<(u16, I32F32)>> {
    m.iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(_, v)| **v != ZERO)
                .map(|(j, v)| (j as u16, *v))
                .collect()
        })
        .collect()
}
fn densify(m: &[Vec<(u16, I32F32)>], cols: usize) -> Vec<Vec<f64>> {
    m.iter()
        .map(|r| {
            let mut d = vec![0.0; cols];
            for &(j, v) in r {
                d[j as usize] = to_f64(v);
            }
            d
        })
        .collect()
}
fn assert_close(got: &[Vec<f64>], want: &[f64], tol: f64, what: &str) {
    let flat: Vec<f64> = got.iter().flatten().copied().collect();
    assert_eq!(flat.len(), want.len(), "{what}");
    // As upstream: the target is an f32 literal made I32F32, compared in I32F32.
    for (k, (g, w)) in flat.iter().zip(want).enumerate() {
        let w = to_f64(f(*w as f32));
        assert!(
            (g - w).abs() <= tol,
            "{what}[{k}]: {g} vs {w} (tolerance {tol})"
        );
    }
}
const OLD1: [f32; 12] = [
    0.1, 0.2, 3.0, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12,
];

/// V15 — upstream `test_math_mat_ema_alpha` asserts within 1e-4.
#[test]
fn v15_mat_ema_alpha_dense_within_1e_4() {
    let new: Vec<f32> = (1..=12).map(|x| x as f32).collect();
    let a = |x: f32| vec![vec![f(x); 3]; 4];
    let out = mat_ema_alpha(&mat(&new), &mat(&OLD1), &a(0.1));
    let dense: Vec<Vec<f64>> = out
        .iter()
        .map(|r| r.iter().map(|v| to_f64(*v)).collect())
        .collect();
    assert_close(
        &dense,
        &[
            0.19, 0.38, 1.0, 0.436, 0.545, 0.6539, 0.763, 0.8719, 0.981, 1.0, 1.0, 1.0,
        ],
        1e-4,
        "case 1",
    );
    let new10: Vec<f32> = (1..=12).map(|x| 10.0 * x as f32).collect();
    let out = mat_ema_alpha(&mat(&new10), &mat(&OLD1), &a(0.0));
    let dense: Vec<Vec<f64>> = out
        .iter()
        .map(|r| r.iter().map(|v| to_f64(*v)).collect())
        .collect();
    assert_close(
        &dense,
        &[
            0.1, 0.2, 1.0, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12,
        ],
        1e-4,
        "case 2",
    );
    let old3: Vec<f32> = (1..=12).map(|x| x as f32 / 1000.0).collect();
    let out = mat_ema_alpha(&mat(&OLD1), &mat(&old3), &a(1.0));
    let dense: Vec<Vec<f64>> = out
        .iter()
        .map(|r| r.iter().map(|v| to_f64(*v)).collect())
        .collect();
    assert_close(
        &dense,
        &[
            0.1, 0.2, 1.0, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12,
        ],
        1e-4,
        "case 3",
    );
}

/// V16 — upstream `test_math_sparse_mat_ema_alpha` asserts within 1e-4; (d) and (e) exact.
#[test]
fn v16_mat_ema_alpha_sparse_within_1e_4_and_drops_absent_columns() {
    let a = |x: f32| vec![vec![f(x); 3]; 4];
    let new: Vec<f32> = (1..=12).map(|x| x as f32).collect();
    let out = mat_ema_alpha_sparse(&sparse(&mat(&new)), &sparse(&mat(&OLD1)), &a(0.1));
    assert_close(
        &densify(&out, 3),
        &[
            0.19, 0.38, 1.0, 0.43599, 0.545, 0.65399, 0.763, 0.87199, 0.981, 1.0, 1.0, 1.0,
        ],
        1e-4,
        "(a)",
    );
    let old_b = [
        0.001, 0.002, 0.003, 0.004, 0.05, 0.006, 0.007, 0.008, 0.009, 0.010, 0.011, 0.012,
    ];
    let out = mat_ema_alpha_sparse(&sparse(&mat(&OLD1)), &sparse(&mat(&old_b)), &a(0.1));
    assert_close(
        &densify(&out, 3),
        &[
            0.0109, 0.0218, 0.3027, 0.007599, 0.05, 0.01139, 0.0133, 0.01519, 0.017, 0.01899,
            0.02089, 0.0227,
        ],
        1e-4,
        "(b)",
    );
    let out = mat_ema_alpha_sparse(&sparse(&mat(&OLD1)), &sparse(&mat(&[0.0; 12])), &a(0.1));
    assert_close(
        &densify(&out, 3),
        &[
            0.01, 0.02, 0.3, 0.00399, 0.005, 0.00599, 0.007, 0.00799, 0.009, 0.01, 0.011, 0.01199,
        ],
        1e-4,
        "(c)",
    );
    let zero = sparse(&mat(&[0.0; 12]));
    assert!(
        mat_ema_alpha_sparse(&zero, &zero, &a(0.1))
            .iter()
            .all(Vec::is_empty),
        "(d)"
    );
    let mut old = vec![vec![]; 4];
    old[0] = vec![(0u16, ONE)];
    let mut new = vec![vec![]; 4];
    new[1] = vec![(1u16, f(2.0))];
    let out = mat_ema_alpha_sparse(&new, &old, &a(0.1));
    assert!(
        out[0].is_empty(),
        "(e): the bond at (0,0) has no weight entry and is dropped"
    );
    assert_eq!(out[1].len(), 1);
    assert!((to_f64(out[1][0].1) - 0.2).abs() < 1e-6, "(e): (1,1) = 0.2");
}

/// V14 — upstream `test_liquid_alpha_equal_values_against_itself` compares within 1e-3.
#[test]
fn v14_liquid_alpha_with_equal_bounds_matches_bonds_moving_average_within_1e_3() {
    let w = mat(&[0.0, 0.1, 0.0, 0.0, 0.2, 0.4, 0.0, 0.3, 0.1, 0.0, 0.4, 0.5]);
    let b = mat(&[0.1, 0.1, 0.5, 0.0, 0.0, 0.4, 0.5, 0.1, 0.1, 0.0, 0.4, 0.2]);
    let c = fv(&[0.3, 0.2, 0.1, 0.4]);
    let lo = u16_proportion_to_fixed(6553);
    let alphas: Vec<Vec<I32F32>> = w
        .iter()
        .zip(&b)
        .map(|(wr, br)| {
            wr.iter()
                .zip(br)
                .zip(&c)
                .map(|((w, b), c)| alpha_sigmoid(*c, *w, *b, lo, lo, fx(1000 << 32)))
                .collect()
        })
        .collect();
    let la = mat_ema_alpha(&w, &b, &alphas);
    let bma =
        ONE - I32F32::saturating_from_num(I64F64::from_num(900_000) / I64F64::from_num(1_000_000));
    let plain = mat_ema(&w, &b, bma);
    for (r1, r2) in la.iter().zip(&plain) {
        for (x, y) in r1.iter().zip(r2) {
            assert!((to_f64(*x) - to_f64(*y)).abs() < 1e-3);
        }
    }
}

#[test]
fn v30_vec_max_upscale_to_u16_is_exact() {
    assert_eq!(
        vec_max_upscale_to_u16(&fv(&[0.0, 0.000016, 1.0])),
        [0, 1, 65535]
    );
    assert_eq!(
        vec_max_upscale_to_u16(&fv(&[
            1e-6, 6e-6, 7e-6, 1e-4, 1e-3, 0.01, 0.1, 0.2, 0.3, 0.4
        ])),
        [0, 1, 1, 16, 164, 1638, 16384, 32768, 49151, 65535]
    );
    assert_eq!(
        vec_max_upscale_to_u16(&fv(&[0.0, 0.5, 1.0, 1.5, 2.0, 32768.0])),
        [0, 1, 2, 3, 4, 65535]
    );
    assert_eq!(
        vec_max_upscale_to_u16(&fv(&[0.0, 0.5, 1.0, 1.5, 2.0, 32768.0, 32769.0])),
        [0, 1, 2, 3, 4, 65533, 65535]
    );
    let mut v = fv(&[0.0, 1.0, 32768.0, 32769.0]);
    v.push(I32F32::max_value());
    assert_eq!(vec_max_upscale_to_u16(&v), [0, 0, 1, 1, 65535]);
    assert_eq!(vec_u16_max_upscale_to_u16(&[0, 1, 65534]), [0, 1, 65535]);
    assert_eq!(vec_u16_max_upscale_to_u16(&[65534]), [65535]);
    assert!(vec_max_upscale_to_u16(&[]).is_empty());
}

#[test]
fn v30_check_vec_max_limited_is_exact() {
    assert!(!check_vec_max_limited(&[0, u16::MAX, u16::MAX], 32767));
    assert!(check_vec_max_limited(&[0, u16::MAX, u16::MAX], 32768));
    assert!(!check_vec_max_limited(
        &[0, u16::MAX, u16::MAX, u16::MAX],
        21844
    ));
    assert!(check_vec_max_limited(
        &[0, u16::MAX, u16::MAX, u16::MAX],
        21845
    ));
}

#[test]
fn v30_is_topk_is_exact() {
    let v = |x: &[i64]| -> Vec<I32F32> { x.iter().map(|&b| fx(b << 32)).collect() };
    let t = |b: &[usize]| -> Vec<bool> { (0..10).map(|i| b.contains(&i)).collect() };
    assert_eq!(
        is_topk(&v(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 5),
        t(&[5, 6, 7, 8, 9])
    );
    assert_eq!(
        is_topk(&v(&[9, 0, 8, 1, 7, 2, 6, 3, 5, 4]), 5),
        t(&[0, 2, 4, 6, 8])
    );
    assert_eq!(
        is_topk(&v(&[0, 1, 2, 3, 4, 5, 5, 5, 5, 6]), 5),
        t(&[5, 6, 7, 8, 9])
    );
}

#[test]
fn exp_safe_matches_the_measured_bits_of_spec_section_1() {
    let cases: [(f64, i64); 11] = [
        (-20.0, 8),
        (-5.0, 28939262),
        (-1.0, 1580030169),
        (-0.5, 2605029348),
        (0.0, 1 << 32),
        (0.5, 7081203935),
        (1.0, 11674931200),
        (2.5, 52323413133),
        (5.0, 637429664624),
        (10.0, 94602947905357),
        (20.0, 2066907302758576256),
    ];
    for (x, bits) in cases {
        assert_eq!(
            exp_safe(I32F32::from_num(x)).to_bits(),
            bits,
            "exp_safe({x})"
        );
    }
}

#[test]
fn v30_exp_safe_clamps_beyond_plus_minus_20() {
    for x in [20.0, 21.0, 100.0, 1e6] {
        assert_eq!(
            exp_safe(I32F32::from_num(x)),
            exp_safe(I32F32::from_num(20))
        );
        assert_eq!(
            exp_safe(I32F32::from_num(-x)),
            exp_safe(I32F32::from_num(-20))
        );
    }
    assert_eq!(
        exp_safe(I32F32::max_value()),
        exp_safe(I32F32::from_num(20))
    );
    assert_eq!(
        exp_safe(I32F32::min_value()),
        exp_safe(I32F32::from_num(-20))
    );
}

/// V30 `sigmoid_safe(x, 30, 0.5)` against the rounded values listed in §15, within 1e-7: the
/// listed values are the mathematical sigmoid of the decimal inputs, while the test feeds f32
/// inputs (0.6f32 = 0.60000002) through the fixed-point series (largest gap 3.2e-8, at 0.6).
#[test]
fn v30_sigmoid_safe_within_1e_7() {
    let xs = [
        I32F32::min_value(),
        ZERO,
        f(0.4),
        f(0.5),
        f(0.6),
        ONE,
        I32F32::max_value(),
    ];
    let want = [
        1.9e-9,
        3.057e-7,
        0.0474258729,
        0.5,
        0.952574127,
        0.9999996943,
        0.9999999981,
    ];
    for (x, w) in xs.iter().zip(want) {
        let got = to_f64(sigmoid_safe(*x, fx(30 << 32), f(0.5)));
        assert!(
            (got - w).abs() < 1e-7,
            "sigmoid_safe({x}) = {got}, want {w}"
        );
    }
}

#[test]
fn alpha_sigmoid_matches_the_measured_bits_of_spec_section_6_5() {
    let lo = u16_proportion_to_fixed(45875);
    let hi = u16_proportion_to_fixed(58982);
    let steep = I32F32::saturating_from_num(1000i16);
    let cases = [
        ((0.0, 0.0, 0.0), 3012258989i64),
        ((0.2, 0.9, 0.1), 3763108803),
        ((0.0, 1.0, 0.0), 3859754218),
        ((0.3, 0.8, 0.0), 3436006604),
    ];
    for ((c, w, b), bits) in cases {
        let a = alpha_sigmoid(
            I32F32::from_num(c),
            I32F32::from_num(w),
            I32F32::from_num(b),
            lo,
            hi,
            steep,
        );
        assert_eq!(a.to_bits(), bits, "alpha_sigmoid({c}, {w}, {b})");
    }
}

#[test]
fn kappa_and_bonds_moving_average_bits_of_spec_section_1_6() {
    assert_eq!(
        safe_div(fx(32767 << 32), fx(65535 << 32)).to_bits(),
        2147450879
    );
    let alpha = |bma: u64| {
        (ONE - I32F32::saturating_from_num(I64F64::from_num(bma) / I64F64::from_num(1_000_000)))
            .to_bits()
    };
    assert_eq!(alpha(900_000), 429496730);
    assert_eq!(alpha(975_000), 107374183);
    assert_eq!(
        I32F32::saturating_from_num(0.1f32).to_bits(),
        429496736,
        "f32 0.1 rounds from its binary value"
    );
    assert_eq!(fixed_proportion_to_u16(f(0.25)), 16383);
    assert_eq!(fixed_proportion_to_u16(ONE), 65535);
}

proptest! {
    /// Our `exp` against `substrate_fixed::transcendental::exp` (the chain's), bit for bit.
    #[test]
    fn exp_equals_substrate_fixed_exp(bits in -(25i64 << 32)..(25i64 << 32)) {
        let x = fx(bits);
        let theirs: Result<I32F32, ()> = substrate_fixed::transcendental::exp(x);
        prop_assert_eq!(exp(x), theirs.ok());
    }

    /// The sorted-cumulative definition of the weighted median equals the chain's quickselect
    /// for every minority (including < 0 and ≥ total), ties and zero stakes; and the result
    /// does not depend on the order of the participants (upstream's randomised check).
    #[test]
    fn weighted_median_sorted_equals_the_quickselect(
        entries in proptest::collection::vec((0u32..6, 0u32..5), 0..40),
        minority_bits in -(1i64 << 31)..(5i64 << 32),
        rotate in 0usize..40,
    ) {
        let stake: Vec<I32F32> = entries.iter().map(|e| fx((e.1 as i64) << 29)).collect();
        let score: Vec<I32F32> = entries.iter().map(|e| fx((e.0 as i64) << 30)).collect();
        let idx: Vec<usize> = (0..stake.len()).collect();
        let hi = stake.iter().fold(ZERO, |a, b| a + *b);
        let m = fx(minority_bits);
        let quick = weighted_median(&stake, &score, &idx, m, ZERO, hi);
        let mut rot = idx.clone();
        if !rot.is_empty() { let r = rotate % rot.len(); rot.rotate_left(r); }
        prop_assert_eq!(weighted_median(&stake, &score, &rot, m, ZERO, hi), quick);
        let mut pos: Vec<(I32F32, I32F32)> = score.iter().zip(&stake).filter(|(s, _)| **s > ZERO).map(|(a, b)| (*a, *b)).collect();
        pos.sort_by_key(|e| e.0);
        let zero_stake = score.iter().zip(&stake).filter(|(s, _)| **s == ZERO).fold(ZERO, |a, (_, b)| a + *b);
        let zeros = pos.len() < score.len();
        prop_assert_eq!(weighted_median_sorted(&pos, zero_stake, zeros, m), quick);
    }
}
