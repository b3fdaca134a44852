//! The multi-subnet economy: a [`World`] built from a scenario, stepped block by block, with
//! its recorded series as typed arrays.

use crate::input::{js_error, read, to_json};
use crate::js::{big, big128, f64s, u16s, u32s, u64s, Obj};
use crate::progress::Progress;
use js_sys::{Array, Function};
use taolab::world::{default_scenario, Scenario, World};
use wasm_bindgen::prelude::*;

/// A running world (the JS `World` class wraps it).
#[wasm_bindgen(js_name = WorldHandle)]
pub struct WorldHandle {
    world: World,
    seed: u64,
    stepped: u64,
}

/// Column `$f` of `$rows` collected into a Vec.
macro_rules! column {
    ($rows:expr, $f:ident) => {
        $rows.iter().map(|r| r.$f).collect::<Vec<_>>()
    };
}

#[wasm_bindgen(js_class = WorldHandle)]
impl WorldHandle {
    /// Builds a world from a scenario (JSON text or object; `null`/`undefined` is the
    /// built-in 64-subnet network). `seed` defaults to the scenario's.
    #[wasm_bindgen(constructor)]
    pub fn new(scenario: JsValue, seed: Option<u64>) -> Result<WorldHandle, JsValue> {
        let sc = if scenario.is_null() || scenario.is_undefined() {
            default_scenario()
        } else {
            read(scenario, "scenario", Scenario::from_json)?
        };
        let seed = seed.unwrap_or(sc.seed);
        let world = World::new(&sc, seed).map_err(js_error)?;
        Ok(WorldHandle {
            world,
            seed,
            stepped: 0,
        })
    }

    /// Advances `blocks` blocks; `on_progress(done, total)` is called every 1 000 blocks and
    /// returning `false` stops early. Returns the blocks actually advanced.
    pub fn step(&mut self, blocks: u64, on_progress: Option<Function>) -> Result<u64, JsValue> {
        let before = self.world.block();
        let mut p = Progress::new(on_progress);
        let result = self
            .world
            .step_with_progress(blocks, &mut |d, t| p.report(d as f64, t as f64));
        let done = self.world.block().saturating_sub(before);
        self.stepped = self.stepped.saturating_add(done);
        p.finish(result)?;
        Ok(done)
    }

    /// The current block.
    #[wasm_bindgen(getter)]
    pub fn block(&self) -> u64 {
        self.world.block()
    }

    /// `TotalIssuance`, rao.
    #[wasm_bindgen(getter)]
    pub fn issuance(&self) -> u64 {
        self.world.issuance()
    }

    /// The subnet lock cost now, rao.
    #[wasm_bindgen(getter, js_name = lockCost)]
    pub fn lock_cost(&self) -> u64 {
        self.world.lock_cost()
    }

    /// The seed in use.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Blocks advanced since the world was built.
    #[wasm_bindgen(getter)]
    pub fn stepped(&self) -> u64 {
        self.stepped
    }

    /// Per-block series, one typed array per column.
    #[wasm_bindgen(js_name = blockSeries)]
    pub fn block_series(&self) -> JsValue {
        let r = &self.world.recorder().blocks;
        let o = Obj::new();
        o.set("block", u64s(&column!(r, block)))
            .set("issuance", u64s(&column!(r, issuance)))
            .set("emission", u64s(&column!(r, emission)))
            .set("taoToPools", u64s(&column!(r, tao_to_pools)))
            .set("recycled", u64s(&column!(r, recycled)))
            .set("subnets", u32s(&column!(r, subnets)))
            .set("epochs", u32s(&column!(r, epochs)))
            .set("poolTao", u64s(&column!(r, pool_tao)));
        o.into_value()
    }

    /// Per-epoch series (one row per subnet epoch), one typed array per column.
    #[wasm_bindgen(js_name = epochSeries)]
    pub fn epoch_series(&self) -> JsValue {
        let r = &self.world.recorder().epochs;
        let o = Obj::new();
        o.set("block", u64s(&column!(r, block)))
            .set("netuid", u16s(&column!(r, netuid)))
            .set("share", f64s(&column!(r, share)))
            .set("price", f64s(&column!(r, price)))
            .set("movingPrice", f64s(&column!(r, moving_price)))
            .set("poolTao", u64s(&column!(r, pool_tao)))
            .set("poolAlpha", u64s(&column!(r, pool_alpha)))
            .set("alphaOut", u64s(&column!(r, alpha_out)))
            .set("taoIn", u64s(&column!(r, tao_in)))
            .set("owner", u64s(&column!(r, owner)))
            .set("miners", u64s(&column!(r, miners)))
            .set("validators", u64s(&column!(r, validators)))
            .set("root", u64s(&column!(r, root)))
            .set("burned", u64s(&column!(r, burned)))
            .set("burnPrice", u64s(&column!(r, burn_price)))
            .set("registrations", u32s(&column!(r, registrations)))
            .set("prunings", u32s(&column!(r, prunings)))
            .set("uids", u32s(&column!(r, uids)));
        o.into_value()
    }

    /// The events (registrations, prunings, flows), one object each.
    pub fn events(&self) -> Array {
        self.world
            .recorder()
            .events
            .iter()
            .map(|e| {
                let o = Obj::new();
                o.set("block", big(e.block))
                    .set("kind", e.kind)
                    .set("netuid", e.netuid)
                    .set("uid", e.uid.map_or(JsValue::NULL, JsValue::from))
                    .set("amount", big(e.amount));
                o.into_value()
            })
            .collect()
    }

    /// The cumulative ledger (every amount a `BigInt`, rao).
    pub fn ledger(&self) -> JsValue {
        let l = self.world.ledger();
        let o = Obj::new();
        o.set("taoMinted", big128(l.tao_minted))
            .set("taoInjected", big128(l.tao_injected))
            .set("taoChainBought", big128(l.tao_chain_bought))
            .set("taoChainFees", big128(l.tao_chain_fees))
            .set("taoRecycled", big128(l.tao_recycled))
            .set("alphaInjected", big128(l.alpha_injected))
            .set("alphaOutMinted", big128(l.alpha_out_minted))
            .set("owner", big128(l.owner))
            .set("miners", big128(l.miners))
            .set("validators", big128(l.validators))
            .set("root", big128(l.root))
            .set("burned", big128(l.burned))
            .set("alphaRecycled", big128(l.alpha_recycled))
            .set("dust", big128(l.dust))
            .set("protocolAlpha", big128(l.protocol_alpha))
            .set("taoExternalIn", big128(l.tao_external_in))
            .set("taoExternalOut", big128(l.tao_external_out))
            .set("taoUserFees", big128(l.tao_user_fees));
        o.into_value()
    }

    /// The subnets now, as in the CLI's `summary.json` (`price` and `share` numbers, rao
    /// amounts `BigInt`).
    pub fn subnets(&self) -> Array {
        self.world
            .subnets()
            .iter()
            .map(|s| {
                let o = Obj::new();
                o.set("netuid", s.netuid)
                    .set("name", s.name.as_str())
                    .set("poolTao", big(s.pool.tao))
                    .set("poolAlpha", big(s.pool.alpha))
                    .set("alphaOut", big(s.alpha_out))
                    .set("price", s.pool.price_f64())
                    .set("share", s.last_share)
                    .set("uids", s.neurons.len() as u32)
                    .set("burn", big(s.burn.burn))
                    .set("ownerStake", big(s.owner_stake))
                    .set("rootAlpha", big(s.root_alpha));
                o.into_value()
            })
            .collect()
    }

    /// The recorded series as JSON text, byte-identical to the CLI's `series.json`.
    #[wasm_bindgen(js_name = seriesJson)]
    pub fn series_json(&self) -> Result<String, JsValue> {
        Ok(to_json(self.world.recorder(), false)?)
    }
}
