/**
 * @fileoverview Lowers LOG, SIN and COS (float32 only, as TFLite Micro registers them at 90b983c2:
 * micro/kernels/elementwise.cc, GenericPrepare<IsNumericSupportedType>) to kernels/log.ts and
 * kernels/sin_cos.ts; any other input type is rejected here with that reason. TFLM calls std::log,
 * std::sin and std::cos, whose last bit depends on the C library; Mote's kernels are f32-only
 * approximations, identical on every target and within 1 ulp (LOG) or 2 ulp (SIN, COS for
 * |x| <= 16384) of the correctly rounded value (the kernels' file comments say how).
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import { COS_FN, SIN_FN, type SinCosParams } from "../../kernels/sin_cos.ts";
import type { LogParams } from "../../kernels/log.ts";
import { opError } from "./operands.ts";
import { unaryOperands } from "./unary.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function lowerLogSinCos(graph: Graph, op: Op): KernelCall[] {
  const t = op.inputs[0] !== undefined && op.inputs[0] >= 0 ? graph.tensors[op.inputs[0]] : undefined;
  if (t !== undefined && t.dtype !== "float32") {
    opError(graph, op, `${op.opcode} on ${t.dtype} is not supported: TFLite Micro runs ${op.opcode} on float32 only`);
  }
  const { input, output, size } = unaryOperands(graph, op, ["float32"], ["float32"]);
  const tensors = { input: { kind: "tensor" as const, tensor: input.index }, output: { kind: "tensor" as const, tensor: output.index } };
  if (op.opcode === "LOG") {
    const params: LogParams = { size };
    return [kernelCall("log", "logFloat", INPUT_OUTPUT_SLOTS, params, tensors, 0)];
  }
  const params: SinCosParams = { fn: op.opcode === "SIN" ? SIN_FN : COS_FN, size };
  return [kernelCall("sin_cos", "sinCos", INPUT_OUTPUT_SLOTS, params, tensors, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "log", fn: "logFloat", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "sin_cos", fn: "sinCos", slots: INPUT_OUTPUT_SLOTS },
];

export const OPCODES: Record<string, LowerOp> = { LOG: lowerLogSinCos, SIN: lowerLogSinCos, COS: lowerLogSinCos };

const FLOAT: readonly DType[] = ["float32"];
export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { LOG: FLOAT, SIN: FLOAT, COS: FLOAT };

const LIBM = "TFLite Micro's std:: result depends on the C library in the last bit";
export const NOTES: Record<string, string> = {
  LOG: `float32 only (TFLite Micro rejects int8), elementwise; ln(x) of f32 operations (exact power-of-two scaling, atanh series), within 1 ulp of the correctly rounded value (measured, subnormals included) and equal on every Mote target; log(0) = -inf, log(x < 0) = NaN; ${LIBM}.`,
  SIN: `float32 only (TFLite Micro rejects int8), elementwise; Cody-Waite reduction by pi/2 in four f32 parts and Taylor polynomials, within 2 ulp of the correctly rounded value for |x| <= 16384 and equal on every Mote target; beyond, reduced modulo fround(2 pi) (in [-1, 1], not accurate); ${LIBM}.`,
  COS: `float32 only (TFLite Micro rejects int8), elementwise; as SIN (cos = the next quadrant's sine), within 2 ulp for |x| <= 16384, not accurate beyond; ${LIBM}.`,
};
