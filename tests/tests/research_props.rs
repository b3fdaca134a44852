//! Property tests of the float research variants and kernels.

use proptest::prelude::*;
use taolab::math::{consensus, Csr, Dense};
use taolab::yuma::{run_case, Case, CaseEpoch, Params, Variant};

const VARIANTS: [Variant; 5] = [
    Variant::Yuma1,
    Variant::Yuma2,
    Variant::Yuma2b,
    Variant::Yuma2c,
    Variant::Yuma3,
];

fn arb_case() -> impl Strategy<Value = Case> {
    (1usize..6, 1usize..7, 1usize..5).prop_flat_map(|(v, n, epochs)| {
        let weight = prop_oneof![3 => Just(0.0), 7 => 0.0f64..1.0];
        let epoch = (
            proptest::collection::vec(proptest::collection::vec(weight, n), v),
            proptest::collection::vec(0.0f64..1.0, v),
        );
        (
            proptest::collection::vec(epoch, epochs),
            0.0f64..=1.0,
            0.0f64..=1.0,
            0.0f64..=1.0,
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(move |(eps, kappa, bp, bma, liquid, wta)| Case {
                epochs: eps
                    .into_iter()
                    .map(|(weights, stakes)| CaseEpoch {
                        weights,
                        stakes,
                        reset_bonds_column: None,
                    })
                    .collect(),
                params: Params {
                    kappa,
                    bond_penalty: bp,
                    bond_moving_average: bma,
                    liquid_alpha: liquid,
                    winner_takes_all: wta,
                    ..Params::default()
                },
                ..Case::default()
            })
    })
}

fn sums_to_one_or_zero(v: &[f64]) -> bool {
    let s: f64 = v.iter().sum();
    s.abs() < 1e-9 || (s - 1.0).abs() < 1e-6
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn outputs_are_finite_normalised_and_non_negative(case in arb_case()) {
        for v in VARIANTS {
            let mut c = case.clone();
            c.variant = Some(v);
            let out = run_case(&c).unwrap();
            for e in &out.epochs {
                prop_assert!(sums_to_one_or_zero(&e.stake));
                prop_assert!(sums_to_one_or_zero(&e.incentive), "incentive {:?}", e.incentive);
                // D̂ = D/(ΣD + 1e-6): it sums to ΣD/(ΣD + 1e-6), within 1e-6/ΣD of 1.
                let d_raw: f64 = e.dividends_raw.iter().sum();
                let d_hat: f64 = e.dividends.iter().sum();
                prop_assert!((d_hat - d_raw / (d_raw + 1e-6)).abs() < 1e-12, "dividends {:?}", e.dividends);
                prop_assert!(e.dividends.iter().all(|&d| d >= 0.0));
                prop_assert!(e.dividends_raw.iter().all(|&d| d >= 0.0 && d.is_finite()));
                prop_assert!(e.consensus.iter().all(|&c| (0.0..=1.0).contains(&c)));
                // Yuma 2B's validator trust divides clipped *previous* weights by current ones, so it
                // may exceed 1; everywhere else it is a share in [0, 1].
                let max_tv = if v == Variant::Yuma2b { f64::INFINITY } else { 1.0 + 1e-12 };
                prop_assert!(e.validator_trust.iter().all(|&t| t.is_finite() && (0.0..=max_tv).contains(&t)));
                prop_assert!(e.bonds.data.iter().all(|b| b.is_finite() && *b >= 0.0));
                for i in 0..e.weights.rows {
                    prop_assert!(sums_to_one_or_zero(e.weights.row(i)) || e.weights.row(i).iter().sum::<f64>() < 1.0);
                }
            }
        }
    }

    #[test]
    fn same_input_gives_bit_identical_output(case in arb_case()) {
        for v in VARIANTS {
            let mut c = case.clone();
            c.variant = Some(v);
            let a = serde_json::to_string(&run_case(&c).unwrap()).unwrap();
            let b = serde_json::to_string(&run_case(&c).unwrap()).unwrap();
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn clipped_weights_never_exceed_consensus_or_weights(case in arb_case()) {
        let mut c = case;
        c.variant = Some(Variant::Yuma2);
        let out = run_case(&c).unwrap();
        for e in &out.epochs {
            for i in 0..e.weights.rows {
                for j in 0..e.weights.cols {
                    let wc = e.clipped_weights.get(i, j);
                    prop_assert!(wc <= e.consensus[j] && wc <= e.weights.get(i, j));
                }
            }
        }
    }

    #[test]
    fn histogram_consensus_matches_sorting(pairs in proptest::collection::vec((prop_oneof![Just(0.0), Just(0.5), Just(1e-300), 0.0f64..1.0], 0.0f64..1.0), 1..300), kappa in 0.0f64..1.2) {
        let (col, s): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        let want = consensus::kappa_quantile_by_sort(&col, &s, kappa);
        let mut got = [0.0];
        consensus::consensus_dense(&col, col.len(), 1, &s, kappa, &mut got, &mut consensus::Scratch::default());
        prop_assert_eq!(got[0], want);
    }

    #[test]
    fn sparse_consensus_matches_dense(rows in 1usize..8, cols in 1usize..8, seed in any::<u64>(), kappa in 0.0f64..1.0) {
        let mut x = seed | 1;
        let mut next = || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
        let mut d = Dense::zeros(rows, cols);
        for k in 0..rows * cols { if next() % 3 != 0 { d.data[k] = (next() % 1000) as f64 / 1000.0; } }
        let s: Vec<f64> = (0..rows).map(|_| (next() % 100) as f64 / 100.0).collect();
        let mut dense = vec![0.0; cols];
        consensus::consensus_dense(&d.data, rows, cols, &s, kappa, &mut dense, &mut consensus::Scratch::default());
        let mut sparse = vec![0.0; cols];
        Csr::from_dense(&d).consensus(&s, kappa, &mut sparse);
        prop_assert_eq!(&dense, &sparse);
        prop_assert_eq!(Csr::from_dense(&d).to_dense(), d);
    }
}
