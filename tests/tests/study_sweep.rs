//! Generic sweeps: shards concatenate to the whole sweep, runs are seeded, both formats.

use taolab::study::sweep::{run_sweep, Shard, SweepFormat, SweepSpec};

const SPEC: &str = r#"{
  "study": "weight-copying-cr",
  "grid": { "revealDelay": [0, 2], "kappa": [0.4, 0.5] },
  "repetitions": 2,
  "seed": 11,
  "metrics": ["yield.", "moeAccuracy"],
  "every": 5
}"#;

fn small() -> SweepSpec {
    let mut s = SweepSpec::from_json(SPEC).unwrap();
    if let Some(sc) = s.scenario.as_mut() {
        sc.epochs = 10;
    }
    let mut base = s.base().unwrap();
    base.epochs = 10;
    base.miners.count = 12;
    s.scenario = Some(base);
    s
}

fn sweep(spec: &SweepSpec, shard: Shard, f: SweepFormat) -> String {
    run_sweep(spec, shard, f, &mut |_, _| true).unwrap()
}

#[test]
fn shards_concatenate_to_the_full_sweep() {
    let spec = small();
    assert_eq!(spec.runs().unwrap().len(), 8);
    for f in [SweepFormat::Csv, SweepFormat::Jsonl] {
        let full = sweep(&spec, Shard::default(), f);
        for n in [2, 3, 8] {
            let joined: String = (1..=n)
                .map(|i| sweep(&spec, Shard::parse(&format!("{i}/{n}")).unwrap(), f))
                .collect();
            assert_eq!(joined, full, "{n} shards, {f:?}");
        }
    }
}

#[test]
fn sweep_is_a_long_table_and_seeded() {
    let spec = small();
    let csv = sweep(&spec, Shard::default(), SweepFormat::Csv);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "run,point,repetition,seed,kappa,revealDelay,epoch,metric,value"
    );
    let rows: Vec<&str> = lines.collect();
    // 8 runs × epochs {0, 5, 9} × 3 metrics.
    assert_eq!(rows.len(), 8 * 3 * 3);
    assert!(rows.iter().all(|r| r.split(',').count() == 9));
    let jsonl = sweep(&spec, Shard::default(), SweepFormat::Jsonl);
    assert_eq!(jsonl.lines().count(), rows.len());
    for l in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["params"]["kappa"].is_number() && v["value"].is_number());
    }
    assert_eq!(csv, sweep(&spec, Shard::default(), SweepFormat::Csv));
    // Repetitions differ (their own seeds); another master seed changes the runs.
    let runs = spec.runs().unwrap();
    assert_ne!(runs[0].seed, runs[1].seed);
    let mut other = spec.clone();
    other.seed = 12;
    assert_ne!(sweep(&other, Shard::default(), SweepFormat::Csv), csv);
}

#[test]
fn random_search_and_errors() {
    let spec = SweepSpec::from_json(
        r#"{"study":"lazy-validator","random":{"kappa":{"min":0.3,"max":0.7}},"samples":3,"repetitions":1}"#,
    )
    .unwrap();
    let runs = spec.runs().unwrap();
    assert_eq!(runs.len(), 3);
    for r in &runs {
        let k = match &r.params[0].1 {
            taolab::study::sweep::Value::Number(x) => *x,
            _ => panic!(),
        };
        assert!((0.3..=0.7).contains(&k));
    }
    let e = SweepSpec::from_json(r#"{"grid":{"kapa":[0.5]}}"#).unwrap_err();
    assert!(e.to_string().contains("kapa"), "{e}");
    let e = SweepSpec::from_json(r#"{"grid":{"kappa":[1.5]}}"#).unwrap_err();
    assert!(e.to_string().contains("grid.kappa[0]"), "{e}");
    assert!(Shard::parse("0/3").is_err() && Shard::parse("4/3").is_err());
}

/// A shard built by hand outside `0 ≤ index < count` is an error, never a slice panic or a
/// division by zero; `run_one` checks its spec as `run_sweep` does.
#[test]
fn shards_out_of_range_and_unchecked_specs_are_errors() {
    let spec = small();
    for (index, count) in [(3, 2), (2, 2), (0, 0), (usize::MAX, 1)] {
        let shard = Shard { index, count };
        let e = run_sweep(&spec, shard, SweepFormat::Csv, &mut |_, _| true).unwrap_err();
        assert!(e.to_string().starts_with("shard index"), "{e}");
        assert!(Shard::new(index, count).is_err());
        assert_eq!(shard.range(8), 8..8);
    }
    assert_eq!(Shard::new(1, 2).unwrap(), Shard::parse("2/2").unwrap());
    assert_eq!(
        Shard::new(1, 3).unwrap().range(usize::MAX),
        usize::MAX / 3..usize::MAX / 3 * 2
    );
    let mut bad = small();
    bad.every = 0;
    let run = &spec.runs().unwrap()[0];
    let e = taolab::study::sweep::run_one(&bad, run, SweepFormat::Csv, &mut String::new());
    assert_eq!(e.unwrap_err().to_string(), "every is 0");
}
