//! plotters drawings on canvas. Each function draws one chart from data the core computed.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
// The backend traits by path only: in scope, `BackendStyle::stroke_width` would clash with
// `Color::stroke_width`.
use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The canvas backend at the canvas's CSS size: plotters draws in CSS pixels, and the
/// context's transform maps them onto a pixel buffer of CSS size × devicePixelRatio, so
/// that text is as large as the page's and sharp on high-density screens.
pub struct Canvas {
    inner: CanvasBackend,
    size: (u32, u32),
}

type Area = DrawingArea<Canvas, Shift>;
type Fail = DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>;

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;
    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), Fail> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), Fail> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Result<(), Fail> {
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        s: &S,
    ) -> Result<(), Fail> {
        self.inner.draw_line(a, b, s)
    }
    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        s: &S,
        fill: bool,
    ) -> Result<(), Fail> {
        self.inner.draw_rect(a, b, s, fill)
    }
    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Result<(), Fail> {
        self.inner.draw_path(path, s)
    }
    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        c: BackendCoord,
        r: u32,
        s: &S,
        fill: bool,
    ) -> Result<(), Fail> {
        self.inner.draw_circle(c, r, s, fill)
    }
    fn fill_polygon<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Result<(), Fail> {
        self.inner.fill_polygon(path, s)
    }
    fn draw_text<S: plotters_backend::BackendTextStyle>(
        &mut self,
        text: &str,
        s: &S,
        p: BackendCoord,
    ) -> Result<(), Fail> {
        self.inner.draw_text(text, s, p)
    }
    fn estimate_text_size<S: plotters_backend::BackendTextStyle>(
        &self,
        text: &str,
        s: &S,
    ) -> Result<(u32, u32), Fail> {
        self.inner.estimate_text_size(text, s)
    }
}

/// A chart's size in CSS pixels for a canvas `css_width` wide (0: not laid out yet): as
/// wide as its box, 0.6 of that high, within bounds that keep a plot readable.
pub fn chart_size(css_width: i32) -> (u32, u32) {
    let w = if css_width > 0 { css_width as u32 } else { 640 }.clamp(240, 2000);
    let h = ((f64::from(w) * 0.6).round() as u32).clamp(280, 460);
    (w, h)
}

/// Sizes the canvas's pixel buffer to its CSS box × devicePixelRatio (at most 3) and
/// scales its context to match; returns the size in CSS pixels that the chart is drawn at.
fn fit(canvas: &HtmlCanvasElement) -> Result<(Canvas, (u32, u32)), String> {
    let (w, h) = chart_size(canvas.client_width());
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let (pw, ph) = (
        (f64::from(w) * dpr).round() as u32,
        (f64::from(h) * dpr).round() as u32,
    );
    if canvas.width() != pw {
        canvas.set_width(pw);
    }
    if canvas.height() != ph {
        canvas.set_height(ph);
    }
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or("no 2D context on the canvas")?;
    ctx.set_transform(
        f64::from(pw) / f64::from(w),
        0.0,
        0.0,
        f64::from(ph) / f64::from(h),
        0.0,
        0.0,
    )
    .map_err(err)?;
    let inner =
        CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context on the canvas")?;
    Ok((
        Canvas {
            inner,
            size: (w, h),
        },
        (w, h),
    ))
}

/// Series colours: the colour-blind-safe Okabe–Ito eight, then four darker ones, so that the
/// twelve series a legend shows (a metagraph's validators) each have their own.
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
    RGBColor(136, 34, 85),
    RGBColor(153, 153, 51),
    RGBColor(102, 51, 153),
];
/// The most series a legend names: one per palette colour.
const LEGEND_MAX: usize = PALETTE.len();
const BG: RGBColor = RGBColor(255, 255, 255);
const FONT: &str = "sans-serif";

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

fn area(canvas: &HtmlCanvasElement) -> Result<Area, String> {
    let (backend, _) = fit(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&BG).map_err(err)?;
    Ok(root)
}

/// The range of the values, padded 5% each side, not forced to include 0 (small changes
/// of a large value stay visible).
fn range_fit(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05)
        .max(hi.abs().max(lo.abs()) * 1e-3)
        .max(1e-9);
    (lo - pad, hi + pad)
}

/// The positive range of the values for a log axis, a bit wider each side.
fn range_log(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.1, 10.0);
    }
    (lo / 1.6, hi * 1.6)
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    lo = lo.min(0.0);
    if hi - lo < 1e-12 {
        hi = lo + 1.0;
    }
    (lo, hi + (hi - lo) * 0.05)
}

/// The series legend, boxed the same way on every chart.
fn legend<CT: CoordTranslate>(
    chart: &mut ChartContext<'_, Canvas, CT>,
    at: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(at)
        .background_style(BG.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT, 11))
        .draw()
        .map_err(err)
}

/// A message in place of a chart (no data, or the run failed).
pub fn message(canvas: &HtmlCanvasElement, text: &str) -> Result<(), String> {
    let root = area(canvas)?;
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        text.to_string(),
        (20, h as i32 / 2),
        (FONT, 16).into_font().color(&RGBColor(150, 40, 40)),
    ))
    .map_err(err)?;
    root.draw(&Rectangle::new(
        [(0, 0), (w as i32 - 1, h as i32 - 1)],
        RGBColor(220, 220, 220),
    ))
    .map_err(err)?;
    root.present().map_err(err)
}

/// A heatmap of a matrix (rows top to bottom), white to deep blue by value / max.
pub fn heatmap(
    canvas: &HtmlCanvasElement,
    title: &str,
    rows: usize,
    cols: usize,
    value: &dyn Fn(usize, usize) -> f64,
    row_label: &dyn Fn(usize) -> String,
    x_desc: &str,
) -> Result<(), String> {
    let root = area(canvas)?;
    let mut max = 0.0f64;
    for i in 0..rows {
        for j in 0..cols {
            max = max.max(value(i, j));
        }
    }
    let max = if max > 0.0 { max } else { 1.0 };
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 16))
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..cols as f64, rows as f64..0f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_desc)
        .x_labels(cols.min(12))
        .x_label_formatter(&|x| format!("{}", *x as usize))
        .y_labels(rows.min(16) + 1)
        .y_label_formatter(&|y| {
            // Each row's label sits on its top edge.
            if rows <= 16 && y.fract() == 0.0 && *y >= 0.0 && (*y as usize) < rows {
                row_label(*y as usize)
            } else {
                String::new()
            }
        })
        .label_style((FONT, 11))
        .draw()
        .map_err(err)?;
    let cells = (0..rows).flat_map(|i| (0..cols).map(move |j| (i, j)));
    chart
        .draw_series(cells.filter_map(|(i, j)| {
            let v = value(i, j);
            if v <= 0.0 {
                return None;
            }
            let t = (v / max).clamp(0.0, 1.0);
            let mix = |a: f64, b: f64| (a + (b - a) * t) as u8;
            let c = RGBColor(mix(222.0, 8.0), mix(235.0, 48.0), mix(247.0, 107.0));
            Some(Rectangle::new(
                [(j as f64, i as f64), (j as f64 + 1.0, i as f64 + 1.0)],
                c.filled(),
            ))
        }))
        .map_err(err)?;
    root.present().map_err(err)
}

/// The consensus curve of one server: support (stake share with weight ≥ w) against w, the
/// κ line, and the consensus weight, right of which weights are clipped.
pub fn consensus_curve(
    canvas: &HtmlCanvasElement,
    title: &str,
    curve: &[(f64, f64, usize)],
    consensus: f64,
    kappa: f64,
    label: &dyn Fn(usize) -> String,
) -> Result<(), String> {
    let root = area(canvas)?;
    let xmax = curve.iter().map(|p| p.0).fold(0.0, f64::max).max(consensus);
    let xmax = if xmax > 0.0 { xmax * 1.08 } else { 1.0 };
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 16))
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..xmax, 0f64..1.05f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("weight on this server")
        .y_desc("stake with weight ≥ w")
        .label_style((FONT, 11))
        .draw()
        .map_err(err)?;
    // The clipped region: weights above the consensus.
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(consensus, 0.0), (xmax, 1.05)],
            RGBColor(213, 94, 0).mix(0.12).filled(),
        )))
        .map_err(err)?
        .label("clipped (w > C)")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 5), (x + 14, y + 5)],
                RGBColor(213, 94, 0).mix(0.3).filled(),
            )
        });
    // The step function: support is constant between consecutive distinct weights.
    let mut steps: Vec<(f64, f64)> = Vec::new();
    let mut prev_support = 0.0;
    let mut x = xmax;
    for p in curve {
        steps.push((x, prev_support));
        steps.push((p.0, prev_support));
        x = p.0;
        prev_support = p.1;
    }
    steps.push((x, prev_support));
    steps.push((0.0, prev_support));
    chart
        .draw_series(LineSeries::new(steps, colour(0).stroke_width(2)))
        .map_err(err)?
        .label("support")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], colour(0).stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, kappa), (xmax, kappa)],
            BLACK.stroke_width(1),
        ))
        .map_err(err)?
        .label(format!("κ = {kappa:.2}"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK));
    chart
        .draw_series(LineSeries::new(
            vec![(consensus, 0.0), (consensus, 1.05)],
            RGBColor(213, 94, 0).stroke_width(2),
        ))
        .map_err(err)?
        .label(format!("consensus C = {consensus:.3}"))
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 14, y)],
                RGBColor(213, 94, 0).stroke_width(2),
            )
        });
    chart
        .draw_series(
            curve
                .iter()
                .filter(|p| p.0 > 0.0)
                .map(|p| Circle::new((p.0, p.1), 4, colour(0).filled())),
        )
        .map_err(err)?;
    if curve.len() <= 5 {
        // Labels of points in the right part of the plot end at the point, the others start
        // there, so that none runs past the plot's edge.
        chart
            .draw_series(curve.iter().filter(|p| p.0 > 0.0).map(|p| {
                let right = p.0 > xmax * 0.55;
                let style = TextStyle::from((FONT, 11).into_font()).pos(Pos::new(
                    if right { HPos::Right } else { HPos::Left },
                    VPos::Bottom,
                ));
                EmptyElement::at((p.0, p.1))
                    + Text::new(label(p.2), (if right { -6 } else { 6 }, -3), style)
            }))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
    root.present().map_err(err)
}

/// Grouped bars: one group per label, one bar per run (variant).
pub fn bars(
    canvas: &HtmlCanvasElement,
    title: &str,
    labels: &[String],
    runs: &[(&str, &[f64])],
    x_desc: &str,
) -> Result<(), String> {
    let root = area(canvas)?;
    let n = labels.len().max(1);
    let (_, ymax) = range(runs.iter().flat_map(|r| r.1.iter().copied()));
    // Headroom for the legend (upper right, a row per run), so that it sits above the bars.
    let ymax = ymax * (1.1 + 0.07 * runs.len() as f64);
    // Characters of an 11 px label that fit under one bar (about 6 px each).
    let fit = ((f64::from(root.dim_in_pixel().0) - 70.0) / n as f64 / 6.0).max(3.0) as usize;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 16))
        .margin(8)
        .x_label_area_size(if n <= 12 { 40 } else { 34 })
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(x_desc)
        .x_labels(n.min(12))
        .x_label_formatter(&|x| {
            // Bar i is centred on x = i: its label where a tick falls on it.
            let i = x.round();
            if (x - i).abs() > 1e-6 || i < 0.0 {
                String::new()
            } else if n <= 12 {
                labels
                    .get(i as usize)
                    .map(|l| crate::table::bar_label(l, fit))
                    .unwrap_or_default()
            } else {
                format!("{}", i as usize)
            }
        })
        .y_label_formatter(&|v| crate::table::tick(*v))
        .label_style((FONT, 11))
        .draw()
        .map_err(err)?;
    let k = runs.len().max(1) as f64;
    let width = 0.8 / k;
    for (r, (name, values)) in runs.iter().enumerate() {
        let c = colour(r);
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let x0 = i as f64 - 0.4 + r as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, v.max(0.0))], c.filled())
            }))
            .map_err(err)?
            .label(name.to_string())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    root.present().map_err(err)
}

/// How [`lines`] draws its series.
#[derive(Default, Clone, Copy)]
pub struct LineOpts<'a> {
    /// A vertical marker at x (the epoch shown, the κ set) and its label.
    pub marker: Option<(f64, &'a str)>,
    /// A logarithmic y axis, for series orders of magnitude apart.
    pub log_y: bool,
    /// A y axis that fits the data instead of starting at 0.
    pub fit_y: bool,
    /// The series drawn dashed (by index), so that one that lies on another still shows.
    pub dashed: &'a [usize],
}

/// Lines over an x axis (epochs, κ values), drawn as `opts` says.
#[allow(clippy::too_many_arguments)]
pub fn lines(
    canvas: &HtmlCanvasElement,
    title: &str,
    x: &[f64],
    names: &[String],
    series: &[Vec<f64>],
    x_desc: &str,
    y_desc: &str,
    opts: &LineOpts,
) -> Result<(), String> {
    let root = area(canvas)?;
    let xr = match (x.first(), x.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        _ => (0.0, 1.0),
    };
    let values = || series.iter().flat_map(|s| s.iter().copied());
    // One series needs no legend: the title names it.
    let legend_names = if names.len() > 1 {
        &names[..names.len().min(LEGEND_MAX)]
    } else {
        &[]
    };
    let (plot, side) = beside(&root, title, legend_names)?;
    let data = LineData {
        x,
        series,
        x_desc,
        y_desc,
        opts,
    };
    if opts.log_y {
        let yr = range_log(values());
        draw_lines(&plot, xr, (yr.0..yr.1).log_scale(), yr, &data)?;
    } else {
        let yr = if opts.fit_y {
            range_fit(values())
        } else {
            range(values())
        };
        draw_lines(&plot, xr, yr.0..yr.1, yr, &data)?;
    }
    if let Some(side) = side {
        let entries: Vec<(&str, RGBColor, bool)> = names
            .iter()
            .take(LEGEND_MAX)
            .enumerate()
            .map(|(i, n)| (n.as_str(), colour(i), opts.dashed.contains(&i)))
            .collect();
        side_legend(&side, &entries, false)?;
    }
    root.present().map_err(err)
}

struct LineData<'a> {
    x: &'a [f64],
    series: &'a [Vec<f64>],
    x_desc: &'a str,
    y_desc: &'a str,
    opts: &'a LineOpts<'a>,
}

/// The plot of [`lines`] on a linear or a log y axis (`y`, spanning `yr`).
fn draw_lines<Y>(
    plot: &Area,
    xr: (f64, f64),
    y: Y,
    yr: (f64, f64),
    d: &LineData,
) -> Result<(), String>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let log = d.opts.log_y;
    // A narrow plot (a phone) keeps less room for the y labels and fewer x labels.
    let narrow = plot.dim_in_pixel().0 < 400;
    let mut chart = ChartBuilder::on(plot)
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(if narrow { 60 } else { 84 })
        .build_cartesian_2d(xr.0..xr.1, y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(d.x_desc)
        .y_desc(d.y_desc)
        .x_labels(if narrow { 5 } else { 10 })
        .x_label_formatter(&|v| crate::table::tick(*v))
        .y_label_formatter(&|v| crate::table::tick(*v))
        .label_style((FONT, 11))
        .draw()
        .map_err(err)?;
    if let Some((m, label)) = d.opts.marker {
        let grey = RGBColor(90, 90, 90);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(m, yr.0), (m, yr.1)],
                5,
                4,
                grey.stroke_width(1),
            ))
            .map_err(err)?;
        if !label.is_empty() {
            // Inside the plot: right of the line, or left of it near the right edge.
            let right = m > xr.0 + (xr.1 - xr.0) * 0.7;
            let style = (FONT, 11).into_font().color(&grey).pos(Pos::new(
                if right { HPos::Right } else { HPos::Left },
                VPos::Top,
            ));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((m, yr.1))
                        + Text::new(label.to_string(), (if right { -4 } else { 4 }, 4), style),
                ))
                .map_err(err)?;
        }
    }
    for (i, s) in d.series.iter().enumerate() {
        let c = colour(i);
        let pts =
            d.x.iter()
                .copied()
                .zip(s.iter().copied())
                .filter(|p| !log || p.1 > 0.0);
        if d.opts.dashed.contains(&i) {
            chart
                .draw_series(DashedLineSeries::new(pts, 7, 5, c.stroke_width(2)))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The chart's title on `root`, and the area below it split into the plot and, when there
/// are names, a legend column at the right (where it hides none of the data), as wide as
/// the longest name needs (26 characters at most, two fifths of the width at most).
fn beside(root: &Area, title: &str, names: &[String]) -> Result<(Area, Option<Area>), String> {
    let body = root.titled(title, (FONT, 16)).map_err(err)?;
    if names.is_empty() {
        return Ok((body, None));
    }
    let w = body.dim_in_pixel().0 as i32;
    let chars = names
        .iter()
        .map(|n| n.chars().count().min(27))
        .max()
        .unwrap_or(0);
    let legend = (26 + 7 * chars as i32).min(if w < 480 { w * 3 / 10 } else { w * 2 / 5 });
    let (plot, side) = body.split_horizontally(w - legend);
    Ok((plot, Some(side)))
}

/// The legend column of [`beside`]: per entry, top down, a line (dashed where the entry
/// says so; with `filled`, a swatch) in its colour and its name, cut to fit the column.
fn side_legend(
    side: &Area,
    entries: &[(&str, RGBColor, bool)],
    filled: bool,
) -> Result<(), String> {
    // About 7 px per character of an 11 px label, after the 19 px of the sample.
    let fit = ((side.dim_in_pixel().0 as i32 - 19) / 7).clamp(4, 26) as usize;
    for (i, &(name, c, dashed)) in entries.iter().enumerate() {
        let y = 14 + 16 * i as i32;
        if filled {
            side.draw(&Rectangle::new(
                [(0, y - 5), (14, y + 5)],
                c.mix(0.8).filled(),
            ))
        } else if dashed {
            side.draw(&PathElement::new(vec![(0, y), (5, y)], c.stroke_width(2)))
                .and_then(|_| {
                    side.draw(&PathElement::new(vec![(9, y), (14, y)], c.stroke_width(2)))
                })
        } else {
            side.draw(&PathElement::new(vec![(0, y), (14, y)], c.stroke_width(2)))
        }
        .map_err(err)?;
        let label = crate::table::short(name, fit);
        side.draw(&Text::new(label, (19, y - 7), (FONT, 11)))
            .map_err(err)?;
    }
    Ok(())
}

/// Stacked areas over an x axis (flows that add up).
pub fn stacked(
    canvas: &HtmlCanvasElement,
    title: &str,
    x: &[f64],
    names: &[String],
    series: &[Vec<f64>],
    x_desc: &str,
    y_desc: &str,
) -> Result<(), String> {
    let mut cum: Vec<Vec<f64>> = Vec::with_capacity(series.len());
    for (k, s) in series.iter().enumerate() {
        let below = if k == 0 {
            vec![0.0; s.len()]
        } else {
            cum[k - 1].clone()
        };
        cum.push(s.iter().zip(&below).map(|(a, b)| a + b).collect());
    }
    let root = area(canvas)?;
    let (x0, x1) = match (x.first(), x.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        _ => (0.0, 1.0),
    };
    let (y0, y1) = range(cum.last().into_iter().flat_map(|s| s.iter().copied()));
    let (plot, side) = beside(&root, title, names)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| crate::table::tick(*v))
        .y_label_formatter(&|v| crate::table::tick(*v))
        .label_style((FONT, 11))
        .draw()
        .map_err(err)?;
    for k in (0..cum.len()).rev() {
        let c = colour(k);
        let below = if k == 0 {
            vec![0.0; cum[k].len()]
        } else {
            cum[k - 1].clone()
        };
        let mut poly: Vec<(f64, f64)> = x.iter().copied().zip(cum[k].iter().copied()).collect();
        poly.extend(x.iter().copied().zip(below).rev());
        chart
            .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.8).filled())))
            .map_err(err)?;
    }
    if let Some(side) = side {
        // Top down, as the layers stack.
        let entries: Vec<(&str, RGBColor, bool)> = names
            .iter()
            .enumerate()
            .rev()
            .map(|(k, n)| (n.as_str(), colour(k), false))
            .collect();
        side_legend(&side, &entries, true)?;
    }
    root.present().map_err(err)
}

/// Series colour `i` of `n`, from the palette's blue to its vermillion (ordered series,
/// such as the consensus map's honest-stake levels).
fn ramp(i: usize, n: usize) -> RGBColor {
    let t = i as f64 / n.saturating_sub(1).max(1) as f64;
    let (RGBColor(r0, g0, b0), RGBColor(r1, g1, b1)) = (PALETTE[0], PALETTE[5]);
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    RGBColor(mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

type UnitSquare<'a> = ChartContext<'a, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart over the unit square with both axes labelled in tenths (and its title, if
/// `root` does not have it yet).
fn unit_square<'a>(
    root: &'a Area,
    title: Option<&str>,
    x_desc: &str,
    y_desc: &str,
) -> Result<UnitSquare<'a>, String> {
    let mut builder = ChartBuilder::on(root);
    if let Some(title) = title {
        builder.caption(title, (FONT, 16));
    }
    let mut chart = builder
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(11)
        .y_labels(11)
        .label_style((FONT, 11))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Lines through points of the unit square, one per named series, coloured in order (the
/// consensus map's retention contours, one per honest-stake level).
pub fn ramp_lines(
    canvas: &HtmlCanvasElement,
    title: &str,
    series: &[(String, Vec<(f64, f64)>)],
    x_desc: &str,
    y_desc: &str,
) -> Result<(), String> {
    let root = area(canvas)?;
    let names: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
    let (plot, side) = beside(&root, title, &names)?;
    let mut chart = unit_square(&plot, None, x_desc, y_desc)?;
    let n = series.len();
    for (i, (_, points)) in series.iter().enumerate() {
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                ramp(i, n).stroke_width(2),
            ))
            .map_err(err)?;
    }
    if let Some(side) = side {
        let entries: Vec<(&str, RGBColor, bool)> = names
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), ramp(i, n), false))
            .collect();
        side_legend(&side, &entries, false)?;
    }
    root.present().map_err(err)
}

/// Cells of a grid over the unit square, `step` wide and centred on `(x, y)`, blue where the
/// value is at least `threshold` and red below it, deeper the further from it.
pub fn threshold_cells(
    canvas: &HtmlCanvasElement,
    title: &str,
    cells: &[(f64, f64, f64)],
    step: f64,
    threshold: f64,
    x_desc: &str,
    y_desc: &str,
) -> Result<(), String> {
    let root = area(canvas)?;
    let body = root.titled(title, (FONT, 16)).map_err(err)?;
    let w = body.dim_in_pixel().0 as i32;
    let (plot, scale) = body.split_horizontally(w - 64);
    let mut chart = unit_square(&plot, None, x_desc, y_desc)?;
    let h = step / 2.0;
    chart
        .draw_series(cells.iter().map(|&(x, y, v)| {
            let clip = |z: f64| z.clamp(0.0, 1.0);
            Rectangle::new(
                [(clip(x - h), clip(y - h)), (clip(x + h), clip(y + h))],
                cell_colour(v, threshold).filled(),
            )
        }))
        .map_err(err)?;
    // The colour scale, values 0 to 1 from the bottom up, beside the plot's own height
    // (the chart's 8 px margin above, its 8 px margin and 34 px of x labels below).
    let (top, bottom) = (8, scale.dim_in_pixel().1 as i32 - 42);
    let at = |v: f64| bottom - ((bottom - top) as f64 * v).round() as i32;
    for py in top..bottom {
        let v = (bottom - py) as f64 / (bottom - top).max(1) as f64;
        scale
            .draw(&Rectangle::new(
                [(8, py), (22, py + 1)],
                cell_colour(v, threshold).filled(),
            ))
            .map_err(err)?;
    }
    for (v, label) in [
        (0.0, "0".to_string()),
        (threshold, format!("{threshold:.2}")),
        (1.0, "1".into()),
    ] {
        let y = at(v);
        scale
            .draw(&PathElement::new(
                vec![(22, y), (26, y)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
        scale
            .draw(&Text::new(label, (29, y - 6), (FONT, 11)))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// The colour of a cell of [`threshold_cells`]: blue at or above `threshold`, red below,
/// deeper the further from it.
fn cell_colour(v: f64, threshold: f64) -> RGBColor {
    let (far, to) = if v >= threshold {
        (
            (v - threshold) / (1.0 - threshold).max(1e-9),
            (8.0, 48.0, 107.0),
        )
    } else {
        ((threshold - v) / threshold.max(1e-9), (165.0, 15.0, 21.0))
    };
    let t = 0.25 + 0.75 * far.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t) as u8;
    RGBColor(mix(247.0, to.0), mix(247.0, to.1), mix(247.0, to.2))
}
