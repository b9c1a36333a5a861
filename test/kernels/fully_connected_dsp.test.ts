/**
 * @fileoverview FULLY_CONNECTED with SMLAD (kernels/fully_connected_dsp.ts, lowered by
 * compiler/ops/fully_connected.ts + fully_connected_dsp.ts) == fullyConnectedReference, on every
 * variant: 4 or 2 rows per pass, int8 (SXTB16 or offset-binary) or int16 weights, staged or ld32 activations, the cheap or
 * the general requantization, over shapes that hit the edges (depth not a multiple of 4, one
 * row, odd rows, batch > 1, with and without bias, filter offset, shift 0 and positive shifts).
 *
 * The variant is forced through the op options (moteDsp, moteFcRows, moteFcWeights,
 * moteFcStaged). ts always; wasm and host C once the compiler has the DSP intrinsics
 * (compiler/ir/intrinsics.ts has smlad). "the random cases cover every variant" checks the
 * draws do reach each one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { INTRINSICS } from "../../compiler/ir/intrinsics.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { packFcWeights } from "../../compiler/ops/fully_connected_dsp.ts";
import { foldOutputOffset } from "../../compiler/ops/requant-table.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import {
  BIAS_MODES, fullyConnectedSpecArb, syntheticGraph, syntheticInputs, withBiasModes, type FullyConnectedSpec,
} from "../support/synthetic.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { goldenMismatches } from "../support/golden.ts";
import { needShared, needTarget, sharedFile } from "../support/shared.ts";
import { firstDifference, seedOf } from "./differential/agree.ts";

interface Variant {
  rows: number;
  weights16: number;
  staged: number;
}

interface Case {
  spec: FullyConnectedSpec;
  variant: Variant;
}

const variantArb: fc.Arbitrary<Variant> = fc.record({
  rows: fc.constantFrom(4, 2),
  weights16: fc.constantFrom(0, 1, 2),
  staged: fc.constantFrom(0, 1),
});

/** Shapes with more edge cases than the shared arbitrary: small depths, 1-3 rows, output scales giving shift >= 0. */
const specArb: fc.Arbitrary<FullyConnectedSpec> = fc.tuple(
  withBiasModes(fullyConnectedSpecArb, BIAS_MODES),
  fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 1 }),
  fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 }),
  fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: fc.constantFrom(2 ** -8, 2 ** -12), weight: 1 }),
).map(([s, depth, units, outScale]) => {
  const spec: FullyConnectedSpec = { ...s, outputScale: Math.fround(s.outputScale * outScale) };
  if (depth !== 0) spec.depth = depth;
  if (units !== 0) {
    spec.units = units;
    spec.filterScales = spec.filterScales.slice(0, spec.filterScales.length > 1 ? units : 1);
    while (spec.filterScales.length > 1 && spec.filterScales.length < units) spec.filterScales.push(spec.filterScales[0]);
  }
  if (spec.inputLayout === "image" && depth !== 0) spec.inputLayout = "flat";
  return spec;
});

const caseArb: fc.Arbitrary<Case> = fc.record({ spec: specArb, variant: variantArb });

function graphOf(c: Case): Graph {
  const graph = syntheticGraph(c.spec);
  graph.ops[0].options = {
    ...graph.ops[0].options, moteDsp: 1, moteFcRows: c.variant.rows, moteFcWeights: c.variant.weights16, moteFcStaged: c.variant.staged,
  };
  return graph;
}

async function expectEqualsReference(c: Case, targets: readonly Target[]): Promise<void> {
  const graph = graphOf(c);
  const inputs = syntheticInputs(c.spec);
  const want = (await runModel(syntheticGraph(c.spec), inputs, "ts", { reference: true })).outputs;
  for (const target of targets) {
    const got = (await runModel(graph, inputs, target)).outputs;
    want.forEach((w, o) => {
      const at = firstDifference(w, got[o]);
      if (at >= 0) throw new Error(`${target}: byte ${at} of output ${o} differs (${w[at]} vs ${got[o][at]})\ncase: ${JSON.stringify(c)}`);
    });
  }
}

/** What one case exercises (from its lowering). */
function features(c: Case): string[] {
  const call = lowerGraph(graphOf(c))[0].calls[0];
  if (call.fn !== "fullyConnectedDsp") return [`not dsp: ${call.fn}`];
  const p = call.params;
  const asked = c.variant.weights16 === 2 && p.weights16 !== 2 ? ["offset-binary asked, not allowed"] : [];
  const out = [...asked, `rows ${p.rows}`, `weights16 ${p.weights16}`, `staged ${p.staged}`, `table ${p.table}`, `hasBias ${p.hasBias}`];
  if (p.accumDepth % 4 !== 0) out.push("depth % 4");
  if (p.accumDepth < 4) out.push("depth < 4");
  if (p.outputDepth === 1) out.push("1 row");
  if (p.outputDepth % 2 === 1) out.push("odd rows");
  if (p.outputDepth % p.rows !== 0 && p.outputDepth > p.rows) out.push("passes + leftover rows");
  if (p.batches > 1) out.push("batch > 1");
  if (p.weights16 === 2) out.push(`offset-binary, table ${p.table}`);
  if (p.table === 2) out.push(`uniform, zero point ${p.qZp !== 0 ? "folded" : "added"}${p.actMin === -128 && p.actMax === 127 ? "" : ", clamped"}`);
  if (p.staged !== 0 && p.hasBias !== 2 && p.inputOffset !== 0) out.push("staged input offset");
  if (c.variant.weights16 !== 0 && c.spec.filterZeroPoint !== 0 && c.spec.filterScales.length === 1) out.push("int16 filter offset");
  const shifts = lowerGraph(syntheticGraph(c.spec), { reference: true })[0].calls[0].args[4];
  if (shifts.kind === "const" && shifts.data.some((s) => s >= 0)) out.push(`shift >= 0, table ${p.table}`);
  return out;
}

const RUNS_TS = 300;
const hasDsp = INTRINSICS.has("smlad");

describe("foldOutputOffset (the uniform requantization's zero point)", () => {
  it("folds the zero point into the rounding sum only where q + 2^(e-1) + |zp| 2^e stays in i32", () => {
    // A bias of 2^31 - 2^28 with m = 2^31 - 1: |q| up to about 2^31 - 2^28, which the cheap
    // rounding alone admits for e = 23 (+ 2^22), but not with 127 * 2^23 added.
    const m = 2 ** 31 - 1;
    const row = (e: number) => [0, (2 * m) | 0, 2 ** (e - 1), e];
    const fold = (e: number, zp: number, absSum = 0) => foldOutputOffset(row(e), zp, [m], () => 2 ** 31 - 2 ** 28, () => absSum, 0);
    expect(fold(23, 127)).toBeNull();
    expect(fold(23, 0)).toEqual(row(23));
    expect(fold(5, 127)).toEqual([0, (2 * m) | 0, 16 + 127 * 32, 5]);
    expect(fold(5, 0, 2 ** 21)).toBeNull(); // 128 * 2^21 more on the sum: q reaches 2^31 - 1
  });
});

describe("packFcWeights", () => {
  it("lays int8 rows out as words per group and row, then leftover rows, zero-padded", () => {
    // 3 rows x 5 depth: f[r][k] = 10r + k + 1
    const f = new Int8Array(15).map((_, i) => 10 * Math.floor(i / 5) + (i % 5) + 1);
    const w = packFcWeights(new Uint8Array(f.buffer), 3, 5, 2, 0, 0);
    const bytes = (x: number) => [x & 255, (x >> 8) & 255, (x >> 16) & 255, (x >> 24) & 255];
    expect(w.map(bytes)).toEqual([[1, 2, 3, 4], [11, 12, 13, 14], [5, 0, 0, 0], [15, 0, 0, 0], [21, 22, 23, 24], [25, 0, 0, 0]]);
  });
  it("lays int16 pairs out as (k, k+2), (k+1, k+3) with the filter offset, padding 0", () => {
    const f = Int8Array.from([1, -2, 3, -4, 5]);
    const w = packFcWeights(new Uint8Array(f.buffer), 1, 5, 4, 1, 100);
    const halves = (x: number) => [(x << 16) >> 16, x >> 16];
    expect(w.map(halves)).toEqual([[101, 103], [98, 96], [105, 0], [0, 0]]);
  });
});

describe("offset-binary int8 weights", () => {
  it("are chosen only where |dot product| < 2^23 is proven; else int8 with SXTB16, still exact", async () => {
    for (const [depth, weights] of [[300, 2], [400, 0]]) {
      const c: Case = {
        spec: { ...fc.sample(specArb, { seed: 5, numRuns: 1 })[0], depth, units: 3, filterScales: [0.01], filterZeroPoint: 0, batchDims: [1], inputLayout: "flat", inputZeroPoint: 0, hasBias: true, biasInput: false },
        variant: { rows: 2, weights16: 2, staged: 1 },
      };
      const graph = graphOf(c);
      const filter = graph.tensors[graph.ops[0].inputs[1]];
      filter.data = new Uint8Array(filter.data!.length).fill(127); // 300 * 127 * 192 < 2^23 <= 400 * 127 * 192
      const call = lowerGraph(graph)[0].calls[0];
      expect(call.params.weights16).toBe(weights);
      const inputs = [new Uint8Array(depth).fill(127)];
      const want = (await runModel({ ...graph, ops: [{ ...graph.ops[0], options: {} }] }, inputs, "ts", { reference: true })).outputs;
      expect((await runModel(graph, inputs, "ts")).outputs).toEqual(want);
    }
  });
});

describe("fullyConnectedDsp == fullyConnectedReference", () => {
  it(`ts, ${RUNS_TS} random cases over every variant`, async () => {
    await fc.assert(fc.asyncProperty(caseArb, (c) => expectEqualsReference(c, ["ts"])), { seed: seedOf("FC DSP", 1), numRuns: RUNS_TS });
  }, 120_000);

  it("the random cases cover every variant and edge", () => {
    const seen = new Set(fc.sample(caseArb, { seed: seedOf("FC DSP", 1), numRuns: RUNS_TS }).flatMap(features));
    const expected = [
      "rows 4", "rows 2", "weights16 0", "weights16 1", "weights16 2", "offset-binary asked, not allowed", "staged 0", "staged 1", "table 0", "table 1", "table 2", "hasBias 0", "hasBias 1",
      "hasBias 2", "depth % 4", "depth < 4", "1 row", "odd rows", "passes + leftover rows", "batch > 1", "staged input offset",
      "int16 filter offset", "shift >= 0, table 0",
      "offset-binary, table 0", "offset-binary, table 1", "offset-binary, table 2",
      "uniform, zero point folded", "uniform, zero point folded, clamped",
    ];
    expect(expected.filter((f) => !seen.has(f))).toEqual([]);
    expect([...seen].filter((f) => f.startsWith("shift >= 0, table 1"))).toEqual([]);
  });

  it.skipIf(!hasDsp)("wasm, 60 random cases", async () => {
    await fc.assert(fc.asyncProperty(caseArb, (c) => expectEqualsReference(c, ["wasm"])), { seed: seedOf("FC DSP", 2), numRuns: 60 });
  }, 300_000);

  it.skipIf(!hasDsp || needTarget("host").skip)("host C, 16 random cases", async () => {
    await fc.assert(fc.asyncProperty(caseArb, (c) => expectEqualsReference(c, ["host"])), { seed: seedOf("FC DSP", 3), numRuns: 16 });
  }, 300_000);
});

describe.skipIf(needShared("models/ad01_int8.tflite").skip)("ad01 (100 % FULLY_CONNECTED) with the SMLAD kernel", () => {
  for (const variant of [{ rows: 4, weights16: 2, staged: 1 }, { rows: 4, weights16: 0, staged: 1 }, { rows: 2, weights16: 1, staged: 0 }]) {
    it(`ts, ${JSON.stringify(variant)}: TFLite Micro's golden output on every input`, async () => {
      const graph = loadModel(sharedFile("models", "ad01_int8.tflite"));
      for (const op of graph.ops) {
        op.options = { ...op.options, moteDsp: 1, moteFcRows: variant.rows, moteFcWeights: variant.weights16, moteFcStaged: variant.staged };
      }
      expect(lowerGraph(graph).every((l) => l.calls.every((c) => c.fn === "fullyConnectedDsp"))).toBe(true);
      expect(await goldenMismatches(graph, "ad01_int8", [0, 1, 2, 3, 4, 5, 6, 7], "ts")).toEqual([]);
    }, 60_000);
  }
});
