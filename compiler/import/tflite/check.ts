/**
 * @fileoverview Rejects models Mote cannot run for their number types, each kind with its own
 * message and next step: float models (1012), dynamic-range "hybrid" models (int8 weights, float
 * activations: 1013), a stray float tensor in an int8 model (1006), and int16 activations (16x8
 * quantization: 1011).
 *
 * Runs on the Graph that import.ts produced, before op lowering (compiler/ops/) and before an
 * audio front end is attached (whose PCM input is int16 by design). A float32 tensor is allowed
 * only at the model's edges: a model input whose every consumer is QUANTIZE, or a model output
 * produced by DEQUANTIZE. Other integer types (int32 biases, shape vectors) are left to op
 * lowering. `checkFloat` and `int16Ops` are the two halves, for `mote analyze`
 * (compiler/report/analysis.ts), which lists int16 ops one by one.
 *
 * `handles(op, dtype)` (compiler/ops/index.ts `opHandles`: the activation types an op file
 * declares in ACTIVATION_TYPES) exempts the ops whose lowering runs that type: an int16 tensor
 * of such an op is no 16x8 problem, and a float32 tensor whose every producer and consumer
 * handles float32 is no float-model problem. This layer cannot import the op registry, so the
 * caller passes it; without it every op is int8-only.
 */

import { fail } from "../../diagnostics.ts";
import { isConstant, type DType, type Graph, type Op } from "../../ir/graph.ts";

/** Whether `op`'s lowering runs activations of `dtype` (compiler/ops/index.ts opHandles). */
export type TypeSupport = (op: Op, dtype: DType) => boolean;

const INT8_ONLY: TypeSupport = () => false;

/** Float, then int16 activations: the first problem found, as a MoteError. */
export function checkInt8(graph: Graph, handles: TypeSupport = INT8_ONLY): void {
  checkFloat(graph, handles);
  const op = int16Ops(graph, handles)[0];
  if (op !== undefined) fail(1011, op.index, op.opcode, int16Where(graph, op));
}

/** Fails with 1012 (float model), 1013 (dynamic-range model) or 1006 (one stray float tensor). */
export function checkFloat(graph: Graph, handles: TypeSupport = INT8_ONLY): void {
  const consumers = new Map<number, string[]>();
  const producer = new Map<number, string>();
  // Tensors some op touches that does not run float32 itself.
  const needsInt = new Set<number>();
  for (const op of graph.ops) {
    const float = handles(op, "float32");
    for (const t of op.inputs) {
      if (t < 0) continue;
      const list = consumers.get(t) ?? [];
      list.push(op.opcode);
      consumers.set(t, list);
      if (!float) needsInt.add(t);
    }
    for (const t of op.outputs) {
      producer.set(t, op.opcode);
      if (!float) needsInt.add(t);
    }
  }
  const modelInputs = new Set(graph.inputs);
  const modelOutputs = new Set(graph.outputs);

  const allowedFloat = (t: number): boolean => {
    if (!needsInt.has(t) && (consumers.has(t) || producer.has(t))) return true;
    if (modelInputs.has(t)) {
      const uses = consumers.get(t) ?? [];
      if (uses.length > 0 && uses.every((o) => o === "QUANTIZE") && !producer.has(t)) return true;
    }
    return modelOutputs.has(t) && producer.get(t) === "DEQUANTIZE";
  };
  const first = (): { t: number; where: string } | undefined => {
    const bad = (t: number): boolean => graph.tensors[t]?.dtype === "float32" && !allowedFloat(t);
    for (const t of graph.inputs) if (bad(t)) return { t, where: "model input" };
    for (const op of graph.ops) {
      for (const [k, t] of op.inputs.entries()) if (bad(t)) return { t, where: `input ${k} of op ${op.index} ${op.opcode}` };
      for (const [k, t] of op.outputs.entries()) if (bad(t)) return { t, where: `output ${k} of op ${op.index} ${op.opcode}` };
    }
    for (const t of graph.outputs) if (bad(t)) return { t, where: "model output" };
    return undefined;
  };
  const found = first();
  if (found === undefined) return;
  const tensor = graph.tensors[found.t]!;
  const what = `tensor ${found.t} (${tensor.name}) is float32 (${found.where})`;

  // Which kind of float model: no quantized tensor at all, int8 weights only, or a stray tensor.
  const used = new Set<number>();
  for (const op of graph.ops) for (const t of [...op.inputs, ...op.outputs]) if (t >= 0) used.add(t);
  let quantActivations = 0;
  let quantWeights = 0;
  let floatActivations = 0;
  for (const t of used) {
    const x = graph.tensors[t];
    if (x === undefined) continue;
    const quantized = x.quant !== undefined && (x.dtype === "int8" || x.dtype === "uint8" || x.dtype === "int16");
    if (isConstant(x)) {
      if (quantized) quantWeights++;
    } else if (quantized) quantActivations++;
    else if (x.dtype === "float32" && !allowedFloat(t)) floatActivations++;
  }
  if (quantActivations === 0 && quantWeights === 0) fail(1012, graph.name, what);
  if (quantActivations === 0 || floatActivations > quantActivations) fail(1013, what);
  fail(1006, what);
}

/**
 * The ops that read or write a non-constant int16 tensor (a 16x8-quantized model), in execution
 * order. An int16 model input feeding only QUANTIZE (to int8) is not an activation.
 */
export function int16Ops(graph: Graph, handles: TypeSupport = INT8_ONLY): Op[] {
  const int16 = (t: number): boolean => {
    const x = t >= 0 ? graph.tensors[t] : undefined;
    return x !== undefined && x.dtype === "int16" && !isConstant(x);
  };
  return graph.ops.filter((op) => !handles(op, "int16") && (op.outputs.some(int16) || (op.opcode !== "QUANTIZE" && op.inputs.some(int16))));
}

/** Which tensor of `op` is int16, for the 1011 message. */
export function int16Where(graph: Graph, op: Op): string {
  const all = [...op.outputs.map((t) => ["output", t] as const), ...op.inputs.map((t) => ["input", t] as const)];
  for (const [kind, t] of all) {
    const x = t >= 0 ? graph.tensors[t] : undefined;
    if (x !== undefined && x.dtype === "int16" && !isConstant(x)) return `${kind} tensor ${t} (${x.name})`;
  }
  return "tensor";
}
