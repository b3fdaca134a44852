//! Validators: how each one turns what it knows into a weight row.

use crate::study::normal::Normal;
use alloc::string::String;
use alloc::vec::Vec;

/// How scores become weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Policy {
    /// Weight proportional to the score.
    #[default]
    Proportional,
    /// Equal weight on the `k` best-scored miners.
    TopK(usize),
    /// All weight on the best-scored miner.
    WinnerTakesAll,
}

/// What a validator does each epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Role {
    /// Scores every miner on sampled tasks every epoch.
    #[default]
    Honest,
    /// Sets the stake-weighted mean of the weights it can see: the others' current weights
    /// without commit-reveal, only the revealed ones with it.
    Copier,
    /// Re-evaluates only every `period` epochs and resubmits its old weights in between.
    Lazy {
        /// Epochs between evaluations.
        period: usize,
    },
    /// Puts `selfWeight` of its weight on the cabal's miners, the rest as an honest scorer.
    Cabal {
        /// Share of the row on the cabal's miners.
        self_weight: f64,
    },
    /// Scores the miners as they were `lag` epochs ago (a follower; lag 0 moves first).
    Lagged {
        /// Epochs of delay.
        lag: usize,
    },
}

/// A group of identical validators.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct ValidatorSpec {
    /// Group name in the metrics (`honest`, `copier`, …).
    pub name: String,
    /// Behaviour.
    pub role: Role,
    /// Validators in the group.
    pub count: usize,
    /// Stake of each.
    pub stake: f64,
    /// Tasks sampled per miner per evaluation.
    pub tasks: usize,
    /// Standard deviation of the noise added to each score.
    pub noise: f64,
    /// Scores to weights.
    pub policy: Policy,
}

impl Default for ValidatorSpec {
    fn default() -> Self {
        ValidatorSpec {
            name: String::from("honest"),
            role: Role::Honest,
            count: 1,
            stake: 1.0,
            tasks: 20,
            noise: 0.05,
            policy: Policy::Proportional,
        }
    }
}

impl ValidatorSpec {
    /// Evaluates miners of hidden quality `q` on sampled tasks and writes the weight row.
    pub fn evaluate(&self, q: &[f64], rng: &mut Normal, row: &mut Vec<f64>) {
        row.clear();
        let tasks = self.tasks.max(1);
        for &qj in q {
            let solved = (0..tasks).filter(|_| rng.chance(qj)).count();
            let score = solved as f64 / tasks as f64 + self.noise * rng.standard();
            row.push(if score > 0.0 { score } else { 0.0 });
        }
        apply_policy(self.policy, row);
    }
}

/// Turns scores into weights in place.
pub fn apply_policy(policy: Policy, row: &mut [f64]) {
    let k = match policy {
        Policy::Proportional => return,
        Policy::TopK(k) => k.max(1),
        Policy::WinnerTakesAll => 1,
    };
    if k >= row.len() {
        return;
    }
    let mut order: Vec<usize> = (0..row.len()).collect();
    order.sort_unstable_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
    let keep = &order[..k];
    for (j, w) in row.iter_mut().enumerate() {
        *w = if keep.contains(&j) { 1.0 } else { 0.0 };
    }
}
