// taolab, web build: call `await init()` (or `initSync(bytes)`) once, then use the API.
// Works in browsers, module Web Workers and bundlers that understand `new URL(…, import.meta.url)`.
import rawInit, { initSync as rawInitSync } from "./taolab_wasm.js";
import { state } from "./api.js";

export {
  runCase, runCaseJson, runEpoch, runEpochJson, cases, emissionSchedule, World, variants, sweep, consensusMap,
} from "./api.js";

state.ready = false;

/** Instantiates the wasm: fetched beside this file by default, or from a URL, Response,
 * bytes or WebAssembly.Module. Resolves when ready; calling it again is harmless. */
export default async function init(moduleOrPath) {
  if (state.ready) return;
  await rawInit(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
  state.ready = true;
}

/** Instantiates the wasm synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  if (state.ready) return;
  rawInitSync({ module });
  state.ready = true;
}
