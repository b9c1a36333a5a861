/**
 * @fileoverview Rejects float models: Mote compiles int8-quantized graphs only.
 *
 * Runs on the Graph that import.ts produced, before op lowering (compiler/ops/). A float32
 * tensor is allowed only at the model's edges: a model input whose every consumer is QUANTIZE,
 * or a model output produced by DEQUANTIZE. Any other float32 tensor an op or the model touches
 * (activations, weights, biases) makes the model "not int8" (error 1006, naming the first such
 * tensor in execution order). Other integer types (int32 biases, int16, shape vectors) are left
 * to op lowering.
 */

import { fail } from "../../diagnostics.ts";
import type { Graph } from "../../ir/graph.ts";

export function checkInt8(graph: Graph): void {
  const consumers = new Map<number, string[]>();
  const producer = new Map<number, string>();
  for (const op of graph.ops) {
    for (const t of op.inputs) {
      if (t < 0) continue;
      const list = consumers.get(t) ?? [];
      list.push(op.opcode);
      consumers.set(t, list);
    }
    for (const t of op.outputs) producer.set(t, op.opcode);
  }
  const modelInputs = new Set(graph.inputs);
  const modelOutputs = new Set(graph.outputs);

  const allowedFloat = (t: number): boolean => {
    if (modelInputs.has(t)) {
      const uses = consumers.get(t) ?? [];
      if (uses.length > 0 && uses.every((o) => o === "QUANTIZE") && !producer.has(t)) return true;
    }
    return modelOutputs.has(t) && producer.get(t) === "DEQUANTIZE";
  };
  const check = (t: number, where: string): void => {
    const tensor = graph.tensors[t];
    if (tensor === undefined || tensor.dtype !== "float32" || allowedFloat(t)) return;
    fail(1006, `tensor ${t} (${tensor.name}) is float32 (${where})`);
  };

  for (const t of graph.inputs) check(t, "model input");
  for (const op of graph.ops) {
    op.inputs.forEach((t, k) => check(t, `input ${k} of op ${op.index} ${op.opcode}`));
    op.outputs.forEach((t, k) => check(t, `output ${k} of op ${op.index} ${op.opcode}`));
  }
  for (const t of graph.outputs) check(t, "model output");
}
