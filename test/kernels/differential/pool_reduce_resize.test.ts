/**
 * @fileoverview Property tests for MAX_POOL_2D, MEAN, SUM, ARG_MAX, RESIZE_NEAREST_NEIGHBOR and
 * RESIZE_BILINEAR (int8): fast-check draws small one-op graphs (random shapes, windows, axes,
 * keep_dims, sizes, align_corners / half_pixel_centers, scales, zero points, and the extreme
 * inputs all -128 / all 127) and the TypeScript kernels, the WASM module and the host-gcc C
 * library must produce the same bytes (~40 runs per op on ts/wasm, ~5 on ts/wasm/host).
 *
 * MEAN/SUM and ARG_MAX index arbitrary axis sets, which the golden-ops cases cover only in part,
 * so their TypeScript outputs are also checked against a direct transcription of TFLite Micro's
 * loops (reference_ops::QuantizedMeanOrSum's Reduce/ReducedOutputOffset, ArgMinMax). The last
 * suite checks the lowering errors (MoteError 3001) for unsupported variants.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoteError } from "../../../compiler/diagnostics.ts";
import type { Graph, Op, Tensor } from "../../../compiler/ir/graph.ts";
import { foldMeanCount } from "../../../compiler/ops/reduce.ts";
import { quantizeMultiplier } from "../../../compiler/ops/quant.ts";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import { mbqm } from "../../../kernels/intrinsics.ts";
import { GraphBuilder, int8Bytes, perTensor, prng, type Fill } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, expectGraphAgree, seedOf, extremeParams, loweringError } from "./agree.ts";

const WASM_RUNS = caseCount(40); // full count in test:full (pool_reduce_resize.full.test.ts), 40 % in npm test
const HOST_RUNS = caseCount(5);
const host = needTarget("host");

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// Specs (plain JSON) and the graphs they build

interface Base {
  seed: number;
  fill: Fill;
  scale: number;
  zeroPoint: number;
}
interface MaxPoolSpec extends Base {
  op: "MAX_POOL_2D";
  shape: number[];
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  padding: "SAME" | "VALID";
  activation: string;
}
interface ReduceSpec extends Base {
  op: "MEAN" | "SUM";
  shape: number[];
  axes: number[];
  keepDims: boolean;
  outScale: number;
  outZeroPoint: number;
}
interface ArgMaxSpec extends Base {
  op: "ARG_MAX";
  shape: number[];
  axis: number;
  /** Input values drawn from [-range, range) around 0 to force ties (0: full random bytes). */
  range: number;
}
interface ResizeSpec extends Base {
  op: "RESIZE_NEAREST_NEIGHBOR" | "RESIZE_BILINEAR";
  shape: number[];
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}
type Spec = MaxPoolSpec | ReduceSpec | ArgMaxSpec | ResizeSpec;

function padOut(inSize: number, filter: number, stride: number, padding: "SAME" | "VALID"): number {
  return padding === "SAME" ? Math.ceil(inSize / stride) : Math.floor((inSize - filter) / stride) + 1;
}

function int32Const(values: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}

function inputBytes(spec: Spec): Uint8Array {
  const next = prng(spec.seed);
  const n = product(spec.shape);
  if (spec.op === "ARG_MAX" && spec.range > 0 && spec.fill === "random") {
    const out = new Int8Array(n);
    for (let i = 0; i < n; i++) out[i] = (next() % (2 * spec.range)) - spec.range;
    return new Uint8Array(out.buffer);
  }
  return int8Bytes(n, spec.fill, spec.zeroPoint, next);
}

function buildGraph(spec: Spec): Graph {
  const b = new GraphBuilder();
  const q = perTensor(spec.scale, spec.zeroPoint);
  const input = b.add("input", "int8", spec.shape, q);
  let inputs: number[];
  let output: number;
  let options: Op["options"];
  switch (spec.op) {
    case "MAX_POOL_2D": {
      const [n, h, w, c] = spec.shape;
      const oh = padOut(h, spec.filterH, spec.strideH, spec.padding);
      const ow = padOut(w, spec.filterW, spec.strideW, spec.padding);
      inputs = [input];
      output = b.add("output", "int8", [n, oh, ow, c], q);
      options = {
        padding: spec.padding, strideH: spec.strideH, strideW: spec.strideW, filterHeight: spec.filterH,
        filterWidth: spec.filterW, fusedActivationFunction: spec.activation,
      };
      break;
    }
    case "MEAN":
    case "SUM": {
      const rank = spec.shape.length;
      const reduced = new Set(spec.axes.map((a) => (a < 0 ? a + rank : a)));
      const outShape = spec.keepDims ? spec.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : spec.shape.filter((_, i) => !reduced.has(i));
      const axes = b.add("axes", "int32", [spec.axes.length], undefined, int32Const(spec.axes));
      inputs = [input, axes];
      output = b.add("output", "int8", outShape, perTensor(spec.outScale, spec.outZeroPoint));
      options = { keepDims: spec.keepDims };
      break;
    }
    case "ARG_MAX": {
      const rank = spec.shape.length;
      const axis = spec.axis < 0 ? spec.axis + rank : spec.axis;
      const axes = b.add("axis", "int32", [1], undefined, int32Const([spec.axis]));
      inputs = [input, axes];
      output = b.add("output", "int32", spec.shape.filter((_, i) => i !== axis));
      options = { outputType: "INT32" };
      break;
    }
    case "RESIZE_NEAREST_NEIGHBOR":
    case "RESIZE_BILINEAR": {
      const [n, , , c] = spec.shape;
      const size = b.add("size", "int32", [2], undefined, int32Const([spec.outH, spec.outW]));
      inputs = [input, size];
      output = b.add("output", "int8", [n, spec.outH, spec.outW, c], q);
      options = { alignCorners: spec.alignCorners, halfPixelCenters: spec.halfPixelCenters };
      break;
    }
  }
  const op: Op = { index: 0, opcode: spec.op, version: 1, inputs, outputs: [output], options };
  return { name: `synthetic_${spec.op.toLowerCase()}`, tensors: b.tensors, ops: [op], inputs: [input], outputs: [output] };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const scaleArb = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0xffff })).map(([e, m]) =>
    Math.fround(2 ** e * (1 + m / 0x10000)));
const fillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>("random"), weight: 6 },
  { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 2 },
  { arbitrary: fc.constant<Fill>("zero"), weight: 1 },
);
const baseArb = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  fill: fillArb,
  scale: scaleArb(-10, 0),
  zeroPoint: fc.integer({ min: -128, max: 127 }),
});
const shapeArb = (minRank: number, maxRank: number, maxDim: number): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

const maxPoolArb: fc.Arbitrary<MaxPoolSpec> = fc
  .record({
    base: baseArb,
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 10 }),
    filterH: fc.integer({ min: 1, max: 4 }),
    filterW: fc.integer({ min: 1, max: 4 }),
    strideH: fc.integer({ min: 1, max: 3 }),
    strideW: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom<"SAME" | "VALID">("SAME", "VALID"),
    extraH: fc.integer({ min: 0, max: 7 }),
    extraW: fc.integer({ min: 0, max: 7 }),
    activation: fc.constantFrom("NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"),
  })
  .map(({ base, n, c, extraH, extraW, ...w }): MaxPoolSpec => ({
    op: "MAX_POOL_2D", ...base, ...w,
    shape: [n, w.padding === "VALID" ? w.filterH + extraH : 1 + extraH, w.padding === "VALID" ? w.filterW + extraW : 1 + extraW, c],
  }));

const reduceArb = (op: "MEAN" | "SUM"): fc.Arbitrary<ReduceSpec> => fc
  .record({
    base: baseArb,
    shape: shapeArb(1, 4, 6),
    picks: fc.array(fc.integer({ min: -4, max: 3 }), { minLength: 0, maxLength: 4 }),
    keepDims: fc.boolean(),
    // Output scale relative to the input's: from 2^-3 (strong gain) to 2^6 (sums fit).
    outFactor: scaleArb(-3, 6),
    outZeroPoint: fc.integer({ min: -128, max: 127 }),
  })
  .map(({ base, shape, picks, keepDims, outFactor, outZeroPoint }): ReduceSpec => {
    const rank = shape.length;
    // Keep picks in range (negative ones count from the end); duplicates are allowed.
    const axes = picks.map((a) => (a < 0 ? -1 - ((-1 - a) % rank) : a % rank));
    return {
      op, ...base, shape, axes: axes.length > 0 ? axes : [rank - 1], keepDims,
      outScale: Math.fround(base.scale * outFactor), outZeroPoint,
    };
  });

const argMaxArb: fc.Arbitrary<ArgMaxSpec> = fc
  .record({
    base: baseArb,
    shape: shapeArb(1, 4, 7),
    axisPick: fc.integer({ min: 0, max: 7 }),
    negative: fc.boolean(),
    range: fc.constantFrom(0, 1, 2, 3),
  })
  .map(({ base, shape, axisPick, negative, range }): ArgMaxSpec => {
    const a = axisPick % shape.length;
    return { op: "ARG_MAX", ...base, shape, axis: negative ? a - shape.length : a, range };
  });

const resizeArb = (op: "RESIZE_NEAREST_NEIGHBOR" | "RESIZE_BILINEAR"): fc.Arbitrary<ResizeSpec> => fc
  .record({
    base: baseArb,
    n: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    c: fc.integer({ min: 1, max: 5 }),
    outH: fc.integer({ min: 1, max: 13 }),
    outW: fc.integer({ min: 1, max: 13 }),
    mode: fc.constantFrom("plain", "align", "half", "both"),
  })
  .map(({ base, n, h, w, c, outH, outW, mode }): ResizeSpec => ({
    op, ...base, shape: [n, h, w, c], outH, outW,
    alignCorners: mode === "align" || (mode === "both" && op === "RESIZE_NEAREST_NEIGHBOR"),
    halfPixelCenters: mode === "half" || mode === "both",
  }));

const ARBS: Record<Spec["op"], fc.Arbitrary<Spec>> = {
  MAX_POOL_2D: maxPoolArb,
  MEAN: reduceArb("MEAN"),
  SUM: reduceArb("SUM"),
  ARG_MAX: argMaxArb,
  RESIZE_NEAREST_NEIGHBOR: resizeArb("RESIZE_NEAREST_NEIGHBOR"),
  RESIZE_BILINEAR: resizeArb("RESIZE_BILINEAR"),
};
const OPS = Object.keys(ARBS) as Spec["op"][];

const agree = (spec: Spec, targets: readonly Target[]): Promise<void> =>
  expectGraphAgree(JSON.stringify(spec), buildGraph(spec), [inputBytes(spec)], targets);

describe("pool/reduce/resize differential: TS == WASM", () => {
  for (const op of OPS) {
    it(`${op}: ${WASM_RUNS} random graphs`, async () => {
      await fc.assert(fc.asyncProperty(ARBS[op], (spec) => agree(spec, ["ts", "wasm"])), extremeParams(ARBS[op], seedOf(op, 1), WASM_RUNS));
    }, 120_000);
  }
});

describe.skipIf(host.skip)("pool/reduce/resize differential: TS == WASM == host C", { concurrent: true }, () => {
  for (const op of OPS) {
    it(`${op}: ${HOST_RUNS} random graphs`, async () => {
      await fc.assert(
        fc.asyncProperty(ARBS[op], (spec) => agree(spec, ["ts", "wasm", "host"])),
        extremeParams(ARBS[op], seedOf(op, 2), HOST_RUNS),
      );
    }, 180_000);
  }
});

// ---------------------------------------------------------------------------------------------
// TFLite Micro's loops, transcribed, as an oracle for the axis handling of the TS kernels

/** reference_ops::QuantizedMeanOrSum for int8 (Reduce over NextIndex / ReducedOutputOffset). */
function tflmMeanOrSum(spec: ReduceSpec, input: Int8Array): Int8Array {
  const dims = spec.shape;
  const rank = dims.length;
  const axes: number[] = [];
  for (const a of spec.axes) {
    const r = a < 0 ? a + rank : a;
    if (!axes.includes(r)) axes.push(r);
  }
  const nOut = product(dims.filter((_, i) => !axes.includes(i)));
  const sums = new Int32Array(nOut);
  const idx = dims.map(() => 0);
  for (let flat = 0; flat < input.length; flat++) {
    let off = 0;
    for (let d = 0; d < rank; d++) if (!axes.includes(d)) off = off * dims[d] + idx[d];
    sums[off] = (sums[off] + input[flat]) | 0;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  const count = product(axes.map((a) => dims[a]));
  let q = quantizeMultiplier(spec.scale / spec.outScale);
  if (spec.op === "MEAN") q = foldMeanCount(q.multiplier, q.shift, count);
  const out = new Int8Array(nOut);
  for (let i = 0; i < nOut; i++) {
    const shifted = Number(BigInt.asIntN(32, BigInt(sums[i]) - BigInt(spec.zeroPoint) * BigInt(count)));
    const v = mbqm(shifted, q.multiplier, q.shift) + spec.outZeroPoint;
    out[i] = Math.min(127, Math.max(-128, v));
  }
  return out;
}

/** reference_ops::ArgMinMax with std::greater. */
function tflmArgMax(spec: ArgMaxSpec, input: Int8Array): Int32Array {
  const axis = spec.axis < 0 ? spec.axis + spec.shape.length : spec.axis;
  const outer = product(spec.shape.slice(0, axis));
  const size = spec.shape[axis];
  const inner = product(spec.shape.slice(axis + 1));
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      let best = input[o * size * inner + k];
      let at = 0;
      for (let i = 1; i < size; i++) {
        const v = input[(o * size + i) * inner + k];
        if (v > best) {
          best = v;
          at = i;
        }
      }
      out[o * inner + k] = at;
    }
  }
  return out;
}

describe("MEAN / SUM / ARG_MAX: TS kernels == TFLite Micro's loops", () => {
  for (const op of ["MEAN", "SUM", "ARG_MAX"] as const) {
    it(`${op}: 100 random axis sets`, async () => {
      await fc.assert(
        fc.asyncProperty(ARBS[op], async (spec) => {
          const bytes = inputBytes(spec);
          const input = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
          const got = (await runModel(buildGraph(spec), [bytes], "ts")).outputs[0];
          const want = spec.op === "ARG_MAX" ? tflmArgMax(spec, input) : tflmMeanOrSum(spec as ReduceSpec, input);
          expect(Array.from(got), JSON.stringify(spec)).toEqual(Array.from(new Uint8Array(want.buffer)));
        }),
        extremeParams(ARBS[op], seedOf(op, 3), 100),
      );
    }, 60_000);
  }
});

// ---------------------------------------------------------------------------------------------
// Lowering errors

function errorOf(spec: Spec, edit: (g: Graph) => void = () => {}): MoteError {
  const g = buildGraph(spec);
  edit(g);
  return loweringError(g);
}

const base: Base = { seed: 1, fill: "random", scale: 0.05, zeroPoint: 3 };
const reduceSpec: ReduceSpec = { op: "MEAN", ...base, shape: [1, 4, 4, 3], axes: [1, 2], keepDims: true, outScale: 0.04, outZeroPoint: -2 };
const argSpec: ArgMaxSpec = { op: "ARG_MAX", ...base, shape: [2, 5], axis: 1, range: 0 };
const bilinearSpec: ResizeSpec = {
  op: "RESIZE_BILINEAR", ...base, shape: [1, 3, 3, 2], outH: 5, outW: 6, alignCorners: false, halfPixelCenters: false,
};
const tensorOf = (g: Graph, name: string): Tensor => g.tensors.find((t) => t.name === name)!;

describe("pool/reduce/resize lowering errors (3001)", () => {
  it("ARG_MAX with an int64 output is rejected by name", () => {
    const e = errorOf(argSpec, (g) => { tensorOf(g, "output").dtype = "int64"; });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/int64.*int32/);
  });

  it("MEAN with a non-constant axis tensor", () => {
    const e = errorOf(reduceSpec, (g) => { delete tensorOf(g, "axes").data; });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/axis tensor .* must be constant/);
  });

  it("SUM with an axis out of range", () => {
    const e = errorOf({ ...reduceSpec, op: "SUM" }, (g) => { tensorOf(g, "axes").data = int32Const([1, 4]); });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/axis 4 is out of range for input rank 4/);
  });

  it("MEAN with an output shape that contradicts keep_dims", () => {
    const e = errorOf(reduceSpec, (g) => { g.ops[0].options = { keepDims: false }; });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/keep_dims=false \(expected \[1, 3\]\)/);
  });

  it("MEAN on a float32 input says int8 is expected", () => {
    const e = errorOf(reduceSpec, (g) => { tensorOf(g, "input").dtype = "float32"; });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/float32; Mote supports int8/);
  });

  it("RESIZE_BILINEAR with align_corners and half_pixel_centers", () => {
    const e = errorOf({ ...bilinearSpec, alignCorners: true, halfPixelCenters: true });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/half_pixel_centers and align_corners/);
  });

  it("RESIZE_NEAREST_NEIGHBOR with a non-constant size", () => {
    const e = errorOf({ ...bilinearSpec, op: "RESIZE_NEAREST_NEIGHBOR" }, (g) => { delete tensorOf(g, "size").data; });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/size tensor .* must be constant/);
  });

  it("MAX_POOL_2D with different input and output quantization", () => {
    const spec: MaxPoolSpec = {
      op: "MAX_POOL_2D", ...base, shape: [1, 4, 4, 2], filterH: 2, filterW: 2, strideH: 2, strideW: 2, padding: "VALID", activation: "NONE",
    };
    const e = errorOf(spec, (g) => { tensorOf(g, "output").quant = perTensor(0.1, 3); });
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/quantization must be the same/);
  });
});
