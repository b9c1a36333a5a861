/**
 * @fileoverview Checked access to an op's tensors and options for the lowerings in this
 * directory: every problem becomes one user error, fail(3001, opcode, output name, op index,
 * what is wrong), so compiler/ops/<op>.ts files stay a straight list of TFLite's Prepare steps.
 *
 * Options arrive as the importer decodes them (compiler/import/tflite/options.ts): schema
 * names in camelCase, enums as their schema names ("SAME", "RELU6").
 */
import { fail } from "../diagnostics.ts";
import type { DType, Graph, Op, Tensor } from "../ir/graph.ts";
import { isSupportedActivation, SUPPORTED_ACTIVATIONS, type FusedActivation } from "./activation.ts";
import type { PaddingMode } from "./padding.ts";

/** Raises the lowering error for `op` (code 3001). */
export function opError(graph: Graph, op: Op, message: string): never {
  const out = op.outputs[0];
  const name = out !== undefined && out >= 0 && graph.tensors[out] ? graph.tensors[out].name : "no output";
  return fail(3001, op.opcode, name, op.index, message);
}

/** Input `i` of `op`; an error when it is absent (-1 or missing). */
export function inputTensor(graph: Graph, op: Op, i: number, role: string): Tensor {
  const t = optionalInput(graph, op, i);
  if (t === undefined) opError(graph, op, `missing ${role} (input ${i})`);
  return t;
}

/** Input `i` of `op`, or undefined when the model marks it absent (index -1 or not given). */
export function optionalInput(graph: Graph, op: Op, i: number): Tensor | undefined {
  const idx = op.inputs[i];
  if (idx === undefined || idx < 0) return undefined;
  const t = graph.tensors[idx];
  if (t === undefined) opError(graph, op, `input ${i} names tensor ${idx}, which does not exist`);
  return t;
}

export function outputTensor(graph: Graph, op: Op, i: number, role: string): Tensor {
  const idx = op.outputs[i];
  const t = idx === undefined || idx < 0 ? undefined : graph.tensors[idx];
  if (t === undefined) opError(graph, op, `missing ${role} (output ${i})`);
  return t;
}

export function requireDType(graph: Graph, op: Op, t: Tensor, role: string, ...dtypes: DType[]): void {
  if (!dtypes.includes(t.dtype)) {
    opError(graph, op, `${role} tensor ${t.index} (${t.name}) is ${t.dtype}; Mote supports ${dtypes.join(" or ")} here`);
  }
}

export function requireRank(graph: Graph, op: Op, t: Tensor, role: string, rank: number): void {
  if (t.shape.length !== rank) {
    opError(graph, op, `${role} tensor ${t.index} (${t.name}) has shape [${t.shape.join(", ")}]; expected rank ${rank}`);
  }
}

export function requireConstant(graph: Graph, op: Op, t: Tensor, role: string): void {
  if (t.data === undefined) opError(graph, op, `${role} tensor ${t.index} (${t.name}) must be constant`);
}

/** Per-tensor (scale, zero point) of an activation tensor. */
export function tensorQuant(graph: Graph, op: Op, t: Tensor, role: string): { scale: number; zeroPoint: number } {
  const q = t.quant;
  if (q === undefined || q.scale.length === 0) {
    opError(graph, op, `${role} tensor ${t.index} (${t.name}) has no quantization parameters`);
  }
  if (q.scale.length !== 1) {
    opError(graph, op, `${role} tensor ${t.index} (${t.name}) must be quantized per tensor, not per channel`);
  }
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** Filter scales: one per tensor, or one per channel along `axis` with `channels` entries. */
export function filterScales(graph: Graph, op: Op, t: Tensor, axis: number, channels: number): number[] {
  const q = t.quant;
  if (q === undefined || q.scale.length === 0) {
    opError(graph, op, `filter tensor ${t.index} (${t.name}) has no quantization parameters`);
  }
  if (q.scale.length > 1) {
    if (q.scale.length !== channels || q.quantizedDimension !== axis) {
      opError(
        graph, op,
        `filter tensor ${t.index} (${t.name}) has ${q.scale.length} scales on axis ${q.quantizedDimension}; expected ${channels} on axis ${axis}`,
      );
    }
  }
  return q.scale;
}

/** An integer option, with its schema default when the importer left it out. */
export function intOption(graph: Graph, op: Op, name: string, dflt: number): number {
  const v = op.options[name];
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v)) opError(graph, op, `option ${name} = ${String(v)} is not an integer`);
  return v;
}

export function boolOption(op: Op, name: string): boolean {
  return op.options[name] === true;
}

export function positiveIntOption(graph: Graph, op: Op, name: string, dflt: number): number {
  const v = intOption(graph, op, name, dflt);
  if (v <= 0) opError(graph, op, `option ${name} = ${v} must be positive`);
  return v;
}

export function paddingOption(graph: Graph, op: Op): PaddingMode {
  const v = op.options["padding"] ?? "SAME";
  if (v !== "SAME" && v !== "VALID") opError(graph, op, `padding ${String(v)} is not supported (SAME or VALID)`);
  return v;
}

export function activationOption(graph: Graph, op: Op): FusedActivation {
  const v = op.options["fusedActivationFunction"] ?? "NONE";
  if (!isSupportedActivation(v)) {
    opError(graph, op, `fused activation ${String(v)} is not supported (${SUPPORTED_ACTIVATIONS.join(", ")})`);
  }
  return v;
}

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/**
 * The values of a constant int32 operand (paddings, begin/end/strides, axis, perm...): an error
 * unless it is constant, int32 and holds `count` elements (any count when undefined).
 */
export function constInt32s(graph: Graph, op: Op, t: Tensor, role: string, count?: number): number[] {
  requireConstant(graph, op, t, role);
  requireDType(graph, op, t, role, "int32");
  const data = t.data!;
  const n = product(t.shape);
  if (data.byteLength !== 4 * n) opError(graph, op, `${role} tensor ${t.index} (${t.name}) holds ${data.byteLength} bytes for ${n} int32 values`);
  if (count !== undefined && n !== count) {
    opError(graph, op, `${role} tensor ${t.index} (${t.name}) has ${n} values (shape [${t.shape.join(", ")}]); expected ${count}`);
  }
  return int32Values(t);
}

/** The little-endian int32 values of a constant tensor's data (unchecked; see constInt32s). */
export function int32Values(t: Tensor): number[] {
  const data = t.data ?? new Uint8Array(0);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= data.byteLength; i += 4) out.push(view.getInt32(i, true));
  return out;
}
