//! The world's per-tempo epoch: glue between a subnet's state and the crate's epochs, one per
//! arithmetic.
//!
//! * **chain** — [`crate::yuma::chain::epoch::epoch_with`], bit-identical to subtensor: the subnet's
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
use crate::math::fixed::I32F32;
use crate::math::Dense;
use crate::yuma::chain::epoch::{epoch_with, write_emission_terms, EmissionTerms};
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
        idx.sort_unstable_by_key(|&i| (stake[i], i));
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
    run_chain_ahead(sub, state, block, rao_emission, ws, None);
}

/// An epoch computed ahead of its block (on another thread) from the input the subnet would
/// give at `block` if nothing touched it in between.
#[derive(Debug, Clone)]
pub struct ChainJob {
    /// The subnet.
    pub netuid: u16,
    /// The block the epoch is computed for.
    pub block: u64,
    /// The subnet's touch count when the input was taken.
    pub touches: u64,
    /// Its input (`rao_emission` is a placeholder: the emission is only known at the block).
    pub input: ChainInput,
    /// Its output.
    pub out: ChainOutput,
    /// What its emission split reads (see [`EmissionTerms`]): incentive, dividends, active
    /// and normalised stake.
    pub terms: [Vec<I32F32>; 4],
}

impl Default for ChainJob {
    fn default() -> Self {
        ChainJob {
            netuid: 0,
            block: 0,
            touches: 0,
            input: ChainInput::new(0, 0, 0),
            out: ChainOutput::default(),
            terms: Default::default(),
        }
    }
}

impl ChainJob {
    /// Computes the epoch in `ws` (the computing thread's own, so that it stays in that
    /// core's cache) and keeps what its emission split reads.
    pub fn run(&mut self, ws: &mut Workspace) {
        epoch_with(&self.input, ws, &mut self.out);
        let t = EmissionTerms::of(ws);
        for (d, s) in self
            .terms
            .iter_mut()
            .zip([t.incentive, t.dividends, t.active_stake, t.stake])
        {
            d.clear();
            d.extend_from_slice(s);
        }
    }

    /// The terms kept by [`ChainJob::run`].
    fn emission_terms(&self) -> EmissionTerms<'_> {
        let [incentive, dividends, active_stake, stake] = &self.terms;
        EmissionTerms {
            incentive,
            dividends,
            active_stake,
            stake,
        }
    }
}

/// A weight row as `set_weights` stores `entries` on a subnet of `n` uids: targets below n,
/// max-upscaled.
fn set_row(w: &mut Vec<(u16, u16)>, entries: &[(u16, u16)], n: usize) {
    w.clear();
    // Both maxima in one pass; when every target is below n the row is kept whole and its
    // weight maximum is the stored row's.
    let (top, mut m) = entries
        .iter()
        .fold((0u16, 0u16), |(t, m), e| (t.max(e.0), m.max(e.1)));
    if (top as usize) < n {
        w.extend_from_slice(entries);
    } else {
        w.extend(entries.iter().copied().filter(|e| (e.0 as usize) < n));
        m = w.iter().map(|e| e.1).max().unwrap_or(0);
    }
    if m != 0 && m != u16::MAX {
        let vals: Vec<u16> = w.iter().map(|e| e.1).collect();
        for (e, v) in w.iter_mut().zip(vec_u16_max_upscale_to_u16(&vals)) {
            e.1 = v;
        }
    }
}

/// Every validator re-sets its weights at `block` (`set_weights`: max-upscaled, stored, and
/// `LastUpdate = block`).
fn set_rows(sub: &ChainSubnet<'_>, weights: &mut [Vec<(u16, u16)>], last: &mut [u64], block: u64) {
    let n = sub.stake.len();
    for r in sub.rows {
        let u = r.uid as usize;
        if u >= n || u >= weights.len() {
            continue;
        }
        set_row(&mut weights[u], &r.entries, n);
        last[u] = block;
    }
}

/// The input fields that are not the subnet's storage: stake, block, hyperparameters.
fn fill_params(sub: &ChainSubnet<'_>, block: u64, rao_emission: u64, inp: &mut ChainInput) {
    let n = sub.stake.len();
    let h = sub.hyper;
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
}

/// The input [`run_chain`] would build at `block` (every validator re-setting its weights),
/// written into `inp` without touching `state`.
pub fn chain_input(
    sub: &ChainSubnet<'_>,
    state: &ChainState,
    block: u64,
    rao_emission: u64,
    inp: &mut ChainInput,
) {
    state.fill_input(inp);
    set_rows(sub, &mut inp.weights, &mut inp.last_update, block);
    fill_params(sub, block, rao_emission, inp);
}

/// Whether two u16 rows are equal (branch-free over the entries).
fn same_rows(a: &[Vec<(u16, u16)>], b: &[Vec<(u16, u16)>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .fold(0u16, |d, (p, q)| d | (p.0 ^ q.0) | (p.1 ^ q.1))
                    == 0
        })
}

/// `a == b` for chain inputs, with the weight and bond rows compared branch-free (the
/// derived comparison goes entry by entry). Every field is named, so a new one cannot be
/// forgotten here.
fn same_input(a: &ChainInput, b: &ChainInput) -> bool {
    let ChainInput {
        n,
        block,
        tempo,
        activity_cutoff,
        last_update,
        block_at_registration,
        stake,
        alpha_stake,
        tao_stake,
        tao_weight,
        validator_permit,
        weights,
        bonds,
        kappa,
        bonds_penalty,
        bonds_moving_average,
        liquid_alpha_enabled,
        alpha_low,
        alpha_high,
        alpha_sigmoid_steepness,
        yuma3_enabled,
        max_allowed_validators,
        stake_threshold,
        owner_uid,
        last_mechanism_step_block,
        commit_blocks,
        rao_emission,
    } = a;
    *n == b.n
        && *block == b.block
        && *tempo == b.tempo
        && *activity_cutoff == b.activity_cutoff
        && *tao_weight == b.tao_weight
        && *kappa == b.kappa
        && *bonds_penalty == b.bonds_penalty
        && *bonds_moving_average == b.bonds_moving_average
        && *liquid_alpha_enabled == b.liquid_alpha_enabled
        && *alpha_low == b.alpha_low
        && *alpha_high == b.alpha_high
        && *alpha_sigmoid_steepness == b.alpha_sigmoid_steepness
        && *yuma3_enabled == b.yuma3_enabled
        && *max_allowed_validators == b.max_allowed_validators
        && *stake_threshold == b.stake_threshold
        && *owner_uid == b.owner_uid
        && *last_mechanism_step_block == b.last_mechanism_step_block
        && *rao_emission == b.rao_emission
        && *last_update == b.last_update
        && *block_at_registration == b.block_at_registration
        && *stake == b.stake
        && *alpha_stake == b.alpha_stake
        && *tao_stake == b.tao_stake
        && *validator_permit == b.validator_permit
        && *commit_blocks == b.commit_blocks
        && same_rows(weights, &b.weights)
        && same_rows(bonds, &b.bonds)
}

/// [`run_chain`], taking the epoch from `ahead` when it was computed from this very input
/// (the emission aside): returns whether it was. Either way the output is bit-identical.
pub fn run_chain_ahead(
    sub: &ChainSubnet<'_>,
    state: &mut ChainState,
    block: u64,
    rao_emission: u64,
    ws: &mut EpochWorkspace,
    ahead: Option<&mut ChainJob>,
) -> bool {
    set_rows(sub, &mut state.weights, &mut state.last_update, block);
    let inp = &mut ws.chain_in;
    fill_params(sub, block, rao_emission, inp);
    // `state.fill_input(inp)`, then `state.apply(out, block, true)`, with the storage moved
    // into the input and back rather than copied.
    swap_storage(state, inp);
    inp.last_mechanism_step_block = state.last_mechanism_step_block;
    debug_assert!(inp.validate().is_ok(), "{:?}", inp.validate());
    let mut hit = false;
    if let Some(job) = ahead {
        job.input.rao_emission = rao_emission;
        if same_input(&job.input, inp) {
            // The same input: the same epoch, paid with this block's emission.
            core::mem::swap(&mut ws.chain_out, &mut job.out);
            write_emission_terms(inp, job.emission_terms(), &mut ws.chain_out);
            hit = true;
        }
    }
    if !hit {
        epoch_with(inp, &mut ws.chain_ws, &mut ws.chain_out);
    }
    swap_storage(state, inp);
    let out = &mut ws.chain_out;
    state.validator_permit.clone_from(&out.validator_permit);
    core::mem::swap(&mut state.bonds, &mut out.bonds);
    state.last_mechanism_step_block = block;
    hit
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yuma::chain::random::{random_input, RandomShape};

    /// `same_input` is `==`: on equal inputs, and on inputs that differ in one weight, one
    /// bond, one stake, the emission or a row's length.
    #[test]
    fn same_input_is_equality() {
        for seed in 0..40u64 {
            let shape = RandomShape {
                n: 1 + (seed as usize * 7) % 40,
                validators: 1 + seed as usize % 9,
                per_row: 1 + seed as usize % 13,
                wild: seed % 2 == 0,
            };
            let a = random_input(shape, seed);
            let mut b = a.clone();
            assert!(same_input(&a, &b));
            let edits: [&dyn Fn(&mut ChainInput); 5] = [
                &|x| {
                    if let Some(e) = x.weights.iter_mut().flatten().next() {
                        e.1 ^= 1;
                    } else {
                        x.block += 1;
                    }
                },
                &|x| {
                    if let Some(e) = x.bonds.iter_mut().flatten().last() {
                        e.0 ^= 1;
                    } else {
                        x.kappa ^= 1;
                    }
                },
                &|x| {
                    if let Some(s) = x.stake.as_mut() {
                        s[0] += 1;
                    }
                },
                &|x| x.rao_emission += 1,
                &|x| x.weights[0].push((0, 0)),
            ];
            for edit in edits {
                b.clone_from(&a);
                edit(&mut b);
                assert_eq!(same_input(&a, &b), a == b, "seed {seed}");
                assert!(!same_input(&a, &b), "seed {seed}");
            }
        }
    }
}
