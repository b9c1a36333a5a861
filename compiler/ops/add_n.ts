/**
 * @fileoverview Lowers ADD_N (int8) to kernels/add_n.ts, doing TFLite Micro's CalculateOpData
 * (micro/kernels/add_n.cc at 90b983c2) at compile time: at least two inputs of the first's shape,
 * type and quantization (TFLM checks zero point and scale), left shift 20, input multiplier
 * scale / (2 * scale) and output multiplier 2 * scale / (2^20 * output scale), both
 * QuantizeMultiplierSmallerThanOneExp in double. Mote's kernel takes up to four inputs; float32
 * takes addNFloat.
 */
import type { DType, Graph, Op, Tensor } from "../ir/graph.ts";
import type { AddNParams } from "../../kernels/add_n.ts";
import { inputTensor, opError, outputTensor, product, requireDType, tensorQuant } from "./operands.ts";
import { smallerThanOneExp } from "./smaller_than_one.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export const ADD_N_SLOTS = ["input0", "input1", "input2", "input3", "output"] as const;
const LEFT_SHIFT = 20;
const MAX_INPUTS = 4;

export function lowerAddN(graph: Graph, op: Op): KernelCall[] {
  const n = op.inputs.length;
  if (n < 2) opError(graph, op, `ADD_N needs at least 2 inputs, got ${n}`);
  if (n > MAX_INPUTS) opError(graph, op, `${n} inputs; Mote's ADD_N takes at most ${MAX_INPUTS}`);
  const inputs = op.inputs.map((_, i) => inputTensor(graph, op, i, `input${i}`));
  const output = outputTensor(graph, op, 0, "output");
  const first = inputs[0];
  if (first.dtype === "float32") return lowerAddNFloat(graph, op, inputs, output);
  requireDType(graph, op, output, "output", "int8");
  const q0 = tensorQuant(graph, op, first, "input0");
  inputs.forEach((t, i) => {
    requireDType(graph, op, t, `input${i}`, "int8");
    if (t.shape.length !== first.shape.length || t.shape.some((d, j) => d !== first.shape[j])) {
      opError(graph, op, `input${i} shape [${t.shape.join(", ")}] differs from input0's [${first.shape.join(", ")}]`);
    }
    const q = tensorQuant(graph, op, t, `input${i}`);
    if (q.zeroPoint !== q0.zeroPoint || Math.fround(q.scale) !== Math.fround(q0.scale)) {
      opError(graph, op, `input${i} quantization differs from input0's; TFLite Micro requires them equal`);
    }
  });
  const size = product(first.shape);
  if (product(output.shape) !== size) opError(graph, op, `output shape [${output.shape.join(", ")}] differs from the inputs' [${first.shape.join(", ")}]`);
  const outQ = tensorQuant(graph, op, output, "output");
  const twiceMax = 2 * q0.scale;
  const mi = smallerThanOneExp(graph, op, q0.scale / twiceMax, "input");
  const mo = smallerThanOneExp(graph, op, twiceMax / ((1 << LEFT_SHIFT) * outQ.scale), "output");
  const params: AddNParams = {
    size, count: n, leftShift: LEFT_SHIFT, inputOffset: -q0.zeroPoint, outputOffset: outQ.zeroPoint,
    inputMultiplier: mi.multiplier, inputShift: mi.shift, outputMultiplier: mo.multiplier, outputShift: mo.shift,
  };
  const arg = (i: number) => ({ kind: "tensor" as const, tensor: inputs[i < n ? i : 0].index });
  return [kernelCall("add_n", "addN", ADD_N_SLOTS, params, {
    input0: arg(0), input1: arg(1), input2: arg(2), input3: arg(3),
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

/** float32: every input of the first's shape, the f32 sum in input order (reference_ops::AddN<float>). */
function lowerAddNFloat(graph: Graph, op: Op, inputs: Tensor[], output: Tensor): KernelCall[] {
  const first = inputs[0];
  inputs.forEach((t, i) => {
    requireDType(graph, op, t, `input${i}`, "float32");
    if (t.shape.length !== first.shape.length || t.shape.some((d, j) => d !== first.shape[j])) {
      opError(graph, op, `input${i} shape [${t.shape.join(", ")}] differs from input0's [${first.shape.join(", ")}]`);
    }
  });
  requireDType(graph, op, output, "output", "float32");
  const size = product(first.shape);
  if (product(output.shape) !== size) opError(graph, op, `output shape [${output.shape.join(", ")}] differs from the inputs' [${first.shape.join(", ")}]`);
  const n = inputs.length;
  const params: AddNParams = {
    size, count: n, leftShift: 0, inputOffset: 0, outputOffset: 0, inputMultiplier: 0, inputShift: 0, outputMultiplier: 0, outputShift: 0,
  };
  const arg = (i: number) => ({ kind: "tensor" as const, tensor: inputs[i < n ? i : 0].index });
  return [kernelCall("add_n", "addNFloat", ADD_N_SLOTS, params, {
    input0: arg(0), input1: arg(1), input2: arg(2), input3: arg(3),
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "add_n", fn: "addN", slots: ADD_N_SLOTS },
  { kernel: "add_n", fn: "addNFloat", slots: ADD_N_SLOTS },
];

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { ADD_N: ["float32"] };

export const OPCODES: Record<string, LowerOp> = { ADD_N: lowerAddN };

export const NOTES: Record<string, string> = {
  ADD_N: "int8, 2 to 4 inputs of one shape and one quantization (TFLite Micro's requirement), requantized to the output scale. float32 as TFLite Micro's f32 sum in input order. Left: more than 4 inputs.",
};
