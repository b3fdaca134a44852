//! Long runs for the Web Worker: requests and results as JSON, so the worker and the page
//! share nothing but strings. The worker calls [`run_request`]; the page never blocks on it.

use serde::{Deserialize, Serialize};
use taolab::yuma::{run_case, Case};

/// Most points of a parameter sweep.
pub const MAX_SWEEP_POINTS: usize = 201;

/// A long run the page hands to the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Request {
    /// Runs `case` once per κ in `points` evenly spaced values over [0, 1].
    KappaSweep {
        /// The case (with its variant and other parameters).
        case: Case,
        /// Number of κ values.
        points: usize,
    },
    /// Runs the default world under a policy preset.
    World {
        /// Preset name.
        preset: String,
        /// Blocks to run.
        blocks: u64,
        /// Bins of the series.
        bins: usize,
    },
}

/// The result of a κ sweep: each validator's total dividend per 1,000 TAO at each κ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KappaSweep {
    /// The κ values.
    pub kappa: Vec<f64>,
    /// Validator names.
    pub validators: Vec<String>,
    /// `totals[i][k]`: validator i's total dividend per 1,000 TAO at `kappa[k]`.
    pub totals: Vec<Vec<f64>>,
}

/// What the worker sends back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Response {
    /// A finished sweep.
    KappaSweep(KappaSweep),
    /// A finished world run.
    World(crate::economy::WorldSummary),
    /// A failure, as a message for the page.
    Error(String),
}

/// Runs a request, calling `progress(done, total)` between the runs; `false` stops it.
pub fn run(req: Request, progress: &mut dyn FnMut(usize, usize) -> bool) -> Response {
    match req {
        Request::KappaSweep { case, points } => match kappa_sweep(case, points, progress) {
            Ok(s) => Response::KappaSweep(s),
            Err(e) => Response::Error(e),
        },
        Request::World {
            preset,
            blocks,
            bins,
        } => match crate::economy::run_world(&preset, blocks, bins, progress) {
            Ok(s) => Response::World(s),
            Err(e) => Response::Error(e),
        },
    }
}

/// Parses a JSON request, runs it and returns the JSON response.
pub fn run_request(json: &str, progress: &mut dyn FnMut(usize, usize) -> bool) -> String {
    let resp = match serde_json::from_str::<Request>(json) {
        Ok(req) => run(req, progress),
        Err(e) => Response::Error(format!("bad worker request: {e}")),
    };
    serde_json::to_string(&resp).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn kappa_sweep(
    mut case: Case,
    points: usize,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<KappaSweep, String> {
    if !(2..=MAX_SWEEP_POINTS).contains(&points) {
        return Err(format!(
            "a sweep has 2 to {MAX_SWEEP_POINTS} points, not {points}"
        ));
    }
    case.validate().map_err(|e| e.to_string())?;
    let validators = case.validator_names();
    let mut totals = vec![Vec::with_capacity(points); validators.len()];
    let mut kappa = Vec::with_capacity(points);
    for k in 0..points {
        if !progress(k, points) {
            return Err("cancelled".into());
        }
        let x = k as f64 / (points - 1) as f64;
        case.params.kappa = x;
        let out = run_case(&case).map_err(|e| e.to_string())?;
        for (i, t) in out.total_dividends.iter().enumerate() {
            totals[i].push(t.total);
        }
        kappa.push(x);
    }
    progress(points, points);
    Ok(KappaSweep {
        kappa,
        validators,
        totals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use taolab::yuma::{cases, Variant};

    #[test]
    fn sweep_runs_and_cancels() {
        let mut c = cases::case(2).unwrap();
        c.variant = Some(Variant::Yuma3);
        let req = serde_json::to_string(&Request::KappaSweep {
            case: c.clone(),
            points: 5,
        })
        .unwrap();
        let mut calls = 0;
        let out = run_request(&req, &mut |_, _| {
            calls += 1;
            true
        });
        let resp: Response = serde_json::from_str(&out).unwrap();
        let Response::KappaSweep(s) = resp else {
            panic!("{out}")
        };
        assert_eq!(s.kappa, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(s.totals.len(), 3);
        assert_eq!(calls, 6);
        // The κ = 0.5 point is the plain run.
        c.params.kappa = 0.5;
        let direct = run_case(&c).unwrap();
        assert_eq!(s.totals[1][2], direct.total_dividends[1].total);

        let out = run_request(&req, &mut |done, _| done < 2);
        assert!(out.contains("cancelled"));
        assert!(run_request("{}", &mut |_, _| true).contains("bad worker request"));
    }
}
