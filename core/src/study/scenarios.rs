//! The studies shipped as scenarios, each a named [`AgentScenario`] (run them with
//! `taolab study NAME`, or sweep them by name). Every one runs the chain epoch by default
//! with seed 0; `docs/studies.md` records the outcomes the tests assert.
//!
//! * `weight-copying` — six honest validators (top-8 weights) and one weight copier of equal
//!   stake; miners drift (σ 0.1 per epoch) and churn (a replacement in 80 % of epochs);
//!   commit-reveal off: the copier sets the others' fresh weights and earns
//!   about what they earn.
//! * `weight-copying-cr` — the same with commit-reveal (reveal delay 2 epochs): the copier
//!   only sees revealed, stale weights and earns less than the honest validators.
//! * `cabal-40` — a cabal of four validators holding 40 % of the stake puts all its weight on
//!   its own eight weak miners; κ-clipping keeps their incentive near zero and the honest
//!   side keeps at least its stake share of the emission.
//! * `lazy-validator` — one validator re-evaluates only every 10 epochs; it earns less.
//! * `move-first` — one validator (top-2 weights) sees quality changes at once, five follow
//!   3 epochs late; miner qualities jump at epochs 10, 25 and 40. Against a majority that has
//!   not moved yet, the first mover's new weights sit above consensus and are clipped, and it
//!   earns less per stake than the followers (every variant).

use crate::agents::{AgentScenario, MinerSpec, Policy, Role, Shock, ValidatorSpec};
use crate::error::{Error, Result};
use alloc::string::String;
use alloc::vec;

const TOP8: Policy = Policy::TopK(8);

/// The shipped studies.
pub const NAMES: [&str; 5] = [
    "weight-copying",
    "weight-copying-cr",
    "cabal-40",
    "lazy-validator",
    "move-first",
];

fn group(name: &str, role: Role, count: usize, stake: f64, policy: Policy) -> ValidatorSpec {
    ValidatorSpec {
        name: String::from(name),
        role,
        count,
        stake,
        policy,
        ..ValidatorSpec::default()
    }
}

fn drifting_miners() -> MinerSpec {
    MinerSpec {
        count: 32,
        drift: 0.1,
        churn: 0.8,
        ..MinerSpec::default()
    }
}

/// A shipped study by name.
pub fn by_name(name: &str) -> Result<AgentScenario> {
    let base = AgentScenario {
        name: String::from(name),
        ..AgentScenario::default()
    };
    let sc = match name {
        "weight-copying" | "weight-copying-cr" => AgentScenario {
            epochs: 60,
            commit_reveal: (name == "weight-copying-cr").then_some(2),
            miners: drifting_miners(),
            validators: vec![
                group("honest", Role::Honest, 6, 1.0, TOP8),
                group("copier", Role::Copier, 1, 1.0, TOP8),
            ],
            ..base
        },
        "cabal-40" => AgentScenario {
            epochs: 40,
            miners: MinerSpec {
                count: 32,
                cabal: 8,
                cabal_quality: 0.1,
                ..MinerSpec::default()
            },
            validators: vec![
                group("honest", Role::Honest, 6, 1.0, Policy::Proportional),
                group(
                    "cabal",
                    Role::Cabal { self_weight: 1.0 },
                    4,
                    1.0,
                    Policy::Proportional,
                ),
            ],
            ..base
        },
        "lazy-validator" => AgentScenario {
            epochs: 60,
            miners: drifting_miners(),
            validators: vec![
                group("honest", Role::Honest, 6, 1.0, TOP8),
                group("lazy", Role::Lazy { period: 10 }, 1, 1.0, TOP8),
            ],
            ..base
        },
        "move-first" => AgentScenario {
            epochs: 60,
            miners: MinerSpec {
                count: 16,
                drift: 0.0,
                ..MinerSpec::default()
            },
            validators: vec![
                group("first", Role::Lagged { lag: 0 }, 1, 1.0, Policy::TopK(2)),
                group(
                    "followers",
                    Role::Lagged { lag: 3 },
                    5,
                    1.0,
                    Policy::TopK(2),
                ),
            ],
            shocks: vec![
                Shock {
                    epoch: 10,
                    miner: 0,
                    quality: 0.95,
                },
                Shock {
                    epoch: 10,
                    miner: 1,
                    quality: 0.05,
                },
                Shock {
                    epoch: 25,
                    miner: 2,
                    quality: 0.95,
                },
                Shock {
                    epoch: 25,
                    miner: 0,
                    quality: 0.2,
                },
                Shock {
                    epoch: 40,
                    miner: 3,
                    quality: 0.95,
                },
                Shock {
                    epoch: 40,
                    miner: 2,
                    quality: 0.1,
                },
            ],
            ..base
        },
        other => return Err(Error::unknown("study", other, &NAMES.join(", "))),
    };
    Ok(sc)
}
