/**
 * @fileoverview Lowers SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (int8, NHWC, or NHC taken as
 * NH1C as TFLite Micro does) to one call of the gather-by-index-table kernel (kernels/gather.ts):
 * the table holds, per output pixel, the input offset of its `depth` bytes, computed here with
 * reference_ops::SpaceToBatchND / BatchToSpaceND's index arithmetic. Block shape and paddings /
 * crops are constant int32 tensors.
 *
 * SPACE_TO_BATCH_ND's padded pixels: TFLM fills them with SpaceToBatchParams.output_offset, but
 * micro/kernels/space_to_batch_nd.cc never sets that field (a zeroed persistent buffer), so the
 * padding is raw 0, not the output zero point; golden-ops-2's space_to_batch_nd_pad shows
 * exactly that, and Mote writes 0 too.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import { constInt32s, inputTensor, opError, outputTensor, requireDType } from "./operands.ts";
import { gatherCall, requireShape } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

interface Operands {
  input: Tensor;
  output: Tensor;
  /** Input as [b, h, w, c] (NHC extended with w = 1). */
  inShape: number[];
  rank: number;
  bh: number;
  bw: number;
  /** Top, bottom, left, right paddings (SPACE_TO_BATCH_ND) or crops (BATCH_TO_SPACE_ND). */
  edge: [number, number, number, number];
}

function operands(graph: Graph, op: Op, edgeRole: string): Operands {
  if (op.inputs.length !== 3) opError(graph, op, `expects 3 inputs (input, block_shape, ${edgeRole}), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  if (rank < 3 || rank > 4) opError(graph, op, `input has rank ${rank}; TFLite Micro supports rank 3 or 4`);
  const spatial = rank - 2;
  const block = constInt32s(graph, op, inputTensor(graph, op, 1, "block_shape"), "block_shape", spatial);
  const edges = constInt32s(graph, op, inputTensor(graph, op, 2, edgeRole), edgeRole, 2 * spatial);
  if (block.some((b) => b < 1)) opError(graph, op, `block_shape [${block.join(", ")}] must be positive`);
  if (edges.some((e) => e < 0)) opError(graph, op, `${edgeRole} [${edges.join(", ")}] must not be negative`);
  const [b, h] = input.shape;
  const w = rank === 4 ? input.shape[2] : 1;
  const c = input.shape[rank - 1];
  return {
    input, output, rank, inShape: [b, h, w, c], bh: block[0], bw: rank === 4 ? block[1] : 1,
    edge: [edges[0], edges[1], rank === 4 ? edges[2] : 0, rank === 4 ? edges[3] : 0],
  };
}

/** [b, h, w, c] back to the tensor's rank (w dropped for rank 3). */
const unextend = (s: number[], rank: number): number[] => (rank === 4 ? s : [s[0], s[1], s[3]]);

function lowerSpaceToBatchNd(graph: Graph, op: Op): KernelCall[] {
  const { input, output, rank, inShape: [ib, ih, iw, c], bh, bw, edge: [pt, pb, pl, pr] } = operands(graph, op, "paddings");
  if ((ih + pt + pb) % bh !== 0 || (iw + pl + pr) % bw !== 0) {
    opError(graph, op, `padded height ${ih + pt + pb} and width ${iw + pl + pr} must be multiples of the block [${bh}, ${bw}]`);
  }
  const ob = ib * bh * bw;
  const oh = (ih + pt + pb) / bh;
  const ow = (iw + pl + pr) / bw;
  requireShape(graph, op, output, "output", unextend([ob, oh, ow, c], rank), "block_shape and paddings");
  const index: number[] = [];
  for (let b = 0; b < ob; b++) {
    const inB = b % ib;
    const shiftW = Math.floor(b / ib) % bw;
    const shiftH = Math.floor(Math.floor(b / ib) / bw);
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const sy = y * bh + shiftH - pt;
        const sx = x * bw + shiftW - pl;
        index.push(sy < 0 || sy >= ih || sx < 0 || sx >= iw ? -1 : ((inB * ih + sy) * iw + sx) * c);
      }
    }
  }
  return [gatherCall(op, input, output, index, 1, c, ib * ih * iw * c, 0)];
}

function lowerBatchToSpaceNd(graph: Graph, op: Op): KernelCall[] {
  const { input, output, rank, inShape: [ib, ih, iw, c], bh, bw, edge: [ct, cb, cl, cr] } = operands(graph, op, "crops");
  if (ib % (bh * bw) !== 0) opError(graph, op, `input batch ${ib} must be a multiple of the block size ${bh * bw}`);
  const ob = ib / (bh * bw);
  const oh = ih * bh - ct - cb;
  const ow = iw * bw - cl - cr;
  if (oh < 1 || ow < 1) opError(graph, op, `crops [${ct}, ${cb}, ${cl}, ${cr}] leave an empty output`);
  requireShape(graph, op, output, "output", unextend([ob, oh, ow, c], rank), "block_shape and crops");
  const index: number[] = [];
  for (let b = 0; b < ob; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        // Inverse of out_h = in_h * bh + offset / bw - crop_top (and likewise for w).
        const inB = ((y + ct) % bh * bw + (x + cl) % bw) * ob + b;
        const sy = Math.floor((y + ct) / bh);
        const sx = Math.floor((x + cl) / bw);
        index.push(((inB * ih + sy) * iw + sx) * c);
      }
    }
  }
  return [gatherCall(op, input, output, index, 1, c, ib * ih * iw * c)];
}

export const OPCODES: Record<string, LowerOp> = { SPACE_TO_BATCH_ND: lowerSpaceToBatchNd, BATCH_TO_SPACE_ND: lowerBatchToSpaceNd };

export const NOTES: Record<string, string> = {
  SPACE_TO_BATCH_ND: "int8, rank 3 or 4, constant int32 block_shape and paddings; padding is raw 0 as TFLite Micro writes it (not the zero point); an index table in flash (one int32 per output pixel).",
  BATCH_TO_SPACE_ND: "int8, rank 3 or 4, constant int32 block_shape and crops; an index table in flash (one int32 per output pixel).",
};
