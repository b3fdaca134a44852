//! [`ChainState`]: the storage an epoch reads and writes, carried between epochs.

use super::input::{ChainInput, U16Row};
use super::output::ChainOutput;

/// The per-subnet storage that survives an epoch: stored weights and bonds, permits,
/// `LastUpdate`, `BlockAtRegistration` and `LastMechansimStepBlock`. Build the next epoch's
/// input with [`ChainState::fill_input`], run it, then [`ChainState::apply`] the output, as the
/// chain does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChainState {
    /// `Weights` rows as stored.
    pub weights: alloc::vec::Vec<U16Row>,
    /// `Bonds` rows as stored.
    pub bonds: alloc::vec::Vec<U16Row>,
    /// `ValidatorPermit`.
    pub validator_permit: alloc::vec::Vec<bool>,
    /// `LastUpdate`.
    pub last_update: alloc::vec::Vec<u64>,
    /// `BlockAtRegistration`.
    pub block_at_registration: alloc::vec::Vec<u64>,
    /// `LastMechansimStepBlock` (0 until an epoch ran in the coinbase).
    pub last_mechanism_step_block: u64,
}

impl ChainState {
    /// The state stored in an input.
    pub fn from_input(input: &ChainInput) -> ChainState {
        ChainState {
            weights: input.weights.clone(),
            bonds: input.bonds.clone(),
            validator_permit: input.validator_permit.clone(),
            last_update: input.last_update.clone(),
            block_at_registration: input.block_at_registration.clone(),
            last_mechanism_step_block: input.last_mechanism_step_block,
        }
    }

    /// Copies this state into `input` (everything else — stake, parameters, block — is the
    /// caller's).
    pub fn fill_input(&self, input: &mut ChainInput) {
        input.weights.clone_from(&self.weights);
        input.bonds.clone_from(&self.bonds);
        input.validator_permit.clone_from(&self.validator_permit);
        input.last_update.clone_from(&self.last_update);
        input
            .block_at_registration
            .clone_from(&self.block_at_registration);
        input.last_mechanism_step_block = self.last_mechanism_step_block;
    }

    /// What the chain persists after an epoch at `block`: the new permits and bonds, and (when
    /// `in_coinbase`, i.e. the epoch ran from the block step rather than a direct call)
    /// `LastMechansimStepBlock = block`, so the next bonds mask uses `last_tempo = block + 1`.
    pub fn apply(&mut self, out: &ChainOutput, block: u64, in_coinbase: bool) {
        self.validator_permit.clone_from(&out.validator_permit);
        self.bonds.clone_from(&out.bonds);
        if in_coinbase {
            self.last_mechanism_step_block = block;
        }
    }

    /// `set_weights` by `uid` at `block`: the row is max-upscaled to u16
    /// (`vec_u16_max_upscale_to_u16`), stored as given (zeros kept), and `LastUpdate` set.
    pub fn set_weights(&mut self, uid: usize, row: &[(u16, u16)], block: u64) {
        let vals: alloc::vec::Vec<u16> = row.iter().map(|e| e.1).collect();
        let up = crate::math::fixed::convert::vec_u16_max_upscale_to_u16(&vals);
        if let (Some(w), Some(lu)) = (self.weights.get_mut(uid), self.last_update.get_mut(uid)) {
            *w = row.iter().zip(up).map(|(e, v)| (e.0, v)).collect();
            *lu = block;
        }
    }

    /// A new key registered on `uid` at `block` (a replacement): its weights, bonds and
    /// permit are cleared, other validators' weights to it are set to 0, and
    /// `LastUpdate = BlockAtRegistration = block`. Bonds held *towards* it are left for the
    /// next epoch's mask (`last_tempo ≤ BlockAtRegistration`), as on chain.
    pub fn register(&mut self, uid: usize, block: u64) {
        if uid >= self.weights.len() {
            return;
        }
        self.weights[uid].clear();
        if let Some(b) = self.bonds.get_mut(uid) {
            b.clear();
        }
        if let Some(p) = self.validator_permit.get_mut(uid) {
            *p = false;
        }
        for row in self.weights.iter_mut() {
            for e in row.iter_mut() {
                if e.0 as usize == uid {
                    e.1 = 0;
                }
            }
        }
        self.last_update[uid] = block;
        if let Some(b) = self.block_at_registration.get_mut(uid) {
            *b = block;
        }
    }

    /// `do_reset_bonds`: delete column `uid` from every bond row (`BondsReset`).
    pub fn reset_bonds_column(&mut self, uid: u16) {
        for row in self.bonds.iter_mut() {
            row.retain(|e| e.0 != uid);
        }
    }
}
