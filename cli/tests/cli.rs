//! The `taolab` binary as a user runs it: outputs, formats and error messages.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn taolab(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_taolab"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn taolab");
    {
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            pipe.write_all(s.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs with bad input: exit 2, exactly one line on stderr containing `needle`.
#[track_caller]
fn rejects(args: &[&str], stdin: Option<&str>, needle: &str) {
    let o = taolab(args, stdin);
    assert_eq!(
        o.status.code(),
        Some(2),
        "exit code for {args:?}; stderr: {}",
        stderr(&o)
    );
    let err = stderr(&o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line on stderr, got: {err}"
    );
    assert!(
        err.contains(needle),
        "stderr {err:?} should contain {needle:?}"
    );
    assert!(o.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn run_case_1_yuma2_prints_epochs_and_totals() {
    let o = taolab(&["run", "--case", "1", "--variant", "yuma2"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["variant"], "yuma2");
    let epochs = v["epochs"].as_array().unwrap();
    assert_eq!(epochs.len(), 40);
    // Epoch 1 (hand-worked in tests/research_cases.rs): consensus [0, 1], D̂ ≈ [1, 0, 0].
    assert_eq!(epochs[1]["consensus"], serde_json::json!([0.0, 1.0]));
    assert_eq!(epochs[1]["incentive"], serde_json::json!([0.0, 1.0]));
    let d0 = epochs[1]["dividends"][0].as_f64().unwrap();
    assert!((d0 - 0.9 / (0.9 + 1e-6)).abs() < 1e-12);
    let b = &epochs[1]["bonds"];
    assert!((b[0][1].as_f64().unwrap() - 0.9).abs() < 1e-12);
    let totals = v["totalDividends"].as_array().unwrap();
    assert_eq!(totals.len(), 3);
    assert_eq!(totals[0]["validator"], "Big vali. (0.8)");
    assert_eq!(totals[0]["percentVsBase"], 0.0);
}

#[test]
fn run_table_format_shows_the_total_dividends_table() {
    let o = taolab(
        &[
            "run",
            "--case",
            "1",
            "--variant",
            "yuma2",
            "--format",
            "table",
        ],
        None,
    );
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(s.contains("Total dividends"));
    assert!(s.contains("Small lazier vali. (0.1)"));
    assert_eq!(
        s.lines()
            .filter(|l| l.trim_start().starts_with(char::is_numeric))
            .count(),
        40
    );
}

#[test]
fn run_csv_is_long_form() {
    let o = taolab(
        &[
            "run",
            "--case",
            "2",
            "--variant",
            "yuma3",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(o.status.success());
    let s = stdout(&o);
    let mut lines = s.lines();
    assert_eq!(lines.next(), Some("epoch,entity,index,name,metric,value"));
    assert!(s
        .lines()
        .any(|l| l.starts_with("0,server,0,Server 1,consensus,")));
    assert!(s
        .lines()
        .any(|l| l.starts_with("total,validator,,Big vali. (0.8),totalDividends,")));
}

#[test]
fn cases_json_round_trips_into_run() {
    let listing = taolab(&["cases"], None);
    assert!(listing.status.success());
    assert_eq!(stdout(&listing).lines().count(), 22);
    let case = taolab(&["cases", "--json", "11"], None);
    assert!(case.status.success());
    let text = stdout(&case);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        v.get("variant").is_none(),
        "cases --json leaves the variant to the caller"
    );
    assert_eq!(v["name"], "Case 11 - clipping demo");
    let from_file = taolab(&["run", "--variant", "yuma2b", "--input", "-"], Some(&text));
    let built_in = taolab(&["run", "--variant", "yuma2b", "--case", "11"], None);
    assert!(from_file.status.success(), "{}", stderr(&from_file));
    assert_eq!(from_file.stdout, built_in.stdout);
}

#[test]
fn epoch_runs_one_research_epoch() {
    let input = r#"{"weights":[[1,0],[0,1]],"stakes":[3,1],"params":{"kappa":0.5}}"#;
    let o = taolab(&["epoch", "--variant", "yuma3"], Some(input));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["stake"], serde_json::json!([0.75, 0.25]));
    assert_eq!(v["incentive"], serde_json::json!([1.0, 0.0]));
}

#[test]
fn bad_inputs_get_one_clear_line_and_exit_2() {
    let base = |w: &str, s: &str| format!(r#"{{"epochs":[{{"weights":{w},"stakes":{s}}}]}}"#);
    rejects(
        &["run"],
        Some(&base("[[1,0],[0,1]]", "[1,2,3]")),
        "epochs[0].stakes has 3 entries, epochs[0].weights has 2 rows",
    );
    rejects(
        &["run"],
        Some(&base("[[1,0],[0]]", "[1,2]")),
        "epochs[0].weights[1] has 1 entries",
    );
    rejects(
        &["run"],
        Some(&base("[[1,0],[0,-1]]", "[1,2]")),
        "epochs[0].weights[1][1] is negative",
    );
    rejects(
        &["run"],
        Some(&base("[[1,0],[0,1]]", "[1,-2]")),
        "epochs[0].stakes[1] is negative",
    );
    rejects(
        &["run"],
        Some(&base("[]", "[]")),
        "epochs[0].weights is empty",
    );
    // Values that do not decode are named by their path too.
    rejects(
        &["run"],
        Some(&base("[[1e400]]", "[1]")),
        "invalid input: epochs[0].weights[0][0]: number out of range",
    );
    rejects(
        &["run"],
        Some(&base("[[1,0],[0,1]]", r#"[1,"x"]"#)),
        r#"invalid input: epochs[0].stakes[1]: invalid type: string "x", expected f64"#,
    );
    rejects(
        &["run"],
        Some(r#"{"params":{"kapa":1},"epochs":[{"weights":[[1]],"stakes":[1]}]}"#),
        "invalid input: params: unknown field `kapa`",
    );
    let chain = |extra: &str| {
        format!(
            r#"{{"n":2,"block":10,"lastUpdate":[9,9],"blockAtRegistration":[0,0],"raoEmission":1000000000,{extra}}}"#
        )
    };
    rejects(
        &["epoch", "--variant", "chain"],
        Some(&chain(r#""stake":[1,0],"kappa":70000"#)),
        "invalid input: kappa: invalid value: integer `70000`, expected u16",
    );
    rejects(
        &["epoch", "--variant", "chain"],
        Some(&chain(r#""stake":[1,-5]"#)),
        "invalid input: stake[1]: invalid value: integer `-5`, expected u64",
    );
    // A matrix over a size limit is refused while it is read, at the row that passes it.
    let wide = format!(r#"{{"weights":[[{}0]],"stakes":[1]}}"#, "0,".repeat(65_536));
    rejects(
        &["epoch"],
        Some(&wide),
        "invalid input: weights[0]: over the limit of 65536 entries in a row",
    );
    rejects(&["run"], Some(r#"{"epochs":[]}"#), "epochs is empty");
    rejects(
        &["run"],
        Some(r#"{"epochz":[]}"#),
        "invalid input: unknown field `epochz`",
    );
    rejects(&["run"], Some("{"), "invalid input");
    rejects(
        &["run", "--variant", "yuma9", "--case", "1"],
        None,
        "variant: unknown value 'yuma9'",
    );
    rejects(&["run", "--case", "23"], None, "no case 23");
    rejects(&["cases", "--json", "0"], None, "no case 0");
    rejects(
        &["run"],
        Some(r#"{"params":{"kappa":1.5},"epochs":[{"weights":[[1]],"stakes":[1]}]}"#),
        "params.kappa is 1.5, outside [0, 1]",
    );
    rejects(
        &["run"],
        Some(r#"{"epochs":[{"weights":[[1]],"stakes":[1],"resetBondsColumn":4}]}"#),
        "epochs[0].resetBondsColumn is 4",
    );
    rejects(
        &["epoch"],
        Some(r#"{"weights":[[1,2]],"stakes":[1],"previous":{"bonds":[[1]]}}"#),
        "previous.bonds[0] has 1 entries",
    );
    rejects(
        &["run", "--input", "/nonexistent/case.json"],
        None,
        "cannot open",
    );
}

#[test]
fn oversized_matrices_are_refused_before_running() {
    // 4097 × 4097 > 2^24 entries: refused by the documented limit, not run.
    let row = format!("[{}]", vec!["0"; 4097].join(","));
    let weights = format!("[{}]", vec![row.as_str(); 4097].join(","));
    let stakes = format!("[{}]", vec!["1"; 4097].join(","));
    let input = format!(r#"{{"epochs":[{{"weights":{weights},"stakes":{stakes}}}]}}"#);
    rejects(&["run"], Some(&input), "over the limit of 16777216");
}

#[test]
fn runs_the_real_subnet_15_metagraph() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/metagraph-sn15-block4769998.json"
    );
    let o = taolab(
        &[
            "run",
            "--metagraph",
            path,
            "--epochs",
            "3",
            "--variant",
            "yuma3",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // 11 UIDs hold at least 1000 TAO; every one of the 256 UIDs is a server.
    assert_eq!(v["validators"].as_array().unwrap().len(), 11);
    assert_eq!(v["servers"].as_array().unwrap().len(), 256);
    assert!(v["validators"][0].as_str().unwrap().starts_with("UID 0 ("));
    let inc: f64 = v["epochs"][2]["incentive"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!((inc - 1.0).abs() < 1e-9);
    rejects(
        &["run", "--metagraph", "-"],
        Some(r#"{"n":2,"S":[1,2],"W":[[0,1]]}"#),
        "W has 1 rows, n is 2",
    );
    rejects(
        &["run", "--metagraph", "-"],
        Some(r#"{"n":1,"S":[5],"W":[[1]]}"#),
        "S has no UID with at least 1000 TAO",
    );
}

/// `sweep consensus-map` on a reduced grid (6 weight levels: 11 × 6 × 6 chain epochs): the
/// CSV shape, the run line on stderr, and `--liquid-alpha` (at β = 0, where the distances to
/// consensus differ per entry, it moves the validators' shares; at β = 1 every bonded entry
/// sits at distance 0).
#[test]
fn sweep_consensus_map_reduced_grid_and_liquid_alpha() {
    let run = |extra: &[&str]| {
        let mut args = vec!["sweep", "consensus-map", "--levels", "6", "--out", "-"];
        args.extend_from_slice(extra);
        let o = taolab(&args, None);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        (stdout(&o), stderr(&o))
    };
    let (plain, err) = run(&["--bond-penalty", "0"]);
    let lines: Vec<&str> = plain.lines().collect();
    assert_eq!(
        lines[0],
        "major_stake,major_weight,minor_weight,weight_dev,major_ratio"
    );
    assert_eq!(lines.len(), 1 + 11 * 6 * 6);
    assert!(
        err.contains("396 epochs (chain, β = 0, κ = 0.5, σ_W"),
        "{err}"
    );
    let (liquid, err) = run(&["--bond-penalty", "0", "--liquid-alpha"]);
    assert!(err.contains("κ = 0.5, liquid alpha, σ_W"), "{err}");
    assert_eq!(liquid.lines().count(), lines.len());
    let ratios = |csv: &str| -> Vec<f64> {
        csv.lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
            .collect()
    };
    let (a, b) = (ratios(&plain), ratios(&liquid));
    assert!(a.iter().chain(&b).all(|r| (0.0..=1.0).contains(r)));
    assert!(
        a.iter().zip(&b).any(|(x, y)| x != y),
        "liquid alpha changed no point of the map"
    );
}

/// `taolab world` writes the same series whatever `--threads` is (epochs computed ahead on
/// other threads are taken only when their input is unchanged).
#[test]
fn world_threads_do_not_change_the_series() {
    let dir = std::env::temp_dir().join(format!("taolab-world-threads-{}", std::process::id()));
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.join(threads);
        let o = taolab(
            &[
                "world",
                "--blocks",
                "1500",
                "--threads",
                threads,
                "--out",
                out.to_str().unwrap(),
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let series = std::fs::read_to_string(out.join("series.json")).unwrap();
        let epochs = std::fs::read_to_string(out.join("epochs.csv")).unwrap();
        assert!(
            epochs.lines().count() > 200,
            "{} epoch rows",
            epochs.lines().count()
        );
        outputs.push((series, epochs));
    }
    assert!(
        outputs[0] == outputs[1],
        "series differ between 1 and 2 threads"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that goes away (`taolab … | head`) ends the command quietly with success: no
/// panic from a print, no "Broken pipe" error line. The pipe is closed before the command
/// writes anything, so every write fails.
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    for args in [
        &["schedule"][..],
        &["cases"],
        &["run", "--case", "1", "--variant", "yuma2"],
        &[
            "run",
            "--case",
            "1",
            "--variant",
            "yuma2",
            "--format",
            "csv",
        ],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_taolab"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn taolab");
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    }
}

/// Bad arguments get one line too (clap's report is several); help still prints in full.
#[test]
fn bad_arguments_get_one_line_and_exit_2() {
    rejects(
        &["run", "--bogus"],
        None,
        "error: unexpected argument '--bogus'",
    );
    rejects(
        &["sweep", "consensus-map"],
        None,
        "error: the following required arguments were not provided",
    );
    rejects(
        &["frobnicate"],
        None,
        "error: unrecognized subcommand 'frobnicate'",
    );
    let o = taolab(&["run", "--help"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Usage: taolab run"), "{}", stdout(&o));
}
