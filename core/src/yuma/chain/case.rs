//! A float [`Case`] run through the chain epoch, stored the way the chain would store it.
//!
//! How the case becomes chain state (every epoch):
//! * UIDs `0..V` are the validators (rows), `V..V+N` the servers (columns).
//! * Stake: validator i holds `floor(s_i / Σ s · 10¹⁸)` rao (computed in f64; servers hold 0);
//!   10¹⁸ rao (10⁹ TAO) keeps every share far above the rao grain and below `i64::MAX`.
//! * Weights: row i is scaled by its maximum (in f64), read into I32F32 and stored with
//!   `vec_max_upscale_to_u16` over all N servers, explicit zeros kept, as `set_weights` does.
//! * Parameters: κ, bond penalty and the alpha bounds as `floor(x · 65535)`; the bonds moving
//!   average as `round(x · 10⁶)`; the sigmoid steepness as `round(x · 100)` (the chain divides
//!   by −100); `yuma3Enabled` picks Yuma3 or classic bonds; liquid alpha as given.
//! * Time: tempo 360, epoch e at block `1000 + 360·e`, every UID active (last update = the
//!   epoch block), every UID registered at block 0, the epochs run in the coinbase
//!   (`LastMechansimStepBlock` carried). Validators start with permits
//!   (`maxAllowedValidators = V`), as on a subnet already running.
//! * `resetBondsColumn c` deletes bond column `V + c` before the epoch (`do_reset_bonds`).
//!
//! Outputs are proportions: u16 terms / 65535 and I32F32 values as f64. `dividends` is
//! `D̂ = D/(ΣD + 10⁻⁶)` and `dividendPer1000Tao`/`relativeDividends` follow the research
//! variants' definitions (with the raw case stake).

use super::epoch::{clip, epoch_with, Workspace};
use super::input::ChainInput;
use super::output::ChainOutput;
use super::state::ChainState;
use crate::error::{Error, Result};
use crate::math::fixed::convert::{to_f64, vec_max_upscale_to_u16_into};
use crate::math::fixed::I32F32;
use crate::math::Dense;
use crate::units::{f64_to_u16_floor, u16_to_f64};
use crate::yuma::case::{Alpha, Case, EpochOutput};
use crate::yuma::params::Params;
use alloc::vec;
use alloc::vec::Vec;

/// Total rao the case's validator stakes are scaled to.
pub const CASE_TOTAL_STAKE_RAO: f64 = 1e18;
/// Rao emitted per epoch in a case.
pub const CASE_RAO_EMISSION: u64 = 1_000_000_000;
const TEMPO: u64 = 360;
const FIRST_BLOCK: u64 = 1000;

/// Chain parameters from the float [`Params`] (see the module docs).
pub fn chain_params(p: &Params, input: &mut ChainInput) {
    input.kappa = f64_to_u16_floor(p.kappa);
    input.bonds_penalty = f64_to_u16_floor(p.bond_penalty);
    input.bonds_moving_average = libm::round(p.bond_moving_average * 1e6).clamp(0.0, 1e6) as u64;
    input.liquid_alpha_enabled = p.liquid_alpha;
    input.alpha_low = f64_to_u16_floor(p.alpha_low);
    input.alpha_high = f64_to_u16_floor(p.alpha_high);
    input.alpha_sigmoid_steepness = libm::round(p.alpha_sigmoid_steepness * 100.0)
        .clamp(i16::MIN as f64, i16::MAX as f64) as i16;
    input.yuma3_enabled = p.yuma3_enabled;
}

/// Runs a float case through the chain epoch (case stored as the chain would store it),
/// calling `progress(done, total)` after each epoch; `false` cancels with an error.
pub fn run_case_epochs(
    case: &Case,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<EpochOutput>> {
    case.validate()?;
    let (v, s) = case.shape();
    let n = v + s;
    if n > crate::limits::MAX_UIDS {
        return Err(Error::too_large(
            "epochs[0].weights (validators + servers)",
            n,
            crate::limits::MAX_UIDS,
        ));
    }
    let mut input = ChainInput::new(n, FIRST_BLOCK, CASE_RAO_EMISSION);
    input.tempo = TEMPO;
    input.max_allowed_validators = v.min(u16::MAX as usize) as u16;
    chain_params(&case.params, &mut input);
    let mut state = ChainState::from_input(&input);
    for p in state.validator_permit.iter_mut().take(v) {
        *p = true;
    }
    let mut ws = Workspace::default();
    let mut out = ChainOutput::default();
    let mut fixed_row: Vec<I32F32> = Vec::with_capacity(s);
    let mut u16_row: Vec<u16> = vec![0; s];
    let total = case.epochs.len();
    let mut results = Vec::with_capacity(total);
    for (e, ep) in case.epochs.iter().enumerate() {
        let block = FIRST_BLOCK + TEMPO * e as u64;
        // Stake in rao.
        let ssum: f64 = ep.stakes.iter().sum();
        let stake = input.stake.get_or_insert_with(Vec::new);
        stake.clear();
        stake.extend(ep.stakes.iter().map(|&x| {
            if ssum > 0.0 {
                crate::math::exact::floor(x / ssum * CASE_TOTAL_STAKE_RAO) as u64
            } else {
                0
            }
        }));
        stake.resize(n, 0);
        // Weights as set_weights stores them.
        for (i, row) in ep.weights.iter().enumerate() {
            let m = row.iter().copied().fold(0.0f64, f64::max);
            fixed_row.clear();
            fixed_row.extend(row.iter().map(|&w| {
                if m > 0.0 {
                    I32F32::saturating_from_num(w / m)
                } else {
                    I32F32::from_bits(0)
                }
            }));
            vec_max_upscale_to_u16_into(&fixed_row, &mut u16_row);
            let stored = &mut state.weights[i];
            stored.clear();
            stored.extend(
                u16_row
                    .iter()
                    .enumerate()
                    .map(|(j, &w)| ((v + j) as u16, w)),
            );
        }
        for lu in state.last_update.iter_mut() {
            *lu = block;
        }
        if let Some(c) = ep.reset_bonds_column {
            state.reset_bonds_column((v + c) as u16);
        }
        input.block = block;
        state.fill_input(&mut input);
        epoch_with(&input, &mut ws, &mut out);
        state.apply(&out, block, true);
        results.push(report(
            v,
            s,
            &ep.stakes,
            &ws,
            &out,
            input.yuma3_enabled && input.liquid_alpha_enabled,
        ));
        if !progress(e + 1, total) {
            return Err(Error::invalid("run", "cancelled"));
        }
    }
    Ok(results)
}

fn report(
    v: usize,
    s: usize,
    raw_stakes: &[f64],
    ws: &Workspace,
    out: &ChainOutput,
    liquid: bool,
) -> EpochOutput {
    let mut weights = Dense::zeros(v, s);
    let mut clipped = Dense::zeros(v, s);
    for i in 0..v {
        let (a, b) = (ws.weights.ptr[i], ws.weights.ptr[i + 1]);
        for k in a..b {
            let j = ws.weights.col[k] as usize;
            if j >= v {
                weights.data[i * s + j - v] = to_f64(ws.weights.val[k]);
                let (dropped, c) = clip(ws.weights.val[k], ws.consensus[j]);
                clipped.data[i * s + j - v] = if dropped { 0.0 } else { to_f64(c) };
            }
        }
    }
    let mut bonds = Dense::zeros(v, s);
    for (i, row) in out.bonds.iter().take(v).enumerate() {
        for &(j, b) in row {
            if (j as usize) >= v {
                bonds.data[i * s + j as usize - v] = u16_to_f64(b);
            }
        }
    }
    let alpha = if liquid && !ws.alphas.is_empty() {
        let mut m = Dense::zeros(v, s);
        for &(i, j, a) in &ws.alphas {
            let (i, j) = (i as usize, j as usize);
            if i < v && j >= v {
                m.data[i * s + j - v] = to_f64(a);
            }
        }
        Alpha::Matrix(m)
    } else {
        Alpha::Scalar(to_f64(ws.alpha))
    };
    let dividends_raw: Vec<f64> = ws.dividends.iter().take(v).map(|d| to_f64(*d)).collect();
    let dsum: f64 = dividends_raw.iter().sum();
    let dividends: Vec<f64> = dividends_raw.iter().map(|d| d / (dsum + 1e-6)).collect();
    let stake: Vec<f64> = ws.stake.iter().take(v).map(|x| to_f64(*x)).collect();
    let mut per_1000 = Vec::new();
    crate::yuma::research::per_1000_tao(raw_stakes, &dividends, &mut per_1000);
    EpochOutput {
        relative_dividends: dividends.iter().zip(&stake).map(|(d, s)| d - s).collect(),
        weights,
        stake,
        consensus: ws.consensus[v..].iter().map(|x| to_f64(*x)).collect(),
        clipped_weights: clipped,
        incentive: ws.incentive[v..].iter().map(|x| to_f64(*x)).collect(),
        validator_trust: ws
            .validator_trust
            .iter()
            .take(v)
            .map(|x| to_f64(*x))
            .collect(),
        bonds,
        dividends_raw,
        dividends,
        dividend_per_1000_tao: per_1000,
        alpha,
        ..EpochOutput::default()
    }
}
