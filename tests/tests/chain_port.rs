//! The fast chain epoch and the port of subtensor's own design agree bit for bit on random
//! inputs: production-like subnets and "wild" ones (random masks, permits, owner, stake
//! threshold, commit-reveal, unsorted rows, explicit zeros, every bonds/liquid-alpha mode).

use proptest::prelude::*;
use taolab::yuma::chain::epoch::{epoch_with, Workspace};
use taolab::yuma::chain::port::epoch_port;
use taolab::yuma::chain::random::{random_input, RandomShape};
use taolab::yuma::chain::{epoch, ChainOutput};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn fast_epoch_equals_the_port_bit_for_bit(seed in any::<u64>(), n in 1usize..48, v in 1usize..16, per_row in 0usize..48, wild in any::<bool>()) {
        let input = random_input(RandomShape { n, validators: v, per_row, wild }, seed);
        input.validate().unwrap();
        let port = epoch_port(&input);
        prop_assert_eq!(&epoch(&input).unwrap(), &port);
        // The consensus by rows and by columns (each chosen by density otherwise).
        for by_rows in [true, false] {
            let (mut ws, mut out) = (Workspace::default(), ChainOutput::default());
            ws.force_consensus_by_rows(Some(by_rows));
            epoch_with(&input, &mut ws, &mut out);
            prop_assert_eq!(&out, &port, "consensus by rows: {}", by_rows);
        }
    }
}

#[test]
fn a_reused_workspace_gives_the_same_bits_as_a_fresh_one() {
    let mut ws = Workspace::default();
    let mut out = ChainOutput::default();
    for seed in 0..40u64 {
        let n = 1 + (seed as usize * 7) % 60;
        let input = random_input(
            RandomShape {
                n,
                validators: 1 + n / 3,
                per_row: n / 2,
                wild: true,
            },
            seed,
        );
        epoch_with(&input, &mut ws, &mut out);
        assert_eq!(out, epoch_port(&input), "seed {seed}");
    }
}

#[test]
fn larger_dense_and_sparse_subnets_agree_with_the_port() {
    for (n, per_row, wild) in [
        (256, 256, false),
        (300, 17, true),
        (512, 64, false),
        (200, 200, true),
        // Mid-density rows (a quarter to a half of n entries): the marked-columns EMA path.
        (256, 64, false),
        (256, 64, true),
        (1000, 200, true),
    ] {
        for seed in 0..3 {
            let input = random_input(
                RandomShape {
                    n,
                    validators: 64,
                    per_row,
                    wild,
                },
                seed,
            );
            assert_eq!(
                epoch(&input).unwrap(),
                epoch_port(&input),
                "n {n} per_row {per_row} wild {wild} seed {seed}"
            );
        }
    }
}
