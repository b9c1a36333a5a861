/**
 * @fileoverview fast == reference: the fast CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels
 * against the plain TFLite Micro-shaped reference kernels (`conv2dReference`, ... in kernels/),
 * which share no loop with them.
 *
 * The reference runs on the ts target with `{ reference: true }` (compiler/ops/types.ts
 * LowerOptions: no bias folding, no in-place execution); the fast kernels run as every model
 * runs them, on ts, wasm and host C. test/kernels/differential.test.ts compares the fast source
 * with itself compiled; this file is what checks the fast paths (4-wide channel loops,
 * interior/border split, folded bias, written-out 3x3, depthwise's SIMD variant (its own edges in
 * test/kernels/depthwise_conv_2d_dsp.test.ts), in-place variants, the fused residual
 * ADD) against an independent statement of the arithmetic.
 *
 * - Single ops: fast-check draws specs from test/support/synthetic.ts's arbitraries with every
 *   bias mode (withBiasModes) and, for depthwise, extra 3x3 dilation-1 windows; "the random
 *   cases cover every variant" checks on the same draws that groups, dilation, stride 2, odd
 *   channel counts with 4-wide + remainder, 1-element dimensions, SAME/VALID, batch > 1, depth
 *   multiplier > 1, per-tensor/per-channel FC and every bias mode do occur.
 * - In-place and fusion: compiler/plan/inplace.ts picks those variants only in codegen mode
 *   (wasm, host), so small graphs are built where each one triggers (asserted on
 *   `buildFor(graph).inPlaceNotes`) and compared with the reference on ts.
 * - The reference kernels themselves compile and agree on wasm and host, and give TFLite
 *   Micro's golden bytes on the five shared models (ts).
 *
 * Seeds are fixed; a failure prints the spec as JSON. Host C costs one gcc build per graph, so it
 * gets ~15 cases per op (run concurrently).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import type { Graph, Op } from "../../compiler/ir/graph.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { interiorEnd, interiorStart } from "../../kernels/common/window.ts";
import {
  BIAS_MODES, convSpecArb, depthwiseSpecArb, fullyConnectedSpecArb, GraphBuilder, int32Bytes, int8Bytes,
  perTensor, prng, syntheticGraph, syntheticInputs, withBiasModes,
  type BiasMode, type ConvSpec, type DepthwiseSpec, type FullyConnectedSpec,
} from "../support/synthetic.ts";
import { MODEL_NAMES, needModels, needTarget, readBytes, sameBytes, sharedFile } from "../support/shared.ts";
import { caseCount, firstDifference, propertyParams, seedOf } from "./differential/agree.ts";

/** Full counts in test:full (reference.full.test.ts runs this file), 40 % in npm test; see caseCount. */
const WASM_RUNS = caseCount(60);
const HOST_RUNS = caseCount(15);
/** Cases per op where the reference kernel itself runs on wasm and host. */
const REFERENCE_TARGET_RUNS = caseCount(4);
const BLOCK_WASM_RUNS = caseCount(25);
const BLOCK_HOST_RUNS = caseCount(3);

const noHost = needTarget("host").skip;
const models = needModels(...MODEL_NAMES);

type WeightedSpec = ConvSpec | DepthwiseSpec | FullyConnectedSpec;
type WeightedOp = WeightedSpec["op"];

/** A 3x3, dilation 1 window (depthwise's written-out interior path); VALID inputs grow to fit it. */
function window3x3(s: DepthwiseSpec): DepthwiseSpec {
  const fit = (n: number) => (s.padding === "VALID" ? Math.max(n, 3) : n);
  return { ...s, filterH: 3, filterW: 3, dilationH: 1, dilationW: 1, inH: fit(s.inH), inW: fit(s.inW) };
}

/** Shapes and quantization per op, before the bias mode is drawn. */
const SHAPES: { [K in WeightedOp]: fc.Arbitrary<Extract<WeightedSpec, { op: K }>> } = {
  CONV_2D: convSpecArb,
  DEPTHWISE_CONV_2D: fc.oneof({ arbitrary: depthwiseSpecArb, weight: 2 }, { arbitrary: depthwiseSpecArb.map(window3x3), weight: 1 }),
  FULLY_CONNECTED: fullyConnectedSpecArb,
};
const OPS = Object.keys(SHAPES) as WeightedOp[];

/** Specs of `op` with a bias mode drawn from `modes` (all by default). */
const specs = (op: WeightedOp, modes: readonly BiasMode[] = BIAS_MODES): fc.Arbitrary<WeightedSpec> =>
  withBiasModes(SHAPES[op] as fc.Arbitrary<WeightedSpec>, modes);
/** Host cases per op and bias mode (every mode gets the same number). */
const HOST_RUNS_PER_MODE = Math.max(1, Math.round(HOST_RUNS / BIAS_MODES.length));

/** One run to compare with the reference: a target, with the fast kernels or the reference ones. */
interface Run {
  target: Target;
  reference?: boolean;
}

const runName = (r: Run): string => `${r.reference ? "reference" : "fast"} on ${r.target}`;

const asInt8 = (bytes: Uint8Array, from: number): number[] =>
  Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice(from, from + 8));

/**
 * Runs `graph` with the reference kernels on ts, then each of `runs`; throws naming the first
 * run and byte that differ, with `label` (the spec as JSON).
 */
async function expectMatchesReference(label: string, graph: Graph, inputs: Uint8Array[], runs: Run[]): Promise<void> {
  const run = async (r: Run): Promise<Uint8Array[]> => {
    try {
      return (await runModel(graph, inputs, r.target, { reference: r.reference })).outputs;
    } catch (e) {
      throw new Error(`${graph.name}: ${runName(r)} failed: ${(e as Error).message}\nspec: ${label}`);
    }
  };
  const want = await run({ target: "ts", reference: true });
  for (const r of runs) {
    const got = await run(r);
    want.forEach((w, o) => {
      const at = firstDifference(w, got[o]);
      if (at < 0) return;
      throw new Error(
        `${graph.name}: ${runName(r)} differs from the reference (ts) at byte ${at} of ${w.length} of output ${o}` +
          ` (reference [${asInt8(w, at).join(", ")}...] vs [${asInt8(got[o], at).join(", ")}...])\nspec: ${label}`,
      );
    });
  }
}

const checkSpec = (spec: WeightedSpec, runs: Run[]): Promise<void> =>
  expectMatchesReference(JSON.stringify(spec), syntheticGraph(spec), syntheticInputs(spec), runs);

describe("fast == reference, single ops", () => {
  for (const op of OPS) {
    const arb = specs(op);
    it(`${op}: fast on ts and wasm == reference, ${WASM_RUNS} random graphs`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, (spec) => checkSpec(spec, [{ target: "ts" }, { target: "wasm" }])),
        propertyParams(arb, seedOf(op, 11), WASM_RUNS),
      );
    }, 120_000);
  }
});

describe.skipIf(noHost)("fast == reference, single ops, host C", { concurrent: true }, () => {
  for (const op of OPS) {
    const arb = specs(op);
    it(`${op}: fast on host == reference, ${HOST_RUNS} random graphs (${HOST_RUNS_PER_MODE} per bias mode)`, async () => {
      for (const mode of BIAS_MODES) {
        await fc.assert(
          fc.asyncProperty(specs(op, [mode]), (spec) => checkSpec(spec, [{ target: "host" }])),
          { seed: seedOf(`${op} ${mode}`, 12), numRuns: HOST_RUNS_PER_MODE },
        );
      }
    }, 600_000);
    it(`${op}: the reference kernel itself on wasm and host, ${REFERENCE_TARGET_RUNS} random graphs`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, (spec) => checkSpec(spec, [{ target: "wasm", reference: true }, { target: "host", reference: true }])),
        propertyParams(arb, seedOf(op, 13), REFERENCE_TARGET_RUNS),
      );
    }, 600_000);
  }
});

// ---- coverage of the random cases ---------------------------------------------------------------

/** What one spec exercises in the fast kernel (from its lowering and window bounds). */
function features(spec: WeightedSpec): string[] {
  const graph = syntheticGraph(spec);
  const p = lowerGraph(graph)[0].calls[0].params;
  const out: string[] = [`hasBias ${p.hasBias}${p.hasBias !== 2 && p.inputOffset !== 0 ? " with input offset" : ""}`];
  if (p.hasBias === 2) out.push(spec.hasBias ? "folded with bias" : "folded without bias");
  const shape = graph.tensors[graph.outputs[0]].shape;
  if (shape.some((d) => d === 1) || graph.tensors[graph.inputs[0]].shape.some((d) => d === 1)) out.push("1-element dim");
  if (spec.op === "FULLY_CONNECTED") {
    out.push(spec.filterScales.length > 1 ? "per-channel" : "per-tensor");
    if (p.filterOffset !== 0) out.push("filter offset");
    if (p.batches > 1) out.push("batch > 1");
    if (p.outputDepth >= 4 && p.outputDepth % 4 !== 0) out.push("4-wide + remainder");
    return out;
  }
  if (p.batches > 1) out.push("batch > 1");
  if (p.strideH === 2 || p.strideW === 2) out.push("stride 2");
  if (p.dilationH > 1 || p.dilationW > 1) out.push("dilation");
  out.push(spec.padding);
  const interior = interiorEnd(p.padH, p.strideH, p.dilationH, p.filterH, p.inH, p.outH) > interiorStart(p.padH, p.strideH) &&
    interiorEnd(p.padW, p.strideW, p.dilationW, p.filterW, p.inW, p.outW) > interiorStart(p.padW, p.strideW);
  const border = p.padH > 0 || p.padW > 0;
  if (interior) out.push("interior");
  if (border) out.push("border");
  if (border && p.hasBias === 2) out.push("border padVal");
  if (spec.op === "CONV_2D") {
    const groups = p.inC / p.filterInC;
    if (groups > 1) out.push("groups");
    if (p.filtersPerGroup >= 4 && p.filtersPerGroup % 4 !== 0) out.push("4-wide + remainder");
    if (interior && p.filtersPerGroup >= 4) out.push("4-wide interior");
  } else {
    if (p.depthMultiplier > 1) out.push("depth multiplier > 1");
    if (p.dsp !== 0) out.push("SIMD variant");
    if (p.dsp === 0 && interior && p.filterH === 3 && p.filterW === 3 && p.dilationH === 1 && p.dilationW === 1) out.push("3x3 interior");
  }
  return out;
}

const EXPECTED: Record<WeightedOp, string[]> = {
  CONV_2D: [
    "groups", "dilation", "stride 2", "4-wide + remainder", "4-wide interior", "1-element dim", "SAME", "VALID",
    "batch > 1", "interior", "border", "border padVal",
  ],
  DEPTHWISE_CONV_2D: [
    "depth multiplier > 1", "SIMD variant", "3x3 interior", "dilation", "stride 2", "1-element dim", "SAME", "VALID", "batch > 1",
    "interior", "border", "border padVal",
  ],
  FULLY_CONNECTED: ["per-tensor", "per-channel", "filter offset", "batch > 1", "4-wide + remainder", "1-element dim"],
};

describe("the random cases cover every variant", () => {
  for (const op of OPS) {
    it(op, () => {
      const seen = new Set(fc.sample(specs(op), { seed: seedOf(op, 11), numRuns: WASM_RUNS }).flatMap(features));
      const biasModes = ["hasBias 0", "hasBias 1", "folded with bias", "folded without bias", "hasBias 1 with input offset"];
      for (const f of [...EXPECTED[op], ...biasModes]) expect(seen, `wasm cases: ${f}`).toContain(f);
      // Host: each bias mode has its own cases; each must give the lowering path it names.
      const hostSeen = BIAS_MODES.map((mode) => new Set(fc.sample(specs(op, [mode]), { seed: seedOf(`${op} ${mode}`, 12), numRuns: HOST_RUNS_PER_MODE }).flatMap(features)));
      expect(hostSeen.map((s) => biasModes.find((m) => s.has(m)))).toEqual(["hasBias 0", "hasBias 1", "folded without bias", "folded with bias", "hasBias 1 with input offset"]);
    });
  }
});

// ---- in-place variants and the fused residual ADD -------------------------------------------------

/** The variant a block graph is built to trigger, and the inPlaceNotes text that says it did. */
const VARIANTS = {
  "1x1 in place, forward": (n: string) => n.includes("1x1 in place") && !n.includes("backward"),
  "1x1 in place, backward": (n: string) => n.includes("1x1 in place") && n.includes("backward"),
  "row by row (inPlace 3)": (n: string) => n.includes("row by row"),
  "depthwise in place": (n: string) => n.includes("DEPTHWISE_CONV_2D: in place"),
  "fused ADD": (n: string) => n.includes("fused with"),
  "fused ADD over its skip input": (n: string) => n.includes("fused ADD writes over its skip input"),
} as const;
type Variant = keyof typeof VARIANTS;

interface BlockSpec {
  variant: Variant;
  seed: number;
  batches: number;
  h: number;
  w: number;
  c: number;
  /** Output channels of a pointwise layer (forward: at most c; backward: more than c). */
  outC: number;
  /** Kernel size and stride of a row-by-row or fused convolution / the depthwise layer. */
  k: number;
  stride: number;
  /** Zero points all 0 (hasBias 0/1) or drawn from [-20, 20] (folded bias, hasBias 2). */
  zeroPoints: boolean;
  bias: boolean;
}

const blockArb = (variant: Variant): fc.Arbitrary<BlockSpec> => fc.record({
  variant: fc.constant(variant),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  // Row by row and the fused ADD over the skip input need batch 1 (compiler/plan/inplace.ts).
  batches: variant === "row by row (inPlace 3)" || variant.startsWith("fused") ? fc.constant(1) : fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  c: fc.integer({ min: 1, max: 11 }),
  outC: fc.integer({ min: 1, max: 11 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  zeroPoints: fc.boolean(),
  bias: fc.boolean(),
}).map((s) => {
  // Shape the spec so that the variant applies and is the cheapest plan, so codegen keeps it: the
  // scratch buffer (pixel, row or plane) must cost less than a second tensor, 16-byte rounding
  // included.
  const at = (n: number, lo: number) => Math.max(n, lo);
  switch (s.variant) {
    case "1x1 in place, forward": return { ...s, c: at(s.c, s.outC) };
    case "1x1 in place, backward": return { ...s, c: Math.min(s.c, s.outC), outC: at(s.c, s.outC) + 1 };
    case "row by row (inPlace 3)": {
      const c = at(s.c, s.stride === 2 ? 6 : 4);
      return { ...s, k: at(s.k, 2), h: at(s.h, 4), w: at(s.w, s.stride === 2 ? 6 : 4), c, outC: c };
    }
    case "depthwise in place": return { ...s, h: at(s.h, 4), w: at(s.w, 4), c: at(s.c, s.stride === 2 ? 8 : 4) };
    case "fused ADD": case "fused ADD over its skip input": return { ...s, stride: 1 };
  }
});

/** The graph of a block spec: one to three layers around the variant (see VARIANTS). */
function blockGraph(spec: BlockSpec): Graph {
  const next = prng(spec.seed);
  const uniform = (lo: number, hi: number) => lo + (next() / 2 ** 32) * (hi - lo);
  const zp = () => (spec.zeroPoints ? (next() % 41) - 20 : 0);
  const b = new GraphBuilder();
  const ops: Op[] = [];
  const scaleOf = (t: number) => b.tensors[t].quant!.scale[0];
  const input = b.add("input", "int8", [spec.batches, spec.h, spec.w, spec.c], perTensor(Math.fround(uniform(0.01, 0.06)), zp()));
  /** A convolution (depthwise when `dw`) of `x`, SAME padding, with output scale spread for its taps. */
  const conv = (x: number, outC: number, k: number, stride: number, dw: boolean): number => {
    const [n, h, w, c] = b.tensors[x].shape;
    const fScales = Array.from({ length: outC }, () => Math.fround(uniform(0.002, 0.012)));
    const fShape = dw ? [1, k, k, outC] : [outC, k, k, c];
    const filter = b.add("filter", "int8", fShape, { scale: fScales, zeroPoint: fScales.map(() => 0), quantizedDimension: dw ? 3 : 0 },
      int8Bytes(fShape.reduce((p, q) => p * q, 1), "random", 0, next));
    const bias = spec.bias
      ? b.add("bias", "int32", [outC], { scale: fScales.map((f) => scaleOf(x) * f), zeroPoint: fScales.map(() => 0), quantizedDimension: 0 }, int32Bytes(outC, 3000, next))
      : -1;
    const taps = k * k * (dw ? 1 : c);
    const outScale = Math.fround(scaleOf(x) * 0.007 * Math.sqrt(taps) * uniform(20, 80));
    const out = b.add(dw ? "dw" : "conv", "int8", [n, Math.ceil(h / stride), Math.ceil(w / stride), outC], perTensor(outScale, zp()));
    ops.push({
      index: ops.length, opcode: dw ? "DEPTHWISE_CONV_2D" : "CONV_2D", version: 1, inputs: [x, filter, bias], outputs: [out],
      options: {
        padding: "SAME", strideH: stride, strideW: stride, dilationHFactor: 1, dilationWFactor: 1,
        fusedActivationFunction: next() % 3 === 0 ? "RELU" : "NONE", ...(dw ? { depthMultiplier: 1 } : {}),
      },
    });
    return out;
  };
  const add = (x: number, y: number): number => {
    const out = b.add("sum", "int8", b.tensors[x].shape, perTensor(Math.fround(Math.max(scaleOf(x), scaleOf(y)) * uniform(1, 2)), zp()));
    const [p, q] = next() % 2 === 0 ? [x, y] : [y, x];
    ops.push({ index: ops.length, opcode: "ADD", version: 1, inputs: [p, q], outputs: [out], options: { fusedActivationFunction: "NONE" } });
    return out;
  };
  let output: number;
  switch (spec.variant) {
    case "1x1 in place, forward": case "1x1 in place, backward": output = conv(input, spec.outC, 1, 1, false); break;
    case "row by row (inPlace 3)": output = conv(input, spec.outC, spec.k, spec.stride, false); break;
    case "depthwise in place": output = conv(input, spec.c, spec.k, spec.stride, true); break;
    case "fused ADD": output = add(conv(input, spec.c, spec.k, 1, false), input); break;
    case "fused ADD over its skip input": output = add(conv(conv(input, spec.outC, 1, 1, false), spec.c, spec.k, 1, false), input); break;
  }
  return { name: `block_${spec.variant.replace(/\W+/g, "_")}`, tensors: b.tensors, ops, inputs: [input], outputs: [output] };
}

const blockInput = (spec: BlockSpec): Uint8Array[] =>
  [int8Bytes(spec.batches * spec.h * spec.w * spec.c, "random", 0, prng(spec.seed ^ 0x1234))];

describe("fast in-place and fused kernels == reference", () => {
  const variants = Object.keys(VARIANTS) as Variant[];
  for (const variant of variants) {
    const arb = blockArb(variant);
    const check = (targets: Target[]) => (spec: BlockSpec): Promise<void> => {
      const graph = blockGraph(spec);
      const notes = buildFor(graph).inPlaceNotes ?? [];
      if (!notes.some(VARIANTS[variant])) throw new Error(`${variant} not chosen: ${notes.join("; ") || "no in-place notes"}\nspec: ${JSON.stringify(spec)}`);
      return expectMatchesReference(JSON.stringify(spec), graph, blockInput(spec), targets.map((target) => ({ target })));
    };
    it(`${variant}: fast on wasm == reference, ${BLOCK_WASM_RUNS} random graphs`, async () => {
      await fc.assert(fc.asyncProperty(arb, check(["wasm"])), { seed: seedOf(variant, 21), numRuns: BLOCK_WASM_RUNS });
    }, 120_000);
    it.skipIf(noHost)(`${variant}: fast on host == reference, ${BLOCK_HOST_RUNS} random graphs`, async () => {
      await fc.assert(fc.asyncProperty(arb, check(["host"])), { seed: seedOf(variant, 22), numRuns: BLOCK_HOST_RUNS });
    }, 120_000);
  }
});

describe.skipIf(models.skip)("the reference kernels give TFLite Micro's golden output", () => {
  for (const model of MODEL_NAMES) {
    it(`${model}, input_3, ts`, async () => {
      const graph = loadModel(sharedFile("models", `${model}.tflite`));
      const { outputs } = await runModel(graph, [readBytes(sharedFile("golden", model, "input_3.bin"))], "ts", { reference: true });
      expect(sameBytes(outputs[0], readBytes(sharedFile("golden", model, "output_3.bin")))).toBe(true);
    }, 60_000);
  }
});
