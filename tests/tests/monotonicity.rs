//! Monotonicity: the directions the economics promise, on random inputs.
//!
//! * Consensus (the stake-weighted κ-quantile) never rises with κ, in floats and on the
//!   chain: the more stake that must support a weight, the lower the weight it supports.
//! * Block emission never rises with issuance (halvings are triggered by issuance).
//! * The subnet lock cost never rises between registrations, and never falls below its
//!   minimum; the UID burn price only decays between registrations and only rises at one.
//! * A pool pays more alpha for more TAO (and more TAO for more alpha), and a buy never
//!   lowers the price nor a sale raise it.

use proptest::prelude::*;
use taolab::emission::block_emission;
use taolab::math::consensus::{consensus_dense, Scratch};
use taolab::pool::{Curve, Pool};
use taolab::registry::{lock_cost, BurnPrice, LockState};
use taolab::yuma::chain::epoch as chain_epoch;
use taolab::yuma::chain::random::{random_input, RandomShape};

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn float_consensus_never_rises_with_kappa(
        rows in 1usize..9,
        cols in 1usize..9,
        seed in any::<u64>(),
        k in (0.0f64..0.99, 0.0f64..0.99),
    ) {
        let mut r = taolab_tests::SplitMix(seed);
        let w: Vec<f64> = (0..rows * cols)
            .map(|_| if r.below(4) == 0 { 0.0 } else { r.unit() })
            .collect();
        // Normalised stakes, as the epoch gives them (step 2): the running stake reaches any
        // κ < 1. (With a total below κ the spec falls back to the top weight.)
        let mut s: Vec<f64> = (0..rows).map(|_| if r.below(5) == 0 { 0.0 } else { r.unit() }).collect();
        let total: f64 = s.iter().sum();
        prop_assume!(total > 0.0);
        s.iter_mut().for_each(|x| *x /= total);
        let (lo, hi) = (k.0.min(k.1), k.0.max(k.1));
        let (mut a, mut b) = (vec![0.0; cols], vec![0.0; cols]);
        let mut scratch = Scratch::default();
        consensus_dense(&w, rows, cols, &s, lo, &mut a, &mut scratch);
        consensus_dense(&w, rows, cols, &s, hi, &mut b, &mut scratch);
        for j in 0..cols {
            prop_assert!(a[j] >= b[j], "column {j}: κ {lo} gives {}, κ {hi} gives {}", a[j], b[j]);
        }
    }

    #[test]
    fn chain_consensus_never_rises_with_kappa(
        seed in any::<u64>(),
        n in 4usize..40,
        k in (any::<u16>(), any::<u16>()),
    ) {
        let shape = RandomShape { n, validators: (n / 3).max(1), per_row: n / 2 + 1, wild: true };
        let mut input = random_input(shape, seed);
        input.kappa = k.0.min(k.1);
        let a = chain_epoch(&input).unwrap();
        input.kappa = k.0.max(k.1);
        let b = chain_epoch(&input).unwrap();
        for j in 0..n {
            prop_assert!(a.consensus[j] >= b.consensus[j], "uid {j}: {} then {}", a.consensus[j], b.consensus[j]);
        }
    }

    #[test]
    fn block_emission_never_rises_with_issuance(a in 0u64..22_000_000_000_000_000, d in 0u64..1_000_000_000_000_000) {
        prop_assert!(block_emission(a) >= block_emission(a.saturating_add(d)));
    }

    #[test]
    fn lock_cost_decays_to_its_floor(
        last_lock in 0u64..1_000_000_000_000_000,
        last_registered in 0u64..10_000_000,
        min_lock in 0u64..1_000_000_000_000,
        reduction_interval in 0u64..100_000,
        emission in 0u64..2_000_000_000,
        t in (0u64..200_000, 0u64..200_000),
    ) {
        let s = LockState { last_lock, last_registered, min_lock, reduction_interval };
        let (b1, b2) = (last_registered + t.0.min(t.1), last_registered + t.0.max(t.1));
        let (c1, c2) = (lock_cost(&s, b1, emission), lock_cost(&s, b2, emission));
        prop_assert!(c1 >= c2 && c2 >= min_lock, "{c1} then {c2} (floor {min_lock})");
    }

    #[test]
    fn burn_decays_between_registrations_and_rises_at_one(
        burn in 0u64..200_000_000_000,
        min_burn in 0u64..1_000_000,
        half_life in 0u64..10_000,
        mult in 1.0f64..3.0,
        blocks in 1usize..50,
    ) {
        let mut p = BurnPrice::new(burn, min_burn, 100_000_000_000, half_life, mult);
        let mut last = u64::MAX;
        for b in 2..2 + blocks as u64 {
            p.on_block(b);
            prop_assert!(p.burn <= last || last == u64::MAX, "{last} then {}", p.burn);
            last = p.burn;
        }
        p.on_registration();
        prop_assert!(p.burn >= last);
    }

    #[test]
    fn pools_pay_more_for_more_and_move_the_price_the_right_way(
        balancer in any::<bool>(),
        tao in 1_000_000u64..1_000_000_000_000_000,
        alpha in 1_000_000u64..1_000_000_000_000_000,
        inject in (0u64..1_000_000_000_000, 0u64..1_000_000_000_000),
        x in (0u64..1_000_000_000_000_000, 0u64..1_000_000_000_000_000),
    ) {
        let curve = if balancer { Curve::Balancer } else { Curve::ConstantProduct };
        let mut pool = Pool::new(curve, tao, alpha, 33);
        // An injection with another ratio moves a weighted pool's weights off 0.5/0.5.
        pool.inject(inject.0, inject.1);
        let (lo, hi) = (x.0.min(x.1), x.0.max(x.1));
        prop_assert!(pool.quote_buy(lo, false).output <= pool.quote_buy(hi, false).output);
        let mut sells = (pool, pool);
        prop_assert!(sells.0.sell(lo, false).output <= sells.1.sell(hi, false).output);
        let before = pool.price();
        let mut bought = pool;
        bought.buy(lo, false);
        prop_assert!(bought.price() >= before);
        let mut sold = pool;
        sold.sell(lo, false);
        prop_assert!(sold.price() <= before);
    }
}
