// `scripts/npm.sh bench`: the npm package's wasm in Node against the native build, same
// inputs, same calls (wasm/src/bench.rs and wasm/examples/bench_native.rs), same machine.
// Prints milliseconds and the wasm/native ratio (design target: within 1.5×).
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const pkg = process.env.TAOLAB_PKG;
const api = await import(join(pkg, "node/index.js"));
const raw = await import(join(pkg, "node/taolab_wasm.js"));
const native = JSON.parse(process.env.TAOLAB_NATIVE ?? "{}");
const fmt = (ms) => ms.toFixed(2).padStart(9);
const ratio = (w, n) => (n ? `${(w / n).toFixed(2)}×` : "-").padStart(7);

function time(f, reps = 1) {
  f();
  const t = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t) / reps;
}

console.log("\nnpm package (wasm in Node) against native, milliseconds");
console.log("\n256×4096 dense float epoch (run_epoch, mean of 10):");
console.log("  variant    wasm    native   ratio");
for (const v of ["yuma1", "yuma2", "yuma2b", "yuma2c", "yuma3"]) {
  const w = raw.__benchEpoch(256, 4096, v, 10);
  const n = native.epoch256x4096?.[v];
  console.log(`  ${v.padEnd(7)}${fmt(w)}${n === undefined ? "" : fmt(n)} ${ratio(w, n)}`);
}

console.log("\nthe 22 community cases (40 epochs each), one variant (mean of 20):");
console.log("  variant    wasm    native   ratio   via runCase (JS objects in and out)");
const all = api.cases();
for (const v of api.variants) {
  const w = raw.__benchCases(v, 20);
  const n = native.cases?.[v];
  const e2e = time(() => all.forEach((c) => api.runCase(c, v)), 2);
  console.log(`  ${v.padEnd(7)}${fmt(w)}${n === undefined ? "" : fmt(n)} ${ratio(w, n)} ${fmt(e2e)}`);
}

const big = {
  weights: Array.from({ length: 256 }, (_, i) => Float64Array.from({ length: 4096 }, (_, j) => ((i * 7919 + j * 104729) % 1000) / 1000)),
  stakes: Array.from({ length: 256 }, (_, i) => 1 + i),
};
const t0 = performance.now();
api.runEpoch(big, "yuma3");
console.log(`\nrunEpoch 256×4096 through the API (objects in, JSON-shaped object out): ${(performance.now() - t0).toFixed(1)} ms`);

const worldWasm = raw.__benchWorld(7200);
console.log(`\nworld, default 64-subnet network, 7,200 blocks (build + step): wasm ${worldWasm.toFixed(0)} ms` +
  (native.world ? `, native ${native.world.toFixed(0)} ms, ratio ${(worldWasm / native.world).toFixed(2)}×` : ""));

// The consensus-guarantee map (design target: under 60 s in the browser): the full default
// study (chain, 28,611 epochs) in wasm on one thread, against the native CLI (all cores).
{
  const t = performance.now();
  let calls = 0;
  const map = api.consensusMap({}, () => { calls += 1; return true; });
  const ms = performance.now() - t;
  let line = `\nconsensus map, default study (chain, ${map.majorRatio.length} epochs): wasm ${(ms / 1000).toFixed(1)} s on one thread (${calls} progress calls; target < 60 s)`;
  if (process.env.TAOLAB_CLI) {
    const { execFileSync } = await import("node:child_process");
    const { tmpdir } = await import("node:os");
    const out = execFileSync(process.env.TAOLAB_CLI, ["sweep", "consensus-map", "--out", join(tmpdir(), "taolab-bench-map.csv")], { encoding: "utf8" });
    const secs = /in ([\d.]+) s/.exec(out)?.[1];
    if (secs) line += `; native CLI ${secs} s`;
  }
  console.log(line);
}
