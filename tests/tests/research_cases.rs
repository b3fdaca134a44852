//! The research variants on the first epochs of community cases 1, 2, 11 (and 9, 14), checked
//! against values worked out by hand from the formulas of spec/yuma-variants.md §2–§3.
//!
//! Notation in the comments: `a = 1/(1 + 1e-6)` is what a row holding a single 1.0 becomes
//! after the simulator's row normalisation.

use taolab::yuma::{cases, run_case, Alpha, CaseOutput, Variant};

const A: f64 = 1.0 / (1.0 + 1e-6);
const TOL: f64 = 1e-12;

fn run(n: usize, v: Variant) -> CaseOutput {
    let mut c = cases::case(n).expect("case exists");
    c.variant = Some(v);
    run_case(&c).expect("case runs")
}

#[track_caller]
fn close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= TOL,
            "entry {k}: got {g}, want {w} (all: {got:?} vs {want:?})"
        );
    }
}

#[track_caller]
fn close_rows(got: &taolab::math::Dense, want: &[&[f64]]) {
    assert_eq!(got.rows, want.len());
    for (i, w) in want.iter().enumerate() {
        close(got.row(i), w);
    }
}

fn dhat(d: &[f64]) -> Vec<f64> {
    let s: f64 = d.iter().sum();
    d.iter().map(|x| x / (s + 1e-6)).collect()
}

#[test]
fn case1_shared_steps_epoch0_and_1() {
    for v in [
        Variant::Yuma1,
        Variant::Yuma2,
        Variant::Yuma2c,
        Variant::Yuma3,
    ] {
        let out = run(1, v);
        let e0 = &out.epochs[0];
        // Everyone on S1: Wn = a, consensus [a, 0] → normalised and quantised [1, 0].
        close_rows(&e0.weights, &[&[A, 0.0], &[A, 0.0], &[A, 0.0]]);
        close(&e0.stake, &[0.8, 0.1, 0.1]);
        close(&e0.prerank, &[A, 0.0]);
        close(&e0.consensus, &[1.0, 0.0]);
        close(&e0.incentive, &[1.0, 0.0]);
        close(&e0.trust, &[1.0, 0.0]);
        close(&e0.validator_trust, &[1.0, 1.0, 1.0]);
        // Epoch 1: the big validator alone moves to S2. S1 holds only 0.2 of the stake above
        // weight 0, so C = [0, a] → [0, 1]; the smalls are clipped to nothing.
        let e1 = &out.epochs[1];
        close(&e1.consensus, &[0.0, 1.0]);
        close_rows(&e1.clipped_weights, &[&[0.0, A], &[0.0, 0.0], &[0.0, 0.0]]);
        close(&e1.rank, &[0.0, 0.8 * A]);
        close(&e1.incentive, &[0.0, 1.0]);
        close(&e1.prerank, &[0.2 * A, 0.8 * A]);
        close(&e1.validator_trust, &[1.0, 0.0, 0.0]);
    }
}

#[test]
fn case1_yuma2_bonds_and_dividends() {
    let out = run(1, Variant::Yuma2);
    // e0: fresh bonds are the stake shares on S1; no EMA on the first epoch.
    close_rows(
        &out.epochs[0].bonds,
        &[&[0.8, 0.0], &[0.1, 0.0], &[0.1, 0.0]],
    );
    close(&out.epochs[0].dividends_raw, &[0.8, 0.1, 0.1]);
    close(&out.epochs[0].dividends, &dhat(&[0.8, 0.1, 0.1]));
    assert_eq!(out.epochs[0].alpha, Alpha::Scalar(0.9));
    // e1: fresh S2 column = [1, 0, 0]; B = 0.9·fresh + 0.1·B_old.
    close_rows(
        &out.epochs[1].fresh_bonds,
        &[&[0.0, 1.0], &[0.0, 0.0], &[0.0, 0.0]],
    );
    close_rows(
        &out.epochs[1].bonds,
        &[&[0.08, 0.9], &[0.01, 0.0], &[0.01, 0.0]],
    );
    close(&out.epochs[1].dividends, &dhat(&[0.9, 0.0, 0.0]));
    // e2: A and B on S2 (fresh 8/9, 1/9), C on S1 (clipped).
    let b = [
        [0.1 * 0.08, 0.9 * 8.0 / 9.0 + 0.1 * 0.9],
        [0.1 * 0.01, 0.9 / 9.0],
        [0.1 * 0.01, 0.0],
    ];
    close_rows(&out.epochs[2].bonds, &[&b[0], &b[1], &b[2]]);
    close(&out.epochs[2].dividends, &dhat(&[b[0][1], b[1][1], 0.0]));
    // Dividend per 1,000 TAO = 0.41·D̂·100/(S·1e6/1000).
    let d = dhat(&[b[0][1], b[1][1], 0.0]);
    close(
        &out.epochs[2].dividend_per_1000_tao,
        &[
            0.41 * d[0] * 100.0 / 800.0,
            0.41 * d[1] * 100.0 / 100.0,
            0.0,
        ],
    );
    close(
        &out.epochs[2].relative_dividends,
        &[d[0] - 0.8, d[1] - 0.1, -0.1],
    );
}

#[test]
fn case1_yuma1_rebuilds_bonds_each_epoch() {
    let out = run(1, Variant::Yuma1);
    // e0: fresh B_i = Sn_i·a/(a + 1e-6); then renormalised with +1e-6.
    let fresh: Vec<f64> = [0.8, 0.1, 0.1].iter().map(|s| s * A / (A + 1e-6)).collect();
    let col: f64 = fresh.iter().sum();
    let ema: Vec<f64> = fresh.iter().map(|b| b / (col + 1e-6)).collect();
    close(&out.epochs[0].dividends_raw, &ema);
    // e1: α = 1, so the S2 column is rebuilt from scratch: only the big validator.
    let f = 0.8 * A / (0.8 * A + 1e-6);
    let b = f / (f + 1e-6);
    close_rows(&out.epochs[1].bonds, &[&[0.0, b], &[0.0, 0.0], &[0.0, 0.0]]);
    close(&out.epochs[1].dividends_raw, &[b, 0.0, 0.0]);
    assert_eq!(out.epochs[1].alpha, Alpha::Scalar(1.0));
}

#[test]
fn case1_yuma2b_clips_the_previous_weights() {
    let out = run(1, Variant::Yuma2b);
    // e1: consensus from this epoch ([0, 1]) clips last epoch's weights (all on S1): nothing left.
    let e1 = &out.epochs[1];
    close(&e1.consensus, &[0.0, 1.0]);
    close_rows(
        &e1.clipped_weights,
        &[&[0.0, 0.0], &[0.0, 0.0], &[0.0, 0.0]],
    );
    close(&e1.incentive, &[0.0, 0.0]);
    close(&e1.dividends_raw, &[0.0, 0.0, 0.0]);
    close_rows(&e1.bonds, &[&[0.08, 0.0], &[0.01, 0.0], &[0.01, 0.0]]);
    // e2: clip e1's weights (A on S2, B and C on S1) to [0, 1]: only A's S2 weight survives.
    let e2 = &out.epochs[2];
    close_rows(&e2.clipped_weights, &[&[0.0, A], &[0.0, 0.0], &[0.0, 0.0]]);
    close(&e2.incentive, &[0.0, 1.0]);
    close_rows(&e2.bonds, &[&[0.008, 0.9], &[0.001, 0.0], &[0.001, 0.0]]);
    // Validator trust: Σ clipped (previous weights) / Σ current Wn.
    close(&e2.validator_trust, &[1.0, 0.0, 0.0]);
}

#[test]
fn case1_yuma2c_buys_bonds_against_capacity() {
    let out = run(1, Variant::Yuma2c);
    let k = 18_446_744_073_709_551_615.0_f64;
    let cap = [0.8 * k, 0.1 * k, 0.1 * k];
    // e0: purchase = min(0.1·cap, cap)·Wn = 0.1·cap·a on S1.
    let b0: Vec<f64> = cap.iter().map(|c| 0.1 * c * A).collect();
    close(
        &out.epochs[0]
            .bonds
            .data
            .iter()
            .step_by(2)
            .map(|x| x / k)
            .collect::<Vec<_>>(),
        &b0.iter().map(|x| x / k).collect::<Vec<_>>(),
    );
    let col: f64 = b0.iter().sum();
    close(
        &out.epochs[0].dividends_raw,
        &b0.iter().map(|b| b / (col + 1e-6)).collect::<Vec<_>>(),
    );
    assert_eq!(out.epochs[0].alpha, Alpha::None);
    assert_eq!(out.epochs[0].fresh_bonds.rows, 0);
    // e1: bonds decay by 0.9 and A buys 0.1·cap·a on S2; only A holds S2, which takes all incentive.
    let e1 = &out.epochs[1];
    let rel = |x: f64, y: f64| ((x - y) / y).abs() < 1e-12;
    assert!(rel(e1.bonds.get(0, 0), 0.9 * b0[0]));
    assert!(rel(e1.bonds.get(0, 1), 0.1 * cap[0] * A));
    assert!(rel(e1.bonds.get(1, 0), 0.9 * b0[1] + 0.1 * cap[1] * A));
    close(&e1.dividends_raw, &[1.0, 0.0, 0.0]);
}

#[test]
fn case1_yuma3_relative_bonds() {
    let out = run(1, Variant::Yuma3);
    // α = 1 − 0.1 = 0.9. e0: B = 0.9·Wn.
    close_rows(
        &out.epochs[0].bonds,
        &[&[0.9 * A, 0.0], &[0.9 * A, 0.0], &[0.9 * A, 0.0]],
    );
    let share = 0.9 * A / (2.7 * A + 1e-6);
    close(
        &out.epochs[0].dividends_raw,
        &[0.8 * share, 0.1 * share, 0.1 * share],
    );
    // e1: B = 0.1·B_old + 0.9·Wn (raw, unclipped weights).
    let e1 = &out.epochs[1];
    close_rows(
        &e1.bonds,
        &[
            &[0.09 * A, 0.9 * A],
            &[0.09 * A + 0.9 * A, 0.0],
            &[0.09 * A + 0.9 * A, 0.0],
        ],
    );
    close(
        &e1.dividends_raw,
        &[0.8 * (0.9 * A / (0.9 * A + 1e-6)), 0.0, 0.0],
    );
}

#[test]
fn case2_eager_validator_is_clipped_until_big_follows() {
    let out = run(2, Variant::Yuma2);
    let e1 = &out.epochs[1];
    // B alone on S2 (stake 0.1 < κ): consensus [1, 0]; B's weight is clipped away.
    close(&e1.consensus, &[1.0, 0.0]);
    close(&e1.validator_trust, &[1.0, 0.0, 1.0]);
    close(&e1.incentive, &[1.0, 0.0]);
    close_rows(
        &e1.bonds,
        &[
            &[0.9 * 0.8 / 0.9 + 0.08, 0.0],
            &[0.01, 0.0],
            &[0.9 * 0.1 / 0.9 + 0.01, 0.0],
        ],
    );
    // Base validator is the eager one.
    assert_eq!(out.base_validator, "Small eager vali. (0.1)");
    let base = out
        .total_dividends
        .iter()
        .find(|t| t.validator == out.base_validator)
        .unwrap();
    assert_eq!(base.percent_vs_base, Some(0.0));
}

#[test]
fn case11_fractional_clipping() {
    let out = run(11, Variant::Yuma2);
    let e0 = &out.epochs[0];
    // Wn = W·a. S1: sorted .61a (.02), .6a (.51 ≥ κ) → .6a; S2: .7a (.49), .4a (.98) → .4a.
    let c_raw = [0.6 * A, 0.4 * A];
    let sum = c_raw[0] + c_raw[1];
    let c: Vec<f64> = c_raw
        .iter()
        .map(|x| (x / sum * 65535.0).trunc() / 65535.0)
        .collect();
    close(&e0.consensus, &c);
    let wn = [[0.3 * A, 0.7 * A], [0.6 * A, 0.4 * A], [0.61 * A, 0.39 * A]];
    let wc: Vec<[f64; 2]> = wn
        .iter()
        .map(|r| [r[0].min(c[0]), r[1].min(c[1])])
        .collect();
    close_rows(&e0.clipped_weights, &[&wc[0], &wc[1], &wc[2]]);
    let s = [0.49, 0.49, 0.02];
    let r: Vec<f64> = (0..2)
        .map(|j| (0..3).map(|i| s[i] * wc[i][j]).sum())
        .collect();
    close(&e0.rank, &r);
    close(&e0.incentive, &[r[0] / (r[0] + r[1]), r[1] / (r[0] + r[1])]);
    let tv: Vec<f64> = (0..3)
        .map(|i| (wc[i][0] + wc[i][1]) / (wn[i][0] + wn[i][1]))
        .collect();
    close(&e0.validator_trust, &tv);
}

#[test]
fn case9_merged_stake_changes_yuma2_dividends_at_once() {
    let out = run(9, Variant::Yuma2);
    // Everyone on S2 throughout: fresh bonds are the stake shares, so from e6 (stakes
    // .8/.2/0) Yuma 2's bonds converge to the new shares with α = 0.9 per epoch.
    close_rows(
        &out.epochs[5].bonds,
        &[&[0.0, 0.8], &[0.0, 0.1], &[0.0, 0.1]],
    );
    close_rows(
        &out.epochs[6].bonds,
        &[
            &[0.0, 0.8],
            &[0.0, 0.9 * 0.2 + 0.1 * 0.1],
            &[0.0, 0.1 * 0.1],
        ],
    );
}

#[test]
fn case14_one_epoch_switch_under_yuma3_liquid_alpha() {
    let mut c = cases::case(14).unwrap();
    c.variant = Some(Variant::Yuma3);
    c.params.liquid_alpha = true;
    let out = run_case(&c).unwrap();
    // First epoch: no previous consensus, so α is the scalar 1 − bma.
    assert_eq!(out.epochs[0].alpha, Alpha::Scalar(0.9));
    // Second epoch: liquid α per entry. V0 on S1 (buy, x = clamp(a − 1, 0, 1) = 0):
    // α = 0.1 + σ(10·(0 − 0.5))·0.2.
    let Alpha::Matrix(m) = &out.epochs[1].alpha else {
        panic!("liquid alpha is a matrix")
    };
    let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
    let buy0 = 0.1 + sig(-5.0) * 0.2;
    assert!((m.get(0, 0) - buy0).abs() < 1e-12);
    // V0 on S2: Wn = 0 ≥ B_old = 0 → buy, x = clamp(0 − 0, 0, 1) = 0: the same α.
    assert!((m.get(0, 1) - buy0).abs() < 1e-12);
}

#[test]
fn swapped_alpha_bounds_give_alpha_high_everywhere() {
    // torch.clamp(min > max) returns max: the total-dividends script's swapped bounds.
    let mut c = cases::case(1).unwrap();
    c.variant = Some(Variant::Yuma3);
    c.params.liquid_alpha = true;
    c.params.alpha_low = 0.3;
    c.params.alpha_high = 0.1;
    let out = run_case(&c).unwrap();
    let Alpha::Matrix(m) = &out.epochs[3].alpha else {
        panic!("liquid alpha is a matrix")
    };
    assert!(m.data.iter().all(|&a| a == 0.1));
}

#[test]
fn bond_reset_zeroes_a_column_for_yuma3_only() {
    // Case 8 resets server column 1 at epoch 20.
    for v in [Variant::Yuma3, Variant::Yuma2] {
        let out = run(8, v);
        let before = out.epochs[19].bonds.get(1, 1);
        let after = out.epochs[20].bonds.get(1, 1);
        let fresh = out.epochs[20].weights.get(1, 1);
        if v == Variant::Yuma3 {
            // B = 0.1·0 + 0.9·Wn: the old bond is gone.
            assert!(
                (after - 0.9 * fresh).abs() < TOL,
                "{after} vs {}",
                0.9 * fresh
            );
        } else {
            assert!(before > 0.0 && after > 0.0);
        }
    }
}

#[test]
fn winner_takes_all_gives_the_top_server_everything() {
    let out = run(20, Variant::Yuma2);
    for e in &out.epochs {
        let total: f64 = e.incentive.iter().sum();
        assert!((total - 1.0).abs() < 1e-12 || total == 0.0);
        assert!(e
            .incentive
            .iter()
            .all(|&x| x == 0.0 || x == 1.0 || x == 0.5));
    }
}

#[test]
fn zero_consensus_sum_gives_zero_incentive() {
    // Three validators, each alone on its own server, κ = 0.5: no server reaches κ.
    let case: taolab::yuma::Case = serde_json::from_str(
        r#"{"variant":"yuma2","epochs":[{"weights":[[1,0,0],[0,1,0],[0,0,1]],"stakes":[0.34,0.33,0.33]}]}"#,
    )
    .unwrap();
    let out = run_case(&case).unwrap();
    close(&out.epochs[0].consensus, &[0.0, 0.0, 0.0]);
    close(&out.epochs[0].incentive, &[0.0, 0.0, 0.0]);
    close(&out.epochs[0].dividends, &[0.0, 0.0, 0.0]);
    assert!(out.epochs[0].bonds.data.iter().all(|x| x.is_finite()));
}

/// "Dividend per 1,000 TAO" reads the stakes as shares: the same figures whatever their unit
/// (upstream divides by the raw stake, right only when the stakes sum to 1), here 0.041·D̂/Sn
/// for two validators that agree, and so earn in proportion to stake.
#[test]
fn dividend_per_1000_tao_does_not_depend_on_the_stakes_unit() {
    let per_1000 = |stakes: &str| {
        let text = format!(
            r#"{{"variant":"yuma2","epochs":[{{"weights":[[1,0],[1,0]],"stakes":{stakes}}}]}}"#
        );
        let out = run_case(&taolab::yuma::Case::from_json(&text).unwrap()).unwrap();
        out.epochs[0].dividend_per_1000_tao.clone()
    };
    let shares = per_1000("[0.25, 0.75]");
    assert_eq!(per_1000("[1, 3]"), shares);
    assert_eq!(per_1000("[250, 750]"), shares);
    assert_eq!(per_1000("[2.5e9, 7.5e9]"), shares);
    for (d, s) in shares.iter().zip([0.25, 0.75]) {
        // D̂_i = Sn_i / (1 + 1e-6): 0.041·D̂_i/Sn_i = 0.041/(1 + 1e-6).
        assert!(
            (d - 0.041 / (1.0 + 1e-6)).abs() < 1e-12,
            "{d} for share {s}"
        );
    }
}

/// The `taolab run` output reads back into the Rust types, value for value, under every
/// variant (the chain's leaves some outputs out; liquid alpha gives an α matrix).
#[test]
fn run_output_reads_back_into_the_rust_types() {
    for v in Variant::ALL {
        for n in [1, 3] {
            let mut case = cases::case(n).unwrap();
            case.variant = Some(v);
            case.params.liquid_alpha = n == 3;
            let out = run_case(&case).unwrap();
            let text = serde_json::to_string(&out).unwrap();
            let back: CaseOutput = serde_json::from_str(&text).unwrap();
            assert!(back == out, "case {n} under {v}");
        }
    }
    let e = serde_json::from_str::<taolab::math::Dense>("[[1, 2], [3]]").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("row 1 has 1 entries, row 0 has 2"),
        "{e}"
    );
}
