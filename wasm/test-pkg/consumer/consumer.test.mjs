// Runs inside a fresh Node ESM project with only the packed tarball installed: what a new
// user gets from `npm install taolab`. No set-up call: the node build is ready on import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import init, {
  cases, consensusMap, emissionSchedule, runCase, runCaseJson, runEpoch, runEpochJson, sweep, variants, World,
} from "taolab";
import { writeFileSync } from "node:fs";

const CLI = process.env.TAOLAB_CLI;
const SCENARIO = process.env.TAOLAB_SCENARIO;
const cli = (...args) => execFileSync(CLI, args, { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });

test("import, no init needed; init() is harmless", async () => {
  await init();
  const all = cases();
  assert.equal(all.length, 22);
  const out = runCase({ ...all[0], variant: "yuma3" });
  assert.equal(out.variant, "yuma3");
  assert.equal(out.epochs.length, 40);
  assert.deepEqual(variants, ["yuma1", "yuma2", "yuma2b", "yuma2c", "yuma3", "chain"]);
});

test("cases() is `taolab cases --json N`, value for value", () => {
  const all = cases();
  for (const n of [1, 7, 19, 22]) {
    assert.deepEqual(all[n - 1], JSON.parse(cli("cases", "--json", String(n))), `case ${n}`);
  }
});

// The determinism contract: every community case under every variant gives the CLI's JSON,
// byte for byte (runCaseJson), and runCase's numbers are the same f64s, bit for bit.
test("determinism: 22 cases × 6 variants, npm package == CLI", () => {
  const all = cases();
  for (let n = 1; n <= all.length; n++) {
    for (const v of variants) {
      const expected = cli("run", "--case", String(n), "--variant", v);
      const text = runCaseJson({ ...all[n - 1], variant: v });
      assert.equal(text + "\n", expected, `case ${n} ${v}: JSON text differs`);
      const parsed = runCase(all[n - 1], v);
      assert.ok(bitEqual(parsed, JSON.parse(expected)), `case ${n} ${v}: values differ`);
    }
  }
});

function bitEqual(a, b) {
  if (typeof a === "number") return typeof b === "number" && Object.is(a, b);
  if (a === null || typeof a !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => bitEqual(a[k], b[k]));
}

test("errors are Errors with the CLI's message", () => {
  const input = { epochs: [{ weights: [[1, 2], [3, 4]], stakes: [1] }] };
  const dir = mkdtempSync(join(tmpdir(), "taolab-err-"));
  const path = join(dir, "bad.json");
  execFileSync("sh", ["-c", `cat > ${path}`], { input: JSON.stringify(input) });
  let cliMessage = "";
  try {
    cli("run", "--input", path);
  } catch (e) {
    cliMessage = String(e.stderr).trim();
  }
  assert.throws(() => runCase(input), (e) => e instanceof Error && `error: ${e.message}` === cliMessage);
  assert.throws(() => runCase({ epochs: [{ weights: [[1, NaN]], stakes: [1] }] }), {
    message: "epochs[0].weights[0][1] is NaN",
  });
  assert.throws(() => runCase({ ...cases()[0], typo: 1 }), /unknown field `typo`/);
  assert.throws(() => runEpoch({ weights: [[1]], stakes: [1] }, "yuma7"), /variant: unknown value 'yuma7'/);
});

// wasm-bindgen passes a string argument without looking at its type: a number there once
// corrupted the module's memory (and crashed Node a few calls later). Every option is
// checked in JS first; misspelt option names are errors, as misspelt JSON fields are.
test("options of the wrong type or name are Errors, and the module keeps working", () => {
  const c1 = cases()[0];
  const epoch = { weights: [[1, 0], [0, 1]], stakes: [0.7, 0.3] };
  const expected = runCaseJson(cases()[5], "yuma3");
  const bad = [
    [() => runCase(c1, { variant: 5 }), /^variant must be a string \(got number 5\)$/],
    [() => runCase(c1, { variant: {} }), /^variant must be a string \(got an object\)$/],
    [() => runCase(c1, 5), /^options must be a variant name or an object \(got number 5\)$/],
    [() => runCaseJson(c1, { variant: 1n }), /^variant must be a string \(got bigint 1\)$/],
    [() => runCase(c1, { onProgress: 5 }), /^onProgress must be a function \(got number 5\)$/],
    [() => runCase(c1, { varaint: "yuma3" }), /^options: unknown field `varaint`, expected one of `variant`, `onProgress`$/],
    [() => runEpoch(epoch, 5), /^variant must be a string \(got number 5\)$/],
    [() => runEpochJson(epoch, ["yuma3"]), /^variant must be a string \(got an array\)$/],
    [() => emissionSchedule({ fromDate: new Date(0) }), /^fromDate must be a string \(got an object\)$/],
    [() => emissionSchedule({ halving: 3 }), /^options: unknown field `halving`, expected one of `fromBlock`/],
    [() => emissionSchedule(7), /^options must be an object \(got number 7\)$/],
    [() => sweep({ study: "weight-copying-cr" }, { format: 3 }), /^format must be a string \(got number 3\)$/],
    [() => sweep({ study: "weight-copying-cr" }, { shard: 1 }), /^shard must be a string \(got number 1\)$/],
    [() => consensusMap({ weightLevels: 3 }, "progress"), /^onProgress must be a function \(got "progress"\)$/],
    [() => new World(null, { sede: 1 }), /^options: unknown field `sede`, expected `seed`$/],
    [() => new World(null).step(10, 5), /^onProgress must be a function \(got number 5\)$/],
    [() => runCase([]), /^invalid input: expected a JSON object at the top level, found an array$/],
    [() => runCase("[1, 2, 3]"), /^invalid input: expected a JSON object at the top level, found an array$/],
  ];
  for (const [call, message] of bad) {
    assert.throws(call, (e) => e instanceof Error && message.test(e.message), String(call));
    assert.equal(runCaseJson(cases()[5], "yuma3"), expected);
  }
  const loop = { epochs: [{ weights: [[1]], stakes: [1] }] };
  loop.epochs[0].self = loop.epochs;
  assert.throws(() => runCase(loop), { message: "epochs[0].self contains itself (a cycle), which JSON cannot write" });
});

test("a world reports its progress every 1 000 blocks and at the end, each block count once", () => {
  const world = new World(null, { seed: 2 });
  const seen = [];
  assert.equal(world.step(2000, (done, total) => { seen.push([done, total]); }), 2000);
  assert.deepEqual(seen, [[1000, 2000], [2000, 2000]]);
  seen.length = 0;
  assert.equal(world.step(1500, (done, total) => { seen.push([done, total]); return false; }), 1000);
  assert.deepEqual(seen, [[1000, 1500]]);
  world.free();
});

test("an object reads as its JSON text, except numbers the text cannot carry", () => {
  // A property that is undefined is left out, so it takes its default.
  const base = cases()[0];
  assert.ok(bitEqual(runCase({ ...base, params: { ...base.params, kappa: undefined } }, "yuma3"),
    runCase({ ...base, params: Object.fromEntries(Object.entries(base.params).filter(([k]) => k !== "kappa")) }, "yuma3")));
  // A number beyond 2^53 is not a u64 amount, with or without a bigint elsewhere.
  const chain = {
    n: 2, block: 5000, lastUpdate: [4999, 4999], blockAtRegistration: [0, 0], stake: [1e12, 0],
    validatorPermit: [true, false], weights: [[[1, 65535]], []], raoEmission: 2 ** 60,
  };
  assert.throws(() => runEpoch(chain, "chain"), /raoEmission.*expected u64|expected u64/);
  assert.equal(runEpoch({ ...chain, raoEmission: 1e9 }, "chain").emission.length, 2);
  // In an f64 field such a number is the same double, written in exponent form.
  const float = { weights: [[1, 0.5], [0, 1]], stakes: [2 ** 60 + 2 ** 9, 3e20], params: { kappa: 0.5 } };
  assert.ok(bitEqual(runEpoch(float, "yuma3"), JSON.parse(runEpochJson(JSON.stringify(float), "yuma3"))));
  assert.equal(runEpoch(float, "yuma3").stake[0], (2 ** 60 + 2 ** 9) / (2 ** 60 + 2 ** 9 + 3e20));
});

// runCase, runEpoch and cases() take their f64 arrays from a buffer beside the JSON text
// (wasm/src/tape.rs); the values must be JSON.parse's of the CLI-identical text, bit for bit.
test("JSON-shaped results: the numbers beside the text are the text's", () => {
  let x = 7;
  const next = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  const big = {
    weights: Array.from({ length: 24 }, (_, i) => Array.from({ length: 300 }, (_, j) => (j % 11 === i % 5 ? 0 : next()))),
    stakes: Array.from({ length: 24 }, () => 1 + 1000 * next()),
  };
  for (const v of ["yuma1", "yuma2b", "yuma3"]) {
    const out = runEpoch(big, v);
    assert.ok(Array.isArray(out.weights[3]) && out.weights[3].length === 300);
    assert.ok(bitEqual(out, JSON.parse(runEpochJson(big, v))), v);
  }
  // A NUL character in a string (which the marks start with) gives the plain text.
  const odd = { ...cases()[2], name: "\u0000 case", validators: ["\u00001", "b", "c"], baseValidator: "b" };
  const out = runCase(odd, "yuma2");
  assert.equal(out.name, "\u0000 case");
  assert.deepEqual(out.validators, ["\u00001", "b", "c"]);
  assert.ok(bitEqual(out, JSON.parse(runCaseJson(odd, "yuma2"))));
});

test("chain epoch: stakes near 1e18 stay exact (BigInt in, BigUint64Array out)", () => {
  const stake = new BigUint64Array([999_999_999_999_999_999n, 1_000_000_000_000_000_001n, 3n]);
  const input = {
    n: 3,
    block: 5000n,
    lastUpdate: [4999, 4999, 4999],
    blockAtRegistration: [0, 0, 0],
    stake,
    validatorPermit: [true, true, false],
    weights: [[[2, 65535]], [[2, 65535]], []],
    raoEmission: 18_000_000_000_000_000_001n,
  };
  const out = runEpoch(input, "chain");
  assert.ok(out.stake instanceof BigUint64Array);
  assert.deepEqual([...out.stake], [...stake]);
  assert.deepEqual([...out.incentive], [0, 0, 65535]);
  const total = out.emission.reduce((s, x) => s + x, 0n);
  assert.ok(total <= input.raoEmission && total > input.raoEmission - 1_000_000_000_000_000n);
  // The JSON text path keeps the integers exact too, and matches the typed result.
  const text = runEpochJson(
    JSON.stringify(input, (_, x) => (typeof x === "bigint" ? `@${x}@` : x instanceof BigUint64Array ? [...x] : x))
      .replace(/"@(\d+)@"/g, "$1"),
    "chain",
  );
  assert.match(text, /"stake": \[\s*999999999999999999,\s*1000000000000000001,\s*3\s*\]/);
  assert.throws(() => runEpoch({ ...input, raoEmission: 2 ** 60 }, "chain"), /expected u64/);
});

test("emission schedule: halvings with bigints", () => {
  const rows = emissionSchedule({ halvings: 3 });
  assert.equal(rows.length, 4);
  assert.equal(rows[1].issuanceThreshold, 10_500_000_000_000_000n);
  assert.equal(rows[1].date, "2025-12-14");
  assert.equal(rows[2].emissionPerBlock, 250_000_000n);
  const cliRows = JSON.parse(cli("schedule", "--format", "json", "--halvings", "3"));
  assert.deepEqual(rows.map((r) => r.date), cliRows.map((r) => r.date));
  assert.deepEqual(rows.map((r) => r.block === null ? null : Number(r.block)), cliRows.map((r) => r.block));
  assert.ok(emissionSchedule({ recycledPerBlock: 100_000_000n })[2].block > rows[2].block);
});

test("a world gives the CLI's series, exactly", () => {
  const text = readFileSync(SCENARIO, "utf8");
  const out = mkdtempSync(join(tmpdir(), "taolab-world-"));
  cli("world", "--scenario", SCENARIO, "--blocks", "3000", "--seed", "5", "--out", out);
  const world = new World(text, { seed: 5 });
  assert.equal(world.step(3000), 3000);
  assert.equal(world.seriesJson(), readFileSync(join(out, "series.json"), "utf8"));
  // Typed series against the CLI's CSV, integer for integer (issuance > 2^53).
  const csv = readFileSync(join(out, "blocks.csv"), "utf8").trim().split("\n");
  const head = csv[0].split(",");
  const col = head.indexOf("issuance");
  const issuance = world.blockSeries().issuance;
  assert.ok(issuance instanceof BigUint64Array);
  assert.equal(issuance.length, csv.length - 1);
  csv.slice(1).forEach((line, i) => assert.equal(issuance[i], BigInt(line.split(",")[col])));
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  assert.equal(Number(world.block), summary.finalBlock);
  assert.equal(world.subnets().length, summary.subnets.length);
  world.free();
  assert.throws(() => world.block, /freed/);
});

test("the default network steps too", () => {
  const world = new World();
  let calls = 0;
  assert.equal(world.step(2000, () => { calls++; }), 2000);
  assert.ok(calls >= 2, `onProgress called ${calls} times`);
  assert.equal(world.subnets().length, 64);
  assert.ok(world.ledger().taoMinted > 0n);
  world.free();
});

test("sweep and consensus map: the CLI's tables, byte for byte", () => {
  const spec = { study: "weight-copying-cr", grid: { kappa: [0.5, 0.6] }, seed: 1, every: 10 };
  const dir = mkdtempSync(join(tmpdir(), "taolab-sweep-"));
  writeFileSync(join(dir, "grid.json"), JSON.stringify(spec));
  let calls = 0;
  const csv = sweep(spec, { onProgress: () => { calls++; } });
  assert.equal(csv, cli("sweep", "--grid", join(dir, "grid.json")));
  assert.equal(calls, 2);
  assert.equal(sweep(JSON.stringify(spec), { format: "jsonl" }), cli("sweep", "--grid", join(dir, "grid.json"), "--format", "jsonl"));
  assert.throws(() => sweep(spec, () => false), /cancelled/);
  for (const variant of ["chain", "yuma2"]) {
    const map = consensusMap({ variant, weightLevels: 5 });
    assert.equal(map.csv, cli("sweep", "consensus-map", "--variant", variant, "--levels", "5", "--backend", "cpu", "--out", "-"));
    assert.equal(map.majorRatio.length, 11 * 5 * 5);
    assert.equal(map.config.neurons, 512);
  }
});

// Seeded mutations of valid JS inputs, with the values only JS has (NaN, ±Infinity,
// undefined, BigInt, functions) besides extremes, wrong types, dropped keys and cut arrays.
// Each call returns or throws an Error; a Rust panic would surface as a
// WebAssembly.RuntimeError and leave the module unusable.
test("fuzzed inputs: Errors, never a trap, and the module keeps working", () => {
  let s = 0x2026n;
  const next = () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 33n);
  };
  const below = (k) => (k === 0 ? 0 : next() % k);
  const nasty = [NaN, Infinity, -Infinity, -1, 0, 0.5, 65536, 2 ** 53 + 2, 1e308, -1e308, 2n ** 64n,
    -1n, "7", "", null, undefined, true, [], {}, () => 1];
  const nodes = (v, out = []) => {
    if (v !== null && typeof v === "object") {
      out.push(v);
      for (const x of Object.values(v)) nodes(x, out);
    }
    return out;
  };
  const mutate = (input) => {
    const v = structuredClone(input);
    for (let m = 1 + below(3); m > 0; m--) {
      const all = nodes(v);
      const o = all[below(all.length)];
      const keys = Object.keys(o);
      if (keys.length === 0) continue;
      const k = keys[below(keys.length)];
      const r = below(6);
      if (r === 0) delete o[k];
      else if (r === 1 && Array.isArray(o[k])) o[k] = o[k].slice(0, below(o[k].length + 1));
      else if (r === 2 && typeof o[k] === "number") o[k] = -o[k];
      else o[k] = nasty[below(nasty.length)];
    }
    return v;
  };
  const chain = {
    n: 3, block: 5000, lastUpdate: [4999, 4999, 4999], blockAtRegistration: [0, 0, 0],
    stake: [1e12, 5e11, 0], validatorPermit: [true, true, false],
    weights: [[[2, 65535]], [[1, 100], [2, 65535]], []], bonds: [[[2, 30000]], [], []],
    raoEmission: 1e9,
  };
  const scenario = JSON.parse(readFileSync(SCENARIO, "utf8"));
  const calls = [
    [cases()[0], (x) => runCase(x)],
    [{ weights: [[0.5, 0.5], [1, 0]], stakes: [3, 1] }, (x) => runEpoch(x, "yuma3")],
    [chain, (x) => runEpoch(x, "chain")],
    [scenario, (x) => { const w = new World(x, { seed: 1 }); w.step(20); w.free(); }],
    [{ halvings: 3, recycledPerBlock: 1000n }, (x) => emissionSchedule(x)],
  ];
  let errors = 0;
  for (let round = 0; round < 150; round++) {
    for (const [input, call] of calls) {
      const x = mutate(input);
      try {
        call(x);
      } catch (e) {
        assert.ok(!(e instanceof WebAssembly.RuntimeError), `trap on ${JSON.stringify(x, (_, y) => (typeof y === "bigint" ? `${y}n` : y))}: ${e}`);
        assert.ok(e instanceof Error && e.message.length > 0 && !e.message.includes("\n"), `not a one-line Error: ${e}`);
        errors++;
      }
    }
  }
  assert.ok(errors > 100 && errors < 150 * calls.length, `${errors} errors`);
  // Still usable: a valid call gives the usual answer.
  assert.equal(runCase({ ...cases()[0], variant: "yuma3" }).epochs.length, 40);
});
