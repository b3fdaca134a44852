//! `taolab world`: runs the economy (a scenario file, or the built-in 64-subnet network) and
//! writes its series as CSV and JSON.

use crate::io::{read_input, tao, whole_u64, whole_usize, CliError, CliResult};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use taolab::preset::Preset;
use taolab::world::{default_scenario, Arithmetic, Scenario, World};

/// Arguments of `taolab world`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (.json or .toml); the built-in default network when absent.
    #[arg(long, value_name = "FILE")]
    scenario: Option<String>,
    /// Blocks to simulate (7 200 = one day).
    #[arg(long, value_name = "N", default_value_t = 7_200, allow_negative_numbers = true,
          value_parser = whole_u64)]
    blocks: u64,
    /// Output directory (created if missing; `-` is refused: the outputs are several files).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// RNG seed (overrides the scenario's).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_u64)]
    seed: Option<u64>,
    /// Preset (overrides the scenario's): 2025-02, 2026-06, described.
    #[arg(long)]
    preset: Option<String>,
    /// Arithmetic (overrides the scenario's): chain or float.
    #[arg(long)]
    arithmetic: Option<String>,
    /// Record a per-block row every N blocks (overrides the scenario's).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_u64)]
    record_every: Option<u64>,
    /// Write the scenario actually run to DIR/scenario.json.
    #[arg(long)]
    dump_scenario: bool,
    /// Threads: with more than one, chain epochs are computed ahead of their block on the
    /// others. The results are identical for any number (0 or absent: the machine's cores).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_usize)]
    threads: Option<usize>,
}

pub fn run(args: Args) -> CliResult {
    let mut sc = match &args.scenario {
        None => default_scenario(),
        Some(path) => {
            let text = read_input("--scenario", path)?;
            if path.ends_with(".toml") {
                Scenario::from_toml(&text)?
            } else {
                Scenario::from_json(&text)?
            }
        }
    };
    if let Some(p) = &args.preset {
        Preset::parse("--preset", p)?;
        sc.preset = p.clone();
    }
    if let Some(a) = &args.arithmetic {
        sc.arithmetic = match a.as_str() {
            "chain" => Arithmetic::Chain,
            "float" => Arithmetic::Float,
            other => {
                return Err(CliError(format!(
                    "--arithmetic: unknown value '{other}' (expected one of: chain, float)"
                )))
            }
        };
    }
    if let Some(r) = args.record_every {
        sc.record_every = r;
    }
    // The directory is made before the run, so that a bad --out fails at once, not after it.
    if args.out.as_os_str() == "-" {
        return Err(CliError(
            "--out -: --out names a directory (the outputs are several files); stdout is not allowed"
                .into(),
        ));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError(format!("--out {}: {e}", args.out.display())))?;
    let seed = args.seed.unwrap_or(sc.seed);
    let mut world = World::new(&sc, seed)?;
    let threads = match args.threads {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    world.set_threads(threads);
    let bar = ProgressBar::new(args.blocks);
    if args.blocks < 50_000 || !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} blocks ({per_sec}, eta {eta})")
    {
        bar.set_style(style);
    }
    world.step_with_progress(args.blocks, &mut |done, _| {
        bar.set_position(done);
        true
    })?;
    bar.finish_and_clear();
    let write = |name: &str, text: String| -> CliResult {
        let p = args.out.join(name);
        std::fs::write(&p, text).map_err(|e| CliError(format!("{}: {e}", p.display())))
    };
    let rec = world.recorder();
    write("blocks.csv", rec.blocks_csv())?;
    write("epochs.csv", rec.epochs_csv())?;
    write("events.csv", rec.events_csv())?;
    write("series.json", serde_json::to_string(rec)?)?;
    let subnets: Vec<_> = world
        .subnets()
        .iter()
        .map(|s| {
            serde_json::json!({
                "netuid": s.netuid, "name": s.name, "poolTao": s.pool.tao, "poolAlpha": s.pool.alpha,
                "alphaOut": s.alpha_out, "price": s.pool.price_f64(), "share": s.last_share,
                "uids": s.neurons.len(), "burn": s.burn.burn, "ownerStake": s.owner_stake,
                "rootAlpha": s.root_alpha,
            })
        })
        .collect();
    let summary = serde_json::json!({
        "scenario": sc.name, "preset": sc.preset, "seed": seed, "blocks": args.blocks,
        "finalBlock": world.block(), "issuance": world.issuance(), "lockCost": world.lock_cost(),
        "ledger": world.ledger(), "subnets": subnets,
    });
    write("summary.json", serde_json::to_string_pretty(&summary)?)?;
    if args.dump_scenario {
        write("scenario.json", serde_json::to_string_pretty(&sc)?)?;
    }
    let l = world.ledger();
    out!(
        "{} blocks to block {}: {} TAO minted = {} to pools + {} chain-buy fees + {} recycled; {} epochs; wrote {}",
        args.blocks,
        world.block(),
        tao(l.tao_minted),
        tao(l.tao_injected + l.tao_chain_bought),
        tao(l.tao_chain_fees),
        tao(l.tao_recycled),
        rec.epochs.len(),
        args.out.display()
    );
    Ok(())
}
