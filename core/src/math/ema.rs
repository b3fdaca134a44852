//! Exponential moving averages (float family).
//!
//! `B_new = α·B_fresh + (1 − α)·B_old`: α is the weight of the *new* value.

/// Scalar-α EMA: `out_i = α·new_i + (1−α)·old_i`.
pub fn ema(new: &[f64], old: &[f64], alpha: f64, out: &mut [f64]) {
    for ((o, &n), &p) in out.iter_mut().zip(new).zip(old) {
        *o = alpha * n + (1.0 - alpha) * p;
    }
}

/// Per-entry EMA: `out_i = α_i·new_i + (1−α_i)·old_i`.
pub fn ema_per_entry(new: &[f64], old: &[f64], alpha: &[f64], out: &mut [f64]) {
    for (((o, &n), &p), &a) in out.iter_mut().zip(new).zip(old).zip(alpha) {
        *o = a * n + (1.0 - a) * p;
    }
}

/// The logistic function σ(x) = 1/(1 + e^(−x)), through libm so that native and wasm agree.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ema_by_hand() {
        let mut out = [0.0; 2];
        ema(&[1.0, 0.0], &[0.0, 1.0], 0.1, &mut out);
        assert_eq!(out, [0.1, 0.9]);
        ema_per_entry(&[1.0, 1.0], &[0.0, 0.0], &[0.25, 0.5], &mut out);
        assert_eq!(out, [0.25, 0.5]);
        assert_eq!(sigmoid(0.0), 0.5);
    }
}
