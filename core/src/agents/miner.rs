//! Miners: a hidden quality per miner (the probability of solving a task), drifting as a
//! clamped random walk, with churn and scheduled shocks.

use crate::study::normal::Normal;
use alloc::vec::Vec;

/// How the miners behave.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct MinerSpec {
    /// Number of miners (servers).
    pub count: usize,
    /// Mean of the initial (and re-drawn) quality, clamped to [0, 1].
    pub quality_mean: f64,
    /// Spread of the initial quality.
    pub quality_sd: f64,
    /// Per-epoch drift: `q ← clamp(q + drift · z)`.
    pub drift: f64,
    /// Probability per epoch that one random miner is replaced (new quality, bonds reset).
    pub churn: f64,
    /// The last `cabal` miners belong to the cabal (their quality is `cabalQuality`).
    pub cabal: usize,
    /// Hidden quality of the cabal's miners.
    pub cabal_quality: f64,
}

impl Default for MinerSpec {
    fn default() -> Self {
        MinerSpec {
            count: 32,
            quality_mean: 0.5,
            quality_sd: 0.2,
            drift: 0.02,
            churn: 0.0,
            cabal: 0,
            cabal_quality: 0.1,
        }
    }
}

/// At `epoch`, miner `miner`'s hidden quality becomes `quality` (a new model, a breakage).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct Shock {
    /// Epoch at which it happens.
    pub epoch: usize,
    /// The miner.
    pub miner: usize,
    /// Its new quality.
    pub quality: f64,
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

impl MinerSpec {
    /// Initial qualities.
    pub fn initial(&self, rng: &mut Normal) -> Vec<f64> {
        (0..self.count)
            .map(|j| {
                if self.is_cabal(j) {
                    self.cabal_quality
                } else {
                    self.draw(rng)
                }
            })
            .collect()
    }

    /// Whether miner `j` belongs to the cabal.
    pub fn is_cabal(&self, j: usize) -> bool {
        j + self.cabal >= self.count
    }

    fn draw(&self, rng: &mut Normal) -> f64 {
        clamp01(self.quality_mean + self.quality_sd * rng.standard())
    }

    /// One epoch of drift and churn; returns the replaced miner, if any.
    pub fn step(&self, q: &mut [f64], rng: &mut Normal) -> Option<usize> {
        for (j, x) in q.iter_mut().enumerate() {
            if !self.is_cabal(j) && self.drift > 0.0 {
                *x = clamp01(*x + self.drift * rng.standard());
            }
        }
        let honest = self.count.saturating_sub(self.cabal);
        if honest > 0 && self.churn > 0.0 && rng.chance(self.churn) {
            let j = rng.below(honest as u64) as usize;
            q[j] = self.draw(rng);
            return Some(j);
        }
        None
    }
}
