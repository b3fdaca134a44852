//! The world: conservation to the rao, determinism, presets, scenario errors, golden digest.

use sha2::{Digest, Sha256};
use taolab::preset::Preset;
use taolab::world::{default_scenario, Arithmetic, Scenario, World};

/// Checks that every rao minted is accounted for.
fn assert_conserved(w: &World) {
    let l = w.ledger();
    // TAO: minted = injected + chain buys + chain-buy fees + recycled.
    assert_eq!(
        l.tao_minted,
        l.tao_injected + l.tao_chain_bought + l.tao_chain_fees + l.tao_recycled,
        "TAO ledger"
    );
    // Alpha out: minted = owner + miners + validators + root + burned + recycled + dust + pending.
    let pending: u128 = w
        .subnets()
        .iter()
        .map(|s| {
            (s.pending.owner + s.pending.server + s.pending.validator + s.pending.root) as u128
        })
        .sum();
    assert_eq!(
        l.alpha_out_minted,
        l.owner + l.miners + l.validators + l.root + l.burned + l.alpha_recycled + l.dust + pending,
        "alpha ledger"
    );
    // The pools hold what the ledger says they received.
    let pool_tao: u128 = w.subnets().iter().map(|s| s.pool.tao as u128).sum();
    let user_in = l.tao_external_in - l.tao_user_fees;
    assert_eq!(
        pool_tao + l.tao_external_out,
        w.initial_pool_tao() + l.tao_injected + l.tao_chain_bought + user_in,
        "pool TAO"
    );
}

#[test]
fn default_world_conserves_every_rao() {
    let mut w = World::new(&default_scenario(), 7).unwrap();
    w.step(2_000).unwrap();
    assert_conserved(&w);
    assert!(w.recorder().epochs.len() > 64);
}
