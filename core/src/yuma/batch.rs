//! Batches of independent single epochs — the unit of work of Monte Carlo studies and
//! sweeps, and the seam between the CPU and GPU backends.
//!
//! A batch holds `count` epochs of the same shape (V validators × N servers), each with its
//! own weights and stakes, run from empty bonds (no history). A [`BatchScorer`] returns the
//! incentive and normalised dividends of each. [`CpuScorer`] runs the float research epoch;
//! the `gpu` feature adds a WGSL scorer with the same contract (f32, tolerance-checked).

use super::case::EpochOutput;
use super::params::{Params, Variant};
use super::research::{self, Workspace};
use crate::error::{check_all_non_negative, Error, Result};
use crate::math::Dense;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Weights made on demand: `fill(k, w)` writes every raw weight of epoch `k` of a batch into
/// `w` (`validators × servers`, row-major). It may run on several threads and more than once
/// for the same epoch, and must give the same values each time.
pub type Fill<'a> = &'a (dyn Fn(usize, &mut [f64]) + Sync);

/// `count` independent epochs of one shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EpochBatch {
    /// Validators (rows) per epoch.
    pub validators: usize,
    /// Servers (columns) per epoch.
    pub servers: usize,
    /// Number of epochs.
    pub count: usize,
    /// Raw weights, `count × validators × servers`, epoch-major then row-major.
    pub weights: Vec<f64>,
    /// Raw stakes, `count × validators`.
    pub stakes: Vec<f64>,
    /// The rule (a research variant; the GPU backends support `yuma1`/`yuma2`/`yuma3`
    /// single epochs, where bonds start empty).
    pub variant: Variant,
    /// Parameters shared by every epoch of the batch.
    pub params: Params,
}

impl EpochBatch {
    /// Checks the buffer sizes, that every weight and stake is finite and not negative (the
    /// error names the first that is not, as `batch weights[epoch][row][column]` or
    /// `batch stakes[epoch][row]`), and the parameters. Every backend calls it first: the GPU
    /// kernels would carry a NaN through instead of refusing it.
    pub fn validate(&self) -> Result<()> {
        self.check(true)
    }

    /// [`EpochBatch::validate`] without the weights, for a batch whose weights a [`Fill`]
    /// makes: their values are checked as each epoch is made.
    pub fn validate_unfilled(&self) -> Result<()> {
        self.check(false)
    }

    fn check(&self, weights: bool) -> Result<()> {
        let (v, n, c) = (self.validators, self.servers, self.count);
        if weights && self.weights.len() != c * v * n {
            return Err(Error::shape(format!(
                "batch weights has {} values, expected {c}×{v}×{n}",
                self.weights.len()
            )));
        }
        if self.stakes.len() != c * v {
            return Err(Error::shape(format!(
                "batch stakes has {} values, expected {c}×{v}",
                self.stakes.len()
            )));
        }
        if weights {
            let len = v * n;
            check_all_non_negative(
                &|i| format!("batch weights[{}][{}][{}]", i / len, i % len / n, i % n),
                &self.weights,
            )?;
        }
        check_all_non_negative(
            &|i| format!("batch stakes[{}][{}]", i / v, i % v),
            &self.stakes,
        )?;
        self.params.validate()
    }

    /// Makes every epoch's weights with `fill` into [`EpochBatch::weights`] (on rayon's
    /// threads natively under `parallel`).
    pub fn fill_weights(&mut self, fill: Fill<'_>) {
        let len = self.validators * self.servers;
        // `fill` writes every weight, so the reused buffer is resized without clearing.
        self.weights.resize(self.count * len, 0.0);
        if len == 0 {
            return;
        }
        #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
        {
            use rayon::prelude::*;
            let epochs = self.weights.par_chunks_exact_mut(len).enumerate();
            epochs.for_each(|(k, w)| fill(k, w));
        }
        #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
        for (k, w) in self.weights.chunks_exact_mut(len).enumerate() {
            fill(k, w);
        }
    }

    /// Weights of epoch `k` as a row-major slice.
    pub fn epoch_weights(&self, k: usize) -> &[f64] {
        let len = self.validators * self.servers;
        &self.weights[k * len..(k + 1) * len]
    }

    /// Stakes of epoch `k`.
    pub fn epoch_stakes(&self, k: usize) -> &[f64] {
        &self.stakes[k * self.validators..(k + 1) * self.validators]
    }
}

/// Per-epoch results of a batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchOutput {
    /// Incentive, `count × servers`.
    pub incentive: Vec<f64>,
    /// Normalised dividends D̂, `count × validators`.
    pub dividends: Vec<f64>,
    /// Consensus, `count × servers`.
    pub consensus: Vec<f64>,
}

/// Something that scores batches: the CPU float path or a GPU backend.
pub trait BatchScorer {
    /// A human-readable name of the backend (with the adapter's name for GPUs).
    fn name(&self) -> String;
    /// Scores every epoch of the batch.
    fn score(&mut self, batch: &EpochBatch) -> Result<BatchOutput>;

    /// Scores `batch`, whose weights `fill` makes (`batch.weights` is the backend's to use).
    /// The default fills `batch.weights` and calls [`BatchScorer::score`]; the GPU scorer
    /// converts each epoch as it is made, so a large batch never exists in f64.
    fn score_filled(&mut self, batch: &mut EpochBatch, fill: Fill<'_>) -> Result<BatchOutput> {
        batch.fill_weights(fill);
        self.score(batch)
    }
}

/// The CPU float backend: [`research::epoch`] per epoch, buffers reused.
#[derive(Debug, Default)]
pub struct CpuScorer {
    ws: Workspace,
    out: EpochOutput,
    w: Dense,
}

impl BatchScorer for CpuScorer {
    fn name(&self) -> String {
        String::from("cpu (f64)")
    }

    fn score(&mut self, batch: &EpochBatch) -> Result<BatchOutput> {
        batch.validate()?;
        let (v, n) = (batch.validators, batch.servers);
        let mut res = BatchOutput {
            incentive: Vec::with_capacity(batch.count * n),
            dividends: Vec::with_capacity(batch.count * v),
            consensus: Vec::with_capacity(batch.count * n),
        };
        for k in 0..batch.count {
            self.w.rows = v;
            self.w.cols = n;
            self.w.data.clear();
            self.w.data.extend_from_slice(batch.epoch_weights(k));
            research::epoch(
                batch.variant,
                &batch.params,
                &self.w,
                batch.epoch_stakes(k),
                None,
                None,
                &mut self.out,
                &mut self.ws,
            )?;
            res.incentive.extend_from_slice(&self.out.incentive);
            res.dividends.extend_from_slice(&self.out.dividends);
            res.consensus.extend_from_slice(&self.out.consensus);
        }
        Ok(res)
    }
}
