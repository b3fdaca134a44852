//! Shared helpers for the taolab test suites.

use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Hex SHA-256 of a byte string.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Path of a file under the `tests/` crate.
pub fn crate_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// True when golden files should be rewritten (`TAOLAB_BLESS=1`), on purpose only.
pub fn blessing() -> bool {
    std::env::var("TAOLAB_BLESS")
        .map(|v| v == "1")
        .unwrap_or(false)
}

/// Compares `actual` with the golden JSON file `rel` (a map of name → digest), or rewrites
/// the file when blessing. Panics with every mismatch listed.
pub fn check_golden(rel: &str, actual: &std::collections::BTreeMap<String, String>) {
    let path = crate_path(rel);
    if blessing() {
        let text = serde_json::to_string_pretty(actual).expect("serialise golden");
        std::fs::write(&path, text + "\n").expect("write golden");
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with TAOLAB_BLESS=1 to create it",
            path.display()
        )
    });
    let want: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&text).expect("golden JSON");
    let mut bad = Vec::new();
    for (k, v) in actual {
        match want.get(k) {
            Some(w) if w == v => {}
            Some(w) => bad.push(format!("{k}: got {v}, golden {w}")),
            None => bad.push(format!("{k}: missing from the golden file")),
        }
    }
    for k in want.keys() {
        if !actual.contains_key(k) {
            bad.push(format!("{k}: in the golden file but not produced"));
        }
    }
    assert!(
        bad.is_empty(),
        "golden mismatches in {rel}:\n{}",
        bad.join("\n")
    );
}

/// Checks that every rao minted is accounted for.
pub fn assert_conserved(w: &taolab::world::World) {
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
    // (User fees are on both sides: a sale's fee is not part of what came in.)
    assert_eq!(
        pool_tao + l.tao_external_out + l.tao_user_fees,
        w.initial_pool_tao() + l.tao_injected + l.tao_chain_bought + l.tao_external_in,
        "pool TAO"
    );
    // Dust is rounding only: at most a few rao per subnet-block.
    assert!(
        l.dust <= l.alpha_out_minted / 1_000_000,
        "dust {} of {}",
        l.dust,
        l.alpha_out_minted
    );
}

/// SplitMix64: a tiny seeded generator for the suites' random inputs.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..k (0 when k is 0).
    pub fn below(&mut self, k: usize) -> usize {
        if k == 0 {
            0
        } else {
            (self.next_u64() % k as u64) as usize
        }
    }
}
