// Compiled by `tsc --noEmit` (scripts/npm.sh test): the hand-written types accept the
// documented uses and reject the wrong ones (`@ts-expect-error` lines must fail to compile).
import init, {
  cases,
  emissionSchedule,
  initSync,
  runCase,
  runCaseJson,
  runEpoch,
  runEpochJson,
  variants,
  World,
  sweep,
  consensusMap,
  type ConsensusMap,
  type BuiltinCase,
  type Case,
  type CaseOutput,
  type ChainInput,
  type ChainOutput,
  type EpochOutput,
  type HalvingRow,
  type Variant,
} from "taolab";

export async function typed(bytes: Uint8Array): Promise<void> {
  await init();
  await init(new URL("https://example.invalid/taolab_bg.wasm"));
  initSync(bytes);

  const all: BuiltinCase[] = cases();
  const v: Variant = variants[4];
  const out: CaseOutput = runCase({ ...all[0], variant: v });
  const d: number = out.epochs[0].dividends[0];
  const named: CaseOutput = runCase(all[1], "yuma3");
  const withProgress: CaseOutput = runCase(all[2], {
    variant: "chain",
    onProgress: (done, total) => done < total,
  });
  const text: string = runCaseJson('{"epochs":[{"weights":[[1]],"stakes":[1]}]}');
  const own: Case = { epochs: [{ weights: [[1, 0]], stakes: [1], resetBondsColumn: null }], params: { kappa: 0.6 } };
  const classic: Case = { ...own, variant: "chain", params: { yuma3Enabled: false } };
  runCase(own);
  runCase(classic);

  const e: EpochOutput = runEpoch({ weights: [[1]], stakes: [1] }, "yuma2b");
  const alpha: number | number[][] | null = e.alpha;
  const chainIn: ChainInput = {
    n: 2,
    block: 100n,
    lastUpdate: [99, 99n],
    blockAtRegistration: new BigUint64Array(2),
    stake: [10n ** 18n, 1],
    weights: [[[1, 65535]], []],
    raoEmission: 1_000_000_000n,
  };
  const c: ChainOutput = runEpoch(chainIn, "chain");
  const rao: bigint = c.emission[0];
  const u16: number = c.incentive[1];
  const json: string = runEpochJson(chainIn, "chain");

  const rows: HalvingRow[] = emissionSchedule({ recycledPerBlock: 10n, halvings: 4, fromDate: "2025-12-14" });
  const when: bigint | null = rows[1].block;

  const w = new World(null, { seed: 7n });
  const advanced: number = w.step(7200, (done) => done < 3600);
  const issuance: bigint = w.issuance;
  const prices: Float64Array = w.epochSeries().price;
  const minted: bigint = w.ledger().taoMinted;
  const poolTao: BigUint64Array = w.blockSeries().poolTao;
  w.free();
  {
    using scoped = new World('{"subnets":[]}', 3);
    scoped.step(10n);
  }

  const table: string = sweep({ study: "weight-copying-cr", grid: { kappa: [0.5, 0.6] } }, { format: "jsonl", onProgress: () => true });
  const map: ConsensusMap = consensusMap({ weightLevels: 5, params: { kappa: 0.5 } }, (d, t) => d < t);
  const ratio: Float64Array = map.majorRatio;
  void [table, ratio];

  // Typed arrays read as arrays; a variant known only at run time; a float world's variant.
  const typedIn: EpochOutput = runEpoch({ weights: [new Float64Array([1, 0])], stakes: new Float32Array([1]) });
  const fromCases: Case = { epochs: [{ weights: [Float64Array.of(0.5, 0.5)], stakes: [1] }] };
  const either: EpochOutput | ChainOutput = runEpoch({ weights: [[1]], stakes: [1] }, variants[0]);
  const floatWorld = new World({ arithmetic: "float", variant: "yuma2", subnets: [] });
  floatWorld.free();
  runCase(fromCases);
  void [typedIn, either];

  // @ts-expect-error: not a variant
  runCase(all[0], "yuma4");
  // @ts-expect-error: a float world cannot run the chain epoch by name
  new World({ arithmetic: "float", variant: "chain", subnets: [] });
  // @ts-expect-error: the built-in cases' matrices are plain arrays
  const rowsOnly: Float64Array = cases()[0].epochs[0].weights[0];
  // @ts-expect-error: a chain output holds bigints, not numbers
  const wrong: number = c.stake[0];
  // @ts-expect-error: epochs are required
  runCase({ params: {} });
  // @ts-expect-error: the float epoch takes no chain fields
  runEpoch({ n: 1, weights: [[1]], stakes: [1] }, "yuma1");

  void [d, named, withProgress, text, alpha, rao, u16, json, when, advanced, issuance, prices, minted, poolTao, wrong, rowsOnly];
}
