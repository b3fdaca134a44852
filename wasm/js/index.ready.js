// taolab, BUILD build: the wasm is instantiated when this module loads, so no set-up call is
// needed; `init()` and `initSync()` exist so that the same code runs in every build.
import "./taolab_wasm.js";

export {
  runCase, runCaseJson, runEpoch, runEpochJson, cases, emissionSchedule, World, variants, sweep, consensusMap,
} from "./api.js";

/** Already initialised: resolves at once. */
export default async function init(_moduleOrPath) {}

/** Already initialised: does nothing. */
export function initSync(_module) {}
