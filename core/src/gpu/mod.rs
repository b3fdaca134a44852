//! Batched epoch scoring on the GPU (feature `gpu`): WGSL compute kernels run many independent
//! single epochs — the consensus map, Monte Carlo runs, sweeps — in one set of dispatches,
//! natively (Vulkan, Metal, DX12) or in the browser (WebGPU), through wgpu.
//!
//! [`GpuScorer`] implements [`BatchScorer`](crate::yuma::batch::BatchScorer). Per chunk of
//! epochs (up to 256 MiB of weights), four kernels run (`epoch.wgsl`):
//!
//! 1. `normalize_rows` — `Wn_ij = W_ij / (Σ_j W_ij + 1e-6)`, a workgroup per row;
//! 2. `consensus` — `C_j = max { v : Σ_{i: Wn_ij ≥ v} Sn_i ≥ κ }` per column, by bisection on
//!    the bits of the weight with exact integer stake sums (2⁻³⁰ units, packed on the host);
//! 3. `clip_rank_incentive` — `C ← ⌊C/ΣC·65535⌋/65535`, `Wc = min(Wn, C)`,
//!    `R_j = Σ_i Sn_i·Wc_ij`, `I = R/ΣR` (or winner-takes-all), and the bonds' column sums;
//! 4. `bonds_dividends` — the first epoch's bonds (Yuma 1/2/2B: stake-weighted
//!    `Sn_i·((1−β)Wn + βWc)` column-normalised; Yuma 3: `α·Wn`; Yuma 2C: bought against
//!    capacity), `D_i = [Sn_i·]Σ_j B_ij·I_j` (normalised columns as each variant has them) and
//!    `D̂ = D/(ΣD + 1e-6)`.
//!
//! Bonds are never written out: each entry is formed where the dividends read it.
//!
//! **Transfers.** The weights are converted to f32 straight into a mapped upload buffer that
//! lives as long as the batch shape (on rayon's threads under `parallel`), then copied on the
//! device. Staging each chunk afresh with `Queue::write_buffer` cost more than the kernels: on
//! an H200, scoring 1024 epochs of 64 × 448 went from 77 ms to 11–14 ms, of which the
//! kernels and the copies are about 4 ms.
//!
//! **Weights made on demand.** A study need not store its batch in f64 at all:
//! [`BatchScorer::score_filled`](crate::yuma::batch::BatchScorer::score_filled) takes a
//! [`Fill`](crate::yuma::batch::Fill) that makes one epoch's weights. The GPU scorer makes each
//! epoch in a small per-thread buffer, checks it (the error names `batch weights[e][i][j]`)
//! and converts it into the upload buffer, so the host writes 4 bytes per weight instead of
//! 8, then reading them twice more. The consensus map scores its batches this way: on the
//! H200 host its yuma2 map went from 0.60–0.61 s to 0.35–0.37 s (best of three, each twice).
//!
//! **Tolerance.** The kernels compute in f32 and the CPU path in f64. Consensus is quantised
//! to u16 steps with a truncation, so an f32 rounding can move a column's consensus by one
//! step (1/65535) where the exact value lies within ~1e-7 of a step. The parity tests hold
//! every consensus, incentive and normalised dividend to **|gpu − cpu| ≤ 1e-4** absolute
//! ([`TOLERANCE`]); winner-takes-all agrees where the top rank is unique by more than f32
//! rounding.
//!
//! **Fallback.** With no adapter (or no device), [`GpuScorer::new`] returns a scorer that
//! runs the CPU float path; [`BatchScorer::name`](crate::yuma::batch::BatchScorer::name) says
//! which ran: `gpu (llvmpipe (LLVM 19.1.7, 256 bits), Vulkan)` or
//! `cpu (f64; no GPU adapter: …)`.
//!
//! **The web.** `GpuScorer::new().await` opens WebGPU when `navigator.gpu` exists (in a page or
//! a worker); [`GpuScorer::score_async`] scores a batch (the synchronous `score` cannot wait
//! for the browser there and returns an error on a GPU).

mod context;
mod mapped;
mod pack;
mod scorer;

#[cfg(not(target_arch = "wasm32"))]
mod block_on;

pub use context::SHADER;
pub use scorer::GpuScorer;

/// The stated f32 agreement with the CPU float path: absolute, per value, on consensus,
/// incentive and normalised dividends.
pub const TOLERANCE: f64 = 1e-4;
