//! `taolab run`: a multi-epoch case.

use crate::io::{num, print_json, read_input, CliError, CliResult, Format};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use taolab::metagraph::Metagraph;
use taolab::yuma::{cases, run_case_with_progress, Case, CaseOutput, Variant};

/// Arguments of `taolab run`.
#[derive(clap::Args)]
pub struct Args {
    /// Input case JSON file, or - for stdin.
    #[arg(long, short, conflicts_with = "case")]
    input: Option<String>,
    /// Run built-in community case N (1-22) instead of an input.
    #[arg(long, value_name = "N", conflicts_with = "metagraph")]
    case: Option<usize>,
    /// Run a metagraph snapshot (`{n, S, W, hotkeys}` JSON, e.g. data/metagraph-sn15-block4769998.json):
    /// UIDs with S >= 1000 validate, every UID is a server.
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    metagraph: Option<String>,
    /// Epochs to run a metagraph for (its weights repeat every epoch).
    #[arg(long, default_value_t = 40, requires = "metagraph")]
    epochs: usize,
    /// Epoch rule: yuma1, yuma2, yuma2b, yuma2c, yuma3 or chain (overrides the case's).
    #[arg(long)]
    variant: Option<String>,
    /// Output: json (the contract), csv (long form) or table.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
}

pub fn run(args: Args) -> CliResult {
    let variant = args
        .variant
        .as_deref()
        .map(str::parse::<Variant>)
        .transpose()?;
    let mut case = match (args.case, args.input.as_deref()) {
        _ if args.metagraph.is_some() => {
            let path = args.metagraph.as_deref().unwrap_or("-");
            Metagraph::from_json(&read_input(path)?)?.to_case(args.epochs, Default::default())?
        }
        (Some(n), _) => cases::case(n).ok_or_else(|| {
            CliError(format!(
                "--case: no case {n} (the cases are 1 to {})",
                cases::COUNT
            ))
        })?,
        (None, Some(path)) => Case::from_json(&read_input(path)?)?,
        (None, None) => Case::from_json(&read_input("-")?)?,
    };
    if variant.is_some() {
        case.variant = variant;
    }
    let bar = ProgressBar::new(case.epochs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} epochs")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if case.epochs.len() < 1000 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let out = run_case_with_progress(&case, &mut |done, _| {
        bar.set_position(done as u64);
        true
    })?;
    bar.finish_and_clear();
    match args.format {
        Format::Json => print_json(&out),
        Format::Csv => print_csv(&out),
        Format::Table => print_table(&out),
    }
}

/// Long-form CSV: `epoch,entity,index,name,metric,value`.
fn print_csv(out: &CaseOutput) -> CliResult {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    writeln!(w, "epoch,entity,index,name,metric,value")?;
    for (e, ep) in out.epochs.iter().enumerate() {
        let servers: [(&str, &Vec<f64>); 5] = [
            ("prerank", &ep.prerank),
            ("consensus", &ep.consensus),
            ("rank", &ep.rank),
            ("incentive", &ep.incentive),
            ("trust", &ep.trust),
        ];
        for (metric, values) in servers {
            for (j, x) in values.iter().enumerate() {
                writeln!(
                    w,
                    "{e},server,{j},{},{metric},{}",
                    csv_name(&out.servers[j]),
                    num(*x)
                )?;
            }
        }
        let validators: [(&str, &Vec<f64>); 6] = [
            ("stake", &ep.stake),
            ("validatorTrust", &ep.validator_trust),
            ("dividends", &ep.dividends),
            ("dividendsRaw", &ep.dividends_raw),
            ("dividendPer1000Tao", &ep.dividend_per_1000_tao),
            ("relativeDividends", &ep.relative_dividends),
        ];
        for (metric, values) in validators {
            for (i, x) in values.iter().enumerate() {
                writeln!(
                    w,
                    "{e},validator,{i},{},{metric},{}",
                    csv_name(&out.validators[i]),
                    num(*x)
                )?;
            }
        }
        for i in 0..ep.bonds.rows {
            for j in 0..ep.bonds.cols {
                let name = format!("{} -> {}", out.validators[i], out.servers[j]);
                writeln!(
                    w,
                    "{e},bond,{i}:{j},{},bonds,{}",
                    csv_name(&name),
                    num(ep.bonds.get(i, j))
                )?;
            }
        }
    }
    for t in &out.total_dividends {
        writeln!(
            w,
            "total,validator,,{},totalDividends,{}",
            csv_name(&t.validator),
            num(t.total)
        )?;
        writeln!(
            w,
            "total,validator,,{},percentVsBase,{}",
            csv_name(&t.validator),
            num(t.percent_vs_base)
        )?;
    }
    w.flush()?;
    Ok(())
}

fn csv_name(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn fmt_vec(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x:.4}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Human-readable: one line per epoch, then the total-dividends table.
fn print_table(out: &CaseOutput) -> CliResult {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    if let Some(name) = &out.name {
        writeln!(w, "{name} — {}", out.variant.display_name())?;
    }
    writeln!(
        w,
        "{:>5}  {:<24} {:<24} {:<24} bonds (rows)",
        "epoch", "consensus", "incentive", "dividends"
    )?;
    for (e, ep) in out.epochs.iter().enumerate() {
        let bonds: Vec<String> = (0..ep.bonds.rows)
            .map(|i| format!("[{}]", fmt_vec(ep.bonds.row(i))))
            .collect();
        writeln!(
            w,
            "{e:>5}  {:<24} {:<24} {:<24} {}",
            fmt_vec(&ep.consensus),
            fmt_vec(&ep.incentive),
            fmt_vec(&ep.dividends),
            bonds.join(" ")
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "Total dividends (per 1,000 TAO, summed over epochs), against {}:",
        out.base_validator
    )?;
    for t in &out.total_dividends {
        writeln!(
            w,
            "  {:<40} {:>12.6} {:>+9.2}%",
            t.validator, t.total, t.percent_vs_base
        )?;
    }
    w.flush()?;
    Ok(())
}
