//! Generic sweeps: a grid or random search over an agent scenario's parameters, with Monte
//! Carlo repetitions seeded per run, written as a long table (one row per run, epoch and
//! metric) in CSV or JSON lines.
//!
//! A [`SweepSpec`] names a base scenario (a shipped study by name, or an inline
//! [`AgentScenario`]), the parameters to vary, and the repetitions. Runs are numbered in a
//! fixed order — grid points (the last parameter varying fastest) or random samples, each
//! repeated `repetitions` times — and run `r` uses seed `splitmix(seed + r)`, so a run's
//! result depends only on the spec and its number. A [`Shard`] `i/n` takes the contiguous
//! block of run numbers `[⌊r·i/n⌋, ⌊r·(i+1)/n⌋)`; the shards' outputs, in order,
//! concatenate to the whole sweep's (only the first shard writes the CSV header).
//!
//! Parameters: `kappa`, `bondPenalty`, `bondMovingAverage`, `alphaLow`, `alphaHigh`,
//! `liquidAlpha` (0/1), `revealDelay` (0 = commit-reveal off), `variant` (by name), `epochs`,
//! `drift`, `churn`, `noise` (every validator group), `copierStake`.

use super::normal::Normal;
use super::scenarios;
use crate::agents::{metrics, simulate, AgentScenario, Role};
use crate::error::{Error, Result};
use crate::yuma::Variant;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write as _;
use core::ops::Range;

/// Most runs a sweep may hold.
pub const MAX_RUNS: usize = 1_000_000;

/// A parameter value: a number or a name (the variant).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum Value {
    /// A number.
    Number(f64),
    /// A name.
    Name(String),
}

impl core::fmt::Display for Value {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Value::Number(x) => write!(f, "{x}"),
            Value::Name(s) => f.write_str(s),
        }
    }
}

/// A random-search range: uniform in `[min, max]`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Bounds {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
}

/// A sweep.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct SweepSpec {
    /// A shipped study by name (see [`scenarios::NAMES`]), used when `scenario` is absent.
    pub study: String,
    /// An inline base scenario (overrides `study`).
    pub scenario: Option<AgentScenario>,
    /// Grid: parameter → values (every combination runs).
    pub grid: BTreeMap<String, Vec<Value>>,
    /// Random search: parameter → range (`samples` draws).
    pub random: BTreeMap<String, Bounds>,
    /// Random samples (with `random`).
    pub samples: usize,
    /// Monte Carlo repetitions of each point (different seeds).
    pub repetitions: usize,
    /// Master seed.
    pub seed: u64,
    /// Metrics to keep (all when empty); a name or a prefix ending in `.` (`yield.`).
    pub metrics: Vec<String>,
    /// Keep only every `every`-th epoch (and the last).
    pub every: usize,
}

impl Default for SweepSpec {
    fn default() -> Self {
        SweepSpec {
            study: String::from("weight-copying-cr"),
            scenario: None,
            grid: BTreeMap::new(),
            random: BTreeMap::new(),
            samples: 0,
            repetitions: 1,
            seed: 0,
            metrics: Vec::new(),
            every: 1,
        }
    }
}

/// One run of a sweep: its number, point, repetition, seed and parameter values.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Run number (0-based, global across shards).
    pub run: usize,
    /// Point index (grid point or random sample).
    pub point: usize,
    /// Repetition of the point.
    pub repetition: usize,
    /// The run's seed.
    pub seed: u64,
    /// Parameter values, in the spec's (sorted) order.
    pub params: Vec<(String, Value)>,
}

/// `i/n`: the i-th of n contiguous blocks of runs (0-based inside, written 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl Shard {
    /// Parses `i/n` with `1 ≤ i ≤ n` (Slurm's `$SLURM_ARRAY_TASK_ID` style, 1-based).
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || Error::invalid("shard", format!("'{s}' is not i/n with 1 ≤ i ≤ n"));
        let (a, b) = s.split_once('/').ok_or_else(bad)?;
        let i: usize = a.trim().parse().map_err(|_| bad())?;
        let n: usize = b.trim().parse().map_err(|_| bad())?;
        if n == 0 || i == 0 || i > n {
            return Err(bad());
        }
        Ok(Shard {
            index: i - 1,
            count: n,
        })
    }

    /// Shard `index` (0-based) of `count`; an error unless `index < count`.
    pub fn new(index: usize, count: usize) -> Result<Shard> {
        let shard = Shard { index, count };
        shard.check()?;
        Ok(shard)
    }

    /// An error unless `index < count` (the fields are public, so a shard may be built
    /// without [`Shard::new`]; [`run_sweep`] checks it).
    pub fn check(&self) -> Result<()> {
        if self.index < self.count {
            Ok(())
        } else {
            Err(Error::invalid(
                "shard",
                format!(
                    "index {} of {} is not below the count (0-based index)",
                    self.index, self.count
                ),
            ))
        }
    }

    /// The runs of this shard among `total`; none for a shard that fails [`Shard::check`].
    pub fn range(&self, total: usize) -> Range<usize> {
        if self.check().is_err() {
            return total..total;
        }
        let at = |k: usize| (total as u128 * k as u128 / self.count as u128) as usize;
        at(self.index)..at(self.index + 1)
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SweepFormat {
    /// `run,point,repetition,seed,<params…>,epoch,metric,value` with a header.
    #[default]
    Csv,
    /// One JSON object per line: `{"run":…,"point":…,"repetition":…,"seed":…,"params":{…},
    /// "epoch":…,"metric":…,"value":…}`.
    Jsonl,
}

impl SweepFormat {
    /// `csv` or `jsonl`.
    pub fn parse(s: &str) -> Result<SweepFormat> {
        match s {
            "csv" => Ok(SweepFormat::Csv),
            "jsonl" | "json" => Ok(SweepFormat::Jsonl),
            other => Err(Error::unknown("format", other, "csv, jsonl")),
        }
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The parameters a sweep may vary.
pub const PARAMETERS: &str = "kappa, bondPenalty, bondMovingAverage, alphaLow, alphaHigh, \
liquidAlpha, revealDelay, variant, epochs, drift, churn, noise, copierStake";

impl SweepSpec {
    /// Parses a spec (JSON).
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<SweepSpec> {
        let s: SweepSpec = crate::error::from_json(text)?;
        s.validate()?;
        Ok(s)
    }

    /// Parses a spec (TOML).
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<SweepSpec> {
        let s: SweepSpec = crate::error::from_toml(text)?;
        s.validate()?;
        Ok(s)
    }

    /// The base scenario.
    pub fn base(&self) -> Result<AgentScenario> {
        match &self.scenario {
            Some(s) => Ok(s.clone()),
            None => scenarios::by_name(&self.study),
        }
    }

    /// Checks the spec: known parameters, values in range, sizes.
    pub fn validate(&self) -> Result<()> {
        if !self.grid.is_empty() && !self.random.is_empty() {
            return Err(Error::invalid(
                "random",
                "is given together with grid; give one",
            ));
        }
        if self.repetitions == 0 {
            return Err(Error::invalid("repetitions", "is 0"));
        }
        if self.every == 0 {
            return Err(Error::invalid("every", "is 0"));
        }
        let base = self.base()?;
        for (name, values) in &self.grid {
            if values.is_empty() {
                return Err(Error::invalid(format!("grid.{name}"), "is empty"));
            }
            for (k, v) in values.iter().enumerate() {
                let mut sc = base.clone();
                apply(&mut sc, name, v).map_err(|e| rename(e, &format!("grid.{name}[{k}]")))?;
                sc.validate()
                    .map_err(|e| rename(e, &format!("grid.{name}[{k}]")))?;
            }
        }
        for (name, r) in &self.random {
            if !(r.min.is_finite() && r.max.is_finite() && r.min <= r.max) {
                return Err(Error::invalid(
                    format!("random.{name}"),
                    format!("[{}, {}] is not a finite range", r.min, r.max),
                ));
            }
            for x in [r.min, r.max] {
                let mut sc = base.clone();
                apply(&mut sc, name, &Value::Number(x))
                    .map_err(|e| rename(e, &format!("random.{name}")))?;
            }
        }
        if !self.random.is_empty() && self.samples == 0 {
            return Err(Error::invalid("samples", "is 0 with a random search"));
        }
        let points: usize = if self.random.is_empty() {
            self.grid
                .values()
                .fold(1usize, |a, v| a.saturating_mul(v.len()))
        } else {
            self.samples
        };
        let runs = points.saturating_mul(self.repetitions);
        if runs > MAX_RUNS {
            return Err(Error::too_large("runs", runs, MAX_RUNS));
        }
        Ok(())
    }

    /// Every run of the sweep, in order.
    pub fn runs(&self) -> Result<Vec<Run>> {
        self.validate()?;
        let mut points: Vec<Vec<(String, Value)>> = Vec::new();
        if self.random.is_empty() {
            points.push(Vec::new());
            for (name, values) in &self.grid {
                let mut next = Vec::with_capacity(points.len() * values.len());
                for p in &points {
                    for v in values {
                        let mut q = p.clone();
                        q.push((name.clone(), v.clone()));
                        next.push(q);
                    }
                }
                points = next;
            }
        } else {
            let mut rng = Normal::new(self.seed);
            for _ in 0..self.samples {
                points.push(
                    self.random
                        .iter()
                        .map(|(n, r)| {
                            (
                                n.clone(),
                                Value::Number(r.min + (r.max - r.min) * rng.uniform()),
                            )
                        })
                        .collect(),
                );
            }
        }
        let mut runs = Vec::with_capacity(points.len() * self.repetitions);
        for (pi, p) in points.into_iter().enumerate() {
            for rep in 0..self.repetitions {
                let run = runs.len();
                runs.push(Run {
                    run,
                    point: pi,
                    repetition: rep,
                    seed: splitmix(self.seed.wrapping_add(run as u64)),
                    params: p.clone(),
                });
            }
        }
        Ok(runs)
    }

    /// The scenario of one run.
    pub fn scenario(&self, run: &Run) -> Result<AgentScenario> {
        let mut sc = self.base()?;
        for (name, v) in &run.params {
            apply(&mut sc, name, v)?;
        }
        sc.seed = run.seed;
        sc.validate()?;
        Ok(sc)
    }

    fn keep_metric(&self, name: &str) -> bool {
        self.metrics.is_empty()
            || self
                .metrics
                .iter()
                .any(|m| m == name || (m.ends_with('.') && name.starts_with(m.as_str())))
    }

    fn param_names(&self) -> Vec<String> {
        if self.random.is_empty() {
            self.grid.keys().cloned().collect()
        } else {
            self.random.keys().cloned().collect()
        }
    }
}

fn rename(e: Error, field: &str) -> Error {
    match e {
        Error::InvalidValue { field: f, reason } => {
            Error::invalid(format!("{field} ({f})"), reason)
        }
        Error::Unknown {
            value, expected, ..
        } => Error::Unknown {
            field: field.to_string(),
            value,
            expected,
        },
        other => other,
    }
}

fn number(name: &str, v: &Value) -> Result<f64> {
    match v {
        Value::Number(x) if x.is_finite() => Ok(*x),
        other => Err(Error::invalid(
            name,
            format!("'{other}' is not a finite number"),
        )),
    }
}

/// Sets parameter `name` of `sc` to `v`.
pub fn apply(sc: &mut AgentScenario, name: &str, v: &Value) -> Result<()> {
    let p = &mut sc.params;
    match name {
        "kappa" => p.kappa = number(name, v)?,
        "bondPenalty" => p.bond_penalty = number(name, v)?,
        "bondMovingAverage" => p.bond_moving_average = number(name, v)?,
        "alphaLow" => p.alpha_low = number(name, v)?,
        "alphaHigh" => p.alpha_high = number(name, v)?,
        "liquidAlpha" => p.liquid_alpha = number(name, v)? >= 0.5,
        "revealDelay" => {
            let d = libm::round(number(name, v)?);
            sc.commit_reveal = if d < 0.5 { None } else { Some(d as usize) };
        }
        "variant" => {
            sc.variant = match v {
                Value::Name(s) => s.parse::<Variant>()?,
                Value::Number(_) => {
                    return Err(Error::unknown("variant", v.to_string(), Variant::NAMES))
                }
            }
        }
        "epochs" => sc.epochs = libm::round(number(name, v)?.max(0.0)) as usize,
        "drift" => sc.miners.drift = number(name, v)?,
        "churn" => sc.miners.churn = number(name, v)?,
        "noise" => {
            let x = number(name, v)?;
            sc.validators.iter_mut().for_each(|g| g.noise = x);
        }
        "copierStake" => {
            let x = number(name, v)?;
            sc.validators
                .iter_mut()
                .filter(|g| g.role == Role::Copier)
                .for_each(|g| g.stake = x);
        }
        other => return Err(Error::unknown("parameter", other, PARAMETERS)),
    }
    Ok(())
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn json_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn json_value(v: &Value) -> String {
    match v {
        Value::Number(x) if x.is_finite() => format!("{x}"),
        Value::Number(_) => String::from("null"),
        Value::Name(s) => json_string(s),
    }
}

/// The CSV header of a sweep's long table.
pub fn csv_header(spec: &SweepSpec) -> String {
    let mut h = String::from("run,point,repetition,seed");
    for n in spec.param_names() {
        h.push(',');
        h.push_str(&csv_escape(&n));
    }
    h.push_str(",epoch,metric,value\n");
    h
}

/// Runs one run and appends its rows to `out`.
pub fn run_one(spec: &SweepSpec, run: &Run, format: SweepFormat, out: &mut String) -> Result<()> {
    spec.validate()?;
    run_checked(spec, run, format, out)
}

/// [`run_one`] for a spec [`SweepSpec::runs`] has validated.
fn run_checked(spec: &SweepSpec, run: &Run, format: SweepFormat, out: &mut String) -> Result<()> {
    let sc = spec.scenario(run)?;
    let sim = simulate(&sc)?;
    let m = metrics(&sim);
    let last = m.len().saturating_sub(1);
    let mut prefix = String::new();
    let mut params_json = String::from("{");
    match format {
        SweepFormat::Csv => {
            let _ = write!(
                prefix,
                "{},{},{},{}",
                run.run, run.point, run.repetition, run.seed
            );
            for (_, v) in &run.params {
                prefix.push(',');
                prefix.push_str(&csv_escape(&v.to_string()));
            }
        }
        SweepFormat::Jsonl => {
            for (k, (n, v)) in run.params.iter().enumerate() {
                if k > 0 {
                    params_json.push(',');
                }
                let _ = write!(params_json, "{}:{}", json_string(n), json_value(v));
            }
            params_json.push('}');
        }
    }
    for em in &m {
        if em.epoch % spec.every != 0 && em.epoch != last {
            continue;
        }
        for (name, value) in &em.values {
            if !spec.keep_metric(name) {
                continue;
            }
            match format {
                SweepFormat::Csv => {
                    let _ = writeln!(out, "{prefix},{},{},{}", em.epoch, csv_escape(name), value);
                }
                SweepFormat::Jsonl => {
                    let _ = writeln!(
                        out,
                        "{{\"run\":{},\"point\":{},\"repetition\":{},\"seed\":{},\"params\":{},\"epoch\":{},\"metric\":{},\"value\":{}}}",
                        run.run,
                        run.point,
                        run.repetition,
                        run.seed,
                        params_json,
                        em.epoch,
                        json_string(name),
                        if value.is_finite() { format!("{value}") } else { String::from("null") }
                    );
                }
            }
        }
    }
    Ok(())
}

/// Runs the shard's runs (in parallel under the `parallel` feature) and returns the table,
/// with the CSV header on the first shard. `progress(done, total)` counts this shard's runs;
/// returning `false` cancels with an error.
pub fn run_sweep(
    spec: &SweepSpec,
    shard: Shard,
    format: SweepFormat,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<String> {
    shard.check()?;
    let runs = spec.runs()?;
    let mine = &runs[shard.range(runs.len())];
    let mut out = String::new();
    if format == SweepFormat::Csv && shard.index == 0 {
        out.push_str(&csv_header(spec));
    }
    let total = mine.len();
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let group = (rayon::current_num_threads() * 2).max(1);
        let mut done = 0;
        for chunk in mine.chunks(group) {
            let parts: Vec<Result<String>> = chunk
                .par_iter()
                .map(|r| {
                    let mut s = String::new();
                    run_checked(spec, r, format, &mut s).map(|_| s)
                })
                .collect();
            for p in parts {
                out.push_str(&p?);
            }
            done += chunk.len();
            if !progress(done, total) {
                return Err(Error::invalid("sweep", "was cancelled"));
            }
        }
    }
    #[cfg(not(feature = "parallel"))]
    for (k, r) in mine.iter().enumerate() {
        run_checked(spec, r, format, &mut out)?;
        if !progress(k + 1, total) {
            return Err(Error::invalid("sweep", "was cancelled"));
        }
    }
    Ok(out)
}
