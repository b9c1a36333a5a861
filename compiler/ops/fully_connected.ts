/**
 * @fileoverview Lowers FULLY_CONNECTED (int8 activations and weights [units, depth], optional
 * int32 bias) to one call of kernels/fully_connected.ts, doing TFLite Micro's
 * CalculateOpDataFullyConnected at compile time. Per-channel weights (more than one scale) get
 * double(in)*double(w[c])/double(out) per unit; per-tensor weights get TFLM's
 * GetQuantizedConvolutionMultipler (float32 product, then double division), repeated per unit
 * so the kernel has one path. Batches are every output dimension but the last (keep_num_dims
 * and rank-3 inputs included). With a non-zero input offset and a constant (or no) bias, the
 * bias argument becomes `op<N>_bias_folded` (foldedBias) and hasBias BIAS_FOLDED (kernel header). With
 * `{ reference: true }` (LowerOptions) it calls fullyConnectedReference with the model's bias.
 */
import { isConstant, type Graph, type Op } from "../ir/graph.ts";
import {
  BIAS_FOLDED, BIAS_MODEL, BIAS_NONE, type FullyConnected16Params, type FullyConnectedParams,
} from "../../kernels/fully_connected.ts";
import { activationRange } from "./activation.ts";
import {
  activationOption, filterScales, inputTensor, intOption, opError, optionalInput, outputTensor, product,
  requireConstant, requireDType, tensorQuant,
} from "./operands.ts";
import { perChannelMultipliers, perTensorConvScale, quantizeMultiplier } from "./quant.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelArg, KernelCall, LowerOp, LowerOptions } from "./types.ts";
import { INTRINSICS } from "../ir/intrinsics.ts";
import { biasOf } from "./requant-table.ts";
import { DSP_CONTRACT, chooseFcDsp, fcDspCall } from "./fully_connected_dsp.ts";
import { INT16, bias16, int16Quant } from "./int16.ts";

/** kernels/fully_connected.ts's array parameters, in order (both entries take the same). */
export const FULLY_CONNECTED_SLOTS = ["input", "filter", "bias", "multipliers", "shifts", "output"] as const;

export const CONTRACTS: KernelContract[] = [
  { kernel: "fully_connected", fn: "fullyConnected", slots: FULLY_CONNECTED_SLOTS },
  { kernel: "fully_connected", fn: "fullyConnectedReference", slots: FULLY_CONNECTED_SLOTS },
  { kernel: "fully_connected", fn: "fullyConnected16", slots: FULLY_CONNECTED_SLOTS },
  DSP_CONTRACT,
];

export function lowerFullyConnected(graph: Graph, op: Op, opts: LowerOptions = {}): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const filter = inputTensor(graph, op, 1, "weights");
  const bias = optionalInput(graph, op, 2);
  const output = outputTensor(graph, op, 0, "output");
  if (input.dtype === "int16") return lowerFullyConnected16(graph, op);
  requireDType(graph, op, input, "input", "int8", "int16");
  requireDType(graph, op, filter, "weights", "int8");
  requireDType(graph, op, output, "output", "int8");
  requireConstant(graph, op, filter, "weights");
  if (intOption(graph, op, "weightsFormat", 0) !== 0) opError(graph, op, "only the DEFAULT weights format is supported");
  if (filter.shape.length !== 2) opError(graph, op, `weights shape [${filter.shape.join(", ")}] must be [units, depth]`);
  if (output.shape.length < 1) opError(graph, op, "output must have at least one dimension");

  const [units, accumDepth] = filter.shape;
  const outputDepth = output.shape[output.shape.length - 1];
  const batches = product(output.shape.slice(0, -1));
  if (outputDepth !== units) opError(graph, op, `output depth ${outputDepth} differs from ${units} weight rows`);
  if (product(input.shape) !== batches * accumDepth) {
    opError(graph, op, `input [${input.shape.join(", ")}] does not hold ${batches} rows of ${accumDepth}`);
  }
  if (bias !== undefined) {
    requireDType(graph, op, bias, "bias", "int32");
    if (product(bias.shape) !== units) opError(graph, op, `bias has ${product(bias.shape)} elements; expected ${units}`);
  }

  const activation = activationOption(graph, op);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const scales = filterScales(graph, op, filter, 0, units);
  let multipliers: number[];
  let shifts: number[];
  let filterZeroPoint = 0;
  if (scales.length > 1) {
    ({ multipliers, shifts } = perChannelMultipliers(inQ.scale, scales, outQ.scale, units));
  } else {
    const q = quantizeMultiplier(perTensorConvScale(inQ.scale, scales[0], outQ.scale));
    multipliers = new Array<number>(units).fill(q.multiplier);
    shifts = new Array<number>(units).fill(q.shift);
    filterZeroPoint = filter.quant?.zeroPoint[0] ?? 0;
  }
  const act = activationRange(activation, outQ.scale, outQ.zeroPoint);

  const params: FullyConnectedParams = {
    batches, accumDepth, outputDepth,
    inputOffset: -inQ.zeroPoint,
    filterOffset: -filterZeroPoint,
    outputOffset: outQ.zeroPoint,
    actMin: act.min, actMax: act.max,
    hasBias: bias !== undefined ? BIAS_MODEL : BIAS_NONE,
  };
  // Fold the input offset into a compile-time bias (kernel header): needs a constant bias, if any.
  // Never for the reference kernel (opts.reference), which takes the model's bias.
  let biasArg: KernelArg = { kind: "tensor", tensor: bias !== undefined ? bias.index : -1 };
  if (!opts.reference && params.inputOffset !== 0 && (bias === undefined || isConstant(bias))) {
    biasArg = {
      kind: "const", name: `op${op.index}_bias_folded`, elem: "i32",
      data: foldedBias(filter.data!, bias?.data, units, accumDepth, params.inputOffset, params.filterOffset),
    };
    params.hasBias = BIAS_FOLDED;
  }
  const args = {
    input: { kind: "tensor", tensor: input.index } as KernelArg,
    filter: { kind: "tensor", tensor: filter.index } as KernelArg,
    bias: biasArg,
    multipliers: { kind: "const", name: `op${op.index}_multipliers`, elem: "i32", data: multipliers } as KernelArg,
    shifts: { kind: "const", name: `op${op.index}_shifts`, elem: "i32", data: shifts } as KernelArg,
    output: { kind: "tensor", tensor: output.index } as KernelArg,
  };
  const macs = batches * units * accumDepth;
  if (opts.reference) return [kernelCall("fully_connected", "fullyConnectedReference", FULLY_CONNECTED_SLOTS, params, args, macs)];

  // The SMLAD kernel (kernels/fully_connected_dsp.ts) where the compiler has the DSP intrinsics
  // (or the op option moteDsp forces it: 1 on, 0 off) and the layer fits one of its variants.
  const dsp = intOption(graph, op, "moteDsp", INTRINSICS.has("smlad") ? 1 : 0) !== 0;
  const xOff = params.hasBias === BIAS_FOLDED ? 0 : params.inputOffset;
  const biasConstant = bias === undefined || isConstant(bias);
  const choice = dsp
    ? chooseFcDsp(graph, op, { filter: filter.data!, units, depth: accumDepth, xOff, filterOffset: params.filterOffset, biasConstant },
      opts.int16Weights?.has(op.index) ?? false)
    : null;
  if (choice !== null) {
    const modelBias = !biasConstant ? null : bias === undefined ? () => 0 : biasOf(bias.data, units);
    return [fcDspCall({
      opIndex: op.index, params, filterData: filter.data!, units, input: args.input, bias: biasArg, multipliers, shifts,
      output: args.output, modelBias, macs,
    }, choice)];
  }
  return [kernelCall("fully_connected", "fullyConnected", FULLY_CONNECTED_SLOTS, params, args, macs)];
}

/**
 * The 16x8 variant (int16 input and output, int8 weights, int64 / int32 / no bias): one call of
 * fullyConnected16 with the same multipliers as int8 (TFLM's CalculateOpDataFullyConnected).
 */
function lowerFullyConnected16(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const filter = inputTensor(graph, op, 1, "weights");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, filter, "weights", "int8");
  requireConstant(graph, op, filter, "weights");
  const inQ = int16Quant(graph, op, input, "input");
  const outQ = int16Quant(graph, op, output, "output");
  if (intOption(graph, op, "weightsFormat", 0) !== 0) opError(graph, op, "only the DEFAULT weights format is supported");
  if (filter.shape.length !== 2) opError(graph, op, `weights shape [${filter.shape.join(", ")}] must be [units, depth]`);
  const [units, accumDepth] = filter.shape;
  const outputDepth = output.shape[output.shape.length - 1];
  const batches = product(output.shape.slice(0, -1));
  if (outputDepth !== units) opError(graph, op, `output depth ${outputDepth} differs from ${units} weight rows`);
  if (product(input.shape) !== batches * accumDepth) {
    opError(graph, op, `input [${input.shape.join(", ")}] does not hold ${batches} rows of ${accumDepth}`);
  }
  const b = bias16(graph, op, optionalInput(graph, op, 2), units);
  const scales = filterScales(graph, op, filter, 0, units);
  let multipliers: number[];
  let shifts: number[];
  let filterZeroPoint = 0;
  if (scales.length > 1) {
    ({ multipliers, shifts } = perChannelMultipliers(inQ.scale, scales, outQ.scale, units));
  } else {
    const q = quantizeMultiplier(perTensorConvScale(inQ.scale, scales[0], outQ.scale));
    multipliers = new Array<number>(units).fill(q.multiplier);
    shifts = new Array<number>(units).fill(q.shift);
    filterZeroPoint = filter.quant?.zeroPoint[0] ?? 0;
  }
  const act = activationRange(activationOption(graph, op), outQ.scale, 0, "int16");
  const params: FullyConnected16Params = {
    batches, accumDepth, outputDepth, filterOffset: -filterZeroPoint, actMin: act.min, actMax: act.max,
    hasBias: b.hasBias, bias64: b.bias64,
  };
  return [kernelCall("fully_connected", "fullyConnected16", FULLY_CONNECTED_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    filter: { kind: "tensor", tensor: filter.index },
    bias: b.arg,
    multipliers: { kind: "const", name: `op${op.index}_multipliers`, elem: "i32", data: multipliers },
    shifts: { kind: "const", name: `op${op.index}_shifts`, elem: "i32", data: shifts },
    output: { kind: "tensor", tensor: output.index },
  }, batches * units * accumDepth)];
}

/**
 * bias[oc] + inputOffset * sum_k (filter[oc][k] + filterOffset) per output channel, wrapping in
 * i32 as the kernel's accumulator does. filter: int8 [units, depth] bytes; bias: int32 LE bytes.
 */
export function foldedBias(
  filter: Uint8Array, bias: Uint8Array | undefined, units: number, depth: number, inputOffset: number, filterOffset: number,
): number[] {
  const f = new Int8Array(filter.buffer, filter.byteOffset, units * depth);
  const b = bias !== undefined ? new DataView(bias.buffer, bias.byteOffset, units * 4) : undefined;
  const out: number[] = [];
  for (let oc = 0; oc < units; oc++) {
    let sum = 0;
    for (let k = 0; k < depth; k++) sum = (sum + f[oc * depth + k] + filterOffset) | 0;
    out.push(((b !== undefined ? b.getInt32(oc * 4, true) : 0) + Math.imul(inputOffset, sum)) | 0);
  }
  return out;
}

export const OPCODES: Record<string, LowerOp> = { FULLY_CONNECTED: lowerFullyConnected };

export const ACTIVATION_TYPES = { FULLY_CONNECTED: INT16 };

export const NOTES: Record<string, string> = {
  FULLY_CONNECTED: "int8 input of any rank (flattened to [batches, depth]), int8 weights per tensor (with a zero point) or per channel, optional int32 bias, keep_num_dims, DEFAULT weights format only, fused NONE/RELU/RELU6/RELU_N1_TO_1. 16x8: int16 input/output (zero point 0), int8 weights, int64, int32 or no bias (TFLM's int64 or int32 accumulator), the plain reference loop (no DSP variant yet).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  FULLY_CONNECTED: "16x8 runs the plain reference loop only (no SMLAD variant, no input-offset folding); float32.",
};
