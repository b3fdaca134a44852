//! A faithful port of subtensor's own epoch design (`epoch_mechanism`, sparse path): every
//! step builds a fresh `Vec<Vec<(u16, I32F32)>>`, rows are densified to `n` columns for
//! interpolation and the EMA, and the weighted median runs the chain's quickselect per
//! column. It is the baseline of the chain benchmark and the reference the fast
//! [`super::epoch()`] is tested against bit for bit. Use [`super::epoch()`] otherwise.

use super::input::ChainInput;
use super::output::ChainOutput;
use crate::math::fixed::convert::{fixed_proportion_to_u16, u16_proportion_to_fixed, u16_to_fixed};
use crate::math::fixed::ema::{mat_ema_alpha_sparse, mat_ema_sparse};
use crate::math::fixed::exp::alpha_sigmoid;
use crate::math::fixed::median::weighted_median_col_sparse;
use crate::math::fixed::normalize::*;
use crate::math::fixed::ops::{safe_div, sum};
use crate::math::fixed::sparse::*;
use crate::math::fixed::topk::is_topk_nonzero;
use crate::math::fixed::{I32F32, I64F64, I96F32, ONE, ZERO};
use alloc::vec;
use alloc::vec::Vec;

/// Runs one epoch the way subtensor's code does (input assumed validated).
pub fn epoch_port(input: &ChainInput) -> ChainOutput {
    let n = input.n;
    let block = input.block;
    let inactive: Vec<bool> = input
        .last_update
        .iter()
        .map(|&u| u.saturating_add(input.activity_cutoff) < block)
        .collect();
    let active: Vec<bool> = inactive.iter().map(|b| !b).collect();
    let bar = &input.block_at_registration;
    let owner = input.owner_uid;

    // Stake.
    let total: Vec<I64F64> = (0..n).map(|i| input.total_stake(i)).collect();
    let mut filtered: Vec<I64F64> = total
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            if owner != Some(i as u16) && s.saturating_to_num::<u64>() < input.stake_threshold {
                I64F64::from_bits(0)
            } else {
                s
            }
        })
        .collect();
    inplace_normalize_64(&mut filtered);
    let stake: Vec<I32F32> = filtered
        .iter()
        .map(|&s| I32F32::saturating_from_num(s))
        .collect();

    // Permits.
    let mut old_permit = input.validator_permit.clone();
    let mut new_permit = is_topk_nonzero(&stake, input.max_allowed_validators as usize);
    if let Some(o) = owner {
        old_permit[o as usize] = true;
        new_permit[o as usize] = true;
    }
    let forbid: Vec<bool> = old_permit.iter().map(|b| !b).collect();

    // Active stake.
    let mut active_stake = stake.clone();
    for (a, (&ina, &f)) in active_stake.iter_mut().zip(inactive.iter().zip(&forbid)) {
        if ina || f {
            *a = ZERO;
        }
    }
    inplace_normalize(&mut active_stake);

    // Weights.
    let mut weights: Vec<Vec<(u16, I32F32)>> = input
        .weights
        .iter()
        .map(|row| row.iter().map(|&(j, w)| (j, u16_to_fixed(w))).collect())
        .collect();
    weights = mask_rows_sparse(&forbid, &weights);
    weights = mask_diag_sparse(&weights, owner);
    weights = vec_mask_sparse_matrix(&weights, &input.last_update, bar, |u, r| u <= r);
    if let Some(cb) = &input.commit_blocks {
        let cb: Vec<u64> = cb.iter().map(|c| c.unwrap_or(u64::MAX)).collect();
        weights = vec_mask_sparse_matrix(&weights, &cb, bar, |c, r| c < r);
    }
    inplace_row_normalize_sparse(&mut weights);

    // Consensus, clipping, trust, incentive.
    let kappa = safe_div(u16_to_fixed(input.kappa), u16_to_fixed(u16::MAX));
    let consensus = weighted_median_col_sparse(&active_stake, &weights, n, kappa);
    let clipped = col_clip_sparse(&weights, &consensus);
    let validator_trust = row_sum_sparse(&clipped);
    let mut incentive = matmul_sparse(&clipped, &active_stake, n);
    inplace_normalize(&mut incentive);
    let beta = safe_div(u16_to_fixed(input.bonds_penalty), u16_to_fixed(u16::MAX));
    let weights_for_bonds = interpolate_sparse(&weights, &clipped, n, beta);

    // Bonds.
    let last_tempo = if input.last_mechanism_step_block == 0 {
        block.saturating_sub(input.tempo)
    } else {
        input.last_mechanism_step_block.saturating_add(1)
    };
    let bma = I64F64::saturating_from_num(input.bonds_moving_average)
        .saturating_div(I64F64::saturating_from_num(1_000_000u64));
    let bma_alpha = ONE.saturating_sub(I32F32::saturating_from_num(bma));
    let mut dividends: Vec<I32F32>;
    let mut ema_bonds: Vec<Vec<(u16, I32F32)>>;
    if input.yuma3_enabled {
        let mut bonds: Vec<Vec<(u16, I32F32)>> = input
            .bonds
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&(j, b)| (j, u16_proportion_to_fixed(b)))
                    .collect()
            })
            .collect();
        bonds = scalar_vec_mask_sparse_matrix(&bonds, last_tempo, bar, |t, r| t <= r);
        ema_bonds = if input.liquid_alpha_enabled && consensus.iter().any(|c| *c != ZERO) {
            let alphas = liquid_alphas(input, &weights_for_bonds, &bonds, &consensus);
            mat_ema_alpha_sparse(&weights_for_bonds, &bonds, &alphas)
        } else {
            mat_ema_sparse(&weights_for_bonds, &bonds, bma_alpha)
        };
        let mut norm = ema_bonds.clone();
        inplace_col_normalize_sparse(&mut norm, n);
        let total_bonds = row_sum_sparse(&mat_vec_mul_sparse(&norm, &incentive));
        dividends = vec_mul(&total_bonds, &active_stake);
        inplace_normalize(&mut dividends);
    } else {
        let mut bonds: Vec<Vec<(u16, I32F32)>> = input
            .bonds
            .iter()
            .map(|row| row.iter().map(|&(j, b)| (j, u16_to_fixed(b))).collect())
            .collect();
        bonds = scalar_vec_mask_sparse_matrix(&bonds, last_tempo, bar, |t, r| t <= r);
        inplace_col_normalize_sparse(&mut bonds, n);
        let mut delta = row_hadamard_sparse(&weights_for_bonds, &active_stake);
        inplace_col_normalize_sparse(&mut delta, n);
        ema_bonds = mat_ema_sparse(&delta, &bonds, bma_alpha);
        inplace_col_normalize_sparse(&mut ema_bonds, n);
        dividends = matmul_transpose_sparse(&ema_bonds, &incentive);
        inplace_normalize(&mut dividends);
        inplace_col_max_upscale_sparse(&mut ema_bonds, n);
    }

    // Emission.
    let combined: Vec<I32F32> = incentive
        .iter()
        .zip(&dividends)
        .map(|(i, d)| i.saturating_add(*d))
        .collect();
    let emission_sum = sum(&combined);
    let mut n_server = incentive.clone();
    let mut n_validator = dividends.clone();
    let mut n_combined = combined.clone();
    inplace_normalize_using_sum(&mut n_server, emission_sum);
    inplace_normalize_using_sum(&mut n_validator, emission_sum);
    inplace_normalize(&mut n_combined);
    if emission_sum == ZERO {
        let src = if sum(&active_stake) == ZERO {
            &stake
        } else {
            &active_stake
        };
        n_validator.clone_from(src);
        n_combined.clone_from(src);
    }
    let rao = I96F32::saturating_from_num(input.rao_emission);
    let to_rao = |v: &[I32F32]| -> Vec<u64> {
        v.iter()
            .map(|x| {
                I96F32::saturating_from_num(*x)
                    .saturating_mul(rao)
                    .saturating_to_num::<u64>()
            })
            .collect()
    };
    let u16s =
        |v: &[I32F32]| -> Vec<u16> { v.iter().map(|x| fixed_proportion_to_u16(*x)).collect() };

    let bonds_out = ema_bonds
        .iter()
        .zip(&new_permit)
        .map(|(row, &p)| {
            if p {
                row.iter()
                    .map(|&(j, v)| (j, fixed_proportion_to_u16(v)))
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    ChainOutput {
        active,
        validator_permit: new_permit,
        stake: total.iter().map(|s| s.saturating_to_num::<u64>()).collect(),
        stake_weight: u16s(&stake),
        consensus: u16s(&consensus),
        incentive: u16s(&incentive),
        dividends: u16s(&dividends),
        validator_trust: u16s(&validator_trust),
        server_emission: to_rao(&n_server),
        validator_emission: to_rao(&n_validator),
        emission: to_rao(&n_combined),
        bonds: bonds_out,
    }
}

/// `compute_liquid_alpha_values_sparse`: a dense α matrix (n × n). Weight and bond are found
/// by walking each row with a peeking cursor per column j (entries with a column < j are
/// skipped, a column = j is read, a larger one stops the walk), exactly as the chain does —
/// which assumes rows sorted by column.
fn liquid_alphas(
    input: &ChainInput,
    w: &[Vec<(u16, I32F32)>],
    b: &[Vec<(u16, I32F32)>],
    c: &[I32F32],
) -> Vec<Vec<I32F32>> {
    let steep = I32F32::saturating_from_num(input.alpha_sigmoid_steepness);
    let lo = u16_proportion_to_fixed(input.alpha_low);
    let hi = u16_proportion_to_fixed(input.alpha_high);
    let mut out = Vec::with_capacity(c.len());
    for (wr, br) in w.iter().zip(b) {
        let mut row = vec![ZERO; c.len()];
        let (mut wi, mut bi) = (0usize, 0usize);
        for (j, (cj, a)) in c.iter().zip(row.iter_mut()).enumerate() {
            let wv = walk(wr, &mut wi, j);
            let bv = walk(br, &mut bi, j);
            *a = alpha_sigmoid(*cj, wv, bv, lo, hi, steep);
        }
        out.push(row);
    }
    out
}

/// The chain's peeking cursor: skip entries with column < j; return the value at j (if the
/// next entry is j) without consuming it.
pub(crate) fn walk(row: &[(u16, I32F32)], pos: &mut usize, j: usize) -> I32F32 {
    while let Some(&(c, v)) = row.get(*pos) {
        if (c as usize) < j {
            *pos += 1;
        } else {
            return if c as usize == j { v } else { ZERO };
        }
    }
    ZERO
}
