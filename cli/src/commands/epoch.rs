//! `taolab epoch`: one epoch.

use crate::io::{parse_variant, print_json, read_input, stdin_is_terminal, CliError, CliResult};
use taolab::yuma::{run_epoch, EpochInput, Variant};

/// Arguments of `taolab epoch`.
#[derive(clap::Args)]
pub struct Args {
    /// Epoch rule: yuma1, yuma2, yuma2b, yuma2c, yuma3 or chain (overrides the input's).
    #[arg(long)]
    variant: Option<String>,
    /// Input JSON file, or - for stdin (the default: a pipe; an error when stdin is a
    /// terminal and --input is not given). With --variant chain, the chain's storage form.
    #[arg(long, short, value_name = "FILE")]
    input: Option<String>,
}

pub fn run(args: Args) -> CliResult {
    let variant = args.variant.as_deref().map(parse_variant).transpose()?;
    let path = match args.input.as_deref() {
        Some(path) => path,
        None if stdin_is_terminal() => {
            return Err(CliError("give --input FILE (or - for stdin)".into()))
        }
        None => "-",
    };
    let text = read_input("--input", path)?;
    if variant == Some(Variant::Chain) {
        return chain(&text);
    }
    let input = EpochInput::from_json(&text)?;
    let out = run_epoch(&input, variant)?;
    print_json(&out)
}

fn chain(text: &str) -> CliResult {
    let input = taolab::yuma::chain::ChainInput::from_json(text)?;
    let out = taolab::yuma::chain::epoch(&input)?;
    print_json(&out)
}
