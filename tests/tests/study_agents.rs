//! The shipped studies' qualitative outcomes (chain epoch, seed 0; docs/studies.md), the
//! mixture-of-experts gain, and the agents' determinism.

use taolab::agents::sim::mean_metric;
use taolab::agents::{metrics, simulate, EpochMetrics, Role};
use taolab::study::scenarios::{by_name, NAMES};

fn study(name: &str) -> Vec<EpochMetrics> {
    metrics(&simulate(&by_name(name).unwrap()).unwrap())
}

/// Mean over the second half of the run.
fn late(m: &[EpochMetrics], key: &str) -> f64 {
    mean_metric(m, key, m.len() / 2)
}

#[test]
fn copier_without_commit_reveal_earns_about_what_honest_validators_earn() {
    let m = study("weight-copying");
    let (c, h) = (late(&m, "yield.copier"), late(&m, "yield.honest"));
    assert!((c - h).abs() < 0.1, "copier {c}, honest {h}");
}

#[test]
fn commit_reveal_makes_the_copier_earn_less() {
    let m = study("weight-copying-cr");
    let (c, h) = (late(&m, "yield.copier"), late(&m, "yield.honest"));
    assert!(c < h - 0.05, "copier {c}, honest {h}");
    let off = study("weight-copying");
    assert!(c < late(&off, "yield.copier") - 0.05);
}

#[test]
fn a_forty_percent_cabal_cannot_take_the_emission() {
    let m = study("cabal-40");
    let he = late(&m, "honestEmission");
    assert!(he >= 0.6, "honest emission {he} below its 60 % stake");
    assert!(late(&m, "cabalIncentive") < 0.3);
    assert!(late(&m, "yield.cabal") < late(&m, "yield.honest"));
}

#[test]
fn a_lazy_validator_earns_less() {
    let m = study("lazy-validator");
    let (l, h) = (late(&m, "yield.lazy"), late(&m, "yield.honest"));
    assert!(l < h - 0.1, "lazy {l}, honest {h}");
}

#[test]
fn moving_first_against_the_majority_is_clipped() {
    let m = study("move-first");
    let (f, r) = (late(&m, "yield.first"), late(&m, "yield.followers"));
    assert!(f < r, "first {f}, followers {r}");
}

#[test]
fn consensus_weighted_experts_beat_uniform_weighting() {
    for name in ["weight-copying", "lazy-validator", "cabal-40"] {
        let m = study(name);
        let (moe, uni) = (late(&m, "moeAccuracy"), late(&m, "uniformAccuracy"));
        assert!(moe > uni + 0.1, "{name}: ensemble {moe}, uniform {uni}");
        assert!(moe <= late(&m, "bestAccuracy") + 1e-9);
    }
}

#[test]
fn agents_are_seeded() {
    let sc = by_name("weight-copying-cr").unwrap();
    let a = simulate(&sc).unwrap();
    let b = simulate(&sc).unwrap();
    assert_eq!(a.case, b.case);
    assert_eq!(metrics(&a), metrics(&b));
    let mut other = sc.clone();
    other.seed = 1;
    assert_ne!(simulate(&other).unwrap().case, a.case);
}

#[test]
fn without_commit_reveal_the_copier_sets_the_others_mean() {
    let sc = by_name("weight-copying").unwrap();
    let run = simulate(&sc).unwrap();
    let copier = run
        .groups
        .iter()
        .position(|&g| sc.validators[g].role == Role::Copier)
        .unwrap();
    for ep in &run.case.epochs {
        let m = ep.weights[0].len();
        let mut mean = vec![0.0; m];
        let mut total = 0.0;
        for (i, row) in ep.weights.iter().enumerate() {
            if i == copier {
                continue;
            }
            let s: f64 = row.iter().sum();
            for (a, x) in mean.iter_mut().zip(row) {
                *a += ep.stakes[i] * x / s;
            }
            total += ep.stakes[i];
        }
        for (a, b) in mean.iter().zip(&ep.weights[copier]) {
            assert!((a / total - b).abs() < 1e-12);
        }
    }
}

#[test]
fn every_shipped_study_runs_and_bad_names_are_errors() {
    for n in NAMES {
        assert!(!study(n).is_empty());
    }
    let e = by_name("nope").unwrap_err().to_string();
    assert!(e.contains("weight-copying"), "{e}");
}

#[test]
fn a_group_of_no_validators_reports_plain_zeros() {
    let mut sc = by_name("weight-copying").unwrap();
    let copier = sc
        .validators
        .iter()
        .position(|v| v.role == Role::Copier)
        .unwrap();
    sc.validators[copier].count = 0;
    let name = sc.validators[copier].name.clone();
    let m = metrics(&simulate(&sc).unwrap());
    assert!(!m.is_empty());
    for ep in &m {
        for key in ["dividends", "yield", "vtrust"] {
            let x = ep.values[&format!("{key}.{name}")];
            assert_eq!(x.to_bits(), 0.0f64.to_bits(), "{key}.{name} is {x:?}");
        }
    }
}
