/**
 * @fileoverview Lowers AVERAGE_POOL_2D (int8) to one call of kernels/average_pool_2d.ts, doing
 * TFLite Micro's PoolingPrepare at compile time: padding from ComputePaddingHeightWidth
 * (dilation 1), input and output quantization must agree (TFLM: |scale diff| <= 1e-6, same zero
 * point), activation clamp in the output domain. MACs are 0 (pooling is not counted).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { AveragePool2dParams } from "../../kernels/average_pool_2d.ts";
import { activationRange } from "./activation.ts";
import {
  activationOption, inputTensor, opError, outputTensor, paddingOption, positiveIntOption, requireDType,
  requireRank, tensorQuant,
} from "./operands.ts";
import { computePaddingHeightWidth } from "./padding.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export function lowerAveragePool2d(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  requireRank(graph, op, input, "input", 4);
  requireRank(graph, op, output, "output", 4);
  const [batches, inH, inW, channels] = input.shape;
  const [outB, outH, outW, outC] = output.shape;
  if (outB !== batches || outC !== channels) {
    opError(graph, op, `output [${output.shape.join(", ")}] does not keep the batch and depth of input [${input.shape.join(", ")}]`);
  }

  const strideH = positiveIntOption(graph, op, "strideH", 1);
  const strideW = positiveIntOption(graph, op, "strideW", 1);
  const filterH = positiveIntOption(graph, op, "filterHeight", 1);
  const filterW = positiveIntOption(graph, op, "filterWidth", 1);
  const padding = paddingOption(graph, op);
  const activation = activationOption(graph, op);
  const geo = computePaddingHeightWidth(strideH, strideW, 1, 1, inH, inW, filterH, filterW, padding);
  if (geo === null || geo.outH !== outH || geo.outW !== outW) {
    opError(graph, op, `output ${outH}x${outW} does not match ${padding} pooling of ${inH}x${inW} (expected ${geo ? `${geo.outH}x${geo.outW}` : "a valid size"})`);
  }
  // Every output position must see at least one input tap (TFLM fails at run time otherwise).
  if (geo.padH >= filterH || geo.padW >= filterW) opError(graph, op, "a pooling window lies entirely in the padding");

  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  if (Math.abs(Math.fround(inQ.scale - outQ.scale)) > 1e-6 || inQ.zeroPoint !== outQ.zeroPoint) {
    opError(graph, op, "input and output quantization must be the same (TFLite Micro requires it)");
  }
  const act = activationRange(activation, outQ.scale, outQ.zeroPoint);

  const params: AveragePool2dParams = {
    batches, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW,
    padH: geo.padH, padW: geo.padW, actMin: act.min, actMax: act.max,
  };
  return [{
    kernel: "average_pool_2d",
    fn: "averagePool2d",
    params: { ...params },
    args: [{ kind: "tensor", tensor: input.index }, { kind: "tensor", tensor: output.index }],
    macs: 0,
  }];
}

export const OPCODES: Record<string, LowerOp> = { AVERAGE_POOL_2D: lowerAveragePool2d };

export const NOTES: Record<string, string> = {
  AVERAGE_POOL_2D: "int8 NHWC, any filter size and stride, SAME or VALID padding (only in-bounds taps are averaged, rounding half away from zero), fused NONE/RELU/RELU6/RELU_N1_TO_1; input and output quantization must match.",
};
