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
