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

/// When the base validator earned nothing, no validator gets a percentage against it: `null`
/// in JSON, empty in CSV, `n/a` in the table (not `+0.00%`).
#[test]
fn percent_vs_a_base_that_earned_nothing_is_missing() {
    let input = r#"{"validators":["a","b"],"baseValidator":"a","epochs":[{"weights":[[1,0],[1,0]],"stakes":[0,1]}]}"#;
    let o = taolab(&["run", "--input", "-"], Some(input));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let totals = v["totalDividends"].as_array().unwrap();
    assert!(totals[1]["total"].as_f64().unwrap() > 0.0);
    assert!(
        totals.iter().all(|t| t["percentVsBase"].is_null()),
        "{totals:?}"
    );
    let o = taolab(&["run", "--input", "-", "--format", "table"], Some(input));
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(
        table.contains("n/a") && !table.contains("+0.00%"),
        "{table}"
    );
    let o = taolab(&["run", "--input", "-", "--format", "csv"], Some(input));
    let csv = String::from_utf8(o.stdout).unwrap();
    assert!(csv.contains("total,validator,,b,percentVsBase,\n"), "{csv}");
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
        "error: --variant: unknown value 'yuma9'",
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

/// The shipped subnet-15 metagraph snapshot.
const SN15: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/metagraph-sn15-block4769998.json"
);

#[test]
fn runs_the_real_subnet_15_metagraph() {
    let path = SN15;
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

/// Runs `taolab world --blocks B --threads T --out DIR/T`, which must succeed; returns DIR/T.
fn world_out(dir: &std::path::Path, threads: &str, blocks: &str) -> std::path::PathBuf {
    let out = dir.join(threads);
    let args = ["world", "--blocks", blocks, "--threads", threads, "--out"];
    let mut args: Vec<&str> = args.to_vec();
    args.push(out.to_str().unwrap());
    let o = taolab(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// `taolab world` writes the same series whatever `--threads` is (epochs computed ahead on
/// other threads are taken only when their input is unchanged).
#[test]
fn world_threads_do_not_change_the_series() {
    let dir = std::env::temp_dir().join(format!("taolab-world-threads-{}", std::process::id()));
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = world_out(&dir, threads, "1500");
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
        "error: the following required arguments were not provided: --out <FILE.csv>",
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

/// Runs with bad arguments or input: exit 2, nothing on stdout, and exactly `line` (one line)
/// on stderr.
#[track_caller]
fn rejects_exactly(args: &[&str], line: &str) {
    let o = taolab(args, None);
    assert_eq!(o.status.code(), Some(2), "exit code for {args:?}");
    assert_eq!(stderr(&o), format!("{line}\n"), "stderr for {args:?}");
    assert!(o.stdout.is_empty(), "nothing on stdout for {args:?}");
}

/// A fresh empty directory under the system's temporary one.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("taolab-cli-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Missing and conflicting arguments are named: clap's continuation lines join the first.
#[test]
fn missing_and_conflicting_arguments_are_named() {
    rejects_exactly(
        &["world", "--blocks", "10"],
        "error: the following required arguments were not provided: --out <DIR> (--help lists the arguments)",
    );
    rejects_exactly(
        &["sweep", "consensus-map"],
        "error: the following required arguments were not provided: --out <FILE.csv> (--help lists the arguments)",
    );
    rejects_exactly(
        &["sweep", "--grid", "g.json", "--out", "s.csv", "consensus-map"],
        "error: the subcommand 'consensus-map' cannot be used with: --grid <FILE>, --out <FILE> (--help lists the arguments)",
    );
    rejects_exactly(
        &["run", "--input", "x.json", "--case", "1"],
        "error: the argument '--input <INPUT>' cannot be used with '--case <N>' (--help lists the arguments)",
    );
    rejects_exactly(
        &["run", "--bogus"],
        "error: unexpected argument '--bogus' found (--help lists the arguments)",
    );
}

/// `run` and `epoch` with no input named and a terminal on stdin ask for an input instead of
/// waiting for one (which looks like a hang). A pipe is still read (the other tests), and so
/// is an explicit `--input -`. The terminal comes from util-linux `script`; where it is
/// missing the test says so and passes.
#[test]
fn no_input_on_a_terminal_is_an_error_not_a_wait() {
    let probe = Command::new("script").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: util-linux `script` (for a terminal on stdin) is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_taolab");
    for (args, line) in [
        (
            "run",
            "error: give --input FILE (or - for stdin), --case N or --metagraph FILE",
        ),
        ("epoch", "error: give --input FILE (or - for stdin)"),
        (
            "run --variant yuma3",
            "error: give --input FILE (or - for stdin), --case N or --metagraph FILE",
        ),
    ] {
        let mut child = Command::new("script")
            .args(["-qec", &format!("'{bin}' {args}"), "/dev/null"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn script");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                child.kill().ok();
                panic!("`taolab {args}` with a terminal on stdin is still waiting after 30 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(2), "taolab {args}: {}", stdout(&o));
        // The terminal turns the line's \n into \r\n.
        assert_eq!(
            stdout(&o).replace("\r\n", "\n"),
            format!("{line}\n"),
            "taolab {args}"
        );
    }
    let o = taolab(&["run", "--help"], None);
    assert!(
        stdout(&o).contains("Without --input, --case or --metagraph the case is read from stdin"),
        "{}",
        stdout(&o)
    );
}

/// `--epochs N` runs the first N epochs of a case or input (a metagraph: N repeated epochs).
#[test]
fn epochs_keeps_the_first_epochs_of_a_case() {
    let json = |args: &[&str], stdin: Option<&str>| -> serde_json::Value {
        let o = taolab(args, stdin);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let all = json(&["run", "--case", "1", "--variant", "yuma2"], None);
    let five = json(
        &["run", "--case", "1", "--variant", "yuma2", "--epochs", "5"],
        None,
    );
    let five = five["epochs"].as_array().unwrap();
    assert_eq!(five.len(), 5);
    assert_eq!(five[..], all["epochs"].as_array().unwrap()[..5]);
    let case = stdout(&taolab(&["cases", "--json", "2"], None));
    let two = json(&["run", "--input", "-", "--epochs", "2"], Some(&case));
    assert_eq!(two["epochs"].as_array().unwrap().len(), 2);
    rejects_exactly(
        &["run", "--case", "1", "--epochs", "41"],
        "error: --epochs is 41, the case has 40 epochs",
    );
    rejects_exactly(
        &["run", "--case", "1", "--epochs", "0"],
        "error: --epochs is 0, outside 1..=100000",
    );
}

/// A directory given as an input file is named with its option, like a missing file.
#[test]
fn a_directory_as_input_names_the_option_and_path() {
    let dir = scratch("dir-input");
    let d = dir.to_str().unwrap();
    let out = dir.join("out");
    rejects_exactly(
        &["run", "--input", d],
        &format!("error: --input {d}: is a directory, expected a file"),
    );
    rejects_exactly(
        &["world", "--scenario", d, "--out", out.to_str().unwrap()],
        &format!("error: --scenario {d}: is a directory, expected a file"),
    );
    rejects_exactly(
        &["epoch", "--input", d],
        &format!("error: --input {d}: is a directory, expected a file"),
    );
    rejects_exactly(
        &["run", "--input", "/nonexistent/case.json"],
        "error: --input /nonexistent/case.json: cannot open: No such file or directory (os error 2)",
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Negative numbers reach the option (not taken for an unknown option `-5`) and get its range.
#[test]
fn negative_numbers_get_the_options_range() {
    rejects_exactly(
        &["schedule", "--recycled", "-5"],
        "error: --recycled is -5, outside 0..=21000000 TAO",
    );
    rejects_exactly(
        &["schedule", "--issuance", "-1"],
        "error: --issuance is -1, outside 0..=21000000 TAO",
    );
    rejects_exactly(
        &["world", "--seed", "-1", "--out", "unused"],
        "error: --seed: invalid value '-1': expected a whole number from 0 to 18446744073709551615",
    );
    rejects_exactly(
        &["run", "--case", "-3"],
        &format!(
            "error: --case: invalid value '-3': expected a whole number from 0 to {}",
            usize::MAX
        ),
    );
    rejects_exactly(
        &["sweep", "consensus-map", "--kappa", "-1", "--out", "-"],
        "error: --kappa is -1, outside [0, 1]",
    );
    rejects_exactly(
        &["sweep", "consensus-map", "--sigma-w", "-0.5", "--out", "-"],
        "error: --sigma-w is -0.5, expected a finite value ≥ 0",
    );
    rejects_exactly(
        &["schedule", "--recycled", "abc"],
        "error: --recycled: invalid value 'abc': invalid float literal",
    );
}

/// Errors about an option's value name the option with `--`, in one wording.
#[test]
fn option_errors_name_the_option_in_one_wording() {
    rejects_exactly(
        &["run", "--case", "1", "--variant", "yuma4"],
        "error: --variant: unknown value 'yuma4' (expected one of: yuma1, yuma2, yuma2b, yuma2c, yuma3, chain)",
    );
    rejects_exactly(
        &["study", "weight-copying", "--variant", "yuma4"],
        "error: --variant: unknown value 'yuma4' (expected one of: yuma1, yuma2, yuma2b, yuma2c, yuma3, chain)",
    );
    rejects_exactly(
        &["run", "--case", "1", "--format", "xml"],
        "error: --format: unknown value 'xml' (expected one of: json, csv, table)",
    );
    rejects_exactly(
        &["schedule", "--format", "xml"],
        "error: --format: unknown value 'xml' (expected one of: table, csv, json)",
    );
    rejects_exactly(
        &["study", "weight-copying", "--format", "xml"],
        "error: --format: unknown value 'xml' (expected one of: summary, csv, json)",
    );
    rejects_exactly(
        &["study", "weight-copying", "--reveal-delay", "100000"],
        "error: --reveal-delay is 100000, outside 0..=100 (0 = off)",
    );
    let grid = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/sweep-kappa.json");
    rejects_exactly(
        &["sweep", "--grid", grid, "--format", "xml"],
        "error: --format: unknown value 'xml' (expected one of: csv, jsonl)",
    );
    rejects_exactly(
        &["sweep", "--grid", grid, "--shard", "3/2"],
        "error: --shard: '3/2' is not i/n with 1 ≤ i ≤ n",
    );
}

/// `--threads 0` means the machine's cores (as no `--threads`); `--out -` is refused before
/// anything runs, and no directory named `-` appears.
#[test]
fn world_threads_zero_and_out_dash() {
    let dir = scratch("world-out");
    let o = Command::new(env!("CARGO_BIN_EXE_taolab"))
        .args(["world", "--blocks", "10", "--out", "-"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --out -: --out names a directory (the outputs are several files); stdout is not allowed\n"
    );
    assert!(!dir.join("-").exists(), "a directory named - was made");
    let mut series = Vec::new();
    for threads in ["0", "1"] {
        let out = world_out(&dir, threads, "300");
        series.push(std::fs::read_to_string(out.join("series.json")).unwrap());
    }
    assert!(series[0] == series[1]);
    std::fs::remove_dir_all(&dir).ok();
}

/// The table of `run`: numbers in a readable form (capacity bonds of Yuma 2C are ~1e17), and
/// with many servers (a metagraph) the leaders per epoch and one row per entity.
#[test]
fn run_table_is_readable_for_large_numbers_and_many_servers() {
    let o = taolab(
        &[
            "run",
            "--case",
            "11",
            "--variant",
            "yuma2c",
            "--format",
            "table",
        ],
        None,
    );
    assert!(o.status.success());
    let s = stdout(&o);
    let epoch0 = s
        .lines()
        .find(|l| l.trim_start().starts_with("0 "))
        .unwrap();
    assert!(epoch0.contains("[2.712e17 6.327e17]"), "{epoch0}");
    assert!(!s.contains("0000.0000"), "{s}");
    assert!(s.contains("servers: Server 1, Server 2"));
    // The columns line up under the header.
    let header = s.lines().find(|l| l.starts_with("epoch")).unwrap();
    let col = header.find("incentive").unwrap();
    assert!(
        epoch0[col..].starts_with("0.5312 0.4688  0.4664"),
        "{header}\n{epoch0}"
    );

    let path = SN15;
    let o = taolab(
        &[
            "run",
            "--metagraph",
            path,
            "--epochs",
            "3",
            "--format",
            "table",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("256 servers, 11 validators"), "{s}");
    assert!(
        s.lines().all(|l| l.len() < 200),
        "a line over 200 characters"
    );
    let header = s.lines().find(|l| l.starts_with("epoch")).unwrap();
    assert!(header.contains("top server") && header.contains("top validator"));
    let rows = |title: &str| {
        s.split(title)
            .nth(1)
            .unwrap()
            .lines()
            .skip(2)
            .take_while(|l| !l.is_empty())
            .count()
    };
    assert_eq!(rows("Epoch 2, servers:"), 256);
    assert_eq!(rows("Epoch 2, validators:"), 11);
    assert!(s.contains("Total dividends"));
}

/// The GPU probe of `--backend auto` keeps the loader's XDG_RUNTIME_DIR complaint off stderr.
#[test]
fn consensus_map_auto_backend_has_no_runtime_dir_noise() {
    let o = Command::new(env!("CARGO_BIN_EXE_taolab"))
        .args([
            "sweep",
            "consensus-map",
            "--variant",
            "yuma2",
            "--levels",
            "3",
            "--out",
            "-",
        ])
        .env_remove("XDG_RUNTIME_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1 + 11 * 3 * 3);
    assert!(!stderr(&o).contains("XDG_RUNTIME_DIR"), "{}", stderr(&o));
}

/// A PNG plot is drawn without text, and says so on stderr; SVG has the text.
#[test]
fn png_plot_warns_that_it_has_no_text() {
    let dir = scratch("plot");
    let png = dir.join("map.png");
    let svg = dir.join("map.svg");
    let run = |plot: &std::path::Path| {
        let o = taolab(
            &[
                "sweep",
                "consensus-map",
                "--levels",
                "3",
                "--out",
                dir.join("map.csv").to_str().unwrap(),
                "--plot",
                plot.to_str().unwrap(),
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let err = run(&png);
    assert!(err.contains(&format!(
        "warning: --plot {}: a PNG has no text (no font engine in this build); use .svg for the title, axis labels and legend",
        png.display()
    )), "{err}");
    assert!(std::fs::metadata(&png).unwrap().len() > 0);
    let err = run(&svg);
    assert!(!err.contains("warning"), "{err}");
    assert!(std::fs::read_to_string(&svg)
        .unwrap()
        .contains("honest utility W_H"));
    let help = stdout(&taolab(&["sweep", "consensus-map", "--help"], None));
    assert!(help.contains("no text"), "{help}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `world` prints its summary on stdout, and the TAO minted is accounted for in full: to
/// pools, chain-buy fees (to block authors) and recycled, exactly to the rao.
#[test]
fn world_summary_on_stdout_adds_up() {
    let dir = scratch("world-summary");
    let o = taolab(
        &["world", "--blocks", "1000", "--out", dir.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let line = stdout(&o);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("1000 blocks to block "), "{line}");
    let rao = |s: &str| -> u128 {
        let (w, f) = s.split_once('.').unwrap_or((s, ""));
        w.parse::<u128>().unwrap() * 1_000_000_000 + format!("{f:0<9}").parse::<u128>().unwrap()
    };
    let word_before = |marker: &str| -> u128 {
        let head = &line[..line
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {line}"))];
        rao(head.rsplit(' ').next().unwrap())
    };
    let minted = word_before(" TAO minted = ");
    let pools = word_before(" to pools + ");
    let fees = word_before(" chain-buy fees + ");
    let recycled = word_before(" recycled; ");
    assert!(minted > 0 && fees > 0, "{line}");
    assert_eq!(minted, pools + fees + recycled, "{line}");
    std::fs::remove_dir_all(&dir).ok();
}
