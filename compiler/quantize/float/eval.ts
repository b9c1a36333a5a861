/**
 * @fileoverview The float reference: evaluates a float32 Graph (as compiler/import/tfjs/ makes
 * it) op by op in TypeScript, returning every tensor's values, for calibration (the int8
 * quantization pass observes each tensor's range) and for measuring int8-vs-float agreement.
 *
 * Ops: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED (with fused activations), MAX_POOL_2D,
 * AVERAGE_POOL_2D, PAD, PADV2, ADD, SUB, MUL, PRELU, MAXIMUM, MINIMUM (broadcast), MEAN,
 * SOFTMAX, LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, RESHAPE, SQUEEZE, CONCATENATION.
 * Anything else, or a non-float tensor where floats are needed, is MOTE6906; wrong inputs are
 * MOTE6907.
 */

import { fail } from "../../diagnostics.ts";
import type { Graph, Op, Tensor } from "../../ir/graph.ts";
import * as k from "./ops.ts";

export interface FloatRun {
  /** One array per graph output, in order. */
  outputs: Float32Array[];
  /** Every tensor's values by tensor index (constants included; int32 constants as floats). */
  values: (Float32Array | undefined)[];
}

export interface FloatOptions {
  /** Called after each op with its index and output values (e.g. to track ranges without keeping them). */
  onOp?: (op: Op, outputs: Float32Array[]) => void;
  /** Keep only the outputs in `values` (intermediate arrays are freed as soon as possible). Default false. */
  outputsOnly?: boolean;
}

/** Evaluates `graph` on one float input per graph input. */
export function evaluateFloat(graph: Graph, inputs: Float32Array[], options: FloatOptions = {}): FloatRun {
  if (inputs.length !== graph.inputs.length) fail(6907, graph.name, `${inputs.length} inputs given, the model has ${graph.inputs.length}`);
  const values: (Float32Array | undefined)[] = graph.tensors.map(constantValues);
  graph.inputs.forEach((t, i) => {
    const n = count(graph.tensors[t]!.shape);
    if (inputs[i]!.length !== n) fail(6907, graph.name, `input ${i} (${graph.tensors[t]!.name}) has ${inputs[i]!.length} values, its shape [${graph.tensors[t]!.shape}] needs ${n}`);
    values[t] = inputs[i];
  });
  const lastUse = new Map<number, number>();
  graph.ops.forEach((op, i) => op.inputs.forEach((t) => lastUse.set(t, i)));
  graph.ops.forEach((op, i) => {
    const out = runOp(graph, op, values);
    values[op.outputs[0]!] = out;
    options.onOp?.(op, [out]);
    if (options.outputsOnly) {
      for (const t of op.inputs) {
        if (t >= 0 && lastUse.get(t) === i && !graph.outputs.includes(t) && graph.tensors[t]!.data === undefined) values[t] = undefined;
      }
    }
  });
  return { outputs: graph.outputs.map((t) => values[t]!), values };
}

const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export function constantValues(t: Tensor): Float32Array | undefined {
  const d = t.data;
  if (d === undefined) return undefined;
  const copy = d.slice();
  if (t.dtype === "float32") return new Float32Array(copy.buffer, 0, copy.length / 4);
  if (t.dtype === "int32") return Float32Array.from(new Int32Array(copy.buffer, 0, copy.length / 4));
  return undefined;
}

/** Evaluates one op of `graph` on `values` (by tensor index), returning its output. */
export function runOp(graph: Graph, op: Op, values: (Float32Array | undefined)[]): Float32Array {
  const where = (why: string): never => fail(6906, graph.name, op.index, op.opcode, why);
  const shape = (i: number): number[] => graph.tensors[op.inputs[i]!]!.shape;
  const get = (i: number): Float32Array => {
    const t = op.inputs[i]!;
    const v = values[t];
    if (v === undefined) return where(`input ${i} (${graph.tensors[t]?.name}) has no float values`);
    return v;
  };
  const opt = op.options;
  const act = String(opt.fusedActivationFunction ?? "NONE");
  const outShape = graph.tensors[op.outputs[0]!]!.shape;
  for (const t of [...op.inputs, ...op.outputs]) {
    const dt = t >= 0 ? graph.tensors[t]!.dtype : "float32";
    if (dt !== "float32" && dt !== "int32") where(`tensor ${t} is ${dt}; the float reference takes float32 graphs`);
  }
  const geom = (kh: number, kw: number, dil: boolean): k.ConvGeom => ({
    inShape: shape(0), outShape, kh, kw, strideH: opt.strideH as number, strideW: opt.strideW as number,
    dilH: dil ? (opt.dilationHFactor as number) : 1, dilW: dil ? (opt.dilationWFactor as number) : 1, padding: String(opt.padding),
  });
  const bias = (): Float32Array | undefined => (op.inputs[2] === undefined || op.inputs[2] < 0 ? undefined : get(2));
  const elementwise = (f: (x: number, y: number) => number, a = act): Float32Array =>
    k.binary(get(0), shape(0), get(1), shape(1), outShape, f, a);

  switch (op.opcode) {
    case "CONV_2D":
      return k.conv(get(0), get(1), bias(), geom(shape(1)[1]!, shape(1)[2]!, true), false, act);
    case "DEPTHWISE_CONV_2D":
      return k.conv(get(0), get(1), bias(), geom(shape(1)[1]!, shape(1)[2]!, true), true, act);
    case "FULLY_CONNECTED":
      return k.fullyConnected(get(0), get(1), bias(), shape(1)[0]!, shape(1)[1]!, act);
    case "MAX_POOL_2D": case "AVERAGE_POOL_2D":
      return k.pool(get(0), geom(opt.filterHeight as number, opt.filterWidth as number, false), op.opcode === "MAX_POOL_2D", act);
    case "PAD": case "PADV2":
      return k.pad(get(0), shape(0), Array.from(get(1)), outShape, op.opcode === "PADV2" ? get(2)[0]! : 0);
    case "ADD": return elementwise((x, y) => x + y);
    case "SUB": return elementwise((x, y) => x - y);
    case "MUL": return elementwise((x, y) => x * y);
    case "PRELU": return elementwise((x, a) => (x >= 0 ? x : x * a), "NONE");
    case "MAXIMUM": return elementwise((x, y) => Math.max(x, y), "NONE");
    case "MINIMUM": return elementwise((x, y) => Math.min(x, y), "NONE");
    case "MEAN": {
      const rank = shape(0).length;
      return k.mean(get(0), shape(0), Array.from(get(1), (a) => (a < 0 ? a + rank : a)));
    }
    case "SOFTMAX": return k.softmax(get(0), shape(0).at(-1)!, (opt.beta as number | undefined) ?? 1);
    case "LOGISTIC": return get(0).map((v) => 1 / (1 + Math.exp(-v)));
    case "TANH": return get(0).map((v) => Math.tanh(v));
    case "RELU": case "RELU6": case "RELU_N1_TO_1": return get(0).map((v) => k.activate(v, op.opcode));
    case "LEAKY_RELU": {
      const alpha = opt.alpha as number;
      return get(0).map((v) => (v >= 0 ? v : v * alpha));
    }
    case "RESHAPE": case "SQUEEZE": return get(0).slice();
    case "CONCATENATION": {
      const rank = outShape.length;
      const axis = (opt.axis as number) < 0 ? (opt.axis as number) + rank : (opt.axis as number);
      const c = k.concat(op.inputs.map((_, i) => get(i)), op.inputs.map((_, i) => shape(i)), axis, outShape);
      return act === "NONE" ? c : c.map((v) => k.activate(v, act));
    }
  }
  return where("the float reference has no implementation for it");
}
