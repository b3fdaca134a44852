//! The app component: one state ([`AppState`]), messages that change it, and a redraw of
//! the visible charts after each render that changed their data.

use super::consensus::{self, Consensus};
use super::economy::{self as econ, Tokenomics};
use super::map::{self as mapview, Shown};
use super::{charts, dom, worker};
use crate::economy::{WorldSummary, PRESETS};
use crate::scenario;
use crate::state::{
    clamp_whole, AppState, ScenarioId, View, DEFAULT_METAGRAPH_EPOCHS, MAX_METAGRAPH_EPOCHS,
};
use crate::sweep::{MapBackend, Request, Response, MAP_LEVELS};
use gloo::file::callbacks::FileReader;
use gloo::timers::callback::{Interval, Timeout};
use std::collections::HashMap;
use taolab::metagraph::Metagraph;
use taolab::study::consensus_map::STAKE_LEVELS;
use taolab::yuma::{Params, Variant};
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A parameter slider.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Knob {
    Kappa,
    BondPenalty,
    BondMovingAverage,
    AlphaLow,
    AlphaHigh,
    AlphaSteepness,
}

pub enum Msg {
    SetView(View),
    SetScenario(String),
    SetVariant(String),
    SetCompare(String),
    SetKnob(Knob, f64),
    SetLiquidAlpha(bool),
    ResetParams,
    SetMetagraphEpochs(f64),
    SetEpoch(usize),
    Step(isize),
    TogglePlay,
    Tick,
    SetMiner(String),
    UploadChosen(Option<web_sys::File>),
    UploadRead(String, Result<String, String>),
    Export(&'static str, &'static str),
    ExportRun,
    SweepStart,
    SweepCancel,
    Sweep(worker::Event),
    HashChanged,
    SetRecycle(f64),
    SetYears(f64),
    SetPreset(String),
    SetWorldDays(f64),
    WorldRerun,
    WorldCancel,
    World(worker::Event),
    SetMapLevels(String),
    SetMapBackend(String),
    SetMapStake(String),
    MapRun,
    MapCancel,
    Map(worker::Event),
    /// A key on a tab (the WAI-ARIA tabs pattern: arrows, Home and End move between them).
    TabKey(View, String),
    /// The window was resized (charts redraw at their new size once it settles).
    Resized,
    Redraw,
}

/// What [`App::run_bar`] shows for one kind of worker run.
struct RunBar {
    id: &'static str,
    group: &'static str,
    label: &'static str,
    unit: &'static str,
    run: fn() -> Msg,
    cancel: fn() -> Msg,
    /// Highlights Run: the results shown are for other parameters.
    stale: bool,
}

struct SweepJob {
    _job: worker::Job,
    done: usize,
    total: usize,
}

impl SweepJob {
    /// Records a running job's progress.
    fn advance(job: &mut Option<SweepJob>, done: usize, total: usize) {
        if let Some(j) = job {
            j.done = done;
            j.total = total;
        }
    }
}

pub struct App {
    state: AppState,
    notes: Vec<String>,
    sn15: Metagraph,
    upload: Option<Metagraph>,
    upload_error: Option<String>,
    upload_name: String,
    reader: Option<FileReader>,
    consensus: Consensus,
    canvases: HashMap<&'static str, NodeRef>,
    dirty: bool,
    revision: u32,
    playing: Option<Interval>,
    sweep: Option<SweepJob>,
    sweep_error: Option<String>,
    _listeners: Vec<gloo::events::EventListener>,
    last_fragment: String,
    /// The state the URL was last written for (to tell navigation from slider moves).
    url_state: AppState,
    /// The next URL write adds a history entry even if only sliders changed (Reset).
    push_next: bool,
    /// Notes on corrected inputs, by field id (shown with the link's notes).
    input_notes: Vec<(&'static str, String)>,
    /// Focus the selected tab after the next render (keyboard navigation).
    focus_tab: bool,
    resize_timer: Option<Timeout>,
    tokenomics: Tokenomics,
    world: Option<WorldSummary>,
    world_job: Option<SweepJob>,
    world_error: Option<String>,
    world_for: Option<(&'static str, u32)>,
    map: Option<Shown>,
    map_job: Option<SweepJob>,
    map_error: Option<String>,
    map_runs: u32,
}

fn knob_value(p: &Params, k: Knob) -> f64 {
    match k {
        Knob::Kappa => p.kappa,
        Knob::BondPenalty => p.bond_penalty,
        Knob::BondMovingAverage => p.bond_moving_average,
        Knob::AlphaLow => p.alpha_low,
        Knob::AlphaHigh => p.alpha_high,
        Knob::AlphaSteepness => p.alpha_sigmoid_steepness,
    }
}

impl App {
    fn recompute(&mut self) {
        self.consensus = Consensus::compute(&self.state, &self.sn15, self.upload.as_ref());
        self.state.epoch = self
            .state
            .epoch
            .min(self.consensus.epochs().saturating_sub(1));
        self.dirty = true;
    }

    /// Writes the state into the URL: a new history entry for a navigation step (a tab, a
    /// scenario, a rule, a choice), in place for continuous changes (sliders, the epoch).
    fn write_url(&mut self) {
        let f = self.state.to_fragment();
        if f != self.last_fragment {
            let push =
                std::mem::take(&mut self.push_next) || self.url_state.is_navigation_to(&self.state);
            dom::set_fragment(&f, push && !self.last_fragment.is_empty());
            self.last_fragment = f;
            self.url_state = self.state.clone();
        }
        self.push_next = false;
    }

    /// Records (or, with `None`, clears) the note on a corrected input.
    fn input_note(&mut self, field: &'static str, note: Option<String>) {
        self.input_notes.retain(|(f, _)| *f != field);
        if let Some(n) = note {
            self.input_notes.push((field, n));
        }
    }

    /// A whole number typed into `<input id=field>`: the value to use, the note if it was
    /// corrected, and the field showing the value used.
    fn typed(&mut self, field: &'static str, label: &str, x: f64, lo: u32, hi: u32) -> Option<u32> {
        let (v, note) = clamp_whole(label, x, lo, hi)?;
        if note.is_some() {
            dom::set_input_value(field, &v.to_string());
        }
        self.input_note(field, note);
        Some(v)
    }

    /// Whether chart `id` of the current view has data to export.
    fn has_data(&self, id: &str) -> bool {
        match self.state.view {
            View::Consensus => match id {
                "sweep" => self.consensus.sweep.is_some(),
                "div-epochs-compare" => self
                    .consensus
                    .compare
                    .as_ref()
                    .is_some_and(|r| r.out.is_ok()),
                _ => self.consensus.main.out.is_ok(),
            },
            View::Tokenomics => true,
            View::Subnets => self.world.is_some(),
            View::Map => self.map.is_some(),
        }
    }

    /// Whether the map shown was computed with other parameters than those set now.
    fn map_stale(&self) -> bool {
        let s = &self.state;
        self.map_job.is_none()
            && self.map.as_ref().is_some_and(|m| {
                let c = &m.map.config;
                c.variant != s.variant
                    || (c.params.kappa - s.params.kappa).abs() > 1e-12
                    || (c.params.bond_penalty - s.params.bond_penalty).abs() > 1e-12
                    || c.weight_levels != s.map_levels
            })
    }

    fn canvas(&self, id: &str) -> Option<HtmlCanvasElement> {
        self.canvases.get(id)?.cast::<HtmlCanvasElement>()
    }

    fn chart_ids(&self) -> &'static [&'static str] {
        match self.state.view {
            View::Consensus => &consensus::CHARTS,
            View::Tokenomics => &econ::TOKENOMICS,
            View::Subnets => &econ::SUBNETS,
            View::Map => &mapview::CHARTS,
        }
    }

    fn draw(&mut self) {
        let t0 = dom::now_ms();
        for id in self.chart_ids() {
            if let Some(c) = self.canvas(id) {
                let r = match self.state.view {
                    View::Consensus => self.consensus.draw(id, &c, &self.state),
                    View::Tokenomics => self.tokenomics.draw(id, &c, &self.state),
                    View::Subnets => match (&self.world, &self.world_job, &self.world_error) {
                        (Some(w), _, _) => econ::draw_subnets(id, &c, w),
                        (None, Some(j), _) => charts::message(
                            &c,
                            &format!("Running the world in a worker… {}/{}", j.done, j.total),
                        ),
                        (None, None, Some(e)) => charts::message(&c, &crate::table::short(e, 70)),
                        _ => charts::message(&c, "Press Run to simulate the network."),
                    },
                    View::Map => match (&self.map, &self.map_job, &self.map_error) {
                        (_, Some(j), _) => charts::message(
                            &c,
                            &format!(
                                "Computing the map in a worker… {}/{} epochs",
                                j.done, j.total
                            ),
                        ),
                        (Some(m), _, _) => mapview::draw(id, &c, m, &self.state),
                        (None, None, Some(e)) => charts::message(&c, &crate::table::short(e, 70)),
                        _ => charts::message(&c, "Press Run to compute the map."),
                    },
                };
                if let Err(e) = r {
                    let _ = charts::message(&c, &format!("could not draw: {e}"));
                }
            }
        }
        let draw_ms = dom::now_ms() - t0;
        dom::set_text("drawn", &format!(", drawn in {draw_ms:.1} ms"));
        self.revision += 1;
        dom::mark("data-drawn", &self.revision.to_string());
        if !dom::has_mark("data-first-chart-ms") {
            dom::mark("data-first-chart-ms", &format!("{:.1}", dom::now_ms()));
        }
    }

    /// A labelled range input bound to knob `k`, with its value and a line of help; greyed
    /// out, with `off` as its tooltip, when `off` is given (the knob does not apply).
    #[allow(clippy::too_many_arguments)]
    fn slider(
        &self,
        ctx: &Context<Self>,
        k: Knob,
        id: &str,
        label: &str,
        min: f64,
        max: f64,
        step: f64,
        help: &str,
        off: Option<&str>,
    ) -> Html {
        let v = knob_value(&self.state.params, k);
        let oninput = ctx.link().callback(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            Msg::SetKnob(k, input.value_as_number())
        });
        html! {
            <div class={classes!("knob", off.is_some().then_some("off"))} title={off.map(str::to_string)}>
                <label for={id.to_string()}>{label}</label>
                <input type="range" id={id.to_string()} min={min.to_string()} max={max.to_string()}
                    step={step.to_string()} value={v.to_string()} {oninput} disabled={off.is_some()}
                    aria-describedby={format!("{id}-help")} />
                <output for={id.to_string()} id={format!("{id}-value")}>{format!("{v:.2}")}</output>
                <small id={format!("{id}-help")}>{help}</small>
            </div>
        }
    }

    fn figure(&self, ctx: &Context<Self>, id: &'static str, title: String) -> Html {
        let r = self.canvases.get(id).cloned().unwrap_or_default();
        // No data yet (before a run): nothing to export.
        let none = !self.has_data(id);
        let png = ctx.link().callback(move |_| Msg::Export(id, "png"));
        let csv = ctx.link().callback(move |_| Msg::Export(id, "csv"));
        let json = ctx.link().callback(move |_| Msg::Export(id, "json"));
        html! {
            <figure class="chart" id={format!("fig-{id}")}>
                <canvas ref={r} id={format!("chart-{id}")} width="640" height="380"
                    role="img" aria-label={title.clone()}></canvas>
                <figcaption>
                    <span>{title}</span>
                    <span class="exports">
                        <button onclick={png} disabled={none} aria-label={format!("Download {id} as PNG")}>{"PNG"}</button>
                        <button onclick={csv} disabled={none} aria-label={format!("Download {id} data as CSV")}>{"CSV"}</button>
                        <button onclick={json} disabled={none} aria-label={format!("Download {id} data as JSON")}>{"JSON"}</button>
                    </span>
                </figcaption>
            </figure>
        }
    }

    fn view_consensus(&self, ctx: &Context<Self>) -> Html {
        let s = &self.state;
        let link = ctx.link();
        let c = &self.consensus;
        let scenario_key = s.scenario.to_key();
        let on_scenario = link.callback(|e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            Msg::SetScenario(el.value())
        });
        let on_variant = link.callback(|e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            Msg::SetVariant(el.value())
        });
        let on_compare = link.callback(|e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            Msg::SetCompare(el.value())
        });
        let on_upload = link.callback(|e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            Msg::UploadChosen(el.files().and_then(|f| f.get(0)))
        });
        let on_la = link.callback(|e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            Msg::SetLiquidAlpha(el.checked())
        });
        let on_epochs = link.callback(|e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            Msg::SetMetagraphEpochs(el.value_as_number())
        });
        // The slider counts epochs from 1, as the labels do.
        let on_epoch = link.callback(|e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            Msg::SetEpoch((el.value_as_number().max(1.0) as usize).saturating_sub(1))
        });
        let on_miner = link.callback(|e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            Msg::SetMiner(el.value())
        });
        let n_epochs = c.epochs();
        let epoch = c.epoch(s);
        let miner = c.miner(s);
        let is_metagraph = matches!(s.scenario, ScenarioId::Sn15 | ScenarioId::Upload);
        let variant_options = |selected: Option<Variant>, except: Option<Variant>| -> Html {
            Variant::ALL
                .iter()
                .filter(|v| Some(**v) != except)
                .map(|v| html! { <option value={v.as_str()} selected={Some(*v) == selected}>{v.display_name()}</option> })
                .collect()
        };
        // A comparison with the main rule itself is no comparison.
        let compare = s.compare.filter(|v| *v != s.variant);
        let la_off = (!s.params.liquid_alpha)
            .then_some("Applies with liquid alpha on: tick “Liquid alpha” to use it.");
        let servers: Vec<String> = c
            .main
            .out
            .as_ref()
            .map(|o| o.servers.clone())
            .unwrap_or_default();
        let sweep_running = self.sweep.is_some();
        html! {
            <section class="view" id="view-consensus" aria-labelledby="tab-consensus">
                <div class="controls">
                    <fieldset>
                        <legend>{"Scenario"}</legend>
                        <label for="scenario">{"Scenario"}</label>
                        <select id="scenario" onchange={on_scenario}>
                            <option value="sn15" selected={scenario_key == "sn15"}>{scenario::label(ScenarioId::Sn15, None)}</option>
                            if self.upload.is_some() {
                                <option value="upload" selected={scenario_key == "upload"}>{scenario::label(ScenarioId::Upload, self.upload.as_ref())}</option>
                            }
                            <optgroup label="Attack studies (agents: copiers, cabal, lazy, first mover)">
                                { for taolab::study::scenarios::NAMES.iter().enumerate().map(|(k, name)| {
                                    let key = ScenarioId::Attack(k).to_key();
                                    html! { <option value={key.clone()} selected={scenario_key == key}>{format!("Attack study: {name}")}</option> }
                                }) }
                            </optgroup>
                            <optgroup label="Community cases (3 validators, 40 epochs)">
                                { for taolab::yuma::cases::list().into_iter().map(|ci| {
                                    let key = format!("case{}", ci.number);
                                    html! { <option value={key.clone()} selected={scenario_key == key}>{ci.name}</option> }
                                }) }
                            </optgroup>
                        </select>
                        <label for="upload">{"Upload a metagraph (JSON: n, S, W, hotkeys; up to 8 MB)"}</label>
                        <input type="file" id="upload" accept=".json,application/json" onchange={on_upload} />
                        if let Some(e) = &self.upload_error {
                            <p class="error" role="alert" id="upload-error">{e}</p>
                        }
                        if is_metagraph {
                            <label for="metagraph-epochs">{"Epochs to repeat the snapshot"}</label>
                            <input type="number" id="metagraph-epochs" min="1" max={MAX_METAGRAPH_EPOCHS.to_string()}
                                value={s.metagraph_epochs.to_string()} onchange={on_epochs} />
                        }
                    </fieldset>
                    <fieldset>
                        <legend>{"Rule"}</legend>
                        <label for="variant">{"Yuma variant"}</label>
                        <select id="variant" onchange={on_variant}>{variant_options(Some(s.variant), None)}</select>
                        <label for="compare">{"Compare with"}</label>
                        <select id="compare" onchange={on_compare}>
                            <option value="none" selected={compare.is_none()}>{"(none)"}</option>
                            {variant_options(compare, Some(s.variant))}
                        </select>
                    </fieldset>
                    <fieldset class="knobs">
                        <legend>{"Parameters"}</legend>
                        {self.slider(ctx, Knob::Kappa, "kappa", "κ (kappa)", 0.0, 1.0, 0.01, "stake share that must support a weight", None)}
                        {self.slider(ctx, Knob::BondPenalty, "bond-penalty", "Bond penalty β", 0.0, 1.0, 0.01, "0: bonds from raw weights, 1: from clipped", None)}
                        {self.slider(ctx, Knob::BondMovingAverage, "bond-ma", "Bonds moving average", 0.0, 1.0, 0.01, "weight of the old bonds in the EMA", None)}
                        <div class="knob check">
                            <input type="checkbox" id="liquid-alpha" checked={s.params.liquid_alpha} onchange={on_la} />
                            <label for="liquid-alpha">{"Liquid alpha"}</label>
                        </div>
                        {self.slider(ctx, Knob::AlphaLow, "alpha-low", "α low", 0.0, 1.0, 0.01, "liquid alpha lower bound", la_off)}
                        {self.slider(ctx, Knob::AlphaHigh, "alpha-high", "α high", 0.0, 1.0, 0.01, "liquid alpha upper bound", la_off)}
                        {self.slider(ctx, Knob::AlphaSteepness, "alpha-steepness", "α steepness", 0.0, 100.0, 0.5, "steepness of the sigmoid", la_off)}
                        <button id="reset-params" onclick={link.callback(|_| Msg::ResetParams)}>{"Reset parameters"}</button>
                    </fieldset>
                </div>
                <div class="player" role="group" aria-label="Epochs">
                    <button id="epoch-first" aria-label="First epoch" onclick={link.callback(|_| Msg::SetEpoch(0))}>{"First"}</button>
                    <button id="epoch-prev" aria-label="Previous epoch" onclick={link.callback(|_| Msg::Step(-1))}>{"◀ Prev"}</button>
                    <button id="play" aria-label={if self.playing.is_some() { "Pause" } else { "Play" }}
                        onclick={link.callback(|_| Msg::TogglePlay)}>{if self.playing.is_some() { "Pause" } else { "Play" }}</button>
                    <button id="epoch-next" aria-label="Next epoch" onclick={link.callback(|_| Msg::Step(1))}>{"Next ▶"}</button>
                    <button id="epoch-last" aria-label="Last epoch" onclick={link.callback(move |_| Msg::SetEpoch(n_epochs.saturating_sub(1)))}>{"Last"}</button>
                    <label for="epoch" id="epoch-label">{format!("Epoch {} of {n_epochs}", epoch + 1)}</label>
                    <input type="range" id="epoch" min="1" max={n_epochs.max(1).to_string()} step="1"
                        value={(epoch + 1).to_string()} oninput={on_epoch}
                        aria-valuetext={format!("Epoch {} of {n_epochs}", epoch + 1)} />
                    <label for="miner">{"Server"}</label>
                    <select id="miner" onchange={on_miner}>
                        { for servers.iter().enumerate().map(|(j, n)| html! { <option value={j.to_string()} selected={j == miner}>{n}</option> }) }
                    </select>
                </div>
                <p class="status" id="status" aria-live="polite">
                    { match &c.main.out {
                        Ok(o) => html! { <>
                            { format!("{} · {} validators × {} servers × {} epochs · computed in {:.1} ms",
                                o.name.clone().unwrap_or_default(), o.validators.len(), o.servers.len(), o.epochs.len(), c.compute_ms) }
                            // Filled by `draw`, which runs after this is rendered.
                            <span id="drawn"></span>
                        </> },
                        Err(e) => html! { e.clone() },
                    } }
                </p>
                { self.numbers() }
                <div class="sweep" role="group" aria-label="Sweep">
                    <button id="sweep-start" disabled={sweep_running} onclick={link.callback(|_| Msg::SweepStart)}>{"Sweep κ (101 runs, in a worker)"}</button>
                    if let Some(j) = &self.sweep {
                        <progress id="sweep-progress" max={j.total.max(1).to_string()} value={j.done.to_string()}></progress>
                        <span>{format!("{} / {}", j.done, j.total)}</span>
                        <button id="sweep-cancel" onclick={link.callback(|_| Msg::SweepCancel)}>{"Cancel"}</button>
                    }
                    if let Some(e) = &self.sweep_error {
                        <span class="error" role="alert">{e}</span>
                    }
                    <button id="export-run" onclick={link.callback(|_| Msg::ExportRun)}>{"Download the run (JSON)"}</button>
                </div>
                <div class="charts">
                    { for consensus::CHARTS.iter().map(|id| self.figure(ctx, id, c.title(id, s))) }
                </div>
            </section>
        }
    }

    /// Starts a world run in the worker when the shown one is not for the current preset/days.
    fn ensure_world(&mut self, ctx: &Context<Self>) {
        let want = (self.state.preset, self.state.world_days);
        if self.world_for == Some(want) {
            return;
        }
        self.world_for = Some(want);
        self.world = None;
        self.world_error = None;
        let blocks = want.1 as u64 * 7200;
        let bins = (want.1 as usize * 10).clamp(10, 240); // two tempos (720 blocks) per bin
        let req = serde_json::to_string(&Request::World {
            preset: want.0.into(),
            blocks,
            bins,
        })
        .unwrap_or_default();
        let link = ctx.link().clone();
        match worker::Job::start(req, move |ev| link.send_message(Msg::World(ev))) {
            Ok(job) => {
                self.world_job = Some(SweepJob {
                    _job: job,
                    done: 0,
                    total: bins,
                })
            }
            Err(e) => self.world_error = Some(e),
        }
        self.dirty = true;
    }

    fn view_tokenomics(&self, ctx: &Context<Self>) -> Html {
        let s = &self.state;
        let link = ctx.link();
        let on_recycle = link.callback(|e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            Msg::SetRecycle(el.value_as_number())
        });
        let on_years = link.callback(|e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            Msg::SetYears(el.value_as_number())
        });
        let recycled_day =
            crate::economy::recycled_per_block(s.recycle) as f64 * 7200.0 / crate::economy::RAO;
        // The halvings table: each column in one format (numbers with the same decimals).
        let rows = &self.tokenomics.rows[..self.tokenomics.rows.len().min(10)];
        let tao = |f: fn(&taolab::emission::HalvingRow) -> u64| {
            let xs: Vec<f64> = rows
                .iter()
                .map(|r| f(r) as f64 / crate::economy::RAO)
                .collect();
            crate::table::grouped_column(&xs)
        };
        let cols: [Vec<String>; 6] = [
            rows.iter().map(|r| r.halving.to_string()).collect(),
            rows.iter()
                .map(|r| match (&r.date, r.passed) {
                    (Some(d), _) => d.clone(),
                    (None, true) => "passed".into(),
                    (None, false) => "never".into(),
                })
                .collect(),
            rows.iter()
                .map(|r| {
                    r.block
                        .map_or("—".into(), |b| crate::table::grouped(b as f64))
                })
                .collect(),
            tao(|r| r.issuance_threshold),
            tao(|r| r.emission_per_block),
            tao(|r| r.emission_per_day),
        ];
        html! {
            <section class="view" id="view-tokenomics" aria-labelledby="tab-tokenomics">
                <div class="controls">
                    <fieldset class="knobs">
                        <legend>{"Projection"}</legend>
                        <div class="knob">
                            <label for="recycle">{"Recycling"}</label>
                            <input type="range" id="recycle" min="0" max="1" step="0.01" value={s.recycle.to_string()} oninput={on_recycle}
                                aria-describedby="recycle-help" />
                            <output for="recycle" id="recycle-value">{format!("{:.0}%", s.recycle * 100.0)}</output>
                            <small id="recycle-help">{format!("share of today's emission recycled each block (registration burns and the like): {recycled_day:.0} TAO/day, a fixed amount computed from today's emission, the same after each halving")}</small>
                        </div>
                        <label for="years">{"Years shown"}</label>
                        <input type="number" id="years" min="1" max="100" step="1" value={s.years.to_string()} onchange={on_years} />
                    </fieldset>
                </div>
                <div class="table-wrap">
                <table id="halvings">
                    <caption>{"Halvings: projected dates (12-second blocks from the reference of 14 December 2025)"}</caption>
                    <thead><tr>{ for ["Halving", "Date", "Block", "Issuance at start (TAO)", "Emission / block (TAO)", "Emission / day (TAO)"].iter().map(|h| html! { <th scope="col">{*h}</th> }) }</tr></thead>
                    <tbody>
                    { for (0..rows.len()).map(|i| html! {
                        <tr>{ for cols.iter().map(|c| html! { <td>{ c[i].clone() }</td> }) }</tr>
                    }) }
                    </tbody>
                </table>
                </div>
                <div class="charts">
                    { for econ::TOKENOMICS.iter().copied().map(|id| self.figure(ctx, id, match id {
                        "issuance" => "Issuance over time".to_string(),
                        "emission-day" => "Emission per day".to_string(),
                        _ => "Inflation".to_string(),
                    })) }
                </div>
            </section>
        }
    }

    fn view_subnets(&self, ctx: &Context<Self>) -> Html {
        let s = &self.state;
        let link = ctx.link();
        let on_preset = link.callback(|e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            Msg::SetPreset(el.value())
        });
        let on_days = link.callback(|e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            Msg::SetWorldDays(el.value_as_number())
        });
        html! {
            <section class="view" id="view-subnets" aria-labelledby="tab-subnets">
                <div class="controls">
                    <fieldset>
                        <legend>{"World"}</legend>
                        <p class="status">{"The default network: 64 subnets (the real SN15 metagraph at netuid 15), random stake flows and registrations, seeded."}</p>
                        <label for="preset">{"Policy preset (the chain's rules of a date)"}</label>
                        <select id="preset" onchange={on_preset}>
                            { for PRESETS.iter().map(|p| html! { <option value={*p} selected={s.preset == *p}>{*p}</option> }) }
                        </select>
                        <label for="world-days">{format!("Days to simulate (1–{})", crate::state::MAX_WORLD_DAYS)}</label>
                        <input type="number" id="world-days" min="1" max={crate::state::MAX_WORLD_DAYS.to_string()} value={s.world_days.to_string()} onchange={on_days} />
                    </fieldset>
                </div>
                { self.run_bar(ctx, &RunBar {
                    id: "world", group: "World run", label: "Run", unit: "bins",
                    run: || Msg::WorldRerun, cancel: || Msg::WorldCancel, stale: false,
                }, self.world_job.as_ref(), self.world_error.as_ref()) }
                <div class="charts">
                    { for econ::SUBNETS.iter().copied().map(|id| self.figure(ctx, id, match id {
                        "shares" => "Emission shares over time".to_string(),
                        "prices" => "Pool prices".to_string(),
                        "flows" => "Owner, validator, miner and root flows (stacked)".to_string(),
                        "costs" => "Registration and lock costs".to_string(),
                        _ => "Subnet ecology: registrations and pruning".to_string(),
                    })) }
                </div>
            </section>
        }
    }

    /// A worker run's controls: Run; while it runs, a progress bar, a count and Cancel; its
    /// error. Ids are `{id}-run`, `{id}-progress`, `{id}-cancel` and `{id}-error`.
    fn run_bar(
        &self,
        ctx: &Context<Self>,
        bar: &RunBar,
        job: Option<&SweepJob>,
        error: Option<&String>,
    ) -> Html {
        let link = ctx.link();
        let (run, cancel, id) = (bar.run, bar.cancel, bar.id);
        html! {
            <div class="sweep" role="group" aria-label={bar.group}>
                <button id={format!("{id}-run")} class={classes!(bar.stale.then_some("stale"))} disabled={job.is_some()} onclick={link.callback(move |_| run())}>{bar.label}</button>
                if let Some(j) = job {
                    <progress id={format!("{id}-progress")} max={j.total.max(1).to_string()} value={j.done.to_string()}></progress>
                    <span>{format!("{} / {} {}", j.done, j.total, bar.unit)}</span>
                    <button id={format!("{id}-cancel")} onclick={link.callback(move |_| cancel())}>{"Cancel"}</button>
                }
                if let Some(e) = error {
                    <span class="error" role="alert" id={format!("{id}-error")}>{e}</span>
                }
            </div>
        }
    }

    /// A map run ended (with a map or an error): redraw, and count it in `data-map-runs`
    /// for tests and scripts that wait for it.
    fn map_finished(&mut self) {
        self.map_job = None;
        self.map_runs += 1;
        dom::mark("data-map-runs", &self.map_runs.to_string());
        self.dirty = true;
    }

    fn view_map(&self, ctx: &Context<Self>) -> Html {
        let s = &self.state;
        let link = ctx.link();
        let select = |f: fn(String) -> Msg| {
            link.callback(move |e: Event| {
                let el: HtmlSelectElement = e.target_unchecked_into();
                f(el.value())
            })
        };
        let on_variant = select(Msg::SetVariant);
        let on_grid = select(Msg::SetMapLevels);
        let on_backend = select(Msg::SetMapBackend);
        let on_stake = select(Msg::SetMapStake);
        let backend_note = match (s.map_backend.cpu_reason(s.variant), s.map_backend) {
            (Some("chosen"), _) => "The float batches run on the CPU (f64).",
            (Some(_), _) => "The chain variant always runs on the CPU: it is the fixed-point epoch, bit-exact with subtensor. Each stake level is prepared once, so the full grid takes about half as long as a float variant on the CPU. WebGPU scores the float variants.",
            (None, MapBackend::WebGpu) => "The float batches run on WebGPU (f32; E_H within 1e-3 of the CPU's) on any adapter the browser gives, a software fallback included; on the CPU (f64) when it gives none.",
            _ => "The float batches run on WebGPU (f32; E_H within 1e-3 of the CPU's) when the browser gives a GPU, otherwise on the CPU (f64), which is faster than a software adapter.",
        };
        html! {
            <section class="view" id="view-map" aria-labelledby="tab-map">
                <div class="controls">
                    <fieldset>
                        <legend>{"Study"}</legend>
                        <p class="status">{"Subtensor's consensus-guarantee Monte Carlo: 512 UIDs (64 validators), an honest majority holding S_H of the stake against a cabal, one epoch from empty bonds per grid point of honest utility W_H and cabal self-weight W_C."}</p>
                        <label for="map-variant">{"Yuma variant"}</label>
                        <select id="map-variant" onchange={on_variant}>
                            { for taolab::yuma::Variant::ALL.iter().map(|v| html! {
                                <option value={v.as_str()} selected={*v == s.variant}>{v.display_name()}</option>
                            }) }
                        </select>
                        <label for="map-grid">{"Grid of W_H and W_C"}</label>
                        <select id="map-grid" onchange={on_grid}>
                            { for MAP_LEVELS.iter().map(|&n| html! {
                                <option value={n.to_string()} selected={n == s.map_levels}>
                                    {format!("steps of {:.2} ({n} × {n}, {} epochs){}", 1.0 / (n - 1) as f64,
                                        STAKE_LEVELS.len() * n * n, if n == 51 { ", the full study" } else { "" })}
                                </option>
                            }) }
                        </select>
                        <label for="map-backend">{"Backend"}</label>
                        <select id="map-backend" onchange={on_backend}>
                            { for MapBackend::ALL.iter().map(|b| html! {
                                <option value={b.as_str()} selected={*b == s.map_backend}>{b.label()}</option>
                            }) }
                        </select>
                        <p class="status" id="map-note">{backend_note}</p>
                    </fieldset>
                    <fieldset class="knobs">
                        <legend>{"Parameters"}</legend>
                        {self.slider(ctx, Knob::Kappa, "kappa", "κ (kappa)", 0.0, 1.0, 0.01, "stake share that must support a weight", None)}
                        {self.slider(ctx, Knob::BondPenalty, "bond-penalty", "Bond penalty β", 0.0, 1.0, 0.01, "0: bonds from raw weights, 1: from clipped", None)}
                        <label for="map-stake">{"Heatmap: honest stake S_H"}</label>
                        <select id="map-stake" onchange={on_stake}>
                            { for STAKE_LEVELS.iter().enumerate().map(|(l, x)| html! {
                                <option value={l.to_string()} selected={l == s.map_stake}>{format!("{x:.2}")}</option>
                            }) }
                        </select>
                    </fieldset>
                </div>
                { self.run_bar(ctx, &RunBar {
                    id: "map", group: "Consensus map run", label: "Run the map (in a worker)", unit: "epochs",
                    run: || Msg::MapRun, cancel: || Msg::MapCancel, stale: self.map_stale(),
                }, self.map_job.as_ref(), self.map_error.as_ref()) }
                if self.map_stale() {
                    <p class="stale" id="map-stale" role="status">{"Parameters changed since this map was computed: it still shows the old ones (in its titles). Press Run to update it."}</p>
                }
                if let Some(m) = &self.map {
                    <p class="status" id="map-backend-used" aria-live="polite">{format!("backend: {}", m.backend.label)}</p>
                    <p class="status" id="map-status">{m.summary()}</p>
                }
                <div class="charts">
                    { for mapview::CHARTS.iter().copied().map(|id| self.figure(ctx, id, mapview::title(id, s))) }
                </div>
            </section>
        }
    }

    fn numbers(&self) -> Html {
        let c = &self.consensus;
        let runs = c.runs();
        let Some((_, main)) = runs.first() else {
            return html! {};
        };
        let e = c.epoch(&self.state);
        let f = |x: f64| {
            if x != 0.0 && x.abs() < 1e-3 {
                format!("{x:.3e}")
            } else {
                format!("{x:.4}")
            }
        };
        let n = c.epochs();
        let total_help = format!(
            "Total dividends over all {n} epochs of the run per 1,000 TAO of stake (not at the epoch shown)"
        );
        html! {
            <div class="table-wrap">
            <table id="numbers">
                <caption>{format!("Validators at epoch {} of {n}; run totals over all {n} epochs", e + 1)}</caption>
                // The rule's name over its three columns, so a comparison stays narrow; under
                // it, what is at the epoch shown and what is a total over the run.
                <thead><tr>
                    <th scope="col" rowspan="3">{"Validator"}</th>
                    <th scope="col" rowspan="3">{"Stake share"}</th>
                    { for runs.iter().map(|(n, _)| html! {
                        <th scope="colgroup" colspan="3" class="rule">{n.to_string()}</th>
                    }) }
                </tr><tr>
                    { for runs.iter().map(|_| html! { <>
                        <th scope="colgroup" colspan="2" class="rule">{format!("at epoch {}", e + 1)}</th>
                        <th scope="col" class="rule run-total" title={total_help.clone()}>{"run total"}</th>
                    </> }) }
                </tr><tr>
                    { for runs.iter().map(|_| html! { <>
                        <th scope="col">{"Dividends"}</th>
                        <th scope="col">{"V-trust"}</th>
                        <th scope="col" class="run-total" title={total_help.clone()}>{"Div. / 1000 τ"}</th>
                    </> }) }
                </tr></thead>
                <tbody>
                { for main.validators.iter().enumerate().map(|(i, name)| html! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td>{f(main.epochs[e].stake.get(i).copied().unwrap_or(0.0))}</td>
                        { for runs.iter().map(|(_, o)| {
                            let ep = &o.epochs[e.min(o.epochs.len() - 1)];
                            html! { <>
                                <td>{f(ep.dividends.get(i).copied().unwrap_or(0.0))}</td>
                                <td>{f(ep.validator_trust.get(i).copied().unwrap_or(0.0))}</td>
                                <td class="run-total">{f(o.total_dividends.get(i).map_or(0.0, |t| t.total))}</td>
                            </> }
                        }) }
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let frag = dom::fragment();
        let (state, notes) = AppState::from_fragment(&frag);
        let state_for_tokenomics = state.clone();
        let sn15 = scenario::sn15();
        let consensus = Consensus::compute(&state, &sn15, None);
        let mut canvases = HashMap::new();
        for id in consensus::CHARTS
            .iter()
            .chain(&econ::TOKENOMICS)
            .chain(&econ::SUBNETS)
            .chain(&mapview::CHARTS)
        {
            canvases.insert(*id, NodeRef::default());
        }
        if state.view == View::Subnets {
            ctx.link().send_message(Msg::SetView(View::Subnets));
        }
        // Back and forward (popstate; hashchange for a fragment typed or linked to).
        let mut listeners = Vec::new();
        if let Some(w) = web_sys::window() {
            for (event, msg) in [
                ("popstate", (|| Msg::HashChanged) as fn() -> Msg),
                ("hashchange", || Msg::HashChanged),
                ("resize", || Msg::Resized),
            ] {
                let link = ctx.link().clone();
                listeners.push(gloo::events::EventListener::new(&w, event, move |_| {
                    link.send_message(msg())
                }));
            }
        }
        let mut app = App {
            state,
            notes,
            sn15,
            upload: None,
            upload_error: None,
            upload_name: String::new(),
            reader: None,
            consensus,
            canvases,
            dirty: true,
            revision: 0,
            playing: None,
            sweep: None,
            sweep_error: None,
            _listeners: listeners,
            last_fragment: String::new(),
            url_state: AppState::default(),
            push_next: false,
            input_notes: Vec::new(),
            focus_tab: false,
            resize_timer: None,
            tokenomics: Tokenomics::compute(&state_for_tokenomics),
            world: None,
            world_job: None,
            world_error: None,
            world_for: None,
            map: None,
            map_job: None,
            map_error: None,
            map_runs: 0,
        };
        app.write_url();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let mut recompute = false;
        let mut keep_sweep = false;
        match msg {
            Msg::SetView(v) => {
                self.state.view = v;
                self.dirty = true;
            }
            Msg::SetScenario(key) => {
                if let Some(id) = ScenarioId::from_key(&key) {
                    if id == ScenarioId::Upload && self.upload.is_none() {
                        return false;
                    }
                    self.state.scenario = id;
                    self.state.miner = None;
                    self.state.epoch = match id {
                        ScenarioId::Case(_) => taolab::yuma::cases::EPOCHS - 1,
                        ScenarioId::Attack(_) => usize::MAX,
                        _ => self.state.metagraph_epochs - 1,
                    };
                    recompute = true;
                }
            }
            Msg::SetVariant(v) => {
                if let Ok(v) = v.parse() {
                    self.state.variant = v;
                    // Compared with itself: no comparison.
                    if self.state.compare == Some(v) {
                        self.state.compare = None;
                    }
                    recompute = true;
                }
            }
            Msg::SetCompare(v) => {
                self.state.compare = v.parse().ok().filter(|c| *c != self.state.variant);
                recompute = true;
            }
            Msg::SetKnob(k, x) => {
                if !x.is_finite() {
                    return false;
                }
                let p = &mut self.state.params;
                match k {
                    Knob::Kappa => {
                        p.kappa = x.clamp(0.0, 1.0);
                        keep_sweep = true;
                    }
                    Knob::BondPenalty => p.bond_penalty = x.clamp(0.0, 1.0),
                    Knob::BondMovingAverage => p.bond_moving_average = x.clamp(0.0, 1.0),
                    Knob::AlphaLow => {
                        p.alpha_low = x.clamp(0.0, 1.0);
                        p.alpha_high = p.alpha_high.max(p.alpha_low);
                    }
                    Knob::AlphaHigh => {
                        p.alpha_high = x.clamp(0.0, 1.0);
                        p.alpha_low = p.alpha_low.min(p.alpha_high);
                    }
                    Knob::AlphaSteepness => p.alpha_sigmoid_steepness = x.clamp(0.0, 100.0),
                }
                recompute = true;
            }
            Msg::SetLiquidAlpha(b) => {
                self.state.params.liquid_alpha = b;
                recompute = true;
            }
            Msg::ResetParams => {
                self.state.params = Params::default();
                self.push_next = true;
                recompute = true;
            }
            Msg::SetMetagraphEpochs(x) => {
                let n = self
                    .typed(
                        "metagraph-epochs",
                        "Epochs to repeat the snapshot",
                        x,
                        1,
                        MAX_METAGRAPH_EPOCHS as u32,
                    )
                    .map_or(DEFAULT_METAGRAPH_EPOCHS, |n| n as usize);
                self.state.metagraph_epochs = n;
                self.state.epoch = self.state.epoch.min(n - 1);
                recompute = true;
            }
            Msg::SetEpoch(e) => {
                self.state.epoch = e.min(self.consensus.epochs().saturating_sub(1));
                self.dirty = true;
            }
            Msg::Step(d) => {
                let e = self.consensus.epoch(&self.state) as isize + d;
                self.state.epoch =
                    e.clamp(0, self.consensus.epochs().saturating_sub(1) as isize) as usize;
                self.dirty = true;
            }
            Msg::TogglePlay => {
                if self.playing.take().is_none() {
                    if self.consensus.epoch(&self.state) + 1 >= self.consensus.epochs() {
                        self.state.epoch = 0;
                    }
                    let link = ctx.link().clone();
                    self.playing = Some(Interval::new(350, move || link.send_message(Msg::Tick)));
                    self.dirty = true;
                }
            }
            Msg::Tick => {
                let e = self.consensus.epoch(&self.state) + 1;
                if e >= self.consensus.epochs() {
                    self.playing = None;
                } else {
                    self.state.epoch = e;
                    self.dirty = true;
                }
            }
            Msg::SetMiner(v) => {
                self.state.miner = v.parse().ok();
                self.dirty = true;
            }
            Msg::UploadChosen(file) => {
                let Some(file) = file else { return false };
                let file = gloo::file::File::from(file);
                let name = file.name();
                if let Err(e) = scenario::check_upload_size(&name, file.size()) {
                    self.upload_error = Some(e);
                    return true;
                }
                let link = ctx.link().clone();
                let n2 = name.clone();
                self.reader = Some(gloo::file::callbacks::read_as_text(&file, move |r| {
                    link.send_message(Msg::UploadRead(n2, r.map_err(|e| e.to_string())))
                }));
                self.upload_name = name;
            }
            Msg::UploadRead(name, r) => {
                self.reader = None;
                match r.and_then(|t| scenario::parse_upload(&t)) {
                    Ok(m) => {
                        self.upload = Some(m);
                        self.upload_error = None;
                        self.state.scenario = ScenarioId::Upload;
                        self.state.miner = None;
                        self.state.epoch = self.state.metagraph_epochs - 1;
                        recompute = true;
                    }
                    Err(e) => {
                        self.upload_error =
                            Some(format!("{}: {e}", crate::state::truncate(&name, 60)));
                    }
                }
            }
            Msg::Export(id, fmt) => {
                let base = format!("taolab-{}-{id}", self.state.scenario.to_key());
                let base = match self.state.view {
                    View::Consensus => base,
                    View::Tokenomics => format!("taolab-tokenomics-{id}"),
                    View::Subnets => format!("taolab-subnets-{}-{id}", self.state.preset),
                    View::Map => format!(
                        "taolab-map-{}-{id}",
                        self.map
                            .as_ref()
                            .map_or("none", |m| m.map.config.variant.as_str())
                    ),
                };
                let table = || match self.state.view {
                    View::Consensus => self.consensus.table(id, &self.state),
                    View::Tokenomics => self.tokenomics.table(id, &self.state),
                    View::Subnets => self.world.as_ref().map(|w| w.table(id)).unwrap_or_default(),
                    View::Map => self
                        .map
                        .as_ref()
                        .map(|m| mapview::table(id, m, &self.state))
                        .unwrap_or_default(),
                };
                let r = match fmt {
                    "png" => match self.canvas(id) {
                        Some(c) => dom::download_png(&format!("{base}.png"), &c),
                        None => Ok(()),
                    },
                    "csv" => {
                        dom::download_text(&format!("{base}.csv"), "text/csv", &table().to_csv())
                    }
                    _ => dom::download_text(
                        &format!("{base}.json"),
                        "application/json",
                        &table().to_json(),
                    ),
                };
                if let Err(e) = r {
                    web_sys::console::warn_1(&e);
                }
                return false;
            }
            Msg::ExportRun => {
                let runs: Vec<&taolab::yuma::CaseOutput> =
                    self.consensus.runs().into_iter().map(|r| r.1).collect();
                let text = serde_json::to_string(&runs).unwrap_or_default();
                let _ = dom::download_text(
                    &format!("taolab-{}-run.json", self.state.scenario.to_key()),
                    "application/json",
                    &text,
                );
                return false;
            }
            Msg::SweepStart => {
                let Ok(case) = self.consensus.case.clone() else {
                    return false;
                };
                let req = serde_json::to_string(&Request::KappaSweep { case, points: 101 })
                    .unwrap_or_default();
                let link = ctx.link().clone();
                self.sweep_error = None;
                match worker::Job::start(req, move |ev| link.send_message(Msg::Sweep(ev))) {
                    Ok(job) => {
                        self.sweep = Some(SweepJob {
                            _job: job,
                            done: 0,
                            total: 101,
                        })
                    }
                    Err(e) => self.sweep_error = Some(e),
                }
            }
            Msg::SweepCancel => {
                self.sweep = None;
                self.sweep_error = Some("Sweep cancelled.".into());
            }
            Msg::Sweep(ev) => match ev {
                worker::Event::Progress(done, total) => {
                    SweepJob::advance(&mut self.sweep, done, total)
                }
                worker::Event::Done(text) => {
                    self.sweep = None;
                    match serde_json::from_str::<Response>(&text) {
                        Ok(Response::KappaSweep(s)) => {
                            self.consensus.sweep = Some(s);
                            self.dirty = true;
                        }
                        Ok(Response::Error(e)) => self.sweep_error = Some(e),
                        Ok(_) => {}
                        Err(e) => self.sweep_error = Some(format!("bad worker reply: {e}")),
                    }
                }
                worker::Event::Failed(e) => {
                    self.sweep = None;
                    self.sweep_error = Some(e);
                }
            },
            Msg::SetRecycle(x) => {
                if x.is_finite() {
                    self.state.recycle = x.clamp(0.0, 1.0);
                    self.tokenomics = Tokenomics::compute(&self.state);
                    self.dirty = true;
                }
            }
            Msg::SetYears(x) => {
                if let Some(y) = self.typed("years", "Years shown", x, 1, 100) {
                    self.state.years = y;
                    self.tokenomics = Tokenomics::compute(&self.state);
                    self.dirty = true;
                }
            }
            Msg::SetPreset(p) => {
                if let Some(p) = PRESETS.iter().find(|x| **x == p) {
                    self.state.preset = p;
                }
            }
            Msg::SetWorldDays(x) => {
                let max = crate::state::MAX_WORLD_DAYS;
                if let Some(d) = self.typed("world-days", "Days to simulate", x, 1, max) {
                    self.state.world_days = d;
                }
            }
            Msg::WorldRerun => {
                self.world_for = None;
                self.world = None;
            }
            Msg::WorldCancel => {
                self.world_job = None;
                self.world_error = Some("World run cancelled. Press Run to start it again.".into());
                self.world_for = Some((self.state.preset, self.state.world_days));
                self.dirty = true;
            }
            Msg::World(ev) => match ev {
                worker::Event::Progress(done, total) => {
                    SweepJob::advance(&mut self.world_job, done, total)
                }
                worker::Event::Done(text) => {
                    self.world_job = None;
                    match serde_json::from_str::<Response>(&text) {
                        Ok(Response::World(w)) => {
                            self.world = Some(w);
                            self.world_error = None;
                        }
                        Ok(Response::Error(e)) => self.world_error = Some(e),
                        Ok(_) => {}
                        Err(e) => self.world_error = Some(format!("bad worker reply: {e}")),
                    }
                    self.dirty = true;
                }
                worker::Event::Failed(e) => {
                    self.world_job = None;
                    self.world_error = Some(e);
                    self.dirty = true;
                }
            },
            Msg::SetMapLevels(v) => {
                if let Some(n) = v.parse().ok().filter(|n| MAP_LEVELS.contains(n)) {
                    self.state.map_levels = n;
                }
            }
            Msg::SetMapBackend(v) => {
                if let Some(b) = MapBackend::parse(&v) {
                    self.state.map_backend = b;
                }
            }
            Msg::SetMapStake(v) => {
                if let Some(l) = v.parse().ok().filter(|&l: &usize| l < STAKE_LEVELS.len()) {
                    self.state.map_stake = l;
                    self.dirty = true;
                }
            }
            Msg::MapRun => {
                let s = &self.state;
                let req = serde_json::to_string(&Request::ConsensusMap {
                    variant: s.variant,
                    kappa: s.params.kappa,
                    bond_penalty: s.params.bond_penalty,
                    levels: s.map_levels,
                    backend: s.map_backend,
                })
                .unwrap_or_default();
                let total = STAKE_LEVELS.len() * s.map_levels * s.map_levels;
                let link = ctx.link().clone();
                self.map_error = None;
                match worker::Job::start(req, move |ev| link.send_message(Msg::Map(ev))) {
                    Ok(job) => {
                        self.map_job = Some(SweepJob {
                            _job: job,
                            done: 0,
                            total,
                        })
                    }
                    Err(e) => self.map_error = Some(e),
                }
                self.dirty = true;
            }
            Msg::MapCancel => {
                self.map_job = None;
                self.map_error = Some("Map cancelled.".into());
                self.dirty = true;
            }
            Msg::Map(ev) => match ev {
                worker::Event::Progress(done, total) => {
                    SweepJob::advance(&mut self.map_job, done, total)
                }
                worker::Event::Done(text) => {
                    match serde_json::from_str::<Response>(&text) {
                        Ok(Response::ConsensusMap(run)) => self.map = Some(Shown::new(run)),
                        Ok(Response::Error(e)) => self.map_error = Some(e),
                        Ok(_) => {}
                        Err(e) => self.map_error = Some(format!("bad worker reply: {e}")),
                    }
                    self.map_finished();
                }
                worker::Event::Failed(e) => {
                    self.map_error = Some(e);
                    self.map_finished();
                }
            },
            Msg::HashChanged => {
                // Back or forward (or a fragment typed in): show the state it names.
                let f = dom::fragment();
                if f == self.last_fragment {
                    return false;
                }
                let (state, notes) = AppState::from_fragment_with(&f, self.upload.is_some());
                self.state = state;
                self.notes = notes;
                self.input_notes.clear();
                self.playing = None;
                self.tokenomics = Tokenomics::compute(&self.state);
                // The entry stays as it is: remember it without writing it again.
                self.last_fragment = self.state.to_fragment();
                self.url_state = self.state.clone();
                if self.last_fragment != f {
                    dom::set_fragment(&self.last_fragment, false);
                }
                recompute = true;
            }
            Msg::TabKey(v, key) => {
                let all = View::ALL;
                let i = all.iter().position(|x| *x == v).unwrap_or(0);
                let next = match key.as_str() {
                    "ArrowRight" | "ArrowDown" => all[(i + 1) % all.len()],
                    "ArrowLeft" | "ArrowUp" => all[(i + all.len() - 1) % all.len()],
                    "Home" => all[0],
                    "End" => all[all.len() - 1],
                    _ => return false,
                };
                self.state.view = next;
                self.focus_tab = true;
                self.dirty = true;
            }
            Msg::Resized => {
                // Redraw once the size settles, at the charts' new size.
                let link = ctx.link().clone();
                self.resize_timer = Some(Timeout::new(150, move || link.send_message(Msg::Redraw)));
                return false;
            }
            Msg::Redraw => {
                self.resize_timer = None;
                self.dirty = true;
            }
        }
        if recompute {
            let old_sweep = self.consensus.sweep.take();
            self.recompute();
            // A sweep stays valid while only κ (its own axis) changes.
            if keep_sweep {
                self.consensus.sweep = old_sweep;
            }
        }
        if self.state.view == View::Subnets {
            self.ensure_world(ctx);
        }
        self.write_url();
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        // The WAI-ARIA tabs pattern: one tab in the Tab order (the selected one); arrows,
        // Home and End select and focus another.
        let tabs = View::ALL.iter().map(|v| {
            let v = *v;
            let selected = self.state.view == v;
            let onkeydown = ctx.link().batch_callback(move |e: KeyboardEvent| {
                let key = e.key();
                matches!(key.as_str(), "ArrowRight" | "ArrowLeft" | "ArrowUp" | "ArrowDown" | "Home" | "End")
                    .then(|| {
                        e.prevent_default();
                        Msg::TabKey(v, key)
                    })
            });
            html! {
                <button role="tab" id={format!("tab-{}", v.as_str())} aria-selected={selected.to_string()}
                    aria-controls={format!("view-{}", v.as_str())} tabindex={if selected { "0" } else { "-1" }}
                    class={classes!("tab", selected.then_some("selected"))} {onkeydown}
                    onclick={ctx.link().callback(move |_| Msg::SetView(v))}>{v.label()}</button>
            }
        });
        html! {
            <>
                <header class="top">
                    <h1><a href="../">{"taolab"}</a>{" playground"}</h1>
                    <nav role="tablist" aria-label="Views">{ for tabs }</nav>
                </header>
                if !self.notes.is_empty() || !self.input_notes.is_empty() {
                    <ul class="notes" id="notes" role="status">
                        { for self.notes.iter().map(|n| html! { <li>{n}</li> }) }
                        { for self.input_notes.iter().map(|(f, n)| html! { <li id={format!("note-{f}")}>{n}</li> }) }
                    </ul>
                }
                { match self.state.view {
                    View::Consensus => self.view_consensus(ctx),
                    View::Tokenomics => self.view_tokenomics(ctx),
                    View::Subnets => self.view_subnets(ctx),
                    View::Map => self.view_map(ctx),
                } }
            </>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        if std::mem::take(&mut self.focus_tab) {
            dom::focus(&format!("tab-{}", self.state.view.as_str()));
        }
        if self.dirty {
            self.dirty = false;
            self.draw();
        }
    }
}
