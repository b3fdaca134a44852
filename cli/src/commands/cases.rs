//! `taolab cases`: the built-in community cases.

use crate::io::{print_json, whole_usize, CliError, CliResult};
use taolab::yuma::cases;

/// Arguments of `taolab cases`.
#[derive(clap::Args)]
pub struct Args {
    /// Print case N (1-22) as a `taolab run` input instead of listing the cases.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_usize)]
    json: Option<usize>,
}

pub fn run(args: Args) -> CliResult {
    match args.json {
        Some(n) => {
            let case = cases::case(n).ok_or_else(|| {
                CliError(format!(
                    "--json: no case {n} (the cases are 1 to {})",
                    cases::COUNT
                ))
            })?;
            print_json(&case)
        }
        None => {
            for info in cases::list() {
                out!(
                    "{:>2}  {} servers  {}  (base: {})",
                    info.number,
                    info.servers,
                    info.name,
                    info.base_validator
                );
            }
            Ok(())
        }
    }
}
