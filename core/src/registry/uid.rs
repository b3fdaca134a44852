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
    let mut best_non_immune: Option<(u64, u64, usize)> = None;
    let mut best_immune: Option<(u64, u64, usize)> = None;
    let mut free = 0usize;
    for (i, u) in uids.iter().enumerate() {
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

/// [`uid_to_prune`] over neuron columns: uid `u` has `emission[u]` and `registered_at[u]`
/// (equal lengths), and only uid 0 can be immortal (`zero_immortal`).
///
/// Uids come in increasing order, so a later uid replaces the best so far only when its
/// `(emission, registered_at)` is strictly smaller: the pair alone decides, packed in a u128.
pub fn uid_to_prune_cols(
    emission: &[u64],
    registered_at: &[u64],
    zero_immortal: bool,
    block: u64,
    immunity_period: u64,
    min_non_immune: usize,
) -> Option<usize> {
    let none = (u128::MAX, usize::MAX);
    let (mut best_non_immune, mut best_immune) = (none, none);
    let mut free = 0usize;
    for (i, (&e, &r)) in emission.iter().zip(registered_at).enumerate() {
        if i == 0 && zero_immortal {
            continue;
        }
        let key = (e as u128) << 64 | r as u128;
        let immune = block.saturating_sub(r) < immunity_period;
        let slot = if immune {
            &mut best_immune
        } else {
            &mut best_non_immune
        };
        free += usize::from(!immune);
        if slot.1 == usize::MAX || key < slot.0 {
            *slot = (key, i);
        }
    }
    let pick = |b: (u128, usize)| (b.1 != usize::MAX).then_some(b.1);
    if free > min_non_immune {
        pick(best_non_immune)
    } else {
        pick(best_immune).or(pick(best_non_immune))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    proptest! {
        /// The column form picks the uid that the candidate form picks.
        #[test]
        fn cols_match_candidates(
            cols in proptest::collection::vec((0u64..4, 0u64..12), 0..40),
            zero_immortal in any::<bool>(),
            block in 0u64..16,
            immunity in 0u64..8,
            min_non_immune in 0usize..6,
        ) {
            let emission: Vec<u64> = cols.iter().map(|c| c.0).collect();
            let registered_at: Vec<u64> = cols.iter().map(|c| c.1).collect();
            let cands: Vec<UidCandidate> = cols
                .iter()
                .enumerate()
                .map(|(u, c)| UidCandidate {
                    emission: c.0,
                    registered_at: c.1,
                    immortal: u == 0 && zero_immortal,
                })
                .collect();
            prop_assert_eq!(
                uid_to_prune_cols(&emission, &registered_at, zero_immortal, block, immunity, min_non_immune),
                uid_to_prune(&cands, block, immunity, min_non_immune)
            );
        }
    }
}
