/**
 * @fileoverview TFLite Micro's PoolingPrepare (micro/kernels/pooling_common.cc), shared by
 * AVERAGE_POOL_2D and MAX_POOL_2D: int8 (or int16: the kernels' *16 entries) NHWC tensors that keep batch and depth, padding from
 * ComputePaddingHeightWidth (dilation 1), input and output quantization equal (TFLM: |scale
 * difference| <= 1e-6, same zero point), the fused activation as a clamp in the output domain.
 * The result is the record both pooling kernels take (their params interfaces have the same
 * fields), and the input and output tensors.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { AveragePool2dParams } from "../../kernels/average_pool_2d.ts";
import { activationRange } from "./activation.ts";
import {
  activationOption, inputTensor, opError, outputTensor, paddingOption, positiveIntOption, requireDType,
  requireRank, tensorQuant,
} from "./operands.ts";
import { computePaddingHeightWidth } from "./padding.ts";

export function poolingPrepare(graph: Graph, op: Op): { params: AveragePool2dParams; input: Tensor; output: Tensor; int16: boolean } {
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8", "int16");
  requireDType(graph, op, output, "output", input.dtype);
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

  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  if (Math.abs(Math.fround(inQ.scale - outQ.scale)) > 1e-6 || inQ.zeroPoint !== outQ.zeroPoint) {
    opError(graph, op, "input and output quantization must be the same (TFLite Micro requires it)");
  }
  const act = activationRange(activation, outQ.scale, outQ.zeroPoint, input.dtype);
  const params: AveragePool2dParams = {
    batches, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW,
    padH: geo.padH, padW: geo.padW, actMin: act.min, actMax: act.max,
  };
  return { params, input, output, int16: input.dtype === "int16" };
}
