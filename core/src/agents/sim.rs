//! The agent simulation: agents set (or commit) weights each epoch, and the chosen Yuma
//! variant scores them.
//!
//! Timing (spec/subtensor-economics.md §12.2), with reveal delay `d` epochs
//! (`RevealPeriodEpochs`) when commit-reveal is on:
//! * each validator commits a row at every epoch e; it takes effect (is revealed and used by
//!   the epoch) at `e + d`; without commit-reveal it takes effect at once (`d = 0`);
//! * a copier sees what is public when it acts: without commit-reveal the others' rows of
//!   this same epoch (set just before the epoch fires), with it only the rows revealed at
//!   this epoch (committed at `e − d`). Its own copy then waits `d` more epochs, so under
//!   commit-reveal it scores the market as it was `2d` epochs ago, the others `d`.
//! * Before the first reveal a validator's earliest commit stands in (the subnet was running).
//!
//! The weights and stakes of every epoch form a [`Case`], run with [`run_case`].

use super::miner::{MinerSpec, Shock};
use super::validator::{Role, ValidatorSpec};
use crate::error::{Error, Result};
use crate::study::normal::Normal;
use crate::yuma::{run_case, Case, CaseEpoch, CaseOutput, Params, Variant};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// Largest number of epochs a scenario may run.
pub const MAX_EPOCHS: usize = 100_000;
/// Largest number of validators or miners.
pub const MAX_AGENTS: usize = 4096;

/// At `epoch`, `fraction` of validator `from`'s stake moves to validator `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct StakeMove {
    /// Epoch of the move.
    pub epoch: usize,
    /// Validator index (in the expanded order of `validators`).
    pub from: usize,
    /// Receiving validator.
    pub to: usize,
    /// Share of `from`'s stake moved, in [0, 1].
    pub fraction: f64,
}

/// A study scenario of agents.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct AgentScenario {
    /// Name.
    pub name: String,
    /// The epoch rule (default `chain`).
    pub variant: Variant,
    /// Yuma parameters.
    pub params: Params,
    /// Epochs to run.
    pub epochs: usize,
    /// Seed of every draw.
    pub seed: u64,
    /// Commit-reveal reveal delay in epochs (`RevealPeriodEpochs`); `None` = off.
    pub commit_reveal: Option<usize>,
    /// The miners.
    pub miners: MinerSpec,
    /// The validators, group by group (expanded in order: group 0's validators first).
    pub validators: Vec<ValidatorSpec>,
    /// Scheduled stake moves.
    pub stake_moves: Vec<StakeMove>,
    /// Scheduled quality shocks.
    pub shocks: Vec<Shock>,
}

impl Default for AgentScenario {
    fn default() -> Self {
        AgentScenario {
            name: String::from("agents"),
            variant: Variant::Chain,
            params: Params::default(),
            epochs: 50,
            seed: 0,
            commit_reveal: None,
            miners: MinerSpec::default(),
            validators: vec![ValidatorSpec {
                count: 4,
                ..ValidatorSpec::default()
            }],
            stake_moves: Vec::new(),
            shocks: Vec::new(),
        }
    }
}

impl AgentScenario {
    /// Parses a scenario (JSON).
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<AgentScenario> {
        let s: AgentScenario = crate::error::from_json(text)?;
        s.validate()?;
        Ok(s)
    }

    /// Number of validators after expanding the groups.
    pub fn validator_count(&self) -> usize {
        self.validators
            .iter()
            .fold(0usize, |a, g| a.saturating_add(g.count))
    }

    /// The group index of each validator.
    pub fn groups(&self) -> Vec<usize> {
        self.validators
            .iter()
            .enumerate()
            .flat_map(|(g, s)| core::iter::repeat_n(g, s.count))
            .collect()
    }

    /// Checks sizes and values; errors name the field.
    pub fn validate(&self) -> Result<()> {
        self.params.validate()?;
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(Error::invalid(
                "epochs",
                format!("is {}, expected 1..={MAX_EPOCHS}", self.epochs),
            ));
        }
        let m = &self.miners;
        if m.count == 0 || m.count > MAX_AGENTS {
            return Err(Error::invalid(
                "miners.count",
                format!("is {}, expected 1..={MAX_AGENTS}", m.count),
            ));
        }
        if m.cabal > m.count {
            return Err(Error::invalid(
                "miners.cabal",
                format!("is {}, more than miners.count {}", m.cabal, m.count),
            ));
        }
        for (name, x) in [
            ("miners.qualityMean", m.quality_mean),
            ("miners.churn", m.churn),
            ("miners.cabalQuality", m.cabal_quality),
        ] {
            if !(0.0..=1.0).contains(&x) {
                return Err(Error::invalid(name, format!("is {x}, outside [0, 1]")));
            }
        }
        for (name, x) in [
            ("miners.qualitySd", m.quality_sd),
            ("miners.drift", m.drift),
        ] {
            if !x.is_finite() || x < 0.0 {
                return Err(Error::invalid(name, format!("is {x}, expected ≥ 0")));
            }
        }
        for (g, s) in self.validators.iter().enumerate() {
            if s.count > MAX_AGENTS {
                return Err(Error::invalid(
                    format!("validators[{g}].count"),
                    format!("is {}, over {MAX_AGENTS}", s.count),
                ));
            }
        }
        let v = self.validator_count();
        if v == 0 || v > MAX_AGENTS {
            return Err(Error::invalid(
                "validators",
                format!("hold {v} validators, expected 1..={MAX_AGENTS}"),
            ));
        }
        for (g, s) in self.validators.iter().enumerate() {
            if !s.stake.is_finite() || s.stake < 0.0 {
                return Err(Error::invalid(
                    format!("validators[{g}].stake"),
                    format!("is {}, expected ≥ 0", s.stake),
                ));
            }
            if !s.noise.is_finite() || s.noise < 0.0 {
                return Err(Error::invalid(
                    format!("validators[{g}].noise"),
                    format!("is {}, expected ≥ 0", s.noise),
                ));
            }
            if s.tasks > 10_000 {
                return Err(Error::too_large(
                    format!("validators[{g}].tasks"),
                    s.tasks,
                    10_000,
                ));
            }
            match s.role {
                Role::Lazy { period: 0 } => {
                    return Err(Error::invalid(
                        format!("validators[{g}].role.lazy.period"),
                        "is 0",
                    ))
                }
                Role::Cabal { self_weight } if !(0.0..=1.0).contains(&self_weight) => {
                    return Err(Error::invalid(
                        format!("validators[{g}].role.cabal.selfWeight"),
                        format!("is {self_weight}, outside [0, 1]"),
                    ))
                }
                _ => {}
            }
        }
        if let Some(d) = self.commit_reveal {
            if !(1..=100).contains(&d) {
                return Err(Error::invalid(
                    "commitReveal",
                    format!("is {d}, expected 1..=100 (RevealPeriodEpochs)"),
                ));
            }
        }
        for (k, mv) in self.stake_moves.iter().enumerate() {
            if mv.from >= v || mv.to >= v {
                return Err(Error::invalid(
                    format!("stakeMoves[{k}]"),
                    format!("names validator {} → {}, there are {v}", mv.from, mv.to),
                ));
            }
            if !(0.0..=1.0).contains(&mv.fraction) {
                return Err(Error::invalid(
                    format!("stakeMoves[{k}].fraction"),
                    format!("is {}, outside [0, 1]", mv.fraction),
                ));
            }
        }
        for (k, s) in self.shocks.iter().enumerate() {
            if s.miner >= m.count || !(0.0..=1.0).contains(&s.quality) {
                return Err(Error::invalid(
                    format!("shocks[{k}]"),
                    format!(
                        "miner {} quality {} (miners: {})",
                        s.miner, s.quality, m.count
                    ),
                ));
            }
        }
        let cells = self.epochs.saturating_mul(v).saturating_mul(m.count);
        if cells > crate::limits::MAX_CHAIN_ENTRIES * 4 {
            return Err(Error::too_large(
                "epochs × validators × miners",
                cells,
                crate::limits::MAX_CHAIN_ENTRIES * 4,
            ));
        }
        Ok(())
    }
}

/// A finished run: what the agents did and what Yuma made of it.
#[derive(Debug, Clone)]
pub struct AgentRun {
    /// The weights and stakes as a case (runs again with `taolab run`).
    pub case: Case,
    /// Hidden miner quality per epoch.
    pub quality: Vec<Vec<f64>>,
    /// Group index of each validator.
    pub groups: Vec<usize>,
    /// Group names.
    pub group_names: Vec<String>,
    /// Which miners belong to the cabal.
    pub cabal_miners: Vec<bool>,
    /// The epoch outputs.
    pub output: CaseOutput,
}

/// Runs a scenario.
pub fn simulate(sc: &AgentScenario) -> Result<AgentRun> {
    sc.validate()?;
    let mut rng = Normal::new(sc.seed);
    let groups = sc.groups();
    let v = groups.len();
    let m = sc.miners.count;
    let specs: Vec<&ValidatorSpec> = groups.iter().map(|&g| &sc.validators[g]).collect();
    let mut stakes: Vec<f64> = specs.iter().map(|s| s.stake).collect();
    let mut q = sc.miners.initial(&mut rng);
    let mut quality: Vec<Vec<f64>> = Vec::with_capacity(sc.epochs);
    // committed[e][i]: the row validator i committed at epoch e.
    let mut committed: Vec<Vec<Vec<f64>>> = Vec::with_capacity(sc.epochs);
    let mut epochs = Vec::with_capacity(sc.epochs);
    let delay = sc.commit_reveal.unwrap_or(0);
    let mut row = Vec::with_capacity(m);
    for e in 0..sc.epochs {
        let mut reset = None;
        if e > 0 {
            reset = sc.miners.step(&mut q, &mut rng);
        }
        for s in sc.shocks.iter().filter(|s| s.epoch == e) {
            q[s.miner] = s.quality;
        }
        quality.push(q.clone());
        for mv in sc.stake_moves.iter().filter(|mv| mv.epoch == e) {
            let amount = stakes[mv.from] * mv.fraction;
            stakes[mv.from] -= amount;
            stakes[mv.to] += amount;
        }
        let mut rows: Vec<Vec<f64>> = vec![Vec::new(); v];
        // Evaluators first; copiers act last, on what is public.
        for (i, spec) in specs.iter().enumerate() {
            match spec.role {
                Role::Copier => continue,
                Role::Honest => spec.evaluate(&q, &mut rng, &mut row),
                Role::Lagged { lag } => {
                    spec.evaluate(&quality[e.saturating_sub(lag)], &mut rng, &mut row)
                }
                Role::Lazy { period } => {
                    if e % period == 0 {
                        spec.evaluate(&q, &mut rng, &mut row);
                    } else {
                        row.clone_from(&committed[e - 1][i]);
                    }
                }
                Role::Cabal { self_weight } => {
                    spec.evaluate(&q, &mut rng, &mut row);
                    let cabal = sc.miners.cabal;
                    let honest_sum: f64 = row[..m - cabal].iter().sum();
                    for (j, w) in row.iter_mut().enumerate() {
                        *w = if sc.miners.is_cabal(j) {
                            self_weight / cabal.max(1) as f64
                        } else if honest_sum > 0.0 {
                            (1.0 - self_weight) * *w / honest_sum
                        } else {
                            0.0
                        };
                    }
                }
            }
            rows[i].clone_from(&row);
        }
        for (i, spec) in specs.iter().enumerate() {
            if spec.role != Role::Copier {
                continue;
            }
            // What is public now: this epoch's rows without CR, the revealed ones with it.
            let mut mean = vec![0.0; m];
            let mut total = 0.0;
            for (k, other) in specs.iter().enumerate() {
                if other.role == Role::Copier {
                    continue;
                }
                let visible: &[f64] = if delay == 0 {
                    &rows[k]
                } else if e >= delay {
                    &committed[e - delay][k]
                } else if let Some(first) = committed.first() {
                    &first[k]
                } else {
                    // Nothing revealed yet: the first commits stand in.
                    &rows[k]
                };
                let s: f64 = visible.iter().sum();
                if s > 0.0 {
                    for (acc, x) in mean.iter_mut().zip(visible) {
                        *acc += stakes[k] * x / s;
                    }
                    total += stakes[k];
                }
            }
            if total > 0.0 {
                mean.iter_mut().for_each(|x| *x /= total);
            }
            rows[i] = mean;
        }
        committed.push(rows);
        let effective = &committed[e.saturating_sub(delay)];
        epochs.push(CaseEpoch {
            weights: effective.clone(),
            stakes: stakes.clone(),
            reset_bonds_column: reset,
        });
    }
    let names: Vec<String> = sc.validators.iter().map(|g| g.name.clone()).collect();
    let case = Case {
        name: Some(sc.name.clone()),
        variant: Some(sc.variant),
        params: sc.params.clone(),
        epochs,
        validators: Some(
            groups
                .iter()
                .enumerate()
                .map(|(i, &g)| format!("{}-{i}", names[g]))
                .collect(),
        ),
        servers: None,
        base_validator: None,
    };
    let output = run_case(&case)?;
    Ok(AgentRun {
        case,
        quality,
        groups,
        group_names: names,
        cabal_miners: (0..m).map(|j| sc.miners.is_cabal(j)).collect(),
        output,
    })
}

/// Per-epoch metrics of a run.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct EpochMetrics {
    /// Epoch index.
    pub epoch: usize,
    /// Named values, in a stable (sorted) order:
    /// * `dividends.G` — group G's share of the validators' dividends D̂;
    /// * `yield.G` — its dividends per unit of stake share (1 = in proportion to stake);
    /// * `vtrust.G` — its mean validator trust;
    /// * `cabalIncentive` — the incentive share of the cabal's miners;
    /// * `honestEmission` — E_H: honest validators' dividends and non-cabal miners' incentive,
    ///   half each (ξ = 0.5), when the scenario has a cabal;
    /// * `moeAccuracy` — the accuracy of a mixture of experts whose expert weights are the
    ///   miners' incentive, `Σ_j I_j q_j / Σ_j I_j` (a task routed to expert j by weight is
    ///   solved with probability q_j); `uniformAccuracy` — uniform weighting, mean q_j;
    ///   `bestAccuracy` — the best single miner.
    pub values: BTreeMap<String, f64>,
}

/// Reduces a run to per-epoch metrics.
pub fn metrics(run: &AgentRun) -> Vec<EpochMetrics> {
    let groups = run.group_names.len();
    let has_cabal = run.cabal_miners.iter().any(|&c| c);
    run.output
        .epochs
        .iter()
        .zip(&run.case.epochs)
        .zip(&run.quality)
        .enumerate()
        .map(|(e, ((out, ep), q))| {
            let mut values = BTreeMap::new();
            let stake_total: f64 = ep.stakes.iter().sum();
            let d_total: f64 = out.dividends.iter().sum();
            for g in 0..groups {
                let members: Vec<usize> = (0..run.groups.len())
                    .filter(|&i| run.groups[i] == g)
                    .collect();
                let d: f64 = members.iter().map(|&i| out.dividends[i]).sum();
                let s: f64 = members.iter().map(|&i| ep.stakes[i]).sum();
                let vt: f64 = members
                    .iter()
                    .map(|&i| out.validator_trust.get(i).copied().unwrap_or(0.0))
                    .sum::<f64>()
                    / members.len().max(1) as f64;
                // A group of no validators (`count: 0`) reports zeros, not the −0.0 of an
                // empty sum.
                let (d, s, vt) = if members.is_empty() {
                    (0.0, 0.0, 0.0)
                } else {
                    (d, s, vt)
                };
                let name = &run.group_names[g];
                let d_share = if d_total > 0.0 { d / d_total } else { 0.0 };
                let s_share = if stake_total > 0.0 {
                    s / stake_total
                } else {
                    0.0
                };
                values.insert(format!("dividends.{name}"), d_share);
                values.insert(
                    format!("yield.{name}"),
                    if s_share > 0.0 {
                        d_share / s_share
                    } else {
                        0.0
                    },
                );
                values.insert(format!("vtrust.{name}"), vt);
            }
            let inc = &out.incentive;
            let i_total: f64 = inc.iter().sum();
            let cabal_inc: f64 = inc
                .iter()
                .zip(&run.cabal_miners)
                .filter(|(_, &c)| c)
                .map(|(x, _)| x)
                .sum();
            if has_cabal {
                values.insert(
                    String::from("cabalIncentive"),
                    if i_total > 0.0 {
                        cabal_inc / i_total
                    } else {
                        0.0
                    },
                );
                let honest_d: f64 = (0..run.groups.len())
                    .filter(|&i| !run.group_names[run.groups[i]].starts_with("cabal"))
                    .map(|i| out.dividends[i])
                    .sum();
                let hd = if d_total > 0.0 {
                    honest_d / d_total
                } else {
                    0.0
                };
                let hi = if i_total > 0.0 {
                    1.0 - cabal_inc / i_total
                } else {
                    0.0
                };
                values.insert(String::from("honestEmission"), 0.5 * hd + 0.5 * hi);
            }
            let moe = if i_total > 0.0 {
                inc.iter().zip(q).map(|(i, qj)| i * qj).sum::<f64>() / i_total
            } else {
                0.0
            };
            values.insert(String::from("moeAccuracy"), moe);
            values.insert(
                String::from("uniformAccuracy"),
                q.iter().sum::<f64>() / q.len().max(1) as f64,
            );
            values.insert(
                String::from("bestAccuracy"),
                q.iter().copied().fold(0.0, f64::max),
            );
            EpochMetrics { epoch: e, values }
        })
        .collect()
}

/// The mean of metric `name` over epochs `from..` (0 when absent).
pub fn mean_metric(m: &[EpochMetrics], name: &str, from: usize) -> f64 {
    let xs: Vec<f64> = m
        .iter()
        .skip(from)
        .filter_map(|e| e.values.get(name).copied())
        .collect();
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}
