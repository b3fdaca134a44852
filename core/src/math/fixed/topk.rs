//! Top-k selection for validator permits (spec §2.5).

use super::ops::{I32F32, ZERO};
use alloc::vec::Vec;

/// `is_topk_nonzero(v, k)`: `res_i = (v_i ≠ 0)`; if `len < k` that is the answer. Otherwise the
/// indices are stable-sorted by value (ascending) and the first `len − k` set to false: among
/// equal values the lower index drops out first, so ties favour the higher UID.
pub fn is_topk_nonzero(v: &[I32F32], k: usize) -> Vec<bool> {
    let mut res: Vec<bool> = v.iter().map(|x| *x != ZERO).collect();
    let mut idx = Vec::new();
    topk_into(v, k, &mut res, &mut idx);
    res
}

/// `is_topk(v, k)`: as [`is_topk_nonzero`] but starting from all-true.
pub fn is_topk(v: &[I32F32], k: usize) -> Vec<bool> {
    let mut res = alloc::vec![true; v.len()];
    let mut idx = Vec::new();
    topk_into(v, k, &mut res, &mut idx);
    res
}

/// Clears the `len − k` lowest entries of `res` (stable order), reusing `idx` as scratch.
///
/// The first `len − k` indices of the stable sort by value are the `len − k` least by
/// `(value, index)`: a selection (`select_nth_unstable`, linear time) finds that set without
/// sorting (only membership matters, not the order within it).
/// Any totally ordered value works (I32F32 stake shares on chain, rao in the float world).
pub fn topk_into<T: Ord + Copy>(v: &[T], k: usize, res: &mut [bool], idx: &mut Vec<u32>) {
    let n = v.len();
    if n <= k {
        return;
    }
    idx.clear();
    idx.extend(0..n as u32);
    let key = |i: u32| (v[i as usize], i);
    idx.select_nth_unstable_by(n - k - 1, |&a, &b| key(a).cmp(&key(b)));
    for &i in idx.iter().take(n - k) {
        if let Some(r) = res.get_mut(i as usize) {
            *r = false;
        }
    }
}
