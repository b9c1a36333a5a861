/**
 * @fileoverview The quantization rules of compiler/quantize/ on hand-made graphs and numbers:
 * TFLite's activation parameters (0 inside the range, zero-point nudging), per-channel symmetric
 * weights on dim 0 (conv, FC) and dim 3 (depthwise), int32 biases with scale in·w[c] and the
 * weight range widened when a bias would overflow, fixed SOFTMAX/LOGISTIC/TANH outputs, copied
 * params of same-scale ops, CONCATENATION's requantizing QUANTIZE inserts, MSE clipping.
 */
import { describe, expect, it } from "vitest";
import type { Graph, Op, Tensor } from "../../compiler/ir/graph.ts";
import { activationParams, biasWideningScales, quantizeBias, quantizeWeights } from "../../compiler/quantize/params.ts";
import { mseRange } from "../../compiler/quantize/calibrate.ts";
import { quantizeGraph } from "../../compiler/quantize/quantize.ts";
import { moteError } from "../import/mote-error.ts";

const f32 = (v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
const act = (index: number, shape: number[]): Tensor => ({ index, name: `t${index}`, dtype: "float32", shape, isVariable: false });
const cst = (index: number, shape: number[], v: number[]): Tensor => ({ ...act(index, shape), data: f32(v) });
const op = (index: number, opcode: string, inputs: number[], outputs: number[], options = {}): Op => ({ index, opcode, version: 1, inputs, outputs, options });

describe("activation parameters (quantization_utils.cc)", () => {
  it("widen the range to hold 0 and use (max - min) / 255", () => {
    expect(activationParams(0, 6)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    expect(activationParams(2, 6)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    expect(activationParams(-1, 1)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: 0 });
    expect(activationParams(-6, -1)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: 127 });
    expect(activationParams(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });
  it("real 0 is exactly representable", () => {
    for (const [lo, hi] of [[-0.3, 5.1], [-2.7, 0.01], [-1e-3, 1e3]] as const) {
      const p = activationParams(lo, hi);
      expect(Number.isInteger(p.zeroPoint)).toBe(true);
      expect(p.zeroPoint).toBeGreaterThanOrEqual(-128);
      expect(p.zeroPoint).toBeLessThanOrEqual(127);
    }
  });
});

describe("weights and biases", () => {
  it("are symmetric per channel on the given dim, in [-127, 127]", () => {
    // [2 out, 1, 1, 2 in]: channel 0 max |w| 2, channel 1 max |w| 0.5
    const conv = quantizeWeights(Float32Array.from([2, -1, 0.5, -0.25]), [2, 1, 1, 2], 0);
    expect(conv.scales).toEqual([Math.fround(2 / 127), Math.fround(0.5 / 127)]);
    expect(Array.from(conv.data)).toEqual([127, -64, 127, -64]);
    // depthwise [1, 1, 2, 2]: channels along dim 3
    const dw = quantizeWeights(Float32Array.from([1, 4, -1, -2]), [1, 1, 2, 2], 3);
    expect(dw.scales).toEqual([Math.fround(1 / 127), Math.fround(4 / 127)]);
    expect(Array.from(dw.data)).toEqual([127, 127, -127, -64]);
  });
  it("biases are int32 with scale in·w[c]; a bias past int32 widens its weight scale", () => {
    const b = quantizeBias(Float32Array.from([1, -2]), 0.5, [0.01, 0.02]);
    expect(b.scales).toEqual([Math.fround(0.005), Math.fround(0.01)]);
    expect(Array.from(b.data)).toEqual([200, -200]);
    const inScale = 1e-6;
    const huge = Float32Array.from([5000, 0.001]);
    const widen = biasWideningScales(huge, inScale);
    expect(widen[0]).toBeGreaterThan(0.001 / 127);
    const w = quantizeWeights(Float32Array.from([0.001, 0.001]), [2, 1], 0, widen);
    expect(w.scales[0]).toBe(widen[0]);
    expect(w.scales[1]).toBe(Math.fround(0.001 / 127));
    const qb = quantizeBias(huge, inScale, w.scales);
    expect(Math.abs(qb.data[0]!)).toBeLessThan(2 ** 31);
    expect(qb.data[0]! * qb.scales[0]!).toBeCloseTo(5000, 0);
  });
});

describe("the quantization pass", () => {
  // in [1,4] → FC(w [3,4], b [3]) → SOFTMAX; in → RESHAPE → CONCAT with the FC output.
  function graph(): Graph {
    const tensors = [
      act(0, [1, 4]), cst(1, [3, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -2, 1]), cst(2, [3], [0.1, -0.1, 0.2]),
      act(3, [1, 3]), act(4, [1, 3]), { ...cst(5, [2], []), dtype: "int32" as const, data: new Uint8Array(Int32Array.from([1, 4]).buffer) },
      act(6, [1, 4]), act(7, [1, 7]), act(8, [1, 7]),
    ];
    return {
      name: "g", tensors, inputs: [0], outputs: [4, 8],
      ops: [
        op(0, "FULLY_CONNECTED", [0, 1, 2], [3], { fusedActivationFunction: "NONE", weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false }),
        op(1, "SOFTMAX", [3], [4], { beta: 1 }),
        op(2, "RESHAPE", [0, 5], [6], { newShape: [1, 4] }),
        op(3, "CONCATENATION", [3, 6], [7], { axis: 1, fusedActivationFunction: "NONE" }),
        op(4, "MAX_POOL_2D", [7], [8], {}),
      ],
    };
  }
  const ranges = new Map<number, [number, number]>([[0, [-1, 1]], [3, [-3, 3]], [4, [0, 1]], [6, [-1, 1]], [7, [-4, 4]], [8, [-4, 4]]]);

  it("sets fixed, copied and calibrated params, per-channel weights, int32 bias and int8 versions", () => {
    const q = quantizeGraph(graph(), ranges);
    const t = q.tensors;
    expect(t[0]!.quant).toMatchObject({ scale: [Math.fround(2 / 255)], zeroPoint: [0] });
    expect(t[1]!.dtype).toBe("int8");
    expect(t[1]!.quant!.scale).toHaveLength(3);
    expect(t[1]!.quant!.quantizedDimension).toBe(0);
    expect(t[2]!.dtype).toBe("int32");
    expect(t[2]!.quant!.scale[1]).toBe(Math.fround(t[0]!.quant!.scale[0]! * t[1]!.quant!.scale[1]!));
    expect(t[4]!.quant).toMatchObject({ scale: [1 / 256], zeroPoint: [-128] });
    expect(t[6]!.quant).toEqual(t[0]!.quant); // RESHAPE copies its input's params
    expect(t[5]!.dtype).toBe("int32"); // shape constants stay
    expect(t[8]!.quant).toEqual(t[7]!.quant); // MAX_POOL_2D copies
    expect(q.ops.map((o) => `${o.opcode}@${o.version}`)).toEqual([
      "FULLY_CONNECTED@4", "SOFTMAX@2", "RESHAPE@1", "QUANTIZE@2", "QUANTIZE@2", "CONCATENATION@2", "MAX_POOL_2D@2",
    ]);
  });
  it("requantizes each concatenation input whose params differ from the output's", () => {
    const q = quantizeGraph(graph(), ranges);
    const concat = q.ops.find((o) => o.opcode === "CONCATENATION")!;
    for (const i of concat.inputs) {
      expect(q.tensors[i]!.quant).toEqual(q.tensors[concat.outputs[0]!]!.quant);
      const producer = q.ops.find((o) => o.outputs.includes(i))!;
      expect(producer.opcode).toBe("QUANTIZE");
    }
    // With the output's range equal to an input's, that input is used directly.
    const same = new Map(ranges);
    same.set(7, [-3, 3]);
    const q2 = quantizeGraph(graph(), same);
    expect(q2.ops.filter((o) => o.opcode === "QUANTIZE")).toHaveLength(1);
  });
  it("reports ops without a rule and tensors without a range", () => {
    const g = graph();
    g.ops[4] = op(4, "GATHER", [7], [8]);
    expect(moteError(() => quantizeGraph(g, ranges), [6914]).message).toContain("GATHER (op #4");
    const r = new Map(ranges);
    r.delete(3);
    expect(moteError(() => quantizeGraph(graph(), r), [6915]).message).toContain("t3");
  });
});

describe("MSE clipping", () => {
  it("clips a long thin tail and keeps a dense range", () => {
    const h = new Float64Array(1024);
    for (let i = 0; i < 100; i++) h[i] = 100_000; // values in the first tenth of [0, 10]
    h[1023] = 1; // one outlier at 10
    const [lo, hi] = mseRange(h, 0, 10);
    expect(lo).toBe(0);
    expect(hi).toBeLessThan(5);
    const flat = new Float64Array(1024).fill(1);
    expect(mseRange(flat, -1, 1)[1]).toBeGreaterThan(0.9);
  });
});
