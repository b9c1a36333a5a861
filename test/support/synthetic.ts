/**
 * @fileoverview Test support: synthetic single-op Graphs (compiler/ir/graph.ts) for CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, RESHAPE and SOFTMAX, and fast-check
 * arbitraries that produce their specs.
 *
 * A spec is plain JSON (numbers, strings, arrays of numbers): it prints whole in a failure
 * message and rebuilds the identical graph. Constant data (weights, bias) and the input bytes
 * are not stored in the spec but drawn from a PRNG seeded by `spec.seed`, shaped by a fill mode
 * ("random", or the extremes "min"/"max"/"zero" for all -128 / all 127 / all zero-point).
 *
 * Invariants: every spec an arbitrary produces passes the op's lowering (compiler/ops/<op>.ts):
 * output shapes come from TFLite's ComputePaddingHeightWidth, filters are per-channel int8 with
 * zero point 0 on axis 0 (CONV_2D, FULLY_CONNECTED) or 3 (DEPTHWISE_CONV_2D) or per-tensor, bias
 * is int32 with scale in*w[c], SOFTMAX output is scale 1/256 zero point -128, AVERAGE_POOL_2D
 * output quantization equals the input's. Scales are float32 values. Tensors stay small (at most
 * a few thousand elements) so the TS reference is quick. Used by test/kernels/differential.test.ts
 * and test/kernels/reference.test.ts (which also draws the bias mode: `withBiasModes`);
 * `withActivation` appends a RELU or SOFTMAX (the two-op graphs of test/emit/snapshots.test.ts).
 */
import fc from "fast-check";
import type { Graph, Op, OpOptions, Tensor } from "../../compiler/ir/graph.ts";
import { computePaddingHeightWidth } from "../../compiler/ops/padding.ts";

export type Activation = "NONE" | "RELU" | "RELU6" | "RELU_N1_TO_1";
export type Padding = "SAME" | "VALID";
/** How a byte array is filled: PRNG bytes, all -128, all 127, or all equal to the zero point. */
export type Fill = "random" | "min" | "max" | "zero";

interface Common {
  /** Seeds the PRNG for weights, bias and input bytes. */
  seed: number;
  inputScale: number;
  inputZeroPoint: number;
  inputFill: Fill;
}

interface Quantized extends Common {
  outputScale: number;
  outputZeroPoint: number;
  activation: Activation;
  /** One scale (per-tensor) or one per output channel. */
  filterScales: number[];
  weightFill: Fill;
  hasBias: boolean;
  /** Bias values are uniform in [-biasRange, biasRange]. */
  biasRange: number;
  /**
   * The bias is a second graph input (syntheticInputs gives its bytes) instead of a constant, so
   * lowering cannot fold the input offset into it. Absent: constant.
   */
  biasInput?: boolean;
}

interface Windowed {
  batches: number;
  inH: number;
  inW: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  padding: Padding;
}

export interface ConvSpec extends Quantized, Windowed {
  op: "CONV_2D";
  inC: number;
  outC: number;
  /** inC / filterInC; 1 for an ordinary convolution. */
  groups: number;
  dilationH: number;
  dilationW: number;
}

export interface DepthwiseSpec extends Quantized, Windowed {
  op: "DEPTHWISE_CONV_2D";
  inC: number;
  depthMultiplier: number;
  dilationH: number;
  dilationW: number;
}

export interface FullyConnectedSpec extends Quantized {
  op: "FULLY_CONNECTED";
  /** Leading output dimensions (their product is the batch count). */
  batchDims: number[];
  depth: number;
  units: number;
  /** Input shape: "flat" [...batchDims, depth] or "image" [batch, h, w, c] with h*w*c = depth. */
  inputLayout: "flat" | "image";
  /** Weight zero point, used only with a single (per-tensor) filter scale. */
  filterZeroPoint: number;
}

export interface AveragePoolSpec extends Common, Windowed {
  op: "AVERAGE_POOL_2D";
  channels: number;
  activation: Activation;
}

export interface ReshapeSpec extends Common {
  op: "RESHAPE";
  inShape: number[];
  outShape: number[];
}

export interface SoftmaxSpec extends Common {
  op: "SOFTMAX";
  shape: number[];
  beta: number;
}

export type OpSpec = ConvSpec | DepthwiseSpec | FullyConnectedSpec | AveragePoolSpec | ReshapeSpec | SoftmaxSpec;
export type OpName = OpSpec["op"];
export const OP_NAMES: readonly OpName[] = [
  "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "RESHAPE", "SOFTMAX",
];

// ---------------------------------------------------------------------------------------------
// Deterministic data

/** mulberry32: a small deterministic PRNG; returns a function giving uint32 values. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function int8Bytes(n: number, fill: Fill, zeroPoint: number, next: () => number): Uint8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = fill === "min" ? -128 : fill === "max" ? 127 : fill === "zero" ? zeroPoint : (next() & 0xff) - 128;
  }
  return new Uint8Array(out.buffer);
}

export function int32Bytes(n: number, range: number, next: () => number): Uint8Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor((next() / 2 ** 32) * (2 * range + 1)) - range;
  return new Uint8Array(out.buffer);
}

// ---------------------------------------------------------------------------------------------
// Graph building

/** Appends tensors with consecutive indices; other synthetic-graph test files build on it. */
export class GraphBuilder {
  readonly tensors: Tensor[] = [];
  add(name: string, dtype: Tensor["dtype"], shape: number[], quant?: Tensor["quant"], data?: Uint8Array): number {
    const index = this.tensors.length;
    this.tensors.push({ index, name, dtype, shape, quant, data, isVariable: false });
    return index;
  }
}

export const perTensor = (scale: number, zeroPoint: number): Tensor["quant"] => ({
  scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0,
});

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Output size of a windowed op; throws for a spec no arbitrary should produce. */
function geometry(s: Windowed & { dilationH?: number; dilationW?: number }): { outH: number; outW: number } {
  const geo = computePaddingHeightWidth(
    s.strideH, s.strideW, s.dilationH ?? 1, s.dilationW ?? 1, s.inH, s.inW, s.filterH, s.filterW, s.padding,
  );
  if (geo === null || geo.outH <= 0 || geo.outW <= 0) throw new Error(`synthetic: no valid output for ${JSON.stringify(s)}`);
  return geo;
}

/** The input tensor's shape for a spec. */
export function inputShape(spec: OpSpec): number[] {
  switch (spec.op) {
    case "CONV_2D":
    case "DEPTHWISE_CONV_2D":
      return [spec.batches, spec.inH, spec.inW, spec.inC];
    case "AVERAGE_POOL_2D":
      return [spec.batches, spec.inH, spec.inW, spec.channels];
    case "FULLY_CONNECTED": {
      if (spec.inputLayout === "flat") return [...spec.batchDims, spec.depth];
      const [h, w, c] = imageFactors(spec.depth);
      return [product(spec.batchDims), h, w, c];
    }
    case "RESHAPE":
      return spec.inShape;
    case "SOFTMAX":
      return spec.shape;
  }
}

/** A fixed [h, w, c] factorization of `depth` (c the largest factor <= 8). */
function imageFactors(depth: number): [number, number, number] {
  let c = 1;
  for (let k = Math.min(8, depth); k >= 1; k--) if (depth % k === 0) { c = k; break; }
  const rest = depth / c;
  let h = 1;
  for (let k = Math.floor(Math.sqrt(rest)); k >= 1; k--) if (rest % k === 0) { h = k; break; }
  return [h, rest / h, c];
}

/** Bytes of the graph's one input, from the spec's seed and fill (drawn after the constants). */
export function syntheticInput(spec: OpSpec): Uint8Array {
  const next = prng(spec.seed ^ 0x5eed1234);
  return int8Bytes(product(inputShape(spec)), spec.inputFill, spec.inputZeroPoint, next);
}

/** Bytes of every graph input: the input, then the bias when it is an input (`biasInput`). */
export function syntheticInputs(spec: OpSpec): Uint8Array[] {
  const inputs = [syntheticInput(spec)];
  if ("biasInput" in spec && spec.biasInput && spec.hasBias) {
    const g = syntheticGraph({ ...spec, biasInput: false });
    const bias = g.tensors[g.ops[0].inputs[2]];
    inputs.push(bias.data!.slice());
  }
  return inputs;
}

function quantizedConstants(
  b: GraphBuilder,
  spec: Quantized,
  filterShape: number[],
  axis: number,
  channels: number,
  filterZeroPoint: number,
): { filter: number; bias: number } {
  const next = prng(spec.seed);
  const perChannel = spec.filterScales.length > 1;
  const filterQuant: Tensor["quant"] = perChannel
    ? { scale: spec.filterScales, zeroPoint: spec.filterScales.map(() => 0), quantizedDimension: axis }
    : perTensor(spec.filterScales[0], filterZeroPoint);
  const filter = b.add("filter", "int8", filterShape, filterQuant, int8Bytes(product(filterShape), spec.weightFill, 0, next));
  let bias = -1;
  if (spec.hasBias) {
    const scales = perChannel ? spec.filterScales : [spec.filterScales[0]];
    const biasQuant: Tensor["quant"] = {
      scale: scales.map((w) => spec.inputScale * w),
      zeroPoint: scales.map(() => 0),
      quantizedDimension: 0,
    };
    bias = b.add("bias", "int32", [channels], biasQuant, int32Bytes(channels, spec.biasRange, next));
  }
  return { filter, bias };
}

/** The one-op Graph a spec describes: input tensor 0, constants, output last. */
export function syntheticGraph(spec: OpSpec): Graph {
  const b = new GraphBuilder();
  const input = b.add("input", "int8", inputShape(spec), perTensor(spec.inputScale, spec.inputZeroPoint));
  let inputs: number[] = [input];
  let outShape: number[];
  let outQuant: Tensor["quant"];
  let options: OpOptions;
  switch (spec.op) {
    case "CONV_2D": {
      const { outH, outW } = geometry(spec);
      const { filter, bias } = quantizedConstants(b, spec, [spec.outC, spec.filterH, spec.filterW, spec.inC / spec.groups], 0, spec.outC, 0);
      inputs = [input, filter, bias];
      outShape = [spec.batches, outH, outW, spec.outC];
      outQuant = perTensor(spec.outputScale, spec.outputZeroPoint);
      options = {
        padding: spec.padding, strideH: spec.strideH, strideW: spec.strideW,
        dilationHFactor: spec.dilationH, dilationWFactor: spec.dilationW, fusedActivationFunction: spec.activation,
      };
      break;
    }
    case "DEPTHWISE_CONV_2D": {
      const { outH, outW } = geometry(spec);
      const outC = spec.inC * spec.depthMultiplier;
      const { filter, bias } = quantizedConstants(b, spec, [1, spec.filterH, spec.filterW, outC], 3, outC, 0);
      inputs = [input, filter, bias];
      outShape = [spec.batches, outH, outW, outC];
      outQuant = perTensor(spec.outputScale, spec.outputZeroPoint);
      options = {
        padding: spec.padding, strideH: spec.strideH, strideW: spec.strideW, depthMultiplier: spec.depthMultiplier,
        dilationHFactor: spec.dilationH, dilationWFactor: spec.dilationW, fusedActivationFunction: spec.activation,
      };
      break;
    }
    case "FULLY_CONNECTED": {
      const { filter, bias } = quantizedConstants(b, spec, [spec.units, spec.depth], 0, spec.units, spec.filterZeroPoint);
      inputs = [input, filter, bias];
      outShape = [...spec.batchDims, spec.units];
      outQuant = perTensor(spec.outputScale, spec.outputZeroPoint);
      options = { fusedActivationFunction: spec.activation, weightsFormat: 0, keepNumDims: spec.batchDims.length > 1 };
      break;
    }
    case "AVERAGE_POOL_2D": {
      const { outH, outW } = geometry(spec);
      outShape = [spec.batches, outH, outW, spec.channels];
      outQuant = perTensor(spec.inputScale, spec.inputZeroPoint);
      options = {
        padding: spec.padding, strideH: spec.strideH, strideW: spec.strideW,
        filterHeight: spec.filterH, filterWidth: spec.filterW, fusedActivationFunction: spec.activation,
      };
      break;
    }
    case "RESHAPE":
      outShape = spec.outShape;
      outQuant = perTensor(spec.inputScale, spec.inputZeroPoint);
      options = { newShape: spec.outShape };
      break;
    case "SOFTMAX":
      outShape = spec.shape;
      outQuant = perTensor(1 / 256, -128);
      options = { beta: spec.beta };
      break;
  }
  const output = b.add("output", "int8", outShape, outQuant);
  const op: Op = { index: 0, opcode: spec.op, version: 1, inputs, outputs: [output], options };
  const graphInputs = [input];
  if ("biasInput" in spec && spec.biasInput && inputs[2] >= 0) {
    b.tensors[inputs[2]].data = undefined; // a graph input: its bytes come from syntheticInputs
    graphInputs.push(inputs[2]);
  }
  return { name: `synthetic_${spec.op.toLowerCase()}`, tensors: b.tensors, ops: [op], inputs: graphInputs, outputs: [output] };
}

/**
 * `graph` (a one-op synthetic graph) followed by an activation on its output, which becomes the
 * graph's output: RELU keeps the quantization, SOFTMAX (beta 1) takes scale 1/256, zero point -128.
 */
export function withActivation(graph: Graph, opcode: "RELU" | "SOFTMAX"): Graph {
  const prev = graph.tensors[graph.outputs[0]];
  const index = graph.tensors.length;
  const quant = opcode === "SOFTMAX" ? perTensor(1 / 256, -128) : prev.quant;
  const output: Tensor = { index, name: `${opcode.toLowerCase()}_output`, dtype: "int8", shape: [...prev.shape], quant, isVariable: false };
  const op: Op = { index: graph.ops.length, opcode, version: 1, inputs: [prev.index], outputs: [index], options: opcode === "SOFTMAX" ? { beta: 1 } : {} };
  return { ...graph, name: `${graph.name}_${opcode.toLowerCase()}`, tensors: [...graph.tensors, output], ops: [...graph.ops, op], outputs: [index] };
}

/** Elements in the spec's output tensor. */
export function outputElements(spec: OpSpec): number {
  const g = syntheticGraph(spec);
  return product(g.tensors[g.outputs[0]].shape);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** A float32 2^e with e uniform in [lo, hi], times a float32 mantissa in [1, 2). */
const scaleArb = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0xffff })).map(([e, m]) =>
    Math.fround(2 ** e * (1 + m / 0x10000)));

const zeroPointArb = fc.integer({ min: -128, max: 127 });
/** Mostly random bytes, with the extremes the brief asks for. */
const fillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>("random"), weight: 6 },
  { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 2 },
  { arbitrary: fc.constant<Fill>("zero"), weight: 1 },
);
const weightFillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>("random"), weight: 8 },
  { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 1 },
);
const activationArb: fc.Arbitrary<Activation> = fc.oneof(
  { arbitrary: fc.constant<Activation>("NONE"), weight: 3 },
  { arbitrary: fc.constantFrom<Activation>("RELU", "RELU6", "RELU_N1_TO_1"), weight: 2 },
);
const paddingArb = fc.constantFrom<Padding>("SAME", "VALID");
const seedArb = fc.integer({ min: 0, max: 0x7fffffff });

const commonArb = fc.record({
  seed: seedArb,
  inputScale: scaleArb(-10, 0),
  inputZeroPoint: zeroPointArb,
  inputFill: fillArb,
});

/**
 * Quantization of a weighted op with `channels` output channels. Per-channel filter scales lie
 * within 2^±2 of a base; the output scale is mostly chosen relative to in*w so the effective
 * multiplier in*w/out is 2^-12 .. 2^-3 (outputs spread over the int8 range for these
 * accumulator sizes), and now and then drawn freely (multipliers from 2^-24 to 2^6, with
 * saturation, zero multipliers and left shifts).
 */
function quantizedArb(channels: number, inputScale: number): fc.Arbitrary<Omit<Quantized, keyof Common>> {
  return fc
    .record({
      baseFilterScale: scaleArb(-12, -4),
      channelFactors: fc.array(scaleArb(-2, 1), { minLength: channels, maxLength: channels }),
      perChannel: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
      relativeOutput: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
      outputFromProduct: scaleArb(3, 11),
      freeOutputScale: scaleArb(-10, 2),
      outputZeroPoint: zeroPointArb,
      activation: activationArb,
      weightFill: weightFillArb,
      hasBias: fc.boolean(),
      biasRange: fc.oneof(
        { arbitrary: fc.constantFrom(0, 100, 1000, 10_000, 1 << 20), weight: 9 },
        // Full int32 range: the accumulator wraps, identically on every target.
        { arbitrary: fc.constant(0x7fffffff), weight: 1 },
      ),
    })
    .map((r) => ({
      outputScale: r.relativeOutput
        ? Math.fround(Math.fround(inputScale * r.baseFilterScale) * r.outputFromProduct)
        : r.freeOutputScale,
      outputZeroPoint: r.outputZeroPoint,
      activation: r.activation,
      filterScales: r.perChannel && channels > 1
        ? r.channelFactors.map((f) => Math.fround(r.baseFilterScale * f))
        : [r.baseFilterScale],
      weightFill: r.weightFill,
      hasBias: r.hasBias,
      biasRange: r.biasRange,
    }));
}

/** Window geometry with a valid (non-empty) output; VALID inputs are at least the filter. */
function windowArb(maxFilter: number, maxDilation: number) {
  return fc
    .record({
      batches: fc.integer({ min: 1, max: 2 }),
      filterH: fc.integer({ min: 1, max: maxFilter }),
      filterW: fc.integer({ min: 1, max: maxFilter }),
      strideH: fc.integer({ min: 1, max: 3 }),
      strideW: fc.integer({ min: 1, max: 3 }),
      dilationH: fc.integer({ min: 1, max: maxDilation }),
      dilationW: fc.integer({ min: 1, max: maxDilation }),
      padding: paddingArb,
      extraH: fc.integer({ min: 0, max: 6 }),
      extraW: fc.integer({ min: 0, max: 6 }),
    })
    .map(({ extraH, extraW, ...w }) => {
      const effH = (w.filterH - 1) * w.dilationH + 1;
      const effW = (w.filterW - 1) * w.dilationW + 1;
      return {
        ...w,
        inH: w.padding === "VALID" ? effH + extraH : 1 + extraH,
        inW: w.padding === "VALID" ? effW + extraW : 1 + extraW,
      };
    });
}

export const convSpecArb: fc.Arbitrary<ConvSpec> = fc
  .record({
    common: commonArb,
    window: windowArb(4, 2),
    groups: fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 }),
    filterInC: fc.integer({ min: 1, max: 5 }),
    filtersPerGroup: fc.integer({ min: 1, max: 6 }),
  })
  .chain(({ common, window, groups, filterInC, filtersPerGroup }) => {
    const outC = groups * filtersPerGroup;
    return quantizedArb(outC, common.inputScale).map((q): ConvSpec => ({
      op: "CONV_2D", ...common, ...q, ...window, inC: groups * filterInC, outC, groups,
    }));
  });

export const depthwiseSpecArb: fc.Arbitrary<DepthwiseSpec> = fc
  .record({
    common: commonArb,
    window: windowArb(4, 2),
    inC: fc.integer({ min: 1, max: 8 }),
    depthMultiplier: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 }),
  })
  .chain(({ common, window, inC, depthMultiplier }) =>
    quantizedArb(inC * depthMultiplier, common.inputScale).map((q): DepthwiseSpec => ({
      op: "DEPTHWISE_CONV_2D", ...common, ...q, ...window, inC, depthMultiplier,
    })));

export const fullyConnectedSpecArb: fc.Arbitrary<FullyConnectedSpec> = fc
  .record({
    common: commonArb,
    batchDims: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 3 }).map((b) => [b]), weight: 3 },
      { arbitrary: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })).map(([a, b]) => [a, b]), weight: 1 },
    ),
    depth: fc.integer({ min: 1, max: 200 }),
    units: fc.integer({ min: 1, max: 24 }),
    image: fc.boolean(),
    filterZeroPoint: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: zeroPointArb, weight: 1 }),
  })
  .chain(({ common, batchDims, depth, units, image, filterZeroPoint }) =>
    quantizedArb(units, common.inputScale).map((q): FullyConnectedSpec => ({
      op: "FULLY_CONNECTED", ...common, ...q, batchDims, depth, units,
      inputLayout: image && batchDims.length === 1 ? "image" : "flat",
      filterZeroPoint: q.filterScales.length === 1 ? filterZeroPoint : 0,
    })));

export const averagePoolSpecArb: fc.Arbitrary<AveragePoolSpec> = fc
  .record({
    common: commonArb,
    window: windowArb(5, 1),
    channels: fc.integer({ min: 1, max: 12 }),
    activation: activationArb,
  })
  .map(({ common, window, channels, activation }): AveragePoolSpec => {
    const { dilationH: _h, dilationW: _w, ...w } = window;
    return { op: "AVERAGE_POOL_2D", ...common, ...w, channels, activation };
  });

/** A shape of rank 1..4 with small dimensions. */
const shapeArb = (maxDim: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 1, maxLength: 4 });

/** Splits n into `rank` factors, in an order picked by `picks`. */
function factorize(n: number, picks: number[]): number[] {
  const dims: number[] = [];
  let rest = n;
  for (const p of picks) {
    const divisors: number[] = [];
    for (let d = 1; d <= rest; d++) if (rest % d === 0) divisors.push(d);
    const d = divisors[p % divisors.length];
    dims.push(d);
    rest /= d;
  }
  dims.push(rest);
  return dims;
}

export const reshapeSpecArb: fc.Arbitrary<ReshapeSpec> = fc
  .record({
    common: commonArb,
    inShape: shapeArb(8),
    picks: fc.array(fc.nat({ max: 1000 }), { minLength: 0, maxLength: 3 }),
  })
  .map(({ common, inShape, picks }): ReshapeSpec => ({
    op: "RESHAPE", ...common, inShape, outShape: factorize(product(inShape), picks),
  }));

export const softmaxSpecArb: fc.Arbitrary<SoftmaxSpec> = fc
  .record({
    common: commonArb,
    outer: shapeArb(4).map((s) => s.slice(0, 3)),
    depth: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 300 })),
    beta: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: scaleArb(-3, 2), weight: 1 }),
  })
  .map(({ common, outer, depth, beta }): SoftmaxSpec => {
    const shape = [...outer, depth];
    // Keep the outer dimensions small when depth is large (a few thousand elements at most).
    while (product(shape) > 4000 && shape.length > 1) shape.shift();
    return { op: "SOFTMAX", ...common, inputScale: Math.fround(common.inputScale * 4), shape, beta };
  });

/**
 * How a weighted op (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) gets its bias, and so which
 * kernel path the lowering picks (kernel headers, `hasBias`): "none" and "bias" have input zero
 * point 0 (hasBias 0 and 1, nothing to fold); "folded" and "folded+bias" a non-zero one, so the
 * input offset is folded into a compile-time bias (hasBias 2) with and without a model bias;
 * "input" a non-zero one with the bias a graph input, which cannot be folded (hasBias 1 with an
 * input offset: the TFLM-shaped fast path).
 */
export type BiasMode = "none" | "bias" | "folded" | "folded+bias" | "input";
export const BIAS_MODES: readonly BiasMode[] = ["none", "bias", "folded", "folded+bias", "input"];

/** `spec` with its bias and input zero point set for `mode` (`zeroPoint`: the non-zero one to use if the spec's is 0). */
export function withBiasMode<S extends ConvSpec | DepthwiseSpec | FullyConnectedSpec>(spec: S, mode: BiasMode, zeroPoint: number): S {
  const nonZero = spec.inputZeroPoint !== 0 ? spec.inputZeroPoint : zeroPoint;
  return {
    ...spec,
    hasBias: mode === "bias" || mode === "folded+bias" || mode === "input",
    biasInput: mode === "input",
    inputZeroPoint: mode === "none" || mode === "bias" ? 0 : nonZero,
  };
}

/** `arb` with a bias mode drawn from `modes` (default: all, equally often; withBiasMode). */
export function withBiasModes<S extends ConvSpec | DepthwiseSpec | FullyConnectedSpec>(
  arb: fc.Arbitrary<S>, modes: readonly BiasMode[] = BIAS_MODES,
): fc.Arbitrary<S> {
  const nonZeroPoint = fc.integer({ min: -128, max: 126 }).map((z) => (z >= 0 ? z + 1 : z));
  return fc.tuple(arb, fc.constantFrom(...modes), nonZeroPoint).map(([s, mode, zp]) => withBiasMode(s, mode, zp));
}

/** Every op's spec arbitrary, by opcode. */
export const SPEC_ARBITRARIES: { [K in OpName]: fc.Arbitrary<Extract<OpSpec, { op: K }>> } = {
  CONV_2D: convSpecArb,
  DEPTHWISE_CONV_2D: depthwiseSpecArb,
  FULLY_CONNECTED: fullyConnectedSpecArb,
  AVERAGE_POOL_2D: averagePoolSpecArb,
  RESHAPE: reshapeSpecArb,
  SOFTMAX: softmaxSpecArb,
};
