/**
 * @fileoverview The contract between op lowering and every backend.
 *
 * Lowering an op (compiler/ops/<op>.ts) does the TFLite "Prepare" step at compile time (in
 * double precision, as TFLite Micro does at init): it computes one constant parameter record
 * and names the arrays the kernel reads and writes. The TypeScript runner, the C emitter and the
 * WASM emitter all consume the same `KernelCall`, so no backend derives quantization, padding or
 * offsets on its own.
 */
import type { Graph, Op } from "../ir/graph.ts";

/** One array argument of a kernel call, in the kernel function's parameter order (after the record). */
export type KernelArg =
  /** A graph tensor: constant (flash) when it has data, otherwise an arena buffer. */
  | { kind: "tensor"; tensor: number }
  /** Compile-time constant data made by lowering (per-channel multipliers, shifts, zero bias...). */
  | { kind: "const"; name: string; elem: "i8" | "i16" | "i32" | "u8" | "f32"; data: number[] }
  /** Scratch memory in the arena, live only during this call (e.g. im2col). */
  | { kind: "scratch"; bytes: number; elem: "i8" | "i16" | "i32" };

export interface KernelCall {
  /** Kernel module stem in kernels/, e.g. "fully_connected" for kernels/fully_connected.ts. */
  kernel: string;
  /** Exported function name in that module. */
  fn: string;
  /** The constant parameter record (every field an integer that fits in i32). */
  params: Record<string, number>;
  args: KernelArg[];
  /** Multiply-accumulates this call performs (for reports); 0 when not meaningful. */
  macs: number;
}

/** How to lower (lowerGraph's options; an op lowering may ignore them). */
export interface LowerOptions {
  /**
   * Test infrastructure: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED call their plain TFLM-shaped
   * kernels (`conv2dReference`, ... in kernels/) with the model's bias (hasBias 0/1, no folding)
   * instead of the fast entries, on every target. test/kernels/reference.test.ts checks the fast
   * kernels against them.
   */
  reference?: boolean;
}

/** Lowers one op to the kernel calls that execute it (RESHAPE may lower to a copy). */
export type LowerOp = (graph: Graph, op: Op, opts?: LowerOptions) => KernelCall[];
