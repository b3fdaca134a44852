//! The world's per-tempo epoch: glue between a subnet's state and the crate's epochs, one per
//! arithmetic.
//!
//! * **chain** — [`crate::yuma::chain::epoch_with`], bit-identical to subtensor: the subnet's
//!   storage ([`ChainState`]: stored u16 weight rows, stored bonds, permits, `LastUpdate`,
//!   `BlockAtRegistration`, `LastMechansimStepBlock`) plus its stake in rao and its
//!   hyperparameters form a [`ChainInput`] with `raoEmission` = the drained `S + V + R`
//!   (spec §8.2); the new bonds and permits are stored back as the chain does.
//! * **float** — [`crate::yuma::research::epoch_lean`] (Yuma 3 by default, or the variant
//!   the scenario names) over the validators' rows × every uid, with the previous epoch's
//!   output carried as its state (the incentive and dividends are [`research::epoch`]'s).
//!
//! Neither allocates once its buffers have grown (apart from reshaping the float state when
//! a subnet's uids or validators change).

use super::scenario::Hyperparams;
use crate::math::fixed::convert::vec_u16_max_upscale_to_u16;
use crate::math::fixed::topk::topk_into;
use crate::math::Dense;
use crate::yuma::chain::epoch::epoch_with;
use crate::yuma::chain::{ChainInput, ChainOutput, ChainState, Workspace};
use crate::yuma::research;
use crate::yuma::{EpochOutput, Variant};
use alloc::vec::Vec;

/// One validator's weight row as its behaviour sets it: target uids and u16 weights
/// (max-upscaled, ascending uid).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeightRow {
    /// Setter uid.
    pub uid: u16,
    /// (target uid, u16 weight), ascending uid.
    pub entries: Vec<(u16, u16)>,
    /// Block the weights were last set.
    pub set_at: u64,
}

/// The float epoch's state of one subnet: the previous output (bonds, weights, consensus)
/// and the shape it was computed for (validator rows × uids).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FloatState {
    /// The previous epoch's output.
    pub prev: EpochOutput,
    /// Whether `prev` holds an epoch.
    pub has_prev: bool,
    /// Validator uid of each row of `prev`.
    pub rows: Vec<u16>,
    /// Columns (uids) of `prev`.
    pub n: usize,
}

impl FloatState {
    /// UID `uid` was replaced: its bond column (and previous weights to it) are zeroed.
    pub fn prune(&mut self, uid: usize) {
        if !self.has_prev || uid >= self.n {
            return;
        }
        for m in [&mut self.prev.bonds, &mut self.prev.weights] {
            if m.cols == self.n {
                for i in 0..m.rows {
                    m.set(i, uid, 0.0);
                }
            }
        }
    }

    /// Carries `prev` over to a new shape: rows matched by validator uid, columns by uid,
    /// new entries zero.
    fn reshape(&mut self, rows: &[u16], n: usize) {
        if self.has_prev {
            let (v, on) = (rows.len(), self.n);
            let remap = |m: &Dense, old_rows: &[u16]| -> Dense {
                let mut d = Dense::zeros(v, n);
                if m.cols != on || m.rows != old_rows.len() {
                    return d;
                }
                for (k, u) in rows.iter().enumerate() {
                    if let Some(ok) = old_rows.iter().position(|x| x == u) {
                        let c = on.min(n);
                        d.row_mut(k)[..c].copy_from_slice(&m.row(ok)[..c]);
                    }
                }
                d
            };
            self.prev.bonds = remap(&self.prev.bonds, &self.rows);
            self.prev.weights = remap(&self.prev.weights, &self.rows);
            self.prev.consensus.resize(n, 0.0);
        }
        self.rows.clear();
        self.rows.extend_from_slice(rows);
        self.n = n;
    }
}

/// A subnet's chain storage at the start of a world: no weights or bonds yet, permits for
/// the top-`max_validators` non-zero stakes (ties to the higher uid, as `is_topk_nonzero`),
/// `BlockAtRegistration` as given.
pub fn initial_chain_state(
    stake: &[u64],
    registered_at: &[u64],
    max_validators: u16,
) -> ChainState {
    let n = stake.len();
    let mut permit: Vec<bool> = stake.iter().map(|&s| s > 0).collect();
    let k = max_validators as usize;
    if n >= k {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by_key(|&i| stake[i]);
        for &i in idx.iter().take(n - k) {
            permit[i] = false;
        }
    }
    ChainState {
        weights: alloc::vec![Vec::new(); n],
        bonds: alloc::vec![Vec::new(); n],
        validator_permit: permit,
        last_update: alloc::vec![0; n],
        block_at_registration: registered_at.to_vec(),
        last_mechanism_step_block: 0,
    }
}

/// A key registered on `uid` at `block` (the next free uid appends one).
pub fn chain_register(state: &mut ChainState, uid: usize, block: u64) {
    if uid >= state.weights.len() {
        state.weights.push(Vec::new());
        state.bonds.push(Vec::new());
        state.validator_permit.push(false);
        state.last_update.push(block);
        state.block_at_registration.push(block);
    } else {
        state.register(uid, block);
    }
}

/// Scratch shared by every subnet's epochs.
#[derive(Debug, Clone)]
pub struct EpochWorkspace {
    chain_in: ChainInput,
    chain_ws: Workspace,
    /// The last chain epoch's output (its `bonds` have been moved into the subnet's storage).
    pub chain_out: ChainOutput,
    research_ws: research::Workspace,
    research_out: EpochOutput,
    weights: Dense,
    stakes: Vec<f64>,
    order: Vec<u32>,
    permit: Vec<bool>,
    row_uids: Vec<u16>,
    /// Float: incentive per uid (sums to 1 or 0).
    pub incentive: Vec<f64>,
    /// Float: dividends per uid (sums to 1 or 0).
    pub dividends: Vec<f64>,
}

impl Default for EpochWorkspace {
    fn default() -> Self {
        EpochWorkspace {
            chain_in: ChainInput::new(0, 0, 0),
            chain_ws: Workspace::default(),
            chain_out: ChainOutput::default(),
            research_ws: research::Workspace::default(),
            research_out: EpochOutput::default(),
            weights: Dense::default(),
            stakes: Vec::new(),
            order: Vec::new(),
            permit: Vec::new(),
            row_uids: Vec::new(),
            incentive: Vec::new(),
            dividends: Vec::new(),
        }
    }
}

/// What a chain epoch reads of a subnet besides its storage.
pub struct ChainSubnet<'a> {
    /// Alpha stake per uid, rao.
    pub stake: &'a [u64],
    /// The validators' rows, set (`set_weights`) at the epoch's block.
    pub rows: &'a [WeightRow],
    /// Hyperparameters.
    pub hyper: &'a Hyperparams,
    /// `Tempo`.
    pub tempo: u16,
    /// `MaxAllowedValidators`.
    pub max_validators: u16,
    /// UID of the owner's hotkey.
    pub owner_uid: Option<u16>,
}

/// Runs the chain epoch of one subnet at `block` with `rao_emission` and stores its bonds
/// and permits (`LastMechansimStepBlock = block`); the output is in `ws.chain_out`.
pub fn run_chain(
    sub: &ChainSubnet<'_>,
    state: &mut ChainState,
    block: u64,
    rao_emission: u64,
    ws: &mut EpochWorkspace,
) {
    let n = sub.stake.len();
    // Every validator re-sets its weights this tempo (`set_weights`: max-upscaled, stored).
    for r in sub.rows {
        let u = r.uid as usize;
        if u >= n || u >= state.weights.len() {
            continue;
        }
        let w = &mut state.weights[u];
        w.clear();
        w.extend(r.entries.iter().copied().filter(|e| (e.0 as usize) < n));
        let m = w.iter().map(|e| e.1).max().unwrap_or(0);
        if m != 0 && m != u16::MAX {
            let vals: Vec<u16> = w.iter().map(|e| e.1).collect();
            for (e, v) in w.iter_mut().zip(vec_u16_max_upscale_to_u16(&vals)) {
                e.1 = v;
            }
        }
        state.last_update[u] = block;
    }
    let h = sub.hyper;
    let inp = &mut ws.chain_in;
    inp.n = n;
    inp.block = block;
    inp.tempo = sub.tempo as u64;
    inp.activity_cutoff = h.activity_cutoff;
    match &mut inp.stake {
        Some(v) => {
            v.clear();
            v.extend_from_slice(sub.stake);
        }
        None => inp.stake = Some(sub.stake.to_vec()),
    }
    inp.alpha_stake = None;
    inp.tao_stake = None;
    inp.tao_weight = None;
    inp.kappa = h.kappa;
    inp.bonds_penalty = h.bonds_penalty;
    inp.bonds_moving_average = h.bonds_moving_average;
    inp.liquid_alpha_enabled = h.liquid_alpha;
    inp.alpha_low = h.alpha_low;
    inp.alpha_high = h.alpha_high;
    inp.alpha_sigmoid_steepness = h.alpha_sigmoid_steepness;
    inp.yuma3_enabled = h.yuma3;
    inp.max_allowed_validators = sub.max_validators;
    inp.stake_threshold = 0;
    inp.owner_uid = sub.owner_uid.filter(|&o| (o as usize) < n);
    inp.commit_blocks = None;
    inp.rao_emission = rao_emission;
    // `state.fill_input(inp)`, then `state.apply(out, block, true)`, with the storage moved
    // into the input and back rather than copied.
    swap_storage(state, inp);
    inp.last_mechanism_step_block = state.last_mechanism_step_block;
    debug_assert!(inp.validate().is_ok(), "{:?}", inp.validate());
    epoch_with(inp, &mut ws.chain_ws, &mut ws.chain_out);
    swap_storage(state, inp);
    let out = &mut ws.chain_out;
    state.validator_permit.clone_from(&out.validator_permit);
    core::mem::swap(&mut state.bonds, &mut out.bonds);
    state.last_mechanism_step_block = block;
}

/// Exchanges the stored vectors of `state` and `inp` (weights, bonds, permits, `LastUpdate`,
/// `BlockAtRegistration`).
fn swap_storage(state: &mut ChainState, inp: &mut ChainInput) {
    core::mem::swap(&mut state.weights, &mut inp.weights);
    core::mem::swap(&mut state.bonds, &mut inp.bonds);
    core::mem::swap(&mut state.validator_permit, &mut inp.validator_permit);
    core::mem::swap(&mut state.last_update, &mut inp.last_update);
    core::mem::swap(
        &mut state.block_at_registration,
        &mut inp.block_at_registration,
    );
}

/// What a float epoch reads of a subnet.
pub struct FloatSubnet<'a> {
    /// Alpha stake per uid, rao.
    pub stake: &'a [u64],
    /// `BlockAtRegistration` per uid.
    pub registered_at: &'a [u64],
    /// The validators' rows.
    pub rows: &'a [WeightRow],
    /// Hyperparameters.
    pub hyper: &'a Hyperparams,
    /// `MaxAllowedValidators`.
    pub max_validators: u16,
}

/// Runs the float research epoch of one subnet: rows are the validators' weight rows (self
/// weights and weights to uids registered since they were set removed), columns every uid,
/// stake the validators' rao stake where they hold a permit (top-`max_validators` non-zero
/// stakes) and 0 otherwise. Results are per uid in `ws.incentive` / `ws.dividends`; with no
/// permitted stake behind any row, dividends follow stake (as the chain's fallback does).
pub fn run_float(
    sub: &FloatSubnet<'_>,
    variant: Option<Variant>,
    state: &mut FloatState,
    ws: &mut EpochWorkspace,
) {
    let n = sub.stake.len();
    let stake = sub.stake;
    ws.incentive.clear();
    ws.incentive.resize(n, 0.0);
    ws.dividends.clear();
    ws.dividends.resize(n, 0.0);
    // Permits: the top-k non-zero stakes (ties to the higher uid), as the chain's
    // `is_topk_nonzero`.
    ws.permit.clear();
    ws.permit.extend(stake.iter().map(|&s| s > 0));
    topk_into(
        stake,
        sub.max_validators as usize,
        &mut ws.permit,
        &mut ws.order,
    );
    let v = sub.rows.iter().filter(|r| (r.uid as usize) < n).count();
    ws.weights.reset(v, n);
    ws.stakes.clear();
    let mut row_uids = core::mem::take(&mut ws.row_uids);
    row_uids.clear();
    // A row set after every uid's registration keeps all its entries (but the self weight).
    let newest = sub.registered_at.iter().copied().max().unwrap_or(0);
    let mut k = 0;
    for r in sub.rows {
        let u = r.uid as usize;
        if u >= n {
            continue;
        }
        row_uids.push(r.uid);
        let row = ws.weights.row_mut(k);
        if r.set_at > newest {
            for &(j, w) in &r.entries {
                if let Some(x) = row.get_mut(j as usize) {
                    *x = w as f64;
                }
            }
            row[u] = 0.0;
        } else {
            for &(j, w) in &r.entries {
                let j = j as usize;
                if j < n && j != u && r.set_at > sub.registered_at[j] {
                    row[j] = w as f64;
                }
            }
        }
        ws.stakes
            .push(if ws.permit[u] { stake[u] as f64 } else { 0.0 });
        k += 1;
    }
    if ws.stakes.iter().sum::<f64>() <= 0.0 {
        let total: f64 = stake.iter().map(|&s| s as f64).sum();
        if total > 0.0 {
            for (d, &s) in ws.dividends.iter_mut().zip(stake) {
                *d = s as f64 / total;
            }
        }
        ws.row_uids = row_uids;
        return;
    }
    if state.rows != row_uids || state.n != n {
        state.reshape(&row_uids, n);
    }
    let variant = variant.unwrap_or_else(|| sub.hyper.research_variant());
    let params = sub.hyper.research_params();
    let prev = if state.has_prev {
        Some(&state.prev)
    } else {
        None
    };
    // Shapes agree by construction and the variant is a research one: this cannot fail.
    if research::epoch_lean(
        variant,
        &params,
        &ws.weights,
        &ws.stakes,
        prev,
        &mut ws.research_out,
        &mut ws.research_ws,
    )
    .is_err()
    {
        ws.row_uids = row_uids;
        return;
    }
    core::mem::swap(&mut state.prev, &mut ws.research_out);
    state.has_prev = true;
    ws.incentive.copy_from_slice(&state.prev.incentive);
    // D̂ = D/(ΣD + 1e-6) only weights the validator pool (spec §8.2): renormalise to 1.
    let d_sum: f64 = state.prev.dividends.iter().sum();
    if d_sum > 0.0 {
        for (&u, &d) in row_uids.iter().zip(&state.prev.dividends) {
            ws.dividends[u as usize] = d / d_sum;
        }
    }
    ws.row_uids = row_uids;
}
