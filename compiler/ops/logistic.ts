/**
 * @fileoverview Lowers LOGISTIC (int8) to kernels/logistic.ts, doing TFLite Micro's
 * CalculateArithmeticOpDataLogistic (micro/kernels/logistic_common.cc at 90b983c2) at compile
 * time, in double: frexp(double(input scale) * 2^27) gives the Q0.31 input multiplier
 * (round(q * 2^31), half away from zero) and the left shift, and the input radius is
 * floor(15 * 2^27 / 2^shift) (CalculateInputRadius). The output zero point must be -128 (TFLM
 * checks that); its scale is taken to be 1/256, which TFLM does not check either.
 *
 * `inputScaling` is shared with compiler/ops/tanh.ts (TFLM's TANH Prepare does the same steps).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { LogisticParams, Sigmoid16Params } from "../../kernels/logistic.ts";
import { SIGMOID_TABLE_UINT16, sigmoid16Scaling } from "./sigmoid16.ts";
import { INT16 } from "./int16.ts";
import { opError, tensorQuant } from "./operands.ts";
import { frexp, roundHalfAwayFromZero } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

/** TFLite's kInputIntegerBits for int8 LOGISTIC and TANH: the input is scaled into Q4.27. */
const INPUT_INTEGER_BITS = 4;

export interface SigmoidInputScaling {
  inputMultiplier: number;
  inputLeftShift: number;
  inputRangeRadius: number;
}

/**
 * Input multiplier, left shift and radius of int8 LOGISTIC / TANH. A left shift above 31 gives
 * radius 0 (every input saturates, the multiplier is never used) and is passed as 31, so the
 * record stays within the intrinsics' domain; a negative one (input scale below 2^-28) is
 * rejected: TFLM shifts by it, which is undefined.
 */
export function inputScaling(graph: Graph, op: Op, inputScale: number): SigmoidInputScaling {
  const real = inputScale * 2 ** (31 - INPUT_INTEGER_BITS);
  const { fraction, exponent } = frexp(real);
  if (!(real > 0) || exponent < 0) {
    opError(graph, op, `input scale ${inputScale} is too small (below 2^-28); Mote, like TFLite Micro, cannot scale it into Q4.27`);
  }
  const multiplier = roundHalfAwayFromZero(fraction * 2 ** 31);
  // A float32 scale has 24 significant bits, so q * 2^31 is an integer below 2^31.
  if (multiplier > 2147483647) opError(graph, op, `input multiplier ${multiplier} does not fit in int32`);
  const radius = Math.floor(((2 ** INPUT_INTEGER_BITS - 1) * 2 ** (31 - INPUT_INTEGER_BITS)) / 2 ** exponent);
  return { inputMultiplier: multiplier, inputLeftShift: Math.min(exponent, 31), inputRangeRadius: radius };
}

/** kernels/logistic.ts logistic16's (and kernels/tanh.ts tanh16's) array parameters. */
export const SIGMOID_16_SLOTS = ["input", "table", "output"] as const;

/** The int16 call of LOGISTIC or TANH (compiler/ops/sigmoid16.ts does the Prepare). */
export function sigmoid16Call(graph: Graph, op: Op, tanh: boolean): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int16"], ["int16"]);
  const params: Sigmoid16Params = { size, ...sigmoid16Scaling(graph, op, input, output, tanh) };
  return [kernelCall(tanh ? "tanh" : "logistic", tanh ? "tanh16" : "logistic16", SIGMOID_16_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    table: { kind: "const", name: `op${op.index}_sigmoid_table`, elem: "i32", data: [...SIGMOID_TABLE_UINT16] },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export function lowerLogistic(graph: Graph, op: Op): KernelCall[] {
  if (graph.tensors[op.inputs[0]]?.dtype === "int16") return sigmoid16Call(graph, op, false);
  const { input, output, size } = unaryOperands(graph, op, ["int8"], ["int8"]);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  if (outQ.zeroPoint !== -128) {
    opError(graph, op, `int8 output must have zero point -128 (and scale 1/256), as TFLite Micro requires; got zero point ${outQ.zeroPoint}`);
  }
  const params: LogisticParams = { size, inputZeroPoint: inQ.zeroPoint, ...inputScaling(graph, op, inQ.scale) };
  return [kernelCall("logistic", "logistic", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "logistic", fn: "logistic", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "logistic", fn: "logistic16", slots: SIGMOID_16_SLOTS },
];

export const ACTIVATION_TYPES = { LOGISTIC: INT16 };

export const OPCODES: Record<string, LowerOp> = { LOGISTIC: lowerLogistic };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { LOGISTIC: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  LOGISTIC:
    "int8 with gemmlowp's fixed-point logistic; the output must have zero point -128 and is produced in steps of 1/256 (TFLite Micro's convention). int16 (zero points 0, output scale 2^-15, power-of-two or general input scale): TFLite Micro's interpolated sigmoid table (logistic16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  LOGISTIC: "float32.",
};
