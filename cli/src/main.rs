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
    let cli = Cli::parse();
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
