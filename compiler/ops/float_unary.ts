/**
 * @fileoverview Lowers the float32-only elementwise ops of TFLite Micro (NEG, FLOOR, CEIL, ROUND,
 * SQRT, SQUARE, EXP) to kernels/float_unary.ts. TFLite Micro runs them on float32 only (its int8
 * NEG, FLOOR, EXP, CEIL and ROUND fail Prepare or Invoke; golden-ops-2 skipped.json), so an int8
 * input is rejected here with that reason.
 *
 * ACTIVATION_TYPES declares float32 for these ops and for QUANTIZE and DEQUANTIZE, whose
 * lowerings already take float32 on the other side: the model check (compiler/import/tflite/
 * check.ts) then lets a model with a float head or tail (float input -> float op -> QUANTIZE ...,
 * or ... DEQUANTIZE -> float op -> float output) through to lowering. compiler/ops/index.ts
 * merges the ACTIVATION_TYPES of all op files, so other files may add int16 for the same ops.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import {
  FLOAT_CEIL, FLOAT_EXP, FLOAT_FLOOR, FLOAT_NEG, FLOAT_ROUND, FLOAT_SQRT, FLOAT_SQUARE, type FloatUnaryParams,
} from "../../kernels/float_unary.ts";
import { opError } from "./operands.ts";
import { unaryOperands } from "./unary.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const FNS: Record<string, number> = {
  NEG: FLOAT_NEG, FLOOR: FLOAT_FLOOR, CEIL: FLOAT_CEIL, ROUND: FLOAT_ROUND, SQRT: FLOAT_SQRT, SQUARE: FLOAT_SQUARE, EXP: FLOAT_EXP,
};

/** A call of kernels/float_unary.ts: `fn` on `size` floats from tensor `input` into `output`. */
export function floatUnaryCall(fn: number, size: number, input: number, output: number): KernelCall {
  const params: FloatUnaryParams = { fn, size };
  return kernelCall("float_unary", "floatUnary", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input },
    output: { kind: "tensor", tensor: output },
  }, 0);
}

function lowerFloatUnary(graph: Graph, op: Op): KernelCall[] {
  const t = op.inputs[0] !== undefined && op.inputs[0] >= 0 ? graph.tensors[op.inputs[0]] : undefined;
  if (t !== undefined && t.dtype !== "float32") {
    opError(graph, op, `${op.opcode} on ${t.dtype} is not supported: TFLite Micro runs ${op.opcode} on float32 only`);
  }
  const { input, output, size } = unaryOperands(graph, op, ["float32"], ["float32"]);
  return [floatUnaryCall(FNS[op.opcode], size, input.index, output.index)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "float_unary", fn: "floatUnary", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = {
  NEG: lowerFloatUnary, FLOOR: lowerFloatUnary, CEIL: lowerFloatUnary, ROUND: lowerFloatUnary,
  SQRT: lowerFloatUnary, SQUARE: lowerFloatUnary, EXP: lowerFloatUnary,
};

const FLOAT: readonly DType[] = ["float32"];
export const ACTIVATION_TYPES: Record<string, readonly DType[]> = {
  ...Object.fromEntries(Object.keys(FNS).map((k) => [k, FLOAT])),
  QUANTIZE: FLOAT,
  DEQUANTIZE: FLOAT,
};

const EXACT = "float32 only (TFLite Micro rejects int8), elementwise, bit-exact with TFLite Micro's float kernel";
export const NOTES: Record<string, string> = {
  NEG: `${EXACT}.`,
  FLOOR: `${EXACT}.`,
  CEIL: `${EXACT}.`,
  ROUND: `${EXACT} (halves to even, as its RoundToNearest).`,
  SQRT: `float32 only, elementwise, correctly rounded (as sqrtf). Left: int8 (TFLite Micro has none either).`,
  SQUARE: `float32 only, elementwise, bit-exact with TFLite Micro's float kernel.`,
  EXP: "float32 only (TFLite Micro rejects int8), elementwise; e^x of f32 operations (Cody-Waite + polynomial), within 1 ulp of the correctly rounded value (measured) and equal on every Mote target; TFLite Micro's std::exp differs between C libraries in the last bit.",
};
