/// <reference lib="esnext.disposable" />
// (`[Symbol.dispose]` below needs that library: TypeScript 5.2 or later.)
// Type definitions for taolab, hand-written to match the JSON contract of the CLI
// (DESIGN.md, "Interface contracts"). Field names are camelCase in every face.
//
// Conventions: JSON-shaped results (`runCase`, `runEpoch` with a float variant, `cases`) are
// plain objects with plain arrays, the same values as the CLI's JSON, bit for bit. On-chain
// amounts (rao, blocks) are `bigint` (`BigUint64Array` for vectors) and never pass through a
// JS number; u16 proportions are `Uint16Array` (65535 = 1.0); series are typed arrays.
// Every error is a JS `Error` with the CLI's message (`epochs[0].weights[3][7] is NaN`).

/** The epoch rule. */
export type Variant = "yuma1" | "yuma2" | "yuma2b" | "yuma2c" | "yuma3" | "chain";

/** The epoch rules, in display order. */
export declare const variants: readonly Variant[];

/** Which consensus the liquid-alpha sigmoid reads (Yuma 3). */
export type ConsensusMode = "current" | "previous" | "mixed";

/**
 * Parameters of the research variants; a field left out takes the default of
 * spec/yuma-variants.md §4 (shown in brackets).
 */
export interface Params {
  /** κ, the stake share that must support a weight for it to count [0.5]. */
  kappa?: number;
  /** β, how far bond weights move from raw to clipped weights [1.0]. */
  bondPenalty?: number;
  /** EMA weight of the old bonds; α = 1 − this [0.1]. */
  bondMovingAverage?: number;
  /** Liquid alpha: a per-entry EMA α from a sigmoid [false]. */
  liquidAlpha?: boolean;
  /** Lower bound of the liquid α [0.1]. */
  alphaLow?: number;
  /** Upper bound of the liquid α [0.3]. */
  alphaHigh?: number;
  /** Steepness of the liquid-alpha sigmoid [10.0]. */
  alphaSigmoidSteepness?: number;
  /** Consensus read by the liquid-alpha sigmoid in Yuma 3 ["current"]. */
  liquidAlphaConsensusMode?: ConsensusMode;
  /** Yuma 2C bond decay per epoch [0.1]. */
  decayRate?: number;
  /** Yuma 2C purchase rate against capacity [0.1]. */
  capacityAlpha?: number;
  /** Incentive goes to the top server only [false]. */
  winnerTakesAll?: boolean;
  /** Chain variant only: Yuma 3 bonds (the chain's default) when true, classic EMA bonds when false [true]. */
  yuma3Enabled?: boolean;
}

/** A dense matrix as rows: `m[i][j]`. */
export type Matrix = number[][];

/** A vector as inputs take it: an array, or a typed array (read as its values). */
export type VectorIn = ArrayLike<number>;

/** A matrix as inputs take it: rows as arrays or typed arrays. */
export type MatrixIn = ArrayLike<VectorIn>;

/** One epoch of a case (`M`, `V`: how its matrix and vector are held). */
export interface CaseEpoch<M = MatrixIn, V = VectorIn> {
  /** `weights[i][j]`: validator i's raw weight on server j (finite, ≥ 0). */
  weights: M;
  /** `stakes[i]`: validator i's raw stake (finite, ≥ 0). */
  stakes: V;
  /** A server whose bond column is zeroed before the epoch runs (Yuma 2C, 3, chain). */
  resetBondsColumn?: number | null;
}

/** A multi-epoch case: the `taolab run` input. Unknown fields are errors. */
export interface Case<M = MatrixIn, V = VectorIn> {
  /** Display name. */
  name?: string;
  /** The epoch rule ["yuma2"]. */
  variant?: Variant;
  /** Parameters; missing ones take the defaults. */
  params?: Params;
  /** The epochs, in order (every one the same shape). */
  epochs: CaseEpoch<M, V>[];
  /** Validator display names (default `V0`, `V1`, …). */
  validators?: string[];
  /** Server display names (default `S0`, `S1`, …). */
  servers?: string[];
  /** The validator the total-dividends table compares against (default the first). */
  baseValidator?: string;
}

/** A built-in case as `cases()` returns it: a `run` input with a name and no variant. */
export interface BuiltinCase extends Case<Matrix, number[]> {
  name: string;
  params: Required<Params>;
  validators: string[];
  servers: string[];
  baseValidator: string;
}

/**
 * The EMA α of an epoch: one number, a matrix (liquid alpha), or `null` when the variant
 * does not report it (Yuma 2C).
 */
export type Alpha = number | Matrix | null;

/**
 * Everything one float epoch computes (spec/yuma-variants.md §6). Vectors over servers have
 * one entry per column, vectors over validators one per row. Outputs a variant does not
 * compute are left out.
 */
export interface EpochOutput {
  /** Row-normalised weights Wn. */
  weights: Matrix;
  /** Normalised stake Sn. */
  stake: number[];
  /** Prerank P_j = Σ_i Sn_i·Wn_ij. */
  prerank?: number[];
  /** Consensus C_j. */
  consensus: number[];
  /** Clipped weights Wc. */
  clippedWeights: Matrix;
  /** Rank R_j = Σ_i Sn_i·Wc_ij. */
  rank?: number[];
  /** Incentive I = R / ΣR. */
  incentive: number[];
  /** Server trust T_j = R_j / P_j. */
  trust?: number[];
  /** Validator trust Tv_i. */
  validatorTrust: number[];
  /** Fresh bonds before the EMA (not for Yuma 2C and 3). */
  freshBonds?: Matrix;
  /** The bond state after the epoch, carried to the next one. */
  bonds: Matrix;
  /** Raw validator reward D. */
  dividendsRaw: number[];
  /** Normalised validator reward D̂ = D / (ΣD + 1e-6). */
  dividends: number[];
  /** Dividend per 1,000 TAO as the community simulator reports it, `0.041·D̂_i/Sn_i` with
   * the stake share `Sn_i` (upstream divides by the raw stake, which agrees when the stakes
   * sum to 1). */
  dividendPer1000Tao: number[];
  /** D̂_i − Sn_i. */
  relativeDividends: number[];
  /** The EMA α used for the bonds. */
  alpha: Alpha;
}

/** One validator's total dividends over a case, against the base validator. */
export interface TotalDividends {
  validator: string;
  /** Σ over epochs of the dividend per 1,000 TAO. */
  total: number;
  /** (total − base) / base × 100; `null` when the base validator earned nothing. */
  percentVsBase: number | null;
}

/** The `taolab run` output. */
export interface CaseOutput {
  name?: string;
  variant: Variant;
  validators: string[];
  servers: string[];
  baseValidator: string;
  epochs: EpochOutput[];
  totalDividends: TotalDividends[];
}

/** The state a float epoch continues from. */
export interface PreviousEpoch {
  /** Bond state (V × N) after the previous epoch. */
  bonds: MatrixIn;
  /** Previous consensus (N); liquid alpha reads it. Zeros when absent. */
  consensus?: VectorIn | null;
  /** Previous row-normalised weights (V × N); Yuma 2B clips these. */
  weights?: MatrixIn | null;
}

/** One float epoch: the `taolab epoch` input for the research variants. */
export interface EpochInput {
  variant?: Exclude<Variant, "chain">;
  params?: Params;
  weights: MatrixIn;
  stakes: VectorIn;
  previous?: PreviousEpoch | null;
}

/** A u64 as the API accepts it: a bigint, or a number that is a safe integer. */
export type U64 = bigint | number;

/** A stored sparse row: `[uid, value]` pairs, value a u16 (65535 = 1.0). */
export type U16Row = Array<[number, number]>;

/**
 * One subnet's state before a chain epoch, in on-chain units, named after subtensor's
 * storage. Parameters left out take the chain's defaults (shown in brackets).
 */
export interface ChainInput {
  /** `SubnetworkN`: number of UIDs. */
  n: number;
  /** The epoch's block. */
  block: U64;
  /** `Tempo` [360]. */
  tempo?: U64;
  /** Activity cutoff in blocks [5000]. */
  activityCutoff?: U64;
  /** `LastUpdate` per UID. */
  lastUpdate: U64[] | BigUint64Array;
  /** `BlockAtRegistration` per UID. */
  blockAtRegistration: U64[] | BigUint64Array;
  /** Total stake per UID, rao (or give `alphaStake`, `taoStake` and `taoWeight`). */
  stake?: U64[] | BigUint64Array;
  /** Alpha stake per UID, rao. */
  alphaStake?: U64[] | BigUint64Array;
  /** Root (TAO) stake per UID, rao. */
  taoStake?: U64[] | BigUint64Array;
  /** `TaoWeight` as stored (weight = value / 2^64−1). */
  taoWeight?: U64;
  /** `ValidatorPermit` before the epoch [none]. */
  validatorPermit?: boolean[];
  /** `Weights`: per UID, the stored row [none]. */
  weights?: U16Row[];
  /** `Bonds`: per UID, the stored row [none]. */
  bonds?: U16Row[];
  /** `Kappa` (u16) [32767]. */
  kappa?: number;
  /** `BondsPenalty` (u16) [65535]. */
  bondsPenalty?: number;
  /** `BondsMovingAverage` (α = 1 − value/10⁶) [900000]. */
  bondsMovingAverage?: U64;
  /** `LiquidAlphaOn` [false]. */
  liquidAlphaEnabled?: boolean;
  /** `AlphaValues.0` (u16) [45875]. */
  alphaLow?: number;
  /** `AlphaValues.1` (u16) [58982]. */
  alphaHigh?: number;
  /** `AlphaSigmoidSteepness` (i16) [1000]. */
  alphaSigmoidSteepness?: number;
  /** `Yuma3On` [true]. */
  yuma3Enabled?: boolean;
  /** `MaxAllowedValidators` [64]. */
  maxAllowedValidators?: number;
  /** `StakeThreshold`, rao [0]. */
  stakeThreshold?: U64;
  /** UID of the subnet owner's hotkey [null]. */
  ownerUid?: number | null;
  /** `LastMechansimStepBlock` [0]. */
  lastMechanismStepBlock?: U64;
  /** Commit-reveal: per UID the earliest active commit block, or null when off [null]. */
  commitBlocks?: Array<U64 | null> | null;
  /** Rao to distribute in this epoch. */
  raoEmission: U64;
}

/** What a chain epoch stores, in on-chain units. */
export interface ChainOutput {
  /** `Active`. */
  active: boolean[];
  /** `ValidatorPermit` after the epoch. */
  validatorPermit: boolean[];
  /** The total stake the epoch used, rao. */
  stake: BigUint64Array;
  /** `StakeWeight` (u16). */
  stakeWeight: Uint16Array;
  /** `Consensus` (u16). */
  consensus: Uint16Array;
  /** `Incentive` (u16). */
  incentive: Uint16Array;
  /** `Dividends` (u16). */
  dividends: Uint16Array;
  /** `ValidatorTrust` (u16). */
  validatorTrust: Uint16Array;
  /** Server (miner) emission, rao. */
  serverEmission: BigUint64Array;
  /** Validator emission, rao. */
  validatorEmission: BigUint64Array;
  /** `Emission` as stored, rao. */
  emission: BigUint64Array;
  /** `Bonds` as persisted: per UID, `[uid, value]` pairs. */
  bonds: U16Row[];
}

/** Options of `runCase`. */
export interface RunCaseOptions {
  /** Overrides the case's variant (like `taolab run --variant`). */
  variant?: Variant;
  /** Called after each epoch; returning `false` cancels the run (it then throws). */
  onProgress?: (done: number, total: number) => boolean | void;
}

/**
 * Runs a multi-epoch case (an object or its JSON text) and returns the `taolab run` output.
 * The second argument is a variant name or options.
 */
export declare function runCase(input: Case | string, options?: Variant | RunCaseOptions): CaseOutput;

/** As `runCase`, but returns the JSON text `taolab run` prints (without its final newline). */
export declare function runCaseJson(input: Case | string, options?: Variant | RunCaseOptions): string;

/** Runs one float epoch (`variant` overrides the input's) and returns its outputs. */
export declare function runEpoch(
  input: EpochInput | string,
  variant?: Exclude<Variant, "chain">,
): EpochOutput;
/** Runs subtensor's epoch, bit-exact, in on-chain units. */
export declare function runEpoch(input: ChainInput | string, variant: "chain"): ChainOutput;
/** Runs the epoch `variant` names, when that is known only at run time (a `Variant`). */
export declare function runEpoch<V extends Variant>(
  input: (V extends "chain" ? ChainInput : EpochInput) | string,
  variant: V,
): V extends "chain" ? ChainOutput : EpochOutput;

/** As `runEpoch`, but returns the JSON text `taolab epoch` prints (without its final newline). */
export declare function runEpochJson(input: EpochInput | ChainInput | string, variant?: Variant): string;

/** The 22 built-in community cases as `run` inputs; element k is case k + 1. */
export declare function cases(): BuiltinCase[];

/** Options of `emissionSchedule`; the default reference is the first halving. */
export interface ScheduleOptions {
  /** Reference block [7 111 749]. */
  fromBlock?: U64;
  /** Date of the reference block, `YYYY-MM-DD` ["2025-12-14"]. */
  fromDate?: string;
  /** `TotalIssuance` at the reference block, rao [10.5M TAO]. */
  issuance?: U64;
  /** Rao recycled per block (registration burns …); delays the halvings [0]. */
  recycledPerBlock?: U64;
  /** Halvings to list [8]; the list stops at the first era whose block emission is 0 rao
   * (halving 30). */
  halvings?: number;
}

/** One era of the schedule (as `taolab schedule --format json`). */
export interface HalvingRow {
  /** 0 for genesis, 1 for the first halving, … */
  halving: number;
  /** Issuance at which the era starts, rao. */
  issuanceThreshold: bigint;
  /** First block of the era; null if never reached or already passed. */
  block: bigint | null;
  /** Unix seconds of `block` (12-second blocks). */
  unixSeconds: number | null;
  /** `block`'s date, `YYYY-MM-DD` UTC. */
  date: string | null;
  /** Emission per block in the era, rao. */
  emissionPerBlock: bigint;
  /** Emission per day (7 200 blocks), rao. */
  emissionPerDay: bigint;
  /** The era had started before the reference block. */
  passed: boolean;
}

/** The TAO issuance and halving schedule. */
export declare function emissionSchedule(options?: ScheduleOptions): HalvingRow[];

/**
 * A world scenario (docs/scenario.md has every field). Typed loosely here: the core
 * validates it and names any bad field.
 */
export interface Scenario {
  name?: string | null;
  /** Rules of a date: "2025-02", "2026-06" or "described" ["2026-06"]. */
  preset?: string;
  rules?: Record<string, unknown>;
  /** "chain" (exact) or "float". */
  arithmetic?: "chain" | "float";
  /** Float only: the research epoch every subnet runs [Yuma 3; Yuma 2 for a subnet whose
   * `yuma3` is false]. */
  variant?: Exclude<Variant, "chain">;
  seed?: U64;
  /** The block before the first simulated one; at most 2^53 − 1, the last block a world reaches. */
  startBlock?: U64;
  /** `TotalIssuance` at the start, TAO. */
  issuance?: number;
  /** TAO staked on root. */
  rootTao?: number;
  /** Record a per-block row every this many blocks. */
  recordEvery?: U64;
  subnets: Array<Record<string, unknown>>;
  flows?: Array<Record<string, unknown>>;
  randomFlows?: Record<string, unknown> | null;
  registrations?: Array<Record<string, unknown>>;
  registrationsPerDay?: number;
  subnetRegistrations?: U64[];
}

/** Network totals, one entry per recorded block. */
export interface BlockSeries {
  block: BigUint64Array;
  /** `TotalIssuance` after the block, rao. */
  issuance: BigUint64Array;
  /** TAO minted this block, rao. */
  emission: BigUint64Array;
  /** TAO injected into pools, rao. */
  taoToPools: BigUint64Array;
  /** TAO recycled, rao. */
  recycled: BigUint64Array;
  /** Subnets emitted to. */
  subnets: Uint32Array;
  /** Epochs run this block. */
  epochs: Uint32Array;
  /** TAO in all pools, rao. */
  poolTao: BigUint64Array;
}

/** One entry per subnet epoch. */
export interface EpochSeries {
  block: BigUint64Array;
  netuid: Uint16Array;
  /** Emission share at the last block. */
  share: Float64Array;
  /** Spot price, TAO per alpha. */
  price: Float64Array;
  movingPrice: Float64Array;
  poolTao: BigUint64Array;
  poolAlpha: BigUint64Array;
  /** `SubnetAlphaOut`, rao. */
  alphaOut: BigUint64Array;
  /** TAO injected since the last epoch, rao. */
  taoIn: BigUint64Array;
  /** Owner cut paid, alpha rao. */
  owner: BigUint64Array;
  /** Miners paid, alpha rao. */
  miners: BigUint64Array;
  /** Validators paid, alpha rao. */
  validators: BigUint64Array;
  /** Root stakers paid, alpha rao. */
  root: BigUint64Array;
  /** Owner-owned miners' incentive burned, alpha rao. */
  burned: BigUint64Array;
  /** UID registration price, rao. */
  burnPrice: BigUint64Array;
  registrations: Uint32Array;
  prunings: Uint32Array;
  uids: Uint32Array;
}

/** A discrete event of a world. */
export interface WorldEvent {
  block: bigint;
  kind:
    | "uidRegistered"
    | "uidPruned"
    | "registrationFailed"
    | "subnetRegistered"
    | "subnetPruned"
    | "subnetRegistrationFailed"
    | "stake"
    | "unstake";
  netuid: number;
  uid: number | null;
  /** TAO paid or received, rao. */
  amount: bigint;
}

/** Where every minted rao went (cumulative). */
export interface Ledger {
  taoMinted: bigint;
  taoInjected: bigint;
  taoChainBought: bigint;
  taoChainFees: bigint;
  taoRecycled: bigint;
  alphaInjected: bigint;
  alphaOutMinted: bigint;
  owner: bigint;
  miners: bigint;
  validators: bigint;
  root: bigint;
  burned: bigint;
  alphaRecycled: bigint;
  dust: bigint;
  protocolAlpha: bigint;
  taoExternalIn: bigint;
  taoExternalOut: bigint;
  taoUserFees: bigint;
}

/** A subnet now. */
export interface SubnetState {
  netuid: number;
  name: string;
  poolTao: bigint;
  poolAlpha: bigint;
  alphaOut: bigint;
  /** Spot price, TAO per alpha. */
  price: number;
  share: number;
  uids: number;
  /** UID registration price, rao. */
  burn: bigint;
  ownerStake: bigint;
  rootAlpha: bigint;
}

/**
 * The multi-subnet economy, stepped block by block. Holds wasm memory: call `free()` when
 * done (the garbage collector frees it too), or use `using world = new World(…)`.
 */
export declare class World {
  /**
   * Builds a world from a scenario (object or JSON text); with none, the built-in
   * 64-subnet network. The seed (default: the scenario's) drives every random draw.
   */
  constructor(scenario?: Scenario | string | null, options?: { seed?: U64 } | U64);
  /** Advances `blocks` blocks; `onProgress(done, total)` is called every 1 000 blocks and at
   * the end (each `done` once), and returning `false` stops there. Returns the blocks
   * advanced. */
  step(blocks: U64, onProgress?: (done: number, total: number) => boolean | void): number;
  /** The current block. */
  readonly block: bigint;
  /** `TotalIssuance`, rao. */
  readonly issuance: bigint;
  /** The subnet lock cost now, rao. */
  readonly lockCost: bigint;
  /** The seed in use. */
  readonly seed: bigint;
  /** Blocks advanced since the world was built. */
  readonly stepped: bigint;
  /** Per-block series (every `recordEvery` blocks). */
  blockSeries(): BlockSeries;
  /** Per-epoch series. */
  epochSeries(): EpochSeries;
  /** The events. */
  events(): WorldEvent[];
  /** The cumulative ledger. */
  ledger(): Ledger;
  /** The subnets now. */
  subnets(): SubnetState[];
  /** The recorded series as JSON text, identical to the CLI's `series.json`. */
  seriesJson(): string;
  /** Releases the wasm memory now; the world is unusable afterwards. */
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * A parameter sweep: the `taolab sweep --grid` spec (see the CLI's documentation for every
 * field). Typed loosely here: the core validates it and names any bad field.
 */
export interface SweepSpec {
  /** A shipped study by name (used when `scenario` is absent). */
  study?: string;
  /** An inline base scenario. */
  scenario?: Record<string, unknown> | null;
  /** Grid: parameter → values; every combination runs. */
  grid?: Record<string, Array<number | string>>;
  /** Random search: parameter → range. */
  random?: Record<string, { min: number; max: number }>;
  /** Random samples (with `random`). */
  samples?: number;
  /** Monte Carlo repetitions of each point. */
  repetitions?: number;
  /** Master seed. */
  seed?: U64;
  /** Metrics to keep (all when empty); a name or a prefix ending in `.`. */
  metrics?: string[];
  /** Keep only every `every`-th epoch (and the last). */
  every?: number;
}

/** Options of `sweep`. */
export interface SweepOptions {
  /** `"csv"` (default, with a header on the first shard) or `"jsonl"`. */
  format?: "csv" | "jsonl";
  /** Run only shard `i/n` (1-based), as `taolab sweep --shard`. */
  shard?: string;
  /** Called as runs finish; returning `false` cancels (it then throws). */
  onProgress?: (done: number, total: number) => boolean | void;
}

/** Runs a sweep and returns its long table as the CLI writes it. */
export declare function sweep(
  spec: SweepSpec | string,
  options?: SweepOptions | ((done: number, total: number) => boolean | void),
): string;

/** The consensus-guarantee map's configuration (defaults: the study as specified). */
export interface ConsensusMapConfig {
  /** The epoch rule ["chain"]. */
  variant?: Variant;
  /** κ, the bond penalty and the rest (κ = 0.5, β = 1). */
  params?: Params;
  /** σ_W, the spread of the weight draws [0.4]. */
  sigmaW?: number;
  /** The spread of the stake draws [0.3]. */
  sigmaS?: number;
  /** The generator's seed [0]. */
  seed?: U64;
  /** UIDs in the network [512]. */
  neurons?: number;
  /** Validators among them [64]. */
  validators?: number;
  /** Honest-stake levels S_H [0.51, 0.55, 0.60, …, 0.95, 0.99]. */
  stakeLevels?: number[];
  /** Levels of W_H and W_C, from 1 down to 0 [51]. */
  weightLevels?: number;
  /** Epochs per batch [51]. */
  batch?: number;
}

/** The map: one entry per grid point, S_H-major, then W_H, then W_C (descending). */
export interface ConsensusMap {
  /** The configuration used, defaults filled in. */
  config: Required<ConsensusMapConfig>;
  /** S_H, the honest stake share. */
  majorStake: Float64Array;
  /** W_H, the honest utility. */
  majorWeight: Float64Array;
  /** W_C, the cabal's self-weight. */
  minorWeight: Float64Array;
  /** Stake-weighted absolute weight deviation. */
  weightDev: Float64Array;
  /** E_H, the honest share of the emission. */
  majorRatio: Float64Array;
  /** The CSV `taolab sweep consensus-map --out FILE.csv` writes. */
  csv: string;
}

/** Runs the consensus-guarantee map (11 × 51 × 51 epochs by default; seconds to a minute:
 * run it in a Web Worker in a browser). */
export declare function consensusMap(
  config?: ConsensusMapConfig | string | null,
  onProgress?: (done: number, total: number) => boolean | void,
): ConsensusMap;

/**
 * Web build: instantiates the wasm (fetched beside the module by default, or from a URL,
 * Response, bytes or compiled module). Call once before anything else; again is harmless.
 * Node and bundler builds: already initialised, resolves at once.
 */
export default function init(
  moduleOrPath?: string | URL | Request | Response | BufferSource | WebAssembly.Module | Promise<Response>,
): Promise<void>;

/** Web build: instantiates the wasm synchronously from its bytes or a compiled module. */
export declare function initSync(module: BufferSource | WebAssembly.Module): void;
