/**
 * @fileoverview DEPTHWISE_CONV_2D's SIMD variant (kernels/depthwise_conv_2d_dsp.ts, chosen by
 * compiler/ops/depthwise_conv_2d_dsp.ts) == depthwiseConv2dReference, over shapes that hit its
 * edges: 3x3 stride 1 and 2, k x 1 (transposed plane) and 1 x k, odd widths, one-element
 * dimensions, SAME and VALID, batch > 1, every bias mode, the cheap and the general
 * requantization (shift 0 and left shifts must take the general one), and in place (the output
 * over the input, called directly on ts; on wasm and host through the planner).
 *
 * The TypeScript kernels run on ts; wasm and host C run once the DSP intrinsics are compiled
 * (compiler/ir/intrinsics.ts knows `smlad`). Seeds are fixed; a failure prints the spec as JSON.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import type { KernelCall } from "../../compiler/ir/calls.ts";
import { INTRINSICS } from "../../compiler/ir/intrinsics.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { kernelFunction, runTs } from "../../compiler/run/ts.ts";
import { DSP_COLUMNS, DSP_NONE } from "../../kernels/depthwise_conv_2d.ts";
import {
  depthwiseSpecArb, syntheticGraph, syntheticInputs, withBiasModes, type DepthwiseSpec,
} from "../support/synthetic.ts";
import { needTarget } from "../support/shared.ts";
import { firstDifference, seedOf } from "./differential/agree.ts";

const compiled = INTRINSICS.has("smlad");
const noHost = needTarget("host").skip;

type Shape = "3x3 s1" | "3x3 s2" | "k x 1" | "1 x k";

/** Window of one of the SIMD variant's shapes (the other axis' stride drawn freely for k x 1 / 1 x k). */
const windowArb = fc.record({
  shape: fc.constantFrom<Shape>("3x3 s1", "3x3 s2", "k x 1", "1 x k"),
  k: fc.integer({ min: 2, max: 16 }),
  stride: fc.integer({ min: 1, max: 2 }),
  otherStride: fc.integer({ min: 1, max: 3 }),
  padding: fc.constantFrom<"SAME" | "VALID">("SAME", "VALID"),
  extraH: fc.integer({ min: 0, max: 7 }),
  extraW: fc.integer({ min: 0, max: 7 }),
  batches: fc.integer({ min: 1, max: 2 }),
  inC: fc.integer({ min: 1, max: 5 }),
});

/** Specs the SIMD variant takes: depthwiseSpecArb's quantization with one of its windows. */
const dspSpecArb: fc.Arbitrary<DepthwiseSpec> = withBiasModes(
  fc.tuple(depthwiseSpecArb, windowArb).map(([s, w]): DepthwiseSpec => {
    const [filterH, filterW] = w.shape === "k x 1" ? [w.k, 1] : w.shape === "1 x k" ? [1, w.k] : [3, 3];
    const [strideH, strideW] = w.shape === "3x3 s1" ? [1, 1] : w.shape === "3x3 s2" ? [2, 2]
      : w.shape === "k x 1" ? [w.stride, w.otherStride] : [w.otherStride, w.stride];
    const size = (f: number, extra: number) => (w.padding === "VALID" ? f + extra : 1 + extra);
    return {
      ...s, filterH, filterW, strideH, strideW, dilationH: 1, dilationW: 1, depthMultiplier: 1,
      padding: w.padding, batches: w.batches, inC: w.inC, inH: size(filterH, w.extraH), inW: size(filterW, w.extraW),
      filterScales: s.filterScales.length > 1 ? Array.from({ length: w.inC }, (_, i) => s.filterScales[i % s.filterScales.length]) : s.filterScales,
    };
  }),
);

const dspCall = (graph: Graph): KernelCall => lowerGraph(graph)[0].calls[0];

async function expectReference(spec: DepthwiseSpec, targets: Target[]): Promise<void> {
  const graph = syntheticGraph(spec);
  const inputs = syntheticInputs(spec);
  const label = JSON.stringify(spec);
  if (!spec.biasInput && dspCall(graph).params.dsp === DSP_NONE) throw new Error(`SIMD variant not chosen\nspec: ${label}`);
  const want = (await runModel(graph, inputs, "ts", { reference: true })).outputs[0];
  for (const target of targets) {
    const got = (await runModel(graph, inputs, target)).outputs[0];
    const at = firstDifference(want, got);
    if (at >= 0) throw new Error(`${target} differs from the reference at byte ${at} of ${want.length}\nspec: ${label}`);
  }
}

describe("DEPTHWISE_CONV_2D SIMD variant == reference", () => {
  it("ts, 300 random layers", async () => {
    await fc.assert(fc.asyncProperty(dspSpecArb, (spec) => expectReference(spec, ["ts"])), { seed: seedOf("dw dsp", 1), numRuns: 300 });
  }, 120_000);

  it.skipIf(!compiled)("wasm, 60 random layers", async () => {
    await fc.assert(fc.asyncProperty(dspSpecArb, (spec) => expectReference(spec, ["wasm"])), { seed: seedOf("dw dsp", 2), numRuns: 60 });
  }, 240_000);

  it.skipIf(!compiled || noHost)("host C, 12 random layers", async () => {
    await fc.assert(fc.asyncProperty(dspSpecArb, (spec) => expectReference(spec, ["host"])), { seed: seedOf("dw dsp", 3), numRuns: 12 });
  }, 240_000);

  it("the random layers cover every shape, bias mode and both requantizations", () => {
    const seen = new Set<string>();
    for (const spec of fc.sample(dspSpecArb, { seed: seedOf("dw dsp", 1), numRuns: 300 })) {
      const p = dspCall(syntheticGraph(spec)).params;
      if (p.dsp === DSP_NONE) { seen.add("bias input: not chosen"); continue; }
      seen.add(p.dsp === DSP_COLUMNS ? "transposed" : "rows");
      seen.add(`${p.filterH}x${p.filterW}`.replace(/^\d+x1$/, "kx1").replace(/^1x\d+$/, "1xk"));
      seen.add(`stride ${p.strideH},${p.strideW}`);
      seen.add(p.cheapRequant ? "cheap" : "general");
      if (p.outW % 2 === 1) seen.add("odd width");
      if ((p.dsp === DSP_COLUMNS ? p.outH : p.outW) === 1) seen.add("one output per run");
      if (p.inH === 1 || p.inW === 1 || p.outH === 1 || p.outW === 1 || p.inC === 1) seen.add("1-element dim");
      if (p.batches > 1) seen.add("batch > 1");
      if (p.filterH === 3 && p.filterW === 3 && p.strideH === 1 && p.outW >= 7 && p.outH >= 2) seen.add("two-row blocks");
      if (p.inC % 4 === 0 && (p.dsp === DSP_COLUMNS ? p.inH : p.inW) >= 5) seen.add("four planes");
      if (p.padH > 0 || p.padW > 0) seen.add("padded");
    }
    for (const f of ["transposed", "rows", "3x3", "kx1", "1xk", "stride 1,1", "stride 2,2", "cheap", "general", "odd width", "one output per run",
      "1-element dim", "batch > 1", "padded", "four planes", "two-row blocks", "bias input: not chosen"]) expect(seen, f).toContain(f);
  });
});

/** A 3x3 stride-1 SAME spec whose real multiplier in * w / out is `m` (shift 0 for m in [0.5, 1), left shifts above 1). */
function multiplierSpec(m: number, seed: number): DepthwiseSpec {
  const [base] = fc.sample(depthwiseSpecArb, { seed, numRuns: 1 });
  return {
    ...base, filterH: 3, filterW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, depthMultiplier: 1,
    padding: "SAME", batches: 1, inH: 5, inW: 5, inC: 3, inputScale: 0.02, filterScales: [0.01],
    outputScale: Math.fround((0.02 * 0.01) / m), inputZeroPoint: 5, hasBias: true, biasRange: 100, biasInput: false,
  };
}

describe("the requantization the SIMD variant takes", () => {
  for (const [name, m, cheap] of [["shift 0", 0.75, 0], ["left shift 2", 5, 0], ["right shifts", 0.01, 1]] as const) {
    it(`${name}: ${cheap ? "cheap" : "general"}, and equal to the reference on ts`, async () => {
      const spec = multiplierSpec(m, 7);
      const p = dspCall(syntheticGraph(spec)).params;
      expect(p.dsp).not.toBe(DSP_NONE);
      expect(p.cheapRequant).toBe(cheap);
      await expectReference(spec, compiled ? ["ts", "wasm"] : ["ts"]);
    });
  }
});

describe("in place: the output over the input (ts, the kernel called directly)", () => {
  const inPlaceArb = dspSpecArb.filter((s) => !s.biasInput);
  it("150 random layers whose output is no larger than the input", () => {
    fc.assert(fc.property(inPlaceArb, (spec) => {
      const graph = syntheticGraph(spec);
      const call = dspCall(graph);
      const out = graph.tensors[graph.outputs[0]];
      const outBytes = out.shape.reduce((a, b) => a * b, 1);
      const input = new Int8Array(syntheticInputs(spec)[0].buffer.slice(0));
      if (outBytes > input.length) return;
      const want = runModelSync(graph, [new Uint8Array(input.buffer.slice(0))]);
      const buf = Int8Array.from(input);
      const arrays = call.args.map((a, k) => {
        const slot = call.slots![k];
        if (slot === "input" || slot === "output") return buf;
        if (a.kind === "tensor" && a.tensor < 0) return new Int8Array(0);
        if (a.kind === "tensor") return new Int8Array(graph.tensors[a.tensor].data!.buffer.slice(0));
        if (a.kind === "const") return a.elem === "i32" ? Int32Array.from(a.data) : Int8Array.from(a.data);
        if (a.kind === "scratch") return new Int8Array(a.bytes);
        throw new Error(`unexpected argument ${(a as { kind: string }).kind}`);
      });
      kernelFunction("depthwise_conv_2d", "depthwiseConv2d")({ ...call.params, inPlace: 1 }, ...arrays);
      const at = firstDifference(want, new Uint8Array(buf.buffer, 0, outBytes));
      if (at >= 0) throw new Error(`in place differs from the reference at byte ${at}\nspec: ${JSON.stringify(spec)}`);
    }), { seed: seedOf("dw dsp in place", 4), numRuns: 150 });
  });
});

describe.skipIf(!compiled)("in place through the planner (wasm, host)", () => {
  // Shapes where the planner puts the output over the input: a plane smaller than a second tensor.
  const arb = dspSpecArb.filter((s) => !s.biasInput).map((s) => ({
    ...s, batches: 1, inC: 6, inH: Math.max(s.inH, 5), inW: Math.max(s.inW, 5),
    filterScales: s.filterScales.length > 1 ? Array.from({ length: 6 }, (_, i) => s.filterScales[i % s.filterScales.length]) : s.filterScales,
  }));
  const inPlace = (spec: DepthwiseSpec): boolean =>
    (buildFor(syntheticGraph(spec)).inPlaceNotes ?? []).some((n) => n.includes("DEPTHWISE_CONV_2D: in place"));
  it("the planner takes the in-place variant for most of these layers", () => {
    const specs = fc.sample(arb, { seed: seedOf("dw dsp planner", 5), numRuns: 20 });
    expect(specs.filter(inPlace).length).toBeGreaterThan(10);
  }, 120_000);
  it("wasm, 20 random layers in place", async () => {
    await fc.assert(fc.asyncProperty(arb.filter(inPlace), (spec) => expectReference(spec, ["wasm"])), { seed: seedOf("dw dsp planner", 5), numRuns: 20 });
  }, 240_000);
  it.skipIf(noHost)("host C, 4 random layers in place", async () => {
    await fc.assert(fc.asyncProperty(arb.filter(inPlace), (spec) => expectReference(spec, ["host"])), { seed: seedOf("dw dsp planner", 6), numRuns: 4 });
  }, 240_000);
});

/** The reference kernel's output on ts, synchronously (runTs). */
function runModelSync(graph: Graph, inputs: Uint8Array[]): Uint8Array {
  return runTs(graph, inputs, { reference: true })[0].slice();
}
