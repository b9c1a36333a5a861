/**
 * @fileoverview TFLite Micro's own unit-test vectors (tensorflow/lite/micro/kernels/*_test.cc at
 * 90b983c2) for the issue 15 int8 ops whose tests compare the int8 output exactly (EXPECT_EQ):
 * l2norm_test.cc (SimpleInt8Test, ZerosVectorInt8Test, MultipleBatchInt8Test) and
 * log_softmax_test.cc (QuantizedActivationsOpTestLogSoftmaxInt8, ExtraTestLogSoftmaxInt8). The
 * quantization is derived as those tests derive it (test_helpers.h ScaleFromMinMax /
 * ZeroPointFromMinMax in float32, micro_utils.h FloatToQuantizedType: round(value / scale) +
 * zero point). Each case runs on ts, wasm and host C.
 */
import { describe, expect, it } from "vitest";
import type { Graph, Op } from "../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { needTarget } from "../support/shared.ts";

const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];
const f = Math.fround;

/** ScaleFromMinMax<int8_t>(min, max) and ZeroPointFromMinMax<int8_t>(min, max), in float32. */
function minMaxQuant(min: number, max: number): { scale: number; zeroPoint: number } {
  const scale = f(f(f(max) - f(min)) / 255);
  const r = f(-f(min) / scale);
  return { scale, zeroPoint: -128 + Math.sign(r) * Math.round(Math.abs(r)) };
}

/** FloatToQuantizedType<int8_t>: round(value / scale) (half away from zero) + zero point, clamped. */
function quantize(values: number[], q: { scale: number; zeroPoint: number }): Int8Array {
  return Int8Array.from(values, (v) => {
    const r = f(f(v) / q.scale);
    return Math.max(-128, Math.min(127, Math.sign(r) * Math.round(Math.abs(r)) + q.zeroPoint));
  });
}

function oneOp(opcode: string, shape: number[], inQ: { scale: number; zeroPoint: number }, outQ: { scale: number; zeroPoint: number }): Graph {
  const b = new GraphBuilder();
  const i = b.add("in", "int8", shape, perTensor(inQ.scale, inQ.zeroPoint));
  const o = b.add("out", "int8", shape, perTensor(outQ.scale, outQ.zeroPoint));
  const options: Op["options"] = opcode === "L2_NORMALIZATION" ? { fusedActivationFunction: "NONE" } : {};
  return { name: opcode.toLowerCase(), tensors: b.tensors, ops: [{ index: 0, opcode, version: 1, inputs: [i], outputs: [o], options }], inputs: [i], outputs: [o] };
}

async function expectOutput(graph: Graph, input: Int8Array, want: number[]): Promise<void> {
  for (const target of targets) {
    const { outputs } = await runModel(graph, [new Uint8Array(input.buffer)], target);
    expect(Array.from(new Int8Array(outputs[0].buffer, outputs[0].byteOffset, outputs[0].length)), target).toEqual(want);
  }
}

describe("TFLite Micro unit-test vectors: L2_NORMALIZATION int8 (l2norm_test.cc)", () => {
  // kInputMin -2, kInputMax 2 (zero point -1 in float32), kOutputMin -1, kOutputMax 127/128.
  const inQ = minMaxQuant(-2, 2);
  const outQ = minMaxQuant(-1, 127 / 128);
  const row = [-71, 37, 44, 76, -46, 5];
  const want = [-70, 38, 45, 77, -45, 6];
  it("derives TFLM's quantization (zero points -1 and 0)", () => {
    expect(inQ.zeroPoint).toBe(-1);
    expect(outQ).toEqual({ scale: 1 / 128, zeroPoint: 0 });
  });
  it.concurrent("SimpleInt8Test", () => expectOutput(oneOp("L2_NORMALIZATION", [1, 1, 1, 6], inQ, outQ), Int8Array.from(row), want));
  it.concurrent("ZerosVectorInt8Test", () => expectOutput(oneOp("L2_NORMALIZATION", [1, 1, 1, 6], inQ, outQ), new Int8Array(6).fill(-1), [0, 0, 0, 0, 0, 0]));
  it.concurrent("MultipleBatchInt8Test", () =>
    expectOutput(oneOp("L2_NORMALIZATION", [3, 6], inQ, outQ), Int8Array.from([...row, ...row, ...row]), [...want, ...want, ...want]));
});

describe("TFLite Micro unit-test vectors: LOG_SOFTMAX int8 (log_softmax_test.cc)", () => {
  const outQ = { scale: 16 / 256, zeroPoint: 127 };
  it.concurrent("QuantizedActivationsOpTestLogSoftmaxInt8", () => {
    const inQ = minMaxQuant(-10, 10);
    const input = quantize([0, -6, 2, 4, 3, -2, 10, 1], inQ);
    return expectOutput(oneOp("LOG_SOFTMAX", [2, 4], inQ, outQ), input, [61, -36, 93, 125, 15, -65, 127, -16]);
  });
  it.concurrent("ExtraTestLogSoftmaxInt8", () => {
    const inQ = minMaxQuant(-1, 1);
    const input = quantize([0, -1, 1], inQ);
    return expectOutput(oneOp("LOG_SOFTMAX", [3, 1], inQ, outQ), input, [127, 127, 127]);
  });
});
