/**
 * @fileoverview The hand-off between op lowering and everything after it: a kernel call (which
 * kernel entry, its constant record, its array arguments) and a lowered op (an op with its calls).
 *
 * Lowering an op (compiler/ops/<op>.ts) does the TFLite "Prepare" step at compile time (in
 * double precision, as TFLite Micro does at init): it computes one constant parameter record
 * and names the arrays the kernel reads and writes. The planner, the build layer, the
 * TypeScript runner and both emitters consume the same `KernelCall`, so no backend derives
 * quantization, padding or offsets on its own.
 */
import type { Op } from "./graph.ts";

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

/** One op of the graph with the kernel calls that execute it (none for an alias). */
export interface LoweredOp {
  op: Op;
  calls: KernelCall[];
}
