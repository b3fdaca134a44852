//! The playground's shareable state and its URL form (`#view=consensus&scenario=case3&k=0.5…`).
//!
//! The URL is untrusted input: every key is parsed on its own, values out of range or of the
//! wrong type are dropped (the default stays) and reported back as notes, unknown keys are
//! ignored, and the whole fragment is capped at [`MAX_URL_STATE_BYTES`].

use crate::sweep::{MapBackend, MAP_LEVELS};
use taolab::study::consensus_map::STAKE_LEVELS;
use taolab::yuma::{Params, Variant};

/// Longest URL fragment read; a longer one is ignored as a whole.
pub const MAX_URL_STATE_BYTES: usize = 2048;
/// Most epochs a metagraph scenario repeats.
pub const MAX_METAGRAPH_EPOCHS: usize = 200;
/// Most days a world run covers in the subnets view.
pub const MAX_WORLD_DAYS: u32 = 90;
/// Epochs a metagraph scenario repeats by default (as many as a community case has).
pub const DEFAULT_METAGRAPH_EPOCHS: usize = 40;

/// The top-level views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Yuma consensus on one subnet.
    Consensus,
    /// Issuance, halvings, inflation.
    Tokenomics,
    /// Subnet shares, pools, flows, registrations.
    Subnets,
    /// The consensus-guarantee map (Monte Carlo), on WebGPU when available.
    Map,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 4] = [View::Consensus, View::Tokenomics, View::Subnets, View::Map];

    /// URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Consensus => "consensus",
            View::Tokenomics => "tokenomics",
            View::Subnets => "subnets",
            View::Map => "map",
        }
    }

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            View::Consensus => "Consensus",
            View::Tokenomics => "Tokenomics",
            View::Subnets => "Subnets",
            View::Map => "Consensus map",
        }
    }

    fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Which scenario the consensus view runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioId {
    /// The real subnet-15 metagraph at block 4,769,998 (the default).
    Sn15,
    /// Community case `n` (1-based).
    Case(usize),
    /// A metagraph the user uploaded (lives in memory only, never in the URL).
    Upload,
    /// Attack study `k` of `taolab::study::scenarios::NAMES` (weight copying, cabal, …),
    /// simulated by the core's agents.
    Attack(usize),
}

impl ScenarioId {
    /// URL name (`sn15`, `case7`, `upload`).
    pub fn to_key(self) -> String {
        match self {
            ScenarioId::Sn15 => "sn15".into(),
            ScenarioId::Case(n) => format!("case{n}"),
            ScenarioId::Upload => "upload".into(),
            ScenarioId::Attack(k) => {
                format!(
                    "attack-{}",
                    taolab::study::scenarios::NAMES
                        .get(k)
                        .copied()
                        .unwrap_or("")
                )
            }
        }
    }

    /// Parses a URL name; `None` when it is not one.
    pub fn from_key(s: &str) -> Option<ScenarioId> {
        match s {
            "sn15" => Some(ScenarioId::Sn15),
            "upload" => Some(ScenarioId::Upload),
            _ if s.starts_with("attack-") => {
                let name = &s["attack-".len()..];
                taolab::study::scenarios::NAMES
                    .iter()
                    .position(|&x| x == name)
                    .map(ScenarioId::Attack)
            }
            _ => {
                let n: usize = s.strip_prefix("case")?.parse().ok()?;
                (1..=taolab::yuma::cases::COUNT)
                    .contains(&n)
                    .then_some(ScenarioId::Case(n))
            }
        }
    }
}

/// Everything a shared link restores.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    /// The view shown.
    pub view: View,
    /// The consensus scenario.
    pub scenario: ScenarioId,
    /// The epoch rule.
    pub variant: Variant,
    /// A second rule shown side by side, if any.
    pub compare: Option<Variant>,
    /// κ, bond penalty, EMA and liquid alpha (the other fields keep their defaults).
    pub params: Params,
    /// The epoch shown (0-based; clamped to the run's length when drawn).
    pub epoch: usize,
    /// The server whose consensus curve and bonds are drawn (`None`: the top-incentive one).
    pub miner: Option<usize>,
    /// Epochs a metagraph scenario repeats.
    pub metagraph_epochs: usize,
    /// Tokenomics: share of emission recycled (burnt back), 0..1.
    pub recycle: f64,
    /// Tokenomics: years projected.
    pub years: u32,
    /// Subnets: the policy preset of the world.
    pub preset: &'static str,
    /// Subnets: days of the world run.
    pub world_days: u32,
    /// Consensus map: levels of W_H and W_C (one of [`MAP_LEVELS`]).
    pub map_levels: usize,
    /// Consensus map: where the float batches run.
    pub map_backend: MapBackend,
    /// Consensus map: the honest-stake level drawn as a heatmap (an index of
    /// [`STAKE_LEVELS`]).
    pub map_stake: usize,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            view: View::Consensus,
            scenario: ScenarioId::Sn15,
            variant: Variant::Yuma2,
            compare: Some(Variant::Yuma3),
            params: Params::default(),
            epoch: DEFAULT_METAGRAPH_EPOCHS - 1,
            miner: None,
            metagraph_epochs: DEFAULT_METAGRAPH_EPOCHS,
            recycle: 0.0,
            years: 12,
            preset: crate::economy::PRESETS[0],
            world_days: 7,
            map_levels: 51,
            map_backend: MapBackend::Auto,
            map_stake: 2,
        }
    }
}

fn unit(v: &str) -> Option<f64> {
    let x: f64 = v.parse().ok()?;
    (x.is_finite() && (0.0..=1.0).contains(&x)).then_some(x)
}

impl AppState {
    /// The URL fragment (without `#`) for this state; defaults are left out.
    pub fn to_fragment(&self) -> String {
        let d = AppState::default();
        let p = &self.params;
        let dp = &d.params;
        let mut parts: Vec<String> = Vec::new();
        let mut put = |k: &str, v: String| parts.push(format!("{k}={v}"));
        put("view", self.view.as_str().into());
        put("scenario", self.scenario.to_key());
        put("variant", self.variant.as_str().into());
        put(
            "compare",
            self.compare.map_or("none", |v| v.as_str()).to_string(),
        );
        let floats = [
            ("kappa", p.kappa, dp.kappa),
            ("bondPenalty", p.bond_penalty, dp.bond_penalty),
            (
                "bondMovingAverage",
                p.bond_moving_average,
                dp.bond_moving_average,
            ),
            ("alphaLow", p.alpha_low, dp.alpha_low),
            ("alphaHigh", p.alpha_high, dp.alpha_high),
            (
                "alphaSteepness",
                p.alpha_sigmoid_steepness,
                dp.alpha_sigmoid_steepness,
            ),
            ("recycle", self.recycle, d.recycle),
        ];
        for (k, v, dv) in floats {
            if v != dv {
                put(k, format!("{v}"));
            }
        }
        if p.liquid_alpha {
            put("liquidAlpha", "1".into());
        }
        put("epoch", self.epoch.to_string());
        if let Some(m) = self.miner {
            put("miner", m.to_string());
        }
        if self.metagraph_epochs != d.metagraph_epochs {
            put("epochs", self.metagraph_epochs.to_string());
        }
        if self.years != d.years {
            put("years", self.years.to_string());
        }
        if self.preset != d.preset {
            put("preset", self.preset.to_string());
        }
        if self.world_days != d.world_days {
            put("days", self.world_days.to_string());
        }
        if self.map_levels != d.map_levels {
            put("grid", self.map_levels.to_string());
        }
        if self.map_backend != d.map_backend {
            put("backend", self.map_backend.as_str().into());
        }
        if self.map_stake != d.map_stake {
            put("stake", format!("{}", STAKE_LEVELS[self.map_stake]));
        }
        parts.join("&")
    }

    /// Restores a state from a URL fragment (with or without `#`). Returns the state and a
    /// note per value that was ignored.
    pub fn from_fragment(fragment: &str) -> (AppState, Vec<String>) {
        AppState::from_fragment_with(fragment, false)
    }

    /// Whether going from `self` to `next` is a step a user would go back to (a tab, a
    /// scenario, a rule, a choice in a list: a new history entry), rather than a continuous
    /// change (a slider, the epoch player: the current entry is replaced).
    pub fn is_navigation_to(&self, next: &AppState) -> bool {
        let (a, b) = (self, next);
        a.view != b.view
            || a.scenario != b.scenario
            || a.variant != b.variant
            || a.compare != b.compare
            || a.params.liquid_alpha != b.params.liquid_alpha
            || a.miner != b.miner
            || a.metagraph_epochs != b.metagraph_epochs
            || a.years != b.years
            || a.preset != b.preset
            || a.world_days != b.world_days
            || a.map_levels != b.map_levels
            || a.map_backend != b.map_backend
            || a.map_stake != b.map_stake
    }

    /// [`AppState::from_fragment`]; `allow_upload` accepts `scenario=upload` (back and
    /// forward within a page that holds an uploaded metagraph; a shared link never has one).
    pub fn from_fragment_with(fragment: &str, allow_upload: bool) -> (AppState, Vec<String>) {
        let mut s = AppState::default();
        let mut notes = Vec::new();
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.is_empty() {
            return (s, notes);
        }
        if fragment.len() > MAX_URL_STATE_BYTES {
            notes.push(format!(
                "The link's state is {} bytes, over the limit of {MAX_URL_STATE_BYTES}; the defaults are shown.",
                fragment.len()
            ));
            return (s, notes);
        }
        for pair in fragment.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let ok = match k {
                "view" => View::parse(v).map(|x| s.view = x).is_some(),
                "scenario" => ScenarioId::from_key(v)
                    .filter(|x| allow_upload || *x != ScenarioId::Upload)
                    .map(|x| s.scenario = x)
                    .is_some(),
                "variant" => v.parse::<Variant>().ok().map(|x| s.variant = x).is_some(),
                "compare" if v == "none" => {
                    s.compare = None;
                    true
                }
                "compare" => v
                    .parse::<Variant>()
                    .ok()
                    .map(|x| s.compare = Some(x))
                    .is_some(),
                "kappa" => unit(v).map(|x| s.params.kappa = x).is_some(),
                "bondPenalty" => unit(v).map(|x| s.params.bond_penalty = x).is_some(),
                "bondMovingAverage" => unit(v).map(|x| s.params.bond_moving_average = x).is_some(),
                "alphaLow" => unit(v).map(|x| s.params.alpha_low = x).is_some(),
                "alphaHigh" => unit(v).map(|x| s.params.alpha_high = x).is_some(),
                "alphaSteepness" => v
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && (0.0..=100.0).contains(x))
                    .map(|x| s.params.alpha_sigmoid_steepness = x)
                    .is_some(),
                "liquidAlpha" => match v {
                    "1" | "true" => {
                        s.params.liquid_alpha = true;
                        true
                    }
                    "0" | "false" => {
                        s.params.liquid_alpha = false;
                        true
                    }
                    _ => false,
                },
                "recycle" => unit(v).map(|x| s.recycle = x).is_some(),
                "epoch" => v
                    .parse::<usize>()
                    .ok()
                    .filter(|&x| x < taolab::limits::MAX_EPOCHS)
                    .map(|x| s.epoch = x)
                    .is_some(),
                "miner" => v
                    .parse::<usize>()
                    .ok()
                    .filter(|&x| x < taolab::limits::MAX_SERVERS)
                    .map(|x| s.miner = Some(x))
                    .is_some(),
                "epochs" => v
                    .parse::<usize>()
                    .ok()
                    .filter(|x| (1..=MAX_METAGRAPH_EPOCHS).contains(x))
                    .map(|x| s.metagraph_epochs = x)
                    .is_some(),
                "years" => v
                    .parse::<u32>()
                    .ok()
                    .filter(|x| (1..=100).contains(x))
                    .map(|x| s.years = x)
                    .is_some(),
                "preset" => crate::economy::PRESETS
                    .iter()
                    .find(|p| **p == v)
                    .map(|p| s.preset = p)
                    .is_some(),
                "days" => v
                    .parse::<u32>()
                    .ok()
                    .filter(|x| (1..=MAX_WORLD_DAYS).contains(x))
                    .map(|x| s.world_days = x)
                    .is_some(),
                "grid" => v
                    .parse::<usize>()
                    .ok()
                    .filter(|x| MAP_LEVELS.contains(x))
                    .map(|x| s.map_levels = x)
                    .is_some(),
                "backend" => MapBackend::parse(v).map(|x| s.map_backend = x).is_some(),
                "stake" => v
                    .parse::<f64>()
                    .ok()
                    .and_then(|x| STAKE_LEVELS.iter().position(|l| (l - x).abs() < 1e-9))
                    .map(|x| s.map_stake = x)
                    .is_some(),
                _ => true, // unknown keys are ignored silently (forward compatibility)
            };
            if !ok {
                notes.push(format!(
                    "Ignored the link's value for '{}': '{}' is not valid.",
                    truncate(k, 40),
                    truncate(v, 40)
                ));
            }
        }
        if s.params.alpha_low > s.params.alpha_high {
            notes.push("Ignored the link's liquid-alpha bounds: low is above high.".into());
            s.params.alpha_low = Params::default().alpha_low;
            s.params.alpha_high = Params::default().alpha_high;
        }
        // Comparing a rule with itself shows nothing more: the same as no comparison.
        if s.compare == Some(s.variant) {
            s.compare = None;
        }
        (s, notes)
    }
}

/// A whole number typed into the field `field`, whose bounds are `lo..=hi`: the value used,
/// and a note when it is not the one typed (rounded or out of range), like the notes on a
/// link's ignored values. `None` when nothing usable was typed.
pub fn clamp_whole(field: &str, x: f64, lo: u32, hi: u32) -> Option<(u32, Option<String>)> {
    if !x.is_finite() {
        return None;
    }
    let v = x.round().clamp(f64::from(lo), f64::from(hi)) as u32;
    let note = (f64::from(v) != x).then(|| {
        format!(
            "{field}: {} is not a whole number from {lo} to {hi}; {v} is used.",
            truncate(&x.to_string(), 20)
        )
    });
    Some((v, note))
}

/// At most `n` characters of `s`, for messages that echo untrusted input.
pub fn truncate(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut s = AppState {
            view: View::Subnets,
            scenario: ScenarioId::Case(7),
            variant: Variant::Yuma3,
            compare: None,
            epoch: 12,
            miner: Some(2),
            metagraph_epochs: 60,
            recycle: 0.25,
            years: 20,
            preset: "described",
            world_days: 3,
            map_levels: 11,
            map_backend: MapBackend::Cpu,
            map_stake: 10,
            ..AppState::default()
        };
        s.params.kappa = 0.35;
        s.params.liquid_alpha = true;
        s.params.alpha_sigmoid_steepness = 42.5;
        let (back, notes) = AppState::from_fragment(&s.to_fragment());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, s);
    }

    #[test]
    fn defaults_from_empty() {
        assert_eq!(AppState::from_fragment("").0, AppState::default());
        assert_eq!(AppState::from_fragment("#").0, AppState::default());
    }

    #[test]
    fn bad_values_are_dropped_with_a_note() {
        let (s, notes) =
            AppState::from_fragment("#kappa=2&variant=yuma9&scenario=case99&bondPenalty=NaN&x=1");
        assert_eq!(s, AppState::default());
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert!(notes[0].contains("kappa"));
        let (s, notes) = AppState::from_fragment("#grid=7&backend=gpu&stake=0.5&view=map");
        assert_eq!(s.view, View::Map);
        assert_eq!(
            (s.map_levels, s.map_backend, s.map_stake),
            (51, MapBackend::Auto, 2)
        );
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].contains("grid"));
    }

    #[test]
    fn upload_is_not_restored_from_a_link() {
        let (s, notes) = AppState::from_fragment("scenario=upload");
        assert_eq!(s.scenario, ScenarioId::Sn15);
        assert_eq!(notes.len(), 1);
        // Within the page that holds the upload (back and forward), it is.
        let (s, notes) = AppState::from_fragment_with("scenario=upload", true);
        assert_eq!(s.scenario, ScenarioId::Upload);
        assert!(notes.is_empty());
    }

    #[test]
    fn comparing_a_rule_with_itself_is_no_comparison() {
        let (s, notes) = AppState::from_fragment("variant=yuma3&compare=yuma3");
        assert_eq!((s.variant, s.compare), (Variant::Yuma3, None));
        assert!(notes.is_empty());
        let (s, _) = AppState::from_fragment("compare=yuma1&variant=yuma1");
        assert_eq!(s.compare, None);
    }

    #[test]
    fn discrete_changes_are_navigation_and_sliders_are_not() {
        let a = AppState::default();
        let mut b = a.clone();
        b.params.kappa = 0.3;
        b.epoch = 3;
        b.recycle = 0.2;
        assert!(!a.is_navigation_to(&b), "sliders replace the entry");
        for change in [
            |s: &mut AppState| s.view = View::Tokenomics,
            |s: &mut AppState| s.scenario = ScenarioId::Case(2),
            |s: &mut AppState| s.variant = Variant::Yuma3,
            |s: &mut AppState| s.compare = None,
            |s: &mut AppState| s.preset = "described",
            |s: &mut AppState| s.map_levels = 11,
        ] {
            let mut c = b.clone();
            change(&mut c);
            assert!(b.is_navigation_to(&c), "{c:?}");
        }
    }

    #[test]
    fn typed_numbers_are_clamped_with_a_note() {
        assert_eq!(clamp_whole("Days", 7.0, 1, 90), Some((7, None)));
        let (v, note) = clamp_whole("Days", 200.0, 1, 90).unwrap();
        assert_eq!(v, 90);
        assert_eq!(
            note.unwrap(),
            "Days: 200 is not a whole number from 1 to 90; 90 is used."
        );
        assert_eq!(clamp_whole("Years", 0.0, 1, 100).unwrap().0, 1);
        assert_eq!(clamp_whole("Years", 2.4, 1, 100).unwrap().0, 2);
        assert!(clamp_whole("Years", 2.4, 1, 100).unwrap().1.is_some());
        assert_eq!(clamp_whole("Years", f64::NAN, 1, 100), None);
    }

    #[test]
    fn oversized_fragment_is_ignored() {
        let long = format!("kappa=0.3&{}", "a".repeat(MAX_URL_STATE_BYTES));
        let (s, notes) = AppState::from_fragment(&long);
        assert_eq!(s, AppState::default());
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn echoed_input_is_truncated() {
        let (_, notes) = AppState::from_fragment(&format!("kappa={}", "9".repeat(500)));
        assert!(notes[0].chars().count() < 120);
    }
}
