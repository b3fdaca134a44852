//! `taolab`: Bittensor's economics from the command line.
//!
//! Every command reads JSON (a file or `-` for stdin) and prints JSON (or CSV/tables) on
//! stdout. Bad input prints one line on stderr naming the field and index, and exits with
//! status 2.

#[macro_use]
mod io;
mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Bittensor economics: Yuma consensus (chain-exact and research variants), emission, pools.
#[derive(Parser)]
#[command(name = "taolab", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one epoch and print its outputs as JSON.
    Epoch(commands::epoch::Args),
    /// Run a multi-epoch case (a file, stdin, or a built-in case) and print per-epoch outputs.
    Run(commands::run::Args),
    /// List the built-in community cases, or print one as a `run` input.
    Cases(commands::cases::Args),
    /// Print the TAO issuance and halving schedule (table, CSV or JSON).
    Schedule(commands::schedule::Args),
    /// Run the multi-subnet economy and write its series (CSV and JSON) to a directory.
    World(commands::world::Args),
    /// Run a study: the consensus-guarantee map, or a parameter sweep (grid or random).
    Sweep(commands::sweep::Args),
    /// Run a shipped study (weight copying, cabal, lazy validator, move-first) or an agent scenario.
    Study(commands::study::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return bad_arguments(e),
    };
    let result = match cli.command {
        Command::Epoch(a) => commands::epoch::run(a),
        Command::Run(a) => commands::run::run(a),
        Command::Cases(a) => commands::cases::run(a),
        Command::Schedule(a) => commands::schedule::run(a),
        Command::World(a) => commands::world::run(a),
        Command::Sweep(a) => commands::sweep::run(a),
        Command::Study(a) => commands::study::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Help and version print as usual. Bad arguments get one line on stderr, like bad input
/// (clap's own report adds the usage and a tip over several lines), and exit status 2.
fn bad_arguments(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            eprintln!("{}", one_line(&e));
            ExitCode::from(2)
        }
    }
}

/// clap's report in one line. A value that an option refuses is named after the option, in
/// the words of the checks the CLI and the library make themselves (`--format: unknown value
/// 'xml' (expected one of: json, csv, table)`). Otherwise the report's first paragraph, its
/// continuation lines joined: `error: the following required arguments were not provided:
/// --out <DIR> (--help lists the arguments)` (the first line alone ends at the colon; the
/// usage and tips are left out).
fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.as_str()),
        _ => None,
    };
    // `--format <FORMAT>` → `--format`.
    let flag = text(ContextKind::InvalidArg).and_then(|a| a.split_whitespace().next());
    let value = text(ContextKind::InvalidValue).filter(|v| !v.is_empty());
    match (e.kind(), flag, value) {
        (ErrorKind::InvalidValue, Some(flag), Some(value)) => {
            if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
                return format!(
                    "error: {flag}: unknown value '{value}' (expected one of: {})",
                    valid.join(", ")
                );
            }
        }
        (ErrorKind::ValueValidation, Some(flag), Some(value)) => {
            if let Some(source) = std::error::Error::source(e) {
                return format!("error: {flag}: invalid value '{value}': {source}");
            }
        }
        _ => {}
    }
    let rendered = e.render().to_string();
    let mut lines = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty());
    let first = lines.next().unwrap_or("error: bad arguments").to_string();
    let rest: Vec<&str> = lines.collect();
    let line = if rest.is_empty() {
        first
    } else if first.ends_with(':') {
        format!("{first} {}", rest.join(", "))
    } else {
        format!("{first} {}", rest.join(" "))
    };
    format!("{line} (--help lists the arguments)")
}
