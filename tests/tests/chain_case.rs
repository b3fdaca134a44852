//! `taolab run` with `"variant": "chain"`: float cases stored as the chain stores them and run
//! through the chain epoch, state carried between epochs.

use taolab::yuma::chain::run_case_epochs;
use taolab::yuma::{cases, run_case, run_case_with_progress, Alpha, Variant};

#[test]
fn every_builtin_case_runs_through_the_chain_epoch() {
    for k in 1..=22 {
        let Some(mut case) = cases::case(k) else {
            continue;
        };
        case.variant = Some(Variant::Chain);
        let out = run_case(&case).unwrap_or_else(|e| panic!("case {k}: {e}"));
        let (v, s) = case.shape();
        assert_eq!(out.epochs.len(), case.epochs.len());
        for (e, ep) in out.epochs.iter().enumerate() {
            assert_eq!(
                (ep.consensus.len(), ep.incentive.len(), ep.dividends.len()),
                (s, s, v),
                "case {k} epoch {e}"
            );
            assert_eq!(
                (
                    ep.bonds.rows,
                    ep.bonds.cols,
                    ep.weights.rows,
                    ep.clipped_weights.cols
                ),
                (v, s, v, s)
            );
            let d: f64 = ep.dividends.iter().sum();
            assert!(
                d == 0.0 || (d - 1.0).abs() < 1e-5,
                "case {k} epoch {e}: Σ D̂ = {d}"
            );
            let i: f64 = ep.incentive.iter().sum();
            assert!(
                i == 0.0 || (i - 1.0).abs() < 1e-6,
                "case {k} epoch {e}: Σ I = {i}"
            );
            assert!(ep.prerank.is_empty() && ep.rank.is_empty() && ep.trust.is_empty());
            assert!(matches!(ep.alpha, Alpha::Scalar(_) | Alpha::Matrix(_)));
        }
    }
}

#[test]
fn case_1_chain_consensus_follows_the_big_validator() {
    let mut case = cases::case(1).unwrap();
    case.variant = Some(Variant::Chain);
    let out = run_case(&case).unwrap();
    // Every validator weights one server fully in epoch 0: consensus 1 there.
    let first = &out.epochs[0];
    assert!(first.consensus.contains(&1.0), "{:?}", first.consensus);
    assert_eq!(
        first.weights.data.iter().filter(|&&w| w == 1.0).count(),
        case.shape().0
    );
}

#[test]
fn progress_is_reported_and_can_cancel() {
    let mut case = cases::case(1).unwrap();
    case.variant = Some(Variant::Chain);
    let mut seen = Vec::new();
    run_case_with_progress(&case, &mut |d, t| {
        seen.push((d, t));
        true
    })
    .unwrap();
    assert_eq!(seen.len(), case.epochs.len());
    assert_eq!(seen.last(), Some(&(case.epochs.len(), case.epochs.len())));
    let err = run_case_epochs(&case, &mut |d, _| d < 3).unwrap_err();
    assert!(err.to_string().contains("cancelled"));
}
