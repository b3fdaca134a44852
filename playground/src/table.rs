//! Chart data as tables: what each chart draws, exported as CSV or JSON.
//!
//! These functions only reshape the core's outputs (select, transpose, sort for display);
//! every number comes from `taolab`.

use taolab::math::Dense;
use taolab::yuma::{CaseOutput, EpochOutput};

/// A rectangular table with a header row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows of cells (numbers are written with full precision).
    pub rows: Vec<Vec<Cell>>,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A label (validator name, variant).
    Text(String),
    /// A number.
    Num(f64),
    /// A whole number (an index, a count, a block): no `.0` in JSON.
    Int(i64),
    /// A yes/no value (a JSON boolean).
    Bool(bool),
    /// A missing value (JSON `null`, an empty CSV cell).
    Null,
}

impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Cell::Num(x)
    }
}
impl From<usize> for Cell {
    fn from(x: usize) -> Self {
        Cell::Int(x as i64)
    }
}
impl From<bool> for Cell {
    fn from(x: bool) -> Self {
        Cell::Bool(x)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(x: Option<T>) -> Self {
        x.map_or(Cell::Null, Into::into)
    }
}
impl From<&str> for Cell {
    fn from(x: &str) -> Self {
        Cell::Text(x.into())
    }
}
impl From<String> for Cell {
    fn from(x: String) -> Self {
        Cell::Text(x)
    }
}

fn csv_text(s: &str) -> String {
    // Cells that a spreadsheet would run as a formula are prefixed with a quote.
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

impl Table {
    /// RFC 4180 CSV with a header line.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |cells: Vec<String>| cells.join(",") + "\n";
        out += &line(self.headers.iter().map(|h| csv_text(h)).collect());
        for r in &self.rows {
            out += &line(
                r.iter()
                    .map(|c| match c {
                        Cell::Text(t) => csv_text(t),
                        Cell::Num(x) => format!("{x}"),
                        Cell::Int(i) => i.to_string(),
                        Cell::Bool(b) => b.to_string(),
                        Cell::Null => String::new(),
                    })
                    .collect(),
            );
        }
        out
    }

    /// A JSON array of objects keyed by the headers.
    pub fn to_json(&self) -> String {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = self
            .rows
            .iter()
            .map(|r| {
                self.headers
                    .iter()
                    .zip(r)
                    .map(|(h, c)| {
                        let v = match c {
                            Cell::Text(t) => serde_json::Value::String(t.clone()),
                            Cell::Num(x) => serde_json::Number::from_f64(*x)
                                .map_or(serde_json::Value::Null, serde_json::Value::Number),
                            Cell::Int(i) => serde_json::Value::from(*i),
                            Cell::Bool(b) => serde_json::Value::Bool(*b),
                            Cell::Null => serde_json::Value::Null,
                        };
                        (h.clone(), v)
                    })
                    .collect()
            })
            .collect();
        serde_json::to_string_pretty(&rows).unwrap_or_default()
    }
}

/// A matrix with row and column labels, long form (`row, column, value`), zeros left out.
pub fn matrix(
    m: &Dense,
    rows: &[String],
    cols: &[String],
    row_h: &str,
    col_h: &str,
    value_h: &str,
) -> Table {
    let mut t = Table {
        headers: vec![row_h.into(), col_h.into(), value_h.into()],
        rows: Vec::new(),
    };
    for i in 0..m.rows {
        for j in 0..m.cols {
            let v = m.get(i, j);
            if v != 0.0 {
                t.rows.push(vec![
                    rows.get(i).cloned().unwrap_or_default().into(),
                    cols.get(j).cloned().unwrap_or_default().into(),
                    v.into(),
                ]);
            }
        }
    }
    t
}

/// One labelled vector per run (`label, run1, run2…`).
pub fn vectors(label_h: &str, labels: &[String], runs: &[(&str, &[f64])]) -> Table {
    let mut headers = vec![label_h.to_string()];
    headers.extend(runs.iter().map(|(n, _)| n.to_string()));
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut r: Vec<Cell> = vec![l.clone().into()];
            r.extend(
                runs.iter()
                    .map(|(_, v)| Cell::Num(v.get(i).copied().unwrap_or(0.0))),
            );
            r
        })
        .collect();
    Table { headers, rows }
}

/// Per-epoch series: one column per named series, one row per epoch (`epoch` is the 0-based
/// index, as in the CLI's CSV and the URL). A name without a series, or a series without a
/// name, is left out, so that every row has as many cells as the header.
pub fn over_epochs(names: &[String], series: &[Vec<f64>]) -> Table {
    let n = names.len().min(series.len());
    let (names, series) = (&names[..n], &series[..n]);
    let mut headers = vec!["epoch".to_string()];
    headers.extend(names.iter().cloned());
    let len = series.iter().map(Vec::len).max().unwrap_or(0);
    let rows = (0..len)
        .map(|e| {
            let mut r: Vec<Cell> = vec![e.into()];
            r.extend(
                series
                    .iter()
                    .map(|s| s.get(e).copied().map_or(Cell::Null, Cell::Num)),
            );
            r
        })
        .collect();
    Table { headers, rows }
}

/// Validators' dividends D̂ over the epochs: `series[i][epoch]`.
pub fn dividends_over_epochs(out: &CaseOutput) -> Vec<Vec<f64>> {
    (0..out.validators.len())
        .map(|i| {
            out.epochs
                .iter()
                .map(|e| e.dividends.get(i).copied().unwrap_or(0.0))
                .collect()
        })
        .collect()
}

/// Each validator's bond on server `j` over the epochs: `series[i][epoch]`.
pub fn bonds_over_epochs(out: &CaseOutput, j: usize) -> Vec<Vec<f64>> {
    (0..out.validators.len())
        .map(|i| {
            out.epochs
                .iter()
                .map(|e| {
                    if i < e.bonds.rows && j < e.bonds.cols {
                        e.bonds.get(i, j)
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

/// The server with the largest incentive in an epoch (the default miner to inspect).
pub fn top_server(e: &EpochOutput) -> usize {
    let mut best = 0;
    for (j, &x) in e.incentive.iter().enumerate() {
        if x > e.incentive.get(best).copied().unwrap_or(0.0) {
            best = j;
        }
    }
    best
}

/// The consensus curve of server `j`: each validator's normalised weight on it and the
/// stake share of validators whose weight is at least as large, sorted by weight (largest
/// first). The consensus `C_j` is the largest weight that a stake share of κ supports, so
/// the curve crosses κ at `C_j`; weights to its right are clipped.
pub fn support_curve(e: &EpochOutput, j: usize) -> Vec<(f64, f64, usize)> {
    let w = &e.weights;
    if j >= w.cols {
        return Vec::new();
    }
    let mut pts: Vec<(f64, f64, usize)> = (0..w.rows)
        .map(|i| (w.get(i, j), e.stake.get(i).copied().unwrap_or(0.0), i))
        .collect();
    pts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
    let mut cum = 0.0;
    for p in &mut pts {
        cum += p.1;
        p.1 = cum;
    }
    pts
}

/// Short display names for long labels (charts; the tables keep the full names).
pub fn short(name: &str, n: usize) -> String {
    crate::state::truncate(name, n)
}

/// An axis tick's label, short: no `.0` on whole numbers (`2030`, `12`), millions and
/// thousands as `M` and `k` from 10,000 (`20.5M`, `45k`), small values in exponent form
/// (`3.2e-7`), and at most four decimals otherwise (`0.05`, `0.125`).
pub fn tick(v: f64) -> String {
    fn trim(s: String) -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
    let a = v.abs();
    if a == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            v.to_string()
        };
    }
    if a >= 1e6 {
        return trim(format!("{:.2}", v / 1e6)) + "M";
    }
    if a >= 1e4 {
        return trim(format!("{:.1}", v / 1e3)) + "k";
    }
    if a < 1e-3 {
        return format!("{v:.1e}");
    }
    trim(format!("{v:.4}"))
}

/// A number for an on-screen table: thousands grouped with commas, whole numbers without
/// decimals (`7,111,749`), others with four (`20,835,937.5000`, `0.0625`).
pub fn grouped(x: f64) -> String {
    group_fixed(x, if x.fract() == 0.0 { 0 } else { 4 })
}

/// A column of numbers for an on-screen table, grouped like [`grouped`] and all with the
/// same number of decimals (as many as the most precise value needs, at most four), so that
/// `20,835,937.5` does not sit next to `20,671,875` with another format.
pub fn grouped_column(xs: &[f64]) -> Vec<String> {
    let decimals = xs
        .iter()
        .map(|x| {
            (0..4)
                .find(|&d| {
                    let s = format!("{x:.4}");
                    let frac = s.split('.').nth(1).unwrap_or("");
                    frac[d..].bytes().all(|b| b == b'0')
                })
                .unwrap_or(4)
        })
        .max()
        .unwrap_or(0);
    xs.iter().map(|&x| group_fixed(x, decimals)).collect()
}

/// `x` with `decimals` decimals and its thousands grouped with commas.
fn group_fixed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_at(digits.find('.').unwrap_or(digits.len()));
    let mut out = String::from(sign);
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out + frac
}

/// A short label (under a bar, beside a heatmap row) in at most `fit` characters: a name's
/// part before ` (` (`UID 7` of `UID 7 (5Ck2…)`), cut with `…` if it is still too long.
pub fn bar_label(name: &str, fit: usize) -> String {
    let head = name.split(" (").next().unwrap_or(name);
    if head.chars().count() <= fit {
        return head.to_string();
    }
    short(head, fit.max(2) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use taolab::yuma::{cases, run_case, Variant};

    #[test]
    fn table_numbers_are_grouped() {
        let cases = [
            (0.0, "0"),
            (7.0, "7"),
            (999.0, "999"),
            (1000.0, "1,000"),
            (7_111_749.0, "7,111,749"),
            (20_835_937.5, "20,835,937.5000"),
            (0.0625, "0.0625"),
            (112.5, "112.5000"),
            (-1_234_567.25, "-1,234,567.2500"),
        ];
        for (x, want) in cases {
            assert_eq!(grouped(x), want, "{x}");
        }
    }

    #[test]
    fn table_columns_share_their_decimals() {
        assert_eq!(
            grouped_column(&[20_671_875.0, 20_835_937.5, 10_500_000.0]),
            ["20,671,875.0", "20,835,937.5", "10,500,000.0"]
        );
        assert_eq!(
            grouped_column(&[7200.0, 3600.0, 112.5, 56.25, 14.0625]),
            ["7,200.0000", "3,600.0000", "112.5000", "56.2500", "14.0625"]
        );
        assert_eq!(grouped_column(&[1.0, 2.0, 1000.0]), ["1", "2", "1,000"]);
        // At most four decimals.
        assert_eq!(grouped_column(&[0.123456, 1.0]), ["0.1235", "1.0000"]);
        assert!(grouped_column(&[]).is_empty());
    }

    #[test]
    fn json_types_follow_the_cells() {
        let t = Table {
            headers: vec!["i".into(), "b".into(), "n".into(), "x".into()],
            rows: vec![vec![
                3usize.into(),
                true.into(),
                Option::<f64>::None.into(),
                0.5.into(),
            ]],
        };
        let v: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!([{ "i": 3, "b": true, "n": null, "x": 0.5 }])
        );
        assert!(v[0]["i"].is_u64());
        assert_eq!(t.to_csv(), "i,b,n,x\n3,true,,0.5\n");
    }

    #[test]
    fn over_epochs_rows_match_the_header() {
        // Three names, two series (prices have no "others"): the header follows the data.
        let names = ["a", "b", "others"].map(String::from);
        let t = over_epochs(&names, &[vec![1.0, 2.0], vec![3.0]]);
        assert_eq!(t.headers, ["epoch", "a", "b"]);
        for r in &t.rows {
            assert_eq!(r.len(), t.headers.len());
        }
        assert_eq!(t.rows[0][0], Cell::Int(0));
        assert_eq!(t.rows[1][2], Cell::Null);
    }

    #[test]
    fn ticks_are_short() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (2030.0, "2030"),
            (2026.5, "2026.5"),
            (12.0, "12"),
            (0.05, "0.05"),
            (0.15000000000000002, "0.15"),
            (0.125, "0.125"),
            (1000.0, "1000"),
            (45_000.0, "45k"),
            (12_500.0, "12.5k"),
            (20_000_000.0, "20M"),
            (20_500_000.0, "20.5M"),
            (3.2e-7, "3.2e-7"),
            (-0.5, "-0.5"),
            (-2e6, "-2M"),
        ];
        for (v, want) in cases {
            assert_eq!(tick(v), want, "{v}");
        }
    }

    #[test]
    fn bar_labels_fit() {
        assert_eq!(bar_label("UID 7 (5Ck2abc…)", 8), "UID 7");
        assert_eq!(bar_label("UID 112 (5Ck2abc…)", 7), "UID 112");
        assert_eq!(bar_label("Big vali. (0.8)", 6), "Big v…");
        assert_eq!(bar_label("Small eager vali. (0.1)", 12), "Small eager…");
        assert_eq!(bar_label("server", 3), "se…");
        for fit in 1..20 {
            assert!(
                bar_label("a long name without a bracket", fit)
                    .chars()
                    .count()
                    <= fit.max(2)
            );
        }
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let t = Table {
            headers: vec!["name".into(), "x".into()],
            rows: vec![
                vec!["a,b".into(), 1.5.into()],
                vec!["=cmd()".into(), (-2.0).into()],
            ],
        };
        assert_eq!(t.to_csv(), "name,x\n\"a,b\",1.5\n'=cmd(),-2\n");
        assert!(t.to_json().contains("\"x\": -2.0"));
    }

    #[test]
    fn support_curve_crosses_kappa_at_consensus() {
        let mut c = cases::case(1).unwrap();
        c.variant = Some(Variant::Yuma2);
        let out = run_case(&c).unwrap();
        let e = &out.epochs[5];
        for j in 0..e.consensus.len() {
            let curve = support_curve(e, j);
            let total: f64 = e.stake.iter().sum();
            assert!((curve.last().unwrap().1 - total).abs() < 1e-9);
            // The consensus weight is supported by at least κ of the stake.
            let support: f64 = curve
                .iter()
                .filter(|p| p.0 >= e.consensus[j] - 1e-5) // C is quantised
                .map(|p| p.1)
                .fold(0.0, f64::max);
            assert!(support + 1e-9 >= c.params.kappa, "server {j}");
        }
        let d = dividends_over_epochs(&out);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].len(), 40);
        assert_eq!(over_epochs(&out.validators, &d).rows.len(), 40);
    }
}
