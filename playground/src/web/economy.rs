//! The tokenomics and subnets views' charts and tables.

use super::charts;
use crate::economy::{self, WorldSummary, EVENT_KINDS, FLOW_NAMES, RAO};
use crate::state::AppState;
use crate::table::{Cell, Table};
use taolab::emission::{HalvingRow, ScheduleStart};
use web_sys::HtmlCanvasElement;

/// Chart ids of the tokenomics view.
pub const TOKENOMICS: [&str; 3] = ["issuance", "emission-day", "inflation"];
/// Chart ids of the subnets view.
pub const SUBNETS: [&str; 5] = economy::SUBNET_CHARTS;

/// The tokenomics view's data.
pub struct Tokenomics {
    /// The schedule with the chosen recycling.
    pub rows: Vec<HalvingRow>,
    /// The schedule without recycling, for comparison.
    pub base: Vec<HalvingRow>,
    /// Horizon (decimal year).
    pub until: f64,
}

impl Tokenomics {
    /// Projects the schedule for the state's recycling and horizon.
    pub fn compute(s: &AppState) -> Tokenomics {
        let from = economy::year(ScheduleStart::default().unix_seconds);
        Tokenomics {
            rows: economy::schedule(s.recycle, 32),
            base: economy::schedule(0.0, 32),
            until: from + s.years as f64,
        }
    }

    fn steps(&self, rows: &[HalvingRow], per_day: bool) -> (Vec<f64>, Vec<f64>) {
        // Emission per day (net of recycling when `per_day` is false: inflation input).
        let from = economy::year(ScheduleStart::default().unix_seconds);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let mut cur = rows
            .iter()
            .rev()
            .find(|r| r.passed || r.block == Some(ScheduleStart::default().block))
            .map_or(0.0, |r| r.emission_per_day as f64 / RAO);
        xs.push(from);
        ys.push(cur);
        for r in rows.iter().filter(|r| !r.passed) {
            if let Some(t) = r.unix_seconds {
                let y = economy::year(t);
                if y <= from || y > self.until {
                    continue;
                }
                xs.push(y);
                ys.push(cur);
                cur = r.emission_per_day as f64 / RAO;
                xs.push(y);
                ys.push(cur);
            }
        }
        xs.push(self.until);
        ys.push(cur);
        let _ = per_day;
        (xs, ys)
    }

    /// Draws chart `id`.
    pub fn draw(&self, id: &str, c: &HtmlCanvasElement, s: &AppState) -> Result<(), String> {
        let recycled_day = economy::recycled_per_block(s.recycle) as f64 * 7200.0 / RAO;
        match id {
            "issuance" => {
                let (x1, y1) = economy::issuance_curve(&self.rows, self.until);
                let (x0, y0) = economy::issuance_curve(&self.base, self.until);
                let (x1, y1) = extend(x1, y1, self.until, &self.rows, recycled_day);
                let (x0, y0) = extend(x0, y0, self.until, &self.base, 0.0);
                let grid = merge_x(&[&x1, &x0]);
                let base = interp(&x0, &y0, &grid);
                let title = "Total issuance (TAO); halvings where the slope breaks";
                if recycled_day <= 0.0 {
                    // Without recycling the two lines are one: draw it once.
                    return charts::lines(
                        c,
                        title,
                        &grid,
                        &["no recycling".into()],
                        &[base],
                        "year",
                        "TAO issued",
                        &charts::LineOpts::default(),
                    );
                }
                charts::lines(
                    c,
                    title,
                    &grid,
                    &[
                        format!("recycling {:.0} TAO/day", recycled_day),
                        "no recycling".into(),
                    ],
                    &[interp(&x1, &y1, &grid), base],
                    "year",
                    "TAO issued",
                    &charts::LineOpts {
                        dashed: &[1],
                        ..Default::default()
                    },
                )
            }
            "emission-day" => {
                let (x, y) = self.steps(&self.rows, true);
                charts::lines(
                    c,
                    "Emission per day (TAO)",
                    &x,
                    &["emission / day".into()],
                    &[y],
                    "year",
                    "TAO per day",
                    &charts::LineOpts::default(),
                )
            }
            "inflation" => {
                let (x, y) = self.inflation(recycled_day);
                charts::lines(
                    c,
                    "Annual inflation of the supply (net of recycling)",
                    &x,
                    &["inflation %".into()],
                    &[y],
                    "year",
                    "% per year",
                    &charts::LineOpts::default(),
                )
            }
            _ => Ok(()),
        }
    }

    fn inflation(&self, recycled_day: f64) -> (Vec<f64>, Vec<f64>) {
        let (xi, yi) = economy::issuance_curve(&self.rows, self.until);
        let (xi, yi) = extend(xi, yi, self.until, &self.rows, recycled_day);
        let (xe, ye) = self.steps(&self.rows, true);
        let from = xi[0];
        let n = 200;
        let xs: Vec<f64> = (0..=n)
            .map(|k| from + (self.until - from) * k as f64 / n as f64)
            .collect();
        let issued = interp(&xi, &yi, &xs);
        let ys = xs
            .iter()
            .zip(&issued)
            .map(|(x, i)| {
                let e = step_at(&xe, &ye, *x);
                ((e - recycled_day).max(0.0) * 365.2425 / i * 100.0).max(0.0)
            })
            .collect();
        (xs, ys)
    }

    /// The data behind chart `id` (and the halving table).
    pub fn table(&self, id: &str, s: &AppState) -> Table {
        let recycled_day = economy::recycled_per_block(s.recycle) as f64 * 7200.0 / RAO;
        match id {
            "issuance" | "halvings" => {
                let mut t = Table {
                    headers: [
                        "halving",
                        "date",
                        "block",
                        "issuanceThresholdTao",
                        "emissionPerBlockTao",
                        "emissionPerDayTao",
                        "passed",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: Vec::new(),
                };
                // Whole numbers as integers, `passed` as a boolean, an unknown date or
                // block as null (the `passed` column says whether it is in the past).
                for r in &self.rows {
                    t.rows.push(vec![
                        Cell::Int(i64::from(r.halving)),
                        r.date.clone().into(),
                        r.block.map(|b| Cell::Int(b as i64)).into(),
                        (r.issuance_threshold as f64 / RAO).into(),
                        (r.emission_per_block as f64 / RAO).into(),
                        (r.emission_per_day as f64 / RAO).into(),
                        r.passed.into(),
                    ]);
                }
                t
            }
            "emission-day" => {
                let (x, y) = self.steps(&self.rows, true);
                xy("year", "emissionPerDayTao", &x, &y)
            }
            "inflation" => {
                let (x, y) = self.inflation(recycled_day);
                xy("year", "inflationPercent", &x, &y)
            }
            _ => Table::default(),
        }
    }
}

fn xy(xh: &str, yh: &str, x: &[f64], y: &[f64]) -> Table {
    Table {
        headers: vec![xh.into(), yh.into()],
        rows: x
            .iter()
            .zip(y)
            .map(|(a, b)| vec![(*a).into(), (*b).into()])
            .collect(),
    }
}

/// Continues an issuance curve to the horizon at the last era's net rate.
fn extend(
    mut xs: Vec<f64>,
    mut ys: Vec<f64>,
    until: f64,
    rows: &[HalvingRow],
    recycled_day: f64,
) -> (Vec<f64>, Vec<f64>) {
    let last_x = xs[xs.len() - 1];
    if last_x < until {
        let last_row = rows
            .iter()
            .rev()
            .find(|r| {
                r.unix_seconds
                    .is_some_and(|t| economy::year(t) <= last_x + 1e-9)
            })
            .or(rows.first());
        let per_day = last_row.map_or(0.0, |r| r.emission_per_day as f64 / RAO);
        let net = (per_day - recycled_day).max(0.0);
        let y = ys[ys.len() - 1] + net * 365.2425 * (until - last_x);
        xs.push(until);
        ys.push(y);
    }
    (xs, ys)
}

fn merge_x(parts: &[&[f64]]) -> Vec<f64> {
    let mut v: Vec<f64> = parts.iter().flat_map(|p| p.iter().copied()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    v
}

fn interp(xs: &[f64], ys: &[f64], at: &[f64]) -> Vec<f64> {
    at.iter()
        .map(|&x| {
            if x <= xs[0] {
                return ys[0];
            }
            for k in 1..xs.len() {
                if x <= xs[k] {
                    let f = (x - xs[k - 1]) / (xs[k] - xs[k - 1]).max(1e-12);
                    return ys[k - 1] + f * (ys[k] - ys[k - 1]);
                }
            }
            ys[ys.len() - 1]
        })
        .collect()
}

fn step_at(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    let mut v = ys[0];
    for (a, b) in xs.iter().zip(ys) {
        if *a <= x {
            v = *b;
        }
    }
    v
}

/// Draws a subnets chart from a world run.
pub fn draw_subnets(id: &str, c: &HtmlCanvasElement, w: &WorldSummary) -> Result<(), String> {
    let days = &w.days;
    let span = (w.blocks as f64 / 7200.0).round();
    let unit = if span == 1.0 { "day" } else { "days" };
    let title = |t: &str| format!("{t} ({}, {span} {unit})", w.preset);
    let plain = charts::LineOpts::default();
    match id {
        "shares" => {
            // The named subnets only, on their own scale: "others" (every other subnet,
            // over half the emission) would squash them; its mean is in the title and its
            // series in the exports.
            let named = w.price_names();
            let t = match w.others_share() {
                Some(o) => format!("Emission share per subnet; others: {:.0}%", o * 100.0),
                None => "Emission share per subnet".into(),
            };
            charts::lines(
                c,
                &title(&t),
                days,
                named,
                &w.shares[..named.len().min(w.shares.len())],
                "day",
                "share",
                &plain,
            )
        }
        "prices" => charts::lines(
            c,
            &title("Pool price, TAO per alpha"),
            days,
            w.price_names(),
            &w.prices,
            "day",
            "TAO / alpha",
            &plain,
        ),
        "flows" => {
            let names: Vec<String> = FLOW_NAMES.iter().map(|s| s.to_string()).collect();
            charts::stacked(
                c,
                &title("Alpha paid out per bin, all subnets"),
                days,
                &names,
                &w.flows,
                "day",
                "alpha",
            )
        }
        // A log axis: the UID burn (fractions of a TAO) and the lock cost (a thousand TAO)
        // are orders of magnitude apart.
        "costs" => charts::lines(
            c,
            &title("Registration costs (TAO, log scale)"),
            days,
            &["UID burn (subnet mean)".into(), "subnet lock cost".into()],
            &[w.burn.clone(), w.lock_cost.clone()],
            "day",
            "TAO",
            &charts::LineOpts {
                log_y: true,
                ..Default::default()
            },
        ),
        "ecology" => {
            let names: Vec<String> = EVENT_KINDS.iter().map(|(_, l)| l.to_string()).collect();
            // Prunings dashed: they often equal the registrations and would hide them.
            charts::lines(
                c,
                &title("Subnet ecology: events per bin"),
                days,
                &names,
                &w.events,
                "day",
                "events",
                &charts::LineOpts {
                    dashed: &[1, 3],
                    ..Default::default()
                },
            )
        }
        _ => Ok(()),
    }
}
