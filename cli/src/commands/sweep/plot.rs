//! The compound retention plot: for each honest-stake level S_H, the contour E_H = S_H in the
//! (W_H, W_C) plane. Everything to the right of a line retains stake.
//!
//! SVG carries titles, axis labels and a legend. The CLI is built without a font engine, so a
//! PNG has the same lines, grid and colours but no text (use SVG for a labelled figure).

use crate::io::{CliError, CliResult};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use taolab::study::ConsensusMap;

const SIZE: (u32, u32) = (860, 700);

/// Draws `map` to `path` (`.svg` or `.png`).
pub fn draw(map: &ConsensusMap, path: &Path) -> CliResult {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let err = |e: String| CliError(format!("--plot {}: {e}", path.display()));
    match ext.as_deref() {
        Some("svg") => {
            let root = SVGBackend::new(path, SIZE).into_drawing_area();
            chart(map, &root, true).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        }
        Some("png") => {
            eprintln!(
                "warning: --plot {}: a PNG has no text (no font engine in this build); use .svg for the title, axis labels and legend",
                path.display()
            );
            let root = BitMapBackend::new(path, SIZE).into_drawing_area();
            chart(map, &root, false).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        }
        _ => Err(err("expected a .svg or .png file name".into())),
    }
}

fn colour(i: usize, n: usize) -> RGBColor {
    // From dark blue (low S_H) to orange (high S_H).
    let t = if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        0.0
    };
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(lerp(40.0, 230.0), lerp(60.0, 120.0), lerp(200.0, 20.0))
}

fn chart<DB: DrawingBackend>(
    map: &ConsensusMap,
    root: &DrawingArea<DB, Shift>,
    text: bool,
) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let cfg = &map.config;
    let mut builder = ChartBuilder::on(root);
    builder.margin(20);
    if text {
        builder
            .caption(
                format!(
                    "Consensus retention ({}, κ = {}, β = {}, σ_W = {})",
                    cfg.variant, cfg.params.kappa, cfg.params.bond_penalty, cfg.sigma_w
                ),
                ("sans-serif", 22),
            )
            .x_label_area_size(50)
            .y_label_area_size(60);
    }
    let mut chart = builder
        .build_cartesian_2d(0.0f64..1.0f64, 0.0f64..1.0f64)
        .map_err(e)?;
    let mut mesh = chart.configure_mesh();
    if text {
        mesh.x_desc("honest utility W_H")
            .y_desc("cabal self-weight W_C")
            .x_labels(11)
            .y_labels(11);
    } else {
        mesh.x_labels(11).y_labels(11).disable_axes();
        mesh.x_label_formatter(&|_| String::new())
            .y_label_formatter(&|_| String::new());
    }
    mesh.draw().map_err(e)?;
    let n = cfg.stake_levels.len();
    for (l, s) in cfg.stake_levels.iter().enumerate() {
        let c = colour(l, n);
        let points = map.contour(l);
        let series = chart
            .draw_series(LineSeries::new(points, c.stroke_width(2)))
            .map_err(e)?;
        if text {
            series.label(format!("S_H = {s:.2}")).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
            });
        }
    }
    if text {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(e)?;
    }
    Ok(())
}
