//! Which UID a registration into a full subnet replaces (`get_neuron_to_prune`, §10.3).
//!
//! Score = (`Emission`, `BlockAtRegistration`, uid), lexicographic minimum; immortal owner
//! UIDs are never candidates. If more than `MinNonImmuneUids` non-immune UIDs exist the
//! lowest non-immune one goes, otherwise the lowest immune one (an immune UID can go).

/// One UID as pruning sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UidCandidate {
    /// Last epoch's emission (rao).
    pub emission: u64,
    /// `BlockAtRegistration`.
    pub registered_at: u64,
    /// Whether the UID is an immortal owner UID.
    pub immortal: bool,
}

/// The UID to replace, or `None` (registration fails).
pub fn uid_to_prune(
    uids: &[UidCandidate],
    block: u64,
    immunity_period: u64,
    min_non_immune: usize,
) -> Option<usize> {
    uid_to_prune_by(
        uids.len(),
        |i| uids[i],
        block,
        immunity_period,
        min_non_immune,
    )
}

/// [`uid_to_prune`] over the `n` candidates `uid(0) .. uid(n − 1)`, without a slice of them.
pub fn uid_to_prune_by(
    n: usize,
    uid: impl Fn(usize) -> UidCandidate,
    block: u64,
    immunity_period: u64,
    min_non_immune: usize,
) -> Option<usize> {
    let mut best_non_immune: Option<(u64, u64, usize)> = None;
    let mut best_immune: Option<(u64, u64, usize)> = None;
    let mut free = 0usize;
    for i in 0..n {
        let u = uid(i);
        if u.immortal {
            continue;
        }
        let key = (u.emission, u.registered_at, i);
        let immune = block.saturating_sub(u.registered_at) < immunity_period;
        let slot = if immune {
            &mut best_immune
        } else {
            &mut best_non_immune
        };
        if !immune {
            free += 1;
        }
        if slot.is_none_or(|b| key < b) {
            *slot = Some(key);
        }
    }
    if free > min_non_immune {
        best_non_immune.map(|k| k.2)
    } else {
        best_immune.or(best_non_immune).map(|k| k.2)
    }
}
