//! Quotients of the 128-bit unsigned fixed types (`U64F64`, `U96F32`) that the economy uses,
//! bit-identical to `substrate-fixed`'s `checked_div` (the quotient floors; `None` for a zero
//! divisor or a quotient that does not fit) but without its generic wide division where the
//! operands allow: `floor(a·2^f / b)` takes one native 128-bit division when `a·2^f` fits in
//! 128 bits, or two when `b < 2⁶⁴` (schoolbook, high part then remainder).

use substrate_fixed::types::{I96F32, U64F64, U96F32};

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

/// `x.saturating_mul(y)` in U64F64: `⌊x·y / 2⁶⁴⌋` (bits), saturated. When both bits are
/// below 2⁶⁴ (values below 1) their product is one native 64×64→128 product; otherwise the
/// library's wide product.
#[inline]
pub fn mul_u64f64(x: U64F64, y: U64F64) -> U64F64 {
    let (a, b) = (x.to_bits(), y.to_bits());
    if (a | b) >> 64 == 0 {
        U64F64::from_bits((a as u64 as u128 * b as u64 as u128) >> 64)
    } else {
        x.saturating_mul(y)
    }
}

/// `x.saturating_mul(y)` in U96F32, as [`mul_u64f64`] (native when both values are below
/// 2³²).
#[inline]
pub fn mul_u96f32(x: U96F32, y: U96F32) -> U96F32 {
    let (a, b) = (x.to_bits(), y.to_bits());
    if (a | b) >> 64 == 0 {
        U96F32::from_bits((a as u64 as u128 * b as u64 as u128) >> 32)
    } else {
        x.saturating_mul(y)
    }
}

/// `x.saturating_mul(0.5)` in U96F32: `⌊x·2³¹ / 2³²⌋ = ⌊x / 2⌋` (bits; never saturates).
#[inline]
pub fn half_u96f32(x: U96F32) -> U96F32 {
    U96F32::from_bits(x.to_bits() >> 1)
}

/// `U64F64::from_num(n).saturating_mul(y)`: an integer times a fraction keeps every bit
/// (`n·y`), saturated.
#[inline]
pub fn mul_int_u64f64(n: u64, y: U64F64) -> U64F64 {
    U64F64::from_bits(y.to_bits().saturating_mul(n as u128))
}

/// `U64F64::saturating_from_num(x.max(0))` for an I96F32 `x`: the bits shifted up 32 places,
/// saturated at the largest U64F64.
#[inline]
pub fn u64f64_from_i96f32(x: I96F32) -> U64F64 {
    let b = x.to_bits();
    if b <= 0 {
        U64F64::from_bits(0)
    } else if b >> 96 == 0 {
        U64F64::from_bits((b as u128) << 32)
    } else {
        U64F64::from_bits(u128::MAX)
    }
}

/// `U64F64::saturating_from_num(x)` for an f64 `x`. For `2⁻¹² ≤ x < 1`, `x·2⁶⁴` is an integer
/// below 2⁶⁴ (the ulp of `x` is at least 2⁻⁶⁴), so the bits are that product, exactly;
/// anything else asks the library (which rounds to nearest).
#[inline]
pub fn u64f64_from_f64(x: f64) -> U64F64 {
    if (1.0 / 4096.0..1.0).contains(&x) {
        U64F64::from_bits((x * 18_446_744_073_709_551_616.0) as u64 as u128)
    } else {
        U64F64::saturating_from_num(x)
    }
}

/// `U96F32::saturating_from_num(x)` for a U64F64 `x`: the bits shifted down 32 places
/// (the library truncates; every U64F64 fits).
#[inline]
pub fn u96f32_from_u64f64(x: U64F64) -> U96F32 {
    U96F32::from_bits(x.to_bits() >> 32)
}

/// `I96F32::saturating_from_num(x)` for a U64F64 `x`: the bits shifted down 32 places (the
/// library truncates; every U64F64 fits).
#[inline]
pub fn i96f32_from_u64f64(x: U64F64) -> I96F32 {
    I96F32::from_bits((x.to_bits() >> 32) as i128)
}

/// `x.to_num::<f64>()` for a U64F64 `x` below 1: the bits (below 2⁶⁴) converted to f64, which
/// rounds to nearest with ties to even as the library does, then scaled by 2⁻⁶⁴ (exact);
/// anything else asks the library.
#[inline]
pub fn f64_from_u64f64(x: U64F64) -> f64 {
    let b = x.to_bits();
    if b >> 64 == 0 {
        (b as u64 as f64) * (1.0 / 18_446_744_073_709_551_616.0)
    } else {
        x.to_num::<f64>()
    }
}

/// `U96F32::from_num(n)` for an integer: the bits `n·2³²`.
#[inline]
pub fn u96f32_from_u64(n: u64) -> U96F32 {
    U96F32::from_bits((n as u128) << 32)
}

/// `x.saturating_to_num::<u64>()` for a U96F32 `x`: the integer part (floor), saturated at
/// `u64::MAX`.
#[inline]
pub fn u64_from_u96f32(x: U96F32) -> u64 {
    let i = x.to_bits() >> 32;
    if i >> 64 == 0 {
        i as u64
    } else {
        u64::MAX
    }
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
        fn mul_u64f64_matches_the_library(a in bits(), b in bits()) {
            let (x, y) = (U64F64::from_bits(a), U64F64::from_bits(b));
            prop_assert_eq!(mul_u64f64(x, y), x.saturating_mul(y));
        }

        #[test]
        fn mul_u96f32_matches_the_library(a in bits(), b in bits()) {
            let (x, y) = (U96F32::from_bits(a), U96F32::from_bits(b));
            prop_assert_eq!(mul_u96f32(x, y), x.saturating_mul(y));
        }

        #[test]
        fn half_matches_the_library(a in bits()) {
            let x = U96F32::from_bits(a);
            prop_assert_eq!(half_u96f32(x), x.saturating_mul(U96F32::from_num(0.5f64)));
        }

        #[test]
        fn mul_int_u64f64_matches_the_library(n in any::<u64>(), b in bits()) {
            let y = U64F64::from_bits(b);
            prop_assert_eq!(mul_int_u64f64(n, y), U64F64::from_num(n).saturating_mul(y));
        }

        #[test]
        fn from_i96f32_matches_the_library(a in bits()) {
            let x = I96F32::from_bits(a as i128);
            prop_assert_eq!(
                u64f64_from_i96f32(x),
                U64F64::saturating_from_num(x.max(I96F32::from_num(0)))
            );
        }

        #[test]
        fn from_f64_matches_the_library(raw in any::<u64>(), f in 0.0f64..2.0) {
            // (NaN and huge values panic in the library, and so here: outside [2⁻¹², 1) the
            // library's path is taken.)
            let x = f64::from_bits(raw);
            if x.abs() < 1e30 {
                prop_assert_eq!(u64f64_from_f64(x), U64F64::saturating_from_num(x));
            }
            prop_assert_eq!(u64f64_from_f64(f), U64F64::saturating_from_num(f));
            let g = f / 1000.0;
            prop_assert_eq!(u64f64_from_f64(g), U64F64::saturating_from_num(g));
        }

        #[test]
        fn to_f64_matches_the_library(a in bits(), s in 0u32..128) {
            let x = U64F64::from_bits(a);
            prop_assert_eq!(f64_from_u64f64(x).to_bits(), x.to_num::<f64>().to_bits());
            let y = U64F64::from_bits(a >> s);
            prop_assert_eq!(f64_from_u64f64(y).to_bits(), y.to_num::<f64>().to_bits());
            // Ties: 54 significant bits ending in 1.
            let t = U64F64::from_bits(((a as u64 >> 10) | 1 << 53) as u128);
            prop_assert_eq!(f64_from_u64f64(t).to_bits(), t.to_num::<f64>().to_bits());
        }

        #[test]
        fn integer_conversions_match_the_library(a in bits(), n in any::<u64>()) {
            let x = U96F32::from_bits(a);
            prop_assert_eq!(u64_from_u96f32(x), x.saturating_to_num::<u64>());
            prop_assert_eq!(u96f32_from_u64(n), U96F32::from_num(n));
        }

        #[test]
        fn narrowing_matches_the_library(a in bits()) {
            let x = U64F64::from_bits(a);
            prop_assert_eq!(u96f32_from_u64f64(x), U96F32::saturating_from_num(x));
            prop_assert_eq!(i96f32_from_u64f64(x), I96F32::saturating_from_num(x));
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
        for x in [
            0.0,
            -0.0,
            1.0 / 4096.0,
            1.0 / 4096.0 - f64::EPSILON / 8192.0,
            0.5,
            1.0 - f64::EPSILON / 2.0,
            1.0,
            f64::INFINITY,
            -1.0,
            1e30,
        ] {
            assert_eq!(u64f64_from_f64(x), U64F64::saturating_from_num(x), "{x}");
        }
    }
}
