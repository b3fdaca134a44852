//! Fuzzed decoders: every input the faces read (the chain epoch, the research epoch, cases,
//! metagraphs, world scenarios in JSON and TOML, sweep specs, agent scenarios) is fed valid
//! documents with random mutations (numbers swapped for extremes, values for other types,
//! keys dropped or invented, rows cut short or duplicated, the text truncated or spliced)
//! and plain garbage. Each decoder must answer `Ok` or one line of error, never panic; and
//! what it accepts must run: the chain epoch bit-identical to the port of subtensor's code,
//! research outputs finite, worlds conserving every rao.
//!
//! The runs are seeded (the same cases in every CI run); `TAOLAB_FUZZ_SEED=N` picks another
//! seed and `TAOLAB_FUZZ_SEED=random` a fresh one, with `PROPTEST_CASES` for longer runs.

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{json, Number, Value};
use taolab::agents::sim::{simulate, AgentScenario};
use taolab::metagraph::Metagraph;
use taolab::study::sweep::SweepSpec;
use taolab::world::{Scenario, World};
use taolab::yuma::case::{run_case, Case, EpochOutput};
use taolab::yuma::chain::port::epoch_port;
use taolab::yuma::chain::random::{random_input, RandomShape};
use taolab::yuma::chain::{epoch as chain_epoch, ChainInput};
use taolab::yuma::single::{run_epoch, EpochInput};
use taolab::yuma::{cases, Params};
use taolab_tests::{assert_conserved, crate_path, SplitMix};

/// `cases` cases (or `PROPTEST_CASES`), from the fixed seed or `TAOLAB_FUZZ_SEED`.
fn config(cases: u32) -> ProptestConfig {
    let rng_seed = match std::env::var("TAOLAB_FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(s) => RngSeed::Fixed(s.parse().expect("TAOLAB_FUZZ_SEED: a u64 or `random`")),
        None => RngSeed::Fixed(2026),
    };
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        rng_seed,
        ..ProptestConfig::default()
    }
}

/// Numbers that break careless code: signs, zero, fractions, u16/u32/u64 edges, the f64
/// extremes and integers beyond f64's exact range.
fn nasty_number(r: &mut SplitMix) -> Value {
    let f = |x: f64| Value::Number(Number::from_f64(x).expect("finite"));
    match r.below(18) {
        0 => json!(-1),
        1 => json!(0),
        2 => json!(1),
        3 => f(0.5),
        4 => f(-0.5),
        5 => json!(65_535),
        6 => json!(65_536),
        7 => json!(4_294_967_296u64),
        8 => json!(u64::MAX),
        9 => json!(i64::MIN),
        10 => f(1e20),
        11 => f(-1e20),
        12 => f(f64::MAX),
        13 => f(f64::MIN_POSITIVE),
        14 => f(5e-324),
        15 => json!(9_007_199_254_740_993u64),
        16 => f(1e-9),
        _ => json!(255),
    }
}

/// Every node.
fn any_node(_: &Value) -> bool {
    true
}

fn is_number(v: &Value) -> bool {
    v.is_number()
}

/// Number of nodes of the tree that `pick` accepts.
fn count(v: &Value, pick: fn(&Value) -> bool) -> usize {
    usize::from(pick(v))
        + match v {
            Value::Array(a) => a.iter().map(|x| count(x, pick)).sum(),
            Value::Object(o) => o.values().map(|x| count(x, pick)).sum(),
            _ => 0,
        }
}

/// The `k`-th node (in pre-order) that `pick` accepts.
fn nth<'a>(v: &'a mut Value, k: &mut usize, pick: fn(&Value) -> bool) -> Option<&'a mut Value> {
    if pick(v) {
        if *k == 0 {
            return Some(v);
        }
        *k -= 1;
    }
    match v {
        Value::Array(a) => a.iter_mut().find_map(|x| nth(x, k, pick)),
        Value::Object(o) => o.values_mut().find_map(|x| nth(x, k, pick)),
        _ => None,
    }
}

/// One random mutation somewhere in `v`.
fn mutate(v: &mut Value, r: &mut SplitMix) {
    let mut k = r.below(count(v, any_node));
    let node = nth(v, &mut k, any_node).expect("k < count");
    match (r.below(10), &mut *node) {
        (0..=3, _) => *node = nasty_number(r),
        (4, _) => {
            *node = match r.below(5) {
                0 => Value::Null,
                1 => json!(true),
                2 => json!("x"),
                3 => json!([]),
                _ => json!({}),
            }
        }
        (5, Value::Number(n)) => {
            // Off by one (or a sign flip) rather than far off: near the valid range.
            let x = n.as_f64().unwrap_or(0.0);
            let y = [x + 1.0, x - 1.0, -x, x * 2.0][r.below(4)];
            *node = Number::from_f64(y).map_or(Value::Null, Value::Number);
        }
        (5..=7, Value::Array(a)) if !a.is_empty() => {
            let i = r.below(a.len());
            match r.below(3) {
                0 => {
                    a.remove(i);
                }
                1 => {
                    let x = a[i].clone();
                    a.insert(i, x);
                }
                _ => a.truncate(i),
            }
        }
        (5..=7, Value::Object(o)) if !o.is_empty() => {
            let key = o.keys().nth(r.below(o.len())).expect("non-empty").clone();
            if r.below(2) == 0 {
                o.remove(&key);
            } else {
                o.insert(format!("{key}X"), json!(1));
            }
        }
        _ => *node = nasty_number(r),
    }
}

/// Text-level damage: truncation or a spliced byte.
fn damage(text: &str, r: &mut SplitMix) -> String {
    let b = text.as_bytes();
    let i = r.below(b.len() + 1);
    let mut out = b[..i].to_vec();
    if r.below(2) == 0 {
        out.push(b"{}[],:\"0-e.9tn \\"[r.below(15)]);
        out.extend_from_slice(&b[i..]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A gentler mutation that keeps the document's shape: one number nudged (halved, doubled,
/// off by one, zeroed) or, one time in four, made extreme.
fn nudge(v: &mut Value, r: &mut SplitMix) {
    let mut k = r.below(count(v, is_number));
    let Some(node) = nth(v, &mut k, is_number) else {
        return;
    };
    if r.below(4) == 0 {
        *node = nasty_number(r);
        return;
    }
    let Value::Number(n) = &*node else {
        return;
    };
    *node = match (n.as_u64(), n.as_f64().unwrap_or(0.0)) {
        (Some(u), _) => {
            json!([u / 2, u.saturating_mul(2), u + 1, u.saturating_sub(1), 0][r.below(5)])
        }
        (None, x) => {
            let y = [x / 2.0, x * 2.0, x + 1.0, x - 1.0, 0.0][r.below(5)];
            Number::from_f64(y).map_or(Value::Null, Value::Number)
        }
    };
}

/// `sample` with one nudged number (half the time), or mutated 1–3 times, or (one time in
/// eight) damaged as text.
fn variant_of(sample: &Value, seed: u64) -> String {
    let mut r = SplitMix(seed);
    let mut v = sample.clone();
    if r.below(2) == 0 {
        nudge(&mut v, &mut r);
        return v.to_string();
    }
    for _ in 0..1 + r.below(3) {
        mutate(&mut v, &mut r);
    }
    let text = v.to_string();
    if r.below(8) == 0 {
        damage(&text, &mut r)
    } else {
        text
    }
}

/// An error is one non-empty line.
fn one_line(e: &taolab::Error) {
    let m = e.to_string();
    assert!(!m.is_empty() && !m.contains('\n'), "error message {m:?}");
}

fn finite(what: &str, xs: &[f64]) {
    if let Some(i) = xs.iter().position(|x| !x.is_finite()) {
        panic!("{what}[{i}] = {}", xs[i]);
    }
}

fn finite_output(o: &EpochOutput) {
    for (name, v) in [
        ("stake", &o.stake),
        ("prerank", &o.prerank),
        ("consensus", &o.consensus),
        ("rank", &o.rank),
        ("incentive", &o.incentive),
        ("trust", &o.trust),
        ("validatorTrust", &o.validator_trust),
        ("dividendsRaw", &o.dividends_raw),
        ("dividends", &o.dividends),
        ("dividendPer1000Tao", &o.dividend_per_1000_tao),
        ("relativeDividends", &o.relative_dividends),
    ] {
        finite(name, v);
    }
    for (name, m) in [
        ("weights", &o.weights),
        ("clippedWeights", &o.clipped_weights),
        ("freshBonds", &o.fresh_bonds),
        ("bonds", &o.bonds),
    ] {
        finite(name, &m.data);
    }
}

fn read(rel: &str) -> Value {
    let text = std::fs::read_to_string(crate_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_str(&text).expect(rel)
}

fn chain_samples() -> Vec<Value> {
    let mut v = vec![read("../examples/chain-epoch.json")];
    for seed in 1..4 {
        let shape = RandomShape {
            n: 12,
            validators: 5,
            per_row: 8,
            wild: true,
        };
        v.push(serde_json::to_value(random_input(shape, seed)).expect("serialise"));
    }
    v
}

/// The chain epoch: whatever decodes runs, bit-identical to the port.
fn check_chain(text: &str) {
    match ChainInput::from_json(text) {
        Ok(input) => {
            if input.n > 512 {
                return;
            }
            let out = chain_epoch(&input).expect("a decoded input runs");
            assert_eq!(out, epoch_port(&input), "fast epoch differs from the port");
            assert_eq!(out.emission.len(), input.n);
        }
        Err(e) => one_line(&e),
    }
}

fn research_samples() -> Vec<Value> {
    let case = cases::case(2).expect("case 2");
    let first = &case.epochs[0];
    let mut out = vec![json!({
        "variant": "yuma3",
        "weights": first.weights,
        "stakes": first.stakes,
    })];
    let run = run_case(&case).expect("case 2 runs");
    let prev = &run.epochs[0];
    let rows = |m: &taolab::math::Dense| -> Vec<Vec<f64>> {
        m.data.chunks(m.cols.max(1)).map(<[f64]>::to_vec).collect()
    };
    out.push(json!({
        "variant": "yuma2c",
        "params": {"kappa": 0.5, "bondPenalty": 0.5, "liquidAlpha": true},
        "weights": case.epochs[1].weights,
        "stakes": case.epochs[1].stakes,
        "previous": {"bonds": rows(&prev.bonds), "consensus": prev.consensus, "weights": rows(&prev.weights)},
    }));
    out
}

fn check_research(text: &str) {
    match EpochInput::from_json(text) {
        Ok(input) => match run_epoch(&input, None) {
            Ok(o) => finite_output(&o),
            Err(e) => one_line(&e),
        },
        Err(e) => one_line(&e),
    }
}

fn case_samples() -> Vec<Value> {
    let mut v: Vec<Value> = [1, 5, 9]
        .iter()
        .map(|&n| serde_json::to_value(cases::case(n).expect("case")).expect("serialise"))
        .collect();
    let mut chain = v[0].clone();
    chain["variant"] = json!("chain");
    v.push(chain);
    v
}

fn check_case(text: &str) {
    match Case::from_json(text) {
        Ok(case) => {
            let (vals, servers) = case.shape();
            if case.epochs.len() * vals * (vals + servers) > 200_000 {
                return;
            }
            match run_case(&case) {
                Ok(run) => run.epochs.iter().for_each(finite_output),
                Err(e) => one_line(&e),
            }
        }
        Err(e) => one_line(&e),
    }
}

fn check_metagraph(text: &str) {
    match Metagraph::from_json(text) {
        Ok(m) => match m.to_case(1, Params::default()).and_then(|c| run_case(&c)) {
            Ok(run) => run.epochs.iter().for_each(finite_output),
            Err(e) => one_line(&e),
        },
        Err(e) => one_line(&e),
    }
}

/// A world that builds runs 40 blocks and conserves every rao (or stops with an error).
fn run_world(sc: &Scenario) {
    let uids: usize = sc.subnets.iter().map(|s| s.neurons.len().max(256)).sum();
    if uids > 8_192 {
        return;
    }
    match World::new(sc, 1) {
        Ok(mut w) => match w.step(40) {
            Ok(()) => assert_conserved(&w),
            Err(e) => one_line(&e),
        },
        Err(e) => one_line(&e),
    }
}

fn world_samples() -> Vec<Value> {
    vec![
        read("../examples/world-two-subnets.json"),
        read("../examples/world-described-vs-chain.json"),
    ]
}

fn check_world_json(text: &str) {
    match Scenario::from_json(text) {
        Ok(sc) => run_world(&sc),
        Err(e) => one_line(&e),
    }
}

fn check_world_toml(text: &str) {
    match Scenario::from_toml(text) {
        Ok(sc) => run_world(&sc),
        Err(e) => one_line(&e),
    }
}

fn check_sweep(text: &str) {
    match SweepSpec::from_json(text) {
        Ok(spec) => match spec.runs() {
            Ok(runs) => {
                if let Some(run) = runs.first() {
                    if let Err(e) = spec.scenario(run) {
                        one_line(&e);
                    }
                }
            }
            Err(e) => one_line(&e),
        },
        Err(e) => one_line(&e),
    }
}

fn agent_sample() -> Value {
    let spec = SweepSpec::from_json(&read("../examples/sweep-kappa.json").to_string()).unwrap();
    let mut sc = spec.base().expect("base scenario");
    sc.epochs = sc.epochs.min(12);
    serde_json::to_value(sc).expect("serialise")
}

fn check_agents(text: &str) {
    match AgentScenario::from_json(text) {
        Ok(sc) => {
            let size = sc.epochs * (sc.validator_count() + sc.miners.count);
            if size > 20_000 {
                return;
            }
            if let Err(e) = simulate(&sc) {
                one_line(&e);
            }
        }
        Err(e) => one_line(&e),
    }
}

/// Every sample, unmutated, decodes (so the mutations start from valid documents).
#[test]
fn samples_decode() {
    for s in chain_samples() {
        ChainInput::from_json(&s.to_string()).expect("chain sample");
    }
    for s in research_samples() {
        EpochInput::from_json(&s.to_string()).expect("research sample");
    }
    for s in case_samples() {
        Case::from_json(&s.to_string()).expect("case sample");
    }
    Metagraph::from_json(&read("../data/metagraph-sn15-block4769998.json").to_string())
        .expect("metagraph sample");
    for s in world_samples() {
        let sc = Scenario::from_json(&s.to_string()).expect("world sample");
        let toml = toml::to_string(&sc).expect("scenario as TOML");
        Scenario::from_toml(&toml).expect("world sample as TOML");
    }
    SweepSpec::from_json(&read("../examples/sweep-kappa.json").to_string()).expect("sweep");
    AgentScenario::from_json(&agent_sample().to_string()).expect("agent sample");
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn chain_epoch_input(seed in any::<u64>(), which in 0usize..4) {
        let s = &chain_samples()[which];
        check_chain(&variant_of(s, seed));
    }

    #[test]
    fn research_epoch_input(seed in any::<u64>(), which in 0usize..2) {
        check_research(&variant_of(&research_samples()[which], seed));
    }

    #[test]
    fn case_input(seed in any::<u64>(), which in 0usize..4) {
        check_case(&variant_of(&case_samples()[which], seed));
    }

    #[test]
    fn world_scenario_json(seed in any::<u64>(), which in 0usize..2) {
        check_world_json(&variant_of(&world_samples()[which], seed));
    }

    #[test]
    fn sweep_spec(seed in any::<u64>()) {
        check_sweep(&variant_of(&read("../examples/sweep-kappa.json"), seed));
    }

    #[test]
    fn agent_scenario(seed in any::<u64>()) {
        check_agents(&variant_of(&agent_sample(), seed));
    }

    #[test]
    fn garbage(text in ".{0,64}", prefix in 0usize..6) {
        // Arbitrary text, and arbitrary text after the opening of a plausible document.
        let t = format!("{}{text}", ["", "{", "{\"n\":", "[[", "{\"subnets\":[{", "a = "][prefix]);
        check_chain(&t);
        check_research(&t);
        check_case(&t);
        check_metagraph(&t);
        check_world_json(&t);
        check_world_toml(&t);
        check_sweep(&t);
        check_agents(&t);
    }
}

proptest! {
    // The metagraph (256 × 256 weights) and the TOML round trip are slower per case.
    #![proptest_config(config(32))]

    #[test]
    fn metagraph_file(seed in any::<u64>()) {
        check_metagraph(&variant_of(&read("../data/metagraph-sn15-block4769998.json"), seed));
    }

    #[test]
    fn world_scenario_toml(seed in any::<u64>(), which in 0usize..2) {
        let mut r = SplitMix(seed);
        let sc = Scenario::from_json(&world_samples()[which].to_string()).expect("sample");
        let text = toml::to_string(&sc).expect("scenario as TOML");
        // TOML has no null: damage the text, and swap one number for an extreme.
        let text = if r.below(2) == 0 {
            damage(&text, &mut r)
        } else {
            let digits: Vec<usize> = text
                .char_indices()
                .filter(|(i, c)| c.is_ascii_digit() && text[..*i].ends_with(' '))
                .map(|(i, _)| i)
                .collect();
            match digits.get(r.below(digits.len())) {
                Some(&i) => {
                    let end = text[i..].find(['\n', ',', ']']).map_or(text.len(), |e| i + e);
                    format!("{}{}{}", &text[..i], nasty_number(&mut r), &text[end..])
                }
                None => text,
            }
        };
        check_world_toml(&text);
    }
}

/// The variants reach the code past the decoders: at least a fifth of them decode (and, for
/// worlds, build), so the fuzz runs epochs and worlds rather than only error paths.
#[test]
fn variants_reach_the_run_path() {
    let n = 200u64;
    let rate = |f: &dyn Fn(u64) -> bool| (0..n).filter(|&s| f(s)).count() as f64 / n as f64;
    let (c, r, k, w) = (
        chain_samples(),
        research_samples(),
        case_samples(),
        world_samples(),
    );
    let (sweep, agents) = (read("../examples/sweep-kappa.json"), agent_sample());
    let rates = [
        (
            "chain",
            rate(&|s| ChainInput::from_json(&variant_of(&c[(s % 4) as usize], s)).is_ok()),
        ),
        (
            "research",
            rate(&|s| EpochInput::from_json(&variant_of(&r[(s % 2) as usize], s)).is_ok()),
        ),
        (
            "case",
            rate(&|s| Case::from_json(&variant_of(&k[(s % 4) as usize], s)).is_ok()),
        ),
        (
            "world",
            rate(&|s| {
                Scenario::from_json(&variant_of(&w[(s % 2) as usize], s))
                    .is_ok_and(|sc| World::new(&sc, 1).is_ok())
            }),
        ),
        (
            "sweep",
            rate(&|s| SweepSpec::from_json(&variant_of(&sweep, s)).is_ok()),
        ),
        (
            "agents",
            rate(&|s| AgentScenario::from_json(&variant_of(&agents, s)).is_ok()),
        ),
    ];
    for (name, x) in rates {
        assert!(
            (0.2..1.0).contains(&x),
            "{name}: {x} of the variants decode"
        );
    }
}

/// What the fuzzing found, kept as plain tests: rates that hung a world, a group count that
/// overflowed the validator count, and TOML errors over several lines.
#[test]
fn found_by_fuzzing() {
    let mut v = world_samples()[1].clone();
    v["registrationsPerDay"] = json!(9_007_199_254_740_993u64);
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        e.starts_with("registrationsPerDay is 9007199254740992, over 7200000"),
        "{e}"
    );
    let mut v = world_samples()[0].clone();
    v["randomFlows"] = json!({"perDay": 1e12, "meanTao": 1.0});
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        e.starts_with("randomFlows.perDay is 1000000000000, over"),
        "{e}"
    );

    let mut v = agent_sample();
    v["validators"][1]["count"] = json!(u64::MAX);
    let e = AgentScenario::from_json(&v.to_string())
        .unwrap_err()
        .to_string();
    assert_eq!(e, format!("validators[1].count is {}, over 4096", u64::MAX));

    let e = Scenario::from_toml("preset = \"2026-06\"\nsubnets = [\nissuance = t-rue\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("invalid input: line 3, column "), "{e}");
    assert!(!e.contains('\n'), "{e}");
}
