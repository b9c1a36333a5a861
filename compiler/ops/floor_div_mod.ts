/**
 * @fileoverview Lowers FLOOR_DIV and FLOOR_MOD (float32 only, as TFLite Micro registers them at
 * 90b983c2: micro/kernels/floor_div.cc, floor_mod.cc) to kernels/float_binary.ts (fn
 * FLOAT_FLOOR_DIV, FLOAT_FLOOR_MOD) through compiler/ops/float_binary.ts. TFLM's Prepare
 * requires input1, input2 and output of one type and its Eval fails on anything but float32, so
 * int8 (or int32, ...) is rejected here with that reason; a broadcast above rank 4 is rejected as
 * its 4-D slow broadcast CHECK-fails. FLOOR_DIV fails Invoke in TFLM when any divisor is 0: a
 * constant divisor holding a zero is rejected here; a zero arriving at run time gives what the
 * float division gives (floor of +-infinity or NaN), where TFLM returns an error.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import { FLOAT_FLOOR_DIV, FLOAT_FLOOR_MOD } from "../../kernels/float_binary.ts";
import { requireBroadcastRank } from "./broadcast.ts";
import { lowerFloatBinary } from "./float_binary.ts";
import { inputTensor, opError, outputTensor } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function lowerFloorDivMod(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2 || op.outputs.length !== 1) {
    opError(graph, op, `${op.opcode} takes 2 inputs and 1 output (TFLite Micro checks both); it has ${op.inputs.length} and ${op.outputs.length}`);
  }
  const input1 = inputTensor(graph, op, 0, "input1");
  const input2 = inputTensor(graph, op, 1, "input2");
  const output = outputTensor(graph, op, 0, "output");
  if (input1.dtype !== "float32") {
    opError(graph, op, `${op.opcode} on ${input1.dtype} is not supported: TFLite Micro runs ${op.opcode} on float32 only`);
  }
  for (const [t, role] of [[input2, "input2"], [output, "output"]] as const) {
    if (t.dtype !== input1.dtype) {
      opError(graph, op, `${role} tensor ${t.index} (${t.name}) is ${t.dtype} and input1 is ${input1.dtype}: TFLite Micro's ${op.opcode} requires one type`);
    }
  }
  requireBroadcastRank(graph, op, input1, input2, output);
  if (op.opcode === "FLOOR_DIV" && input2.data !== undefined) {
    const d = input2.data;
    const divisors = new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
    const at = divisors.findIndex((v) => v === 0);
    if (at >= 0) {
      opError(graph, op, `the constant divisor (input2 tensor ${input2.index}, ${input2.name}) holds 0 at element ${at}: TFLite Micro's FLOOR_DIV fails Invoke ("Division by 0")`);
    }
  }
  return lowerFloatBinary(graph, op, op.opcode === "FLOOR_DIV" ? FLOAT_FLOOR_DIV : FLOAT_FLOOR_MOD, false);
}

export const OPCODES: Record<string, LowerOp> = { FLOOR_DIV: lowerFloorDivMod, FLOOR_MOD: lowerFloorDivMod };

const FLOAT: readonly DType[] = ["float32"];
export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { FLOOR_DIV: FLOAT, FLOOR_MOD: FLOAT };

export const NOTES: Record<string, string> = {
  FLOOR_DIV: "float32 only (TFLite Micro rejects int8 and int32), broadcasting up to rank 4; float(floor(double(a) / double(b))) exactly as TFLite Micro (the subset's floordiv builtin). A constant divisor holding 0 is rejected (TFLite Micro fails Invoke); a zero divisor at run time gives +-infinity or NaN where TFLite Micro returns an error.",
  FLOOR_MOD: "float32 only (TFLite Micro rejects int8 and int32), broadcasting up to rank 4; fmod computed exactly with f32 operations, then TFLite Micro's sign fix-up (t + b), bit-exact with its float kernel.",
};
