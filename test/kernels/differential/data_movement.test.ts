/**
 * @fileoverview Differential property tests for the data-movement ops (PAD, PADV2,
 * CONCATENATION, STRIDED_SLICE, SPLIT, SQUEEZE, TRANSPOSE): fast-check draws random one-op int8
 * graphs (ranks 1 to 5 where the op allows, paddings, axes including negative ones, constant
 * concat inputs, begin/end/strides with negative indices and strides and every mask TFLM
 * handles, permutations, squeeze_dims) and the TypeScript kernels, the WASM module and the
 * host-gcc C library must produce the same bytes. The TypeScript output is also compared with a
 * small independent oracle written here from TFLite's definitions (index by index, no shared
 * code with the lowering), so "all targets agree" also means "agree with TFLite". Each property
 * starts with two examples whose inputs are all -128 and all 127. Fixed seeds per op; a failure
 * prints the spec as JSON.
 *
 * Also: lowering errors (code 3001, naming the problem) for variants Mote does not support.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoteError } from "../../../compiler/diagnostics.ts";
import type { Graph, Op } from "../../../compiler/ir/graph.ts";
import { lowerGraph } from "../../../compiler/ops/index.ts";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import { GraphBuilder, int8Bytes, perTensor, prng, type Fill } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, expectGraphAgree, firstDifference } from "./agree.ts";

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = caseCount(40); // full count in test:full (data_movement.full.test.ts), 40 % in npm test
const HOST_RUNS = caseCount(6);
const host = needTarget("host");

const product = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);
const int32Data = (values: number[]): Uint8Array => new Uint8Array(Int32Array.from(values).buffer);

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  return shape.map((_, k) => product(shape.slice(k + 1)));
}

/** Multi-index of flat position `i` in `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  return stridesOf(shape).map((s, k) => Math.floor(i / s) % shape[k]);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries (plain JSON specs)

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const zpArb = fc.integer({ min: -128, max: 127 });
const scaleArb = fc.integer({ min: 1, max: 0xffff }).map((m) => Math.fround(m / 4096));
const fillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>("random"), weight: 6 },
  { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 2 },
);
const shapeArb = (minRank: number, maxRank: number, maxDim: number): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
/** An axis of `rank`, negative (counting from the end) about half of the time. */
const rawAxis = (pick: number, rank: number): number => {
  const axis = Math.abs(pick) % rank;
  return pick < 0 ? axis - rank : axis;
};

interface Common {
  seed: number;
  fill: Fill;
  scale: number;
  zeroPoint: number;
}

interface PadSpec extends Common {
  op: "PAD" | "PADV2";
  shape: number[];
  paddings: [number, number][];
  value: number;
}

interface ConcatSpec extends Common {
  op: "CONCATENATION";
  /** Shape of input 0; input i has axisSizes[i] along the axis. */
  shape: number[];
  axis: number;
  axisSizes: number[];
  /** The last input is a constant tensor (flash) instead of a model input. */
  constLast: boolean;
}

interface StridedSliceSpec extends Common {
  op: "STRIDED_SLICE";
  shape: number[];
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  shrinkMask: number;
}

interface SplitSpec extends Common {
  op: "SPLIT";
  shape: number[];
  axis: number;
  count: number;
}

interface SqueezeSpec extends Common {
  op: "SQUEEZE";
  shape: number[];
  squeezeDims: number[];
}

interface TransposeSpec extends Common {
  op: "TRANSPOSE";
  shape: number[];
  perm: number[];
}

type Spec = PadSpec | ConcatSpec | StridedSliceSpec | SplitSpec | SqueezeSpec | TransposeSpec;

const common = { seed: seedArb, fill: fillArb, scale: scaleArb, zeroPoint: zpArb };

const padArb: fc.Arbitrary<PadSpec> = fc
  .record({
    ...common,
    op: fc.constantFrom<"PAD" | "PADV2">("PAD", "PADV2"),
    shape: shapeArb(1, 5, 4),
    paddings: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: 5, maxLength: 5 }),
    value: fc.integer({ min: -128, max: 127 }),
  })
  .map((s) => ({ ...s, paddings: s.paddings.slice(0, s.shape.length) }));

const concatArb: fc.Arbitrary<ConcatSpec> = fc
  .record({
    ...common,
    shape: shapeArb(1, 4, 4),
    axisPick: fc.integer({ min: -8, max: 7 }),
    axisSizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
    constLast: fc.boolean(),
  })
  .map(({ axisPick, ...s }) => ({ ...s, op: "CONCATENATION" as const, axis: rawAxis(axisPick, s.shape.length), constLast: s.constLast && s.axisSizes.length > 1 }));

/**
 * TFLite's own definitions (strided_slice_logic.h StartForAxis / StopForAxis, the masks as
 * lowest()/max() indices), used by the oracle and to keep drawn slices non-empty.
 */
function sliceAxis(size: number, begin: number, end: number, stride: number, bm: boolean, em: boolean, shrink: boolean): number[] {
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  let start = bm ? (stride > 0 ? -(2 ** 31) : 2 ** 31 - 1) : begin;
  if (start < 0) start += size;
  start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
  let stop: number;
  if (shrink) {
    stop = start + 1;
  } else {
    stop = em ? (stride > 0 ? 2 ** 31 - 1 : -(2 ** 31)) : end;
    if (stop < 0) stop += size;
    stop = stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
  }
  const indices: number[] = [];
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) indices.push(i);
  return indices;
}

const stridedSliceArb: fc.Arbitrary<StridedSliceSpec> = fc
  .record({
    ...common,
    shape: shapeArb(1, 4, 6),
    begin: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 4, maxLength: 4 }),
    end: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 4, maxLength: 4 }),
    strides: fc.array(fc.constantFrom(-3, -2, -1, 1, 2, 3), { minLength: 4, maxLength: 4 }),
    beginMask: fc.nat(15),
    endMask: fc.nat(15),
    shrinkMask: fc.oneof(fc.constant(0), fc.nat(15)),
  })
  .map((s) => {
    const rank = s.shape.length;
    const all = (1 << rank) - 1;
    const spec: StridedSliceSpec = {
      ...s, op: "STRIDED_SLICE",
      begin: s.begin.slice(0, rank), end: s.end.slice(0, rank), strides: s.strides.slice(0, rank),
      beginMask: s.beginMask & all, endMask: s.endMask & all, shrinkMask: s.shrinkMask & all,
    };
    for (let k = 0; k < rank; k++) {
      const size = s.shape[k];
      if (spec.shrinkMask & (1 << k)) {
        // A shrunk axis takes one in-range element (negative index or not), stride 1.
        spec.strides[k] = 1;
        spec.beginMask &= ~(1 << k);
        const idx = ((spec.begin[k] % size) + size) % size;
        spec.begin[k] = spec.begin[k] < 0 ? idx - size : idx;
      } else if (sliceAxis(size, spec.begin[k], spec.end[k], spec.strides[k], false, false, false).length === 0 &&
        (spec.beginMask & spec.endMask & (1 << k)) === 0) {
        // Keep the slice non-empty: an empty axis takes the whole range instead.
        spec.beginMask |= 1 << k;
        spec.endMask |= 1 << k;
      }
    }
    return spec;
  });

const splitArb: fc.Arbitrary<SplitSpec> = fc
  .record({
    ...common,
    shape: shapeArb(1, 4, 3),
    axisPick: fc.integer({ min: -8, max: 7 }),
    count: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ axisPick, ...s }) => {
    const axis = rawAxis(axisPick, s.shape.length);
    const a = axis < 0 ? axis + s.shape.length : axis;
    const shape = s.shape.map((d, k) => (k === a ? d * s.count : d));
    return { ...s, op: "SPLIT" as const, shape, axis };
  });

const squeezeArb: fc.Arbitrary<SqueezeSpec> = fc
  .record({
    ...common,
    shape: fc.array(fc.constantFrom(1, 1, 2, 3, 4), { minLength: 1, maxLength: 5 }),
    which: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
    all: fc.boolean(),
  })
  .map(({ which, all, ...s }) => {
    const rank = s.shape.length;
    // which[k]: 0 keep, 1 squeeze as k, 2 squeeze as k - rank, 3 keep.
    const squeezeDims = all ? [] : s.shape.flatMap((d, k) => (d !== 1 || which[k] === 0 || which[k] === 3 ? [] : [which[k] === 1 ? k : k - rank]));
    return { ...s, op: "SQUEEZE" as const, squeezeDims };
  });

const transposeArb: fc.Arbitrary<TransposeSpec> = shapeArb(1, 5, 4).chain((shape) =>
  fc.record({
    ...common,
    op: fc.constant<"TRANSPOSE">("TRANSPOSE"),
    shape: fc.constant(shape),
    perm: fc.shuffledSubarray(shape.map((_, k) => k), { minLength: shape.length, maxLength: shape.length }),
  }));

// ---------------------------------------------------------------------------------------------
// Graphs and the oracle

interface Built {
  graph: Graph;
  inputs: Uint8Array[];
  /** The expected bytes of every output, computed here from TFLite's definitions. */
  expected: Int8Array[];
}

function graphOf(b: GraphBuilder, opcode: string, inputs: number[], outputs: number[], options: Op["options"], modelInputs: number[]): Graph {
  return {
    name: `dm_${opcode.toLowerCase()}`,
    tensors: b.tensors,
    ops: [{ index: 0, opcode, version: 1, inputs, outputs, options }],
    inputs: modelInputs,
    outputs,
  };
}

function build(spec: Spec): Built {
  const b = new GraphBuilder();
  const q = perTensor(spec.scale, spec.zeroPoint);
  const next = prng(spec.seed);
  const data = (shape: number[]): Int8Array => new Int8Array(int8Bytes(product(shape), spec.fill, spec.zeroPoint, next).buffer);
  switch (spec.op) {
    case "PAD":
    case "PADV2": {
      const x = data(spec.shape);
      const outShape = spec.shape.map((d, k) => d + spec.paddings[k][0] + spec.paddings[k][1]);
      const input = b.add("input", "int8", spec.shape, q);
      const paddings = b.add("paddings", "int32", [spec.shape.length, 2], undefined, int32Data(spec.paddings.flat()));
      const ins = [input, paddings];
      if (spec.op === "PADV2") ins.push(b.add("value", "int8", [], q, new Uint8Array([spec.value & 0xff])));
      const output = b.add("output", "int8", outShape, q);
      const padValue = spec.op === "PADV2" ? spec.value : spec.zeroPoint;
      const inStrides = stridesOf(spec.shape);
      const expected = new Int8Array(product(outShape)).map((_, i) => {
        const idx = unravel(i, outShape).map((v, k) => v - spec.paddings[k][0]);
        const inside = idx.every((v, k) => v >= 0 && v < spec.shape[k]);
        return inside ? x[idx.reduce((acc, v, k) => acc + v * inStrides[k], 0)] : padValue;
      });
      return { graph: graphOf(b, spec.op, ins, [output], {}, [input]), inputs: [new Uint8Array(x.buffer)], expected: [expected] };
    }
    case "CONCATENATION": {
      const rank = spec.shape.length;
      const axis = spec.axis < 0 ? spec.axis + rank : spec.axis;
      const shapes = spec.axisSizes.map((n) => spec.shape.map((d, k) => (k === axis ? n : d)));
      const xs = shapes.map((s) => data(s));
      const ins = shapes.map((s, i) => {
        const isConst = spec.constLast && i === shapes.length - 1;
        return b.add(`input_${i}`, "int8", s, q, isConst ? new Uint8Array(xs[i].buffer) : undefined);
      });
      const outShape = spec.shape.map((d, k) => (k === axis ? spec.axisSizes.reduce((a, c) => a + c, 0) : d));
      const output = b.add("output", "int8", outShape, q);
      const modelInputs = spec.constLast ? ins.slice(0, -1) : ins;
      const expected = new Int8Array(product(outShape)).map((_, i) => {
        const idx = unravel(i, outShape);
        let j = 0;
        while (idx[axis] >= shapes[j][axis]) idx[axis] -= shapes[j++][axis];
        return xs[j][idx.reduce((acc, v, k) => acc + v * stridesOf(shapes[j])[k], 0)];
      });
      return {
        graph: graphOf(b, "CONCATENATION", ins, [output], { axis: spec.axis, fusedActivationFunction: "NONE" }, modelInputs),
        inputs: xs.slice(0, modelInputs.length).map((x) => new Uint8Array(x.buffer)),
        expected: [expected],
      };
    }
    case "STRIDED_SLICE": {
      const x = data(spec.shape);
      const rank = spec.shape.length;
      const axes = spec.shape.map((size, k) =>
        sliceAxis(size, spec.begin[k], spec.end[k], spec.strides[k], (spec.beginMask >> k & 1) === 1, (spec.endMask >> k & 1) === 1, (spec.shrinkMask >> k & 1) === 1));
      const outShape = axes.flatMap((a, k) => ((spec.shrinkMask >> k & 1) === 1 ? [] : [a.length]));
      const input = b.add("input", "int8", spec.shape, q);
      const ins = [
        input,
        b.add("begin", "int32", [rank], undefined, int32Data(spec.begin)),
        b.add("end", "int32", [rank], undefined, int32Data(spec.end)),
        b.add("strides", "int32", [rank], undefined, int32Data(spec.strides)),
      ];
      const output = b.add("output", "int8", outShape, q);
      const inStrides = stridesOf(spec.shape);
      const counts = axes.map((a) => a.length);
      const expected = new Int8Array(product(counts)).map((_, i) =>
        x[unravel(i, counts).reduce((acc, v, k) => acc + axes[k][v] * inStrides[k], 0)]);
      const options = { beginMask: spec.beginMask, endMask: spec.endMask, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: spec.shrinkMask, offset: false };
      return { graph: graphOf(b, "STRIDED_SLICE", ins, [output], options, [input]), inputs: [new Uint8Array(x.buffer)], expected: [expected] };
    }
    case "SPLIT": {
      const x = data(spec.shape);
      const rank = spec.shape.length;
      const axis = spec.axis < 0 ? spec.axis + rank : spec.axis;
      const part = spec.shape[axis] / spec.count;
      const outShape = spec.shape.map((d, k) => (k === axis ? part : d));
      const axisT = b.add("axis", "int32", [], undefined, int32Data([spec.axis]));
      const input = b.add("input", "int8", spec.shape, q);
      const outs = Array.from({ length: spec.count }, (_, j) => b.add(`output_${j}`, "int8", outShape, q));
      const inStrides = stridesOf(spec.shape);
      const expected = outs.map((_, j) => new Int8Array(product(outShape)).map((_v, i) => {
        const idx = unravel(i, outShape);
        idx[axis] += j * part;
        return x[idx.reduce((acc, v, k) => acc + v * inStrides[k], 0)];
      }));
      return { graph: graphOf(b, "SPLIT", [axisT, input], outs, { numSplits: spec.count }, [input]), inputs: [new Uint8Array(x.buffer)], expected };
    }
    case "SQUEEZE": {
      const x = data(spec.shape);
      const rank = spec.shape.length;
      const gone = new Set(spec.squeezeDims.length === 0
        ? spec.shape.flatMap((d, k) => (d === 1 ? [k] : []))
        : spec.squeezeDims.map((k) => (k < 0 ? k + rank : k)));
      const outShape = spec.shape.filter((_, k) => !gone.has(k));
      const input = b.add("input", "int8", spec.shape, q);
      const output = b.add("output", "int8", outShape, q);
      return { graph: graphOf(b, "SQUEEZE", [input], [output], { squeezeDims: spec.squeezeDims }, [input]), inputs: [new Uint8Array(x.buffer)], expected: [x] };
    }
    case "TRANSPOSE": {
      const x = data(spec.shape);
      const outShape = spec.perm.map((p) => spec.shape[p]);
      const input = b.add("input", "int8", spec.shape, q);
      const perm = b.add("perm", "int32", [spec.shape.length], undefined, int32Data(spec.perm));
      const output = b.add("output", "int8", outShape, q);
      const inStrides = stridesOf(spec.shape);
      const expected = new Int8Array(product(outShape)).map((_, i) =>
        x[unravel(i, outShape).reduce((acc, v, k) => acc + v * inStrides[spec.perm[k]], 0)]);
      return { graph: graphOf(b, "TRANSPOSE", [input, perm], [output], {}, [input]), inputs: [new Uint8Array(x.buffer)], expected: [expected] };
    }
  }
}

/** TS output == the oracle, then every target == TS. */
async function check(spec: Spec, targets: readonly Target[]): Promise<void> {
  const { graph, inputs, expected } = build(spec);
  const label = JSON.stringify(spec);
  const ts = await runModel(graph, inputs, "ts");
  expected.forEach((want, o) => {
    const got = ts.outputs[o];
    const at = firstDifference(new Uint8Array(want.buffer), got);
    if (at >= 0) throw new Error(`${spec.op}: ts output ${o} differs from the oracle at byte ${at} of ${want.length}\nspec: ${label}`);
  });
  await expectGraphAgree(label, graph, inputs, targets);
}

interface Case {
  name: string;
  seed: number;
  arb: fc.Arbitrary<Spec>;
}

const CASES: Case[] = [
  { name: "PAD/PADV2", seed: 0x0dad01, arb: padArb },
  { name: "CONCATENATION", seed: 0x0dad02, arb: concatArb },
  { name: "STRIDED_SLICE", seed: 0x0dad03, arb: stridedSliceArb },
  { name: "SPLIT", seed: 0x0dad04, arb: splitArb },
  { name: "SQUEEZE", seed: 0x0dad05, arb: squeezeArb },
  { name: "TRANSPOSE", seed: 0x0dad06, arb: transposeArb },
];

async function property(c: Case, seed: number, numRuns: number, targets: readonly Target[]): Promise<void> {
  const [a, b] = fc.sample(c.arb, { seed: seed ^ 0x7e57, numRuns: 2 });
  await fc.assert(
    fc.asyncProperty(c.arb, (spec) => check(spec, targets)),
    { seed, numRuns, examples: [[{ ...a, fill: "min" }], [{ ...b, fill: "max" }]] },
  );
}

describe("differential data movement: TS == oracle == WASM", () => {
  for (const c of CASES) {
    it(`${c.name}: ${WASM_RUNS} random graphs`, () => property(c, c.seed, WASM_RUNS, ["ts", "wasm"]), 60_000 * SCALE);
  }
});

describe.skipIf(host.skip)("differential data movement: TS == WASM == host C", { concurrent: true }, () => {
  for (const c of CASES) {
    it(`${c.name}: ${HOST_RUNS} random graphs`, () => property(c, c.seed + 1, HOST_RUNS, ["ts", "wasm", "host"]), 120_000 * SCALE);
  }
});

// ---------------------------------------------------------------------------------------------
// Lowering errors

function expect3001(graph: Graph, message: RegExp): void {
  let err: unknown;
  try {
    lowerGraph(graph);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MoteError);
  expect((err as MoteError).code).toBe(3001);
  expect((err as MoteError).message).toMatch(message);
}

/** A valid graph of `spec`, then `f` breaks it. */
function broken<S extends Spec>(spec: S, f: (g: Graph) => void): Graph {
  const g = build(spec).graph;
  f(g);
  return g;
}

describe("data movement lowering errors (3001)", () => {
  const base = { seed: 1, fill: "random" as Fill, scale: 0.5, zeroPoint: -3 };
  const pad: PadSpec = { ...base, op: "PADV2", shape: [1, 3, 3, 2], paddings: [[0, 0], [1, 1], [2, 0], [0, 0]], value: 7 };
  const concat: ConcatSpec = { ...base, op: "CONCATENATION", shape: [1, 2, 2, 3], axis: -1, axisSizes: [3, 2], constLast: false };
  const slice: StridedSliceSpec = {
    ...base, op: "STRIDED_SLICE", shape: [1, 4, 4, 2], begin: [0, 1, -1, 0], end: [1, 4, 0, 2], strides: [1, 2, -1, 1],
    beginMask: 0, endMask: 0, shrinkMask: 0,
  };
  const split: SplitSpec = { ...base, op: "SPLIT", shape: [1, 4, 6], axis: 2, count: 3 };
  const squeeze: SqueezeSpec = { ...base, op: "SQUEEZE", shape: [1, 1, 5], squeezeDims: [0, -2] };
  const transpose: TransposeSpec = { ...base, op: "TRANSPOSE", shape: [2, 3, 4], perm: [2, 0, 1] };

  it("lowers the valid graphs", () => {
    for (const s of [pad, concat, slice, split, squeeze, transpose]) expect(() => lowerGraph(build(s).graph)).not.toThrow();
  });

  const cases: [string, Graph, RegExp][] = [
    ["PAD negative padding", broken({ ...pad, op: "PAD" }, (g) => {
      g.tensors[1].data = int32Data([0, 0, -1, 0, 2, 0, 0, 0]);
      g.tensors[2].shape = [1, 4, 5, 2];
    }), /negative paddings are not supported/],
    ["PAD runtime paddings", broken(pad, (g) => { g.tensors[1].data = undefined; }), /paddings tensor .* must be constant/],
    ["PAD int16 input", broken(pad, (g) => { g.tensors[0].dtype = "int16"; }), /input tensor .* is int16; Mote supports int8/],
    ["PAD wrong output size", broken(pad, (g) => { g.tensors[3].shape = [1, 5, 6, 2]; }), /output dimension 2 is 6; input 3 padded by \(2, 0\) gives 5/],
    ["PADV2 value quantization", broken(pad, (g) => { g.tensors[2].quant = perTensor(0.25, -3); }), /constant value quantization .* must equal the output's/],
    ["CONCATENATION scale", broken(concat, (g) => { g.tensors[1].quant = perTensor(0.25, -3); }), /input 1 quantization .* differs from the output's/],
    ["CONCATENATION RELU", broken(concat, (g) => { g.ops[0].options.fusedActivationFunction = "RELU"; }), /fused activation RELU is not supported/],
    ["CONCATENATION axis", broken(concat, (g) => { g.ops[0].options.axis = 4; }), /axis 4 is out of range for rank 4/],
    ["STRIDED_SLICE ellipsis", broken(slice, (g) => { g.ops[0].options.ellipsisMask = 2; }), /ellipsis_mask is not supported/],
    ["STRIDED_SLICE new axis", broken(slice, (g) => { g.ops[0].options.newAxisMask = 1; }), /new_axis_mask is not supported/],
    ["STRIDED_SLICE zero stride", broken(slice, (g) => { g.tensors[3].data = int32Data([1, 0, -1, 1]); }), /stride of axis 1 is 0/],
    ["STRIDED_SLICE rank 5", broken(slice, (g) => { g.tensors[0].shape = [1, 1, 4, 4, 2]; }), /rank 5; TFLite Micro slices tensors of rank 1 to 4/],
    ["STRIDED_SLICE output shape", broken(slice, (g) => { g.tensors[4].shape = [1, 2, 4, 1]; }), /the slice of \[1, 4, 4, 2\] has shape \[1, 2, 3, 2\]/],
    ["SPLIT uneven", broken(split, (g) => { g.tensors[1].shape = [1, 4, 7]; }), /does not divide into 3 equal parts/],
    ["SPLIT runtime axis", broken(split, (g) => { g.tensors[0].data = undefined; }), /axis tensor .* must be constant/],
    ["SQUEEZE non-1 dim", broken(squeeze, (g) => { g.ops[0].options.squeezeDims = [2]; }), /squeeze_dims entry 2 does not name a dimension of size 1/],
    ["TRANSPOSE repeated axis", broken(transpose, (g) => { g.tensors[1].data = int32Data([2, 0, 0]); }), /perm \[2, 0, 0\] is not a permutation/],
    ["TRANSPOSE rank 6", broken(transpose, (g) => {
      g.tensors[0].shape = [1, 1, 1, 2, 3, 4];
      g.tensors[1].shape = [6];
    }), /rank 6; TFLite Micro transposes tensors of rank 1 to 5/],
  ];
  for (const [name, graph, message] of cases) {
    it(name, () => expect3001(graph, message));
  }
});
