/**
 * @fileoverview Graph tensors as the build layer hands them to a program: the KIR element type
 * of a tensor, the values of a constant tensor, and the arena place of the model's inputs,
 * outputs and variable tensors.
 */
import { resetByte, tensorBytes, type Tensor, type Graph } from "../ir/graph.ts";
import type { Scalar } from "../ir/kir.ts";
import type { IoTensor, StateRange } from "../ir/program.ts";
import { tensorInfo } from "../ir/io.ts";
import type { Placement } from "../plan/planner.ts";
import { fail } from "../diagnostics.ts";

const ELEM_OF_DTYPE: Record<string, Scalar> = {
  int8: "i8",
  uint8: "u8",
  int16: "i16",
  int32: "i32",
  float32: "f32",
  bool: "u8",
};

export function elemOf(t: Tensor): Scalar {
  const e = ELEM_OF_DTYPE[t.dtype];
  if (!e) fail(1005, t.dtype, t.index, t.name);
  return e;
}

/** Element values of a constant tensor's little-endian bytes. */
export function tensorValues(t: Tensor): ArrayLike<number> {
  const d = t.data!;
  const copy = new Uint8Array(tensorBytes(t));
  copy.set(d.subarray(0, copy.length));
  switch (t.dtype) {
    case "int8": return new Int8Array(copy.buffer);
    case "uint8": case "bool": return copy;
    case "int16": return new Int16Array(copy.buffer);
    case "int32": return new Int32Array(copy.buffer);
    case "float32": return new Float32Array(copy.buffer);
    default: return fail(1005, t.dtype, t.index, t.name);
  }
}

/** Arena place of each model input or output tensor in `list`; an error for a constant or unused one. */
export function ioTensors(graph: Graph, placement: Placement, list: number[]): IoTensor[] {
  return list.map((t) => {
    const tensor = graph.tensors[t];
    const offset = placement.offsets.get(`t${t}`);
    if (offset === undefined) fail(1009, `model input/output tensor ${t} (${tensor.name}) is constant or unused`);
    return { name: tensor.name, offset, bytes: tensorBytes(tensor), tensor: t, info: tensorInfo(tensor) };
  });
}


/** The arena ranges of the graph's variable (state) tensors and their reset bytes, for `mote_reset()`. */
export function stateRanges(graph: Graph, placement: Placement): StateRange[] {
  const out: StateRange[] = [];
  for (const t of graph.tensors) {
    const offset = placement.offsets.get(`t${t.index}`);
    if (t.isVariable && offset !== undefined) out.push({ name: t.name, tensor: t.index, offset, bytes: tensorBytes(t), fill: resetByte(t) });
  }
  return out;
}
