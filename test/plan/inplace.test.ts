/**
 * @fileoverview In-place execution (compiler/plan/inplace.ts) and the staircase buffers it
 * hands the planners:
 *  - planners on random staircase buffers never let two live parts overlap, checked byte by
 *    byte by an oracle independent of overlaps(), and never beat lowerBound();
 *  - random chains of depthwise, 1x1 and 3x3 convolutions with residual ADDs (the shapes of
 *    MobileNet and ResNet blocks) give the TypeScript reference's bytes on wasm and host C, where
 *    tensors really share memory;
 *  - on the five shared models the arena goes below the plain layer-wise bound on every model
 *    but the fully connected ad01_int8.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFresh } from "../../compiler/pipeline.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import type { Graph, Op, Tensor } from "../../compiler/ir/graph.ts";
import { ALIGN, PLANNERS, lowerBound, overlaps, segmentsOf, type Buffer, type Placement } from "../../compiler/plan/planner.ts";
import { MODEL_NAMES, needShared, needTarget, sharedFile } from "../support/shared.ts";
import { GraphBuilder, int32Bytes, int8Bytes, perTensor, prng } from "../support/synthetic.ts";
import { expectGraphAgree } from "../kernels/differential/agree.ts";

/** Byte-level oracle: does any arena byte belong to two live segments at one step? */
function doubleBooked(buffers: Buffer[], p: Placement): string | undefined {
  const steps = Math.max(0, ...buffers.flatMap((b) => segmentsOf(b).map((g) => g.last))) + 1;
  for (let s = 0; s < steps; s++) {
    const owner = new Map<number, string>();
    for (const b of buffers) {
      const base = p.offsets.get(b.id)!;
      for (const g of segmentsOf(b)) {
        if (s < g.first || s > g.last) continue;
        for (let x = base + g.lo; x < base + g.hi; x++) {
          const o = owner.get(x);
          if (o !== undefined && o !== b.id) return `step ${s}: byte ${x} of ${o} and ${b.id}`;
          owner.set(x, b.id);
        }
      }
    }
  }
  return undefined;
}

/** Random staircases: a chain of members, each starting where (or after) the previous ends. */
const staircasesArb = fc.array(
  fc.record({
    first: fc.integer({ min: 0, max: 10 }),
    members: fc.array(fc.record({ lo: fc.integer({ min: 0, max: 64 }), bytes: fc.integer({ min: 1, max: 300 }), len: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 7 },
).map((xs) => xs.map((x, i): Buffer => {
  let step = x.first;
  const segments = x.members.map((m) => {
    const g = { first: step, last: step + m.len, lo: m.lo, hi: m.lo + m.bytes };
    step += m.len; // the next member starts at the step this one ends (in-place hand-over)
    return g;
  });
  return { id: `g${i}`, bytes: Math.max(...segments.map((g) => g.hi)), first: x.first, last: step, segments };
}));

describe("planners on staircase buffers", () => {
  for (const name of Object.keys(PLANNERS)) {
    it(`${name}: live parts never share a byte, arena >= lowerBound`, () => {
      fc.assert(fc.property(staircasesArb, (buffers) => {
        const p = PLANNERS[name](buffers, ALIGN);
        expect(doubleBooked(buffers, p)).toBeUndefined();
        expect(overlaps(buffers, p)).toBe(false);
        expect(p.arenaBytes).toBeGreaterThanOrEqual(lowerBound(buffers, ALIGN));
        for (const b of buffers) expect(p.offsets.get(b.id)! + b.bytes).toBeLessThanOrEqual(p.arenaBytes);
      }), { seed: 97, numRuns: 300 });
    });
  }

  it("overlaps() sees a clash only between parts live at the same step", () => {
    const a: Buffer = { id: "a", bytes: 100, first: 0, last: 4, segments: [{ first: 0, last: 1, lo: 0, hi: 40 }, { first: 1, last: 4, lo: 0, hi: 100 }] };
    const b: Buffer = { id: "b", bytes: 60, first: 0, last: 0 };
    const at = (ob: number): Placement => ({ offsets: new Map([["a", 0], ["b", ob]]), arenaBytes: 200 });
    expect(overlaps([a, b], at(40))).toBe(false); // b sits above a's small first part
    expect(overlaps([a, b], at(32))).toBe(true);
    expect(lowerBound([a, b], 1)).toBe(100); // step 0: 40 + 60; steps 1..4: 100
  });
});

// ---- random convolution chains ------------------------------------------------------------------

interface ChainSpec {
  seed: number;
  h: number;
  w: number;
  c: number;
  layers: { kind: "dw" | "pw" | "conv3"; outC: number; stride: number; residual: boolean }[];
}

const chainArb: fc.Arbitrary<ChainSpec> = fc.record({
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  h: fc.integer({ min: 2, max: 9 }),
  w: fc.integer({ min: 1, max: 9 }),
  c: fc.integer({ min: 1, max: 12 }),
  layers: fc.array(fc.record({
    kind: fc.constantFrom("dw" as const, "pw" as const, "conv3" as const),
    outC: fc.integer({ min: 1, max: 20 }),
    stride: fc.constantFrom(1, 1, 2),
    residual: fc.boolean(),
  }), { minLength: 1, maxLength: 6 }),
});

/** The graph of a chain spec; a residual ADD follows a same-shape conv when asked. */
function chainGraph(spec: ChainSpec): Graph {
  const next = prng(spec.seed);
  const scale = () => Math.fround(0.01 + (next() % 1000) / 20000);
  const zp = () => (next() % 41) - 20;
  const b = new GraphBuilder();
  const ops: Op[] = [];
  let shape = [1, spec.h, spec.w, spec.c];
  const input = b.add("input", "int8", shape, perTensor(scale(), zp()));
  let cur = input;
  const quantOf = (t: number): Tensor["quant"] => b.tensors[t].quant;
  for (const l of spec.layers) {
    const [, h, w, c] = shape;
    const inScale = quantOf(cur)!.scale[0];
    const stride = l.kind === "pw" ? 1 : l.stride;
    const outH = Math.ceil(h / stride);
    const outW = Math.ceil(w / stride);
    const outC = l.kind === "dw" ? c : l.outC;
    const k = l.kind === "pw" ? 1 : 3;
    const fScales = Array.from({ length: outC }, () => Math.fround(0.002 + (next() % 100) / 10000));
    const fShape = l.kind === "dw" ? [1, k, k, outC] : [outC, k, k, c];
    const filter = b.add("filter", "int8", fShape, { scale: fScales, zeroPoint: fScales.map(() => 0), quantizedDimension: l.kind === "dw" ? 3 : 0 },
      int8Bytes(fShape.reduce((x, y) => x * y, 1), "random", 0, next));
    const bias = b.add("bias", "int32", [outC], { scale: fScales.map((s) => inScale * s), zeroPoint: fScales.map(() => 0), quantizedDimension: 0 }, int32Bytes(outC, 2000, next));
    const outShape = [1, outH, outW, outC];
    const out = b.add("conv", "int8", outShape, perTensor(scale(), zp()));
    const options = {
      padding: "SAME", strideH: stride, strideW: stride, dilationHFactor: 1, dilationWFactor: 1,
      fusedActivationFunction: next() % 2 === 0 ? "RELU" : "NONE", ...(l.kind === "dw" ? { depthMultiplier: 1 } : {}),
    };
    ops.push({ index: ops.length, opcode: l.kind === "dw" ? "DEPTHWISE_CONV_2D" : "CONV_2D", version: 1, inputs: [cur, filter, bias], outputs: [out], options });
    let result = out;
    if (l.residual && outShape.join() === shape.join()) {
      result = b.add("sum", "int8", outShape, perTensor(scale(), zp()));
      const [x, y] = next() % 2 === 0 ? [cur, out] : [out, cur];
      ops.push({ index: ops.length, opcode: "ADD", version: 1, inputs: [x, y], outputs: [result], options: { fusedActivationFunction: "NONE" } });
    }
    cur = result;
    shape = outShape;
  }
  return { name: "chain", tensors: b.tensors, ops, inputs: [input], outputs: [cur] };
}

const host = needTarget("host");

describe("random convolution chains share memory and stay exact", () => {
  const run = (targets: ("ts" | "wasm" | "host")[], seed: number, numRuns: number) =>
    fc.assert(fc.asyncProperty(chainArb, async (spec) => {
      const graph = chainGraph(spec);
      const input = int8Bytes(spec.h * spec.w * spec.c, "random", 0, prng(spec.seed ^ 0x1234));
      await expectGraphAgree(JSON.stringify(spec), graph, [input], targets);
    }), { seed, numRuns });

  it("ts == wasm", () => run(["ts", "wasm"], 5, 40), 120_000);
  it.skipIf(host.skip)("ts == wasm == host C", () => run(["ts", "wasm", "host"], 6, 8), 120_000);

  it("the chains do take the in-place paths", () => {
    const notes = fc.sample(chainArb, { seed: 5, numRuns: 40 }).flatMap((s) => buildFresh(chainGraph(s)).inPlaceNotes ?? []);
    expect(notes.some((n) => n.includes("DEPTHWISE_CONV_2D: in place"))).toBe(true);
    expect(notes.some((n) => n.includes("1x1 in place") && n.includes("backward"))).toBe(true);
    expect(notes.some((n) => n.includes("1x1 in place") && !n.includes("backward"))).toBe(true);
    expect(notes.some((n) => n.includes("fused with"))).toBe(true);
    expect(notes.some((n) => n.includes("row by row"))).toBe(true);
  });
});

const models = needShared(...MODEL_NAMES.map((m) => `models/${m}.tflite`));

describe.skipIf(models.skip)("shared models: in place goes below the plain layer-wise bound", () => {
  for (const model of MODEL_NAMES) {
    it(model, () => {
      const r = buildFresh(loadModel(sharedFile("models", `${model}.tflite`)));
      expect(overlaps(r.buffers, r.placement)).toBe(false);
      console.log(`${model}: arena ${r.placement.arenaBytes} B, plain bound ${r.lowerBoundBytes} B, planned bound ${r.plannedBoundBytes} B`);
      if (model === "ad01_int8") expect(r.placement.arenaBytes).toBeLessThanOrEqual(r.lowerBoundBytes);
      else expect(r.placement.arenaBytes).toBeLessThan(r.lowerBoundBytes);
    });
  }
});
