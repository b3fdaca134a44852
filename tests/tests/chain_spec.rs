//! The epoch items of spec §15 beyond the vectors file: V10 (512-node graph), V11 (fallback to
//! stake), V12 (outdated weights), V13 (owner self-weight), and V31/V32 (commit-reveal
//! anti-sniping, validator permits) as behavioural tests; plus the §16 quirks the epoch copies.
//! Every run is also checked against the port of subtensor's design.

use taolab::yuma::chain::port::epoch_port;
use taolab::yuma::chain::{epoch, ChainInput, ChainOutput, ChainState};

fn run(input: &ChainInput) -> ChainOutput {
    let out = epoch(input).unwrap();
    assert_eq!(out, epoch_port(input));
    out
}

fn subnet(n: usize, stake: &[u64]) -> ChainInput {
    // Block 10, everyone registered at 0 and active since 10 (weights fresh, bonds unmasked).
    let mut input = ChainInput::new(n, 10, 1_000_000_000);
    input.last_update = vec![10; n];
    input.stake = Some(stake.to_vec());
    input.tempo = 1;
    input.activity_cutoff = 5000;
    input.max_allowed_validators = n as u16;
    input
}

/// V10 — `test_512_graph` (exact): 64 validators, 448 servers, uniform weights, classic bonds.
#[test]
fn v10_512_graph_is_exact() {
    let (n, v) = (512usize, 64usize);
    let mut stake = vec![0u64; n];
    stake[..v].fill(328_125_000_000_000);
    let mut input = subnet(n, &stake);
    input.yuma3_enabled = false;
    input.max_allowed_validators = v as u16;
    let mut state = ChainState::from_input(&input);
    for i in 0..v {
        let row: Vec<(u16, u16)> = (v..n).map(|j| (j as u16, u16::MAX / 512)).collect();
        state.set_weights(i, &row, 1);
    }
    let mut out = ChainOutput::default();
    for block in 2..5 {
        input.block = block;
        state.fill_input(&mut input);
        out = run(&input);
        state.apply(&out, block, false);
    }
    for i in 0..v {
        assert_eq!(
            (
                out.consensus[i],
                out.incentive[i],
                out.dividends[i],
                out.emission[i]
            ),
            (0, 0, 1023, 7_812_500),
            "validator {i}"
        );
        assert!(out.bonds[i].iter().all(|&(_, b)| b == 65535) && out.bonds[i].len() == n - v);
    }
    for j in v..n {
        assert_eq!(
            (
                out.consensus[j],
                out.incentive[j],
                out.dividends[j],
                out.emission[j]
            ),
            (146, 146, 0, 1_116_071),
            "server {j}"
        );
    }
}

/// V11 — `test_10_graph`, `test_1_graph`, `test_zero_weights` (exact).
#[test]
fn v11_no_usable_weights_fall_back_to_stake() {
    let mut input = subnet(10, &[1; 10]);
    input.validator_permit = vec![true; 10];
    input.weights = (0..10).map(|i| vec![(i as u16, u16::MAX)]).collect();
    let out = run(&input);
    assert!(out
        .consensus
        .iter()
        .chain(&out.incentive)
        .chain(&out.dividends)
        .chain(&out.validator_trust)
        .all(|&x| x == 0));
    assert_eq!(out.emission, vec![99_999_999; 10]);
    assert_eq!(out.stake_weight, vec![6553; 10]);

    let mut one = subnet(1, &[1]);
    one.weights = vec![vec![(0, u16::MAX)]];
    let out = run(&one);
    assert_eq!(
        (out.consensus[0], out.incentive[0], out.dividends[0]),
        (0, 0, 0)
    );

    let mut z = subnet(2, &[1, 0]);
    z.validator_permit = vec![true, false];
    assert_eq!(run(&z).emission, [1_000_000_000, 0], "no weights");
    z.weights = vec![vec![], vec![(1, u16::MAX)]];
    assert_eq!(
        run(&z).emission,
        [1_000_000_000, 0],
        "only the server's self-weight"
    );
    z.weights = vec![vec![(1, u16::MAX)], vec![]];
    z.block_at_registration = vec![0, 1];
    z.last_update = vec![1, 1];
    assert_eq!(
        run(&z).emission,
        [1_000_000_000, 0],
        "weights older than the server's registration"
    );
    z.last_update = vec![2, 1];
    z.block = 2;
    assert_eq!(
        run(&z).emission,
        [500_000_000, 500_000_000],
        "fresh weights"
    );
}

/// V12 — `test_outdated_weights` (behaviour): after uid 3 is re-registered, only the validator
/// that set weights again still weights it; it alone holds the bond to uid 3.
#[test]
fn v12_weights_older_than_a_registration_are_masked() {
    // Validators 0 and 1 hold equal stake; with κ = 32767/65535 < ½ one of two equal stakes
    // is enough to carry a weight.
    let mut input = subnet(4, &[1, 1, 0, 0]);
    input.yuma3_enabled = false;
    input.tempo = 2;
    input.validator_permit = vec![true, true, false, false];
    let mut state = ChainState::from_input(&input);
    let third = 65535 / 3;
    for i in 0..2 {
        state.set_weights(i, &[(2, 2 * third), (3, third)], 1);
    }
    state.set_weights(2, &[(2, u16::MAX)], 1);
    state.set_weights(3, &[(3, u16::MAX)], 1);
    assert_eq!(state.weights[0], [(2, 65535), (3, 32768)]);
    input.block = 2;
    state.fill_input(&mut input);
    let out = run(&input);
    assert_eq!(out.bonds[1], [(2, 65535), (3, 65535)]);
    state.apply(&out, 2, false);
    state.register(3, 3);
    state.set_weights(0, &[(2, 2 * third), (3, third)], 4);
    input.block = 4;
    state.fill_input(&mut input);
    let out = run(&input);
    assert_eq!(
        out.bonds[0][1],
        (3, 65535),
        "uid 0 alone holds the bond to the new uid 3"
    );
    assert!(
        out.bonds[1].iter().all(|&(j, _)| j != 3),
        "uid 1's weight to the new uid 3 is outdated, its old bond masked"
    );
    assert!(out.incentive[3] > 0 && out.dividends[0] > out.dividends[1]);
}

/// V13 — `test_can_set_self_weight_as_subnet_owner`: the owner's self-weight survives the
/// diagonal mask (sparse epoch), so both targets earn equal, non-zero incentive.
#[test]
fn v13_owner_self_weight_is_kept() {
    let mut input = subnet(2, &[5_000_000_000_000, 0]);
    input.owner_uid = Some(0);
    input.max_allowed_validators = 1;
    input.weights = vec![vec![(0, u16::MAX), (1, u16::MAX)], vec![]];
    let out = run(&input);
    assert!(out.incentive[0] > 0);
    assert_eq!(out.incentive[0], out.incentive[1]);
    input.owner_uid = None;
    input.validator_permit = vec![true, false];
    let out = run(&input);
    assert_eq!(
        out.incentive[0], 0,
        "without ownership the self-weight is masked"
    );
}

/// V31 — commit-reveal anti-sniping: weights committed before a UID was (re)registered do not
/// reward its new occupant; no mask outside the window or with commit-reveal off.
#[test]
fn v31_commit_reveal_masks_weights_committed_before_a_registration() {
    let mut input = subnet(4, &[1_000, 0, 0, 0]);
    input.block = 100;
    input.validator_permit = vec![true, false, false, false];
    input.last_update = vec![99, 0, 0, 0];
    input.block_at_registration = vec![0, 10, 60, 96];
    input.weights = vec![
        vec![(1, u16::MAX), (2, u16::MAX), (3, u16::MAX)],
        vec![],
        vec![],
        vec![],
    ];
    input.commit_blocks = Some(vec![Some(50), None, None, None]);
    let out = run(&input);
    assert!(out.incentive[1] > 0);
    assert_eq!(
        (out.incentive[2], out.incentive[3]),
        (0, 0),
        "registered after the commit at block 50"
    );
    input.commit_blocks = Some(vec![Some(20), None, None, None]);
    let out = run(&input);
    assert!(
        out.incentive[1] > 0 && out.incentive[2] == 0,
        "uid 2 inside the window"
    );
    input.commit_blocks = None;
    let out = run(&input);
    assert!(
        out.incentive[1] > 0 && out.incentive[2] > 0 && out.incentive[3] > 0,
        "commit-reveal off: no mask"
    );
}

/// V32 — `test_validator_permits`: permits go to the top-k non-zero stakes (ties to the higher
/// UID), never to zero stake, and move when stakes change.
#[test]
fn v32_permits_go_to_the_top_k_nonzero_stakes() {
    let mut input = subnet(6, &[5, 0, 5, 3, 5, 0]);
    input.max_allowed_validators = 2;
    assert_eq!(
        run(&input).validator_permit,
        [false, false, true, false, true, false],
        "ties favour the higher uid"
    );
    input.max_allowed_validators = 10;
    assert_eq!(
        run(&input).validator_permit,
        [true, false, true, true, true, false],
        "zero stake gets no permit"
    );
    input.max_allowed_validators = 2;
    input.stake = Some(vec![5, 9, 5, 3, 5, 8]);
    assert_eq!(
        run(&input).validator_permit,
        [false, true, false, false, false, true],
        "permits follow the stake"
    );
    input.stake_threshold = 9;
    assert_eq!(
        run(&input).validator_permit,
        [false, true, false, false, false, false],
        "below the threshold counts as 0"
    );
}

/// §16.1 — with Yuma3 and liquid alpha, an explicit zero weight keeps a decaying bond while an
/// absent entry deletes it.
#[test]
fn explicit_zero_weights_keep_a_decaying_liquid_alpha_bond() {
    let mut input = subnet(3, &[10, 0, 0]);
    input.validator_permit = vec![true, false, false];
    input.liquid_alpha_enabled = true;
    input.bonds_penalty = 0;
    input.weights = vec![vec![(1, u16::MAX), (2, 0)], vec![], vec![]];
    input.bonds = vec![vec![(1, 30000), (2, 30000)], vec![], vec![]];
    let out = run(&input);
    assert_eq!(out.bonds[0].len(), 2);
    assert!(out.bonds[0][1].1 < 30000 && out.bonds[0][1].1 > 0);
    input.weights = vec![vec![(1, u16::MAX)], vec![], vec![]];
    assert_eq!(
        run(&input).bonds[0].len(),
        1,
        "the bond without a weight entry is deleted"
    );
}
