// taolab — the JS API over the raw wasm-bindgen layer (wasm/src). One copy of this file sits
// beside each build's glue (web/, node/, bundler/) and imports its own `./taolab_wasm.js`.
// Types and documentation: ../taolab.d.ts.
import * as raw from "./taolab_wasm.js";

/** Set by the web entry: whether the module is instantiated. */
export const state = { ready: true };

function check() {
  if (!state.ready) {
    throw new Error(
      "taolab: the wasm module is not initialised; call `await init()` (or `initSync(bytes)`) first",
    );
  }
}

const U64_MAX = (1n << 64n) - 1n;

/** A value as a message names it: its kind, and the value itself when it is short. */
function shown(x) {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "function") return "a function";
  if (typeof x === "object") return "an object";
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  return `${typeof x} ${String(x)}`;
}

/**
 * An optional string argument, checked here: wasm-bindgen passes a string argument without
 * looking at its type, and anything else would corrupt the module's memory.
 */
function str(x, field) {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== "string") throw new TypeError(`${field} must be a string (got ${shown(x)})`);
  return x;
}

/** An optional callback, checked (otherwise it fails when first called, as `arg0.call`). */
function callback(x, field) {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== "function") throw new TypeError(`${field} must be a function (got ${shown(x)})`);
  return x;
}

/**
 * An options object with only the `known` fields: a misspelt option is an error, as an
 * unknown field of a JSON input is (the same words as the core's).
 */
function options(x, known, what = "options must be an object") {
  if (x === undefined || x === null) return {};
  if (typeof x !== "object" || Array.isArray(x)) throw new TypeError(`${what} (got ${shown(x)})`);
  for (const k of Object.keys(x)) {
    if (!known.includes(k)) {
      throw new Error(`options: unknown field \`${k}\`, expected ${known.length > 1 ? "one of " : ""}${known.map((n) => `\`${n}\``).join(", ")}`);
    }
  }
  return x;
}

/** A u64 from a bigint or a safe non-negative integer number; never rounds. */
function u64(value, field) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "bigint") {
    if (value < 0n || value > U64_MAX) throw new Error(`${field} is ${value}, outside 0..2^64-1`);
    return value;
  }
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new Error(
    `${field} must be a bigint or a non-negative safe integer (got ${String(value)})`,
  );
}

/** Whether `JSON.stringify` would not carry `x` as the object does (see `plain`). */
const inexact = (x) => x > Number.MAX_SAFE_INTEGER || x < -Number.MAX_SAFE_INTEGER;

/**
 * An input checked and copied for the wasm: typed arrays become plain arrays (a
 * BigUint64Array gives bigints). A NaN or infinite number is reported with its path, in the
 * core's words (`epochs[0].weights[1][2] is NaN`), since JSON, and so the core, cannot hold
 * one. `state.exact` is set by a number beyond 2^53: `JSON.stringify` writes its digits,
 * which a u64 field would take as an amount the number does not hold exactly.
 */
function plain(value, path, state, parents = []) {
  if (typeof value === "number") {
    if (Number.isNaN(value)) throw new Error(`${path || "input"} is NaN`);
    if (!Number.isFinite(value)) throw new Error(`${path || "input"} is infinite`);
    if (inexact(value)) state.exact = true;
    return value;
  }
  if (value === null || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return value;
    return plain(Array.from(value), path, state);
  }
  if (parents.includes(value)) throw new Error(`${path || "input"} contains itself (a cycle), which JSON cannot write`);
  if (Array.isArray(value)) {
    let nested = false;
    for (let i = 0; i < value.length; i++) {
      const x = value[i];
      if (typeof x === "number") {
        if (!Number.isFinite(x) || inexact(x)) plain(x, `${path}[${i}]`, state);
      } else if (x !== null && typeof x === "object") {
        nested = true;
      }
    }
    if (!nested) return value;
    parents.push(value);
    const out = value.map((x, i) => plain(x, `${path}[${i}]`, state, parents));
    parents.pop();
    return out;
  }
  parents.push(value);
  const out = {};
  for (const [k, x] of Object.entries(value)) out[k] = plain(x, path ? `${path}.${k}` : k, state, parents);
  parents.pop();
  return out;
}

/** Left out of JSON text, as `JSON.stringify` leaves them out (`null` in an array). */
const skipped = (x) => x === undefined || typeof x === "function" || typeof x === "symbol";

/**
 * The JSON text of a checked input (`plain`) that holds a bigint or a number beyond 2^53,
 * which `JSON.stringify` cannot write as the wasm must read them. A bigint is written as its
 * digits, so the core reads a u64 exactly. Such a number is written in exponent form (the
 * same double, to the bit): an f64 field reads it unchanged, and a u64 field refuses it
 * (`expected u64`) rather than take an amount the number only approximates.
 */
function text(x) {
  if (typeof x === "bigint") return x.toString();
  if (typeof x === "number") return inexact(x) ? x.toExponential() : JSON.stringify(x);
  if (x === null || typeof x !== "object") return JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.map((y) => (skipped(y) ? "null" : text(y))).join(",")}]`;
  const parts = [];
  for (const [k, y] of Object.entries(x)) if (!skipped(y)) parts.push(`${JSON.stringify(k)}:${text(y)}`);
  return `{${parts.join(",")}}`;
}

/**
 * An input as the wasm reads it: JSON text, parsed there by the CLI's parser. A string passes
 * as is. An object is checked by `plain` and written by `JSON.stringify` (native code; a
 * property that is `undefined` counts as left out), or by `text` when it holds a bigint or a
 * number beyond 2^53.
 */
function input(value) {
  if (typeof value === "string") return value;
  const state = { exact: false };
  const checked = plain(value, "", state);
  if (checked === null || typeof checked !== "object") return checked;
  if (!state.exact) {
    try {
      return JSON.stringify(checked);
    } catch {
      // a bigint: written below
    }
  }
  return text(checked);
}

// The `form` of the raw exports' JSON-shaped results (wasm/src/input.rs).
const PRETTY = 1;
const MARKED = 2;

/** The value of a JSON-shaped result: `JSON.parse` of text, or a marked result rebuilt. */
function decode(result) {
  return typeof result === "string" ? JSON.parse(result) : rebuild(result);
}

/**
 * A marked result (`{ text, nums, marks }`, wasm/src/tape.rs) as the value `JSON.parse` makes
 * of the same result's plain text: each string `"\u0000k"` in `text` stands for the array of
 * `marks[2k + 1]` numbers of `nums` from `marks[2k]`, as they are (the same doubles the text's
 * shortest round-trip digits would give). No other string starts with a NUL character.
 */
function rebuild({ text, nums, marks }) {
  const array = (k) => {
    const from = marks[2 * k];
    const n = marks[2 * k + 1];
    const a = new Array(n);
    for (let i = 0; i < n; i++) a[i] = nums[from + i];
    return a;
  };
  const walk = (x) => {
    if (typeof x === "string") return x.charCodeAt(0) === 0 ? array(Number(x.slice(1))) : x;
    if (x === null || typeof x !== "object") return x;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) if (typeof x[i] === "object" || typeof x[i] === "string") x[i] = walk(x[i]);
    } else {
      for (const k of Object.keys(x)) {
        const y = walk(x[k]);
        // JSON.parse makes "__proto__" an own property; an assignment would set the prototype.
        if (k === "__proto__") Object.defineProperty(x, k, { value: y, writable: true, enumerable: true, configurable: true });
        else x[k] = y;
      }
    }
    return x;
  };
  return walk(JSON.parse(text));
}

/** `runCase`'s second argument: a variant name, or `{ variant, onProgress }`. */
function caseOptions(x) {
  const o = typeof x === "string" ? { variant: x } : options(x, ["variant", "onProgress"], "options must be a variant name or an object");
  return { variant: str(o.variant, "variant"), onProgress: callback(o.onProgress, "onProgress") };
}

/** The epoch rules, in display order. */
export const variants = Object.freeze(["yuma1", "yuma2", "yuma2b", "yuma2c", "yuma3", "chain"]);

/** Runs a multi-epoch case (the `taolab run` input) and returns the `taolab run` output. */
export function runCase(value, opts) {
  check();
  const o = caseOptions(opts);
  return decode(raw.runCaseJson(input(value), o.variant, MARKED, o.onProgress));
}

/** As `runCase`, returning the JSON text `taolab run` prints (without its final newline). */
export function runCaseJson(value, opts) {
  check();
  const o = caseOptions(opts);
  return raw.runCaseJson(input(value), o.variant, PRETTY, o.onProgress);
}

/** Runs one epoch: a float `EpochInput` for the research variants, a `ChainInput` for
 * `"chain"` (typed arrays and bigints out). */
export function runEpoch(value, variant) {
  check();
  const v = str(variant, "variant");
  if (v === "chain") return raw.runChainEpoch(input(value));
  return decode(raw.runEpochJson(input(value), v, MARKED));
}

/** As `runEpoch`, returning the JSON text `taolab epoch` prints (without its final newline). */
export function runEpochJson(value, variant) {
  check();
  return raw.runEpochJson(input(value), str(variant, "variant"), PRETTY);
}

/** The built-in community cases as `run` inputs (element k is case k + 1). */
export function cases() {
  check();
  return decode(raw.casesJson(MARKED));
}

/** The issuance and halving schedule. */
export function emissionSchedule(opts) {
  check();
  const o = options(opts, ["fromBlock", "fromDate", "issuance", "recycledPerBlock", "halvings"]);
  const halvings = o.halvings ?? undefined;
  if (halvings !== undefined && !(Number.isInteger(halvings) && halvings >= 0 && halvings <= 0xffffffff)) {
    throw new Error(`halvings must be a non-negative integer (got ${String(halvings)})`);
  }
  return raw.emissionSchedule(
    u64(o.fromBlock, "fromBlock"),
    str(o.fromDate, "fromDate"),
    u64(o.issuance, "issuance"),
    u64(o.recycledPerBlock, "recycledPerBlock"),
    halvings,
  );
}

/** The multi-subnet economy, stepped block by block. Call `free()` when done (or rely on
 * the garbage collector, which frees it too). */
export class World {
  #handle;

  constructor(scenario, opts) {
    check();
    const seed = opts !== null && typeof opts === "object" ? options(opts, ["seed"]).seed : opts;
    this.#handle = new raw.WorldHandle(scenario == null ? undefined : input(scenario), u64(seed, "seed"));
  }

  #h() {
    if (this.#handle === undefined) throw new Error("taolab: this World has been freed");
    return this.#handle;
  }

  /** Advances `blocks` blocks; returns the number advanced (fewer if `onProgress` returned
   * false). */
  step(blocks, onProgress) {
    return Number(this.#h().step(u64(blocks, "blocks"), callback(onProgress, "onProgress")));
  }

  get block() { return this.#h().block; }
  get issuance() { return this.#h().issuance; }
  get lockCost() { return this.#h().lockCost; }
  get seed() { return this.#h().seed; }
  get stepped() { return this.#h().stepped; }

  blockSeries() { return this.#h().blockSeries(); }
  epochSeries() { return this.#h().epochSeries(); }
  events() { return this.#h().events(); }
  ledger() { return this.#h().ledger(); }
  subnets() { return this.#h().subnets(); }
  seriesJson() { return this.#h().seriesJson(); }

  /** Releases the wasm memory now. */
  free() {
    if (this.#handle !== undefined) {
      this.#handle.free();
      this.#handle = undefined;
    }
  }

  [Symbol.dispose]() { this.free(); }
}

/** A parameter sweep (the `taolab sweep --grid` spec) → its long table as text, CSV by
 * default or JSON lines; `onProgress(done, total)` counts runs, `false` cancels. */
export function sweep(spec, opts) {
  check();
  const o = typeof opts === "function" ? { onProgress: opts } : options(opts, ["format", "shard", "onProgress"]);
  return raw.sweepText(input(spec), str(o.format, "format"), str(o.shard, "shard"), callback(o.onProgress, "onProgress"));
}

/** The consensus-guarantee map (`taolab sweep consensus-map`): columns as Float64Array,
 * the configuration used, and the CLI's CSV. */
export function consensusMap(config, onProgress) {
  check();
  return raw.consensusMap(config == null ? undefined : input(config), callback(onProgress, "onProgress"));
}
