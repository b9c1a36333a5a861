/**
 * @fileoverview fast == reference for the SMLAD GEMM convolution (kernels/conv_2d_dsp.ts, lowered
 * by compiler/ops/conv_2d_dsp.ts): against conv2dReference over shapes that hit its edges (odd
 * channel counts, 1-element dims, stride 2, SAME/VALID padding, k not a multiple of 4, inC a
 * multiple of 4 or not, strided unpadded 1x1, odd pixel counts (a lone pixel paired with itself),
 * the small-K shape (k4 <= NARROW_TAPS, weights in registers or read per pixel) and the 2 x 2 GEMM,
 * filter rows of 4 or more bytes copied as words), every bias mode, both weight layouts, requantization
 * multipliers with right shifts (cheap table), shift 0 and left shifts (general path).
 *
 * The ts runner does not plan memory, so the in-place variants and the fused residual ADD are run
 * here at the kernel level (on ts; random layers also run on wasm and host C): the lowered call is given the variant's record fields and arrays
 * that alias as the planner would place them (input and output one buffer for 1x1 pixel in place,
 * the output `delta` bytes before the input row by row, output = skip for the fused ADD). On wasm
 * and host, test/kernels/reference.test.ts's block graphs run the planned variants.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import type { KernelCall } from "../../compiler/ir/calls.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { FUSE_HOOKS } from "../../compiler/ops/index.ts";
import { packConvWeights } from "../../compiler/ops/conv_2d_dsp.ts";
import { NARROW_GEMM_TAPS, NARROW_REG_TAPS, NARROW_TAPS } from "../../kernels/conv_2d_dsp.ts";
import { kernelFunction } from "../../compiler/run/ts.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import {
  convSpecArb, GraphBuilder, int8Bytes, perTensor, prng, syntheticGraph, syntheticInputs, withBiasModes,
  type ConvSpec,
} from "../support/synthetic.ts";
import { caseCount, firstDifference, seedOf } from "./differential/agree.ts";
import { needTarget } from "../support/shared.ts";

const noHost = needTarget("host").skip;

const ENV = "MOTE_DSP_CONV";
const saved = process.env[ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});

/** How the requantization multipliers are drawn: as the synthetic spec has them, or forced to shift 0 / left shifts. */
type Scales = "spec" | "shift0" | "left";

interface DspSpec {
  conv: ConvSpec;
  scales: Scales;
  int16: boolean;
}

/** One-group convolutions with inC 1..20 (multiples of 4 and not), output scale per `scales`. */
const dspSpecArb: fc.Arbitrary<DspSpec> = fc.record({
  conv: withBiasModes(convSpecArb),
  inC: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(4, 8, 16)),
  outC: fc.integer({ min: 1, max: 9 }),
  scales: fc.constantFrom<Scales>("spec", "spec", "shift0", "left"),
  int16: fc.boolean(),
}).map(({ conv, inC, outC, scales, int16 }) => {
  const f0 = conv.filterScales[0];
  const filterScales = conv.filterScales.length > 1 ? Array.from({ length: outC }, (_, i) => conv.filterScales[i % conv.filterScales.length]) : [f0];
  const c: ConvSpec = { ...conv, groups: 1, inC, outC, filterScales: scales === "spec" ? filterScales : [f0] };
  // real multiplier inputScale * filterScale / outputScale: 0.75 gives shift 0, 3 a left shift of 2.
  if (scales === "shift0") c.outputScale = Math.fround((c.inputScale * f0) / 0.75);
  if (scales === "left") c.outputScale = Math.fround((c.inputScale * f0) / 3);
  return { conv: c, scales, int16 };
});

/** The lowered (fast) call of a one-op graph, with MOTE_DSP_CONV set for the weight layout. */
function fastCall(graph: Graph, int16: boolean): KernelCall {
  process.env[ENV] = int16 ? "int16" : "int8";
  return lowerGraph(graph)[0].calls[0];
}

async function outputsOf(graph: Graph, inputs: Uint8Array[], target: Target, reference: boolean, int16: boolean): Promise<Uint8Array[]> {
  process.env[ENV] = int16 ? "int16" : "int8";
  return (await runModel(graph, inputs, target, { reference })).outputs;
}

function expectSame(want: Uint8Array, got: Uint8Array, label: string): void {
  const at = firstDifference(want, got);
  if (at >= 0) throw new Error(`differs from the reference at byte ${at} of ${want.length}: ${want[at]} vs ${got[at]}\nspec: ${label}`);
}

const TS_RUNS = 300;
/** Full counts in test:full (conv_2d_dsp.full.test.ts runs this file), 40 % in npm test; see caseCount. */
const WASM_RUNS = caseCount(60);
const LONG_K_RUNS = caseCount(8);
const HOST_RUNS = caseCount(12);

describe("conv2dDsp == conv2dReference, single ops (ts)", () => {
  it(`${TS_RUNS} random layers`, async () => {
    await fc.assert(fc.asyncProperty(dspSpecArb, async (spec) => {
      const graph = syntheticGraph(spec.conv);
      const inputs = syntheticInputs(spec.conv);
      const want = await outputsOf(graph, inputs, "ts", true, spec.int16);
      const got = await outputsOf(graph, inputs, "ts", false, spec.int16);
      expectSame(want[0], got[0], JSON.stringify(spec));
    }), { seed: seedOf("conv2dDsp", 1), numRuns: TS_RUNS });
  }, 120_000);

  it(`${WASM_RUNS} random layers on wasm`, async () => {
    await fc.assert(fc.asyncProperty(dspSpecArb, async (spec) => {
      const graph = syntheticGraph(spec.conv);
      const inputs = syntheticInputs(spec.conv);
      const want = await outputsOf(graph, inputs, "ts", true, spec.int16);
      expectSame(want[0], (await outputsOf(graph, inputs, "wasm", false, spec.int16))[0], JSON.stringify(spec));
    }), { seed: seedOf("conv2dDsp wasm", 4), numRuns: WASM_RUNS });
  }, 240_000);

  // The GEMM's K loop as C and WASM run it (unrolled chunks of 8 or 12 blocks, then the rest): long K only.
  const longK = dspSpecArb.filter((s) => (((s.conv.filterH * s.conv.filterW * s.conv.inC + 3) & -4) >> 1) >= 32);
  it.skipIf(noHost)(`${LONG_K_RUNS} random layers with a K loop of 2 or more chunks on host C and wasm`, async () => {
    await fc.assert(fc.asyncProperty(longK, async (spec) => {
      const graph = syntheticGraph(spec.conv);
      const inputs = syntheticInputs(spec.conv);
      const want = await outputsOf(graph, inputs, "ts", true, spec.int16);
      expectSame(want[0], (await outputsOf(graph, inputs, "host", false, spec.int16))[0], JSON.stringify(spec));
      expectSame(want[0], (await outputsOf(graph, inputs, "wasm", false, spec.int16))[0], JSON.stringify(spec));
    }), { seed: seedOf("conv2dDsp long K", 6), numRuns: LONG_K_RUNS });
  }, 240_000);

  it.skipIf(noHost)(`${HOST_RUNS} random layers on host C`, async () => {
    await fc.assert(fc.asyncProperty(dspSpecArb, async (spec) => {
      const graph = syntheticGraph(spec.conv);
      const inputs = syntheticInputs(spec.conv);
      const want = await outputsOf(graph, inputs, "ts", true, spec.int16);
      expectSame(want[0], (await outputsOf(graph, inputs, "host", false, spec.int16))[0], JSON.stringify(spec));
    }), { seed: seedOf("conv2dDsp host", 5), numRuns: HOST_RUNS });
  }, 240_000);

  it("the random layers cover every path", () => {
    const seen = new Set<string>();
    for (const spec of fc.sample(dspSpecArb, { seed: seedOf("conv2dDsp", 1), numRuns: TS_RUNS })) {
      const graph = syntheticGraph(spec.conv);
      const call = fastCall(graph, spec.int16);
      const p = call.params;
      if (call.fn !== "conv2dDsp") {
        seen.add(`fallback ${spec.conv.biasInput ? "bias input" : "?"}`);
        continue;
      }
      const direct = p.filterH === 1 && p.filterW === 1 && p.strideH === 1 && p.strideW === 1 && p.padH === 0 && p.padW === 0;
      const k = p.filterH * p.filterW * p.inC;
      const pixels = p.batches * p.outH * p.outW;
      const pointwise = p.filterH === 1 && p.filterW === 1 && p.padH === 0 && p.padW === 0;
      const k4 = (k + 3) & -4;
      const narrow = k4 <= NARROW_REG_TAPS || (k4 > NARROW_GEMM_TAPS && k4 <= NARROW_TAPS);
      seen.add(!narrow ? "gemm 2x2" : k4 > 16 ? "small-K weights read per pixel" : "small-K weights in registers");
      seen.add(direct ? "direct" : pointwise ? "strided 1x1" : p.inC % 4 === 0 ? "im2col staged" : "im2col column");
      if (!pointwise && p.inC % 4 !== 0 && p.filterW * p.inC >= 4 && p.dilationW === 1) seen.add("column word runs");
      seen.add(p.cheapRequant ? "cheap requant" : `general requant ${spec.scales}`);
      if (p.cheapRequant === 2) seen.add("cheap requant, output offset folded");
      seen.add(p.int16Weights ? "int16 weights" : "int8 weights");
      if (k % 4 !== 0) seen.add("k tail");
      // The GEMM's K loop: chunks of 16 staged words, then the rest (kernels/conv_2d_dsp.ts gemm).
      const half = ((k + 3) & -4) >> 1;
      if (half >= 16) seen.add(half % 16 === 0 ? "K chunks" : "K chunks and rest");
      if (half >= 32) seen.add("K chunk loop");
      if (half % 24 === 0 && half >= 48) seen.add("K chunks of 12 blocks");
      if (p.outC % 2 === 1) seen.add(p.outC === 1 ? "outC 1" : "odd outC");
      if (pixels % 2 === 1) seen.add("odd pixels");
      if (p.strideH === 2 || p.strideW === 2) seen.add("stride 2");
      if (p.padH > 0 || p.padW > 0) seen.add("padding");
      if (p.dilationH > 1 || p.dilationW > 1) seen.add("dilation");
      if (p.batches > 1) seen.add("batch > 1");
      seen.add(`hasBias ${p.hasBias}`);
    }
    for (const f of [
      "gemm 2x2", "small-K weights read per pixel", "small-K weights in registers", "direct", "strided 1x1", "im2col staged", "im2col column", "column word runs", "cheap requant", "general requant shift0", "general requant left",
      "int16 weights", "int8 weights", "k tail", "outC 1", "odd outC", "odd pixels", "stride 2", "padding", "dilation",
      "batch > 1", "hasBias 0", "hasBias 1", "hasBias 2", "fallback bias input", "K chunks", "K chunks and rest", "K chunk loop", "K chunks of 12 blocks", "cheap requant, output offset folded",
    ]) expect(seen, f).toContain(f);
  });

  it("packs int8 weights as the words the inner loop reads", () => {
    // 3 channels of 5 taps: k4 = 8, pairs (0, 1) interleaved per block, then channel 2 alone.
    const f = Int8Array.from({ length: 15 }, (_, i) => i - 7);
    const words = packConvWeights(new Uint8Array(f.buffer), 3, 5, false);
    const w = (a: number, b: number, c: number, d: number) => ((a & 255) | ((b & 255) << 8) | ((c & 255) << 16) | (d << 24)) | 0;
    expect(words).toEqual([w(-7, -6, -5, -4), w(-2, -1, 0, 1), w(-3, 0, 0, 0), w(2, 0, 0, 0), w(3, 4, 5, 6), w(7, 0, 0, 0)]);
    expect(packConvWeights(new Uint8Array(f.buffer), 3, 5, true)).toHaveLength(12);
  });
});

// ---- in-place variants and the fused ADD at the kernel level --------------------------------------

type Variant = "forward" | "backward" | "rows" | "fused" | "fused over skip";

interface BlockSpec {
  variant: Variant;
  seed: number;
  batches: number;
  h: number;
  w: number;
  c: number;
  outC: number;
  k: number;
  stride: number;
  zeroPoint: number;
  bias: boolean;
  int16: boolean;
}

const blockArb: fc.Arbitrary<BlockSpec> = fc.record({
  variant: fc.constantFrom<Variant>("forward", "backward", "rows", "fused", "fused over skip"),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  batches: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 6 }),
  w: fc.integer({ min: 1, max: 7 }),
  // Up to 13 channels mostly; 29-40 so that 1x1 layers also reach the 2 x 2 GEMM (k4 > NARROW_TAPS).
  c: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 13 }), weight: 3 }, { arbitrary: fc.integer({ min: 29, max: 40 }), weight: 1 }),
  outC: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 13 }), weight: 3 }, { arbitrary: fc.integer({ min: 29, max: 40 }), weight: 1 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  zeroPoint: fc.integer({ min: -20, max: 20 }),
  bias: fc.boolean(),
  int16: fc.boolean(),
}).map((s) => {
  switch (s.variant) {
    case "forward": return { ...s, k: 1, stride: 1, c: Math.max(s.c, s.outC) };
    case "backward": return { ...s, k: 1, stride: 1, c: Math.min(s.c, s.outC), outC: Math.max(s.c, s.outC) + 1 };
    case "rows": return { ...s, batches: 1 };
    case "fused": case "fused over skip": return { ...s, stride: 1, outC: s.c };
  }
});

/** A SAME-padded CONV_2D of the block spec, followed by an ADD with its input for the fused variants. */
function blockGraph(s: BlockSpec): Graph {
  const next = prng(s.seed);
  const uniform = (lo: number, hi: number) => lo + (next() / 2 ** 32) * (hi - lo);
  const b = new GraphBuilder();
  const inScale = Math.fround(uniform(0.01, 0.06));
  const input = b.add("input", "int8", [s.batches, s.h, s.w, s.c], perTensor(inScale, s.zeroPoint));
  const fScales = Array.from({ length: s.outC }, () => Math.fround(uniform(0.002, 0.012)));
  const fShape = [s.outC, s.k, s.k, s.c];
  const filter = b.add("filter", "int8", fShape, { scale: fScales, zeroPoint: fScales.map(() => 0), quantizedDimension: 0 },
    int8Bytes(s.outC * s.k * s.k * s.c, "random", 0, next));
  const bias = s.bias
    ? b.add("bias", "int32", [s.outC], { scale: fScales.map((f) => inScale * f), zeroPoint: fScales.map(() => 0), quantizedDimension: 0 },
      new Uint8Array(Int32Array.from({ length: s.outC }, () => (next() % 6001) - 3000).buffer))
    : -1;
  const outScale = Math.fround(inScale * 0.007 * Math.sqrt(s.k * s.k * s.c) * uniform(20, 80));
  const conv = b.add("conv", "int8", [s.batches, Math.ceil(s.h / s.stride), Math.ceil(s.w / s.stride), s.outC], perTensor(outScale, (next() % 21) - 10));
  const ops: Graph["ops"] = [{
    index: 0, opcode: "CONV_2D", version: 1, inputs: [input, filter, bias], outputs: [conv],
    options: { padding: "SAME", strideH: s.stride, strideW: s.stride, dilationHFactor: 1, dilationWFactor: 1, fusedActivationFunction: "NONE" },
  }];
  let output = conv;
  if (s.variant.startsWith("fused")) {
    output = b.add("sum", "int8", b.tensors[conv].shape, perTensor(Math.fround(Math.max(inScale, outScale) * uniform(1, 2)), (next() % 21) - 10));
    ops.push({ index: 1, opcode: "ADD", version: 1, inputs: [conv, input], outputs: [output], options: { fusedActivationFunction: "NONE" } });
  }
  return { name: `dsp_${s.variant.replace(/\W+/g, "_")}`, tensors: b.tensors, ops, inputs: [input], outputs: [output] };
}

/** The typed array of one argument (tensors from `tensor`, constants, fresh scratch). */
function argArray(graph: Graph, call: KernelCall, slot: string, tensor: (t: number) => Int8Array): Int8Array | Int32Array {
  const arg = call.args[call.slots!.indexOf(slot)];
  if (arg.kind === "const") return arg.elem === "i32" ? Int32Array.from(arg.data) : Int8Array.from(arg.data);
  if (arg.kind === "scratch") return arg.elem === "i32" ? new Int32Array(Math.ceil(arg.bytes / 4)) : new Int8Array(arg.bytes);
  if (arg.tensor < 0) return new Int8Array(0);
  const t = graph.tensors[arg.tensor];
  if (t.dtype === "int32") return new Int32Array(t.data!.slice().buffer);
  return t.data !== undefined ? new Int8Array(t.data.slice().buffer) : tensor(arg.tensor);
}

/** Runs the block's DSP call with the variant's fields and aliasing arrays; returns the output bytes. */
function runVariant(s: BlockSpec, graph: Graph, inputBytes: Uint8Array): Uint8Array {
  process.env[ENV] = s.int16 ? "int16" : "int8";
  const lowered = lowerGraph(graph);
  const call = lowered[0].calls[0];
  expect(call.fn).toBe("conv2dDsp");
  const p = call.params;
  const x = new Int8Array(inputBytes.slice().buffer);
  const outBytes = p.batches * p.outH * p.outW * p.outC;
  const inBytes = x.length;
  let input: Int8Array = x;
  let output = new Int8Array(outBytes);
  let skip = new Int8Array(0);
  let pixel = new Int8Array(0);
  if (s.variant === "forward" || s.variant === "backward") {
    p.inPlace = s.variant === "forward" ? 1 : 2;
    const buf = new Int8Array(Math.max(inBytes, outBytes));
    buf.set(x);
    input = buf;
    output = buf;
  } else if (s.variant === "rows") {
    p.inPlace = 3;
    const inRow = p.inW * p.inC;
    const outRow = p.outW * p.outC;
    const firstRow = (r: number) => Math.max(0, r * p.strideH - p.padH);
    let delta = 0;
    for (let oy = 0; oy + 1 < p.outH; oy++) delta = Math.min(delta, inRow * firstRow(oy + 1) - outRow * (oy + 1));
    const buf = new Int8Array(Math.max(-delta + inBytes, outBytes));
    buf.set(x, -delta);
    input = buf.subarray(-delta);
    output = buf.subarray(0, outBytes);
    pixel = new Int8Array(outRow);
  } else {
    const note = FUSE_HOOKS.CONV_2D({
      graph, op: graph.ops[0], call, next: graph.ops[1], nextCall: lowered[1].calls[0], position: 1,
      lastUse: (t) => (t === graph.outputs[0] ? Infinity : 1),
    });
    expect(note).toBeDefined();
    skip = x.slice();
    if (s.variant === "fused over skip") output = skip;
  }
  const arrays = call.slots!.map((slot) => {
    switch (slot) {
      case "input": return input;
      case "output": return output;
      case "skip": return skip;
      case "pixel": return pixel;
      default: return argArray(graph, call, slot, () => new Int8Array(0));
    }
  });
  kernelFunction(call.kernel, call.fn)(p, ...arrays);
  return new Uint8Array(output.buffer, output.byteOffset, outBytes).slice();
}

describe("conv2dDsp in-place variants and fused ADD == reference (ts, kernel level)", () => {
  it("200 random blocks", async () => {
    await fc.assert(fc.asyncProperty(blockArb, async (s) => {
      const graph = blockGraph(s);
      const input = int8Bytes(s.batches * s.h * s.w * s.c, "random", 0, prng(s.seed ^ 0x1234));
      const want = (await runModel(graph, [input], "ts", { reference: true })).outputs[0];
      expectSame(want, runVariant(s, graph, input), JSON.stringify(s));
    }), { seed: seedOf("conv2dDsp blocks", 2), numRuns: 200 });
  }, 120_000);

  it("300 random fused ADD blocks (the ADD's cheap rescaling)", async () => {
    const fused = blockArb.filter((s) => s.variant.startsWith("fused"));
    await fc.assert(fc.asyncProperty(fused, async (s) => {
      const graph = blockGraph(s);
      const input = int8Bytes(s.batches * s.h * s.w * s.c, "random", 0, prng(s.seed ^ 0x1234));
      const want = (await runModel(graph, [input], "ts", { reference: true })).outputs[0];
      expectSame(want, runVariant(s, graph, input), JSON.stringify(s));
    }), { seed: seedOf("conv2dDsp fused", 3), numRuns: 300 });
  }, 120_000);
});
