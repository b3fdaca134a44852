//! Golden digests: every community case under every research variant, serialised as the
//! `taolab run` JSON, hashed. Any change to a number changes a digest. Regenerate on purpose
//! only, with `TAOLAB_BLESS=1 cargo test -p taolab-tests --test golden_research`.
//! The npm package's determinism test checks the same outputs in wasm.

use std::collections::BTreeMap;
use taolab::yuma::{cases, run_case, Variant};
use taolab_tests::{check_golden, sha256_hex};

#[test]
fn community_cases_match_their_golden_digests() {
    let mut digests = BTreeMap::new();
    for (n, case) in cases::all().into_iter().enumerate() {
        for v in [
            Variant::Yuma1,
            Variant::Yuma2,
            Variant::Yuma2b,
            Variant::Yuma2c,
            Variant::Yuma3,
        ] {
            let mut c = case.clone();
            c.variant = Some(v);
            let json = serde_json::to_string(&run_case(&c).unwrap()).unwrap();
            digests.insert(
                format!("case{:02}/{}", n + 1, v),
                sha256_hex(json.as_bytes()),
            );
        }
    }
    assert_eq!(digests.len(), 22 * 5);
    check_golden("golden/research-cases.json", &digests);
}

#[test]
fn case_inputs_match_their_golden_digests() {
    // Freezes the built-in cases themselves (including the seeded noisy cases 19-22).
    let mut digests = BTreeMap::new();
    for (n, case) in cases::all().into_iter().enumerate() {
        digests.insert(
            format!("case{:02}", n + 1),
            sha256_hex(serde_json::to_string(&case).unwrap().as_bytes()),
        );
    }
    check_golden("golden/case-inputs.json", &digests);
}
