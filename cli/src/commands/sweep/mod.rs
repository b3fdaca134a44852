//! `taolab sweep`: the consensus-guarantee map (`sweep consensus-map`) and generic parameter
//! sweeps (`sweep --grid FILE`), written as CSV or JSON lines.

#[cfg(feature = "gpu")]
mod gpu;
mod plot;

use crate::io::{
    flag_error, parse_variant, read_input, whole_u64, whole_usize, CliError, CliResult,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use taolab::study::sweep::{run_sweep, Shard, SweepFormat, SweepSpec};
use taolab::study::{consensus_map, consensus_map_cpu, ConsensusMap, ConsensusMapConfig};
use taolab::yuma::batch::BatchScorer;
use taolab::yuma::Variant;

/// Arguments of `taolab sweep`.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Study>,
    /// Sweep specification (.json or .toml): scenario, parameter grid or random ranges,
    /// repetitions, seed, metrics.
    #[arg(long, value_name = "FILE")]
    grid: Option<String>,
    /// Run only shard i of n (1-based, `--shard 2/8`); the shards' outputs concatenate
    /// (only shard 1 writes the CSV header).
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Output format: csv or jsonl.
    #[arg(long, default_value = "csv")]
    format: String,
    /// Output file (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
}

#[derive(clap::Subcommand)]
enum Study {
    /// subtensor's consensus-guarantee map: 11 × 51 × 51 single epochs, written as CSV rows
    /// `major_stake,major_weight,minor_weight,weight_dev,major_ratio`.
    ConsensusMap(MapArgs),
}

#[derive(clap::Args)]
struct MapArgs {
    /// Epoch rule: chain (exact, default), yuma1, yuma2, yuma2b, yuma2c, yuma3.
    #[arg(long, default_value = "chain")]
    variant: String,
    /// Bond penalty β (0, 0.5 and 1 in the study).
    #[arg(
        long,
        value_name = "B",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    bond_penalty: f64,
    /// κ, the consensus quantile.
    #[arg(
        long,
        value_name = "K",
        default_value_t = 0.5,
        allow_negative_numbers = true
    )]
    kappa: f64,
    /// Liquid alpha on (Yuma3 bonds: a per-entry EMA α from the sigmoid of each weight's
    /// distance to consensus). Each point is one epoch from empty bonds, so it changes the
    /// chain map; the research variants apply liquid alpha from their second epoch only.
    #[arg(long)]
    liquid_alpha: bool,
    /// σ_W, the spread of the weight draws.
    #[arg(
        long,
        value_name = "SIGMA",
        default_value_t = 0.4,
        allow_negative_numbers = true
    )]
    sigma_w: f64,
    /// Generator seed (ChaCha8).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = whole_u64)]
    seed: u64,
    /// W_H and W_C levels from 1 down to 0 (51 = steps of 0.02).
    #[arg(long, value_name = "N", default_value_t = 51, allow_negative_numbers = true,
          value_parser = whole_usize)]
    levels: usize,
    /// Scoring backend for the float variants: cpu, gpu or auto.
    #[arg(long, default_value = "auto")]
    backend: String,
    /// Output CSV file (`-` for stdout).
    #[arg(long, value_name = "FILE.csv")]
    out: String,
    /// Also draw the compound retention plot: .svg (with title, axis labels and legend) or
    /// .png (lines and grid only: no text, this build has no font engine).
    #[arg(long, value_name = "FILE.svg|png")]
    plot: Option<PathBuf>,
}

pub fn run(args: Args) -> CliResult {
    match args.command {
        Some(Study::ConsensusMap(m)) => run_map(m),
        None => run_grid(args),
    }
}

fn bar(total: u64, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {unit} ({{per_sec}}, eta {{eta}})"
    )) {
        bar.set_style(style);
    }
    bar
}

/// The scorer a `--backend` names, for the float variants (`float`; the chain variant is
/// fixed point and always runs on the CPU). `None` means the CPU path (parallel under rayon).
fn backend(name: &str, float: bool) -> CliResult<Option<Box<dyn BatchScorer>>> {
    #[cfg(not(feature = "gpu"))]
    let _ = float;
    match name {
        "cpu" => Ok(None),
        #[cfg(feature = "gpu")]
        "gpu" | "auto" => Ok(gpu::open(name == "gpu", float)),
        #[cfg(not(feature = "gpu"))]
        "auto" => Ok(None),
        #[cfg(not(feature = "gpu"))]
        "gpu" => Err(CliError(
            "--backend gpu: this taolab was built without the gpu feature".into(),
        )),
        other => Err(CliError(format!(
            "--backend: unknown value '{other}' (expected one of: cpu, gpu, auto)"
        ))),
    }
}

fn run_map(m: MapArgs) -> CliResult {
    let variant = parse_variant(&m.variant)?;
    let mut cfg = ConsensusMapConfig {
        variant,
        sigma_w: m.sigma_w,
        seed: m.seed,
        weight_levels: m.levels,
        ..ConsensusMapConfig::default()
    };
    cfg.params.kappa = m.kappa;
    cfg.params.bond_penalty = m.bond_penalty;
    cfg.params.liquid_alpha = m.liquid_alpha;
    cfg.validate().map_err(map_config_error)?;
    #[cfg(feature = "gpu")]
    let _quiet = (variant != Variant::Chain && m.backend != "cpu").then(gpu::QuietRuntimeDir::new);
    let scorer = backend(&m.backend, variant != Variant::Chain)?;
    #[cfg(feature = "gpu")]
    if scorer.is_some() {
        cfg.batch = gpu::BATCH;
    }
    let total = cfg.points();
    let pb = bar(total as u64, "epochs");
    let start = std::time::Instant::now();
    let mut progress = |done: usize, _: usize| {
        pb.set_position(done as u64);
        true
    };
    let map = match scorer {
        Some(mut s) if variant != Variant::Chain => consensus_map(&cfg, s.as_mut(), &mut progress)?,
        _ => consensus_map_cpu(&cfg, &mut progress)?,
    };
    pb.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    write_out(&m.out, map.to_csv().as_bytes())?;
    if let Some(p) = &m.plot {
        plot::draw(&map, p)?;
    }
    eprintln!(
        "{total} epochs ({}, β = {}, κ = {}{}, σ_W = {}, seed {}) in {secs:.2} s; wrote {}{}",
        variant,
        cfg.params.bond_penalty,
        cfg.params.kappa,
        if cfg.params.liquid_alpha {
            ", liquid alpha"
        } else {
            ""
        },
        cfg.sigma_w,
        cfg.seed,
        m.out,
        m.plot
            .as_ref()
            .map(|p| format!(" and {}", p.display()))
            .unwrap_or_default()
    );
    let _ = print_summary(&map);
    Ok(())
}

/// A refused map configuration, named after the option that set the value when there is one
/// (`--kappa is 2, outside [0, 1]`).
fn map_config_error(e: taolab::Error) -> CliError {
    let field = match &e {
        taolab::Error::InvalidValue { field, .. } | taolab::Error::TooLarge { field, .. } => {
            field.as_str()
        }
        _ => "",
    };
    let flag = match field {
        "params.kappa" => "--kappa",
        "params.bondPenalty" => "--bond-penalty",
        "sigmaW" => "--sigma-w",
        "weightLevels" | "points" => "--levels",
        _ => return CliError(format!("consensus map: {e}")),
    };
    match e {
        taolab::Error::TooLarge { .. } => CliError(format!("{flag}: {e}")),
        e => flag_error(flag, e),
    }
}

/// The headline thresholds on stderr: W_H needed at W_C = 1 per stake level.
fn print_summary(map: &ConsensusMap) -> Option<()> {
    let parts: Vec<String> = map
        .config
        .stake_levels
        .iter()
        .enumerate()
        .map(|(l, s)| {
            let c = map.contour(l);
            match c.first().filter(|p| p.1 >= 1.0 - 1e-9) {
                Some(p) => format!("{s:.2}: {:.2}", p.0),
                None => format!("{s:.2}: -"),
            }
        })
        .collect();
    eprintln!(
        "honest utility W_H needed at W_C = 1, per S_H: {}",
        parts.join(", ")
    );
    Some(())
}

fn write_out(path: &str, bytes: &[u8]) -> CliResult {
    if path == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        Ok(())
    } else {
        std::fs::write(Path::new(path), bytes).map_err(|e| CliError(format!("--out {path}: {e}")))
    }
}

fn run_grid(args: Args) -> CliResult {
    let Some(grid) = &args.grid else {
        return Err(CliError(
            "sweep: give a study (`taolab sweep consensus-map --out map.csv`) or --grid FILE"
                .into(),
        ));
    };
    let text = read_input("--grid", grid)?;
    let spec = if grid.ends_with(".toml") {
        SweepSpec::from_toml(&text)?
    } else {
        SweepSpec::from_json(&text)?
    };
    let shard = match &args.shard {
        Some(s) => Shard::parse(s).map_err(|e| flag_error("--shard", e))?,
        None => Shard::default(),
    };
    let format = SweepFormat::parse(&args.format).map_err(|e| flag_error("--format", e))?;
    let runs = spec.runs()?.len();
    let mine = shard.range(runs);
    let pb = bar(mine.len() as u64, "runs");
    let out = run_sweep(&spec, shard, format, &mut |done, _| {
        pb.set_position(done as u64);
        true
    })?;
    pb.finish_and_clear();
    let path = args.out.as_deref().unwrap_or("-");
    write_out(path, out.as_bytes())?;
    if path != "-" {
        eprintln!(
            "{} of {runs} runs (shard {}/{}) written to {path}",
            mine.len(),
            shard.index + 1,
            shard.count
        );
    }
    Ok(())
}
