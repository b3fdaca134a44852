//! # taolab-wasm — the npm package's raw layer
//!
//! A thin wasm-bindgen face over the `taolab` core: it converts JS values to the core's
//! inputs, runs the core, and converts the results back. No economics lives here.
//!
//! The hand-written JS in `wasm/js/` wraps these raw exports into the documented API
//! (`runCase`, `runEpoch`, `cases`, `emissionSchedule`, `World`); the TypeScript types are
//! in `wasm/js/taolab.d.ts`.
//!
//! Conventions:
//! * Inputs are JSON **text**, parsed by the same `from_json` as the CLI, so the checks and
//!   error messages are the CLI's. The JS wrapper (`wasm/js/api.js`) writes every input object
//!   as text: `JSON.stringify` (native code), or its own writer when the object holds a bigint
//!   (written as its digits, so a u64 amount is read exactly) or a number beyond 2^53 (written
//!   in exponent form, so a u64 field refuses it rather than take a rounded amount). A raw
//!   caller may pass an object, which is read as its `JSON.stringify` text.
//! * JSON-shaped results (`runCase`, `runEpoch`, `cases`) leave as serde_json's text with
//!   each array of f64 replaced by a mark, and the arrays' values in one `Float64Array`
//!   beside it (`tape`); the wrapper parses the text and puts the arrays back. The values are
//!   the doubles themselves, which is what `JSON.parse` makes of serde_json's shortest
//!   round-trip digits, so every f64 arrives bit-identical to the CLI's; the digits are
//!   neither written nor parsed. `runCaseJson` and `runEpochJson` return the CLI's text.
//! * Series and on-chain amounts leave as typed arrays (`Float64Array`, `BigUint64Array`,
//!   `Uint16Array`, `Uint32Array`); u64 and u128 scalars as `BigInt`. Nothing on-chain goes
//!   through a JS number.
//! * Every error is a JS `Error` carrying the core's message (the CLI prints the same text
//!   after `error: `). Nothing here indexes, unwraps or panics on user data.
#![forbid(unsafe_code)]

#[doc(hidden)]
pub mod bench;
mod emission;
mod input;
mod js;
mod progress;
mod study;
mod tape;
mod world;
mod yuma;

pub use emission::emission_schedule;
pub use study::{consensus_map, sweep_text};
pub use world::WorldHandle;
pub use yuma::{cases_json, run_case_json, run_chain_epoch, run_epoch_json};
