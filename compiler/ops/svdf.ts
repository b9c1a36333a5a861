/**
 * @fileoverview Lowers SVDF (int8 input, int8 weights_feature, int16 or int8 weights_time and
 * activation state, int32 bias) to kernels/svdf.ts, doing TFLite Micro's PrepareSvdf
 * (micro/kernels/svdf_common.cc at 90b983c2) at compile time: input [batches, inputSize],
 * weights_feature [filters, inputSize], weights_time [filters, memory], bias [units] with
 * units = filters / rank, state [batches, memory * filters] a variable tensor of the
 * weights_time type, output int8 [batches, units]; the two multipliers
 * QuantizeMultiplier(double(float(input_scale * wf_scale) / state_scale)) and
 * QuantizeMultiplier(double(float(state_scale * wt_scale) / output_scale)), float32 products
 * as in TFLM; the bias scale within 1e-5 of state_scale * wt_scale. TFLM's integer SVDF ignores
 * the fused activation, so the record has none. The state is the op's input 4: the kernel
 * shifts and writes it in place; the arena plan keeps it for the whole run and every target
 * resets it as TFLM does (an int8 state to its zero point, an int16 one to 0: ModelProgram.state),
 * so the kernels keep TFLM's values: any state zero point is exact.
 *
 * float32 (input, weights, bias, state, output) lowers to svdfFloat with the fused activation.
 *
 * Rejected, each with MOTE3001 naming the reason: no bias (TFLM dereferences the bias in
 * Prepare: it crashes, golden-ops-2 skipped.json svdf_nobias), a state that is not a variable
 * tensor, weights_time and state of different types, shapes TFLM's Prepare refuses.
 */
import type { DType, Graph, Op, Tensor } from "../ir/graph.ts";
import type { SvdfParams } from "../../kernels/svdf.ts";
import {
  inputTensor, opError, optionalInput, outputTensor, product, requireConstant, requireDType, tensorQuant,
} from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export const SVDF_SLOTS = ["input", "weightsFeature", "weightsTime", "bias", "state", "output"] as const;

const shapeText = (t: Tensor): string => `[${t.shape.join(", ")}]`;
const tensorArg = (t: Tensor) => ({ kind: "tensor" as const, tensor: t.index });

/** The fused activations svdfFloat applies (kernels/svdf.ts `activation`). */
const FLOAT_ACTIVATIONS: Record<string, number> = { NONE: 0, RELU: 1, RELU6: 2, RELU_N1_TO_1: 3 };

export function lowerSvdf(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const weightsFeature = inputTensor(graph, op, 1, "weights_feature");
  const weightsTime = inputTensor(graph, op, 2, "weights_time");
  const bias = optionalInput(graph, op, 3);
  const state = inputTensor(graph, op, 4, "activation state");
  const output = outputTensor(graph, op, 0, "output");
  if (op.inputs.length !== 5) opError(graph, op, `SVDF takes 5 inputs; this one has ${op.inputs.length}`);
  const float = input.dtype === "float32";
  requireDType(graph, op, input, "input", "int8", "float32");
  requireDType(graph, op, weightsFeature, "weights_feature", float ? "float32" : "int8");
  requireDType(graph, op, weightsTime, "weights_time", ...(float ? ["float32" as const] : ["int16" as const, "int8" as const]));
  requireDType(graph, op, output, "output", float ? "float32" : "int8");
  requireConstant(graph, op, weightsFeature, "weights_feature");
  requireConstant(graph, op, weightsTime, "weights_time");
  if (bias === undefined) {
    opError(graph, op, "an SVDF needs a bias (input 3): TFLite Micro's Prepare dereferences the bias tensor unconditionally and cannot run it without one");
  }
  requireDType(graph, op, bias, "bias", float ? "float32" : "int32");
  requireConstant(graph, op, bias, "bias");
  if (!state.isVariable) opError(graph, op, `activation state tensor ${state.index} (${state.name}) must be a variable tensor`);
  if (state.dtype !== weightsTime.dtype) {
    opError(graph, op, `activation state is ${state.dtype} but weights_time is ${weightsTime.dtype}; TFLite Micro runs them both int16, both int8 or both float32`);
  }
  const rank = op.options["rank"];
  if (typeof rank !== "number" || !Number.isInteger(rank) || rank < 1) opError(graph, op, `option rank = ${String(rank)} must be a positive integer`);
  if (input.shape.length !== 2) opError(graph, op, `input shape ${shapeText(input)} must be [batches, input size]`);
  const [batches, inputSize] = input.shape;
  if (weightsFeature.shape.length !== 2 || weightsFeature.shape[1] !== inputSize) {
    opError(graph, op, `weights_feature shape ${shapeText(weightsFeature)} must be [filters, ${inputSize}]`);
  }
  const filters = weightsFeature.shape[0];
  if (filters % rank !== 0) opError(graph, op, `${filters} filters are not a multiple of rank ${rank}`);
  const units = filters / rank;
  if (weightsTime.shape.length !== 2 || weightsTime.shape[0] !== filters) {
    opError(graph, op, `weights_time shape ${shapeText(weightsTime)} must be [${filters}, memory size]`);
  }
  const memory = weightsTime.shape[1];
  if (memory < 1) opError(graph, op, "memory size (weights_time dimension 1) must be positive");
  if (product(bias.shape) !== units || bias.shape.length !== 1) opError(graph, op, `bias shape ${shapeText(bias)} must be [${units}]`);
  if (state.shape.length !== 2 || state.shape[0] !== batches || state.shape[1] !== memory * filters) {
    opError(graph, op, `activation state shape ${shapeText(state)} must be [${batches}, ${memory * filters}]`);
  }
  if (output.shape.length !== 2 || output.shape[0] !== batches || output.shape[1] !== units) {
    opError(graph, op, `output shape ${shapeText(output)} must be [${batches}, ${units}]`);
  }
  const dims = { batches, inputSize, filters, units, rank, memory };
  const args = {
    input: tensorArg(input), weightsFeature: tensorArg(weightsFeature), weightsTime: tensorArg(weightsTime),
    bias: tensorArg(bias), state: tensorArg(state), output: tensorArg(output),
  };
  const macs = batches * filters * (inputSize + memory);
  if (float) {
    const name = String(op.options["fusedActivationFunction"] ?? "NONE");
    const activation = FLOAT_ACTIVATIONS[name];
    if (activation === undefined) opError(graph, op, `fused activation ${name} is not supported for float32 SVDF (NONE, RELU, RELU6, RELU_N1_TO_1)`);
    const params: SvdfParams = {
      ...dims, inputOffset: 0, outputOffset: 0, multiplier1: 0, shift1: 0, multiplier2: 0, shift2: 0, stateZeroPoint: 0, activation,
    };
    return [kernelCall("svdf", "svdfFloat", SVDF_SLOTS, params, args, macs)];
  }

  const inQ = tensorQuant(graph, op, input, "input");
  const wfQ = tensorQuant(graph, op, weightsFeature, "weights_feature");
  const wtQ = tensorQuant(graph, op, weightsTime, "weights_time");
  const stQ = tensorQuant(graph, op, state, "activation state");
  const outQ = tensorQuant(graph, op, output, "output");
  const biasQ = tensorQuant(graph, op, bias, "bias");
  const f = Math.fround;
  const timeScale = f(stQ.scale * wtQ.scale);
  if (!(Math.abs(biasQ.scale - timeScale) < 1e-5)) {
    opError(graph, op, `bias scale ${biasQ.scale} differs from activation state scale * weights_time scale ${timeScale} (TFLite Micro requires them within 1e-5)`);
  }
  const q1 = quantizeMultiplier(f(f(inQ.scale * wfQ.scale) / stQ.scale));
  const q2 = quantizeMultiplier(f(timeScale / outQ.scale));
  // The integer path applies no fused activation (TFLM's neither): `activation` stays 0.
  const params: SvdfParams = {
    ...dims, inputOffset: -inQ.zeroPoint, outputOffset: outQ.zeroPoint,
    multiplier1: q1.multiplier, shift1: q1.shift, multiplier2: q2.multiplier, shift2: q2.shift,
    stateZeroPoint: stQ.zeroPoint, activation: 0,
  };
  return [kernelCall("svdf", state.dtype === "int16" ? "svdf" : "svdfState8", SVDF_SLOTS, params, args, macs)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "svdf", fn: "svdf", slots: SVDF_SLOTS },
  { kernel: "svdf", fn: "svdfState8", slots: SVDF_SLOTS },
  { kernel: "svdf", fn: "svdfFloat", slots: SVDF_SLOTS },
];

/** int16: the activation state (the op reads and writes int8 activations); float32: svdfFloat. */
export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { SVDF: ["int16", "float32"] };

export const OPCODES: Record<string, LowerOp> = { SVDF: lowerSvdf };

export const NOTES: Record<string, string> = {
  SVDF: "int8 input and output with int16 weights_time and state (or both int8), int32 bias, any rank and batch, as TFLite Micro's integer reference (state kept across invocations in a variable tensor, any state zero point, reset by mote_reset() to TFLite Micro's reset value; the fused activation is ignored, as in TFLite Micro). The int16 column is the state, not a 16x8 variant. float32 as TFLite Micro's float reference, fused NONE/RELU/RELU6/RELU_N1_TO_1. No bias is rejected (TFLite Micro cannot prepare it).",
};

export const LEFT: Record<string, string> = {
  SVDF: "float32 TANH/SIGN_BIT/SIGMOID fused activations; hybrid (float input, int8 weights).",
};
