//! `taolab study NAME`: runs a shipped study (agents scored by Yuma) and prints its
//! per-epoch metrics; without a name, lists the studies.

use crate::io::{parse_variant, read_input, whole_u64, whole_usize, CliError, CliResult};
use std::io::Write;
use taolab::agents::{metrics, simulate, AgentScenario};
use taolab::study::scenarios;

/// Arguments of `taolab study`.
#[derive(clap::Args)]
pub struct Args {
    /// Study name (`taolab study` lists them); or give --scenario.
    name: Option<String>,
    /// An agent scenario file (JSON) instead of a shipped study.
    #[arg(long, value_name = "FILE")]
    scenario: Option<String>,
    /// Epoch rule (overrides the study's): chain, yuma1, yuma2, yuma2b, yuma2c, yuma3.
    #[arg(long)]
    variant: Option<String>,
    /// Seed (overrides the study's).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u64)]
    seed: Option<u64>,
    /// Epochs (overrides the study's).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_usize)]
    epochs: Option<usize>,
    /// Commit-reveal delay in epochs, 0 to 100 (0 = off; overrides the study's).
    #[arg(long, value_name = "EPOCHS", allow_negative_numbers = true, value_parser = whole_usize)]
    reveal_delay: Option<usize>,
    /// Output: summary (means over the second half), csv (epoch,metric,value) or json.
    #[arg(long, default_value = "summary")]
    format: String,
    /// Print the scenario as JSON (to edit and pass back with --scenario) instead of running.
    #[arg(long)]
    dump: bool,
}

/// The longest commit-reveal delay, epochs (the scenario's `commitReveal` is 1..=100).
const MAX_REVEAL_DELAY: usize = 100;

pub fn run(args: Args) -> CliResult {
    let mut sc: AgentScenario = match (&args.scenario, &args.name) {
        (Some(path), _) => AgentScenario::from_json(&read_input("--scenario", path)?)?,
        (None, Some(name)) => scenarios::by_name(name)?,
        (None, None) => {
            for n in scenarios::NAMES {
                out!("{n}");
            }
            return Ok(());
        }
    };
    if let Some(v) = &args.variant {
        sc.variant = parse_variant(v)?;
    }
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    if let Some(e) = args.epochs {
        sc.epochs = e;
    }
    if let Some(d) = args.reveal_delay {
        if d > MAX_REVEAL_DELAY {
            return Err(CliError(format!(
                "--reveal-delay is {d}, outside 0..={MAX_REVEAL_DELAY} (0 = off)"
            )));
        }
        sc.commit_reveal = (d > 0).then_some(d);
    }
    if args.dump {
        out!("{}", serde_json::to_string_pretty(&sc)?);
        return Ok(());
    }
    let run = simulate(&sc)?;
    let m = metrics(&run);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format.as_str() {
        "json" => serde_json::to_writer(&mut out, &m)?,
        "csv" => {
            writeln!(out, "epoch,metric,value")?;
            for e in &m {
                for (k, v) in &e.values {
                    writeln!(out, "{},{k},{v}", e.epoch)?;
                }
            }
        }
        "summary" => {
            let from = m.len() / 2;
            writeln!(
                out,
                "{} ({}, {} epochs, seed {}, commit-reveal {}): means over epochs {from}..{}",
                sc.name,
                sc.variant,
                sc.epochs,
                sc.seed,
                sc.commit_reveal
                    .map_or("off".to_string(), |d| format!("{d} epochs")),
                m.len()
            )?;
            if let Some(first) = m.first() {
                for k in first.values.keys() {
                    let mean = taolab::agents::sim::mean_metric(&m, k, from);
                    writeln!(out, "  {k:<24} {mean:.4}")?;
                }
            }
        }
        other => {
            return Err(CliError(format!(
                "--format: unknown value '{other}' (expected one of: summary, csv, json)"
            )))
        }
    }
    out.flush()?;
    Ok(())
}
