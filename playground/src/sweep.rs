//! Long runs for the Web Worker: requests and results as JSON, so the worker and the page
//! share nothing but strings. The worker calls [`run_request`] (or, for the consensus map,
//! whose batches may run on WebGPU, [`run_map`]); the page never blocks on it.

use serde::{Deserialize, Serialize};
use taolab::study::consensus_map_async::{consensus_map_async, AsyncBatchScorer};
use taolab::study::{ConsensusMap, ConsensusMapConfig, ConsensusRow};
use taolab::yuma::batch::CpuScorer;
use taolab::yuma::{run_case, Case, Variant};

/// Most points of a parameter sweep.
pub const MAX_SWEEP_POINTS: usize = 201;
/// The consensus map's grids offered: levels of W_H and of W_C (51 is the study as
/// specified, steps of 0.02; 6 is steps of 0.2).
pub const MAP_LEVELS: [usize; 4] = [6, 11, 26, 51];

/// Where the consensus map's float batches run (as `taolab sweep consensus-map --backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MapBackend {
    /// WebGPU when the browser gives a hardware adapter, else the CPU (a software fallback
    /// adapter is slower than the CPU path).
    #[default]
    Auto,
    /// WebGPU on whatever adapter the browser gives, software included; the CPU when it
    /// gives none.
    WebGpu,
    /// The CPU (f64), always.
    Cpu,
}

impl MapBackend {
    /// Every choice, in menu order.
    pub const ALL: [MapBackend; 3] = [MapBackend::Auto, MapBackend::WebGpu, MapBackend::Cpu];

    /// URL and menu value.
    pub fn as_str(self) -> &'static str {
        match self {
            MapBackend::Auto => "auto",
            MapBackend::WebGpu => "webgpu",
            MapBackend::Cpu => "cpu",
        }
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            MapBackend::Auto => "Auto (WebGPU on a GPU, else the CPU)",
            MapBackend::WebGpu => "WebGPU (any adapter, software too)",
            MapBackend::Cpu => "CPU",
        }
    }

    /// Parses [`MapBackend::as_str`].
    pub fn parse(s: &str) -> Option<MapBackend> {
        MapBackend::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// Why the CPU runs the map whatever the browser offers, if it does: the chain variant
    /// (fixed point, no GPU kernels) or the user's choice.
    pub fn cpu_reason(self, variant: Variant) -> Option<&'static str> {
        if variant == Variant::Chain {
            Some("the chain variant runs on the CPU")
        } else if self == MapBackend::Cpu {
            Some("chosen")
        } else {
            None
        }
    }
}

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
    /// Runs the consensus-guarantee map (`taolab::study::consensus_map`) with κ and the
    /// bond penalty, on a grid of `levels` × `levels` per honest-stake level.
    ConsensusMap {
        /// The epoch rule.
        variant: Variant,
        /// κ.
        kappa: f64,
        /// The bond penalty β.
        bond_penalty: f64,
        /// Levels of W_H and W_C (one of [`MAP_LEVELS`]).
        levels: usize,
        /// Where the float batches run.
        backend: MapBackend,
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

/// The backend that ran a consensus map, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendUsed {
    /// Whether a WebGPU adapter scored the batches.
    pub gpu: bool,
    /// `WebGPU (google swiftshader, fallback adapter)`, `CPU (no WebGPU adapter)`, …
    pub label: String,
}

impl BackendUsed {
    /// The CPU, and why.
    pub fn cpu(why: &str) -> BackendUsed {
        BackendUsed {
            gpu: false,
            label: format!("CPU ({why})"),
        }
    }
}

/// A finished consensus map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapRun {
    /// What was computed.
    pub config: ConsensusMapConfig,
    /// One row per grid point, in the study's order.
    pub rows: Vec<ConsensusRow>,
    /// Where the batches ran.
    pub backend: BackendUsed,
    /// Wall time of the run in milliseconds.
    pub ms: f64,
}

impl MapRun {
    /// The rows as the core's map (contours, levels, CSV).
    pub fn map(&self) -> ConsensusMap {
        ConsensusMap {
            config: self.config.clone(),
            rows: self.rows.clone(),
        }
    }
}

/// What the worker sends back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Response {
    /// A finished sweep.
    KappaSweep(KappaSweep),
    /// A finished world run.
    World(crate::economy::WorldSummary),
    /// A finished consensus map.
    ConsensusMap(MapRun),
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
        Request::ConsensusMap {
            variant,
            kappa,
            bond_penalty,
            levels,
            backend,
        } => {
            // Synchronously there is only the CPU; the worker awaits WebGPU through run_map.
            let why = backend.cpu_reason(variant).unwrap_or("synchronous run");
            let run = map_config(variant, kappa, bond_penalty, levels).and_then(|cfg| {
                if !progress(0, cfg.points()) {
                    return Err("cancelled".into());
                }
                taolab::study::consensus_map(&cfg, &mut CpuScorer::default(), progress)
                    .map_err(|e| e.to_string())
            });
            map_response(run, BackendUsed::cpu(why), 0.0)
        }
    }
}

/// The response for a finished (or failed) map.
pub fn map_response(run: Result<ConsensusMap, String>, backend: BackendUsed, ms: f64) -> Response {
    match run {
        Ok(map) => Response::ConsensusMap(MapRun {
            config: map.config,
            rows: map.rows,
            backend,
            ms,
        }),
        Err(e) => Response::Error(e),
    }
}

/// The study's configuration for a map request: the grid of `levels` (one of
/// [`MAP_LEVELS`]), κ and the bond penalty; three rows of W_H (`3 × levels` epochs) per
/// batch, which keeps a GPU busy and the progress bar moving.
pub fn map_config(
    variant: Variant,
    kappa: f64,
    bond_penalty: f64,
    levels: usize,
) -> Result<ConsensusMapConfig, String> {
    if !MAP_LEVELS.contains(&levels) {
        return Err(format!(
            "the map's grid has {MAP_LEVELS:?} levels, not {levels}"
        ));
    }
    let mut cfg = ConsensusMapConfig {
        variant,
        weight_levels: levels,
        batch: 3 * levels,
        ..ConsensusMapConfig::default()
    };
    cfg.params.kappa = kappa;
    cfg.params.bond_penalty = bond_penalty;
    cfg.validate().map_err(|e| e.to_string())?;
    Ok(cfg)
}

/// Runs the map with `scorer` for the float batches (the chain variant ignores it).
pub async fn run_map<S: AsyncBatchScorer + ?Sized>(
    cfg: &ConsensusMapConfig,
    scorer: &mut S,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<ConsensusMap, String> {
    if !progress(0, cfg.points()) {
        return Err("cancelled".into());
    }
    consensus_map_async(cfg, scorer, progress)
        .await
        .map_err(|e| e.to_string())
}

/// Parses a JSON request, runs it and returns the JSON response.
pub fn run_request(json: &str, progress: &mut dyn FnMut(usize, usize) -> bool) -> String {
    let resp = match parse_request(json) {
        Ok(req) => run(req, progress),
        Err(e) => Response::Error(e),
    };
    response_json(&resp)
}

/// A request from its JSON, or what is wrong with it.
pub fn parse_request(json: &str) -> Result<Request, String> {
    serde_json::from_str::<Request>(json).map_err(|e| format!("bad worker request: {e}"))
}

/// The JSON the worker posts back.
pub fn response_json(resp: &Response) -> String {
    serde_json::to_string(resp).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
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

    /// Polls a future whose scorer never waits (the CPU).
    fn ready<F: std::future::Future>(f: F) -> F::Output {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(f).poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the CPU never waits"),
        }
    }

    fn map_request(variant: Variant, levels: usize, backend: MapBackend) -> String {
        serde_json::to_string(&Request::ConsensusMap {
            variant,
            kappa: 0.5,
            bond_penalty: 1.0,
            levels,
            backend,
        })
        .unwrap()
    }

    #[test]
    fn the_map_runs_in_the_worker_shape_with_progress() {
        let req = map_request(Variant::Yuma2, 6, MapBackend::Auto);
        let mut calls = Vec::new();
        let out = run_request(&req, &mut |done, total| {
            calls.push((done, total));
            true
        });
        let Ok(Response::ConsensusMap(run)) = serde_json::from_str::<Response>(&out) else {
            panic!("{}", &out[..out.len().min(300)])
        };
        // 11 stake levels × 6 × 6, in batches of three W_H rows (18 epochs).
        assert_eq!(run.rows.len(), 396);
        assert_eq!(run.config.batch, 18);
        assert_eq!(calls.first(), Some(&(0, 396)));
        assert_eq!(calls[1], (18, 396));
        assert_eq!(calls.last(), Some(&(396, 396)));
        assert_eq!(run.backend, BackendUsed::cpu("synchronous run"));
        // The same rows as the core's map (what `taolab sweep consensus-map` writes).
        let cfg = map_config(Variant::Yuma2, 0.5, 1.0, 6).unwrap();
        let want = taolab::study::consensus_map(&cfg, &mut CpuScorer::default(), &mut |_, _| true)
            .unwrap();
        // (JSON carries each f64 to within an ulp.)
        assert_eq!(run.config, want.config);
        for (a, b) in run.rows.iter().zip(&want.rows) {
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-15;
            assert!(
                close(a.major_ratio, b.major_ratio) && close(a.weight_dev, b.weight_dev),
                "{a:?} vs {b:?}"
            );
        }
        // The honest side keeps everything at S_H = 0.99, W_H = 1 and loses at W_H = 0.
        let top = &run.rows[10 * 36];
        assert_eq!(
            (top.major_stake, top.major_weight, top.minor_weight),
            (0.99, 1.0, 1.0)
        );
        assert!(top.major_ratio > 0.99, "{top:?}");
        assert!(run.rows[10 * 36 + 35].major_ratio < 0.99);
        // The async driver (the worker's path) gives the same rows.
        let got = ready(run_map(
            &cfg,
            &mut taolab::study::consensus_map_async::Ready(&mut CpuScorer::default()),
            &mut |_, _| true,
        ))
        .unwrap();
        assert_eq!(got, want);
        let cancelled = run_request(&req, &mut |done, _| done < 36);
        assert!(cancelled.contains("cancelled"), "{cancelled}");
    }

    #[test]
    fn map_requests_are_checked_and_backends_explained() {
        assert!(map_config(Variant::Yuma3, 0.5, 1.0, 7)
            .unwrap_err()
            .contains("not 7"));
        assert!(map_config(Variant::Yuma3, 1.5, 1.0, 6)
            .unwrap_err()
            .contains("kappa"));
        let out = run_request(
            &map_request(Variant::Chain, 11, MapBackend::Cpu),
            &mut |d, _| d == 0,
        );
        assert!(out.contains("cancelled"), "{out}");
        assert_eq!(
            MapBackend::Auto.cpu_reason(Variant::Chain),
            Some("the chain variant runs on the CPU")
        );
        assert_eq!(MapBackend::Cpu.cpu_reason(Variant::Yuma2), Some("chosen"));
        assert_eq!(MapBackend::Auto.cpu_reason(Variant::Yuma2), None);
        assert_eq!(MapBackend::WebGpu.cpu_reason(Variant::Yuma2), None);
        for b in MapBackend::ALL {
            assert_eq!(MapBackend::parse(b.as_str()), Some(b));
        }
        assert_eq!(MapBackend::parse("gpu"), None);
    }
}
