//! Every scenario and step of `tests/vectors/chain/subtensor-upstream-tests.json` (subtensor's
//! own epoch tests, re-executed), bit-exact on every field, through both the fast epoch and the
//! port of subtensor's design.

use serde_json::Value;
use taolab::yuma::chain::{epoch, port::epoch_port, ChainInput, ChainState};

fn load() -> Value {
    let path = taolab_tests::crate_path("vectors/chain/subtensor-upstream-tests.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn u64s(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

fn u16s(v: &Value) -> Vec<u16> {
    u64s(v).into_iter().map(|x| x as u16).collect()
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_bool().unwrap())
        .collect()
}

fn rows(v: &Value) -> Vec<Vec<(u16, u16)>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|e| (e[0].as_u64().unwrap() as u16, e[1].as_u64().unwrap() as u16))
                .collect()
        })
        .collect()
}

fn base_input(cfg: &Value) -> ChainInput {
    let n = cfg["n"].as_u64().unwrap() as usize;
    let mut input = ChainInput::new(n, 0, cfg["rao_emission_per_epoch"].as_u64().unwrap());
    input.stake = Some(u64s(&cfg["stake"]));
    input.last_update = u64s(&cfg["last_update"]);
    input.block_at_registration = u64s(&cfg["block_at_registration"]);
    input.validator_permit = bools(&cfg["validator_permits"]);
    input.max_allowed_validators = cfg["max_allowed_validators"].as_u64().unwrap() as u16;
    input.kappa = cfg["kappa"].as_u64().unwrap() as u16;
    input.bonds_penalty = cfg["bonds_penalty"].as_u64().unwrap() as u16;
    input.bonds_moving_average = cfg["bonds_moving_average"].as_u64().unwrap();
    input.yuma3_enabled = cfg["yuma3"].as_bool().unwrap();
    input.liquid_alpha_enabled = cfg["liquid_alpha"].as_bool().unwrap();
    input.alpha_low = cfg["alpha_low"].as_u64().unwrap() as u16;
    input.alpha_high = cfg["alpha_high"].as_u64().unwrap() as u16;
    input.alpha_sigmoid_steepness = cfg["alpha_sigmoid_steepness"].as_i64().unwrap() as i16;
    input.tempo = cfg["tempo"].as_u64().unwrap();
    input.activity_cutoff = cfg["activity_cutoff_blocks"].as_u64().unwrap();
    input.last_mechanism_step_block = cfg["last_mechanism_step_block"].as_u64().unwrap();
    input.owner_uid = cfg["owner_uid"].as_u64().map(|o| o as u16);
    input.stake_threshold = cfg["stake_threshold"].as_u64().unwrap();
    assert_eq!(cfg["tao_weight"].as_u64(), Some(0));
    input
}

fn replay(id: &str) {
    let doc = load();
    let sc = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no scenario {id}"));
    let mut input = base_input(&sc["config"]);
    let mut state = ChainState::from_input(&input);
    for (k, step) in sc["steps"].as_array().unwrap().iter().enumerate() {
        for sw in step["set_weights"].as_array().unwrap() {
            let uids = u16s(&sw["uids"]);
            let vals = u16s(&sw["values"]);
            let row: Vec<(u16, u16)> = uids.into_iter().zip(vals).collect();
            state.set_weights(
                sw["uid"].as_u64().unwrap() as usize,
                &row,
                sw["at_block"].as_u64().unwrap(),
            );
        }
        input.block = step["epoch_at_block"].as_u64().unwrap();
        state.fill_input(&mut input);
        let out = epoch(&input).unwrap();
        let port = epoch_port(&input);
        assert_eq!(out, port, "{id} step {k}: fast epoch and port differ");
        let e = &step["expect"];
        let at = |f: &str| format!("{id} step {k} (block {}): {f}", input.block);
        assert_eq!(out.incentive, u16s(&e["incentive"]), "{}", at("incentive"));
        assert_eq!(out.dividends, u16s(&e["dividends"]), "{}", at("dividends"));
        assert_eq!(out.consensus, u16s(&e["consensus"]), "{}", at("consensus"));
        assert_eq!(
            out.validator_trust,
            u16s(&e["validator_trust"]),
            "{}",
            at("validator_trust")
        );
        assert_eq!(
            out.stake_weight,
            u16s(&e["stake_weight"]),
            "{}",
            at("stake_weight")
        );
        assert_eq!(out.emission, u64s(&e["emission"]), "{}", at("emission"));
        assert_eq!(
            out.server_emission,
            u64s(&e["server_emission"]),
            "{}",
            at("server_emission")
        );
        assert_eq!(
            out.validator_emission,
            u64s(&e["validator_emission"]),
            "{}",
            at("validator_emission")
        );
        assert_eq!(
            out.validator_permit,
            bools(&e["new_permits"]),
            "{}",
            at("new_permits")
        );
        assert_eq!(out.bonds, rows(&e["bonds_after"]), "{}", at("bonds_after"));
        state.apply(&out, input.block, false);
    }
}

#[test]
fn every_scenario_in_the_file_is_replayed() {
    let doc = load();
    let ids: Vec<&str> = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "epoch_classic_test_bonds",
            "epoch_classic_test_active_stake",
            "yuma3_kappa_moves_first",
            "yuma3_one_epoch_switch",
            "yuma3_liquid_alpha_disabled"
        ]
    );
}

#[test]
fn classic_bonds_test_bonds_is_bit_exact() {
    replay("epoch_classic_test_bonds");
}

#[test]
fn classic_bonds_test_active_stake_is_bit_exact() {
    replay("epoch_classic_test_active_stake");
}

#[test]
fn yuma3_liquid_alpha_kappa_moves_first_is_bit_exact() {
    replay("yuma3_kappa_moves_first");
}

#[test]
fn yuma3_liquid_alpha_one_epoch_switch_is_bit_exact() {
    replay("yuma3_one_epoch_switch");
}

#[test]
fn yuma3_liquid_alpha_disabled_is_bit_exact() {
    replay("yuma3_liquid_alpha_disabled");
}
