/**
 * @fileoverview The int8 post-training quantization pass: a float Graph (compiler/import/tfjs/)
 * and calibrated activation ranges (calibrate.ts) → an int8 Graph that Mote's existing kernels
 * run, following TFLite's quantization spec (params.ts has the arithmetic and its sources).
 *
 * - Activations: per-tensor int8 from their range; SOFTMAX/LOGISTIC/TANH outputs fixed; the
 *   "same scale" ops (pools, RESHAPE, PAD, ...) copy their input's parameters to the output.
 * - CONCATENATION, MAXIMUM, MINIMUM: the output's parameters win; a requantizing QUANTIZE is
 *   inserted before each activation input whose parameters differ (quantize_model.cc).
 * - CONV_2D / FULLY_CONNECTED weights per channel on dim 0, DEPTHWISE_CONV_2D on dim 3; int32
 *   biases with scale in·w[c] (the weight scale widened where a bias overflows int32).
 * - Other float constants (ADD/SUB/MUL/PRELU operands) per tensor from their own range; int32
 *   constants (shapes, axes, paddings) stay as they are.
 * - Model inputs and outputs are int8, as TFLite's converter makes them with
 *   inference_input_type = inference_output_type = int8 (no QUANTIZE/DEQUANTIZE at the ends).
 * - Operator versions as the converter sets them for int8 (INT8_VERSIONS).
 * An op the pass has no rule for, or a tensor without a calibrated range, is MOTE6914.
 */
import { fail } from "../diagnostics.ts";
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { Ranges } from "./calibrate.ts";
import {
  activationParams, biasWideningScales, FIXED_OUTPUT, INT8_VERSIONS, OUTPUT_WINS, quantizeBias, quantizeConstant,
  quantizeWeights, SAME_AS_INPUT, type QParams,
} from "./params.ts";

/** Ops the pass quantizes (those Mote's int8 kernels and the float reference both have). */
export const QUANTIZABLE = new Set([
  "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "MAX_POOL_2D", "AVERAGE_POOL_2D", "PAD", "PADV2", "ADD", "SUB",
  "MUL", "PRELU", "MAXIMUM", "MINIMUM", "MEAN", "SOFTMAX", "LOGISTIC", "TANH", "RELU", "RELU6", "LEAKY_RELU",
  "RESHAPE", "SQUEEZE", "CONCATENATION",
]);

const WEIGHT_DIM: Readonly<Record<string, number>> = { CONV_2D: 0, FULLY_CONNECTED: 0, DEPTHWISE_CONV_2D: 3 };

const floats = (t: Tensor): Float32Array => {
  const d = t.data!.slice();
  return new Float32Array(d.buffer, 0, d.length / 4);
};
const bytes = (a: Int8Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
const same = (a: QParams, b: QParams): boolean => a.scale === b.scale && a.zeroPoint === b.zeroPoint;

/** Quantizes `graph` (float32) to int8 with the activation `ranges`. */
export function quantizeGraph(graph: Graph, ranges: Ranges): Graph {
  const bad = graph.ops.filter((op) => !QUANTIZABLE.has(op.opcode));
  if (bad.length > 0) fail(6914, graph.name, bad.map((op) => `${op.opcode} (op #${op.index}, ${graph.tensors[op.outputs[0]!]!.name})`).join(", "));
  const tensors: Tensor[] = graph.tensors.map((t) => ({ ...t, shape: [...t.shape] }));
  const params = new Map<number, QParams>();
  const calibrated = (t: number): QParams => {
    const r = ranges.get(t);
    if (r === undefined || !Number.isFinite(r[0]) || !Number.isFinite(r[1])) fail(6915, graph.name, tensors[t]!.name);
    return activationParams(r[0], r[1]);
  };
  for (const t of graph.inputs) params.set(t, calibrated(t));

  const ops: Op[] = [];
  const quantConst = (t: number, p?: QParams): void => {
    const src = tensors[t]!;
    if (src.dtype !== "float32" || src.data === undefined || src.quant) return;
    const q = quantizeConstant(floats(src), p);
    tensors[t] = { ...src, dtype: "int8", data: bytes(q.data), quant: { scale: [q.params.scale], zeroPoint: [q.params.zeroPoint], quantizedDimension: 0 } };
    params.set(t, q.params);
  };
  const input = (op: Op, i: number): QParams => {
    const t = op.inputs[i]!;
    const p = params.get(t);
    if (p === undefined) fail(6915, graph.name, tensors[t]!.name);
    return p;
  };

  for (const op0 of graph.ops) {
    // Float options (LEAKY_RELU alpha, SOFTMAX beta) as the file stores them: float32.
    const options = Object.fromEntries(Object.entries(op0.options).map(([k, v]) => [k, typeof v === "number" && !Number.isInteger(v) ? Math.fround(v) : v]));
    const op: Op = { ...op0, inputs: [...op0.inputs], outputs: [...op0.outputs], options, version: INT8_VERSIONS[op0.opcode] ?? 1 };
    const out = op.outputs[0]!;
    const wdim = WEIGHT_DIM[op.opcode];
    if (wdim !== undefined) {
      quantizeConvLike(tensors, op, input(op, 0), wdim);
      params.set(out, calibrated(out));
    } else if (FIXED_OUTPUT[op.opcode] !== undefined) {
      const f = FIXED_OUTPUT[op.opcode]!;
      params.set(out, { scale: Math.fround(f.scale), zeroPoint: f.zeroPoint });
    } else if (SAME_AS_INPUT.has(op.opcode)) {
      const p = input(op, 0);
      if (op.opcode === "PADV2") quantConst(op.inputs[2]!, p);
      params.set(out, p);
    } else if (OUTPUT_WINS.has(op.opcode)) {
      const p = calibrated(out);
      params.set(out, p);
      op.inputs = op.inputs.map((t) => {
        if (tensors[t]!.data !== undefined) {
          quantConst(t, p);
          return t;
        }
        const pin = params.get(t)!;
        if (same(pin, p)) return t;
        const rq = tensors.length;
        tensors.push({ index: rq, name: `${tensors[t]!.name}/requantized`, dtype: "int8", shape: [...tensors[t]!.shape], isVariable: false });
        params.set(rq, p);
        ops.push({ index: -1, opcode: "QUANTIZE", version: INT8_VERSIONS.QUANTIZE!, inputs: [t], outputs: [rq], options: {} });
        return rq;
      });
    } else {
      op.inputs.forEach((t) => t >= 0 && quantConst(t));
      params.set(out, calibrated(out));
    }
    ops.push(op);
  }
  params.forEach((p, t) => {
    const src = tensors[t]!;
    if (src.data !== undefined) return;
    tensors[t] = { ...src, dtype: "int8", quant: { scale: [p.scale], zeroPoint: [p.zeroPoint], quantizedDimension: 0 } };
  });
  const left = tensors.find((t) => t.dtype === "float32");
  if (left) fail(6915, graph.name, left.name);
  return { name: graph.name, tensors, ops: ops.map((o, i) => ({ ...o, index: i })), inputs: [...graph.inputs], outputs: [...graph.outputs] };
}

/** Per-channel int8 weights and an int32 bias for CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED. */
function quantizeConvLike(tensors: Tensor[], op: Op, inP: QParams, dim: number): void {
  const w = tensors[op.inputs[1]!]!;
  const b = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? tensors[op.inputs[2]]! : undefined;
  if (w.data === undefined || w.dtype !== "float32") return;
  const bias = b?.data !== undefined && b.dtype === "float32" ? floats(b) : undefined;
  const q = quantizeWeights(floats(w), w.shape, dim, bias ? biasWideningScales(bias, inP.scale) : undefined);
  tensors[w.index] = { ...w, dtype: "int8", data: bytes(q.data), quant: { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: dim } };
  if (b && bias) {
    const qb = quantizeBias(bias, inP.scale, q.scales);
    tensors[b.index] = { ...b, dtype: "int32", data: bytes(qb.data), quant: { scale: qb.scales, zeroPoint: qb.scales.map(() => 0), quantizedDimension: 0 } };
  }
}
