//! Host-side packing of a chunk of a batch into the kernels' layout (see `epoch.wgsl`).
//!
//! The weights go up as f32. The stake work is O(V) per epoch and runs here, in f64, the way
//! the CPU path does it: `Sn = S/ΣS`, then each share of `Sn` rounded to a whole multiple of
//! 2⁻³⁰ of its total and κ rounded up in the same unit, so that the consensus kernel sums
//! stake as exact integers (the CPU uses 2⁻⁶²; the two differ only when a stake sum lands
//! within 2⁻³⁰·V of κ).

use crate::error::{check_all_non_negative, Error, Result};
use crate::yuma::batch::{EpochBatch, Fill};
use crate::yuma::research::BOND_CAPACITY;
use crate::yuma::Variant;
use core::ops::Range;
use std::format;
use std::vec::Vec;
use wgpu::WriteOnly;

/// One unit of stake in the consensus kernel: 2³⁰ shares.
pub const SHARE_ONE: f64 = 1_073_741_824.0;

/// The variants the kernels run, as the shader's `variant` code. Single epochs start from
/// empty bonds, where Yuma 2B is Yuma 2 (it reads the previous epoch's weights only once there
/// is one).
pub fn variant_code(variant: Variant) -> Result<u32> {
    match variant {
        Variant::Yuma1 => Ok(1),
        Variant::Yuma2 | Variant::Yuma2b => Ok(2),
        Variant::Yuma3 => Ok(3),
        Variant::Yuma2c => Ok(4),
        Variant::Chain => Err(Error::invalid(
            "variant",
            "chain is not supported by the GPU scorer (the chain epoch is fixed point; use the \
             CPU backend, or yuma1, yuma2, yuma2b, yuma2c or yuma3)",
        )),
    }
}

/// The shader's `Shape` uniform (48 bytes).
pub fn shape_bytes(batch: &EpochBatch, count: usize) -> Result<[u8; 48]> {
    let p = &batch.params;
    let words: [u32; 12] = [
        batch.validators as u32,
        batch.servers as u32,
        count as u32,
        variant_code(batch.variant)?,
        u32::from(p.winner_takes_all),
        0,
        0,
        0,
        (p.bond_penalty as f32).to_bits(),
        ((1.0 - p.bond_moving_average) as f32).to_bits(),
        ((p.capacity_alpha.min(1.0) * BOND_CAPACITY) as f32).to_bits(),
        0,
    ];
    let mut bytes = [0u8; 48];
    for (dst, w) in bytes.chunks_exact_mut(4).zip(words) {
        dst.copy_from_slice(&w.to_le_bytes());
    }
    Ok(bytes)
}

/// Where a batch's weights come from.
#[derive(Clone, Copy)]
pub enum Weights<'a> {
    /// Stored in the batch (`EpochBatch::weights`, already checked).
    Stored(&'a [f64]),
    /// Made epoch by epoch, and checked as they are made.
    Filled(Fill<'a>),
}

/// Raw weights of the epochs `range` as f32 (little-endian bytes), into `out`, 4 bytes per
/// weight: the mapped upload buffer, which is write-only (it may be write-combined memory).
/// Under `parallel` (native), runs of [`RUN`] weights go to rayon's threads. Errors name a
/// made weight that is NaN, infinite or negative.
pub fn pack_weights(
    batch: &EpochBatch,
    weights: Weights<'_>,
    range: Range<usize>,
    out: WriteOnly<'_, [u8]>,
) -> Result<()> {
    let len = batch.validators * batch.servers;
    assert_eq!(
        out.len(),
        4 * range.len() * len,
        "upload view and weights differ in length"
    );
    let src = Source {
        weights,
        len,
        servers: batch.servers,
        first: range.start,
    };
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    {
        use rayon::prelude::*;
        // Whole runs as arrays (a write-only array is `Send`; a write-only slice is not).
        let (runs, tail) = out.into_chunks::<{ 4 * RUN }>();
        let whole = runs.len() * RUN;
        let runs: Vec<_> = runs.into_iter().enumerate().collect();
        runs.into_par_iter()
            .try_for_each_init(Made::default, |made, (r, dst)| {
                src.convert(made, r * RUN, dst.into())
            })?;
        src.convert(&mut Made::default(), whole, tail)
    }
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    src.convert(&mut Made::default(), 0, out)
}

/// Weights per parallel task in [`pack_weights`].
#[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
const RUN: usize = 65_536;

/// The weights of one chunk: epoch `e` of the chunk is epoch `first + e` of the batch.
struct Source<'a> {
    weights: Weights<'a>,
    len: usize,
    servers: usize,
    first: usize,
}

/// The last epoch a task made (its runs are consecutive, so most of them start inside it).
#[derive(Default)]
struct Made {
    epoch: Option<usize>,
    w: Vec<f64>,
}

impl Source<'_> {
    /// Converts the chunk's weights from index `at` on into `out` (`out.len() / 4` of them).
    fn convert(&self, made: &mut Made, at: usize, mut out: WriteOnly<'_, [u8]>) -> Result<()> {
        let (mut pos, end) = (at, at + out.len() / 4);
        while pos < end {
            let (k, off) = (self.first + pos / self.len, pos % self.len);
            let take = (self.len - off).min(end - pos);
            let src = match self.weights {
                Weights::Stored(all) => &all[k * self.len + off..][..take],
                Weights::Filled(fill) => &self.make(made, k, fill)?[off..off + take],
            };
            let (head, tail) = out.split_at(4 * take);
            to_f32_bytes(src, head);
            out = tail;
            pos += take;
        }
        Ok(())
    }

    /// Epoch `k`'s weights, made (and checked) unless `made` holds them already.
    fn make<'m>(&self, made: &'m mut Made, k: usize, fill: Fill<'_>) -> Result<&'m [f64]> {
        if made.epoch != Some(k) {
            made.epoch = None;
            made.w.resize(self.len, 0.0);
            fill(k, &mut made.w);
            let n = self.servers;
            check_all_non_negative(
                &|i| format!("batch weights[{k}][{}][{}]", i / n, i % n),
                &made.w,
            )?;
            made.epoch = Some(k);
        }
        Ok(&made.w)
    }
}

/// `src` as f32 bytes into `out`, through a small buffer (whole-buffer copies suit
/// write-combined memory).
fn to_f32_bytes(src: &[f64], mut out: WriteOnly<'_, [u8]>) {
    const STEP: usize = 1024;
    let mut buf = [0u8; 4 * STEP];
    for s in src.chunks(STEP) {
        let b = &mut buf[..4 * s.len()];
        for (d, &x) in b.chunks_exact_mut(4).zip(s) {
            d.copy_from_slice(&(x as f32).to_le_bytes());
        }
        let (mut head, tail) = out.split_at(b.len());
        head.copy_from_slice(b);
        out = tail;
    }
}

/// The stake section of the epochs `range` (little-endian bytes): normalised stakes (f32
/// bits), stake shares, κ.
pub fn pack_stakes(batch: &EpochBatch, range: Range<usize>, bytes: &mut Vec<u8>) {
    let mut words = Vec::new();
    stake_words(batch, range, &mut words);
    bytes.clear();
    bytes.extend(words.iter().flat_map(|w| w.to_le_bytes()));
}

fn stake_words(batch: &EpochBatch, range: Range<usize>, out: &mut Vec<u32>) {
    let v = batch.validators;
    let c = range.len();
    out.clear();
    out.resize(2 * c * v + c, 0);
    let mut sn = Vec::with_capacity(v);
    for (e, k) in range.enumerate() {
        sn.clear();
        sn.extend_from_slice(batch.epoch_stakes(k));
        crate::math::normalize::normalize(&mut sn);
        for (i, &x) in sn.iter().enumerate() {
            out[e * v + i] = (x as f32).to_bits();
        }
        let (shares, kappa) = out[c * v..].split_at_mut(c * v);
        kappa[e] = stake_shares(&sn, batch.params.kappa, &mut shares[e * v..(e + 1) * v]);
    }
}

/// Writes each stake's share of the total in units of 2⁻³⁰ and returns κ in that unit
/// (`u32::MAX`, never reached, when κ exceeds what the stake can hold).
pub fn stake_shares(sn: &[f64], kappa: f64, out: &mut [u32]) -> u32 {
    let total: f64 = sn.iter().sum();
    if total.partial_cmp(&0.0) != Some(core::cmp::Ordering::Greater) || !total.is_finite() {
        out.fill(0);
        return if kappa <= 0.0 { 0 } else { u32::MAX };
    }
    for (o, &x) in out.iter_mut().zip(sn) {
        *o = libm::round(x / total * SHARE_ONE) as u32;
    }
    let k = kappa / total * SHARE_ONE;
    if k <= 0.0 {
        0
    } else if k >= 2.0 * SHARE_ONE {
        u32::MAX
    } else {
        crate::math::exact::ceil(k) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_exact_for_dyadic_stakes() {
        let mut s = [0u32; 3];
        let k = stake_shares(&[0.5, 0.25, 0.25], 0.5, &mut s);
        assert_eq!(s, [1 << 29, 1 << 28, 1 << 28]);
        assert_eq!(k, 1 << 29);
        assert_eq!(stake_shares(&[0.0, 0.0], 0.5, &mut s[..2]), u32::MAX);
        assert_eq!(stake_shares(&[0.0, 0.0], 0.0, &mut s[..2]), 0);
    }

    #[test]
    fn chain_is_rejected_by_name() {
        let e = variant_code(Variant::Chain).unwrap_err();
        assert!(std::format!("{e}").contains("chain"));
    }
}
