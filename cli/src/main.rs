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
            let text = e.render().to_string();
            let line = text.lines().next().unwrap_or("error: bad arguments");
            eprintln!("{} (--help lists the arguments)", line.trim_end());
            ExitCode::from(2)
        }
    }
}
