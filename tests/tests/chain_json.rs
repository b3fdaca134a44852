//! The JSON contract of `taolab epoch --variant chain` (docs/chain-epoch.md): the example runs,
//! defaults apply, integers are exact, bad input gets an error naming the field and index.

use taolab::yuma::chain::{epoch, ChainInput, ChainOutput};
use taolab::Error;

fn example() -> String {
    std::fs::read_to_string(taolab_tests::crate_path("../examples/chain-epoch.json")).unwrap()
}

#[test]
fn the_documented_example_parses_and_runs() {
    let input = ChainInput::from_json(&example()).unwrap();
    let out = epoch(&input).unwrap();
    assert_eq!(out.active, [true, true, true, true, true, true]);
    assert_eq!(out.validator_permit, [true, true, true, false, false, true]);
    let total: u64 = out.emission.iter().sum();
    // Shares are I32F32 (2⁻³² grain), then floored to rao: at most n·(E/2³² + 1) rao are lost.
    let slack = input.n as u64 * (input.rao_emission / (1 << 32) + 1);
    assert!(
        total <= input.rao_emission && input.rao_emission - total <= slack,
        "emission is conserved up to the rounding"
    );
    assert_eq!(out.consensus, [0, 0, 0, 43689, 21845, 0]);
    assert_eq!(out.bonds[2], [(4, 38184)]);
    assert!(out.incentive[3] > 0 && out.incentive[4] > 0);
    let json = serde_json::to_string(&out).unwrap();
    assert!(json.contains("\"serverEmission\":[") && json.contains("\"bonds\":[[[3,"));
    let back: ChainOutput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, out);
}

#[test]
fn absent_parameters_take_the_chain_defaults() {
    let text = r#"{"n":2,"block":10,"lastUpdate":[9,9],"blockAtRegistration":[0,0],"stake":[1,0],"raoEmission":1000000000}"#;
    let input = ChainInput::from_json(text).unwrap();
    assert_eq!(
        (
            input.tempo,
            input.activity_cutoff,
            input.kappa,
            input.bonds_penalty
        ),
        (360, 5000, 32767, 65535)
    );
    assert_eq!(
        (
            input.bonds_moving_average,
            input.alpha_low,
            input.alpha_high,
            input.alpha_sigmoid_steepness
        ),
        (900_000, 45875, 58982, 1000)
    );
    assert!(input.yuma3_enabled && !input.liquid_alpha_enabled);
    assert_eq!(
        (
            input.max_allowed_validators,
            input.stake_threshold,
            input.owner_uid
        ),
        (64, 0, None)
    );
    assert_eq!(input.weights, vec![vec![], vec![]]);
    assert_eq!(input.validator_permit, [false, false]);
    // test_zero_weights: stake [1, 0], no weights → all emission to uid 0.
    assert_eq!(epoch(&input).unwrap().emission, [1_000_000_000, 0]);
}

#[test]
fn u64_values_are_read_exactly() {
    let text = r#"{"n":1,"block":18446744073709551615,"lastUpdate":[18446744073709551615],"blockAtRegistration":[0],
        "stake":[18446744073709551615],"raoEmission":18446744073709551615}"#;
    let input = ChainInput::from_json(text).unwrap();
    assert_eq!(input.block, u64::MAX);
    assert_eq!(input.stake.as_ref().unwrap()[0], u64::MAX);
    assert_eq!(input.rao_emission, u64::MAX);
    epoch(&input).unwrap();
    for bad in ["1e3", "1.5", "-1", "18446744073709551616"] {
        let t = text.replacen(
            "\"raoEmission\":18446744073709551615",
            &format!("\"raoEmission\":{bad}"),
            1,
        );
        assert!(
            matches!(ChainInput::from_json(&t), Err(Error::Parse { .. })),
            "{bad} must be refused"
        );
    }
}

fn err(text: &str) -> String {
    ChainInput::from_json(text).unwrap_err().to_string()
}

#[test]
fn errors_name_the_field_and_the_index() {
    let base = r#"{"n":8,"block":10,"lastUpdate":[0,0,0,0,0,0,0,0],"blockAtRegistration":[0,0,0,0,0,0,0,0],"stake":[1,1,1,1,1,1,1,1],"raoEmission":1"#;
    let with = |extra: &str| format!("{base}{extra}}}");
    assert_eq!(
        err(&with(r#","weights":[[],[],[],[[1,5],[9,7]],[],[],[],[]]"#)),
        "weights[3][1] uid 9 is out of range (n = 8)"
    );
    assert_eq!(
        err(&with(r#","bonds":[[[2,1],[2,3]],[],[],[],[],[],[],[]]"#)),
        "bonds[0][1] uid 2 appears twice in the row"
    );
    assert_eq!(
        err(&with(r#","weights":[[],[]]"#)),
        "weights has 2 entries, n is 8"
    );
    assert_eq!(
        err(&with(r#","ownerUid":8"#)),
        "ownerUid uid 8 is out of range (n = 8)"
    );
    assert!(err(&with(r#","alphaStake":[1,1,1,1,1,1,1,1]"#)).starts_with("stake is given together"));
    assert!(err(&with(r#","kapa":1"#)).contains("unknown field `kapa`"));
    let no_stake = base.replace(r#","stake":[1,1,1,1,1,1,1,1]"#, "")
        + r#","alphaStake":[1,1,1,1,1,1,1,1],"taoStake":[0,0,0,0,0,0,0,0]}"#;
    assert_eq!(
        err(&no_stake),
        "taoWeight is missing (alphaStake, taoStake and taoWeight go together)"
    );
    assert_eq!(
        err(
            r#"{"n":70000,"block":0,"lastUpdate":[],"blockAtRegistration":[],"stake":[],"raoEmission":1}"#
        ),
        "n is 70000, over the limit of 65536 UIDs"
    );
}

#[test]
fn alpha_and_tao_stake_build_the_total_as_the_chain_does() {
    // tw = U96F32(TaoWeight)/u64::MAX carries 32 fraction bits: TaoWeight = u64::MAX/2 → ½.
    let text = r#"{"n":2,"block":10,"lastUpdate":[9,9],"blockAtRegistration":[0,0],"alphaStake":[100,0],"taoStake":[1000,4000],"taoWeight":9223372036854775807,"raoEmission":1000}"#;
    let input = ChainInput::from_json(text).unwrap();
    let out = epoch(&input).unwrap();
    assert_eq!(out.stake, [599, 1999]);
}
