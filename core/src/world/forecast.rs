//! Which subnets the coming blocks' flows and registrations will touch, known ahead of time.
//!
//! The world's random events (stake flows, registrations) are drawn from its seeded RNG in a
//! fixed pattern: how many events a block holds, and which subnet each lands on, do not depend
//! on the state. A copy of the RNG, run ahead through that pattern, therefore names every
//! subnet the next blocks will touch. The epoch workers use it to start a subnet's epoch as
//! soon as its last touch before the epoch has happened, rather than a fixed few blocks
//! before it and then again after each touch (see [`crate::world::ahead`]).
//!
//! The forecast decides only when epochs are started ahead, never a result: a wrong forecast
//! costs time, not bits. It checks itself anyway: it records where the RNG should stand at
//! the end of each block, and starts over from the world's RNG whenever it does not.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;

/// What the forecast reads of the world: its RNG and the inputs of its event draws.
pub(crate) struct Events<'a> {
    /// The world's RNG, at the end of block `block`.
    pub rng: &'a ChaCha8Rng,
    /// The last block stepped.
    pub block: u64,
    /// The netuid of each subnet, in the world's order (the random draws pick an index).
    pub netuids: &'a [u16],
    /// Scripted flows `(block, netuid, tao, alpha)`, sorted, and the next one to apply.
    pub flows: &'a [(u64, u16, u64, u64)],
    pub flow_idx: usize,
    /// Scripted registrations `(block, netuid, count)`, sorted, and the next one to apply.
    pub regs: &'a [(u64, u16, u32)],
    pub reg_idx: usize,
    /// Scripted subnet registrations (blocks), sorted, and the next one.
    pub subnet_regs: &'a [u64],
    pub subnet_reg_idx: usize,
    /// Random flows per block, if any.
    pub flow_rate: Option<f64>,
    /// Random registrations per block.
    pub reg_rate: f64,
}

/// The touches of the blocks after the world's, as far as they are known.
#[derive(Debug, Clone, Default)]
pub(crate) struct Forecast {
    /// The RNG as the world's will be at the start of block `through + 1`.
    rng: Option<ChaCha8Rng>,
    /// The last block forecast.
    through: u64,
    /// The world's RNG position expected at the end of each forecast block.
    ends: VecDeque<(u64, u128)>,
    /// `(block, netuid)` of each touch forecast.
    touches: VecDeque<(u64, u16)>,
    /// The scripted events not yet forecast.
    flow_idx: usize,
    reg_idx: usize,
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// How many events a rate gives this block (the world's `count`, with the same draws).
fn count(rng: &mut ChaCha8Rng, rate: f64) -> u32 {
    if rate <= 0.0 {
        return 0;
    }
    let whole = crate::math::exact::floor(rate);
    whole as u32 + u32::from(uniform(rng) < rate - whole)
}

impl Forecast {
    /// Brings the forecast up to `until` (as far as a subnet registration allows: it renumbers
    /// the subnets), starting over from the world's RNG if it went astray. Returns the last
    /// block whose touches are known.
    pub(crate) fn extend(&mut self, w: &Events<'_>, until: u64) -> u64 {
        while self.ends.front().is_some_and(|&(b, _)| b < w.block) {
            self.ends.pop_front();
        }
        while self.touches.front().is_some_and(|&(b, _)| b <= w.block) {
            self.touches.pop_front();
        }
        let on_track = match self.ends.front() {
            Some(&(b, pos)) => b == w.block && pos == w.rng.get_word_pos(),
            None => self.rng.is_some() && self.through == w.block,
        };
        if !on_track || self.rng.is_none() {
            self.rng = Some(w.rng.clone());
            self.through = w.block;
            self.ends.clear();
            self.touches.clear();
            self.flow_idx = w.flow_idx;
            self.reg_idx = w.reg_idx;
        }
        let stop = w
            .subnet_regs
            .get(w.subnet_reg_idx)
            .map_or(until, |&r| r.min(until));
        let Some(rng) = self.rng.as_mut() else {
            return self.through;
        };
        while self.through < stop {
            let b = self.through + 1;
            let n = w.netuids.len();
            while let Some(&(fb, netuid, _, _)) = w.flows.get(self.flow_idx) {
                if fb > b {
                    break;
                }
                self.flow_idx += 1;
                self.touches.push_back((b, netuid));
            }
            if let Some(rate) = w.flow_rate {
                for _ in 0..count(rng, rate) {
                    if n == 0 {
                        break;
                    }
                    let i = (uniform(rng) * n as f64) as usize % n;
                    uniform(rng);
                    uniform(rng);
                    self.touches.push_back((b, w.netuids[i]));
                }
            }
            while let Some(&(rb, netuid, k)) = w.regs.get(self.reg_idx) {
                if rb > b {
                    break;
                }
                self.reg_idx += 1;
                if w.netuids.binary_search(&netuid).is_ok() {
                    for _ in 0..k {
                        uniform(rng);
                        self.touches.push_back((b, netuid));
                    }
                }
            }
            for _ in 0..count(rng, w.reg_rate) {
                if n == 0 {
                    break;
                }
                let i = (uniform(rng) * n as f64) as usize % n;
                uniform(rng);
                self.touches.push_back((b, w.netuids[i]));
            }
            self.through = b;
            self.ends.push_back((b, rng.get_word_pos()));
        }
        self.through
    }

    /// The first forecast touch of each netuid (`u64::MAX` for none), into `first` (indexed
    /// by netuid).
    pub(crate) fn first_touches(&self, first: &mut Vec<u64>) {
        first.fill(u64::MAX);
        for &(b, u) in &self.touches {
            let u = u as usize;
            if u >= first.len() {
                first.resize(u + 1, u64::MAX);
            }
            first[u] = first[u].min(b);
        }
    }
}
