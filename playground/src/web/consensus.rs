//! The consensus view's data: the runs of the chosen case under the chosen rule (and the
//! comparison rule), and what each chart draws and exports.

use super::charts;
use crate::scenario;
use crate::state::AppState;
use crate::sweep::KappaSweep;
use crate::table::{self, Table};
use taolab::metagraph::Metagraph;
use taolab::yuma::{run_case, Case, CaseOutput, Variant};
use web_sys::HtmlCanvasElement;

/// Chart ids of the consensus view, in page order.
pub const CHARTS: [&str; 9] = [
    "weights",
    "curve",
    "incentive",
    "dividends",
    "vtrust",
    "div-epochs",
    "div-epochs-compare",
    "bonds-epochs",
    "sweep",
];

/// One run of the case under one rule.
pub struct Run {
    /// The rule.
    pub variant: Variant,
    /// Its outputs, or why it failed.
    pub out: Result<CaseOutput, String>,
}

/// Everything the consensus view shows.
pub struct Consensus {
    /// The case that ran (main rule).
    pub case: Result<Case, String>,
    /// The main run.
    pub main: Run,
    /// The comparison run.
    pub compare: Option<Run>,
    /// Milliseconds the runs took.
    pub compute_ms: f64,
    /// The last κ sweep, if one finished for this scenario and rule.
    pub sweep: Option<KappaSweep>,
}

fn run(case: &Result<Case, String>, variant: Variant) -> Run {
    let out = match case {
        Ok(c) => {
            let mut c = c.clone();
            c.variant = Some(variant);
            run_case(&c).map_err(|e| match variant {
                Variant::Chain => {
                    format!("The chain variant is not available in this build ({e}).")
                }
                _ => e.to_string(),
            })
        }
        Err(e) => Err(e.clone()),
    };
    Run { variant, out }
}

impl Consensus {
    /// Builds the case from the state and runs it (main and comparison rule).
    pub fn compute(s: &AppState, sn15: &Metagraph, upload: Option<&Metagraph>) -> Consensus {
        let t0 = super::dom::now_ms();
        let case = scenario::build_case(
            s.scenario,
            sn15,
            upload,
            s.metagraph_epochs,
            s.variant,
            &s.params,
        );
        let main = run(&case, s.variant);
        let compare = s.compare.filter(|v| *v != s.variant).map(|v| run(&case, v));
        Consensus {
            case,
            main,
            compare,
            compute_ms: super::dom::now_ms() - t0,
            sweep: None,
        }
    }

    /// Number of epochs of the run (0 when it failed).
    pub fn epochs(&self) -> usize {
        self.main.out.as_ref().map_or(0, |o| o.epochs.len())
    }

    /// The epoch shown: the state's, clamped.
    pub fn epoch(&self, s: &AppState) -> usize {
        s.epoch.min(self.epochs().saturating_sub(1))
    }

    /// The server inspected: the state's, or the one with the most incentive.
    pub fn miner(&self, s: &AppState) -> usize {
        let Ok(out) = &self.main.out else { return 0 };
        let n = out.servers.len();
        match s.miner {
            Some(m) if m < n => m,
            _ => out.epochs.get(self.epoch(s)).map_or(0, table::top_server),
        }
    }

    /// Successful runs, main first.
    pub fn runs(&self) -> Vec<(&str, &CaseOutput)> {
        let mut v = Vec::new();
        if let Ok(o) = &self.main.out {
            v.push((self.main.variant.display_name(), o));
        }
        if let Some(Run {
            variant,
            out: Ok(o),
        }) = &self.compare
        {
            v.push((variant.display_name(), o));
        }
        v
    }

    /// A chart's title (epochs counted from 1, as on the page; the URL and the exports
    /// keep the 0-based index).
    pub fn title(&self, id: &str, s: &AppState) -> String {
        let e = self.epoch(s) + 1;
        let m = self.miner(s);
        let server = self
            .main
            .out
            .as_ref()
            .ok()
            .and_then(|o| o.servers.get(m).cloned())
            .unwrap_or_default();
        let cmp = self.compare.as_ref().map(|r| r.variant.display_name());
        match id {
            "weights" => format!("Weights at epoch {e} (row-normalised)"),
            "curve" => format!("Consensus on {server}, epoch {e}"),
            "incentive" => format!("Incentive per server, epoch {e}"),
            "dividends" => format!("Dividends per validator, epoch {e}"),
            "vtrust" => format!("Validator trust, epoch {e}"),
            "div-epochs" => format!(
                "Dividends over epochs: {}",
                self.main.variant.display_name()
            ),
            "div-epochs-compare" => match cmp {
                Some(c) => format!("Dividends over epochs: {c}"),
                None => "Dividends over epochs: (no comparison rule)".into(),
            },
            "bonds-epochs" => format!("Bonds on {server} over epochs"),
            "sweep" => format!(
                "Total dividends per 1,000 TAO against κ ({} sweep)",
                self.main.variant.display_name()
            ),
            _ => id.into(),
        }
    }

    /// Draws chart `id` on `canvas`.
    pub fn draw(&self, id: &str, canvas: &HtmlCanvasElement, s: &AppState) -> Result<(), String> {
        let title = self.title(id, s);
        let out = match (&self.main.out, id) {
            (_, "div-epochs-compare") => match &self.compare {
                Some(Run { out: Ok(o), .. }) => o,
                Some(Run { out: Err(e), .. }) => {
                    return charts::message(canvas, &table::short(e, 70))
                }
                None => return charts::message(canvas, "Choose a rule to compare with."),
            },
            (_, "sweep") => {
                return match &self.sweep {
                    Some(sw) => charts::lines(
                        canvas,
                        &title,
                        &sw.kappa,
                        &sw.validators,
                        &sw.totals,
                        "κ",
                        "total dividend / 1,000 TAO",
                        &charts::LineOpts {
                            marker: Some((s.params.kappa, &format!("κ = {:.2}", s.params.kappa))),
                            fit_y: true,
                            ..Default::default()
                        },
                    ),
                    None => charts::message(
                        canvas,
                        "Press “Sweep κ” to run the case at 101 values of κ.",
                    ),
                }
            }
            (Ok(o), _) => o,
            (Err(e), _) => return charts::message(canvas, &table::short(e, 70)),
        };
        let e = self.epoch(s);
        let m = self.miner(s);
        let ep = &out.epochs[e];
        let vnames = &out.validators;
        let runs = self.runs();
        // Epochs on the x axis from 1, as the page counts them.
        let epochs_x: Vec<f64> = (1..=out.epochs.len()).map(|x| x as f64).collect();
        let marker = format!("epoch {}", e + 1);
        let at_epoch = charts::LineOpts {
            marker: Some(((e + 1) as f64, &marker)),
            ..Default::default()
        };
        match id {
            "weights" => charts::heatmap(
                canvas,
                &title,
                ep.weights.rows,
                ep.weights.cols,
                &|i, j| ep.weights.get(i, j),
                &|i| table::bar_label(&vnames[i], 16),
                "server",
            ),
            "curve" => charts::consensus_curve(
                canvas,
                &title,
                &table::support_curve(ep, m),
                ep.consensus.get(m).copied().unwrap_or(0.0),
                s.params.kappa,
                &|i| table::short(&vnames[i], 12),
            ),
            "incentive" => {
                let data: Vec<(&str, &[f64])> = runs
                    .iter()
                    .map(|(n, o)| (*n, o.epochs[e.min(o.epochs.len() - 1)].incentive.as_slice()))
                    .collect();
                charts::bars(canvas, &title, &out.servers, &data, "server")
            }
            "dividends" | "vtrust" => {
                let data: Vec<(&str, &[f64])> = runs
                    .iter()
                    .map(|(n, o)| {
                        let ep = &o.epochs[e.min(o.epochs.len() - 1)];
                        let v = if id == "dividends" {
                            &ep.dividends
                        } else {
                            &ep.validator_trust
                        };
                        (*n, v.as_slice())
                    })
                    .collect();
                charts::bars(canvas, &title, vnames, &data, "validator")
            }
            "div-epochs" | "div-epochs-compare" => charts::lines(
                canvas,
                &title,
                &epochs_x,
                vnames,
                &table::dividends_over_epochs(out),
                "epoch",
                "dividends D̂",
                &at_epoch,
            ),
            "bonds-epochs" => charts::lines(
                canvas,
                &title,
                &epochs_x,
                vnames,
                &table::bonds_over_epochs(out, m),
                "epoch",
                "bond",
                &at_epoch,
            ),
            _ => Ok(()),
        }
    }

    /// The data behind chart `id`.
    pub fn table(&self, id: &str, s: &AppState) -> Table {
        if id == "sweep" {
            return match &self.sweep {
                Some(sw) => {
                    let mut names = vec!["kappa".to_string()];
                    names.extend(sw.validators.iter().cloned());
                    let mut cols = vec![sw.kappa.clone()];
                    cols.extend(sw.totals.iter().cloned());
                    let mut t = table::over_epochs(&names[1..], &cols[1..]);
                    t.headers[0] = "kappa".into();
                    for (r, k) in t.rows.iter_mut().zip(&sw.kappa) {
                        r[0] = (*k).into();
                    }
                    t
                }
                None => Table::default(),
            };
        }
        let out = if id == "div-epochs-compare" {
            match &self.compare {
                Some(Run { out: Ok(o), .. }) => o,
                _ => return Table::default(),
            }
        } else {
            match &self.main.out {
                Ok(o) => o,
                Err(_) => return Table::default(),
            }
        };
        let e = self.epoch(s);
        let m = self.miner(s);
        let ep = &out.epochs[e];
        let runs = self.runs();
        let pick = |o: &'_ CaseOutput,
                    f: fn(&taolab::yuma::EpochOutput) -> &Vec<f64>|
         -> Vec<f64> { f(&o.epochs[e.min(o.epochs.len() - 1)]).clone() };
        let vectors = |labels: &[String],
                       h: &str,
                       f: fn(&taolab::yuma::EpochOutput) -> &Vec<f64>| {
            let cols: Vec<(&str, Vec<f64>)> = runs.iter().map(|(n, o)| (*n, pick(o, f))).collect();
            let refs: Vec<(&str, &[f64])> = cols.iter().map(|(n, v)| (*n, v.as_slice())).collect();
            table::vectors(h, labels, &refs)
        };
        match id {
            "weights" => table::matrix(
                &ep.weights,
                &out.validators,
                &out.servers,
                "validator",
                "server",
                "weight",
            ),
            "curve" => {
                let mut t = Table {
                    headers: vec![
                        "validator".into(),
                        "weight".into(),
                        "stakeWithWeightAtLeast".into(),
                        "consensus".into(),
                        "kappa".into(),
                    ],
                    rows: Vec::new(),
                };
                for (w, cum, i) in table::support_curve(ep, m) {
                    t.rows.push(vec![
                        out.validators[i].clone().into(),
                        w.into(),
                        cum.into(),
                        ep.consensus.get(m).copied().unwrap_or(0.0).into(),
                        s.params.kappa.into(),
                    ]);
                }
                t
            }
            "incentive" => vectors(&out.servers, "server", |ep| &ep.incentive),
            "dividends" => vectors(&out.validators, "validator", |ep| &ep.dividends),
            "vtrust" => vectors(&out.validators, "validator", |ep| &ep.validator_trust),
            "div-epochs" | "div-epochs-compare" => {
                table::over_epochs(&out.validators, &table::dividends_over_epochs(out))
            }
            "bonds-epochs" => {
                table::over_epochs(&out.validators, &table::bonds_over_epochs(out, m))
            }
            _ => Table::default(),
        }
    }
}
