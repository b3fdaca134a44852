//! Tokenomics and subnets data: the core's halving schedule, and a world run binned into
//! series for charts. Only reshaping (grouping, binning, unit conversion); the numbers come
//! from `taolab::emission` and `taolab::world`.

use serde::{Deserialize, Serialize};
use taolab::emission::{emission_schedule, HalvingRow, ScheduleStart};
use taolab::world::{default_scenario, World};

/// Rao per TAO.
pub const RAO: f64 = 1e9;
/// Seconds per Gregorian year, for a decimal-year axis.
const YEAR_SECONDS: f64 = 31_556_952.0;
/// Policy presets a world can run under.
pub const PRESETS: [&str; 3] = ["2026-06", "2025-02", "described"];
/// Subnets drawn one by one (the largest by share); the rest are summed as "others".
pub const TOP_SUBNETS: usize = 8;

/// Calendar year (decimal) of a Unix time.
pub fn year(unix_seconds: i64) -> f64 {
    1970.0 + unix_seconds as f64 / YEAR_SECONDS
}

/// The halving schedule from the default reference with `recycle` (0..1) of the reference
/// era's emission recycled every block.
pub fn schedule(recycle: f64, halvings: usize) -> Vec<HalvingRow> {
    let start = ScheduleStart::default();
    let base = emission_schedule(start, 0, 1);
    let per_block = base
        .iter()
        .find(|r| r.block == Some(start.block))
        .or(base.last());
    let recycled = per_block.map_or(0.0, |r| r.emission_per_block as f64) * recycle.clamp(0.0, 1.0);
    emission_schedule(start, recycled as u64, halvings)
}

/// Recycled rao per block for a recycle fraction (as [`schedule`] uses it).
pub fn recycled_per_block(recycle: f64) -> u64 {
    let start = ScheduleStart::default();
    let base = emission_schedule(start, 0, 1);
    let per_block = base
        .iter()
        .find(|r| r.block == Some(start.block))
        .or(base.last());
    (per_block.map_or(0.0, |r| r.emission_per_block as f64) * recycle.clamp(0.0, 1.0)) as u64
}

/// Issuance (TAO) over calendar years: a point at the reference and at each projected
/// halving, linear in between (the emission is constant within an era), up to `until`.
pub fn issuance_curve(rows: &[HalvingRow], until: f64) -> (Vec<f64>, Vec<f64>) {
    let start = ScheduleStart::default();
    let mut xs = vec![year(start.unix_seconds)];
    let mut ys = vec![start.issuance as f64 / RAO];
    for r in rows.iter().filter(|r| !r.passed) {
        if let Some(t) = r.unix_seconds {
            if year(t) > xs[xs.len() - 1] {
                let y = year(t);
                if y > until {
                    // Interpolate to the end of the horizon.
                    let (x0, y0) = (xs[xs.len() - 1], ys[ys.len() - 1]);
                    let f = (until - x0) / (y - x0);
                    xs.push(until);
                    ys.push(y0 + f * (r.issuance_threshold as f64 / RAO - y0));
                    return (xs, ys);
                }
                xs.push(y);
                ys.push(r.issuance_threshold as f64 / RAO);
            }
        }
    }
    // After the last projected halving (or if it never comes) the issuance stays linear at
    // the last era's net rate; draw to the horizon at that slope.
    (xs, ys)
}

/// A world run, binned for charts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorldSummary {
    /// Preset that ran.
    pub preset: String,
    /// Blocks run.
    pub blocks: u64,
    /// Bin centres, in days from the start.
    pub days: Vec<f64>,
    /// Names of the subnets drawn (the top ones by final share, then "others").
    pub subnets: Vec<String>,
    /// `shares[k][bin]`: mean emission share.
    pub shares: Vec<Vec<f64>>,
    /// `prices[k][bin]`: mean spot price (TAO per alpha) of the top subnets (no "others").
    pub prices: Vec<Vec<f64>>,
    /// Flows per bin across all subnets, alpha: owner, validators, miners, root.
    pub flows: Vec<Vec<f64>>,
    /// Mean UID registration burn across subnets per bin, TAO.
    pub burn: Vec<f64>,
    /// Subnet lock cost sampled at the end of each bin, TAO.
    pub lock_cost: Vec<f64>,
    /// Event counts per bin: UID registrations, UID prunings, subnet registrations, subnet
    /// prunings.
    pub events: Vec<Vec<f64>>,
}

/// Chart ids of the subnets view, in page order.
pub const SUBNET_CHARTS: [&str; 5] = ["shares", "prices", "flows", "costs", "ecology"];

impl WorldSummary {
    /// The names of the subnets with a price series: the named ones (an "others" price
    /// would mean nothing, so there is none).
    pub fn price_names(&self) -> &[String] {
        &self.subnets[..self.prices.len().min(self.subnets.len())]
    }

    /// The mean over the bins of the last share series ("others": every subnet not named).
    pub fn others_share(&self) -> Option<f64> {
        let last = self
            .shares
            .get(self.prices.len())
            .filter(|_| self.subnets.len() > self.prices.len())?;
        (!last.is_empty()).then(|| last.iter().sum::<f64>() / last.len() as f64)
    }

    /// The series a subnets chart draws and exports: export names and values.
    pub fn series(&self, id: &str) -> Option<(Vec<String>, Vec<Vec<f64>>)> {
        Some(match id {
            "shares" => (self.subnets.clone(), self.shares.clone()),
            "prices" => (self.price_names().to_vec(), self.prices.clone()),
            "flows" => (
                FLOW_NAMES.iter().map(|s| s.to_string()).collect(),
                self.flows.clone(),
            ),
            "costs" => (
                vec!["uidBurnTao".into(), "lockCostTao".into()],
                vec![self.burn.clone(), self.lock_cost.clone()],
            ),
            "ecology" => (
                EVENT_KINDS.iter().map(|(k, _)| k.to_string()).collect(),
                self.events.clone(),
            ),
            _ => return None,
        })
    }

    /// The data behind a subnets chart: a `day` column (bin centres, to 1/1000 day) and a
    /// column per series.
    pub fn table(&self, id: &str) -> crate::table::Table {
        let Some((names, series)) = self.series(id) else {
            return crate::table::Table::default();
        };
        let mut t = crate::table::over_epochs(&names, &series);
        t.headers[0] = "day".into();
        for (r, d) in t.rows.iter_mut().zip(&self.days) {
            r[0] = ((*d * 1000.0).round() / 1000.0).into();
        }
        t
    }
}

/// Event kinds counted in [`WorldSummary::events`], with their labels.
pub const EVENT_KINDS: [(&str, &str); 4] = [
    ("uidRegistered", "UID registrations"),
    ("uidPruned", "UID prunings"),
    ("subnetRegistered", "subnet registrations"),
    ("subnetPruned", "subnet prunings"),
];
/// Flow labels of [`WorldSummary::flows`].
pub const FLOW_NAMES: [&str; 4] = ["owner", "validators", "miners", "root"];

/// Runs the default world under `preset` for `blocks` blocks in `bins` bins, calling
/// `progress(done, total)` between chunks; `false` stops it.
pub fn run_world(
    preset: &str,
    blocks: u64,
    bins: usize,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<WorldSummary, String> {
    if !PRESETS.contains(&preset) {
        return Err(format!(
            "unknown preset '{}'",
            crate::state::truncate(preset, 20)
        ));
    }
    if !(1..=2_000_000).contains(&blocks) || !(2..=400).contains(&bins) {
        return Err("a world run has 1 to 2,000,000 blocks and 2 to 400 bins".into());
    }
    let mut sc = default_scenario();
    sc.preset = preset.into();
    let start = sc.start_block;
    let mut world = World::new(&sc, sc.seed).map_err(|e| e.to_string())?;
    let chunk = blocks.div_ceil(bins as u64);
    let mut lock_cost = Vec::with_capacity(bins);
    let mut done = 0u64;
    let mut b = 0;
    while done < blocks {
        if !progress(b, bins) {
            return Err("cancelled".into());
        }
        let n = chunk.min(blocks - done);
        world.step(n).map_err(|e| e.to_string())?;
        done += n;
        b += 1;
        lock_cost.push(world.lock_cost() as f64 / RAO);
    }
    progress(bins, bins);
    let bins = lock_cost.len();
    let bin_of = |block: u64| (((block.saturating_sub(start)) / chunk) as usize).min(bins - 1);
    let rec = world.recorder();

    // The top subnets by their last recorded share.
    let mut last_share: Vec<(u16, f64)> = Vec::new();
    for r in &rec.epochs {
        match last_share.iter_mut().find(|x| x.0 == r.netuid) {
            Some(x) => x.1 = r.share,
            None => last_share.push((r.netuid, r.share)),
        }
    }
    last_share.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let top: Vec<u16> = last_share.iter().take(TOP_SUBNETS).map(|x| x.0).collect();
    let k = top.len() + 1;
    let mut share_sum = vec![vec![0.0; bins]; k];
    let mut share_n = vec![vec![0.0; bins]; k];
    let mut price_sum = vec![vec![0.0; bins]; top.len()];
    let mut price_n = vec![vec![0.0; bins]; top.len()];
    let mut flows = vec![vec![0.0; bins]; 4];
    let mut burn_sum = vec![0.0; bins];
    let mut burn_n = vec![0.0; bins];
    // Shares: per bin, the mean over epochs of each subnet's share; "others" sums the rest
    // per (subnet, epoch) and is averaged per subnet-epoch slot like the others.
    let mut others: Vec<std::collections::BTreeMap<u16, (f64, f64)>> =
        vec![Default::default(); bins];
    for r in &rec.epochs {
        let bi = bin_of(r.block);
        match top.iter().position(|&n| n == r.netuid) {
            Some(t) => {
                share_sum[t][bi] += r.share;
                share_n[t][bi] += 1.0;
                price_sum[t][bi] += r.price;
                price_n[t][bi] += 1.0;
            }
            None => {
                let e = others[bi].entry(r.netuid).or_insert((0.0, 0.0));
                e.0 += r.share;
                e.1 += 1.0;
            }
        }
        for (f, v) in flows
            .iter_mut()
            .zip([r.owner, r.validators, r.miners, r.root])
        {
            f[bi] += v as f64 / RAO;
        }
        burn_sum[bi] += r.burn_price as f64 / RAO;
        burn_n[bi] += 1.0;
    }
    let mean = |s: f64, n: f64| if n > 0.0 { s / n } else { 0.0 };
    // A bin with no epoch (shorter than a tempo) repeats the previous bin's value.
    let carry = |v: &mut Vec<f64>, n: &[f64]| {
        for b in 1..v.len() {
            if n[b] == 0.0 {
                v[b] = v[b - 1];
            }
        }
    };
    let mut shares: Vec<Vec<f64>> = (0..top.len())
        .map(|t| {
            (0..bins)
                .map(|b| mean(share_sum[t][b], share_n[t][b]))
                .collect()
        })
        .collect();
    shares.push(
        others
            .iter()
            .map(|m| m.values().map(|(s, n)| mean(*s, *n)).sum())
            .collect(),
    );
    for t in 0..top.len() {
        carry(&mut shares[t], &share_n[t]);
    }
    let prices = (0..top.len())
        .map(|t| {
            (0..bins)
                .map(|b| mean(price_sum[t][b], price_n[t][b]))
                .collect()
        })
        .collect::<Vec<Vec<f64>>>();
    let mut prices = prices;
    for t in 0..top.len() {
        carry(&mut prices[t], &price_n[t]);
    }
    let mut burn: Vec<f64> = (0..bins).map(|b| mean(burn_sum[b], burn_n[b])).collect();
    carry(&mut burn, &burn_n);
    let mut events = vec![vec![0.0; bins]; EVENT_KINDS.len()];
    for e in &rec.events {
        if let Some(k) = EVENT_KINDS.iter().position(|(kind, _)| *kind == e.kind) {
            events[k][bin_of(e.block)] += 1.0;
        }
    }
    let mut subnets: Vec<String> = top.iter().map(|n| format!("SN{n}")).collect();
    subnets.push("others".into());
    let _ = k;
    Ok(WorldSummary {
        preset: preset.into(),
        blocks,
        days: (0..bins)
            .map(|b| ((b as f64 + 0.5) * chunk as f64).min(blocks as f64) / 7200.0)
            .collect(),
        subnets,
        shares,
        prices,
        flows,
        burn,
        lock_cost,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_and_recycling() {
        let rows = schedule(0.0, 8);
        assert!(rows.len() >= 5);
        let later = schedule(0.5, 8);
        // Recycling half the emission pushes the next halving later.
        let next = |rs: &[HalvingRow]| {
            rs.iter()
                .find(|r| !r.passed && r.block.is_some() && r.halving >= 2)
                .and_then(|r| r.block)
        };
        assert!(next(&later).unwrap() > next(&rows).unwrap());
        let (xs, ys) = issuance_curve(&rows, 2040.0);
        assert!(xs.windows(2).all(|w| w[1] > w[0]));
        assert!(ys.windows(2).all(|w| w[1] >= w[0]));
        assert!(*xs.last().unwrap() <= 2040.0 + 1e-9);
    }

    #[test]
    fn a_short_world_summarises() {
        let t = std::time::Instant::now();
        let s = run_world("2026-06", 3600, 12, &mut |_, _| true).unwrap();
        eprintln!("3600 blocks in {:?}", t.elapsed());
        assert_eq!(s.days.len(), 12);
        assert_eq!(s.shares.len(), s.subnets.len());
        assert_eq!(s.flows.len(), 4);
        assert!(s.flows.iter().flatten().sum::<f64>() > 0.0);
        assert!(s.lock_cost.iter().all(|x| *x > 0.0));
        // Every export has as many cells per row as its header; prices name no "others".
        for id in SUBNET_CHARTS {
            let t = s.table(id);
            assert!(t.rows.len() == 12, "{id}");
            for r in &t.rows {
                assert_eq!(r.len(), t.headers.len(), "{id}: {:?}", t.headers);
            }
        }
        let prices = s.table("prices");
        assert!(!prices.headers.iter().any(|h| h == "others"));
        assert_eq!(prices.headers.len(), s.prices.len() + 1);
        assert_eq!(s.table("shares").headers.last().unwrap(), "others");
        let others = s.others_share().unwrap();
        assert!(others > 0.0 && others < 1.0, "{others}");
        assert!(run_world("nope", 10, 2, &mut |_, _| true).is_err());
        assert!(run_world("2026-06", 3600, 12, &mut |d, _| d < 3)
            .unwrap_err()
            .contains("cancelled"));
    }
}
