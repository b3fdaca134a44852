//! The float operations that IEEE 754 defines exactly: the correctly rounded square root and
//! the roundings to an integer. Every implementation gives the same bits, so a build may take
//! the fastest one. With `std` these are the inherent methods, which compile to one
//! instruction where the target has it (wasm's `f64.sqrt`, `f64.trunc`, `f64.floor`,
//! `f64.ceil`; x86's `sqrtsd`); without `std`, libm's software versions. The transcendental
//! functions (exp, log, pow, cos) stay on libm everywhere: platform libraries differ in the
//! last bit, and native and wasm results must agree.

/// `√x`, correctly rounded.
#[inline]
pub fn sqrt(x: f64) -> f64 {
    #[cfg(feature = "std")]
    return x.sqrt();
    #[cfg(not(feature = "std"))]
    return libm::sqrt(x);
}

/// `x` rounded toward zero.
#[inline]
pub fn trunc(x: f64) -> f64 {
    #[cfg(feature = "std")]
    return x.trunc();
    #[cfg(not(feature = "std"))]
    return libm::trunc(x);
}

/// The largest integer ≤ `x`.
#[inline]
pub fn floor(x: f64) -> f64 {
    #[cfg(feature = "std")]
    return x.floor();
    #[cfg(not(feature = "std"))]
    return libm::floor(x);
}

/// The smallest integer ≥ `x`.
#[inline]
pub fn ceil(x: f64) -> f64 {
    #[cfg(feature = "std")]
    return x.ceil();
    #[cfg(not(feature = "std"))]
    return libm::ceil(x);
}

/// `f64::max` by one rule on every target, libm's `fmax`: `y` where `x` is NaN or `x < y`,
/// else `x` (so of two equal zeros, `x`). x86 lowers `f64::max` to exactly this; wasm's
/// `f64.max` treats NaN and zeros otherwise, so there `f64::max` is a call to libm's `fmax`
/// (an eighth of a 256 × 4096 epoch's time in wasm); this is a compare and a select.
#[inline(always)]
pub fn max(x: f64, y: f64) -> f64 {
    if x.is_nan() || x < y {
        y
    } else {
        x
    }
}

/// `f64::min` by libm's `fmin` rule on every target: `x` where `y` is NaN or `x < y`, else
/// `y` (see [`max`]).
#[inline(always)]
pub fn min(x: f64, y: f64) -> f64 {
    if y.is_nan() || x < y {
        x
    } else {
        y
    }
}

#[cfg(test)]
mod tests {
    /// The std road and libm agree to the bit, on ordinary values and the edges (±0, halves,
    /// the first non-integers, subnormals, huge values, infinities); NaN stays NaN.
    #[test]
    fn agrees_with_libm_to_the_bit() {
        let mut xs = alloc::vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            4503599627370495.5,
            -4503599627370495.5,
            9007199254740993.0,
            1e300,
            -1e300,
            5e-324,
            -5e-324,
            2.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            xs.push(f64::from_bits(x));
        }
        for &v in &xs {
            let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
            assert!(same(super::trunc(v), libm::trunc(v)), "trunc {v:e}");
            assert!(same(super::floor(v), libm::floor(v)), "floor {v:e}");
            assert!(same(super::ceil(v), libm::ceil(v)), "ceil {v:e}");
            assert!(same(super::sqrt(v), libm::sqrt(v)), "sqrt {v:e}");
            for &w in &[0.0, -0.0, 1.0, -1.0, f64::NAN, f64::INFINITY, v, -v] {
                assert!(same(super::max(v, w), libm::fmax(v, w)), "max {v:e} {w:e}");
                assert!(same(super::max(w, v), libm::fmax(w, v)), "max {w:e} {v:e}");
                assert!(same(super::min(v, w), libm::fmin(v, w)), "min {v:e} {w:e}");
                assert!(same(super::min(w, v), libm::fmin(w, v)), "min {w:e} {v:e}");
            }
        }
    }
}
