//! The world: every subnet stepped block by block (spec §3): registration prices, issuance,
//! shares, pool injection, alpha-out split, scheduled epochs with payouts as stake, the
//! moving price, then stake flows and registrations.

#[cfg(all(feature = "std", not(target_family = "wasm")))]
use super::ahead::{Ahead, AheadStats, HORIZON, LEAD};
use super::default::{sn15, sn15_rows};
#[cfg(all(feature = "std", not(target_family = "wasm")))]
use super::epoch::chain_input;
#[cfg(not(all(feature = "std", not(target_family = "wasm"))))]
use super::epoch::ChainJob;
use super::epoch::{
    chain_register, initial_chain_state, run_chain_ahead, run_float, ChainSubnet, EpochWorkspace,
    FloatState, FloatSubnet, WeightRow,
};
#[cfg(all(feature = "std", not(target_family = "wasm")))]
use super::forecast::{Events, Forecast};
use super::recorder::{BlockRow, EpochRow, EventRow, Ledger, Recorder};
use super::scenario::{to_rao, Arithmetic, Scenario, WeightsSpec};
use super::subnet::{upscale, Behaviour, Neurons, Pending, Subnet};
use crate::emission::issuance::{HalvingTable, TOTAL_SUPPLY};
use crate::emission::moving_price::{moving_alpha_f64, moving_price_step_f64};
use crate::emission::shares::{shares, ShareInput, SharePolicy};
use crate::emission::split::{
    root_proportion_f64_with, root_weighted_f64, split_alpha_out_f64, split_alpha_out_with,
};
use crate::error::{Error, Result};
use crate::limits;
use crate::math::fixed::wide::{
    div_u96f32, f64_from_u64f64, i96f32_from_u64f64, mul_int_u64f64, mul_u64f64, mul_u96f32,
    u64_from_u96f32, u64f64_from_f64, u64f64_from_i96f32, u96f32_from_u64, u96f32_from_u64f64,
};
use crate::pool::{median_price, seed_pool, Pool};
use crate::preset::{InjectionCap, Rules, Scheduler};
use crate::registry::{
    lock_cost, subnet_to_prune, uid_to_prune_cols, BurnPrice, LockState, SubnetCandidate,
};
use crate::units::floor_u64;
use crate::yuma::chain::ChainState;
use crate::yuma::Variant;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use substrate_fixed::types::{I96F32, U64F64, U96F32};

/// `MAX_TEMPO`: the safety net of the stateful scheduler.
const MAX_TEMPO: u64 = 50_400;

/// Blocks between two calls of [`World::step_with_progress`]'s `progress`.
pub const PROGRESS_EVERY: u64 = 1_000;

/// The last call of `progress` when a step ran to its end: `(blocks, blocks)`, unless that
/// block was reported already.
fn final_progress(blocks: u64, progress: &mut dyn FnMut(u64, u64) -> bool) {
    if blocks == 0 || blocks % PROGRESS_EVERY != 0 {
        progress(blocks, blocks);
    }
}

/// A multi-subnet network.
#[derive(Debug, Clone)]
pub struct World {
    rules: Rules,
    arithmetic: Arithmetic,
    variant: Option<Variant>,
    block: u64,
    issuance: u64,
    root_tao: u64,
    halving: HalvingTable,
    subnets: Vec<Subnet>,
    lock: LockState,
    rng: ChaCha8Rng,
    recorder: Recorder,
    ledger: Ledger,
    record_every: u64,
    flows: Vec<(u64, u16, u64, u64)>,
    flow_idx: usize,
    regs: Vec<(u64, u16, u32)>,
    reg_idx: usize,
    subnet_regs: Vec<u64>,
    subnet_reg_idx: usize,
    random_flows: Option<(f64, f64, f64)>,
    registrations_per_block: f64,
    initial_pool_tao: u128,
    ws: EpochWorkspace,
    share_in: Vec<ShareInput>,
    share_out: Vec<U64F64>,
    emit_idx: Vec<usize>,
    /// Spot price of each subnet in `emit_idx` before its injection (chain arithmetic or the
    /// spot-price policy): one computation serves the shares and the coinbase.
    prices: Vec<U64F64>,
    /// `SubnetMovingAlpha` as U64F64 (the chain's conversion, done once).
    moving_alpha: U64F64,
    /// Moving-price α of this block for one `blocks since start` value (the ramp is shared
    /// by every subnet that started emitting at the same block).
    ramp_cache: (u64, U64F64),
    /// The same for the float moving price.
    ramp_cache_f64: (u64, f64),
    root_weighted: U96F32,
    /// `root_tao · tao_weight` in f64, as [`root_proportion_f64`](crate::emission::split::root_proportion_f64) computes it.
    root_weighted_f64: f64,
    cut_frac: U96F32,
    /// Threads [`World::step`] may use (1: this one alone).
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    threads: usize,
    /// The workers computing epochs ahead, while a multi-threaded step runs.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    ahead: AheadSlot,
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    ahead_stats: AheadStats,
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    ahead_patient: bool,
    /// The subnets the next blocks' events will touch (when epochs are computed ahead).
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    forecast: Forecast,
    /// Whether epochs ahead wait for the forecast's last touch (tests turn it off).
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    use_forecast: bool,
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    fc_netuids: Vec<u16>,
    /// The first forecast touch of each netuid.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    fc_first: Vec<u64>,
}

/// The world's end of the epoch workers while a multi-threaded step runs (never cloned:
/// a clone starts without workers).
#[cfg(all(feature = "std", not(target_family = "wasm")))]
#[derive(Default)]
struct AheadSlot(Option<Box<Ahead>>);

#[cfg(all(feature = "std", not(target_family = "wasm")))]
impl Clone for AheadSlot {
    fn clone(&self) -> Self {
        AheadSlot(None)
    }
}

#[cfg(all(feature = "std", not(target_family = "wasm")))]
impl core::fmt::Debug for AheadSlot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.0.is_some() {
            "AheadSlot(running)"
        } else {
            "AheadSlot"
        })
    }
}

/// The indices `0..n` ordered by `key`, equal keys in index order (what a stable sort by
/// `key` gives, with the unstable sort that the rest of the crate already uses).
fn in_order(n: usize, key: impl Fn(usize) -> u64) -> impl Iterator<Item = usize> {
    let mut order: Vec<(u64, usize)> = (0..n).map(|k| (key(k), k)).collect();
    order.sort_unstable();
    order.into_iter().map(|(_, k)| k)
}

/// What a chain epoch of `s` reads besides its storage.
#[cfg(all(feature = "std", not(target_family = "wasm")))]
fn chain_subnet(s: &Subnet) -> ChainSubnet<'_> {
    ChainSubnet {
        stake: &s.neurons.stake,
        rows: &s.rows,
        hyper: &s.hyper,
        tempo: s.tempo,
        max_validators: s.max_validators,
        owner_uid: s.owner_uid(),
    }
}

/// The rows a subnet of uniform validators sets at its epoch at block `b`, when they change:
/// the first time, or after registrations (each validator weighs every non-validator uid).
fn uniform_rows(s: &Subnet, b: u64) -> Option<Vec<WeightRow>> {
    let Behaviour::Uniform(vals) = &s.behaviour else {
        return None;
    };
    if s.rows.len() == vals.len()
        && s.rows.iter().all(|r| !r.entries.is_empty())
        && s.registrations == 0
    {
        return None;
    }
    let n = s.neurons.len() as u16;
    let mut rows = Vec::new();
    for &v in vals {
        if v >= n {
            continue;
        }
        let entries: Vec<(u16, u16)> = (0..n)
            .filter(|j| !vals.contains(j))
            .map(|j| (j, 65_535))
            .collect();
        rows.push(WeightRow {
            uid: v,
            entries,
            set_at: b,
        });
    }
    Some(rows)
}

/// The block of `s`'s next epoch after block `b` if nothing intervenes (None when it is
/// overdue and waits on the per-block cap).
#[cfg(all(feature = "std", not(target_family = "wasm")))]
fn next_epoch(scheduler: &Scheduler, s: &Subnet, b: u64) -> Option<u64> {
    match scheduler {
        Scheduler::Legacy => {
            // The least b' > b with (b' + netuid + 1) mod (tempo + 1) = tempo.
            let m = s.tempo as u64 + 1;
            let r = (b + 1 + s.netuid as u64 + 1) % m;
            Some(b + 1 + (2 * m - 1 - r) % m)
        }
        Scheduler::Stateful { .. } => {
            let e = if s.pending_epoch_at > b {
                s.pending_epoch_at
            } else {
                s.last_epoch_block.saturating_add(s.tempo as u64)
            };
            (e > b).then_some(e)
        }
    }
}

fn build_subnet(
    spec: &super::scenario::SubnetSpec,
    rules: &Rules,
    start: u64,
    i: usize,
) -> Result<Subnet> {
    let f = |n: &str| format!("subnets[{i}].{n}");
    let pool_tao = to_rao(|| f("poolTao"), spec.pool_tao)?;
    let pool_alpha = to_rao(|| f("poolAlpha"), spec.pool_alpha)?;
    let pool = Pool::new(rules.curve, pool_tao, pool_alpha, rules.fee_rate);
    let mut neurons = Neurons::default();
    let mut rows: Vec<WeightRow> = Vec::new();
    let mut behaviour = Behaviour::Fixed;
    let mut steps = Vec::new();
    let mk_rows = |rs: &[super::scenario::WeightRowSpec]| -> Vec<WeightRow> {
        let mut out: Vec<WeightRow> = Vec::new();
        for r in rs {
            let entries = upscale(&r.targets);
            out.retain(|x| x.uid != r.uid);
            out.push(WeightRow {
                uid: r.uid,
                entries,
                set_at: 0,
            });
        }
        // One row per UID (a later row replaced an earlier one above).
        out.sort_unstable_by_key(|r| r.uid);
        out
    };
    if spec.metagraph.is_some() {
        let m = sn15()?;
        neurons.stake = m.stake.clone();
        rows = mk_rows(&sn15_rows(&m));
    } else {
        for (k, n) in spec.neurons.iter().enumerate() {
            neurons.stake.push(to_rao(
                || format!("subnets[{i}].neurons[{k}].stake"),
                n.stake,
            )?);
        }
    }
    let n = neurons.stake.len();
    neurons.registered_at = alloc::vec![0; n];
    neurons.emission = alloc::vec![0; n];
    neurons.owner_owned = spec.neurons.iter().map(|x| x.owner_owned).collect();
    neurons.owner_owned.resize(n, false);
    neurons.quality = alloc::vec![0.0; n];
    match &spec.weights {
        Some(WeightsSpec::Fixed { rows: r }) => rows = mk_rows(r),
        Some(WeightsSpec::Scripted { rows: r, steps: s }) => {
            rows = mk_rows(r);
            // By block; steps of the same block in the scenario's order.
            for k in in_order(s.len(), |k| s[k].from_block) {
                steps.push((s[k].from_block, mk_rows(&s[k].rows)));
            }
        }
        Some(WeightsSpec::Uniform { validators }) => {
            behaviour = Behaviour::Uniform(validators.clone())
        }
        Some(WeightsSpec::Quality { validators, noise }) => {
            behaviour = Behaviour::Quality { noise: *noise };
            rows = validators
                .iter()
                .map(|&v| WeightRow {
                    uid: v,
                    entries: Vec::new(),
                    set_at: 0,
                })
                .collect();
        }
        None if spec.metagraph.is_none() => {
            let mut by: Vec<usize> = (0..n).collect();
            by.sort_unstable_by(|&a, &b| neurons.stake[b].cmp(&neurons.stake[a]).then(a.cmp(&b)));
            by.truncate(16.min(n));
            behaviour = Behaviour::Uniform(by.into_iter().map(|u| u as u16).collect());
        }
        None => {}
    }
    let spot = pool.price();
    let mp = spec
        .moving_price
        .unwrap_or_else(|| spot.to_num::<f64>().min(1.0));
    let tempo = spec.tempo as u64;
    let chain = initial_chain_state(&neurons.stake, &neurons.registered_at, spec.max_validators);
    Ok(Subnet {
        netuid: spec.netuid,
        name: spec
            .name
            .clone()
            .unwrap_or_else(|| format!("subnet {}", spec.netuid)),
        tempo: spec.tempo,
        registered_at: spec.registered_at,
        pool,
        alpha_out: neurons.stake.iter().fold(0u64, |a, &x| a.saturating_add(x)),
        moving_price: I96F32::saturating_from_num(mp),
        moving_price_f64: mp,
        first_emission_block: spec.registered_at.min(start).max(1),
        emission_enabled_at: if spec.emission_enabled { 0 } else { u64::MAX },
        last_epoch_block: start.saturating_sub(spec.netuid as u64 % tempo),
        pending_epoch_at: 0,
        blocks_since_last_step: 0,
        pending: Pending::default(),
        last_drained: Pending::default(),
        burn: BurnPrice::new(
            to_rao(|| f("burn"), spec.burn)?,
            500_000,
            100_000_000_000,
            360,
            1.26,
        ),
        immunity_period: spec.immunity_period,
        max_uids: spec.max_uids,
        max_validators: spec.max_validators,
        neurons,
        raw: Vec::new(),
        rows,
        behaviour,
        steps,
        miner_burned: U64F64::from_num(0),
        flow_ema: 0.0,
        flow_block: 0.0,
        flow_window_acc: 0.0,
        flow_window: 0.0,
        last_share: 0.0,
        tao_in_since_epoch: 0,
        last_alpha_emission: 0,
        last_tao_emission: 0,
        owner_stake: 0,
        root_alpha: 0,
        deregistered_stake: 0,
        registrations: 0,
        prunings: 0,
        protocol_alpha: 0,
        hyper: spec.hyperparams,
        chain,
        float: FloatState::default(),
        alpha_era: (1, 0, 0),
        price_cache: (pool, spot),
        touches: 0,
    })
}

impl World {
    /// Builds a world from a scenario; `seed` drives every random draw. The scenario's own
    /// `seed` field is not read here: pass `scenario.seed` for the world the CLI, the npm
    /// package and the playground build from the same scenario without a seed option.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<World> {
        scenario.validate()?;
        let rules = scenario.rules()?;
        let start = scenario.start_block;
        let mut subnets = Vec::with_capacity(scenario.subnets.len());
        for (i, s) in scenario.subnets.iter().enumerate() {
            subnets.push(build_subnet(s, &rules, start, i)?);
        }
        // Netuids are distinct (the scenario was validated).
        subnets.sort_unstable_by_key(|s| s.netuid);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for s in subnets.iter_mut() {
            init_quality(s, &mut rng, start);
        }
        let initial_pool_tao = subnets.iter().map(|s| s.pool.tao as u128).sum();
        let mut flows: Vec<(u64, u16, u64, u64)> = Vec::new();
        for (k, fl) in scenario.flows.iter().enumerate() {
            flows.push((
                fl.block,
                fl.netuid,
                to_rao(|| format!("flows[{k}].tao"), fl.tao)?,
                to_rao(|| format!("flows[{k}].alpha"), fl.alpha)?,
            ));
        }
        // Flows and registrations by block; those of one block in the scenario's order.
        let flows = in_order(flows.len(), |k| flows[k].0)
            .map(|k| flows[k])
            .collect();
        let registrations = &scenario.registrations;
        let regs = in_order(registrations.len(), |k| registrations[k].block)
            .map(|k| &registrations[k])
            .map(|r| (r.block, r.netuid, r.count))
            .collect();
        let mut subnet_regs = scenario.subnet_registrations.clone();
        subnet_regs.sort_unstable();
        Ok(World {
            lock: LockState {
                last_lock: rules.min_lock,
                last_registered: 0,
                min_lock: rules.min_lock,
                reduction_interval: rules.lock_reduction_interval,
            },
            rules,
            arithmetic: scenario.arithmetic,
            variant: scenario.variant,
            block: start,
            issuance: to_rao(|| String::from("issuance"), scenario.issuance)?,
            root_tao: to_rao(|| String::from("rootTao"), scenario.root_tao)?,
            halving: HalvingTable::new(),
            subnets,
            rng,
            recorder: Recorder::default(),
            ledger: Ledger::default(),
            record_every: scenario.record_every,
            flows,
            flow_idx: 0,
            regs,
            reg_idx: 0,
            subnet_regs,
            subnet_reg_idx: 0,
            random_flows: scenario
                .random_flows
                .as_ref()
                .map(|r| (r.per_day / 7200.0, r.mean_tao, r.buy_probability)),
            registrations_per_block: scenario.registrations_per_day / 7200.0,
            initial_pool_tao,
            ws: EpochWorkspace::default(),
            share_in: Vec::new(),
            share_out: Vec::new(),
            emit_idx: Vec::new(),
            root_weighted: U96F32::from_num(0),
            root_weighted_f64: 0.0,
            cut_frac: U96F32::from_num(0),
            prices: Vec::new(),
            moving_alpha: U64F64::from_num(0),
            ramp_cache: (u64::MAX, U64F64::from_num(0)),
            ramp_cache_f64: (u64::MAX, 0.0),
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            threads: 1,
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            ahead: AheadSlot::default(),
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            ahead_stats: AheadStats::default(),
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            ahead_patient: false,
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            forecast: Forecast::default(),
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            use_forecast: true,
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            fc_netuids: Vec::new(),
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            fc_first: Vec::new(),
        })
        .map(|mut w| {
            // root_proportion(R, t, A) = R·t / (R·t + A): R·t is the same for every subnet.
            let tw = U96F32::from_num(w.rules.tao_weight)
                .checked_div(U96F32::from_num(u64::MAX))
                .unwrap_or(U96F32::from_num(0));
            w.root_weighted = U96F32::from_num(w.root_tao).saturating_mul(tw);
            w.root_weighted_f64 = root_weighted_f64(w.root_tao, w.rules.tao_weight);
            w.moving_alpha = U64F64::saturating_from_num(
                I96F32::saturating_from_num(w.rules.moving_alpha).max(I96F32::from_num(0)),
            );
            w.cut_frac = U96F32::from_num(w.rules.owner_cut)
                .checked_div(U96F32::from_num(u16::MAX))
                .unwrap_or(U96F32::from_num(0));
            w
        })
    }

    /// The current block.
    pub fn block(&self) -> u64 {
        self.block
    }
    /// `TotalIssuance`, rao.
    pub fn issuance(&self) -> u64 {
        self.issuance
    }
    /// The rules in force.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }
    /// The subnets, by netuid.
    pub fn subnets(&self) -> &[Subnet] {
        &self.subnets
    }
    /// The recorded series.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }
    /// The cumulative ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    /// TAO in the pools at the start, rao.
    pub fn initial_pool_tao(&self) -> u128 {
        self.initial_pool_tao
    }
    /// The subnet lock cost now, rao.
    pub fn lock_cost(&self) -> u64 {
        lock_cost(&self.lock, self.block, self.halving.emission(self.issuance))
    }

    /// Advances `blocks` blocks.
    pub fn step(&mut self, blocks: u64) -> Result<()> {
        self.step_with_progress(blocks, &mut |_, _| true)
    }

    /// Advances `blocks` blocks, calling `progress(done, total)` every [`PROGRESS_EVERY`]
    /// blocks and once at the end (each `done` once; `total` alone when `blocks` is 0). A
    /// `false` return stops after the block reported, with no further call.
    pub fn step_with_progress(
        &mut self,
        blocks: u64,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<()> {
        if blocks > limits::MAX_WORLD_BLOCKS {
            return Err(Error::invalid(
                "blocks",
                format!(
                    "is {blocks}, over the limit of {}",
                    limits::MAX_WORLD_BLOCKS
                ),
            ));
        }
        if blocks > limits::MAX_BLOCK - self.block {
            return Err(Error::invalid(
                "blocks",
                format!(
                    "is {blocks}: from block {} that passes the last block {}",
                    self.block,
                    limits::MAX_BLOCK
                ),
            ));
        }
        #[cfg(all(feature = "std", not(target_family = "wasm")))]
        if self.threads > 1 && blocks >= 2 * LEAD && self.arithmetic == Arithmetic::Chain {
            if self.step_ahead(blocks, progress) {
                final_progress(blocks, progress);
            }
            return Ok(());
        }
        for k in 0..blocks {
            self.step_block();
            if (k + 1) % PROGRESS_EVERY == 0 && !progress(k + 1, blocks) {
                return Ok(());
            }
        }
        final_progress(blocks, progress);
        Ok(())
    }

    /// The number of threads [`World::step`] may use (at least 1; the default). With more,
    /// chain epochs are computed ahead of their block on the other threads (see
    /// [`crate::world::ahead`]); the results are bit-identical whatever the number.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    /// Makes the epochs computed ahead independent of timing (every predicted epoch is
    /// started and waited for), so that [`World::ahead_stats`] depends on the scenario alone.
    /// Slower; for tests.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    #[doc(hidden)]
    pub fn set_ahead_patient(&mut self, patient: bool) {
        self.ahead_patient = patient;
    }

    /// Starts epochs ahead a fixed few blocks before their block, without the forecast of
    /// the flows and registrations to come (restarting them after each); for tests.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    #[doc(hidden)]
    pub fn set_ahead_forecast(&mut self, on: bool) {
        self.use_forecast = on;
    }

    /// How the epochs computed ahead fared so far.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    pub fn ahead_stats(&self) -> AheadStats {
        self.ahead_stats
    }

    /// [`World::step_with_progress`] with `threads − 1` workers computing epochs ahead; false
    /// when `progress` stopped it.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    fn step_ahead(&mut self, blocks: u64, progress: &mut dyn FnMut(u64, u64) -> bool) -> bool {
        let workers = self.threads - 1;
        let mut finished = true;
        let (ahead, worker) = Ahead::new(workers, self.ahead_patient);
        self.ahead.0 = Some(Box::new(ahead));
        std::thread::scope(|sc| {
            for _ in 0..workers {
                sc.spawn(|| worker.run());
            }
            for k in 0..blocks {
                self.step_block();
                self.dispatch_ahead();
                if (k + 1) % PROGRESS_EVERY == 0 && !progress(k + 1, blocks) {
                    finished = false;
                    break;
                }
            }
            if let Some(mut a) = self.ahead.0.take() {
                a.close();
                let (t, s) = (&mut self.ahead_stats, a.stats);
                t.hits += s.hits;
                t.misses += s.misses;
                t.unused += s.unused;
            }
        });
        finished
    }

    /// Starts the epochs ahead whose input is final: due within [`HORIZON`] blocks, within
    /// the forecast's reach, with no flow or registration forecast on their subnet before
    /// them (without the forecast: due within [`Ahead::lead`] blocks), from the state as it
    /// is now; restarts those whose subnet was touched since they started.
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    fn dispatch_ahead(&mut self) {
        let Some(a) = self.ahead.0.as_deref_mut() else {
            return;
        };
        let b = self.block;
        a.expire(b + 1);
        let known = if self.use_forecast {
            self.fc_netuids.clear();
            self.fc_netuids
                .extend(self.subnets.iter().map(|s| s.netuid));
            Some(self.forecast.extend(
                &Events {
                    rng: &self.rng,
                    block: b,
                    netuids: &self.fc_netuids,
                    flows: &self.flows,
                    flow_idx: self.flow_idx,
                    regs: &self.regs,
                    reg_idx: self.reg_idx,
                    subnet_regs: &self.subnet_regs,
                    subnet_reg_idx: self.subnet_reg_idx,
                    flow_rate: self.random_flows.map(|r| r.0),
                    reg_rate: self.registrations_per_block,
                },
                b + HORIZON,
            ))
        } else {
            None
        };
        let first = &mut self.fc_first;
        self.forecast.first_touches(first);
        let lead = a.lead();
        for s in &self.subnets {
            let Some(e) = next_epoch(&self.rules.scheduler, s, b) else {
                continue;
            };
            if s.steps.first().is_some_and(|st| st.0 <= e) {
                continue;
            }
            let wait = match known {
                // Start the epoch once every event before it is known and the last that
                // touches its subnet has happened.
                Some(k) => k + 1 < e || first.get(s.netuid as usize).is_some_and(|&t| t < e),
                None => e - b > lead,
            };
            if wait {
                continue;
            }
            match a.started_at(s.netuid, e) {
                Some(t) if t == s.touches || !a.restarts(e - b) => continue,
                Some(_) => a.forget(s.netuid, e),
                None => {}
            }
            if !a.has_room() {
                continue;
            }
            let mut job = a.spare();
            job.netuid = s.netuid;
            job.block = e;
            job.touches = s.touches;
            let rows = uniform_rows(s, e);
            let mut sub = chain_subnet(s);
            if let Some(r) = &rows {
                sub.rows = r;
            }
            chain_input(&sub, &s.chain, e, 0, &mut job.input);
            a.submit(job);
        }
    }

    fn step_block(&mut self) {
        self.block += 1;
        let b = self.block;
        let chain = self.arithmetic == Arithmetic::Chain;
        // 1. Registration prices.
        for s in self.subnets.iter_mut() {
            s.burn.on_block(b);
        }
        // 2. Block emission.
        let e = self
            .halving
            .emission(self.issuance)
            .min(TOTAL_SUPPLY - self.issuance.min(TOTAL_SUPPLY));
        self.issuance += e;
        self.ledger.tao_minted += e as u128;
        // 4. Coinbase: shares over the emission set.
        self.emit_idx.clear();
        self.share_in.clear();
        self.prices.clear();
        let mut moving_sum = U64F64::from_num(0);
        let mut moving_sum_f = 0.0;
        let spot_needed = matches!(self.rules.share_policy, SharePolicy::SpotPrice);
        for (i, s) in self.subnets.iter_mut().enumerate() {
            if s.first_emission_block > b {
                continue;
            }
            self.emit_idx.push(i);
            let moving = if chain {
                let m = u64f64_from_i96f32(s.moving_price);
                moving_sum = moving_sum.saturating_add(m);
                m
            } else {
                moving_sum_f += s.moving_price_f64;
                u64f64_from_f64(s.moving_price_f64)
            };
            let spot = if spot_needed || chain {
                s.spot_price()
            } else {
                U64F64::from_num(0)
            };
            self.prices.push(spot);
            self.share_in.push(ShareInput {
                spot: if spot_needed {
                    spot
                } else {
                    U64F64::from_num(0)
                },
                moving,
                miner_burned: s.miner_burned,
                flow_ema: s.flow_ema,
                flow_window: s.flow_window,
                enabled: s.emission_enabled_at <= b,
            });
        }
        shares(
            &self.rules.share_policy,
            &self.share_in,
            &mut self.share_out,
        );
        let root_sell = if chain {
            moving_sum > U64F64::from_num(1)
        } else {
            moving_sum_f > 1.0
        };
        let mut credit_used = 0u64;
        let mut to_pools = 0u64;
        for (k, &i) in self.emit_idx.iter().enumerate() {
            let share = self.share_out[k];
            let s = &mut self.subnets[i];
            s.last_share = f64_from_u64f64(share);
            let alpha_emission = s.alpha_emission(&self.halving);
            let (tao_in, alpha_in, excess, root_prop_f, root_prop_x);
            if chain {
                let te = u96f32_from_u64f64(mul_int_u64f64(e, share));
                let price = u96f32_from_u64f64(self.prices[k]);
                let rp = div_u96f32(
                    self.root_weighted,
                    self.root_weighted
                        .saturating_add(u96f32_from_u64(s.alpha_issuance())),
                )
                .unwrap_or(U96F32::from_num(0));
                let mut a_in = div_u96f32(te, price).unwrap_or(U96F32::from_num(0));
                let mut t_in = te;
                let cap = match self.rules.injection_cap {
                    InjectionCap::RootProportion => mul_u96f32(rp, u96f32_from_u64(alpha_emission)),
                    InjectionCap::AlphaEmission => u96f32_from_u64(alpha_emission.min(e)),
                };
                if a_in > cap {
                    a_in = cap;
                    t_in = mul_u96f32(a_in, price);
                }
                tao_in = u64_from_u96f32(t_in);
                alpha_in = u64_from_u96f32(a_in);
                excess = u64_from_u96f32(te.saturating_sub(t_in));
                root_prop_x = rp;
                root_prop_f = 0.0;
            } else {
                let te = e as f64 * s.last_share;
                let price = s.pool.price_f64();
                let rp = root_proportion_f64_with(self.root_weighted_f64, s.alpha_issuance());
                let mut a_in = if price > 0.0 { te / price } else { 0.0 };
                let mut t_in = te;
                let cap = match self.rules.injection_cap {
                    InjectionCap::RootProportion => rp * alpha_emission as f64,
                    InjectionCap::AlphaEmission => alpha_emission.min(e) as f64,
                };
                if a_in > cap {
                    a_in = cap;
                    t_in = a_in * price;
                }
                tao_in = floor_u64(t_in);
                alpha_in = floor_u64(a_in);
                excess = floor_u64(te - t_in);
                root_prop_f = rp;
                root_prop_x = U96F32::from_num(0);
            }
            let (t, a) = s.pool.inject(tao_in, alpha_in);
            self.ledger.tao_injected += t as u128;
            self.ledger.alpha_injected += a as u128;
            credit_used += t;
            to_pools += t;
            s.tao_in_since_epoch += t;
            s.last_tao_emission = t + excess;
            if excess > 0 {
                let sw = s.pool.buy(excess, false);
                let used = sw.input + sw.fee;
                credit_used += used;
                to_pools += sw.input;
                self.ledger.tao_chain_bought += sw.input as u128;
                self.ledger.tao_chain_fees += sw.fee as u128;
                self.ledger.protocol_alpha += sw.output as u128;
                s.alpha_out += sw.output;
                s.protocol_alpha += sw.output;
            }
            // Alpha out: owner cut, miners, validators, root.
            let split = if chain {
                split_alpha_out_with(u96f32_from_u64(alpha_emission), self.cut_frac, root_prop_x)
            } else {
                split_alpha_out_f64(alpha_emission, self.rules.owner_cut, root_prop_f)
            };
            s.last_alpha_emission = alpha_emission;
            s.alpha_out += alpha_emission;
            self.ledger.alpha_out_minted += alpha_emission as u128;
            self.ledger.dust += split.dust as u128;
            s.pending.owner += split.owner;
            s.pending.server += split.server;
            s.pending.validator += split.validator;
            if root_sell {
                s.pending.root += split.root;
            } else {
                s.alpha_out = s.alpha_out.saturating_sub(split.root);
                self.ledger.alpha_recycled += split.root as u128;
            }
        }
        let recycled = e.saturating_sub(credit_used);
        self.issuance -= recycled;
        self.ledger.tao_recycled += recycled as u128;
        // 5. Epochs.
        let epochs = self.run_scheduled_epochs(b);
        // 6. Moving prices.
        for &i in &self.emit_idx {
            let s = &mut self.subnets[i];
            let since = b.saturating_sub(s.first_emission_block.saturating_sub(1));
            if chain {
                if self.ramp_cache.0 != since {
                    self.ramp_cache = (
                        since,
                        moving_alpha_at(
                            self.moving_alpha,
                            since,
                            self.rules.ema_price_halving_blocks,
                        ),
                    );
                }
                let spot = s.spot_price();
                s.moving_price = moving_price_step(s.moving_price, spot, self.ramp_cache.1);
            } else {
                if self.ramp_cache_f64.0 != since {
                    self.ramp_cache_f64 = (
                        since,
                        moving_alpha_f64(
                            self.rules.moving_alpha,
                            since,
                            self.rules.ema_price_halving_blocks,
                        ),
                    );
                }
                s.moving_price_f64 = moving_price_step_f64(
                    s.moving_price_f64,
                    s.pool.price_f64(),
                    self.ramp_cache_f64.1,
                );
            }
        }
        // 7. Extrinsics: flows and registrations.
        self.apply_events(b);
        // Flow statistics for the flow policies.
        match self.rules.share_policy {
            SharePolicy::TaoFlowEma { smoothing, .. } => {
                for s in self.subnets.iter_mut() {
                    s.flow_ema = (1.0 - smoothing) * s.flow_ema + smoothing * s.flow_block;
                    s.flow_block = 0.0;
                }
            }
            SharePolicy::NetFlow { window } => {
                let roll = b % window == 0;
                for s in self.subnets.iter_mut() {
                    s.flow_window_acc += s.flow_block;
                    s.flow_block = 0.0;
                    if roll {
                        s.flow_window = s.flow_window_acc;
                        s.flow_window_acc = 0.0;
                    }
                }
            }
            _ => {}
        }
        if b % self.record_every == 0 {
            self.recorder.blocks.push(BlockRow {
                block: b,
                issuance: self.issuance,
                emission: e,
                tao_to_pools: to_pools,
                recycled,
                subnets: self.emit_idx.len() as u32,
                epochs,
                pool_tao: self.subnets.iter().map(|s| s.pool.tao).sum(),
            });
        }
    }

    fn run_scheduled_epochs(&mut self, b: u64) -> u32 {
        let mut run = 0u32;
        for i in 0..self.subnets.len() {
            let s = &mut self.subnets[i];
            let fire = match self.rules.scheduler {
                Scheduler::Legacy => {
                    let t = s.tempo as u64;
                    (b + s.netuid as u64 + 1) % (t + 1) == t
                }
                Scheduler::Stateful {
                    max_epochs_per_block,
                } => {
                    s.blocks_since_last_step += 1;
                    let due = (s.pending_epoch_at > 0 && b >= s.pending_epoch_at)
                        || s.blocks_since_last_step > MAX_TEMPO
                        || b.saturating_sub(s.last_epoch_block) >= s.tempo as u64;
                    if due && run >= max_epochs_per_block {
                        s.pending_epoch_at = b + 1;
                        false
                    } else {
                        if due {
                            s.blocks_since_last_step = 0;
                            s.last_epoch_block = b;
                            s.pending_epoch_at = 0;
                        }
                        due
                    }
                }
            };
            if fire {
                run += 1;
                self.epoch(i, b);
            }
        }
        run
    }

    fn epoch(&mut self, i: usize, b: u64) {
        let s = &mut self.subnets[i];
        let p = core::mem::take(&mut s.pending);
        s.last_drained = p;
        // Weights are (re)set this tempo.
        while let Some(pos) = s.steps.iter().position(|st| st.0 <= b) {
            let (_, rows) = s.steps.remove(pos);
            for r in rows {
                s.rows.retain(|x| x.uid != r.uid);
                s.rows.push(r);
            }
            s.rows.sort_unstable_by_key(|r| r.uid);
        }
        if let Some(rows) = uniform_rows(s, b) {
            s.rows = rows;
        }
        for r in s.rows.iter_mut() {
            r.set_at = b;
        }
        let (mut miners, mut burned, mut validators) = (0u64, 0u64, 0u64);
        if self.arithmetic == Arithmetic::Chain {
            // Spec §8.2: the epoch divides S + V + R; incentives are paid as computed, the
            // dividends only weight the validator pool (V, or V + S without incentive).
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            let mut job = self.ahead.0.as_mut().and_then(|a| a.take(s.netuid, b));
            #[cfg(not(all(feature = "std", not(target_family = "wasm"))))]
            let mut job: Option<Box<ChainJob>> = None;
            // Field by field (not `chain_subnet`), so that `s.chain` can be lent mutably.
            let owner_uid = s.owner_uid();
            let sub = ChainSubnet {
                stake: &s.neurons.stake,
                rows: &s.rows,
                hyper: &s.hyper,
                tempo: s.tempo,
                max_validators: s.max_validators,
                owner_uid,
            };
            let _hit = run_chain_ahead(
                &sub,
                &mut s.chain,
                b,
                p.server + p.validator + p.root,
                &mut self.ws,
                job.as_deref_mut(),
            );
            #[cfg(all(feature = "std", not(target_family = "wasm")))]
            if let (Some(a), Some(j)) = (self.ahead.0.as_mut(), job) {
                a.recycle(j, _hit);
            }
            let out = &self.ws.chain_out;
            let inc_sum: u128 = out.server_emission.iter().map(|&x| x as u128).sum();
            let validator_pool = if inc_sum > 0 {
                p.validator
            } else {
                p.validator + p.server
            };
            for (u, &amt) in out.server_emission.iter().enumerate() {
                if amt == 0 {
                    continue;
                }
                if s.neurons.owner_owned[u] {
                    burned += amt;
                } else {
                    s.neurons.stake[u] += amt;
                    miners += amt;
                }
            }
            let div_total: u128 = out.validator_emission.iter().map(|&x| x as u128).sum();
            if div_total > 0 {
                let total = U96F32::saturating_from_num(div_total);
                let pool = U96F32::from_num(validator_pool);
                for (u, &d) in out.validator_emission.iter().enumerate() {
                    if d == 0 {
                        continue;
                    }
                    let share = U96F32::from_num(d)
                        .checked_div(total)
                        .unwrap_or(U96F32::from_num(0));
                    let amt = share.saturating_mul(pool).saturating_to_num::<u64>();
                    s.neurons.stake[u] += amt;
                    validators += amt;
                }
            }
            s.neurons.emission.copy_from_slice(&out.emission);
            // The epoch's split need not match the buckets: what it leaves unpaid is recycled,
            // what it pays beyond them is minted.
            let budget = p.server + p.validator;
            let paid = miners + burned + validators;
            if paid > budget {
                let extra = paid - budget;
                s.alpha_out += extra;
                self.ledger.alpha_out_minted += extra as u128;
                self.ledger.alpha_epoch_minted += extra as u128;
            } else {
                let left = budget - paid;
                s.alpha_out = s.alpha_out.saturating_sub(left);
                self.ledger.alpha_recycled += left as u128;
            }
        } else {
            run_float(
                &FloatSubnet {
                    stake: &s.neurons.stake,
                    registered_at: &s.neurons.registered_at,
                    rows: &s.rows,
                    hyper: &s.hyper,
                    max_validators: s.max_validators,
                },
                self.variant,
                &mut s.float,
                &mut self.ws,
            );
            let inc_sum: f64 = self.ws.incentive.iter().sum();
            let validator_pool = if inc_sum > 0.0 {
                p.validator
            } else {
                p.validator + p.server
            };
            for e in s.neurons.emission.iter_mut() {
                *e = 0;
            }
            if inc_sum > 0.0 {
                let mut left = p.server;
                for (u, &x) in self.ws.incentive.iter().enumerate() {
                    let amt = floor_u64(x * p.server as f64).min(left);
                    left -= amt;
                    if amt == 0 {
                        continue;
                    }
                    s.neurons.emission[u] += amt;
                    if s.neurons.owner_owned[u] {
                        burned += amt;
                    } else {
                        s.neurons.stake[u] += amt;
                        miners += amt;
                    }
                }
            }
            let mut left = validator_pool;
            for (u, &d) in self.ws.dividends.iter().enumerate() {
                let amt = floor_u64(d * validator_pool as f64).min(left);
                left -= amt;
                if amt > 0 {
                    s.neurons.stake[u] += amt;
                    s.neurons.emission[u] += amt;
                    validators += amt;
                }
            }
            let paid_incentive = miners + burned;
            let server_part = if inc_sum > 0.0 { p.server } else { 0 };
            let undistributed = (server_part - paid_incentive.min(server_part))
                + (validator_pool - validators.min(validator_pool));
            if validators == 0 && validator_pool > 0 {
                // Nobody to pay: the chain would have no hotkeys; recycle.
                s.alpha_out = s.alpha_out.saturating_sub(validator_pool);
                self.ledger.alpha_recycled += validator_pool as u128;
                let rest = undistributed - validator_pool;
                self.ledger.dust += rest as u128;
            } else {
                self.ledger.dust += undistributed as u128;
            }
        }
        let paid_incentive = miners + burned;
        s.miner_burned = if paid_incentive > 0 {
            U64F64::from_num(burned) / U64F64::from_num(paid_incentive)
        } else {
            U64F64::from_num(0)
        };
        s.root_alpha += p.root;
        s.owner_stake += p.owner;
        self.ledger.owner += p.owner as u128;
        self.ledger.root += p.root as u128;
        self.ledger.miners += miners as u128;
        self.ledger.validators += validators as u128;
        self.ledger.burned += burned as u128;
        self.recorder.epochs.push(EpochRow {
            block: b,
            netuid: s.netuid,
            share: s.last_share,
            price: s.pool.price_f64(),
            moving_price: if self.arithmetic == Arithmetic::Chain {
                s.moving_price.to_num::<f64>()
            } else {
                s.moving_price_f64
            },
            pool_tao: s.pool.tao,
            pool_alpha: s.pool.alpha,
            alpha_out: s.alpha_out,
            tao_in: s.tao_in_since_epoch,
            owner: p.owner,
            miners,
            validators,
            root: p.root,
            burned,
            burn_price: s.burn.burn,
            registrations: s.registrations,
            prunings: s.prunings,
            uids: s.neurons.len() as u32,
        });
        s.tao_in_since_epoch = 0;
        s.registrations = 0;
        s.prunings = 0;
    }

    fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn count(&mut self, rate: f64) -> u32 {
        if rate <= 0.0 {
            return 0;
        }
        let whole = crate::math::exact::floor(rate);
        let frac = rate - whole;
        whole as u32 + u32::from(self.uniform() < frac)
    }

    fn index_of(&self, netuid: u16) -> Option<usize> {
        self.subnets
            .binary_search_by_key(&netuid, |s| s.netuid)
            .ok()
    }

    fn apply_events(&mut self, b: u64) {
        while self.flow_idx < self.flows.len() && self.flows[self.flow_idx].0 <= b {
            let (_, netuid, tao, alpha) = self.flows[self.flow_idx];
            self.flow_idx += 1;
            if let Some(i) = self.index_of(netuid) {
                if tao > 0 {
                    self.stake(i, tao, b);
                }
                if alpha > 0 {
                    self.unstake(i, alpha, b);
                }
            }
        }
        if let Some((rate, mean, buy_p)) = self.random_flows {
            let n = self.count(rate);
            for _ in 0..n {
                if self.subnets.is_empty() {
                    break;
                }
                let i = (self.uniform() * self.subnets.len() as f64) as usize % self.subnets.len();
                let size = -libm::log(1.0 - self.uniform()) * mean;
                let tao = floor_u64(size * 1e9);
                if self.uniform() < buy_p {
                    self.stake(i, tao, b);
                } else {
                    let price = self.subnets[i].pool.price_f64();
                    if price > 0.0 {
                        let alpha = floor_u64(tao as f64 / price);
                        self.unstake(i, alpha, b);
                    }
                }
            }
        }
        while self.reg_idx < self.regs.len() && self.regs[self.reg_idx].0 <= b {
            let (_, netuid, count) = self.regs[self.reg_idx];
            self.reg_idx += 1;
            if let Some(i) = self.index_of(netuid) {
                for _ in 0..count {
                    self.register_uid(i, b);
                }
            }
        }
        let n = self.count(self.registrations_per_block);
        for _ in 0..n {
            if self.subnets.is_empty() {
                break;
            }
            let i = (self.uniform() * self.subnets.len() as f64) as usize % self.subnets.len();
            self.register_uid(i, b);
        }
        while self.subnet_reg_idx < self.subnet_regs.len()
            && self.subnet_regs[self.subnet_reg_idx] <= b
        {
            self.subnet_reg_idx += 1;
            self.register_subnet(b);
        }
    }

    /// The staker that a flow moves: the validator row with the most stake (uid 0 if none).
    fn staker(s: &Subnet) -> usize {
        s.rows
            .iter()
            .map(|r| r.uid as usize)
            .filter(|&u| u < s.neurons.len())
            .max_by_key(|&u| (s.neurons.stake[u], u))
            .unwrap_or(0)
    }

    fn stake(&mut self, i: usize, tao: u64, b: u64) {
        let s = &mut self.subnets[i];
        s.touches += 1;
        if s.neurons.is_empty() {
            return;
        }
        let sw = s.pool.buy(tao, false);
        let paid = sw.input + sw.fee;
        let u = Self::staker(s);
        s.neurons.stake[u] += sw.output;
        s.alpha_out += sw.output;
        s.flow_block += sw.input as f64 / 1e9;
        self.ledger.tao_external_in += paid as u128;
        self.ledger.tao_user_fees += sw.fee as u128;
        self.recorder.events.push(EventRow {
            block: b,
            kind: "stake",
            netuid: s.netuid,
            uid: Some(u as u16),
            amount: paid,
        });
    }

    fn unstake(&mut self, i: usize, alpha: u64, b: u64) {
        let s = &mut self.subnets[i];
        s.touches += 1;
        if s.neurons.is_empty() {
            return;
        }
        let u = Self::staker(s);
        let amount = alpha.min(s.neurons.stake[u]);
        if amount == 0 {
            return;
        }
        let sw = s.pool.sell(amount, false);
        let sold = amount - sw.refund;
        s.neurons.stake[u] -= sold;
        s.alpha_out = s.alpha_out.saturating_sub(sold);
        s.flow_block -= sw.output as f64 / 1e9;
        self.ledger.tao_external_out += sw.output as u128;
        self.ledger.tao_user_fees += sw.fee_tao as u128;
        self.recorder.events.push(EventRow {
            block: b,
            kind: "unstake",
            netuid: s.netuid,
            uid: Some(u as u16),
            amount: sw.output,
        });
    }

    fn register_uid(&mut self, i: usize, b: u64) {
        let min_non_immune = self.rules.min_non_immune_uids as usize;
        let q = self.uniform();
        let s = &mut self.subnets[i];
        s.touches += 1;
        let full = s.neurons.len() >= s.max_uids as usize;
        let victim = if full {
            let zero_validates = s.rows.iter().any(|r| r.uid == 0);
            match uid_to_prune_cols(
                &s.neurons.emission,
                &s.neurons.registered_at,
                zero_validates,
                b,
                s.immunity_period,
                min_non_immune,
            ) {
                Some(v) => Some(v),
                None => {
                    self.recorder.events.push(EventRow {
                        block: b,
                        kind: "registrationFailed",
                        netuid: s.netuid,
                        uid: None,
                        amount: 0,
                    });
                    return;
                }
            }
        } else {
            None
        };
        // Pay: the burn buys alpha from the pool, and that alpha is destroyed.
        let cost = s.burn.burn;
        let sw = s.pool.buy(cost, false);
        self.ledger.tao_external_in += (sw.input + sw.fee) as u128;
        self.ledger.tao_user_fees += sw.fee as u128;
        s.flow_block += sw.input as f64 / 1e9;
        let uid = match victim {
            Some(v) => {
                s.deregistered_stake += s.neurons.stake[v];
                s.neurons.stake[v] = 0;
                s.neurons.emission[v] = 0;
                s.neurons.registered_at[v] = b;
                s.neurons.owner_owned[v] = false;
                s.neurons.quality[v] = q;
                s.rows.retain(|r| r.uid as usize != v);
                // A new key: the chain clears its storage (bonds towards it are masked at the
                // next epoch); the float state forgets bonds to it.
                chain_register(&mut s.chain, v, b);
                s.float.prune(v);
                s.prunings += 1;
                self.recorder.events.push(EventRow {
                    block: b,
                    kind: "uidPruned",
                    netuid: s.netuid,
                    uid: Some(v as u16),
                    amount: 0,
                });
                v
            }
            None => {
                s.neurons.stake.push(0);
                s.neurons.emission.push(0);
                s.neurons.registered_at.push(b);
                s.neurons.owner_owned.push(false);
                s.neurons.quality.push(q);
                chain_register(&mut s.chain, s.neurons.len() - 1, b);
                s.neurons.len() - 1
            }
        };
        if let Behaviour::Quality { noise } = s.behaviour {
            for r in s.rows.iter_mut() {
                let score = q * (1.0 + noise * (2.0 * hash01(b, r.uid, uid as u16) - 1.0));
                set_entry(r, uid as u16, score);
            }
            requantise(s);
        }
        s.burn.on_registration();
        s.registrations += 1;
        self.recorder.events.push(EventRow {
            block: b,
            kind: "uidRegistered",
            netuid: s.netuid,
            uid: Some(uid as u16),
            amount: cost,
        });
    }

    fn register_subnet(&mut self, b: u64) {
        if self.lock.last_registered > 0
            && b < self.lock.last_registered + self.rules.network_rate_limit
        {
            self.recorder.events.push(EventRow {
                block: b,
                kind: "subnetRegistrationFailed",
                netuid: 0,
                uid: None,
                amount: 0,
            });
            return;
        }
        let e = self.halving.emission(self.issuance);
        let cost = lock_cost(&self.lock, b, e);
        let mut netuid = None;
        if self.subnets.len() >= self.rules.subnet_limit as usize {
            let cands: Vec<SubnetCandidate> = self
                .subnets
                .iter()
                .map(|s| SubnetCandidate {
                    netuid: s.netuid,
                    registered_at: s.registered_at,
                    moving_price: if self.arithmetic == Arithmetic::Chain {
                        U64F64::saturating_from_num(s.moving_price.max(I96F32::from_num(0)))
                    } else {
                        U64F64::saturating_from_num(s.moving_price_f64)
                    },
                    emission: s.last_tao_emission,
                })
                .collect();
            match subnet_to_prune(
                &cands,
                b,
                self.rules.network_immunity,
                self.rules.subnet_pruning,
            ) {
                Some(n) => {
                    if let Some(i) = self.index_of(n) {
                        let s = self.subnets.remove(i);
                        // Pending alpha dies with the subnet.
                        let p = s.pending;
                        self.ledger.alpha_recycled +=
                            (p.owner + p.server + p.validator + p.root) as u128;
                        // Stakers are refunded from the pool in TAO.
                        self.ledger.tao_external_out += s.pool.tao as u128;
                        self.recorder.events.push(EventRow {
                            block: b,
                            kind: "subnetPruned",
                            netuid: n,
                            uid: None,
                            amount: s.pool.tao,
                        });
                    }
                    netuid = Some(n);
                }
                None => {
                    self.recorder.events.push(EventRow {
                        block: b,
                        kind: "subnetRegistrationFailed",
                        netuid: 0,
                        uid: None,
                        amount: cost,
                    });
                    return;
                }
            }
        }
        let netuid = netuid.unwrap_or_else(|| {
            (1..=u16::MAX)
                .find(|n| self.index_of(*n).is_none())
                .unwrap_or(u16::MAX)
        });
        let prices: Vec<U64F64> = self.subnets.iter().map(|s| s.pool.price()).collect();
        let median = median_price(&prices);
        let pool = seed_pool(
            self.rules.curve,
            cost,
            self.rules.min_lock,
            median,
            self.rules.fee_rate,
        );
        self.ledger.tao_external_in += pool.tao as u128;
        self.lock.last_lock = cost;
        self.lock.last_registered = b;
        let tempo = 360u64;
        let s = Subnet {
            netuid,
            name: format!("subnet {netuid} (registered at {b})"),
            tempo: tempo as u16,
            registered_at: b,
            pool,
            alpha_out: 0,
            moving_price: I96F32::from_num(0),
            moving_price_f64: 0.0,
            first_emission_block: b + 1,
            emission_enabled_at: b.saturating_add(self.rules.new_subnet_emission_delay),
            last_epoch_block: b.saturating_sub(netuid as u64 % tempo),
            pending_epoch_at: 0,
            blocks_since_last_step: 0,
            pending: Pending::default(),
            last_drained: Pending::default(),
            burn: BurnPrice::new_network(),
            immunity_period: 5000,
            max_uids: 256,
            max_validators: 64,
            neurons: Neurons {
                stake: alloc::vec![0],
                registered_at: alloc::vec![b],
                emission: alloc::vec![0],
                owner_owned: alloc::vec![true],
                quality: alloc::vec![0.0],
            },
            rows: Vec::new(),
            raw: Vec::new(),
            behaviour: Behaviour::Uniform(alloc::vec![0]),
            steps: Vec::new(),
            miner_burned: U64F64::from_num(0),
            flow_ema: 0.0,
            flow_block: 0.0,
            flow_window_acc: 0.0,
            flow_window: 0.0,
            last_share: 0.0,
            tao_in_since_epoch: 0,
            last_alpha_emission: 0,
            last_tao_emission: 0,
            owner_stake: 0,
            root_alpha: 0,
            deregistered_stake: 0,
            registrations: 0,
            prunings: 0,
            protocol_alpha: 0,
            hyper: Default::default(),
            chain: ChainState {
                weights: alloc::vec![Vec::new()],
                bonds: alloc::vec![Vec::new()],
                validator_permit: alloc::vec![false],
                last_update: alloc::vec![b],
                block_at_registration: alloc::vec![b],
                last_mechanism_step_block: 0,
            },
            float: FloatState::default(),
            alpha_era: (1, 0, 0),
            price_cache: (pool, pool.price()),
            touches: 0,
        };
        let pos = self.subnets.partition_point(|x| x.netuid < netuid);
        self.subnets.insert(pos, s);
        self.recorder.events.push(EventRow {
            block: b,
            kind: "subnetRegistered",
            netuid,
            uid: Some(0),
            amount: cost,
        });
    }
}

/// `α = SubnetMovingAlpha · b / (b + EMAPriceHalvingBlocks)` (U64F64), the first half of
/// [`update_moving_price`](crate::emission::moving_price::update_moving_price), computed once per block for every subnet with the same `b`.
fn moving_alpha_at(moving_alpha: U64F64, since: u64, halving_blocks: u64) -> U64F64 {
    let b = U64F64::from_num(since);
    let denom = b.saturating_add(U64F64::from_num(halving_blocks));
    let ramp = b.checked_div(denom).unwrap_or(U64F64::from_num(0));
    moving_alpha.saturating_mul(ramp)
}

/// The second half of
/// [`update_moving_price`](crate::emission::moving_price::update_moving_price): `α·min(spot, 1) + (1 − α)·old`.
fn moving_price_step(old: I96F32, spot: U64F64, alpha: U64F64) -> I96F32 {
    let one = U64F64::from_num(1);
    let capped = if spot > one { one } else { spot };
    let old_u = u64f64_from_i96f32(old);
    let new =
        mul_u64f64(alpha, capped).saturating_add(mul_u64f64(one.saturating_sub(alpha), old_u));
    i96f32_from_u64f64(new)
}

/// A deterministic hash of (block, validator, miner) in [0, 1): per-validator noise without
/// storing it.
fn hash01(b: u64, v: u16, j: u16) -> f64 {
    let mut z = b ^ ((v as u64) << 48) ^ ((j as u64) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

fn set_entry(r: &mut WeightRow, j: u16, score: f64) {
    // u16 entries directly (requantised later).
    let w = (score.clamp(0.0, 1.0) * 65_535.0) as u16;
    match r.entries.binary_search_by_key(&j, |e| e.0) {
        Ok(k) => r.entries[k].1 = w,
        Err(k) => r.entries.insert(k, (j, w)),
    }
}

/// Max-upscales every row again (as `set_weights` would store it).
fn requantise(s: &mut Subnet) {
    for r in s.rows.iter_mut() {
        // A row holding 65 535 is already max-upscaled (its maximum is 65 535).
        if r.entries.iter().any(|e| e.1 == u16::MAX) {
            continue;
        }
        let m = r.entries.iter().map(|e| e.1).max().unwrap_or(0);
        if m > 0 && m < 65_535 {
            for e in r.entries.iter_mut() {
                e.1 = ((e.1 as u64 * 65_535 + m as u64 / 2) / m as u64) as u16;
            }
        }
    }
}

/// Quality behaviour: every miner gets a hidden quality from the world RNG and every
/// validator scores it with its noise.
fn init_quality(s: &mut Subnet, rng: &mut ChaCha8Rng, start: u64) {
    let Behaviour::Quality { noise } = s.behaviour else {
        return;
    };
    let n = s.neurons.len();
    let vals: Vec<u16> = s.rows.iter().map(|r| r.uid).collect();
    for u in 0..n {
        s.neurons.quality[u] = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    }
    for r in s.rows.iter_mut() {
        let targets: Vec<(u16, f64)> = (0..n as u16)
            .filter(|j| !vals.contains(j))
            .map(|j| {
                let q = s.neurons.quality[j as usize];
                (
                    j,
                    (q * (1.0 + noise * (2.0 * hash01(start, r.uid, j) - 1.0))).max(0.0),
                )
            })
            .collect();
        r.entries = upscale(&targets);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emission::moving_price::update_moving_price;

    #[test]
    fn in_order_is_a_stable_sort_by_key() {
        let keys = [5u64, 1, 5, 0, 1, 5];
        let got: Vec<usize> = in_order(keys.len(), |k| keys[k]).collect();
        assert_eq!(got, [3, 1, 4, 0, 2, 5]);
        let mut stable: Vec<usize> = (0..keys.len()).collect();
        stable.sort_by_key(|&k| keys[k]);
        assert_eq!(got, stable);
    }

    #[test]
    fn split_moving_price_is_update_moving_price() {
        let alpha = 0.000003f64;
        let ma = U64F64::saturating_from_num(I96F32::saturating_from_num(alpha));
        for (old, spot, since) in [
            (0.02, 0.021, 8_400_001u64),
            (0.9, 1.7, 1),
            (0.0, 0.5, 0),
            (1.0, 0.000_001, 201_600),
            (0.333, 0.334, 123_456_789),
        ] {
            let old = I96F32::from_num(old);
            let spot = U64F64::from_num(spot);
            let want = update_moving_price(
                old,
                spot,
                I96F32::saturating_from_num(alpha),
                since,
                201_600,
            );
            let got = moving_price_step(old, spot, moving_alpha_at(ma, since, 201_600));
            assert_eq!(got.to_bits(), want.to_bits());
        }
    }
}
