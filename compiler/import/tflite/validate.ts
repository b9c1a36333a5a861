/**
 * @fileoverview What the .tflite reader (import.ts) validates beyond the file's structure:
 * quantization parameters by TFLite's rules (1018 scales, 1019 zero points) and Mote's size
 * limits (1021), each checked before anything is allocated from the values; an op output that holds
 * constant data (1022); an op reading a tensor before its producer runs, or one that nothing
 * writes (no data, no producer, not a model input or variable tensor), or two producers (1023).
 *
 * Quantization, per tensor type, on every tensor an op or the model's inputs/outputs use (as
 * TFLite Micro, a tensor nothing touches is never read): scales finite and > 0; int8 zero
 * points in [-128, 127], uint8 in [0, 255], int16 activations 0 (constant int16 tensors: in
 * int16 range; int16 edges that only QUANTIZE/DEQUANTIZE (and an int8 SOFTMAX writing them) touch keep their zero point, which
 * those ops apply), int32 and int64 (biases) 0, any other type inside int32. Per-channel arrays
 * are checked where TFLite Micro checks them, by the op using them (compiler/ops/operands.ts
 * filterScales, 3001), so person_detect's rank-1 biases with quantized_dimension 3 still import.
 * What a kernel needs beyond these (a representable multiplier) is checked once per computed
 * multiplier by compiler/ops/quant.ts (1020).
 *
 * Limits: the largest supported board (QEMU mps2-an500) has 4 MiB of RAM and 4 MiB for code and
 * constants, so no tensor may exceed 4 MiB and no op may need more than 4 MiB of activations
 * live at once (its non-constant inputs and outputs: a lower bound of any arena); at most 16,384
 * ops, 65,536 tensors and 64 subgraphs (Mote runs one; control flow is 1004, so the depth is 1).
 */

import { fail } from "../../diagnostics.ts";
import { DTYPE_BYTES, isConstant, type DType, type Graph, type Op, type Tensor } from "../../ir/graph.ts";

/** Mote's limits for one model (docs/reliability.md). */
export const LIMITS = {
  subgraphs: 64,
  tensors: 65_536,
  ops: 16_384,
  /** Bytes of one tensor: the largest board's RAM, and its flash for constants. */
  tensorBytes: 4 * 1024 * 1024,
  /** Activation bytes one op needs at once (a lower bound of the arena). */
  liveBytes: 4 * 1024 * 1024,
} as const;

const MIB = 1024 * 1024;

/** 1021 when a count read from the file (before anything loops over it) is past its limit. */
export function checkCount(what: "subgraphs" | "tensors" | "ops", count: number): void {
  if (count > LIMITS[what]) fail(1021, `${count} ${what}, more than the limit of ${LIMITS[what]}`);
}

/** 1021 when tensor `index` is larger than any board holds (before its size is used). */
export function checkTensorSize(index: number, name: string, dtype: DType, shape: readonly number[]): void {
  let elements = 1;
  for (const d of shape) elements *= d;
  const bytes = elements * DTYPE_BYTES[dtype];
  if (bytes > LIMITS.tensorBytes) {
    fail(1021, `tensor ${index} (${name}) of shape [${shape.join(", ")}] ${dtype} has ${elements} elements, ${bytes} bytes; the limit is ${LIMITS.tensorBytes / MIB} MiB`);
  }
}

/** Where tensor `t` is used, for messages; undefined when nothing uses it. */
export function tensorUse(t: number, ops: readonly Op[], inputs: readonly number[], outputs: readonly number[]): string | undefined {
  for (const op of ops) if (op.outputs.includes(t)) return `the output of op ${op.index} (${op.opcode})`;
  for (const op of ops) if (op.inputs.includes(t)) return `an input of op ${op.index} (${op.opcode})`;
  if (inputs.includes(t)) return "a model input";
  if (outputs.includes(t)) return "a model output";
  return undefined;
}

const CONVERSIONS = new Set(["QUANTIZE", "DEQUANTIZE"]);

/** The zero-point range TFLite allows for `t`, or undefined when any int32 value is allowed. */
function zeroPointRange(t: Tensor, users: readonly Op[], tensors: readonly Tensor[]): [number, number] | undefined {
  // SOFTMAX int8 -> int16 writes an int16 output whose zero point TFLite requires to be -32768
  // (compiler/ops/softmax.ts checks the exact value).
  const int16Softmax = (op: Op): boolean => op.opcode === "SOFTMAX" && op.outputs.includes(t.index) && tensors[op.inputs[0] ?? -1]?.dtype === "int8";
  switch (t.dtype) {
    case "int8": return [-128, 127];
    case "uint8": return [0, 255];
    case "int16":
      if (isConstant(t) || (users.length > 0 && users.every((op) => CONVERSIONS.has(op.opcode) || int16Softmax(op)))) return [-32768, 32767];
      return [0, 0];
    case "int32":
    case "int64":
      return [0, 0];
    default:
      return undefined;
  }
}

/** 1018/1019 for the first used tensor whose quantization TFLite's rules forbid. */
export function checkQuantization(tensors: readonly Tensor[], ops: readonly Op[], inputs: readonly number[], outputs: readonly number[]): void {
  const users = new Map<number, Op[]>();
  for (const op of ops) {
    for (const t of [...op.inputs, ...op.outputs]) {
      if (t < 0) continue;
      const list = users.get(t) ?? [];
      list.push(op);
      users.set(t, list);
    }
  }
  for (const t of tensors) {
    const q = t.quant;
    if (q === undefined) continue;
    const where = tensorUse(t.index, ops, inputs, outputs);
    if (where === undefined) continue;
    const badScale = q.scale.find((s) => !(Number.isFinite(s) && s > 0));
    if (badScale !== undefined) fail(1018, t.index, t.name, where, badScale);
    const range = zeroPointRange(t, users.get(t.index) ?? [], tensors) ?? [-(2 ** 31), 2 ** 31 - 1];
    const badZp = q.zeroPoint.find((z) => !(Number.isInteger(z) && z >= range[0] && z <= range[1]));
    if (badZp !== undefined) {
      const span = range[0] === range[1] ? `the required ${range[0]}` : `[${range[0]}, ${range[1]}]`;
      fail(1019, t.index, t.name, where, t.dtype, badZp, span);
    }
  }
}

/** 1021 when one op needs more activation bytes at once than the largest board's RAM. */
export function checkLiveBytes(graph: Graph): void {
  for (const op of graph.ops) {
    let bytes = 0;
    for (const i of new Set([...op.inputs, ...op.outputs])) {
      const t = i >= 0 ? graph.tensors[i] : undefined;
      if (t === undefined || isConstant(t)) continue;
      bytes += t.shape.reduce((a, d) => a * d, DTYPE_BYTES[t.dtype]);
    }
    if (bytes > LIMITS.liveBytes) {
      fail(1021, `op ${op.index} (${op.opcode}) needs ${bytes} bytes of activations at once (its inputs and outputs); the limit is ${LIMITS.liveBytes / MIB} MiB`);
    }
  }
}

/**
 * 1022 when an op writes a tensor that holds constant data (a buffer with bytes): TFLite Micro
 * would write into the model's own flatbuffer (in flash: a fault; in RAM: the constant changes
 * under every later read), and the generated C would pass a const array as an output.
 */
export function checkWrittenTensors(tensors: readonly Tensor[], ops: readonly Op[]): void {
  for (const op of ops) {
    for (const t of op.outputs) {
      if (t >= 0 && t < tensors.length && isConstant(tensors[t]!)) fail(1022, op.index, op.opcode, t, tensors[t]!.name);
    }
  }
}

/**
 * 1023 when the ops, run in the model's order as TFLite Micro runs them, would read a tensor
 * before the op that writes it (a cycle, or an op listed before its producer), a tensor that
 * nothing ever writes (no constant data, no producer, not a model input, not a variable tensor:
 * a weights or bias buffer emptied; a builtin op's input only, since a custom op may take
 * scratch memory that way), or when two ops write one tensor: TFLite Micro would read whatever
 * the arena held, a silent wrong answer.
 */
export function checkOpOrder(tensors: readonly Tensor[], ops: readonly Op[], inputs: readonly number[]): void {
  const writer = new Map<number, Op>();
  for (const op of ops) {
    for (const t of op.outputs) {
      if (t < 0) continue;
      const first = writer.get(t);
      if (first) fail(1023, op.index, op.opcode, t, tensors[t]?.name ?? "?", `op ${first.index} (${first.opcode}) writes it too: a tensor has one producer`);
      writer.set(t, op);
    }
  }
  for (const op of ops) {
    for (const t of op.inputs) {
      if (t < 0) continue;
      const w = writer.get(t);
      const tensor = tensors[t];
      // A custom op may take scratch memory as an input (ethos-u's scratch tensors): its own business.
      if (!w && tensor && !isConstant(tensor) && !tensor.isVariable && !inputs.includes(t) && !op.opcode.startsWith("CUSTOM:")) {
        fail(1023, op.index, op.opcode, t, tensor.name, "never written: it holds no data, no op writes it and it is not a model input or variable tensor");
      }
      if (w && w.index >= op.index) {
        const who = w.index === op.index ? "the op writes it itself" : `op ${w.index} (${w.opcode}) writes it`;
        fail(1023, op.index, op.opcode, t, tensors[t]?.name ?? "?", `read before ${who}: the graph has a cycle or its ops are out of order`);
      }
    }
  }
}
