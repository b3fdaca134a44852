//! Seeded random chain inputs, for the property tests and the benchmark (deterministic:
//! the same seed gives the same input on every platform).

use super::input::ChainInput;
use alloc::vec::Vec;

/// What [`random_input`] generates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomShape {
    /// Number of UIDs.
    pub n: usize,
    /// UIDs `0..validators` carry most of the stake and set weights.
    pub validators: usize,
    /// Weight entries per validator row (capped at n).
    pub per_row: usize,
    /// Randomise everything (masks, permits, parameters, row order, explicit zeros); when
    /// false, a clean production-like subnet (all active, permits held, sorted rows, default
    /// parameters).
    pub wild: bool,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, k: u64) -> u64 {
        if k == 0 {
            0
        } else {
            self.next() % k
        }
    }
    fn chance(&mut self, p_percent: u64) -> bool {
        self.below(100) < p_percent
    }
}

/// A random, valid [`ChainInput`] of the given shape.
pub fn random_input(shape: RandomShape, seed: u64) -> ChainInput {
    let RandomShape {
        n,
        validators,
        per_row,
        wild,
    } = shape;
    let v = validators.min(n);
    let mut r = Rng(seed);
    let block = 10_000 + r.below(1000);
    let mut input = ChainInput::new(n, block, 1_000_000_000 + r.below(1 << 40));
    let stake: Vec<u64> = (0..n)
        .map(|i| {
            if i < v {
                1_000_000_000 + r.below(1 << 50)
            } else if wild && r.chance(30) {
                r.below(1 << 30)
            } else {
                0
            }
        })
        .collect();
    input.stake = Some(stake);
    input.max_allowed_validators = v.max(1) as u16;
    for i in 0..n {
        input.last_update[i] = if wild && r.chance(10) {
            r.below(block / 2)
        } else {
            block - r.below(100)
        };
        input.block_at_registration[i] = if wild && r.chance(10) {
            block - r.below(500)
        } else {
            r.below(1000)
        };
        input.validator_permit[i] = if wild {
            i < v && r.chance(90) || r.chance(5)
        } else {
            i < v
        };
    }
    let per_row = per_row.min(n);
    let mut cols: Vec<u16> = (0..n as u16).collect();
    for i in 0..v {
        // A random subset of per_row columns (partial Fisher–Yates).
        for k in 0..per_row {
            let p = k + r.below((n - k) as u64) as usize;
            cols.swap(k, p);
        }
        let mut row: Vec<(u16, u16)> = cols[..per_row]
            .iter()
            .map(|&j| {
                (
                    j,
                    if wild && r.chance(10) {
                        0
                    } else {
                        1 + r.below(65535) as u16
                    },
                )
            })
            .collect();
        if !(wild && r.chance(30)) {
            row.sort_unstable_by_key(|e| e.0);
        }
        if let Some(m) = row.iter().map(|e| e.1).max() {
            // Stored rows are max-upscaled: the largest entry is 65535.
            if m > 0 {
                for e in row.iter_mut() {
                    e.1 = ((e.1 as u64 * 65535 + m as u64 / 2) / m as u64) as u16;
                }
            }
        }
        input.weights[i] = row;
        let mut bonds: Vec<(u16, u16)> = Vec::new();
        for &(j, _) in &input.weights[i] {
            if r.chance(80) {
                bonds.push((j, r.below(65536) as u16));
            }
        }
        if !wild || r.chance(70) {
            bonds.sort_unstable_by_key(|e| e.0);
        }
        input.bonds[i] = bonds;
    }
    if wild {
        input.kappa = [32767, 0, 65535, r.below(65536) as u16][r.below(4) as usize];
        input.bonds_penalty = [65535, 0, r.below(65536) as u16][r.below(3) as usize];
        input.bonds_moving_average = [900_000, 975_000, r.below(1_000_001)][r.below(3) as usize];
        input.yuma3_enabled = r.chance(60);
        input.liquid_alpha_enabled = r.chance(50);
        let (a, b) = (r.below(65536) as u16, r.below(65536) as u16);
        (input.alpha_low, input.alpha_high) = if r.chance(80) {
            (a.min(b), a.max(b))
        } else {
            (a, b)
        };
        input.alpha_sigmoid_steepness =
            [1000, r.below(3000) as i16, -(r.below(3000) as i16)][r.below(3) as usize];
        input.owner_uid = if r.chance(30) {
            Some(r.below(n as u64) as u16)
        } else {
            None
        };
        input.stake_threshold = if r.chance(20) { r.below(1 << 45) } else { 0 };
        input.last_mechanism_step_block = if r.chance(50) {
            block - 1 - r.below(400)
        } else {
            0
        };
        input.tempo = 1 + r.below(720);
        input.activity_cutoff = 1 + r.below(5000);
        if r.chance(30) {
            input.commit_blocks = Some(
                (0..n)
                    .map(|_| {
                        if r.chance(50) {
                            Some(block - r.below(800))
                        } else {
                            None
                        }
                    })
                    .collect(),
            );
        }
    }
    input
}
