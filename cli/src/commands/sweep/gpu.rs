//! `--backend gpu|auto`: the wgpu scorer of core's `gpu` feature for the float variants.

use taolab::gpu::GpuScorer;
use taolab::yuma::batch::BatchScorer;

/// While probing for an adapter, the Vulkan loader's layers may try a Wayland display, and
/// libwayland prints `error: XDG_RUNTIME_DIR is invalid or not set in the environment.` on
/// stderr when that variable is unset (a server, a container, CI). The map runs all the same;
/// to keep that noise off stderr, an unset `XDG_RUNTIME_DIR` points at a private empty
/// directory for this process, removed when the guard drops. Call it before any thread starts.
pub struct QuietRuntimeDir(Option<std::path::PathBuf>);

impl QuietRuntimeDir {
    pub fn new() -> QuietRuntimeDir {
        if std::env::var_os("XDG_RUNTIME_DIR").is_some() {
            return QuietRuntimeDir(None);
        }
        let dir = std::env::temp_dir().join(format!("taolab-runtime-{}", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => {
                // Single-threaded here: the map's threads start later.
                std::env::set_var("XDG_RUNTIME_DIR", &dir);
                QuietRuntimeDir(Some(dir))
            }
            Err(_) => QuietRuntimeDir(None),
        }
    }
}

impl Drop for QuietRuntimeDir {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

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
