// Batched single epochs of the research Yuma variants in f32 (see gpu/mod.rs).
//
// One dispatch of each entry point covers every epoch of a chunk:
//   normalize_rows        one workgroup per (epoch, validator row)   Wn = W / (ΣW + 1e-6)
//   consensus             one thread per (epoch, server column)      stake-weighted κ-quantile
//   clip_rank_incentive   one workgroup per epoch                    quantise C, clip, rank,
//                                                                    incentive, bond column norms
//   bonds_dividends       one workgroup per epoch                    bonds (first epoch), D, D̂
//
// Buffers (epoch-major, c = count, V = validators, N = servers):
//   w       f32  c·V·N   raw weights, normalised in place
//   stakes  u32  c·V     normalised stake Sn (f32 bits)
//           u32  c·V     stake shares in units of 2⁻³⁰ of the total (exact integer sums)
//           u32  c       κ in the same units
//   cols    f32  c·N     rank R
//           f32  c·N     bond column factor (what B_ij is multiplied by before dividends)
//   out     f32  c·N     consensus C (raw, then quantised)
//           f32  c·N     incentive I
//           f32  c·V     normalised dividends D̂

struct Shape {
    validators: u32,
    servers: u32,
    count: u32,
    // 1: Yuma 1, 2: Yuma 2 / 2B (first epoch), 3: Yuma 3, 4: Yuma 2C.
    variant: u32,
    winner_takes_all: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
    // β: bond weights (1 − β)·Wn + β·Wc (Yuma 1, 2).
    bond_penalty: f32,
    // α = 1 − bond_moving_average (Yuma 3).
    alpha: f32,
    // min(capacity_alpha, 1)·(2⁶⁴ − 1) (Yuma 2C): the first purchase per unit of stake.
    capacity_buy: f32,
    pad3: f32,
}

const EPS: f32 = 1e-6;
const WG: u32 = 64u;

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> stakes: array<u32>;
@group(0) @binding(3) var<storage, read_write> cols: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> red: array<f32, 64>;

// The linear index of a workgroup in a 2-D dispatch (x up to 65535 groups).
fn group_index(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
    return wid.x + wid.y * nwg.x;
}

fn stake(e: u32, i: u32) -> f32 {
    return bitcast<f32>(stakes[e * shape.validators + i]);
}

// Workgroup sum; every invocation gets the total. Call from uniform control flow.
fn reduce_sum(lid: u32, x: f32) -> f32 {
    red[lid] = x;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s / 2u) {
        if (lid < s) {
            red[lid] = red[lid] + red[lid + s];
        }
        workgroupBarrier();
    }
    let total = red[0];
    workgroupBarrier();
    return total;
}

// Workgroup maximum; every invocation gets it. Call from uniform control flow.
fn reduce_max(lid: u32, x: f32) -> f32 {
    red[lid] = x;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s / 2u) {
        if (lid < s) {
            red[lid] = max(red[lid], red[lid + s]);
        }
        workgroupBarrier();
    }
    let m = red[0];
    workgroupBarrier();
    return m;
}

// 1. Row normalisation: Wn_ij = W_ij / (Σ_j W_ij + 1e-6); a row whose denominator is not
//    positive becomes zero.
@compute @workgroup_size(64)
fn normalize_rows(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let row = group_index(wid, nwg);
    if (row >= shape.count * shape.validators) {
        return;
    }
    let n = shape.servers;
    let base = row * n;
    var s = 0.0;
    for (var j = lid; j < n; j = j + WG) {
        s = s + w[base + j];
    }
    let denom = reduce_sum(lid, s) + EPS;
    for (var j = lid; j < n; j = j + WG) {
        w[base + j] = select(0.0, w[base + j] / denom, denom > 0.0);
    }
}

// A non-negative weight as ordered bits (negative and -0 count as 0).
fn weight_bits(x: f32) -> u32 {
    return select(bitcast<u32>(x), 0u, x <= 0.0);
}

// Stake (in shares) of the validators whose weight on column `base` is ≥ the weight `t`.
fn support(base: u32, share_base: u32, t: u32) -> u32 {
    let n = shape.servers;
    var s = 0u;
    for (var i = 0u; i < shape.validators; i = i + 1u) {
        if (weight_bits(w[base + i * n]) >= t) {
            s = s + stakes[share_base + i];
        }
    }
    return s;
}

// The largest weight of column `base` below the weight `b` (as bits; 0 when none).
fn largest_below(base: u32, b: u32) -> u32 {
    let n = shape.servers;
    var m = 0u;
    for (var i = 0u; i < shape.validators; i = i + 1u) {
        let x = weight_bits(w[base + i * n]);
        if (x < b) {
            m = max(m, x);
        }
    }
    return m;
}

// 2. Consensus C_j = max { v : Σ_{i: Wn_ij ≥ v} Sn_i ≥ κ }, the top weight when no weight has
//    κ of the stake behind it, 0 for an all-zero column. Non-negative f32s order like their
//    bits: a few bisection steps over the bits bracket the answer, support(lo) ≥ κ >
//    support(hi), then the column's weights below `hi` are tried from the top down, so the
//    result is always one of the column's weights. Stake sums are exact integers, so the order
//    of summation does not matter.
@compute @workgroup_size(64)
fn consensus(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let t = gid.x + gid.y * nwg.x * WG;
    let v = shape.validators;
    let n = shape.servers;
    let c = shape.count;
    if (t >= c * n) {
        return;
    }
    let e = t / n;
    let j = t % n;
    let base = e * v * n + j;
    let share_base = c * v + e * v;
    let kappa = stakes[2u * c * v + e];
    var top = 0u;
    var bottom = 0xffffffffu;
    var total = 0u;
    for (var i = 0u; i < v; i = i + 1u) {
        let x = weight_bits(w[base + i * n]);
        top = max(top, x);
        bottom = min(bottom, x);
        total = total + stakes[share_base + i];
    }
    var result = top;
    if (top != 0u && kappa != 0u && total >= kappa && support(base, share_base, top) < kappa) {
        // support(lo) = total ≥ κ > support(hi).
        var lo = bottom;
        var hi = top;
        for (var step = 0u; step < 12u && hi - lo > 1u; step = step + 1u) {
            let mid = lo + (hi - lo) / 2u;
            if (support(base, share_base, mid) >= kappa) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // The answer is a weight in [lo, hi): the first from the top with κ behind it.
        loop {
            let x = largest_below(base, hi);
            if (x <= lo || support(base, share_base, x) >= kappa) {
                result = x;
                break;
            }
            hi = x;
        }
    }
    out[e * n + j] = bitcast<f32>(result);
}

// 3. Per epoch: C ← trunc(C/ΣC·65535)/65535 (zero when ΣC = 0), Wc = min(Wn, C),
//    rank R_j = Σ_i Sn_i·Wc_ij, incentive I = R/ΣR (or winner-takes-all: the k columns whose
//    rank equals the maximum get 1/k; zero when ΣR = 0), and the factor that turns this
//    epoch's bond entries into the bonds the dividends read (see bond_entry).
@compute @workgroup_size(64)
fn clip_rank_incentive(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let e = group_index(wid, nwg);
    if (e >= shape.count) {
        return;
    }
    let v = shape.validators;
    let n = shape.servers;
    let cn = shape.count * n;
    let beta = shape.bond_penalty;

    var cs = 0.0;
    for (var j = lid; j < n; j = j + WG) {
        cs = cs + out[e * n + j];
    }
    let c_sum = reduce_sum(lid, cs);

    var r_sum_local = 0.0;
    var r_max_local = 0.0;
    for (var j = lid; j < n; j = j + WG) {
        var cj = 0.0;
        if (c_sum > 0.0) {
            cj = trunc(out[e * n + j] / c_sum * 65535.0) / 65535.0;
        }
        out[e * n + j] = cj;
        var rank = 0.0;
        var prerank = 0.0;
        var fresh = 0.0;
        var weight_sum = 0.0;
        for (var i = 0u; i < v; i = i + 1u) {
            let sn = stake(e, i);
            let wn = w[(e * v + i) * n + j];
            let wc = min(wn, cj);
            rank = rank + sn * wc;
            prerank = prerank + sn * wn;
            fresh = fresh + sn * ((1.0 - beta) * wn + beta * wc);
            weight_sum = weight_sum + wn;
        }
        cols[e * n + j] = rank;
        var factor = 0.0;
        switch shape.variant {
            case 1u: {
                // Fresh bonds column-normalised with +1e-6, then normalised again (+1e-6):
                // the column of the first normalisation sums to F/(F + 1e-6).
                let first = fresh + EPS;
                factor = 1.0 / (first * (fresh / first + EPS));
            }
            case 2u: {
                factor = select(0.0, 1.0 / fresh, fresh > 0.0);
            }
            case 3u: {
                factor = 1.0 / (shape.alpha * weight_sum + EPS);
            }
            default: {
                factor = 1.0 / (shape.capacity_buy * prerank + EPS);
            }
        }
        cols[cn + e * n + j] = factor;
        r_sum_local = r_sum_local + rank;
        r_max_local = max(r_max_local, rank);
    }
    let r_sum = reduce_sum(lid, r_sum_local);
    let r_max = reduce_max(lid, r_max_local);
    var ties_local = 0.0;
    for (var j = lid; j < n; j = j + WG) {
        ties_local = ties_local + select(0.0, 1.0, cols[e * n + j] == r_max);
    }
    let ties = reduce_sum(lid, ties_local);
    for (var j = lid; j < n; j = j + WG) {
        let rank = cols[e * n + j];
        var inc = 0.0;
        if (r_sum > 0.0) {
            if (shape.winner_takes_all != 0u) {
                inc = select(0.0, 1.0 / ties, rank == r_max);
            } else {
                inc = rank / r_sum;
            }
        }
        out[cn + e * n + j] = inc;
    }
}

// A bond entry of the first epoch (empty bond state), before the column factor:
//   Yuma 1, 2:  F_ij = Sn_i·((1 − β)·Wn_ij + β·Wc_ij)   (the EMA starts from F: B = F/ΣF)
//   Yuma 3:     B_ij = min((1 − α)·0 + min(α·Wn_ij, 1), 1) = α·Wn_ij
//   Yuma 2C:    B_ij = min(min(capacity_alpha·cap_i, cap_i)·Wn_ij, cap_i), cap_i = Sn_i·(2⁶⁴−1)
fn bond_entry(sn: f32, wn: f32, cj: f32) -> f32 {
    var b = shape.capacity_buy * sn * wn;
    if (shape.variant == 1u || shape.variant == 2u) {
        let beta = shape.bond_penalty;
        b = sn * ((1.0 - beta) * wn + beta * min(wn, cj));
    } else if (shape.variant == 3u) {
        b = shape.alpha * wn;
    }
    return b;
}

// 4. Per epoch: D_i = [Sn_i·] Σ_j B_ij·factor_j·I_j (Yuma 3 multiplies by Sn_i), then
//    D̂ = D/(ΣD + 1e-6).
@compute @workgroup_size(64)
fn bonds_dividends(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let e = group_index(wid, nwg);
    if (e >= shape.count) {
        return;
    }
    let v = shape.validators;
    let n = shape.servers;
    let cn = shape.count * n;
    let d_base = 2u * cn + e * v;
    var local_sum = 0.0;
    for (var i = lid; i < v; i = i + WG) {
        let sn = stake(e, i);
        let row = (e * v + i) * n;
        var d = 0.0;
        for (var j = 0u; j < n; j = j + 1u) {
            let inc = out[cn + e * n + j];
            if (inc != 0.0) {
                let b = bond_entry(sn, w[row + j], out[e * n + j]);
                d = d + b * cols[cn + e * n + j] * inc;
            }
        }
        if (shape.variant == 3u) {
            d = d * sn;
        }
        out[d_base + i] = d;
        local_sum = local_sum + d;
    }
    let denom = reduce_sum(lid, local_sum) + EPS;
    for (var i = lid; i < v; i = i + WG) {
        out[d_base + i] = out[d_base + i] / denom;
    }
}
