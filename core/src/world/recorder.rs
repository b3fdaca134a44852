//! Time series out of a world: a row per recorded block, a row per subnet epoch, and the
//! events (registrations, prunings, flows), plus the [`Ledger`] that accounts for every rao.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// Network totals at one block.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct BlockRow {
    /// Block.
    pub block: u64,
    /// `TotalIssuance` after the block, rao.
    pub issuance: u64,
    /// TAO minted this block, rao.
    pub emission: u64,
    /// TAO injected into pools this block (liquidity + chain buys), rao.
    pub tao_to_pools: u64,
    /// TAO recycled this block, rao.
    pub recycled: u64,
    /// Subnets emitted to.
    pub subnets: u32,
    /// Epochs run this block.
    pub epochs: u32,
    /// TAO in all pools, rao.
    pub pool_tao: u64,
}

/// One subnet epoch.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct EpochRow {
    /// Block.
    pub block: u64,
    /// Netuid.
    pub netuid: u16,
    /// Emission share at the last block.
    pub share: f64,
    /// Spot price, TAO per alpha.
    pub price: f64,
    /// Moving price.
    pub moving_price: f64,
    /// Pool TAO, rao.
    pub pool_tao: u64,
    /// Pool alpha, rao.
    pub pool_alpha: u64,
    /// `SubnetAlphaOut`, rao.
    pub alpha_out: u64,
    /// TAO injected since the last epoch, rao.
    pub tao_in: u64,
    /// Owner cut paid, alpha rao.
    pub owner: u64,
    /// Miners paid, alpha rao.
    pub miners: u64,
    /// Validators paid, alpha rao.
    pub validators: u64,
    /// Root stakers paid, alpha rao.
    pub root: u64,
    /// Owner-owned miners' incentive burned, alpha rao.
    pub burned: u64,
    /// `Burn` (UID registration price), rao.
    pub burn_price: u64,
    /// UIDs registered since the last epoch.
    pub registrations: u32,
    /// UIDs pruned since the last epoch.
    pub prunings: u32,
    /// UIDs in the subnet.
    pub uids: u32,
}

/// A discrete event.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct EventRow {
    /// Block.
    pub block: u64,
    /// `uidRegistered`, `uidPruned`, `registrationFailed`, `subnetRegistered`, `subnetPruned`,
    /// `subnetRegistrationFailed`, `stake`, `unstake`.
    pub kind: &'static str,
    /// Netuid.
    pub netuid: u16,
    /// UID where relevant.
    pub uid: Option<u16>,
    /// Amount (TAO paid or received), rao.
    pub amount: u64,
}

/// Where every minted rao went (cumulative, u128).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Ledger {
    /// TAO minted.
    pub tao_minted: u128,
    /// TAO injected as liquidity.
    pub tao_injected: u128,
    /// TAO that bought alpha for the protocol (net of fees).
    pub tao_chain_bought: u128,
    /// TAO fees of chain buys (to block authors).
    pub tao_chain_fees: u128,
    /// TAO recycled (unused credit).
    pub tao_recycled: u128,
    /// Alpha injected into pools.
    pub alpha_injected: u128,
    /// Alpha out minted (`⌊alpha_out⌋` per block).
    pub alpha_out_minted: u128,
    /// Owner cut paid.
    pub owner: u128,
    /// Miners paid.
    pub miners: u128,
    /// Validators paid.
    pub validators: u128,
    /// Root stakers paid.
    pub root: u128,
    /// Owner-owned incentive burned (stays counted in `SubnetAlphaOut`).
    pub burned: u128,
    /// Root alpha recycled (root sell flag off) or undistributable alpha recycled.
    pub alpha_recycled: u128,
    /// Rounding dust (minted but owned by no one).
    pub dust: u128,
    /// Chain arithmetic: alpha the chain epoch paid beyond the drained buckets (its incentive
    /// is `⌊I/Σ(I+D)·(S+V+R)⌋`, which can exceed `S` by rounding); minted at payout and
    /// included in `alpha_out_minted`.
    pub alpha_epoch_minted: u128,
    /// Alpha bought by chain buys (protocol alpha, owned by no one).
    pub protocol_alpha: u128,
    /// TAO that entered from outside (stakes, registration burns, locks).
    pub tao_external_in: u128,
    /// TAO that left (unstakes, dissolved pools).
    pub tao_external_out: u128,
    /// User swap fees (TAO) to block authors.
    pub tao_user_fees: u128,
}

/// The recorded series.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Recorder {
    /// Per-block rows (every `recordEvery` blocks).
    pub blocks: Vec<BlockRow>,
    /// Per-epoch rows.
    pub epochs: Vec<EpochRow>,
    /// Events.
    pub events: Vec<EventRow>,
}

impl Recorder {
    /// Per-block rows as CSV.
    pub fn blocks_csv(&self) -> String {
        let mut s =
            String::from("block,issuance,emission,taoToPools,recycled,subnets,epochs,poolTao\n");
        for r in &self.blocks {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{}",
                r.block,
                r.issuance,
                r.emission,
                r.tao_to_pools,
                r.recycled,
                r.subnets,
                r.epochs,
                r.pool_tao
            );
        }
        s
    }

    /// Per-epoch rows as CSV.
    pub fn epochs_csv(&self) -> String {
        let mut s = String::from(
            "block,netuid,share,price,movingPrice,poolTao,poolAlpha,alphaOut,taoIn,owner,miners,validators,root,burned,burnPrice,registrations,prunings,uids\n",
        );
        for r in &self.epochs {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                r.block,
                r.netuid,
                r.share,
                r.price,
                r.moving_price,
                r.pool_tao,
                r.pool_alpha,
                r.alpha_out,
                r.tao_in,
                r.owner,
                r.miners,
                r.validators,
                r.root,
                r.burned,
                r.burn_price,
                r.registrations,
                r.prunings,
                r.uids
            );
        }
        s
    }

    /// Events as CSV.
    pub fn events_csv(&self) -> String {
        let mut s = String::from("block,kind,netuid,uid,amount\n");
        for e in &self.events {
            let uid = e.uid.map(|u| alloc::format!("{u}")).unwrap_or_default();
            let _ = writeln!(
                s,
                "{},{},{},{},{}",
                e.block, e.kind, e.netuid, uid, e.amount
            );
        }
        s
    }
}
