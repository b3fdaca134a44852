//! `taolab run`: a multi-epoch case.

use crate::io::{
    num, parse_variant, print_json, read_input, short, stdin_is_terminal, whole_usize, CliError,
    CliResult, Format,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use taolab::limits::MAX_EPOCHS;
use taolab::metagraph::Metagraph;
use taolab::yuma::{cases, run_case_with_progress, Case, CaseOutput};

/// Arguments of `taolab run`.
#[derive(clap::Args)]
pub struct Args {
    /// Input case JSON file, or - for stdin. Without --input, --case or --metagraph the case
    /// is read from stdin (a pipe; an error when stdin is a terminal).
    #[arg(long, short, conflicts_with = "case")]
    input: Option<String>,
    /// Run built-in community case N (1-22) instead of an input.
    #[arg(long, value_name = "N", conflicts_with = "metagraph", allow_negative_numbers = true,
          value_parser = whole_usize)]
    case: Option<usize>,
    /// Run a metagraph snapshot (`{n, S, W, hotkeys}` JSON, e.g. data/metagraph-sn15-block4769998.json):
    /// UIDs with S >= 1000 validate, every UID is a server.
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    metagraph: Option<String>,
    /// Epochs to run: a metagraph's weights repeat for N epochs (default 40); a case or
    /// input runs its first N epochs (default all).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole_usize)]
    epochs: Option<usize>,
    /// Epoch rule: yuma1, yuma2, yuma2b, yuma2c, yuma3 or chain (overrides the case's).
    #[arg(long)]
    variant: Option<String>,
    /// Output: json (the contract), csv (long form) or table.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
}

/// Epochs a metagraph runs for without `--epochs`.
const METAGRAPH_EPOCHS: usize = 40;

pub fn run(args: Args) -> CliResult {
    let variant = args.variant.as_deref().map(parse_variant).transpose()?;
    if let Some(n) = args.epochs {
        if !(1..=MAX_EPOCHS).contains(&n) {
            return Err(CliError(format!(
                "--epochs is {n}, outside 1..={MAX_EPOCHS}"
            )));
        }
    }
    let mut case = match (args.case, args.input.as_deref(), args.metagraph.as_deref()) {
        (_, _, Some(path)) => Metagraph::from_json(&read_input("--metagraph", path)?)?
            .to_case(args.epochs.unwrap_or(METAGRAPH_EPOCHS), Default::default())?,
        (Some(n), _, _) => cases::case(n).ok_or_else(|| {
            CliError(format!(
                "--case: no case {n} (the cases are 1 to {})",
                cases::COUNT
            ))
        })?,
        (None, Some(path), None) => Case::from_json(&read_input("--input", path)?)?,
        (None, None, None) => {
            if stdin_is_terminal() {
                return Err(CliError(
                    "give --input FILE (or - for stdin), --case N or --metagraph FILE".into(),
                ));
            }
            Case::from_json(&read_input("--input", "-")?)?
        }
    };
    if let Some(n) = args.epochs {
        if n > case.epochs.len() {
            return Err(CliError(format!(
                "--epochs is {n}, the case has {} epochs",
                case.epochs.len()
            )));
        }
        case.epochs.truncate(n);
    }
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
            t.percent_vs_base.map(num).unwrap_or_default()
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
    v.iter().map(|&x| short(x)).collect::<Vec<_>>().join(" ")
}

/// Entities per vector up to which the table puts whole vectors on each epoch's line.
const TABLE_INLINE_MAX: usize = 12;

/// Writes rows of cells as columns, each as wide as its widest cell: the first column
/// left-aligned (names), the others right-aligned (numbers) unless `left` says otherwise.
fn write_columns(w: &mut impl Write, rows: &[Vec<String>], left: &[bool]) -> CliResult {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = width[c] - cell.chars().count();
            if c > 0 {
                line.push_str("  ");
            }
            if left.get(c).copied().unwrap_or(false) {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad));
            } else {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            }
        }
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The index and value of the largest entry (the first of equals).
fn top(v: &[f64]) -> Option<(usize, f64)> {
    v.iter()
        .copied()
        .enumerate()
        .fold(None, |best, (i, x)| match best {
            Some((_, b)) if b >= x => best,
            _ => Some((i, x)),
        })
}

/// Human-readable. With a few servers and validators: one line per epoch with the whole
/// vectors (consensus, incentive, dividends, bond rows). With more (a metagraph): one line
/// per epoch with the leaders, then the last epoch with one row per server and per
/// validator. Then the total-dividends table.
fn print_table(out: &CaseOutput) -> CliResult {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let title = out.name.as_deref().unwrap_or("Case");
    writeln!(w, "{title} — {}", out.variant.display_name())?;
    let small = out.servers.len() <= TABLE_INLINE_MAX && out.validators.len() <= TABLE_INLINE_MAX;
    if small {
        writeln!(w, "servers: {}", out.servers.join(", "))?;
        writeln!(w, "validators: {}", out.validators.join(", "))?;
        writeln!(w)?;
        let mut rows = vec![vec![
            "epoch".to_string(),
            "consensus".into(),
            "incentive".into(),
            "dividends".into(),
            "bonds (one [row] per validator)".into(),
        ]];
        for (e, ep) in out.epochs.iter().enumerate() {
            let bonds: Vec<String> = (0..ep.bonds.rows)
                .map(|i| format!("[{}]", fmt_vec(ep.bonds.row(i))))
                .collect();
            rows.push(vec![
                e.to_string(),
                fmt_vec(&ep.consensus),
                fmt_vec(&ep.incentive),
                fmt_vec(&ep.dividends),
                bonds.join(" "),
            ]);
        }
        write_columns(&mut w, &rows, &[false, true, true, true, true])?;
    } else {
        writeln!(
            w,
            "{} servers, {} validators (per epoch: the leaders; then the last epoch in full)",
            out.servers.len(),
            out.validators.len()
        )?;
        writeln!(w)?;
        let mut rows = vec![vec![
            "epoch".to_string(),
            "servers paid".into(),
            "top server".into(),
            "incentive".into(),
            "top validator".into(),
            "dividends".into(),
        ]];
        for (e, ep) in out.epochs.iter().enumerate() {
            let paid = ep.incentive.iter().filter(|&&x| x > 0.0).count();
            let (s, inc) = top(&ep.incentive).unwrap_or((0, 0.0));
            let (v, div) = top(&ep.dividends).unwrap_or((0, 0.0));
            rows.push(vec![
                e.to_string(),
                format!("{paid}/{}", ep.incentive.len()),
                out.servers.get(s).cloned().unwrap_or_default(),
                short(inc),
                out.validators.get(v).cloned().unwrap_or_default(),
                short(div),
            ]);
        }
        write_columns(&mut w, &rows, &[false, false, true, false, true, false])?;
        if let Some(last) = out.epochs.last() {
            let e = out.epochs.len() - 1;
            writeln!(w)?;
            writeln!(w, "Epoch {e}, servers:")?;
            let mut rows = vec![vec![
                "server".to_string(),
                "consensus".into(),
                "incentive".into(),
                "trust".into(),
                "rank".into(),
            ]];
            for (j, name) in out.servers.iter().enumerate() {
                let at = |v: &[f64]| v.get(j).map_or(String::new(), |&x| short(x));
                rows.push(vec![
                    name.clone(),
                    at(&last.consensus),
                    at(&last.incentive),
                    at(&last.trust),
                    at(&last.rank),
                ]);
            }
            write_columns(&mut w, &rows, &[true])?;
            writeln!(w)?;
            writeln!(w, "Epoch {e}, validators:")?;
            let mut rows = vec![vec![
                "validator".to_string(),
                "stake".into(),
                "validator trust".into(),
                "dividends".into(),
            ]];
            for (i, name) in out.validators.iter().enumerate() {
                let at = |v: &[f64]| v.get(i).map_or(String::new(), |&x| short(x));
                rows.push(vec![
                    name.clone(),
                    at(&last.stake),
                    at(&last.validator_trust),
                    at(&last.dividends),
                ]);
            }
            write_columns(&mut w, &rows, &[true])?;
        }
    }
    writeln!(w)?;
    writeln!(
        w,
        "Total dividends (per 1,000 TAO, summed over epochs), against {}:",
        out.base_validator
    )?;
    let mut rows = Vec::new();
    for t in &out.total_dividends {
        rows.push(vec![
            format!("  {}", t.validator),
            short(t.total),
            t.percent_vs_base
                .map_or_else(|| "n/a".into(), |p| format!("{p:+.2}%")),
        ]);
    }
    write_columns(&mut w, &rows, &[true])?;
    w.flush()?;
    Ok(())
}
