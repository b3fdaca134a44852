//! The 22 community cases of `yuma-simulation` (spec/yuma-variants.md §5), as built-in
//! scenarios: 3 validators, 40 epochs, 2 or 3 servers.
//!
//! "→ S2" means a validator puts weight 1.0 on server 2. Bond resets (cases 5–8, 12, 13) are
//! carried as `resetBondsColumn` on their epoch; like upstream, only Yuma 2C and Yuma 3 (and
//! the chain variant) honour them.
//!
//! Cases 19–22 use noisy scores. Upstream draws them from torch's generator, which cannot be
//! reproduced outside torch; here each (validator, server, epoch) draw comes from a ChaCha8
//! stream seeded with `42 + k·40 + epoch` (k the upstream generator index) and a Box–Muller
//! normal, so the cases keep their definition (same means, noise and seeds) with other
//! realised values. They are frozen by the golden digests in the test suite.

use super::case::{Case, CaseEpoch};
use super::params::Params;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Number of built-in cases.
pub const COUNT: usize = 22;
/// Epochs per case.
pub const EPOCHS: usize = 40;

/// Summary of a built-in case, for listings.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct CaseInfo {
    /// 1-based case number.
    pub number: usize,
    /// Name as upstream prints it.
    pub name: String,
    /// Number of servers.
    pub servers: usize,
    /// The validator the total-dividends table compares against.
    pub base_validator: String,
}

/// Every built-in case, numbered from 1.
pub fn all() -> Vec<Case> {
    (1..=COUNT).filter_map(case).collect()
}

/// A one-line summary of every case.
pub fn list() -> Vec<CaseInfo> {
    all()
        .into_iter()
        .enumerate()
        .map(|(i, c)| CaseInfo {
            number: i + 1,
            servers: c.shape().1,
            base_validator: c.base_validator.clone().unwrap_or_default(),
            name: c.name.unwrap_or_default(),
        })
        .collect()
}

const BIG: f64 = 0.8;
const SMALL: f64 = 0.1;

/// Weight row of one validator putting 1.0 on server `s` (0-based) out of `n`.
fn to(s: usize, n: usize) -> Vec<f64> {
    let mut r = vec![0.0; n];
    r[s] = 1.0;
    r
}

/// Builds a case whose weights come from `f(epoch) -> [rows]`, with constant stakes.
fn build(
    name: &str,
    validators: [&str; 3],
    base: usize,
    servers: usize,
    stakes: impl Fn(usize) -> [f64; 3],
    weights: impl Fn(usize) -> [Vec<f64>; 3],
    reset: Option<(usize, usize)>,
) -> Case {
    let epochs = (0..EPOCHS)
        .map(|e| CaseEpoch {
            weights: weights(e).to_vec(),
            stakes: stakes(e).to_vec(),
            reset_bonds_column: match reset {
                Some((epoch, col)) if epoch == e => Some(col),
                _ => None,
            },
        })
        .collect();
    Case {
        name: Some(name.to_string()),
        variant: None,
        params: Params::default(),
        epochs,
        validators: Some(validators.iter().map(|s| s.to_string()).collect()),
        servers: Some(
            (1..=servers)
                .map(|j| alloc::format!("Server {j}"))
                .collect(),
        ),
        base_validator: Some(validators[base].to_string()),
    }
}

fn default_stakes(_: usize) -> [f64; 3] {
    [BIG, SMALL, SMALL]
}

/// Two-server case given by which server (0 or 1) each validator targets per epoch.
fn switch_case(
    name: &str,
    validators: [&str; 3],
    base: usize,
    targets: impl Fn(usize) -> [usize; 3],
    reset: Option<(usize, usize)>,
) -> Case {
    build(
        name,
        validators,
        base,
        2,
        default_stakes,
        |e| targets(e).map(|s| to(s, 2)),
        reset,
    )
}

/// The built-in case `n` (1-based), or `None`.
pub fn case(n: usize) -> Option<Case> {
    const KAPPA_NAMES: [&str; 3] = [
        "Big vali. (0.8)",
        "Small eager vali. (0.1)",
        "Small lazy vali. (0.1)",
    ];
    Some(match n {
        1 => switch_case(
            "Case 1 - kappa moves first",
            ["Big vali. (0.8)", "Small lazy vali. (0.1)", "Small lazier vali. (0.1)"],
            0,
            |e| match e {
                0 => [0, 0, 0],
                1 => [1, 0, 0],
                2 => [1, 1, 0],
                _ => [1, 1, 1],
            },
            None,
        ),
        2 => switch_case(
            "Case 2 - kappa moves second",
            KAPPA_NAMES,
            1,
            |e| match e {
                0 => [0, 0, 0],
                1 => [0, 1, 0],
                2 => [1, 1, 0],
                _ => [1, 1, 1],
            },
            None,
        ),
        3 => switch_case(
            "Case 3 - kappa moves third",
            KAPPA_NAMES,
            1,
            |e| match e {
                0 => [0, 0, 0],
                1 => [0, 1, 0],
                2 => [0, 1, 1],
                _ => [1, 1, 1],
            },
            None,
        ),
        4 => switch_case(
            "Case 4 - all validators switch",
            ["Big vali. (0.8)", "Small vali. (0.1)", "Small vali 2. (0.1)"],
            0,
            |e| if e == 0 { [0, 0, 0] } else { [1, 1, 1] },
            None,
        ),
        5 => switch_case(
            "Case 5 - kappa moves second, then third",
            ["Big vali. (0.8)", "Small eager-eager vali. (0.1)", "Small eager-lazy vali. (0.1)"],
            1,
            |e| match e {
                0 => [0, 0, 0],
                1 => [0, 1, 1],
                2..=20 => [1, 1, 1],
                21 => [1, 0, 1],
                22 => [1, 0, 0],
                _ => [0, 0, 0],
            },
            Some((20, 1)),
        ),
        6 => switch_case(
            "Case 6 - kappa moves second, then all validators switch",
            KAPPA_NAMES,
            1,
            |e| match e {
                0 => [0, 0, 0],
                1 => [0, 1, 0],
                2 => [1, 1, 0],
                3..=20 => [1, 1, 1],
                _ => [0, 0, 0],
            },
            Some((21, 0)),
        ),
        7 => switch_case(
            "Case 7 - big vali moves late, then all but one small vali moves late",
            ["Big vali. (0.8)", "Small eager-lazy vali. (0.1)", "Small eager-eager vali. (0.1)"],
            2,
            |e| match e {
                0 => [0, 0, 0],
                1 => [0, 1, 1],
                2..=20 => [1, 1, 1],
                21 => [1, 1, 0],
                _ => [0, 0, 0],
            },
            Some((21, 0)),
        ),
        8 => switch_case(
            "Case 8 - big vali moves late, then late",
            ["Big dishonest lazy vali. (0.8)", "Small eager-eager vali. (0.1)", "Small eager-eager vali 2. (0.1)"],
            1,
            |e| match e {
                0 => [0, 0, 0],
                1 => [0, 1, 1],
                2..=20 => [1, 1, 1],
                21 => [1, 0, 0],
                _ => [0, 0, 0],
            },
            Some((20, 1)),
        ),
        9 => build(
            "Case 9 - small validators merged in e5",
            ["Big vali. (0.8)", "Small vali. (0.1/0.2)", "Small vali 2. (0.1/0.0)"],
            0,
            2,
            |e| if e <= 5 { [BIG, SMALL, SMALL] } else { [BIG, 0.2, 0.0] },
            |_| [to(1, 2), to(1, 2), to(1, 2)],
            None,
        ),
        10 => switch_case(
            "Case 10 - kappa delayed",
            ["Big delayed vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"],
            1,
            |e| match e {
                0 => [0, 0, 0],
                1..=9 => [0, 1, 0],
                10 => [1, 1, 0],
                _ => [1, 1, 1],
            },
            None,
        ),
        11 => build(
            "Case 11 - clipping demo",
            ["Big vali. 1 (0.49)", "Big vali. 2 (0.49)", "Small vali. (0.02)"],
            0,
            2,
            |_| [0.49, 0.49, 0.02],
            |e| {
                let c = if e < 20 { vec![0.61, 0.39] } else { vec![0.3, 0.61] };
                [vec![0.3, 0.7], vec![0.6, 0.4], c]
            },
            None,
        ),
        12 => build(
            "Case 12 - all validators switch, but small validator/s support alt miner with minimal weight",
            ["Big vali. (0.8)", "Small dishonest vali. (0.1)", "Small vali. (0.1)"],
            0,
            2,
            default_stakes,
            |e| {
                if (1..=20).contains(&e) {
                    [to(1, 2), vec![0.001, 0.999], to(1, 2)]
                } else {
                    [to(0, 2), vec![0.999, 0.001], to(0, 2)]
                }
            },
            Some((20, 1)),
        ),
        13 => build(
            "Case 13 - Big vali supports server 2, small validator/s support server 1",
            ["Big vali. (0.8)", "Small vali. (0.1)", "Small vali 2. (0.1)"],
            0,
            2,
            default_stakes,
            |e| {
                let c = if e <= 20 { to(1, 2) } else { vec![0.5, 0.5] };
                [to(1, 2), vec![0.5, 0.5], c]
            },
            Some((20, 0)),
        ),
        14 => build(
            "Case 14 - All validators support Server 1, one of them switches to Server 2 for one epoch",
            ["Vali. 1 (0.33)", "Vali. 2 (0.33)", "Vali. 3 (0.34)"],
            0,
            2,
            |_| [0.33, 0.33, 0.34],
            |e| [to(0, 2), to(0, 2), to(if e == 20 { 1 } else { 0 }, 2)],
            None,
        ),
        15..=18 => {
            let x = [0.25, 0.5, 0.75, 0.9][n - 15];
            let label = ["0.25", "0.5", "0.75", "0.9"][n - 15];
            let old = vec![1.0 - x, 0.0, x];
            let new = vec![0.0, 1.0 - x, x];
            let name = alloc::format!("Case {n} - big vali moves second, stable miner gets {label}");
            build(
                &name,
                KAPPA_NAMES,
                1,
                3,
                default_stakes,
                move |e| match e {
                    0 => [old.clone(), old.clone(), old.clone()],
                    1 => [old.clone(), new.clone(), old.clone()],
                    2 => [new.clone(), new.clone(), old.clone()],
                    _ => [new.clone(), new.clone(), new.clone()],
                },
                None,
            )
        }
        19 | 20 => {
            let names = ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Small vali. (high noise)"];
            let client_wta = n == 19;
            let name = if client_wta { "Case 19 - Client-side WTA" } else { "Case 20 - Server-side WTA" };
            let mut c = build(
                name,
                names,
                0,
                2,
                |_| [0.49, 0.49, 0.02],
                |e| {
                    let w = noisy_scores(e, &[0.6, 0.55], &[0.05, 0.15, 0.15], true);
                    if client_wta {
                        w.map(|r| argmax_row(&r))
                    } else {
                        w
                    }
                },
                None,
            );
            c.params.winner_takes_all = !client_wta;
            c
        }
        21 | 22 => {
            let names = ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Big vali. 3 (high noise)"];
            let client_wta = n == 21;
            let name = if client_wta { "Case 21 - 3 servers Client-side WTA" } else { "Case 22 - 3 servers Server-side WTA" };
            let mut c = build(
                name,
                names,
                0,
                3,
                |_| [0.34, 0.33, 0.33],
                |e| {
                    let w = noisy_scores(e, &[0.30, 0.35, 0.40], &[0.05, 0.10, 0.10], false);
                    if client_wta {
                        w.map(|r| argmax_row(&r))
                    } else {
                        w
                    }
                },
                None,
            );
            // Upstream switches server-side WTA on for both 3-server cases.
            c.params.winner_takes_all = true;
            c
        }
        _ => return None,
    })
}

/// A standard normal draw from a ChaCha8 stream (Box–Muller on two 53-bit uniforms).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = ((rng.next_u64() >> 11) as f64 + 1.0) / 9_007_199_254_740_993.0; // (0, 1]
    let u2 = (rng.next_u64() >> 11) as f64 / 9_007_199_254_740_992.0; // [0, 1)
    crate::math::exact::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
}

/// Noisy proportional scores of the WTA cases: `perf_j + N(0, sd_i²)`, clamped to [0, 1],
/// row-normalised with the simulator's `+1e-6`. Two-server cases draw one generator per
/// (validator, server) as upstream (k = 2i + j); three-server cases one per validator (k = i).
fn noisy_scores(epoch: usize, perf: &[f64], sd: &[f64; 3], per_entry: bool) -> [Vec<f64>; 3] {
    let n = perf.len();
    let rows: Vec<Vec<f64>> = (0..3)
        .map(|i| {
            let mut row = vec![0.0; n];
            let mut shared = ChaCha8Rng::seed_from_u64(42 + (i * EPOCHS + epoch) as u64);
            for (j, r) in row.iter_mut().enumerate() {
                let x = if per_entry {
                    let k = 2 * i + j;
                    let mut g = ChaCha8Rng::seed_from_u64(42 + (k * EPOCHS + epoch) as u64);
                    perf[j] + sd[i] * normal(&mut g)
                } else {
                    perf[j] + sd[i] * normal(&mut shared)
                };
                *r = x.clamp(0.0, 1.0);
            }
            let sum: f64 = row.iter().sum();
            row.iter_mut().for_each(|x| *x /= sum + 1e-6);
            row
        })
        .collect();
    [rows[0].clone(), rows[1].clone(), rows[2].clone()]
}

/// Client-side winner-takes-all: 1.0 on the row's first maximum.
fn argmax_row(row: &[f64]) -> Vec<f64> {
    let mut best = 0;
    for (j, &x) in row.iter().enumerate() {
        if x > row[best] {
            best = j;
        }
    }
    to(best, row.len())
}
