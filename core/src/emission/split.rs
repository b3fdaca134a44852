//! The per-block alpha-out split (spec §5.4) and the root proportion (§5.5).
//!
//! From a subnet's alpha emission $a$ (U96F32):
//! owner cut $c = a \cdot \text{cut}/65535$; then with $a' = a - c$:
//! server $= a'/2$, root $= \rho\,a'/2$, validators $= a' - a'/2 - \rho\,a'/2$.
//! Each bucket is floored to rao when added to its pending counter.

use crate::math::fixed::wide::{half_u96f32, mul_u96f32, u64_from_u96f32};
use substrate_fixed::types::U96F32;

/// `SubnetOwnerCut` default, 11 796 / 65 535 ≈ 18 %.
pub const DEFAULT_OWNER_CUT: u16 = 11_796;
/// `TaoWeight` default (`InitialTaoWeight`), as a fraction of `u64::MAX` (≈ 0.0527).
pub const DEFAULT_TAO_WEIGHT: u64 = 971_718_665_099_567_868;

/// One block's alpha-out buckets, rao (each floored as the chain floors it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct AlphaSplit {
    /// `PendingOwnerCut` increment.
    pub owner: u64,
    /// `PendingServerEmission` increment (miners).
    pub server: u64,
    /// `PendingValidatorEmission` increment.
    pub validator: u64,
    /// `PendingRootAlphaDivs` increment (or recycled when the root sell flag is off).
    pub root: u64,
    /// `⌊alpha_out⌋` − the four buckets: minted into `SubnetAlphaOut`, owned by no one.
    pub dust: u64,
}

/// Chain-exact split of `alpha_out` (U96F32) with owner cut `owner_cut`/65535 (0 when the
/// cut is disabled) and root proportion `root_prop`.
pub fn split_alpha_out(alpha_out: U96F32, owner_cut: u16, root_prop: U96F32) -> AlphaSplit {
    let cut_frac = U96F32::from_num(owner_cut)
        .checked_div(U96F32::from_num(u16::MAX))
        .unwrap_or(U96F32::from_num(0));
    split_alpha_out_with(alpha_out, cut_frac, root_prop)
}

/// [`split_alpha_out`] with the owner-cut fraction `owner_cut/65535` already computed.
#[inline]
pub fn split_alpha_out_with(alpha_out: U96F32, cut_frac: U96F32, root_prop: U96F32) -> AlphaSplit {
    let minted = u64_from_u96f32(alpha_out);
    let mut a = alpha_out;
    let cut = mul_u96f32(a, cut_frac);
    a = a.saturating_sub(cut);
    // `x.saturating_mul(0.5)`, exactly.
    let root = half_u96f32(mul_u96f32(root_prop, a));
    let server = half_u96f32(a);
    let validator = a.saturating_sub(server).saturating_sub(root);
    let s = AlphaSplit {
        owner: u64_from_u96f32(cut),
        server: u64_from_u96f32(server),
        validator: u64_from_u96f32(validator),
        root: u64_from_u96f32(root),
        dust: 0,
    };
    let used = s.owner + s.server + s.validator + s.root;
    AlphaSplit {
        dust: minted.saturating_sub(used),
        ..s
    }
}

/// Float split: the same proportions in f64, floored to rao; the remainder is `dust`.
pub fn split_alpha_out_f64(alpha_out: u64, owner_cut: u16, root_prop: f64) -> AlphaSplit {
    let a0 = alpha_out as f64;
    let cut = a0 * owner_cut as f64 / 65_535.0;
    let a = a0 - cut;
    let server = a * 0.5;
    let root = root_prop * a * 0.5;
    let validator = a - server - root;
    let f = crate::units::floor_u64;
    let s = AlphaSplit {
        owner: f(cut),
        server: f(server),
        validator: f(validator),
        root: f(root),
        dust: 0,
    };
    let used = s.owner + s.server + s.validator + s.root;
    AlphaSplit {
        dust: alpha_out.saturating_sub(used),
        ..s
    }
}

/// Root proportion $\rho = \frac{R\,t}{R\,t + A}$ with root TAO $R$ (`SubnetTAO[root]`),
/// `TaoWeight` $t$ = `tao_weight`/u64::MAX and alpha issuance $A$; 0 on 0/0.
pub fn root_proportion(root_tao: u64, tao_weight: u64, alpha_issuance: u64) -> U96F32 {
    let tw = U96F32::from_num(tao_weight)
        .checked_div(U96F32::from_num(u64::MAX))
        .unwrap_or(U96F32::from_num(0));
    let r = U96F32::from_num(root_tao).saturating_mul(tw);
    let denom = r.saturating_add(U96F32::from_num(alpha_issuance));
    r.checked_div(denom).unwrap_or(U96F32::from_num(0))
}

/// Float root proportion.
pub fn root_proportion_f64(root_tao: u64, tao_weight: u64, alpha_issuance: u64) -> f64 {
    root_proportion_f64_with(root_weighted_f64(root_tao, tao_weight), alpha_issuance)
}

/// `R·t` of [`root_proportion_f64`], the same for every subnet.
pub fn root_weighted_f64(root_tao: u64, tao_weight: u64) -> f64 {
    root_tao as f64 * (tao_weight as f64 / u64::MAX as f64)
}

/// [`root_proportion_f64`] from its `R·t` ([`root_weighted_f64`]).
pub fn root_proportion_f64_with(r: f64, alpha_issuance: u64) -> f64 {
    let d = r + alpha_issuance as f64;
    if d > 0.0 {
        r / d
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn v23_split() {
        let s = split_alpha_out(
            U96F32::from_num(1_000_000_000u64),
            11_796,
            U96F32::from_num(0.25f64),
        );
        assert_eq!(
            (s.owner, s.server, s.validator, s.root),
            (179_995_422, 410_002_288, 307_501_716, 102_500_572)
        );
        assert_eq!(s.dust, 2);
    }
}
