/**
 * @fileoverview Differential property tests for TRANSPOSE_CONV and BATCH_MATMUL: fast-check draws
 * random one-op graphs (shapes, strides, SAME/VALID with every legal output size, per-channel or
 * per-tensor weights, bias or none, fused activations; for BATCH_MATMUL ranks 2..4 with broadcast
 * batches, adj_x/adj_y, runtime or constant rhs, zero points on both operands) and the TypeScript
 * kernels, the WASM module and the host-gcc C library must produce the same bytes. Each property
 * starts with two examples whose inputs are all -128 and all 127. Fixed seeds per op, so a
 * failure reproduces; the spec is printed as JSON.
 *
 * Also: lowering errors (code 3001, naming the problem) for variants Mote does not support.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph, Op, Tensor } from "../../../compiler/ir/graph.ts";
import { lowerGraph } from "../../../compiler/ops/index.ts";
import type { Target } from "../../../compiler/run/targets.ts";
import { GraphBuilder, int32Bytes, int8Bytes, perTensor, prng, type Fill } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, expectGraphAgree, loweringError } from "./agree.ts";

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = caseCount(40); // full count in test:full (tconv_bmm.full.test.ts), 40 % in npm test
const HOST_RUNS = caseCount(6);
const host = needTarget("host");

type Activation = "NONE" | "RELU" | "RELU6" | "RELU_N1_TO_1";
const product = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// Arbitraries (plain JSON specs)

const scaleArb = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0xffff })).map(([e, m]) =>
    Math.fround(2 ** e * (1 + m / 0x10000)));
const zpArb = fc.integer({ min: -128, max: 127 });
const fillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>("random"), weight: 6 },
  { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 2 },
  { arbitrary: fc.constant<Fill>("zero"), weight: 1 },
);
const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
/** Output scale relative to in*w (effective multiplier 2^-hi..2^-lo), or now and then free. */
const outScaleArb = (productScale: number, lo = 2, hi = 11): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: scaleArb(lo, hi).map((f) => Math.fround(productScale * f)), weight: 4 },
    { arbitrary: scaleArb(-10, 2), weight: 1 },
  );

interface TConvSpec {
  seed: number;
  batches: number; inH: number; inW: number; inC: number; outC: number;
  filterH: number; filterW: number; strideH: number; strideW: number;
  padding: "SAME" | "VALID";
  outH: number; outW: number;
  inputScale: number; inputZeroPoint: number; outputScale: number; outputZeroPoint: number;
  filterScales: number[];
  activation: Activation;
  hasBias: boolean; biasRange: number;
  inputFill: Fill; weightFill: Fill;
}

/** Legal output size: SAME gives ceil(out/stride) = in, VALID gives (out - k)/stride + 1 = in. */
const outSize = (padding: string, size: number, k: number, stride: number, extra: number): number =>
  padding === "SAME" ? size * stride - (extra % stride) : (size - 1) * stride + k + (extra % stride);

const tconvArb: fc.Arbitrary<TConvSpec> = fc
  .record({
    seed: seedArb,
    batches: fc.integer({ min: 1, max: 2 }),
    inH: fc.integer({ min: 1, max: 5 }), inW: fc.integer({ min: 1, max: 5 }),
    inC: fc.integer({ min: 1, max: 6 }), outC: fc.integer({ min: 1, max: 6 }),
    filterH: fc.integer({ min: 1, max: 4 }), filterW: fc.integer({ min: 1, max: 4 }),
    strideH: fc.integer({ min: 1, max: 3 }), strideW: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom<"SAME" | "VALID">("SAME", "VALID"),
    extraH: fc.nat({ max: 2 }), extraW: fc.nat({ max: 2 }),
    inputScale: scaleArb(-10, 0), inputZeroPoint: zpArb,
    baseFilterScale: scaleArb(-12, -4),
    channelFactors: fc.array(scaleArb(-2, 1), { minLength: 6, maxLength: 6 }),
    perChannel: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
    outputZeroPoint: zpArb,
    activation: fc.oneof(
      { arbitrary: fc.constant<Activation>("NONE"), weight: 3 },
      { arbitrary: fc.constantFrom<Activation>("RELU", "RELU6", "RELU_N1_TO_1"), weight: 2 },
    ),
    hasBias: fc.boolean(),
    biasRange: fc.oneof({ arbitrary: fc.constantFrom(0, 1000, 1 << 20), weight: 9 }, { arbitrary: fc.constant(0x7fffffff), weight: 1 }),
    inputFill: fillArb,
    weightFill: fc.oneof({ arbitrary: fc.constant<Fill>("random"), weight: 8 }, { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 1 }),
  })
  .chain(({ extraH, extraW, baseFilterScale, channelFactors, perChannel, ...r }) =>
    outScaleArb(Math.fround(r.inputScale * baseFilterScale)).map((outputScale): TConvSpec => ({
      ...r,
      outH: outSize(r.padding, r.inH, r.filterH, r.strideH, extraH),
      outW: outSize(r.padding, r.inW, r.filterW, r.strideW, extraW),
      outputScale,
      filterScales: perChannel && r.outC > 1
        ? channelFactors.slice(0, r.outC).map((f) => Math.fround(baseFilterScale * f))
        : [baseFilterScale],
    })));

function tconvGraph(s: TConvSpec): { graph: Graph; inputs: Uint8Array[] } {
  const next = prng(s.seed);
  const b = new GraphBuilder();
  const outShape = [s.batches, s.outH, s.outW, s.outC];
  const input = b.add("input", "int8", [s.batches, s.inH, s.inW, s.inC], perTensor(s.inputScale, s.inputZeroPoint));
  const shape = b.add("output_shape", "int32", [4], undefined, new Uint8Array(Int32Array.from(outShape).buffer));
  const perChannel = s.filterScales.length > 1;
  const filterShape = [s.outC, s.filterH, s.filterW, s.inC];
  const filter = b.add(
    "filter", "int8", filterShape,
    { scale: s.filterScales, zeroPoint: s.filterScales.map(() => 0), quantizedDimension: 0 },
    int8Bytes(product(filterShape), s.weightFill, 0, next),
  );
  let bias = -1;
  if (s.hasBias) {
    const scales = perChannel ? s.filterScales : [s.filterScales[0]];
    bias = b.add(
      "bias", "int32", [s.outC],
      { scale: scales.map((w) => s.inputScale * w), zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
      int32Bytes(s.outC, s.biasRange, next),
    );
  }
  const output = b.add("output", "int8", outShape, perTensor(s.outputScale, s.outputZeroPoint));
  const op: Op = {
    index: 0, opcode: "TRANSPOSE_CONV", version: 4, inputs: [shape, filter, input, bias], outputs: [output],
    options: { padding: s.padding, strideH: s.strideH, strideW: s.strideW, fusedActivationFunction: s.activation },
  };
  const graph: Graph = { name: "synthetic_transpose_conv", tensors: b.tensors, ops: [op], inputs: [input], outputs: [output] };
  const inNext = prng(s.seed ^ 0x5eed1234);
  return { graph, inputs: [int8Bytes(product(b.tensors[input].shape), s.inputFill, s.inputZeroPoint, inNext)] };
}

interface BmmSpec {
  seed: number;
  lhsShape: number[];
  rhsShape: number[];
  adjX: boolean; adjY: boolean;
  rhsConstant: boolean;
  lhsScale: number; lhsZeroPoint: number; rhsScale: number; rhsZeroPoint: number;
  outputScale: number; outputZeroPoint: number;
  outShape: number[];
  lhsFill: Fill; rhsFill: Fill;
}

const bmmArb: fc.Arbitrary<BmmSpec> = fc
  .record({
    seed: seedArb,
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
    lhsRankDrop: fc.nat({ max: 2 }), rhsRankDrop: fc.nat({ max: 2 }),
    lhsOnes: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    rhsOnes: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    m: fc.integer({ min: 1, max: 6 }),
    k: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 48 })),
    n: fc.integer({ min: 1, max: 6 }),
    adjX: fc.boolean(), adjY: fc.boolean(),
    rhsConstant: fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 }),
    lhsScale: scaleArb(-8, 0), lhsZeroPoint: zpArb,
    rhsScale: scaleArb(-8, 0), rhsZeroPoint: fc.oneof(zpArb, fc.constant(0)),
    outputZeroPoint: zpArb,
    lhsFill: fillArb, rhsFill: fillArb,
  })
  .chain((r) => {
    // Each operand keeps the last (batch.length - drop) batch dimensions, some of them set to 1.
    const batchOf = (drop: number, ones: boolean[]): number[] => {
      const kept = r.batch.slice(Math.min(drop, r.batch.length));
      const offset = r.batch.length - kept.length;
      return kept.map((d, i) => (ones[i + offset] ? 1 : d));
    };
    const lb = batchOf(r.lhsRankDrop, r.lhsOnes);
    const rb = batchOf(r.rhsRankDrop, r.rhsOnes);
    const rank = Math.max(lb.length, rb.length);
    const pad = (x: number[]): number[] => [...new Array<number>(rank - x.length).fill(1), ...x];
    const outBatch = pad(lb).map((d, i) => (d === 1 ? pad(rb)[i] : d));
    return outScaleArb(Math.fround(r.lhsScale * r.rhsScale), 6, 14).map((outputScale): BmmSpec => ({
      seed: r.seed,
      lhsShape: [...lb, ...(r.adjX ? [r.k, r.m] : [r.m, r.k])],
      rhsShape: [...rb, ...(r.adjY ? [r.n, r.k] : [r.k, r.n])],
      adjX: r.adjX, adjY: r.adjY, rhsConstant: r.rhsConstant,
      lhsScale: r.lhsScale, lhsZeroPoint: r.lhsZeroPoint, rhsScale: r.rhsScale, rhsZeroPoint: r.rhsZeroPoint,
      outputScale, outputZeroPoint: r.outputZeroPoint,
      outShape: [...outBatch, r.m, r.n],
      lhsFill: r.lhsFill, rhsFill: r.rhsFill,
    }));
  });

function bmmGraph(s: BmmSpec): { graph: Graph; inputs: Uint8Array[] } {
  const next = prng(s.seed);
  const b = new GraphBuilder();
  const lhsBytes = int8Bytes(product(s.lhsShape), s.lhsFill, s.lhsZeroPoint, next);
  const rhsBytes = int8Bytes(product(s.rhsShape), s.rhsFill, s.rhsZeroPoint, next);
  const lhs = b.add("lhs", "int8", s.lhsShape, perTensor(s.lhsScale, s.lhsZeroPoint));
  const rhs = b.add("rhs", "int8", s.rhsShape, perTensor(s.rhsScale, s.rhsZeroPoint), s.rhsConstant ? rhsBytes : undefined);
  const output = b.add("output", "int8", s.outShape, perTensor(s.outputScale, s.outputZeroPoint));
  const op: Op = {
    index: 0, opcode: "BATCH_MATMUL", version: 2, inputs: [lhs, rhs], outputs: [output],
    options: { adjX: s.adjX, adjY: s.adjY, asymmetricQuantizeInputs: false },
  };
  const inputs = s.rhsConstant ? [lhs] : [lhs, rhs];
  const graph: Graph = { name: "synthetic_batch_matmul", tensors: b.tensors, ops: [op], inputs, outputs: [output] };
  return { graph, inputs: s.rhsConstant ? [lhsBytes] : [lhsBytes, rhsBytes] };
}

// ---------------------------------------------------------------------------------------------
// Properties

interface OpCase<S> {
  name: string;
  arb: fc.Arbitrary<S>;
  build: (s: S) => { graph: Graph; inputs: Uint8Array[] };
  /** The spec with every runtime input at the given extreme. */
  extreme: (s: S, fill: Fill) => S;
  seed: number;
}

const CASES = [
  { name: "TRANSPOSE_CONV", arb: tconvArb, build: tconvGraph, extreme: (s: TConvSpec, f: Fill) => ({ ...s, inputFill: f }), seed: 0x7c0a1 },
  { name: "BATCH_MATMUL", arb: bmmArb, build: bmmGraph, extreme: (s: BmmSpec, f: Fill) => ({ ...s, lhsFill: f, rhsFill: f }), seed: 0xb33f2 },
] as OpCase<unknown>[];

async function property<S>(c: OpCase<S>, seed: number, numRuns: number, targets: readonly Target[]): Promise<void> {
  const [a, b] = fc.sample(c.arb, { seed: seed ^ 0x7e57, numRuns: 2 });
  await fc.assert(
    fc.asyncProperty(c.arb, async (spec) => {
      const { graph, inputs } = c.build(spec);
      await expectGraphAgree(JSON.stringify(spec), graph, inputs, targets);
    }),
    { seed, numRuns, examples: [[c.extreme(a, "min")], [c.extreme(b, "max")]] },
  );
}

describe("differential tconv/bmm: TS == WASM", () => {
  for (const c of CASES) {
    it(`${c.name}: ${WASM_RUNS} random graphs`, () => property(c, c.seed, WASM_RUNS, ["ts", "wasm"]), 60_000 * SCALE);
  }
});

describe.skipIf(host.skip)("differential tconv/bmm: TS == WASM == host C", { concurrent: true }, () => {
  for (const c of CASES) {
    it(`${c.name}: ${HOST_RUNS} random graphs`, () => property(c, c.seed + 1, HOST_RUNS, ["ts", "wasm", "host"]), 120_000 * SCALE);
  }
});

// ---------------------------------------------------------------------------------------------
// Lowering errors

function edit(g: Graph, f: (t: Tensor[], op: Op) => void): Graph {
  const tensors = g.tensors.map((t) => ({ ...t }));
  const op = { ...g.ops[0], inputs: [...g.ops[0].inputs], options: { ...g.ops[0].options } };
  f(tensors, op);
  return { ...g, tensors, ops: [op] };
}

describe("TRANSPOSE_CONV / BATCH_MATMUL lowering errors (3001)", () => {
  const tconv = tconvGraph(fc.sample(tconvArb, { seed: 11, numRuns: 1 })[0]).graph;
  const bmm = bmmGraph({
    seed: 1, lhsShape: [2, 3, 4], rhsShape: [4, 5], adjX: false, adjY: false, rhsConstant: false,
    lhsScale: 0.1, lhsZeroPoint: 3, rhsScale: 0.2, rhsZeroPoint: -1, outputScale: 0.5, outputZeroPoint: 0,
    outShape: [2, 3, 5], lhsFill: "random", rhsFill: "random",
  }).graph;

  it("lowers the valid graphs", () => {
    const [t] = lowerGraph(tconv);
    expect(t.calls[0].args.at(-1)).toMatchObject({ kind: "scratch", elem: "i32" });
    const [m] = lowerGraph(bmm);
    expect(m.calls[0].macs).toBe(2 * 3 * 4 * 5);
  });

  const cases: [string, Graph, RegExp][] = [
    // int16 input with an int8 output: 16x8 needs both int16 (transposeConv16).
    ["TRANSPOSE_CONV int16 input", edit(tconv, (t, op) => { t[op.inputs[2]].dtype = "int16"; }), /output tensor .* is int8; Mote supports int16/],
    ["TRANSPOSE_CONV runtime filter", edit(tconv, (t, op) => { t[op.inputs[1]].data = undefined; }), /filter tensor .* must be constant/],
    ["TRANSPOSE_CONV filter depth", edit(tconv, (t, op) => { t[op.inputs[1]].shape = [...t[op.inputs[1]].shape.slice(0, 3), 99]; }), /filter depth 99 differs from input depth/],
    ["TRANSPOSE_CONV output_shape", edit(tconv, (t, op) => { t[op.inputs[0]].data = new Uint8Array(Int32Array.from([1, 2, 3, 4]).buffer); }), /output_shape \[1, 2, 3, 4\] differs/],
    ["TRANSPOSE_CONV TANH", edit(tconv, (_t, op) => { op.options.fusedActivationFunction = "TANH"; }), /fused activation TANH is not supported/],
    ["BATCH_MATMUL uint8 rhs", edit(bmm, (t) => { t[1].dtype = "uint8"; }), /rhs tensor .* is uint8; Mote supports int8/],
    ["BATCH_MATMUL depth mismatch", edit(bmm, (t) => { t[1].shape = [6, 5]; }), /contracts 4 elements but rhs \[6, 5\] has 6/],
    ["BATCH_MATMUL batch broadcast", edit(bmm, (t) => { t[1].shape = [3, 4, 5]; t[2].shape = [3, 3, 5]; }), /do not broadcast/],
    ["BATCH_MATMUL rank 1", edit(bmm, (t) => { t[1].shape = [4]; }), /ranks 2 to 5/],
    ["BATCH_MATMUL output shape", edit(bmm, (t) => { t[2].shape = [2, 3, 6]; }), /output shape \[2, 3, 6\] does not match the product's \[2, 3, 5\]/],
    ["BATCH_MATMUL per-channel lhs", edit(bmm, (t) => { t[0].quant = { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0 }; }), /per tensor, not per channel/],
  ];
  for (const [name, graph, message] of cases) {
    it(name, () => {
      const e = loweringError(graph);
      expect(e.code).toBe(3001);
      expect(e.message).toMatch(message);
    });
  }
});
