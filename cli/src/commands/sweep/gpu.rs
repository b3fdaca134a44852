//! `--backend gpu|auto`: the wgpu scorer of core's `gpu` feature for the float variants.

use taolab::gpu::GpuScorer;
use taolab::yuma::batch::BatchScorer;

/// Epochs per GPU submission (the map's default batch is sized for CPU threads).
pub const BATCH: usize = 1024;

/// `gpu` (`required`) takes any adapter, falling back to the CPU with a warning when there is
/// none; `auto` takes a hardware GPU and otherwise the parallel CPU path (a software adapter
/// such as lavapipe is slower than it). Says on stderr which backend runs.
pub fn open(required: bool, float: bool) -> Option<Box<dyn BatchScorer>> {
    if !float {
        if required {
            eprintln!("backend: cpu (the chain variant is fixed point; --backend gpu applies to yuma1, yuma2, yuma2b, yuma2c and yuma3)");
        }
        return None;
    }
    let scorer = GpuScorer::new_blocking();
    if required || scorer.is_hardware() {
        if !scorer.is_gpu() {
            eprintln!("warning: --backend gpu found no GPU adapter; running on the CPU");
        }
        eprintln!("backend: {}", scorer.name());
        Some(Box::new(scorer))
    } else {
        eprintln!(
            "backend: cpu parallel (f64){}",
            match scorer.adapter_info() {
                Some(info) => format!(
                    "; {} is a software adapter, --backend gpu uses it",
                    info.name
                ),
                None => String::new(),
            }
        );
        None
    }
}
