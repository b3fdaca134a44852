//! Differential test: the chain epoch (fixed point, u16 storage) and its f64 model
//! (`taolab::yuma::chain::float`, the same definition in real arithmetic) agree on random
//! subnets within a stated tolerance:
//! * u16 terms (stake weight, consensus, incentive, dividends, validator trust, stored bonds):
//!   within 2/65535 of `floor(x·65535)` of the float value;
//! * emissions: within `E·2⁻²⁴ + 2` rao of the float value, plus `E·(v + 4)·2⁻³² / (0.4·ΣC)`
//!   for truncation errors that the incentive's normalisation magnifies when the consensus is
//!   small (`chain_float.proptest-regressions` keeps a subnet where ΣC ≈ 0.01).
//!
//! The definitions differ only in rounding (I32F32 truncates to 2⁻³² at every step and the
//! liquid-alpha exp is a truncated series), see the `float` module docs; a consensus whose
//! cumulative stake lands within rounding of κ could flip, which random stakes do not hit.

use proptest::prelude::*;
use taolab::yuma::chain::epoch;
use taolab::yuma::chain::float::epoch_f64;
use taolab::yuma::chain::random::{random_input, RandomShape};

fn close_u16(what: &str, chain: &[u16], float: &[f64]) -> Result<(), TestCaseError> {
    for (i, (&c, &f)) in chain.iter().zip(float).enumerate() {
        let want = (f * 65535.0).floor();
        prop_assert!(
            (c as f64 - want).abs() <= 2.0,
            "{what}[{i}]: chain {c}, float {f} ({want})"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn chain_epoch_agrees_with_its_f64_model(
        seed in any::<u64>(), n in 2usize..80, v in 1usize..20, per_row in 1usize..80,
        yuma3 in any::<bool>(), liquid in any::<bool>(), penalty in prop_oneof![Just(0u16), Just(65535u16), any::<u16>()],
        bma in prop_oneof![Just(900_000u64), Just(975_000u64), 0u64..=1_000_000],
    ) {
        let mut input = random_input(RandomShape { n, validators: v, per_row, wild: false }, seed);
        input.yuma3_enabled = yuma3;
        input.liquid_alpha_enabled = liquid;
        input.bonds_penalty = penalty;
        input.bonds_moving_average = bma;
        let c = epoch(&input).unwrap();
        let f = epoch_f64(&input);
        close_u16("stakeWeight", &c.stake_weight, &f.stake_weight)?;
        close_u16("consensus", &c.consensus, &f.consensus)?;
        close_u16("incentive", &c.incentive, &f.incentive)?;
        close_u16("dividends", &c.dividends, &f.dividends)?;
        close_u16("validatorTrust", &c.validator_trust, &f.validator_trust)?;
        // Each I32F32 step truncates by up to 2⁻³², about v + 4 steps per sum, and the emission
        // divides by the raw incentive sum: its error grows as that sum shrinks. With κ = ½,
        // half the stake weights each column at or above its consensus, so the raw incentive is
        // at least about 0.4·Σ_j C_j.
        let e = input.rao_emission as f64;
        let sum_c: f64 = f.consensus.iter().sum::<f64>().max(1e-9);
        let tol = e / (1u64 << 24) as f64 + 2.0 + e * (v + 4) as f64 / 2f64.powi(32) / (0.4 * sum_c);
        for i in 0..n {
            prop_assert!((c.server_emission[i] as f64 - f.server_emission[i]).abs() <= tol, "serverEmission[{i}]");
            prop_assert!((c.validator_emission[i] as f64 - f.validator_emission[i]).abs() <= tol, "validatorEmission[{i}]");
            let fb = &f.bonds[i];
            prop_assert_eq!(c.bonds[i].len(), fb.len(), "bonds[{}] entries", i);
            for (k, (&(j, b), &(fj, fv))) in c.bonds[i].iter().zip(fb).enumerate() {
                prop_assert_eq!(j, fj);
                // Classic storage divides B' by its column maximum m_j, after a first column
                // normalisation by the raw ΔB sum s_j: truncation errors (2⁻³² a step) grow by
                // 1/s_j and then 1/m_j.
                let tol_b = match f.bond_scales.get(j as usize) {
                    Some(&(sj, mj)) if mj > 0.0 => {
                        2.0 + 65535.0 * (v + 4) as f64 / 2f64.powi(32) * (1.0 / sj.max(1e-12) + 1.0) / mj
                    }
                    _ => 2.0,
                };
                prop_assert!((b as f64 - (fv * 65535.0).floor()).abs() <= tol_b, "bonds[{i}][{k}]: chain {b}, float {fv} (tolerance {tol_b})");
            }
        }
    }
}
