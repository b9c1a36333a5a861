/**
 * @fileoverview lowerSoftmax (TFLM's CalculateSoftmaxParams at compile time, and the rejections
 * TFLM makes) and the softmax kernel on random rows and parameters: equal to the BigInt model of
 * TFLite's reference kernel, and within a couple of output steps of the real softmax.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MoteError } from "../../compiler/diagnostics.ts";
import type { DType, Graph } from "../../compiler/ir/graph.ts";
import { lowerSoftmax, softmaxQuantParams } from "../../compiler/ops/softmax.ts";
import { softmax, type SoftmaxParams } from "../../kernels/softmax.ts";
import { softmaxRow } from "./gemmlowp-model.ts";

interface Spec {
  shape?: number[];
  outShape?: number[];
  inType?: DType;
  outType?: DType;
  inScale?: number;
  outScale?: number;
  outZp?: number;
  options?: Record<string, number>;
}

function graph(s: Spec): Graph {
  const shape = s.shape ?? [1, 10];
  return {
    name: "t",
    tensors: [
      {
        index: 0, name: "logits", dtype: s.inType ?? "int8", shape, isVariable: false,
        quant: { scale: [Math.fround(s.inScale ?? 0.1)], zeroPoint: [3], quantizedDimension: 0 },
      },
      {
        index: 1, name: "probs", dtype: s.outType ?? "int8", shape: s.outShape ?? shape, isVariable: false,
        quant: { scale: [s.outScale ?? 1 / 256], zeroPoint: [s.outZp ?? -128], quantizedDimension: 0 },
      },
    ],
    ops: [{ index: 0, opcode: "SOFTMAX", version: 1, inputs: [0], outputs: [1], options: s.options ?? { beta: 1 } }],
    inputs: [0],
    outputs: [1],
  };
}

function lowerError(s: Spec): MoteError {
  const g = graph(s);
  try {
    lowerSoftmax(g, g.ops[0]);
  } catch (e) {
    if (e instanceof MoteError) return e;
    throw e;
  }
  throw new Error("lowerSoftmax accepted an invalid softmax");
}

describe("lowerSoftmax", () => {
  it("computes rows, depth and TFLM's multiplier, shift and diff_min", () => {
    const g = graph({ shape: [2, 3, 4, 5], inScale: 0.25, options: { beta: 1 } });
    const [call] = lowerSoftmax(g, g.ops[0]);
    expect(call.kernel).toBe("softmax");
    expect(call.fn).toBe("softmax");
    expect(call.args).toEqual([{ kind: "tensor", tensor: 0 }, { kind: "tensor", tensor: 1 }]);
    // 0.25 * 2^26 = 2^24 = 0.5 * 2^25: multiplier 2^30, left shift 25; radius 31 * 2^26 / 2^25 = 62.
    expect(call.params).toEqual({ outer: 24, depth: 5, inputMultiplier: 2 ** 30, inputLeftShift: 25, diffMin: -62 });
  });

  it("floors the input radius and caps the multiplier at 2^31 - 1", () => {
    // 0.1f * 2^26: frexp gives 0.8 * 2^23; radius 31 * 2^3 = 248.
    const q = softmaxQuantParams(1, Math.fround(0.1))!;
    expect(q.inputLeftShift).toBe(23);
    expect(q.inputMultiplier).toBe(Math.round(Math.fround(0.1) * 2 ** 26 / 2 ** 23 * 2 ** 31));
    expect(q.diffMin).toBe(-248);
    const big = softmaxQuantParams(1e6, 100)!;
    expect(big).toEqual({ inputMultiplier: 2 ** 31 - 1, inputLeftShift: 31, diffMin: 0 });
  });

  it("rejects what TFLM rejects, with MOTE3001", () => {
    const cases: Spec[] = [
      { outZp: 0 },
      { outScale: 1 / 255 },
      { outScale: 1 / 128 },
      { inType: "int16" },
      { outType: "int16" },
      { inType: "uint8", outType: "uint8" },
      { options: { beta: 1e-9 } },
      { options: {} },
      { outShape: [1, 11] },
    ];
    for (const c of cases) {
      const e = lowerError(c);
      expect(e.code, JSON.stringify(c)).toBe(3001);
      expect(e.message).toMatch(/^op SOFTMAX \(probs\) at index 0: /);
    }
  });
});

const row = fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 1, maxLength: 40 });
const quant = fc.record({
  beta: fc.oneof(fc.constantFrom(1, 0.5, 2), fc.double({ min: 0.05, max: 20, noNaN: true })),
  scale: fc.oneof(fc.double({ min: 1e-4, max: 2, noNaN: true }), fc.constantFrom(0.25, 1 / 16, 0.14469251)),
});

function runKernel(rows: number[][], q: { inputMultiplier: number; inputLeftShift: number; diffMin: number }): Int8Array {
  const depth = rows[0].length;
  const p: SoftmaxParams = { outer: rows.length, depth, ...q };
  const input = Int8Array.from(rows.flat());
  const out = new Int8Array(input.length);
  softmax(p, input, out);
  return out;
}

describe("softmax kernel", () => {
  it("equals the BigInt model of TFLite's reference kernel", () => {
    fc.assert(
      fc.property(row, fc.integer({ min: 1, max: 3 }), quant, (r, outer, { beta, scale }) => {
        const q = softmaxQuantParams(Math.fround(beta), Math.fround(scale));
        fc.pre(q !== undefined);
        const rows = Array.from({ length: outer }, (_, i) => r.map((v) => ((v + 37 * i + 128) % 256) - 128));
        const got = runKernel(rows, q!);
        const want = rows.flatMap((x) => softmaxRow(x, q!.inputMultiplier, q!.inputLeftShift, q!.diffMin));
        expect(Array.from(got)).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  it("is within 2 output steps of the real softmax", () => {
    fc.assert(
      fc.property(row, quant, (r, { beta, scale }) => {
        const b = Math.fround(beta);
        const s = Math.fround(scale);
        const q = softmaxQuantParams(b, s);
        fc.pre(q !== undefined);
        const got = runKernel([r], q!);
        const max = Math.max(...r);
        const e = r.map((v) => Math.exp(b * s * (v - max)));
        const sum = e.reduce((a, x) => a + x, 0);
        for (let i = 0; i < r.length; i++) {
          const ideal = Math.min(127, Math.max(-128, Math.round((e[i] / sum) * 256) - 128));
          expect(Math.abs(got[i] - ideal), `element ${i} of [${r}]`).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("gives -128 to elements below diff_min and 127 to a lone maximum", () => {
    const q = softmaxQuantParams(1e6, 100)!;
    expect(Array.from(runKernel([[5, 9, -3, 9]], q))).toEqual([-128, 0, -128, 0]);
    expect(Array.from(runKernel([[5, 9, -3, 8]], q))).toEqual([-128, 127, -128, -128]);
  });
});
