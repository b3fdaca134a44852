//! The built-in default scenario: 64 subnets like today's network, with the real subnet-15
//! metagraph (block 4 769 998) as netuid 15.
//!
//! The SN15 snapshot is embedded in a compact binary form (`core/data/sn15-block4769998.bin`,
//! made by `core/data/make_sn15.py`, which describes the layout): stake in rao = the snapshot's TAO value read as an exact
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

const SN15: &[u8] = include_bytes!("../../data/sn15-block4769998.bin");

/// The SN15 snapshot: stake (rao) per uid and u16 weight rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sn15 {
    /// Stake per uid, rao.
    pub stake: Vec<u64>,
    /// (setter uid, [(target, u16)]).
    pub rows: Vec<(u16, Vec<(u16, u16)>)>,
}

/// A reader of the snapshot's bytes (layout in `make_sn15.py`).
struct Bytes<'a> {
    b: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn bad(&self) -> Error {
        Error::parse(format!("sn15 data: malformed at byte {}", self.at))
    }
    /// An unsigned LEB128 varint.
    fn varint(&mut self) -> Result<u64> {
        let mut x = 0u64;
        for shift in (0..64).step_by(7) {
            let c = *self.b.get(self.at).ok_or_else(|| self.bad())?;
            self.at += 1;
            x |= ((c & 0x7F) as u64) << shift;
            if c < 0x80 {
                return Ok(x);
            }
        }
        Err(self.bad())
    }
    /// A varint below `max`.
    fn below(&mut self, max: u64) -> Result<u64> {
        let x = self.varint()?;
        if x < max {
            Ok(x)
        } else {
            Err(self.bad())
        }
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.b.get(self.at..self.at + 2).ok_or_else(|| self.bad())?;
        self.at += 2;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
}

/// Parses the embedded SN15 snapshot.
pub fn sn15() -> Result<Sn15> {
    let mut r = Bytes { b: SN15, at: 0 };
    let n = r.below(1 << 16)?;
    let mut stake = alloc::vec![0u64; n as usize];
    let mut uid = 0u64;
    for k in 0..r.below(n + 1)? {
        uid += r.below(n)? + (k > 0) as u64;
        *stake.get_mut(uid as usize).ok_or_else(|| r.bad())? = r.varint()?;
    }
    let heads = (0..r.below(n + 1)?)
        .map(|_| Ok((r.below(n)? as u16, r.below(n + 1)? as usize)))
        .collect::<Result<Vec<_>>>()?;
    let mut rows = Vec::with_capacity(heads.len());
    for &(u, len) in &heads {
        let mut row = Vec::with_capacity(len);
        let mut j = 0u64;
        for k in 0..len {
            j += r.below(n)? + (k > 0) as u64;
            if j >= n {
                return Err(r.bad());
            }
            row.push((j as u16, 0));
        }
        rows.push((u, row));
    }
    for (_, row) in rows.iter_mut() {
        for e in row.iter_mut() {
            e.1 = r.u16()?;
        }
    }
    if r.at != SN15.len() {
        return Err(r.bad());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sn15_snapshot_decodes_to_its_known_contents() {
        // Figures of the text form the binary replaced (`make_sn15.py` wrote both from the
        // same JSON): 167 staked uids, 20 weight rows of 1 687 entries.
        let s = sn15().unwrap();
        assert_eq!(s.stake.len(), 256);
        assert_eq!(s.stake.iter().filter(|&&x| x > 0).count(), 167);
        assert_eq!(s.stake.iter().sum::<u64>(), 5_443_579_650_458_077);
        assert_eq!(
            (s.stake[0], s.stake[2]),
            (423_150_100_000_000, 1_894_367_100_000_000)
        );
        assert_eq!(s.rows.len(), 20);
        assert_eq!(s.rows.iter().map(|r| r.1.len()).sum::<usize>(), 1687);
        assert_eq!(
            (s.rows[0].0, &s.rows[0].1[..3]),
            (0, &[(9, 14), (23, 1), (33, 4143)][..])
        );
        let last = s.rows.last().unwrap();
        assert_eq!(
            (last.0, &last.1[last.1.len() - 2..]),
            (253, &[(235, 24), (244, 24877)][..])
        );
        let weighted: u64 = s
            .rows
            .iter()
            .flat_map(|r| r.1.iter())
            .map(|&(j, v)| v as u64 * (j as u64 + 1))
            .sum();
        assert_eq!(weighted, 7_964_603_489);
    }
}
