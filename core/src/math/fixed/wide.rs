//! Quotients of the 128-bit unsigned fixed types (`U64F64`, `U96F32`) that the economy uses,
//! bit-identical to `substrate-fixed`'s `checked_div` (the quotient floors; `None` for a zero
//! divisor or a quotient that does not fit) but without its generic wide division where the
//! operands allow: `floor(a·2^f / b)` takes one 128-by-64 division when `b < 2⁶⁴` and `a·2^f`
//! fits in 128 bits, two when only `b < 2⁶⁴` (schoolbook, high part then remainder), and one
//! native 128-bit division when `b` is wider but `a·2^f` fits.

use substrate_fixed::types::{I96F32, U64F64, U96F32};

/// `floor(a·2^frac / b)` for `1 ≤ frac ≤ 64`: `Ok(None)` when `b = 0` or the quotient needs
/// more than 128 bits; `Err(())` for operands outside the fast paths (the caller then asks the
/// library).
#[inline]
fn shl_div(a: u128, b: u128, frac: u32) -> Result<Option<u128>, ()> {
    if b == 0 {
        return Ok(None);
    }
    if b >> 64 == 0 {
        let d = b as u64;
        if a >> (128 - frac) == 0 {
            return Ok(Some(div_rem_by_u64(a << frac, d).0));
        }
        let (hi, r) = div_rem_by_u64(a, d);
        if hi >> (128 - frac) != 0 {
            return Ok(None);
        }
        let lo = div_rem_by_u64((r as u128) << frac, d).0;
        return Ok(Some((hi << frac) + lo));
    }
    if a >> (128 - frac) == 0 {
        return Ok(Some(div_by_wide(a << frac, b) as u128));
    }
    Err(())
}

/// `⌊n / d⌋` for `d ≥ 2⁶⁴` (so the quotient fits in 64 bits). Natively the library's
/// division; in the wasm [`div_wide_digits`] (see [`div_rem_by_u64`]).
#[inline]
fn div_by_wide(n: u128, d: u128) -> u64 {
    debug_assert!(d >> 64 != 0);
    #[cfg(target_arch = "wasm32")]
    return div_wide_digits(n, d);
    #[cfg(not(target_arch = "wasm32"))]
    return (n / d) as u64;
}

/// [`div_by_wide`] with 64-bit arithmetic: the quotient of `n/2` by the divisor's normalised
/// top word (one [`div_2by1`]) is the true quotient or one above it after undoing the
/// normalisation and stepping one down; a single comparison of the remainder settles it
/// (Hacker's Delight, `divlu` for a double-word divisor).
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn div_wide_digits(n: u128, d: u128) -> u64 {
    let s = ((d >> 64) as u64).leading_zeros();
    let top = ((d << s) >> 64) as u64;
    let half = n >> 1;
    // half < 2¹²⁷ and top ≥ 2⁶³: the high word is below the divisor.
    let q = div_2by1((half >> 64) as u64, half as u64, top).0;
    let mut q = (((q as u128) << s) >> 63) as u64;
    q = q.saturating_sub(1);
    // q ≤ the quotient < 2⁶⁴, so q·d ≤ n: the remainder needs no wide product's high bits.
    let (dl, dh) = (d as u64, (d >> 64) as u64);
    let qd = mul_64(q, dl).wrapping_add(mul_64(q, dh) << 64);
    if n - qd >= d {
        q += 1;
    }
    q
}

/// `a·b` in full. Natively one widening multiply. wasm has no 64×64→128 product, and a u128
/// product there is a call to the library's 128×128 routine; this takes the four 32×32→64
/// partial products inline instead (same result).
#[inline(always)]
pub fn mul_64(a: u64, b: u64) -> u128 {
    #[cfg(target_arch = "wasm32")]
    return mul_halves(a, b);
    #[cfg(not(target_arch = "wasm32"))]
    return a as u128 * b as u128;
}

/// [`mul_64`] from 32-bit halves: `a·b = a₁b₁·2⁶⁴ + (a₁b₀ + a₀b₁)·2³² + a₀b₀`.
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
#[inline(always)]
fn mul_halves(a: u64, b: u64) -> u128 {
    const M: u64 = 0xffff_ffff;
    let (a1, a0, b1, b0) = (a >> 32, a & M, b >> 32, b & M);
    let (p00, p01, p10) = (a0 * b0, a0 * b1, a1 * b0);
    // Below 3·2³²: the carries into the high word.
    let mid = (p00 >> 32) + (p01 & M) + (p10 & M);
    let lo = mid << 32 | (p00 & M);
    let hi = a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    (hi as u128) << 64 | lo as u128
}

/// `(⌊n / d⌋, n mod d)` for a u128 by a nonzero u64. Native targets take the library's
/// division (on x86-64 one 128/64 `div` per half). wasm has no wide division: there the
/// library's generic u128 routine calls 128-bit multiplies and shifts, and this runs
/// `div_digits` on 64-bit integers instead (same results; about a sixth of the world
/// bench's time in wasm went to the library's routine).
#[inline]
pub fn div_rem_by_u64(n: u128, d: u64) -> (u128, u64) {
    debug_assert!(d != 0);
    #[cfg(target_arch = "wasm32")]
    return div_digits(n, d);
    #[cfg(not(target_arch = "wasm32"))]
    return (n / d as u128, (n % d as u128) as u64);
}

/// [`div_rem_by_u64`] with 64-bit arithmetic only: the high word by `d`, then the remainder
/// and the low word by `d` with [`div_2by1`].
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn div_digits(n: u128, d: u64) -> (u128, u64) {
    let (n1, n0) = ((n >> 64) as u64, n as u64);
    let q1 = n1 / d;
    let (q0, r) = div_2by1(n1 - q1 * d, n0, d);
    (((q1 as u128) << 64) | q0 as u128, r)
}

/// `(u1·2⁶⁴ + u0) / v` and its remainder, for `u1 < v` (so the quotient fits in 64 bits):
/// long division in two 32-bit digits with a normalised divisor (Knuth's algorithm D, as
/// `divlu` in Hacker's Delight). Each digit is estimated from the divisor's top half and
/// corrected at most twice.
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn div_2by1(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    const B: u64 = 1 << 32;
    debug_assert!(u1 < v);
    if u1 == 0 {
        return (u0 / v, u0 % v);
    }
    let s = v.leading_zeros();
    let v = v << s;
    let (vn1, vn0) = (v >> 32, v & (B - 1));
    // u1 < v, so shifting by s loses no bit of the dividend.
    let un32 = if s == 0 {
        u1
    } else {
        (u1 << s) | (u0 >> (64 - s))
    };
    let un10 = u0 << s;
    let (un1, un0) = (un10 >> 32, un10 & (B - 1));
    // One quotient digit of (un·2³² + low) / v, estimated from the divisor's top half.
    #[inline(always)]
    fn digit(un: u64, low: u64, v: u64, vn1: u64, vn0: u64) -> (u64, u64) {
        let mut q = un / vn1;
        let mut rhat = un - q * vn1;
        while q >= B || q * vn0 > (rhat << 32 | low) {
            q -= 1;
            rhat += vn1;
            if rhat >= B {
                break;
            }
        }
        // The partial remainder fits in 64 bits; the wrapping arithmetic drops only the
        // product's bits above it.
        (q, (un << 32 | low).wrapping_sub(q.wrapping_mul(v)))
    }
    let (q1, un21) = digit(un32, un1, v, vn1, vn0);
    let (q0, r) = digit(un21, un0, v, vn1, vn0);
    (q1 << 32 | q0, r >> s)
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
    U64F64::from_bits(div_rem_by_u64((a as u128) << 64, b.max(1)).0)
}

/// `x.saturating_mul(y)` in U64F64: `⌊x·y / 2⁶⁴⌋` (bits), saturated. When both bits are
/// below 2⁶⁴ (values below 1) their product is one native 64×64→128 product; otherwise the
/// library's wide product.
#[inline]
pub fn mul_u64f64(x: U64F64, y: U64F64) -> U64F64 {
    let (a, b) = (x.to_bits(), y.to_bits());
    if (a | b) >> 64 == 0 {
        U64F64::from_bits(mul_64(a as u64, b as u64) >> 64)
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
        U96F32::from_bits(mul_64(a as u64, b as u64) >> 32)
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
        fn half_products_match_the_native_one(a in bits(), b in bits()) {
            for (x, y) in [(a as u64, b as u64), ((a >> 64) as u64, (b >> 64) as u64), (u64::MAX, b as u64)] {
                prop_assert_eq!(mul_halves(x, y), x as u128 * y as u128);
            }
        }

        #[test]
        fn digit_division_matches_the_native_one(n in bits(), d in bits(), s in 0u32..64) {
            for d in [d as u64, (d >> 64) as u64, (d as u64) >> s, u64::MAX >> s, 1 << s] {
                if d != 0 {
                    prop_assert_eq!(div_digits(n, d), (n / d as u128, (n % d as u128) as u64));
                }
            }
            for w in [d, d | 1 << 64, d | 1 << 127, d >> s | 1 << 64, u128::MAX >> s] {
                if w >> 64 != 0 {
                    prop_assert_eq!(div_wide_digits(n, w) as u128, n / w);
                }
            }
        }

        #[test]
        fn integer_ratio_matches_the_library(a in any::<u64>(), b in 1u64..) {
            prop_assert_eq!(ratio_u64f64(a, b), U64F64::from_num(a) / U64F64::from_num(b));
        }
    }

    /// The digit estimate's correction steps: dividends just below multiples of the divisor,
    /// divisors whose top half is small against their bottom half, and the extremes.
    #[test]
    fn digit_division_edges() {
        let ds = [
            1u64,
            2,
            3,
            (1 << 32) - 1,
            1 << 32,
            (1 << 32) + 1,
            1 << 63,
            (1 << 63) + 1,
            u64::MAX,
            u64::MAX - 1,
            0x8000_0000_ffff_ffff,
            0x1_0000_ffff_ffff,
            0xffff_ffff_0000_0001,
        ];
        for &d in &ds {
            for k in [
                0u128,
                1,
                2,
                1 << 64,
                u64::MAX as u128,
                u128::MAX / d as u128,
            ] {
                let m = k.wrapping_mul(d as u128);
                for n in [
                    m,
                    m.wrapping_sub(1),
                    m.wrapping_add(1),
                    u128::MAX,
                    u128::MAX - d as u128,
                ] {
                    assert_eq!(
                        div_digits(n, d),
                        (n / d as u128, (n % d as u128) as u64),
                        "{n} / {d}"
                    );
                    for w in [
                        (d as u128) << 64,
                        (d as u128) << 64 | u64::MAX as u128,
                        (d as u128) << 32 | 1 << 64,
                    ] {
                        assert_eq!(div_wide_digits(n, w) as u128, n / w, "{n} / {w}");
                    }
                }
            }
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
