/**
 * @fileoverview BATCH_MATMUL, int8 x int8 -> int8 with per-tensor quantization, with TFLite
 * Micro's reference semantics (micro/kernels/batch_matmul.cc + reference_ops::BatchMatMul):
 * out[m][n] = clamp(zp_out + MBQM(sum_k (lhs[m][k] - zp_lhs) * (rhs[k][n] - zp_rhs))), one
 * output multiplier, batch dimensions broadcast where one side has 1.
 *
 * TFLM transposes operands into temporary buffers (rhs unless adj_y, lhs when adj_x) and swaps
 * their roles for its GEMM; none of that changes a result, so this kernel reads both operands
 * in place through strides: lhs element (m, k) is lhs[batch + m*lhsRowStride + k*lhsDepthStride]
 * and rhs element (k, n) is rhs[batch + k*rhsDepthStride + n*rhsColStride], which covers adj_x
 * and adj_y. Batches are three dimensions (operands extended to rank 5, as TFLM does); a batch
 * stride of 0 broadcasts that operand.
 *
 * Written in the kernel subset (docs/subset.md). compiler/ops/batch_matmul.ts computes the record.
 * Array order: lhs, rhs, output [outB0, outB1, outB2, rows, cols] (row-major). The i32
 * accumulator wraps.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

export interface BatchMatmulParams {
  /** Output batch dimensions (rank 5 with leading ones). */
  outB0: i32;
  outB1: i32;
  outB2: i32;
  /** Element offset between consecutive matrices along each batch dimension (0 = broadcast). */
  lhsBatchStride0: i32;
  lhsBatchStride1: i32;
  lhsBatchStride2: i32;
  rhsBatchStride0: i32;
  rhsBatchStride1: i32;
  rhsBatchStride2: i32;
  /** M, K, N. */
  rows: i32;
  depth: i32;
  cols: i32;
  lhsRowStride: i32;
  lhsDepthStride: i32;
  rhsDepthStride: i32;
  rhsColStride: i32;
  /** -lhs_zero_point */
  lhsOffset: i32;
  /** -rhs_zero_point */
  rhsOffset: i32;
  /** output_zero_point */
  outputOffset: i32;
  multiplier: i32;
  shift: i32;
  actMin: i32;
  actMax: i32;
}

function matmul(p: BatchMatmulParams, lhs: Int8Array, lhsBase: i32, rhs: Int8Array, rhsBase: i32, output: Int8Array, outBase: i32): void {
  for (let m: i32 = 0; m < p.rows; m++) {
    const lhsRow: i32 = lhsBase + m * p.lhsRowStride;
    const outRow: i32 = outBase + m * p.cols;
    for (let n: i32 = 0; n < p.cols; n++) {
      const rhsCol: i32 = rhsBase + n * p.rhsColStride;
      let acc: i32 = 0;
      for (let k: i32 = 0; k < p.depth; k++) {
        const a: i32 = lhs[lhsRow + k * p.lhsDepthStride] + p.lhsOffset;
        const b: i32 = rhs[rhsCol + k * p.rhsDepthStride] + p.rhsOffset;
        acc = (acc + a * b) | 0;
      }
      acc = mbqm(acc, p.multiplier, p.shift);
      acc = (acc + p.outputOffset) | 0;
      acc = Math.max(acc, p.actMin);
      acc = Math.min(acc, p.actMax);
      output[outRow + n] = acc;
    }
  }
}

export function batchMatmul(p: BatchMatmulParams, lhs: Int8Array, rhs: Int8Array, output: Int8Array): void {
  const matrix: i32 = p.rows * p.cols;
  for (let b0: i32 = 0; b0 < p.outB0; b0++) {
    for (let b1: i32 = 0; b1 < p.outB1; b1++) {
      for (let b2: i32 = 0; b2 < p.outB2; b2++) {
        const lhsBase: i32 = b0 * p.lhsBatchStride0 + b1 * p.lhsBatchStride1 + b2 * p.lhsBatchStride2;
        const rhsBase: i32 = b0 * p.rhsBatchStride0 + b1 * p.rhsBatchStride1 + b2 * p.rhsBatchStride2;
        const outBase: i32 = ((b0 * p.outB1 + b1) * p.outB2 + b2) * matrix;
        matmul(p, lhs, lhsBase, rhs, rhsBase, output, outBase);
      }
    }
  }
}
