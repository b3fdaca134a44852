//! Quotients of the 128-bit unsigned fixed types (`U64F64`, `U96F32`) that the economy uses,
//! bit-identical to `substrate-fixed`'s `checked_div` (the quotient floors; `None` for a zero
//! divisor or a quotient that does not fit) but without its generic wide division where the
//! operands allow: `floor(a·2^f / b)` takes one native 128-bit division when `a·2^f` fits in
//! 128 bits, or two when `b < 2⁶⁴` (schoolbook, high part then remainder).

use substrate_fixed::types::{U64F64, U96F32};

/// `floor(a·2^frac / b)` for `1 ≤ frac ≤ 64`: `Ok(None)` when `b = 0` or the quotient needs
/// more than 128 bits; `Err(())` for operands outside the fast paths (the caller then asks the
/// library).
#[inline]
fn shl_div(a: u128, b: u128, frac: u32) -> Result<Option<u128>, ()> {
    if b == 0 {
        return Ok(None);
    }
    if a >> (128 - frac) == 0 {
        return Ok(Some((a << frac) / b));
    }
    if b >> 64 == 0 {
        let hi = a / b;
        if hi >> (128 - frac) != 0 {
            return Ok(None);
        }
        let lo = ((a % b) << frac) / b;
        return Ok(Some((hi << frac) + lo));
    }
    Err(())
}

/// `x.checked_div(y)` in U64F64.
#[inline]
pub fn div_u64f64(x: U64F64, y: U64F64) -> Option<U64F64> {
    match shl_div(x.to_bits(), y.to_bits(), 64) {
        Ok(q) => q.map(U64F64::from_bits),
        Err(()) => x.checked_div(y),
    }
}

/// `x.checked_div(y)` in U96F32.
#[inline]
pub fn div_u96f32(x: U96F32, y: U96F32) -> Option<U96F32> {
    match shl_div(x.to_bits(), y.to_bits(), 32) {
        Ok(q) => q.map(U96F32::from_bits),
        Err(()) => x.checked_div(y),
    }
}

/// `U64F64::from_num(a) / U64F64::from_num(b)` for integers (`b > 0`): `floor(a·2⁶⁴ / b)`.
#[inline]
pub fn ratio_u64f64(a: u64, b: u64) -> U64F64 {
    U64F64::from_bits(((a as u128) << 64) / b.max(1) as u128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bits() -> impl Strategy<Value = u128> {
        prop_oneof![
            any::<u128>(),
            any::<u64>().prop_map(|x| x as u128),
            (any::<u64>(), 0u32..64).prop_map(|(x, s)| (x as u128) << s),
            (any::<u128>(), 0u32..128).prop_map(|(x, s)| x >> s),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn u64f64_matches_the_library(a in bits(), b in bits()) {
            let (x, y) = (U64F64::from_bits(a), U64F64::from_bits(b));
            prop_assert_eq!(div_u64f64(x, y), x.checked_div(y));
        }

        #[test]
        fn u96f32_matches_the_library(a in bits(), b in bits()) {
            let (x, y) = (U96F32::from_bits(a), U96F32::from_bits(b));
            prop_assert_eq!(div_u96f32(x, y), x.checked_div(y));
        }

        #[test]
        fn integer_ratio_matches_the_library(a in any::<u64>(), b in 1u64..) {
            prop_assert_eq!(ratio_u64f64(a, b), U64F64::from_num(a) / U64F64::from_num(b));
        }
    }

    #[test]
    fn edges() {
        let m = U96F32::from_bits(u128::MAX);
        for (a, b) in [
            (u128::MAX, 1),
            (u128::MAX, u128::MAX),
            (1 << 96, 1),
            (0, 0),
            (5, 0),
        ] {
            let (x, y) = (U96F32::from_bits(a), U96F32::from_bits(b));
            assert_eq!(div_u96f32(x, y), x.checked_div(y));
            let (x, y) = (U64F64::from_bits(a), U64F64::from_bits(b));
            assert_eq!(div_u64f64(x, y), x.checked_div(y));
        }
        assert_eq!(div_u96f32(m, U96F32::from_num(1)), Some(m));
    }
}
