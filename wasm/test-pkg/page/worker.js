// A module Web Worker using the web build: explicit init, then a case.
import init, { cases, runCaseJson } from "./node_modules/taolab/web/index.js";

await init();
const all = cases();
postMessage(runCaseJson({ ...all[21], variant: "yuma2c" }));
