//! The consensus-map view's data: the last finished map (`taolab::study::consensus_map`, run
//! in the worker on WebGPU or the CPU), what its charts draw and what they export.

use super::charts;
use crate::state::AppState;
use crate::sweep::{BackendUsed, MapRun};
use crate::table::{Cell, Table};
use taolab::study::consensus_map::{ConsensusMap, CSV_HEADER};
use web_sys::HtmlCanvasElement;

/// Chart ids of the map view, in page order.
pub const CHARTS: [&str; 2] = ["retention", "map-heat"];

/// A finished map, as shown.
pub struct Shown {
    /// The rows and what they were computed with.
    pub map: ConsensusMap,
    /// Where the batches ran.
    pub backend: BackendUsed,
    /// Wall time in milliseconds.
    pub ms: f64,
}

impl Shown {
    /// The worker's result.
    pub fn new(run: MapRun) -> Shown {
        Shown {
            map: run.map(),
            backend: run.backend,
            ms: run.ms,
        }
    }

    /// One line on what the map is: rule, grid, size and time.
    pub fn summary(&self) -> String {
        let c = &self.map.config;
        format!(
            "{} · κ {:.2} · β {:.2} · {} honest-stake levels × {} × {} grid = {} epochs · {:.1} s",
            c.variant.display_name(),
            c.params.kappa,
            c.params.bond_penalty,
            c.stake_levels.len(),
            c.weight_levels,
            c.weight_levels,
            self.map.rows.len(),
            self.ms / 1000.0
        )
    }

    /// The honest-stake level drawn as a heatmap.
    fn level(&self, s: &AppState) -> usize {
        s.map_stake
            .min(self.map.config.stake_levels.len().saturating_sub(1))
    }
}

/// The chart's title.
pub fn title(id: &str, s: &AppState) -> String {
    match id {
        "retention" => "Retention: E_H = S_H per honest stake S_H (right of a line, the honest side keeps its share)".into(),
        _ => format!(
            "Honest emission share E_H at S_H = {:.2} (blue: E_H ≥ S_H, red: below)",
            taolab::study::consensus_map::STAKE_LEVELS[s.map_stake]
        ),
    }
}

/// Draws chart `id` of a finished map.
pub fn draw(id: &str, c: &HtmlCanvasElement, m: &Shown, s: &AppState) -> Result<(), String> {
    let cfg = &m.map.config;
    match id {
        "retention" => {
            let series: Vec<(String, Vec<(f64, f64)>)> = cfg
                .stake_levels
                .iter()
                .enumerate()
                .map(|(l, sh)| (format!("S_H = {sh:.2}"), m.map.contour(l)))
                .collect();
            charts::ramp_lines(
                c,
                &format!(
                    "Retention · {} · κ {:.2} · β {:.2}",
                    cfg.variant, cfg.params.kappa, cfg.params.bond_penalty
                ),
                &series,
                "honest utility W_H",
                "cabal self-weight W_C",
            )
        }
        _ => {
            let l = m.level(s);
            let cells: Vec<(f64, f64, f64)> = m
                .map
                .level(l)
                .iter()
                .map(|r| (r.major_weight, r.minor_weight, r.major_ratio))
                .collect();
            let sh = cfg.stake_levels[l];
            charts::threshold_cells(
                c,
                &format!("E_H at S_H = {sh:.2} · {}", cfg.variant),
                &cells,
                1.0 / (cfg.weight_levels - 1) as f64,
                sh,
                "honest utility W_H",
                "cabal self-weight W_C",
            )
        }
    }
}

/// What chart `id` exports: the CSV rows of `taolab sweep consensus-map` (every level for
/// the retention plot, the drawn level for the heatmap), at full precision.
pub fn table(id: &str, m: &Shown, s: &AppState) -> Table {
    let rows = match id {
        "retention" => &m.map.rows[..],
        _ => m.map.level(m.level(s)),
    };
    Table {
        headers: CSV_HEADER.split(',').map(String::from).collect(),
        rows: rows
            .iter()
            .map(|r| {
                [
                    r.major_stake,
                    r.major_weight,
                    r.minor_weight,
                    r.weight_dev,
                    r.major_ratio,
                ]
                .into_iter()
                .map(Cell::Num)
                .collect()
            })
            .collect(),
    }
}
