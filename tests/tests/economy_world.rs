//! The world: conservation to the rao, determinism, every preset and policy, scenario errors,
//! and the golden digest of a seeded 10 000-block default world (regenerate on purpose with
//! `TAOLAB_BLESS=1 cargo test -p taolab-tests --release --test economy_world`).

use sha2::{Digest, Sha256};
use taolab::emission::SharePolicy;
use taolab::preset::Preset;
use taolab::world::{default_scenario, Arithmetic, Scenario, World};
use taolab::yuma::chain::{epoch as chain_epoch, ChainInput};
use taolab::yuma::research;
use taolab::yuma::{EpochOutput, Variant};
use taolab_tests::assert_conserved;

#[test]
fn default_world_conserves_every_rao_chain() {
    let mut w = World::new(&default_scenario(), 7).unwrap();
    w.step(3_000).unwrap();
    assert_conserved(&w);
    assert!(w.recorder().epochs.len() > 64 * 7);
    // Issuance grows by exactly the minted minus the recycled TAO.
    let l = w.ledger();
    assert_eq!(
        w.issuance() as u128,
        11_150_000_000_000_000 + l.tao_minted - l.tao_recycled
    );
}

#[test]
fn default_world_conserves_every_rao_float() {
    let mut sc = default_scenario();
    sc.arithmetic = Arithmetic::Float;
    let mut w = World::new(&sc, 7).unwrap();
    w.step(3_000).unwrap();
    assert_conserved(&w);
}

#[test]
fn every_preset_and_policy_runs_and_conserves() {
    for preset in Preset::ALL {
        let mut sc = default_scenario();
        sc.preset = preset.name().to_string();
        sc.subnet_registrations = vec![8_400_100, 8_400_500];
        let mut w = World::new(&sc, 3).unwrap();
        assert_eq!(*w.rules(), preset.rules());
        w.step(1_500).unwrap();
        assert_conserved(&w);
        let kinds: Vec<&str> = w.recorder().events.iter().map(|e| e.kind).collect();
        assert!(
            kinds.contains(&"subnetRegistered") || kinds.contains(&"subnetRegistrationFailed"),
            "{preset:?}"
        );
    }
    for policy in [
        SharePolicy::SpotPrice,
        SharePolicy::PriceEma,
        SharePolicy::tao_flow_default(),
        SharePolicy::NetFlow { window: 100 },
    ] {
        let mut sc = default_scenario();
        sc.rules.share_policy = Some(policy);
        let mut w = World::new(&sc, 3).unwrap();
        w.step(600).unwrap();
        assert_conserved(&w);
        let shares: f64 = w.subnets().iter().map(|s| s.last_share).sum();
        assert!(
            (shares - 1.0).abs() < 1e-9 || shares == 0.0,
            "{} sums to {shares}",
            policy.name()
        );
    }
}

#[test]
fn presets_differ_where_the_rules_differ() {
    let d = Preset::Described.rules();
    let t = Preset::Chain2026_06.rules();
    let l = Preset::Dtao2025_02.rules();
    assert_eq!(d.min_lock, 100_000_000_000);
    assert_eq!(d.network_immunity, 7 * 7_200);
    assert_eq!(t.network_immunity, 864_000);
    assert_eq!(d.tao_weight, 0);
    assert_ne!(l.curve, t.curve);
    assert_eq!(Preset::parse("preset", "2026-06"), Ok(Preset::Chain2026_06));
    assert!(Preset::parse("preset", "1999-01").is_err());
}

#[test]
fn described_preset_splits_18_41_41() {
    let mut sc = default_scenario();
    sc.preset = "described".into();
    sc.random_flows = None;
    sc.registrations_per_day = 0.0;
    let mut w = World::new(&sc, 1).unwrap();
    w.step(720).unwrap();
    let l = w.ledger();
    let paid = (l.owner + l.miners + l.validators + l.root + l.burned) as f64;
    assert_eq!(l.root, 0);
    assert!((l.owner as f64 / paid - 0.18).abs() < 0.001);
    assert!(((l.miners + l.validators) as f64 / paid - 0.82).abs() < 0.001);
}

#[test]
fn halving_inside_a_world() {
    let mut sc = default_scenario();
    sc.issuance = 10_499_999.0;
    sc.random_flows = None;
    let mut w = World::new(&sc, 1).unwrap();
    w.step(4).unwrap();
    let e: Vec<u64> = w.recorder().blocks.iter().map(|b| b.emission).collect();
    assert_eq!(e[0], 1_000_000_000);
    assert_eq!(*e.last().unwrap(), 500_000_000);
}

#[test]
fn same_seed_same_world_different_seed_different_world() {
    let run = |seed| {
        let mut w = World::new(&default_scenario(), seed).unwrap();
        w.step(500).unwrap();
        serde_json::to_string(w.recorder()).unwrap()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
}

/// `step_with_progress` reports every 1 000 blocks and the end, each `done` once; after a
/// `false` it stops at the block reported and says nothing more. The same with epochs computed
/// ahead on a second thread.
#[test]
fn progress_reports_each_block_count_once_and_stops_when_told() {
    let reports = |blocks: u64, threads: usize, stop_at: Option<u64>| {
        let mut w = World::new(&default_scenario(), 3).unwrap();
        w.set_threads(threads);
        let mut seen = Vec::new();
        w.step_with_progress(blocks, &mut |d, t| {
            seen.push((d, t));
            Some(d) != stop_at
        })
        .unwrap();
        (seen, w.block())
    };
    for threads in [1, 2] {
        let (seen, _) = reports(2_000, threads, None);
        assert_eq!(seen, [(1_000, 2_000), (2_000, 2_000)], "threads {threads}");
        let (seen, _) = reports(2_500, threads, None);
        assert_eq!(seen, [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]);
        let start = World::new(&default_scenario(), 3).unwrap().block();
        let (seen, block) = reports(3_000, threads, Some(1_000));
        assert_eq!(seen, [(1_000, 3_000)], "threads {threads}: stopped");
        assert_eq!(block, start + 1_000);
    }
    assert_eq!(reports(0, 1, None).0, [(0, 0)]);
    assert_eq!(reports(999, 1, None).0, [(999, 999)]);
}

#[test]
fn scenario_errors_name_the_field() {
    let sc = default_scenario();
    let mut v = serde_json::to_value(&sc).unwrap();
    v["subnets"][3]["tempo"] = 0.into();
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert_eq!(e, "subnets[3].tempo is 0");
    let mut v = serde_json::to_value(&sc).unwrap();
    v["subnets"][2]["poolTao"] = (-1.0).into();
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(e.starts_with("subnets[2].poolTao is negative"), "{e}");
    let mut v = serde_json::to_value(&sc).unwrap();
    v["subnets"][1]["netuid"] = 1.into();
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert_eq!(e, "subnets[1].netuid 1 is used twice");
    let mut v = serde_json::to_value(&sc).unwrap();
    v["preset"] = "2030-01".into();
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(e.starts_with("preset: unknown value '2030-01'"), "{e}");
    let e = Scenario::from_json(r#"{"subnets": [], "tempoo": 1}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `tempoo`"), "{e}");
    let mut v = serde_json::to_value(&sc).unwrap();
    v["subnets"][0]["weights"] =
        serde_json::json!({"kind": "fixed", "rows": [{"uid": 900, "targets": [[1, 1.0]]}]});
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        e.starts_with("subnets[0].weights.rows[0].uid is 900"),
        "{e}"
    );
    let mut w = World::new(&sc, 0).unwrap();
    assert!(w.step(u64::MAX).is_err());
}

/// Block numbers stop at 2⁵³ − 1: a start past it, or a step that would pass it, is refused
/// by name instead of wrapping the block counter (a fuzzed start near 2⁶⁴ used to).
#[test]
fn the_last_block_is_a_limit_not_a_wrap() {
    let last = taolab::limits::MAX_BLOCK;
    let mut sc = default_scenario();
    sc.start_block = last + 1;
    let e = World::new(&sc, 0).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("startBlock is {}, over the last block {last}", last + 1)
    );
    sc.start_block = last - 3;
    let mut w = World::new(&sc, 0).unwrap();
    w.step(2).unwrap();
    let e = w.step(2).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "blocks is 2: from block {} that passes the last block {last}",
            last - 1
        )
    );
    w.step(1).unwrap();
    assert_eq!(w.block(), last);
    assert!(w.step(1).is_err());
    assert_conserved(&w);
}

#[test]
fn examples_parse_and_run() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("world-") && name.ends_with(".json")) {
            continue;
        }
        let sc = Scenario::from_json(&std::fs::read_to_string(&p).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut w = World::new(&sc, 1).unwrap();
        w.step(800).unwrap();
        assert_conserved(&w);
        n += 1;
    }
    assert!(n >= 2);
}

/// The digest of a seeded 10 000-block default world: the recorded series as JSON.
#[test]
fn golden_default_world_10000_blocks() {
    golden_world(Arithmetic::Chain, "economy-world.json");
}

/// The same world in float arithmetic (the research epoch, f64 coinbase): pins every float
/// path of the world bit for bit, as the chain golden does for the fixed-point one.
#[test]
fn golden_default_world_10000_blocks_float() {
    golden_world(Arithmetic::Float, "economy-world-float.json");
}

fn golden_world(arith: Arithmetic, file: &str) {
    golden_world_threads(arith, file, 1, false, true);
}

fn golden_world_threads(
    arith: Arithmetic,
    file: &str,
    threads: usize,
    patient: bool,
    forecast: bool,
) -> World {
    let mut sc = default_scenario();
    sc.arithmetic = arith;
    let mut w = World::new(&sc, 42).unwrap();
    w.set_threads(threads);
    w.set_ahead_patient(patient);
    w.set_ahead_forecast(forecast);
    w.step(10_000).unwrap();
    assert_conserved(&w);
    let json = serde_json::to_string(w.recorder()).unwrap();
    let digest = format!("{:x}", Sha256::digest(json.as_bytes()));
    let summary = format!(
        "{{\n  \"seed\": 42,\n  \"blocks\": 10000,\n  \"issuance\": {},\n  \"epochs\": {},\n  \"events\": {},\n  \"sha256\": \"{}\"\n}}\n",
        w.issuance(),
        w.recorder().epochs.len(),
        w.recorder().events.len(),
        digest
    );
    let path = format!("{}/golden/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var("TAOLAB_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &summary).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).expect("golden file; run with TAOLAB_BLESS=1 to create it");
    assert_eq!(summary, expected);
    w
}

/// Chain epochs computed ahead on worker threads change nothing: the same digest as one
/// thread. Patient, every predicted epoch is computed ahead and waited for. With the forecast
/// of flows and registrations, an epoch starts once its subnet's last touch has happened, so
/// every one is taken; without it, an epoch starts a fixed lead before its block and is
/// recomputed when a flow or a registration touched its subnet in between.
#[test]
fn golden_default_world_10000_blocks_threads() {
    for (threads, patient, forecast) in [
        (2, true, true),
        (3, true, true),
        (2, true, false),
        (2, false, true),
    ] {
        let w = golden_world_threads(
            Arithmetic::Chain,
            "economy-world.json",
            threads,
            patient,
            forecast,
        );
        let st = w.ahead_stats();
        let epochs = w.recorder().epochs.len() as u64;
        assert!(st.hits + st.misses <= epochs, "{st:?} of {epochs} epochs");
        eprintln!("{threads} {patient} {forecast} {st:?}");
        if patient && forecast {
            assert_eq!(
                (st.hits, st.misses),
                (epochs, 0),
                "{threads} threads: {st:?}"
            );
        }
        if patient && !forecast {
            assert!(
                st.hits > epochs / 2,
                "{threads} threads: {st:?} of {epochs}"
            );
            assert!(
                st.misses > epochs / 20,
                "{threads} threads: {st:?} of {epochs}"
            );
        }
    }
}

/// The forecast of flows and registrations follows the world's draws through every kind of
/// event: scripted flows and registrations, random ones, and subnet registrations (which
/// renumber the subnets the random draws pick from). Every epoch computed ahead is then
/// taken, and the world is the same as on one thread.
#[test]
fn forecast_follows_scripted_events_and_subnet_registrations() {
    use taolab::world::scenario::{FlowSpec, RegistrationSpec};
    let mut sc = default_scenario();
    let start = sc.start_block;
    sc.subnet_registrations = vec![start + 700, start + 1_400];
    for k in 0..40u64 {
        sc.flows.push(FlowSpec {
            block: start + 37 * k + 5,
            netuid: (k % 64 + 1) as u16,
            tao: if k % 2 == 0 { 50.0 } else { 0.0 },
            alpha: if k % 2 == 0 { 0.0 } else { 500.0 },
        });
        sc.registrations.push(RegistrationSpec {
            block: start + 53 * k + 11,
            netuid: (k * 7 % 64 + 1) as u16,
            count: 1 + (k % 3) as u32,
        });
    }
    let run = |threads: usize| {
        let mut w = World::new(&sc, 11).unwrap();
        w.set_threads(threads);
        w.set_ahead_patient(true);
        w.step(2_200).unwrap();
        w
    };
    let (one, two) = (run(1), run(2));
    assert_conserved(&two);
    let json = |w: &World| serde_json::to_string(w.recorder()).unwrap();
    assert_eq!(json(&one), json(&two));
    let kinds: Vec<&str> = two.recorder().events.iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&"subnetRegistered"), "no subnet registered");
    let st = two.ahead_stats();
    let epochs = two.recorder().epochs.len() as u64;
    assert_eq!((st.hits, st.misses), (epochs, 0), "{st:?}");
}

/// One subnet: validators 0–2 with stake and fixed weights, miners 3–7 without stake, tempo 10.
fn small_scenario(arith: &str, hyper: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"arithmetic": "{arith}", "subnets": [{{"netuid": 1, "tempo": 10,
            "poolTao": 1000, "poolAlpha": 10000, "maxValidators": 3, "hyperparams": {hyper},
            "neurons": [{{"stake": 1000}}, {{"stake": 600}}, {{"stake": 300}}, {{"stake": 0}},
                        {{"stake": 0}}, {{"stake": 0}}, {{"stake": 0}}, {{"stake": 0}}],
            "weights": {{"kind": "fixed", "rows": [
                {{"uid": 0, "targets": [[3, 1.0], [4, 2.0], [5, 3.0]]}},
                {{"uid": 1, "targets": [[3, 1.0], [4, 2.0], [6, 1.0]]}},
                {{"uid": 2, "targets": [[7, 1.0], [3, 1.0], [0, 5.0]]}}]}}}}]}}"#
    ))
    .unwrap()
}

/// Steps one block at a time until an epoch runs; returns the world before that block.
fn step_to_epoch(w: &mut World) -> World {
    loop {
        let before = w.clone();
        let epochs = w.recorder().epochs.len();
        w.step(1).unwrap();
        if w.recorder().epochs.len() > epochs {
            return before;
        }
    }
}

/// The chain arithmetic runs `yuma::chain::epoch` on the subnet's storage (weights re-set,
/// bonds and permits carried, `lastMechanismStepBlock`), with `raoEmission = S + V + R`, and
/// pays the miners its server emission and the validators V by its validator emission.
#[test]
fn chain_world_runs_the_chain_epoch_and_carries_its_state() {
    for hyper in [
        "{}",
        r#"{"yuma3": false}"#,
        r#"{"liquidAlpha": true, "kappa": 40000, "bondsPenalty": 30000}"#,
    ] {
        let mut w = World::new(&small_scenario("chain", hyper), 1).unwrap();
        for epoch in 0..4 {
            let before = step_to_epoch(&mut w);
            let (s0, s1) = (&before.subnets()[0], &w.subnets()[0]);
            let b = w.block();
            let p = s1.last_drained;
            let n = s0.neurons.len();
            let mut st = s0.chain.clone();
            for r in &s0.rows {
                st.set_weights(r.uid as usize, &r.entries, b);
            }
            let mut inp = ChainInput::new(n, b, p.server + p.validator + p.root);
            inp.tempo = 10;
            inp.max_allowed_validators = 3;
            inp.stake = Some(s0.neurons.stake.clone());
            inp.yuma3_enabled = s0.hyper.yuma3;
            inp.liquid_alpha_enabled = s0.hyper.liquid_alpha;
            inp.kappa = s0.hyper.kappa;
            inp.bonds_penalty = s0.hyper.bonds_penalty;
            st.fill_input(&mut inp);
            let out = chain_epoch(&inp).unwrap();
            assert_eq!(s1.chain.bonds, out.bonds, "{hyper} epoch {epoch}");
            assert_eq!(s1.chain.validator_permit, out.validator_permit);
            assert_eq!(s1.chain.last_mechanism_step_block, b);
            assert!(out.incentive.iter().any(|&x| x > 0), "{hyper}");
            let div_total: u64 = out.validator_emission.iter().sum();
            for u in 0..n {
                let delta = s1.neurons.stake[u] - s0.neurons.stake[u];
                let want = out.server_emission[u]
                    + if out.validator_emission[u] > 0 {
                        (p.validator as u128 * out.validator_emission[u] as u128
                            / div_total as u128) as u64
                    } else {
                        0
                    };
                // U96F32 share × pool may floor one rao below the exact quotient.
                assert!(
                    delta <= want && want - delta <= 1,
                    "{hyper} epoch {epoch} uid {u}: {delta} vs {want}"
                );
            }
            if epoch > 0 {
                assert!(s1.chain.bonds.iter().any(|r| !r.is_empty()));
            }
        }
        assert_conserved(&w);
    }
}

/// The float arithmetic runs `yuma::research::epoch` (Yuma 3 by default, or the scenario's
/// variant) with the previous output as its state, and splits S by incentive.
#[test]
fn float_world_runs_the_research_epoch() {
    for variant in [None, Some(Variant::Yuma2), Some(Variant::Yuma2c)] {
        let mut sc = small_scenario("float", "{}");
        sc.variant = variant;
        let mut w = World::new(&sc, 1).unwrap();
        let mut prev: Option<EpochOutput> = None;
        let mut ws = research::Workspace::default();
        for epoch in 0..3 {
            let before = step_to_epoch(&mut w);
            let (s0, s1) = (&before.subnets()[0], &w.subnets()[0]);
            let n = s0.neurons.len();
            let mut wts = taolab::math::Dense::zeros(3, n);
            for (k, r) in s0.rows.iter().enumerate() {
                for &(j, v) in &r.entries {
                    if j != r.uid {
                        wts.set(k, j as usize, v as f64);
                    }
                }
            }
            let stakes: Vec<f64> = (0..3).map(|u| s0.neurons.stake[u] as f64).collect();
            let mut out = EpochOutput::default();
            research::epoch(
                variant.unwrap_or(Variant::Yuma3),
                &s0.hyper.research_params(),
                &wts,
                &stakes,
                prev.as_ref(),
                None,
                &mut out,
                &mut ws,
            )
            .unwrap();
            let server = s1.last_drained.server;
            for u in 3..n {
                let delta = s1.neurons.stake[u] - s0.neurons.stake[u];
                let want = (out.incentive[u] * server as f64).floor() as u64;
                assert_eq!(delta, want, "{variant:?} epoch {epoch} uid {u}");
            }
            assert_eq!(s1.float.prev.bonds, out.bonds);
            prev = Some(out);
        }
        assert_conserved(&w);
    }
}

#[test]
fn hyperparams_and_variant_are_checked() {
    let sc = default_scenario();
    let mut v = serde_json::to_value(&sc).unwrap();
    v["subnets"][4]["hyperparams"] = serde_json::json!({"alphaLow": 60000});
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        e.starts_with("subnets[4].hyperparams.alphaLow is 60000"),
        "{e}"
    );
    let mut v = serde_json::to_value(&sc).unwrap();
    v["subnets"][4]["hyperparams"] = serde_json::json!({"kapa": 1});
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(e.contains("unknown field `kapa`"), "{e}");
    let mut v = serde_json::to_value(&sc).unwrap();
    v["variant"] = "chain".into();
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(e.starts_with("variant is chain"), "{e}");
    // Every research variant runs the default network and conserves.
    for variant in [Variant::Yuma1, Variant::Yuma2b, Variant::Yuma2c] {
        let mut sc = default_scenario();
        sc.arithmetic = Arithmetic::Float;
        sc.variant = Some(variant);
        let mut w = World::new(&sc, 2).unwrap();
        w.step(800).unwrap();
        assert_conserved(&w);
        assert!(w.ledger().validators > 0 && w.ledger().miners > 0);
    }
}
