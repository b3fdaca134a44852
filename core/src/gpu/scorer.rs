//! [`GpuScorer`]: the GPU backend of [`BatchScorer`], with the CPU as the fallback.

use super::context::GpuContext;
use super::pack;
use super::pack::Weights;
use crate::error::{Error, Result};
use crate::yuma::batch::{BatchOutput, BatchScorer, CpuScorer, EpochBatch, Fill};
use std::boxed::Box;
use std::format;
use std::string::String;
use std::vec::Vec;

/// Scores batches of single epochs on a GPU through wgpu (Vulkan, Metal or DX12 natively;
/// WebGPU in the browser), in f32; or, when no adapter can be opened, on the CPU in f64 (the
/// [`CpuScorer`]), saying so in [`BatchScorer::name`].
///
/// Supported variants: Yuma 1, 2, 2B, 2C and 3 from empty bonds (a single epoch, as in the
/// consensus map). The chain variant is an error that names it.
///
/// Agreement with the CPU path: see [the module documentation](super).
pub struct GpuScorer {
    backend: Backend,
}

enum Backend {
    Gpu(Box<GpuContext>),
    Cpu { cpu: Box<CpuScorer>, why: String },
}

impl GpuScorer {
    /// Opens the best adapter there is (high performance first), or falls back to the CPU.
    /// Works natively and, on `wasm32`, through the browser's WebGPU (`navigator.gpu`);
    /// natively, [`GpuScorer::new_blocking`] does the same without an executor.
    pub async fn new() -> GpuScorer {
        let backend = match GpuContext::open().await {
            Ok(ctx) => Backend::Gpu(Box::new(ctx)),
            Err(why) => Backend::Cpu {
                cpu: Box::default(),
                why,
            },
        };
        GpuScorer { backend }
    }

    /// [`GpuScorer::new`], waiting on this thread. Scorers are opened one at a time in a
    /// process: with several threads opening devices at once, NVIDIA's Vulkan driver (H200,
    /// driver 580) now and then never returned.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new_blocking() -> GpuScorer {
        static OPENING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = OPENING.lock().unwrap_or_else(|e| e.into_inner());
        super::block_on::block_on(GpuScorer::new())
    }

    /// The CPU fallback, as if no adapter had been found (for comparisons and tests).
    pub fn cpu_fallback(why: impl Into<String>) -> GpuScorer {
        GpuScorer {
            backend: Backend::Cpu {
                cpu: Box::default(),
                why: why.into(),
            },
        }
    }

    /// Whether a GPU adapter runs the batches.
    pub fn is_gpu(&self) -> bool {
        matches!(self.backend, Backend::Gpu(_))
    }

    /// Whether the adapter is a hardware GPU (not a software rasteriser such as lavapipe,
    /// which runs on the CPU's cores and is slower there than the parallel CPU path).
    pub fn is_hardware(&self) -> bool {
        self.adapter_info()
            .is_some_and(|i| i.device_type != wgpu::DeviceType::Cpu)
    }

    /// The adapter, when a GPU runs the batches.
    pub fn adapter_info(&self) -> Option<&wgpu::AdapterInfo> {
        match &self.backend {
            Backend::Gpu(ctx) => Some(ctx.info()),
            Backend::Cpu { .. } => None,
        }
    }

    /// Why the CPU runs the batches, when it does.
    pub fn fallback_reason(&self) -> Option<&str> {
        match &self.backend {
            Backend::Gpu(_) => None,
            Backend::Cpu { why, .. } => Some(why),
        }
    }

    /// Scores every epoch of `batch`. This is the form to call on the web, where results
    /// come back from the browser's event loop; natively [`BatchScorer::score`] blocks on it.
    pub async fn score_async(&mut self, batch: &EpochBatch) -> Result<BatchOutput> {
        batch.validate()?;
        let ctx = match &mut self.backend {
            Backend::Cpu { cpu, .. } => return cpu.score(batch),
            Backend::Gpu(ctx) => ctx,
        };
        if let Some(early) = nothing_to_dispatch(batch, |b| CpuScorer::default().score(b))? {
            return Ok(early);
        }
        score_on(ctx, batch, Weights::Stored(&batch.weights)).await
    }

    /// Scores `batch`, whose weights `fill` makes ([`BatchScorer::score_filled`]): on a GPU,
    /// each epoch is made on the host in a small buffer, checked (a NaN, infinite or negative
    /// weight is refused as `batch weights[e][i][j]`), and converted to f32 straight into the
    /// upload buffer, so a batch is never held in f64 (under `parallel`, on rayon's threads).
    /// On the CPU fallback, the batch is filled and scored as usual.
    pub async fn score_filled_async(
        &mut self,
        batch: &mut EpochBatch,
        fill: Fill<'_>,
    ) -> Result<BatchOutput> {
        batch.validate_unfilled()?;
        let ctx = match &mut self.backend {
            Backend::Cpu { cpu, .. } => return cpu.score_filled(batch, fill),
            Backend::Gpu(ctx) => ctx,
        };
        let early = |b: &EpochBatch| {
            let mut b = b.clone();
            CpuScorer::default().score_filled(&mut b, fill)
        };
        if let Some(early) = nothing_to_dispatch(batch, early)? {
            return Ok(early);
        }
        score_on(ctx, batch, Weights::Filled(fill)).await
    }
}

/// For a batch with nothing for a kernel to do (no epochs, validators or servers), the CPU's
/// result (the shapes, and zeros) at no cost; `None` for a batch the kernels take.
fn nothing_to_dispatch(
    batch: &EpochBatch,
    cpu: impl FnOnce(&EpochBatch) -> Result<BatchOutput>,
) -> Result<Option<BatchOutput>> {
    pack::variant_code(batch.variant)?;
    if batch.count == 0 || batch.validators == 0 || batch.servers == 0 {
        return cpu(batch).map(Some);
    }
    check_index_range(batch)?;
    Ok(None)
}

/// Scores a validated batch with at least one epoch, validator and server on the device.
async fn score_on(
    ctx: &mut GpuContext,
    batch: &EpochBatch,
    weights: Weights<'_>,
) -> Result<BatchOutput> {
    let (v, n, c) = (batch.validators, batch.servers, batch.count);
    let mut res = BatchOutput {
        incentive: Vec::with_capacity(c * n),
        dividends: Vec::with_capacity(c * v),
        consensus: Vec::with_capacity(c * n),
    };
    ctx.score(batch, weights, &mut res).await?;
    Ok(res)
}

/// The kernels index with u32 and the uniform holds V and N as u32.
fn check_index_range(batch: &EpochBatch) -> Result<()> {
    let limit = u32::MAX as usize / 4;
    if batch.validators > limit || batch.servers > limit {
        return Err(Error::too_large(
            "batch shape",
            batch.validators.max(batch.servers),
            limit,
        ));
    }
    Ok(())
}

impl BatchScorer for GpuScorer {
    fn name(&self) -> String {
        match &self.backend {
            Backend::Gpu(ctx) => {
                let info = ctx.info();
                // Browsers hide the adapter's name from pages.
                let adapter = match (info.name.as_str(), info.device_type) {
                    ("", wgpu::DeviceType::Cpu) => "unnamed software adapter",
                    ("", _) => "unnamed adapter",
                    (name, _) => name,
                };
                format!("gpu ({adapter}, {:?})", info.backend)
            }
            Backend::Cpu { why, .. } => format!("cpu (f64; no GPU adapter: {why})"),
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn score(&mut self, batch: &EpochBatch) -> Result<BatchOutput> {
        super::block_on::block_on(self.score_async(batch))
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn score_filled(&mut self, batch: &mut EpochBatch, fill: Fill<'_>) -> Result<BatchOutput> {
        super::block_on::block_on(self.score_filled_async(batch, fill))
    }

    /// On the web a GPU result can only be awaited: call [`GpuScorer::score_async`].
    #[cfg(target_arch = "wasm32")]
    fn score(&mut self, batch: &EpochBatch) -> Result<BatchOutput> {
        match &mut self.backend {
            Backend::Cpu { cpu, .. } => cpu.score(batch),
            Backend::Gpu(_) => Err(Error::invalid(
                "backend",
                "WebGPU results arrive asynchronously: call GpuScorer::score_async",
            )),
        }
    }
}
