//! `taolab schedule`: the TAO issuance and halving schedule.

use crate::io::{print_json, whole_u64, whole_usize, CliError, CliResult};
use taolab::emission::issuance::{BLOCKS_PER_DAY, RAO_PER_TAO};
use taolab::emission::schedule::parse_date;
use taolab::emission::{emission_schedule, ScheduleStart};

/// Arguments of `taolab schedule`.
#[derive(clap::Args)]
pub struct Args {
    /// Output format: table, csv or json.
    #[arg(long, default_value = "table")]
    format: String,
    /// TAO recycled per day (registration burns etc.); delays the halvings.
    #[arg(
        long,
        value_name = "TAO",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    recycled: f64,
    /// Total issuance at the reference block, TAO (default: 10 500 000, the first halving).
    #[arg(long, value_name = "TAO", allow_negative_numbers = true)]
    issuance: Option<f64>,
    /// Reference block (default: 7 111 749, estimated for 2025-12-14).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_u64)]
    from_block: Option<u64>,
    /// Date of the reference block, YYYY-MM-DD (default: 2025-12-14).
    #[arg(long, value_name = "DATE")]
    from_date: Option<String>,
    /// Number of halvings to list (at most 64).
    #[arg(long, value_name = "N", default_value_t = 8, allow_negative_numbers = true,
          value_parser = whole_usize)]
    halvings: usize,
}

fn tao_to_rao(field: &str, tao: f64) -> CliResult<u64> {
    if !tao.is_finite() || !(0.0..=21_000_000.0).contains(&tao) {
        return Err(CliError(format!(
            "{field} is {tao}, outside 0..=21000000 TAO"
        )));
    }
    Ok((tao * RAO_PER_TAO as f64).round() as u64)
}

/// A rao amount in TAO, exactly ([`crate::io::tao`]).
fn tao(rao: u64) -> String {
    crate::io::tao(rao.into())
}

pub fn run(args: Args) -> CliResult {
    let mut start = ScheduleStart::default();
    if let Some(i) = args.issuance {
        start.issuance = tao_to_rao("--issuance", i)?;
    }
    if let Some(b) = args.from_block {
        start.block = b;
    }
    if let Some(d) = &args.from_date {
        start.unix_seconds = parse_date(d)
            .ok_or_else(|| CliError(format!("--from-date: '{d}' is not a YYYY-MM-DD date")))?;
    }
    let recycled_per_day = tao_to_rao("--recycled", args.recycled)?;
    let rows = emission_schedule(
        start,
        recycled_per_day / BLOCKS_PER_DAY,
        args.halvings.min(64),
    );
    match args.format.as_str() {
        "json" => print_json(&rows),
        "csv" => {
            out!("halving,issuanceThresholdTao,block,date,emissionPerBlockTao,emissionPerDayTao");
            for r in &rows {
                out!(
                    "{},{},{},{},{},{}",
                    r.halving,
                    tao(r.issuance_threshold),
                    r.block.map(|b| b.to_string()).unwrap_or_default(),
                    r.date.clone().unwrap_or_default(),
                    tao(r.emission_per_block),
                    tao(r.emission_per_day)
                );
            }
            Ok(())
        }
        "table" => {
            out!(
                "reference: block {} on {} with {} TAO issued; {} TAO recycled per day; 12-s blocks",
                start.block,
                taolab::emission::schedule::date_string(start.unix_seconds),
                tao(start.issuance),
                args.recycled
            );
            out!(
                "{:>7}  {:>22}  {:>10}  {:>10}  {:>14}  {:>12}",
                "halving",
                "issuance threshold TAO",
                "block",
                "date",
                "TAO per block",
                "TAO per day"
            );
            for r in &rows {
                let when = match (&r.block, r.passed) {
                    (_, true) => ("passed".to_string(), String::new()),
                    (Some(b), _) => (b.to_string(), r.date.clone().unwrap_or_default()),
                    (None, _) => ("never".to_string(), String::new()),
                };
                out!(
                    "{:>7}  {:>22}  {:>10}  {:>10}  {:>14}  {:>12}",
                    r.halving,
                    tao(r.issuance_threshold),
                    when.0,
                    when.1,
                    tao(r.emission_per_block),
                    tao(r.emission_per_day)
                );
            }
            Ok(())
        }
        other => Err(CliError(format!(
            "--format: unknown value '{other}' (expected one of: table, csv, json)"
        ))),
    }
}
