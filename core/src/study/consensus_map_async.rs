//! The consensus map with its batches scored asynchronously: the form the browser needs,
//! where a WebGPU result arrives through the event loop and cannot be waited for on the
//! calling thread.
//!
//! [`consensus_map_async`] is the map's batch loop: the same draws, the same batches, the
//! same rows in the same order as [`consensus_map`](super::consensus_map()) (which runs it
//! with a synchronous scorer wrapped in [`Ready`]), but each batch is awaited from an
//! [`AsyncBatchScorer`]: the `GpuScorer` (feature `gpu`; WebGPU in a
//! page or a worker, or its CPU fallback) or any [`BatchScorer`] in [`Ready`] (the
//! [`CpuScorer`](crate::yuma::batch::CpuScorer)). The chain variant has no batches and runs
//! the chain epoch on the CPU, as [`consensus_map_cpu`] does.
//!
//! Nothing here yields between batches by itself: in a browser, run it in a worker (the
//! playground does), where the page stays responsive and progress is posted from
//! `progress`.

use super::consensus_map::{
    cancelled, consensus_map_cpu, finish_float_rows, levels, point_weights, prepare_float_batch,
    ConsensusMap, ConsensusMapConfig, Scratch,
};
use crate::error::Result;
use crate::yuma::batch::{BatchOutput, BatchScorer, EpochBatch, Fill};
use crate::yuma::Variant;
use alloc::string::String;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// A backend that scores batches asynchronously; the async twin of
/// [`crate::yuma::batch::BatchScorer`].
pub trait AsyncBatchScorer {
    /// A human-readable name of the backend (with the adapter's name for GPUs).
    fn name(&self) -> String;
    /// Scores every epoch of `batch`.
    fn score_batch<'a>(
        &'a mut self,
        batch: &'a EpochBatch,
    ) -> impl Future<Output = Result<BatchOutput>> + 'a;
    /// Scores `batch`, whose weights `fill` makes; the async twin of
    /// [`BatchScorer::score_filled`]. The default fills `batch.weights`, then scores.
    fn score_filled_batch<'a>(
        &'a mut self,
        batch: &'a mut EpochBatch,
        fill: Fill<'a>,
    ) -> impl Future<Output = Result<BatchOutput>> + 'a {
        async move {
            batch.fill_weights(fill);
            self.score_batch(batch).await
        }
    }
}

/// A synchronous [`BatchScorer`] (the [`CpuScorer`](crate::yuma::batch::CpuScorer), say) as
/// an [`AsyncBatchScorer`] whose results are ready at once.
pub struct Ready<'s>(pub &'s mut dyn BatchScorer);

impl AsyncBatchScorer for Ready<'_> {
    fn name(&self) -> String {
        self.0.name()
    }

    fn score_batch<'a>(
        &'a mut self,
        batch: &'a EpochBatch,
    ) -> impl Future<Output = Result<BatchOutput>> + 'a {
        core::future::ready(self.0.score(batch))
    }

    fn score_filled_batch<'a>(
        &'a mut self,
        batch: &'a mut EpochBatch,
        fill: Fill<'a>,
    ) -> impl Future<Output = Result<BatchOutput>> + 'a {
        core::future::ready(self.0.score_filled(batch, fill))
    }
}

/// Runs a future that never waits (one whose scorer is [`Ready`]) to its end.
pub(crate) fn now<F: Future>(f: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(f).poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("a synchronous scorer's future is ready at once"),
    }
}

#[cfg(feature = "gpu")]
impl AsyncBatchScorer for crate::gpu::GpuScorer {
    fn name(&self) -> String {
        BatchScorer::name(self)
    }

    fn score_batch<'a>(
        &'a mut self,
        batch: &'a EpochBatch,
    ) -> impl Future<Output = Result<BatchOutput>> + 'a {
        self.score_async(batch)
    }

    fn score_filled_batch<'a>(
        &'a mut self,
        batch: &'a mut EpochBatch,
        fill: Fill<'a>,
    ) -> impl Future<Output = Result<BatchOutput>> + 'a {
        self.score_filled_async(batch, fill)
    }
}

/// Runs the map, awaiting each batch of float points from `scorer` (the chain variant runs
/// the chain epoch on the CPU and ignores it), and calling `progress(done, total)` after
/// each batch; returning `false` cancels with an error.
pub async fn consensus_map_async<S: AsyncBatchScorer + ?Sized>(
    cfg: &ConsensusMapConfig,
    scorer: &mut S,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<ConsensusMap> {
    cfg.validate()?;
    if cfg.variant == Variant::Chain {
        return consensus_map_cpu(cfg, progress);
    }
    let levels = levels(cfg);
    let total = cfg.points();
    let mut sc = Scratch::new(cfg);
    let mut rows = Vec::with_capacity(total);
    let mut k = 0;
    while k < total {
        let end = (k + cfg.batch).min(total);
        let start = rows.len();
        prepare_float_batch(cfg, &levels, k..end, &mut sc, &mut rows);
        let fill = point_weights(cfg, &levels, k);
        let out = scorer.score_filled_batch(&mut sc.batch, &fill).await?;
        finish_float_rows(cfg, &levels, k..end, &out, &mut rows[start..]);
        k = end;
        if !progress(k, total) {
            return Err(cancelled());
        }
    }
    Ok(ConsensusMap {
        config: cfg.clone(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::consensus_map;
    use crate::yuma::batch::CpuScorer;
    use alloc::string::ToString;

    fn small(variant: Variant) -> ConsensusMapConfig {
        ConsensusMapConfig {
            variant,
            stake_levels: alloc::vec![0.51, 0.8],
            weight_levels: 4,
            batch: 5,
            ..ConsensusMapConfig::default()
        }
    }

    #[test]
    fn the_async_map_is_the_sync_map() {
        for variant in [Variant::Yuma2, Variant::Yuma3, Variant::Chain] {
            let cfg = small(variant);
            let want = consensus_map(&cfg, &mut CpuScorer::default(), &mut |_, _| true).unwrap();
            let mut calls = Vec::new();
            let got = now(consensus_map_async(
                &cfg,
                &mut Ready(&mut CpuScorer::default()),
                &mut |done, total| {
                    calls.push((done, total));
                    true
                },
            ))
            .unwrap();
            assert_eq!(got, want, "{variant}");
            assert_eq!(got.rows.len(), 32);
            assert!(got.rows.iter().any(|r| r.major_ratio > 0.5), "{variant}");
            if variant != Variant::Chain {
                // One call per batch of 5 points, the last one partial.
                assert_eq!(calls.len(), 7, "{variant}");
                assert_eq!(calls[0], (5, 32));
            }
            assert_eq!(calls.last(), Some(&(32, 32)), "{variant}");
        }
    }

    #[test]
    fn cancelling_and_bad_configs_are_errors() {
        let cfg = small(Variant::Yuma2);
        let err = now(consensus_map_async(
            &cfg,
            &mut Ready(&mut CpuScorer::default()),
            &mut |done, _| done < 10,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("cancelled"), "{err}");
        let bad = ConsensusMapConfig {
            weight_levels: 1,
            ..cfg
        };
        let err = now(consensus_map_async(
            &bad,
            &mut Ready(&mut CpuScorer::default()),
            &mut |_, _| true,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("weightLevels"), "{err}");
    }

    #[cfg(feature = "gpu")]
    #[test]
    fn the_gpu_scorer_runs_the_async_map_within_tolerance() {
        let mut gpu = crate::gpu::GpuScorer::new_blocking();
        let cfg = small(Variant::Yuma2);
        let want = consensus_map(&cfg, &mut CpuScorer::default(), &mut |_, _| true).unwrap();
        // Natively the scorer polls the device before it awaits, so its futures are ready.
        let got = now(consensus_map_async(&cfg, &mut gpu, &mut |_, _| true)).unwrap();
        assert_eq!(got.rows.len(), want.rows.len());
        for (a, b) in got.rows.iter().zip(&want.rows) {
            assert_eq!(
                (a.major_stake, a.major_weight, a.minor_weight, a.weight_dev),
                (b.major_stake, b.major_weight, b.minor_weight, b.weight_dev)
            );
            let d = (a.major_ratio - b.major_ratio).abs();
            assert!(
                d <= 10.0 * crate::gpu::TOLERANCE,
                "{} differs by {d}",
                AsyncBatchScorer::name(&gpu)
            );
        }
    }
}
