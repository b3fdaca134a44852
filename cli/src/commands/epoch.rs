//! `taolab epoch`: one epoch.

use crate::io::{print_json, read_input, CliResult};
use taolab::yuma::{run_epoch, EpochInput, Variant};

/// Arguments of `taolab epoch`.
#[derive(clap::Args)]
pub struct Args {
    /// Epoch rule: yuma1, yuma2, yuma2b, yuma2c, yuma3 or chain (overrides the input's).
    #[arg(long)]
    variant: Option<String>,
    /// Input JSON file, or - for stdin. With --variant chain, the chain's storage form.
    #[arg(long, short, default_value = "-")]
    input: String,
}

pub fn run(args: Args) -> CliResult {
    let variant = args
        .variant
        .as_deref()
        .map(str::parse::<Variant>)
        .transpose()?;
    let text = read_input(&args.input)?;
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
