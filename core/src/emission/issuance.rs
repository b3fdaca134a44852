//! Block emission and halvings (spec §4, `coinbase/block_emission.rs`).
//!
//! Halvings are driven by **supply**, not by time. With issuance $I$ (rao) and
//! $H = 10.5 \cdot 10^{15}$ rao,
//!
//! $$ k = \left\lfloor \log_2 \frac{1}{1 - I / 2H} \right\rfloor, \qquad
//!    e(I) = \left\lfloor 10^9 / 2^k \right\rfloor $$
//!
//! computed in `I96F32` with the chain's own `log2`. The same function gives each subnet's
//! alpha emission from its alpha issuance (`SubnetAlphaIn + SubnetAlphaOut`).

use alloc::vec::Vec;
use substrate_fixed::transcendental::log2;
use substrate_fixed::types::I96F32;

/// One TAO (or alpha) in rao.
pub const RAO_PER_TAO: u64 = 1_000_000_000;
/// `TotalSupply`: 21M TAO in rao.
pub const TOTAL_SUPPLY: u64 = 21_000_000_000_000_000;
/// `DefaultBlockEmission`: 1 TAO per block before the first halving.
pub const DEFAULT_BLOCK_EMISSION: u64 = RAO_PER_TAO;
/// Issuance at which the first halving takes effect (10.5M TAO).
pub const FIRST_HALVING_ISSUANCE: u64 = 10_500_000_000_000_000;
/// Blocks per day at 12-second blocks (`MILLISECS_PER_BLOCK` = 12 000).
pub const BLOCKS_PER_DAY: u64 = 7_200;
/// Seconds per block.
pub const SECONDS_PER_BLOCK: u64 = 12;

/// Block emission in rao for issuance `issuance` (rao), exactly as the chain computes it
/// (`get_block_emission_for_issuance`): I96F32, checked operations, the chain's `log2`.
/// Any arithmetic failure yields 0, as the chain's error path mints nothing.
pub fn block_emission(issuance: u64) -> u64 {
    block_emission_checked(issuance).unwrap_or(0)
}

fn block_emission_checked(issuance: u64) -> Option<u64> {
    let i = I96F32::from_num(issuance);
    if i >= I96F32::from_num(TOTAL_SUPPLY) {
        return Some(0);
    }
    let two_h = I96F32::from_num(2u64).checked_mul(I96F32::from_num(FIRST_HALVING_ISSUANCE))?;
    let ratio = i.checked_div(two_h)?;
    let one = I96F32::from_num(1u64);
    let rest = one.checked_sub(ratio)?;
    let inv = one.checked_div(rest)?;
    let residual: I96F32 = log2::<I96F32, I96F32>(inv).ok()?;
    let k: u64 = residual.floor().checked_to_num::<u64>()?;
    let mut m = one;
    for _ in 0..k {
        m = m.saturating_mul(I96F32::from_num(2u64));
    }
    let pct = one.checked_div(m)?;
    let e = pct.checked_mul(I96F32::from_num(DEFAULT_BLOCK_EMISSION))?;
    e.checked_to_num::<u64>()
}

/// Float-mode block emission (TAO per block) for issuance `issuance_tao` (TAO).
/// Same formula in f64 with `libm`; agrees with [`block_emission`] away from the thresholds.
pub fn block_emission_f64(issuance_tao: f64) -> f64 {
    let supply = TOTAL_SUPPLY as f64 / RAO_PER_TAO as f64;
    if issuance_tao.is_nan() || issuance_tao >= supply {
        return 0.0;
    }
    let x = 1.0 / (1.0 - issuance_tao / supply);
    let k = crate::math::exact::floor(libm::log2(x));
    if k < 0.0 {
        return 1.0;
    }
    let e = 1.0 / libm::pow(2.0, k);
    // The chain floors to whole rao.
    crate::math::exact::floor(e * RAO_PER_TAO as f64) / RAO_PER_TAO as f64
}

/// One era of constant block emission: from `start` rao of issuance (inclusive) the chain
/// mints `emission` rao per block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Era {
    /// First issuance (rao) with this emission.
    pub start: u64,
    /// Emission per block (rao).
    pub emission: u64,
}

/// The exact eras of [`block_emission`], found by binary search over `u64` issuance: a
/// lookup table that makes the per-block emission an O(log eras) comparison.
///
/// Thresholds (V17): 10 500 000 000 000 000, 15 750 000 000 000 000, 18 375 000 000 000 000, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalvingTable {
    eras: Vec<Era>,
}

impl HalvingTable {
    /// Builds the table (≈ 32 eras × 64 evaluations of the exact formula).
    pub fn new() -> HalvingTable {
        let mut eras = Vec::new();
        let mut start = 0u64;
        let mut e = block_emission(0);
        eras.push(Era { start, emission: e });
        while e > 0 {
            // Smallest issuance in (start, TOTAL_SUPPLY] whose emission is below e.
            let (mut lo, mut hi) = (start, TOTAL_SUPPLY);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if block_emission(mid) < e {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            start = hi;
            e = block_emission(hi);
            eras.push(Era { start, emission: e });
        }
        HalvingTable { eras }
    }

    /// The eras, in order; the last one has emission 0.
    pub fn eras(&self) -> &[Era] {
        &self.eras
    }

    /// Emission (rao per block) at `issuance`; equals [`block_emission`] for every input.
    #[inline]
    pub fn emission(&self, issuance: u64) -> u64 {
        let idx = self.eras.partition_point(|era| era.start <= issuance);
        // idx ≥ 1 because eras[0].start == 0.
        self.eras[idx.saturating_sub(1)].emission
    }

    /// The issuance at which the next change of emission happens after `issuance`.
    pub fn next_threshold(&self, issuance: u64) -> Option<u64> {
        self.eras.iter().map(|e| e.start).find(|&s| s > issuance)
    }
}

impl Default for HalvingTable {
    fn default() -> Self {
        HalvingTable::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v17_thresholds() {
        assert_eq!(block_emission(0), 1_000_000_000);
        assert_eq!(block_emission(10_499_999_999_999_999), 1_000_000_000);
        assert_eq!(block_emission(10_500_000_000_000_000), 500_000_000);
        assert_eq!(block_emission(20_999_999_999_999_999), 0);
        let t = HalvingTable::new();
        assert_eq!(t.eras()[1].start, 10_500_000_000_000_000);
        assert_eq!(t.eras()[2].start, 15_750_000_000_000_000);
        for x in [
            0u64,
            5,
            10_500_000_000_000_000,
            18_374_999_999_999_999,
            20_999_999_999_999_999,
        ] {
            assert_eq!(t.emission(x), block_emission(x));
        }
    }
}
