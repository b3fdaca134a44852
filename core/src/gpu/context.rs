//! The device, the four compute pipelines of `epoch.wgsl`, and the buffers of one chunk.

use super::mapped::Mapped;
use super::pack::{self, Weights};
use crate::error::{Error, Result};
use crate::yuma::batch::{BatchOutput, EpochBatch};
use std::borrow::Cow;
use std::format;
use std::string::String;
use std::vec::Vec;

/// The WGSL source of the kernels.
pub const SHADER: &str = include_str!("epoch.wgsl");
/// Invocations per workgroup in every kernel.
const WG: u32 = 64;
/// The most groups one dispatch dimension takes (WebGPU's guaranteed minimum).
const MAX_GROUPS: u32 = 65_535;
/// The largest weight buffer of one chunk; bigger batches run as several chunks.
const MAX_CHUNK_BYTES: u64 = 256 << 20;
const ENTRY_POINTS: [&str; 4] = [
    "normalize_rows",
    "consensus",
    "clip_rank_incentive",
    "bonds_dividends",
];

/// An open device with the kernels compiled.
pub struct GpuContext {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    layout: wgpu::BindGroupLayout,
    pipelines: Vec<wgpu::ComputePipeline>,
    max_binding: u64,
    buffers: Option<Buffers>,
    stakes: Vec<u8>,
}

/// Buffers sized for `chunk` epochs of one shape.
struct Buffers {
    validators: usize,
    servers: usize,
    chunk: usize,
    uniform: wgpu::Buffer,
    w: wgpu::Buffer,
    upload: wgpu::Buffer,
    stakes: wgpu::Buffer,
    _cols: wgpu::Buffer,
    out: wgpu::Buffer,
    staging: wgpu::Buffer,
    bind: wgpu::BindGroup,
}

/// Why no GPU context could be opened.
pub type OpenError = String;

impl GpuContext {
    /// Finds an adapter (high performance first; `WGPU_BACKEND` and friends are honoured),
    /// opens a device and compiles the kernels.
    pub async fn open() -> core::result::Result<GpuContext, OpenError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("{e}"))?;
        let info = adapter.get_info();
        let have = adapter.limits();
        let max_binding = have
            .max_storage_buffer_binding_size
            .min(have.max_buffer_size);
        let required_limits = wgpu::Limits {
            max_storage_buffer_binding_size: max_binding,
            max_buffer_size: max_binding,
            ..wgpu::Limits::downlevel_defaults()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("taolab epoch batches"),
                required_limits,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("{} ({}): {e}", info.name, info.backend))?;
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("epoch.wgsl"),
            source: wgpu::ShaderSource::Wgsl(Cow::Borrowed(SHADER)),
        });
        let storage = |binding: u32, read_only: bool| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("epoch batch"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::COMPUTE,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                storage(1, false),
                storage(2, true),
                storage(3, false),
                storage(4, false),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("epoch batch"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipelines = ENTRY_POINTS
            .iter()
            .map(|entry| {
                device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(entry),
                    layout: Some(&pipeline_layout),
                    module: &module,
                    entry_point: Some(entry),
                    compilation_options: Default::default(),
                    cache: None,
                })
            })
            .collect();
        Ok(GpuContext {
            device,
            queue,
            info,
            layout,
            pipelines,
            max_binding,
            buffers: None,
            stakes: Vec::new(),
        })
    }

    /// The adapter the device runs on.
    pub fn info(&self) -> &wgpu::AdapterInfo {
        &self.info
    }

    /// Epochs of `batch`'s shape per chunk.
    fn chunk_len(&self, batch: &EpochBatch) -> Result<usize> {
        let (v, n) = (batch.validators as u64, batch.servers as u64);
        let cap = self.max_binding.min(MAX_CHUNK_BYTES);
        // The largest buffer per epoch: the weights, or the outputs when V = 1.
        let per_epoch = 4 * (v * n).max(2 * n + v);
        if per_epoch > cap {
            return Err(Error::too_large(
                "batch epoch (validators × servers)",
                batch.validators * batch.servers,
                (cap / 4) as usize,
            ));
        }
        Ok(((cap / per_epoch) as usize).clamp(1, batch.count.max(1)))
    }

    fn ensure_buffers(&mut self, batch: &EpochBatch, chunk: usize) {
        let (v, n) = (batch.validators, batch.servers);
        if let Some(b) = &self.buffers {
            if b.validators == v && b.servers == n && b.chunk >= chunk {
                return;
            }
        }
        let dev = &self.device;
        let make = |label: &str, words: usize, usage: wgpu::BufferUsages| {
            dev.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: (4 * words.max(1)) as u64,
                usage,
                mapped_at_creation: false,
            })
        };
        use wgpu::BufferUsages as U;
        let uniform = make("shape", 12, U::UNIFORM | U::COPY_DST);
        let w = make("weights", chunk * v * n, U::STORAGE | U::COPY_DST);
        // The weights are packed straight into this mapped buffer and copied to `w` on the
        // device. It lives as long as the shape does: `queue.write_buffer` would stage each
        // chunk in fresh memory, and first touches of 100+ MB took longer than the kernels.
        let upload = make("weights upload", chunk * v * n, U::MAP_WRITE | U::COPY_SRC);
        let stakes = make("stakes", 2 * chunk * v + chunk, U::STORAGE | U::COPY_DST);
        let cols = make("columns", 2 * chunk * n, U::STORAGE);
        let out_words = chunk * (2 * n + v);
        let out = make("out", out_words, U::STORAGE | U::COPY_SRC);
        let staging = make("staging", out_words, U::MAP_READ | U::COPY_DST);
        fn entry(binding: u32, buffer: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
            wgpu::BindGroupEntry {
                binding,
                resource: buffer.as_entire_binding(),
            }
        }
        let bind = dev.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("epoch batch"),
            layout: &self.layout,
            entries: &[
                entry(0, &uniform),
                entry(1, &w),
                entry(2, &stakes),
                entry(3, &cols),
                entry(4, &out),
            ],
        });
        self.buffers = Some(Buffers {
            validators: v,
            servers: n,
            chunk,
            uniform,
            w,
            upload,
            stakes,
            _cols: cols,
            out,
            staging,
            bind,
        });
    }

    /// Scores every epoch of `batch` (validated, a supported variant, V, N ≥ 1), its weights
    /// from `weights`, chunk by chunk, into `res`.
    pub async fn score(
        &mut self,
        batch: &EpochBatch,
        weights: Weights<'_>,
        res: &mut BatchOutput,
    ) -> Result<()> {
        let (v, n) = (batch.validators, batch.servers);
        let chunk = self.chunk_len(batch)?;
        self.ensure_buffers(batch, chunk);
        let mut start = 0;
        while start < batch.count {
            let end = (start + chunk).min(batch.count);
            let c = end - start;
            pack::pack_stakes(batch, start..end, &mut self.stakes);
            let shape = pack::shape_bytes(batch, c)?;
            let b = self.buffers.as_ref().expect("buffers were just made");
            let w_bytes = (4 * c * v * n) as u64;
            let upload = b.upload.slice(..w_bytes);
            map(&self.device, upload, wgpu::MapMode::Write).await?;
            let packed = match upload.get_mapped_range_mut() {
                Ok(mut view) => pack::pack_weights(batch, weights, start..end, view.slice(..)),
                Err(e) => Err(Error::invalid("gpu", format!("{e}"))),
            };
            b.upload.unmap();
            packed?;
            self.queue.write_buffer(&b.uniform, 0, &shape);
            self.queue.write_buffer(&b.stakes, 0, &self.stakes);
            let mut enc = self
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
            enc.copy_buffer_to_buffer(&b.upload, 0, &b.w, 0, w_bytes);
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("epochs"),
                    timestamp_writes: None,
                });
                pass.set_bind_group(0, &b.bind, &[]);
                let groups = [
                    (c * v) as u32,
                    (c * n).div_ceil(WG as usize) as u32,
                    c as u32,
                    c as u32,
                ];
                for (pipeline, g) in self.pipelines.iter().zip(groups) {
                    pass.set_pipeline(pipeline);
                    let (x, y) = grid(g);
                    pass.dispatch_workgroups(x, y, 1);
                }
            }
            let out_bytes = (4 * c * (2 * n + v)) as u64;
            enc.copy_buffer_to_buffer(&b.out, 0, &b.staging, 0, out_bytes);
            self.queue.submit([enc.finish()]);
            let slice = b.staging.slice(..out_bytes);
            map(&self.device, slice, wgpu::MapMode::Read).await?;
            {
                let view = slice
                    .get_mapped_range()
                    .map_err(|e| Error::invalid("gpu", format!("{e}")))?;
                let floats = view
                    .chunks_exact(4)
                    .map(|q| f32::from_le_bytes([q[0], q[1], q[2], q[3]]) as f64);
                let mut it = floats;
                res.consensus.extend(it.by_ref().take(c * n));
                res.incentive.extend(it.by_ref().take(c * n));
                res.dividends.extend(it.take(c * v));
            }
            b.staging.unmap();
            start = end;
        }
        Ok(())
    }
}

/// Maps `slice` and waits for it: natively by polling the device, in the browser by awaiting
/// the callback, which the event loop runs.
async fn map(
    device: &wgpu::Device,
    slice: wgpu::BufferSlice<'_>,
    mode: wgpu::MapMode,
) -> Result<()> {
    let mapped = Mapped::default();
    slice.map_async(mode, mapped.callback());
    #[cfg(not(target_arch = "wasm32"))]
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| Error::invalid("gpu", format!("device lost: {e}")))?;
    #[cfg(target_arch = "wasm32")]
    let _ = device;
    if mapped.await {
        Ok(())
    } else {
        Err(Error::invalid("gpu", "mapping a buffer failed"))
    }
}

/// Splits `groups` workgroups over x and y (each at most 65,535).
fn grid(groups: u32) -> (u32, u32) {
    let x = groups.clamp(1, MAX_GROUPS);
    (x, groups.div_ceil(x).max(1))
}
