/**
 * @fileoverview Lowers BATCH_MATMUL (int8 lhs and rhs, runtime or constant, per-tensor
 * quantization with any zero points; int8 output) to one call of kernels/batch_matmul.ts, doing
 * TFLite Micro's BatchMatMulPrepare at compile time (micro/kernels/batch_matmul.cc,
 * batch_matmul_common.cc, tflite-micro 90b983c2):
 * - ranks 2..5; both operands extended with leading ones to the larger rank, batch dimensions
 *   must be equal or 1 (broadcast);
 * - adj_x / adj_y transpose the last two dimensions of lhs / rhs; the contracted dimensions must
 *   match; the output is [broadcast batches..., M, N] and TFLM only checks its element count;
 * - one multiplier from GetQuantizedConvolutionMultipler(lhs, rhs, output):
 *   double(float(lhs_scale * rhs_scale)) / double(output_scale); no fused activation (the clamp
 *   is the int8 range); offsets -zp_lhs, -zp_rhs, zp_out.
 * TFLM's transposed copies, operand swap and batch flattening do not change any result, so the
 * kernel reads the operands in place through strides (adj flags become strides here).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { BatchMatmulParams } from "../../kernels/batch_matmul.ts";
import { boolOption, inputTensor, opError, outputTensor, product, requireDType, tensorQuant } from "./operands.ts";
import { perTensorConvScale, quantizeMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { kernelCall, type KernelContract } from "./contract.ts";

/** kernels/batch_matmul.ts's array parameters, in order. */
export const BATCH_MATMUL_SLOTS = ["lhs", "rhs", "output"] as const;

const shapeText = (s: readonly number[]): string => `[${s.join(", ")}]`;

export function lowerBatchMatmul(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (lhs, rhs), got ${op.inputs.length}`);
  const lhs = inputTensor(graph, op, 0, "lhs");
  const rhs = inputTensor(graph, op, 1, "rhs");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, lhs, "lhs", "int8");
  requireDType(graph, op, rhs, "rhs", "int8");
  requireDType(graph, op, output, "output", "int8");
  for (const [t, role] of [[lhs, "lhs"], [rhs, "rhs"]] as const) {
    if (t.shape.length < 2 || t.shape.length > 5) {
      opError(graph, op, `${role} tensor ${t.index} (${t.name}) has shape ${shapeText(t.shape)}; BATCH_MATMUL supports ranks 2 to 5`);
    }
  }
  const adjX = boolOption(op, "adjX");
  const adjY = boolOption(op, "adjY");

  // Both operands as rank 5 (leading ones), as reference_ops::BatchMatMul extends them.
  const ext = (s: readonly number[]): number[] => [...new Array<number>(5 - s.length).fill(1), ...s];
  const l = ext(lhs.shape);
  const r = ext(rhs.shape);
  const rows = adjX ? l[4] : l[3];
  const depth = adjX ? l[3] : l[4];
  const rhsDepth = adjY ? r[4] : r[3];
  const cols = adjY ? r[3] : r[4];
  if (depth !== rhsDepth) {
    opError(
      graph, op,
      `lhs ${shapeText(lhs.shape)}${adjX ? " (adj_x)" : ""} contracts ${depth} elements but rhs ${shapeText(rhs.shape)}${adjY ? " (adj_y)" : ""} has ${rhsDepth}`,
    );
  }
  const outBatch: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (l[i] !== r[i] && l[i] !== 1 && r[i] !== 1) {
      opError(graph, op, `batch dimensions of lhs ${shapeText(lhs.shape)} and rhs ${shapeText(rhs.shape)} do not broadcast`);
    }
    outBatch.push(l[i] === 1 ? r[i] : l[i]);
  }
  const outputRank = Math.max(lhs.shape.length, rhs.shape.length);
  const expected = [...outBatch.slice(3 - (outputRank - 2)), rows, cols];
  if (output.shape.length < outputRank || product(output.shape) !== product(expected)) {
    opError(graph, op, `output shape ${shapeText(output.shape)} does not match the product's ${shapeText(expected)}`);
  }

  const lhsQ = tensorQuant(graph, op, lhs, "lhs");
  const rhsQ = tensorQuant(graph, op, rhs, "rhs");
  const outQ = tensorQuant(graph, op, output, "output");
  const q = quantizeMultiplier(perTensorConvScale(lhsQ.scale, rhsQ.scale, outQ.scale));

  // Element strides of consecutive matrices along each batch dimension; 0 broadcasts.
  const batchStrides = (dims: number[], matrix: number): number[] => {
    const s = [0, 0, 0];
    let size = matrix;
    for (let i = 2; i >= 0; i--) {
      s[i] = dims[i] === 1 ? 0 : size;
      size *= dims[i];
    }
    return s;
  };
  const lhsStrides = batchStrides(l, rows * depth);
  const rhsStrides = batchStrides(r, depth * cols);

  const params: BatchMatmulParams = {
    outB0: outBatch[0], outB1: outBatch[1], outB2: outBatch[2],
    lhsBatchStride0: lhsStrides[0], lhsBatchStride1: lhsStrides[1], lhsBatchStride2: lhsStrides[2],
    rhsBatchStride0: rhsStrides[0], rhsBatchStride1: rhsStrides[1], rhsBatchStride2: rhsStrides[2],
    rows, depth, cols,
    // lhs is [M, K] row-major, or [K, M] with adj_x; rhs is [K, N], or [N, K] with adj_y.
    lhsRowStride: adjX ? 1 : depth,
    lhsDepthStride: adjX ? rows : 1,
    rhsDepthStride: adjY ? 1 : cols,
    rhsColStride: adjY ? depth : 1,
    lhsOffset: -lhsQ.zeroPoint,
    rhsOffset: -rhsQ.zeroPoint,
    outputOffset: outQ.zeroPoint,
    multiplier: q.multiplier,
    shift: q.shift,
    actMin: -128,
    actMax: 127,
  };
  const macs = product(outBatch) * rows * depth * cols;
  return [kernelCall("batch_matmul", "batchMatmul", BATCH_MATMUL_SLOTS, params, {
    lhs: { kind: "tensor", tensor: lhs.index },
    rhs: { kind: "tensor", tensor: rhs.index },
    output: { kind: "tensor", tensor: output.index },
  }, macs)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "batch_matmul", fn: "batchMatmul", slots: BATCH_MATMUL_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { BATCH_MATMUL: lowerBatchMatmul };

export const NOTES: Record<string, string> = {
  BATCH_MATMUL:
    "int8 lhs/rhs (runtime or constant) and output, per-tensor quantization with any zero points, adj_x/adj_y, ranks 2 to 5 with broadcast batch dimensions; no int16 or hybrid (float) variants.",
};
