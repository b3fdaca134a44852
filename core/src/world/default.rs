//! The built-in default scenario: 64 subnets like today's network, with the real subnet-15
//! metagraph (block 4 769 998) as netuid 15.
//!
//! The SN15 snapshot is embedded in a compact form (`core/data/sn15-block4769998.txt`, made
//! by `core/data/make_sn15.py`): stake in rao = the snapshot's TAO value read as an exact
//! decimal × 10^9 (the snapshot predates dTAO, so its TAO stake becomes alpha stake one for
//! one), and each weight row max-upscaled to u16 as the chain stores weights.

use super::scenario::{
    Arithmetic, Hyperparams, NeuronSpec, RandomFlows, RulesPatch, Scenario, SubnetSpec,
    WeightRowSpec, WeightsSpec,
};
use crate::error::{Error, Result};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

const SN15: &str = include_str!("../../data/sn15-block4769998.txt");

/// The SN15 snapshot: stake (rao) per uid and u16 weight rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sn15 {
    /// Stake per uid, rao.
    pub stake: Vec<u64>,
    /// (setter uid, [(target, u16)]).
    pub rows: Vec<(u16, Vec<(u16, u16)>)>,
}

/// Parses the embedded SN15 snapshot.
pub fn sn15() -> Result<Sn15> {
    let bad = |l: usize| Error::parse(format!("sn15 data line {}", l + 1));
    let mut stake = Vec::new();
    let mut rows = Vec::new();
    for (l, line) in SN15.lines().enumerate() {
        let mut it = line.split_whitespace();
        match it.next() {
            Some("n") => {
                let n: usize = it
                    .next()
                    .and_then(|x| x.parse().ok())
                    .ok_or_else(|| bad(l))?;
                stake = alloc::vec![0u64; n];
            }
            Some("s") => {
                let u: usize = it
                    .next()
                    .and_then(|x| x.parse().ok())
                    .ok_or_else(|| bad(l))?;
                let r: u64 = it
                    .next()
                    .and_then(|x| x.parse().ok())
                    .ok_or_else(|| bad(l))?;
                *stake.get_mut(u).ok_or_else(|| bad(l))? = r;
            }
            Some("w") => {
                let u: u16 = it
                    .next()
                    .and_then(|x| x.parse().ok())
                    .ok_or_else(|| bad(l))?;
                let mut row = Vec::new();
                for e in it {
                    let (j, w) = e.split_once(':').ok_or_else(|| bad(l))?;
                    row.push((
                        j.parse().map_err(|_| bad(l))?,
                        w.parse().map_err(|_| bad(l))?,
                    ));
                }
                rows.push((u, row));
            }
            _ => {}
        }
    }
    Ok(Sn15 { stake, rows })
}

/// A small deterministic generator for the synthetic network (SplitMix64), independent of
/// the world's RNG so the default scenario is a fixed document.
struct Mix(u64);
impl Mix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The default world: 64 subnets (netuids 1–64), 16 validators and 240 miners each with
/// Pareto-like stakes, pool prices spread log-uniformly over 0.003–0.08 TAO, quality-scored
/// weights, the real SN15 metagraph at netuid 15, random stake flows and registrations.
/// Starts at block 8 400 000 with 11 150 000 TAO issued and 5 700 000 TAO on root.
pub fn default_scenario() -> Scenario {
    let mut g = Mix(15);
    let mut subnets = Vec::new();
    for netuid in 1..=64u16 {
        let price = 0.003 * libm::pow(0.08 / 0.003, g.next());
        let pool_tao = 2_000.0 + 60_000.0 * g.next() * g.next();
        let pool_alpha = pool_tao / price;
        let mut spec = SubnetSpec {
            netuid,
            name: Some(format!("subnet {netuid}")),
            tempo: 360,
            pool_tao,
            pool_alpha,
            moving_price: Some(price.min(1.0)),
            emission_enabled: true,
            immunity_period: 5000,
            max_uids: 256,
            max_validators: 64,
            burn: 0.05 + 0.5 * g.next(),
            registered_at: 0,
            neurons: Vec::new(),
            metagraph: None,
            weights: None,
            hyperparams: Hyperparams::default(),
        };
        if netuid == 15 {
            spec.name = Some(String::from("subnet 15 (metagraph at block 4769998)"));
            spec.metagraph = Some(String::from("sn15"));
        } else {
            let outstanding = pool_alpha * (0.5 + g.next());
            let mut weights: Vec<f64> = (0..16)
                .map(|_| 1.0 / libm::pow(g.next() + 0.02, 1.2))
                .collect();
            let total: f64 = weights.iter().sum();
            for w in weights.iter_mut() {
                *w *= 0.9 * outstanding / total;
            }
            let mut neurons: Vec<NeuronSpec> = weights
                .into_iter()
                .map(|stake| NeuronSpec {
                    stake: libm::round(stake),
                    owner_owned: false,
                })
                .collect();
            for _ in 0..240 {
                neurons.push(NeuronSpec {
                    stake: libm::round(0.1 * outstanding / 240.0 * g.next()),
                    owner_owned: false,
                });
            }
            spec.neurons = neurons;
            spec.weights = Some(WeightsSpec::Quality {
                validators: (0..16).collect(),
                noise: 0.1 + 0.3 * g.next(),
            });
        }
        subnets.push(spec);
    }
    Scenario {
        name: Some(String::from(
            "default: 64 subnets like today's network, SN15 from a real metagraph",
        )),
        preset: String::from("2026-06"),
        rules: RulesPatch::default(),
        arithmetic: Arithmetic::Chain,
        variant: None,
        seed: 0,
        start_block: 8_400_000,
        issuance: 11_150_000.0,
        root_tao: 5_700_000.0,
        record_every: 1,
        subnets,
        flows: Vec::new(),
        random_flows: Some(RandomFlows {
            per_day: 20_000.0,
            mean_tao: 20.0,
            buy_probability: 0.5,
        }),
        registrations: Vec::new(),
        registrations_per_day: 2_000.0,
        subnet_registrations: Vec::new(),
    }
}

/// SN15's fixed weights as scenario rows (u16 values as weights).
pub fn sn15_rows(s: &Sn15) -> Vec<WeightRowSpec> {
    s.rows
        .iter()
        .map(|(u, r)| WeightRowSpec {
            uid: *u,
            targets: r.iter().map(|&(j, w)| (j, w as f64)).collect(),
        })
        .collect()
}
