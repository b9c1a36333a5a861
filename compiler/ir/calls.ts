/**
 * @fileoverview The hand-off between op lowering and everything after it: a kernel call (which
 * kernel entry, its constant record, its array arguments) and a lowered op (an op with its calls).
 *
 * Lowering an op (compiler/ops/<op>.ts) does the TFLite "Prepare" step at compile time (in
 * double precision, as TFLite Micro does at init): it computes one constant parameter record
 * and names the arrays the kernel reads and writes. The planner, the build layer, the
 * TypeScript runner and both emitters consume the same `KernelCall`, so no backend derives
 * quantization, padding or offsets on its own.
 *
 * The array arguments are positional (emitters and runners pass them in order) but named once:
 * an op file exports each kernel entry's ordered slot names (`CONV_2D_SLOTS`, checked against
 * the kernel's parameter names by test/ops/contracts.test.ts) and builds the call with
 * `kernelCall` (compiler/ops/contract.ts), which records them as `KernelCall.slots`. Later passes
 * read and replace arguments by name (`argOf`, `tensorOf`, `setArg`), never by index.
 */
import type { Op } from "./graph.ts";

/** One array argument of a kernel call, in the kernel function's parameter order (after the record). */
export type KernelArg =
  /** A graph tensor: constant (flash) when it has data, otherwise an arena buffer. */
  | { kind: "tensor"; tensor: number }
  /** Compile-time constant data made by lowering (per-channel multipliers, shifts, zero bias...). */
  | { kind: "const"; name: string; elem: "i8" | "i16" | "i32" | "u8" | "f32"; data: number[] }
  /** Scratch memory in the arena, live only during this call (e.g. im2col). */
  | { kind: "scratch"; bytes: number; elem: "i8" | "i16" | "i32" | "f32" };

export interface KernelCall {
  /**
   * Kernel module stem in kernels/, e.g. "fully_connected" for kernels/fully_connected.ts, or
   * "signal/<name>" for <repo>/signal/<name>.ts, or a user kernel's absolute path without ".ts"
   * (`--kernels DIR`; compiler/paths.ts kernelFile).
   */
  kernel: string;
  /** Exported function name in that module. */
  fn: string;
  /** The constant parameter record (every field an integer that fits in i32). */
  params: Record<string, number>;
  args: KernelArg[];
  /**
   * The kernel's array parameter names, one per `args` entry, in order. Absent only for calls an
   * op file still builds positionally (the fallback): such a call works everywhere except
   * through `argOf`/`setArg`, which then fail.
   */
  slots?: readonly string[];
  /** Multiply-accumulates this call performs (for reports); 0 when not meaningful. */
  macs: number;
  /**
   * The kernel variant the lowering chose from the layer's constants, for reports (`mote
   * profile`): e.g. "gemm 2x2 int8 w, cheap requant". Absent for single-variant kernels.
   */
  variant?: string;
}

/** One op of the graph with the kernel calls that execute it (none for an alias). */
export interface LoweredOp {
  op: Op;
  calls: KernelCall[];
  /** Lowered by a user's lowering (`--kernels DIR`): Mote's in-place and fusion hooks leave it alone. */
  user?: true;
}

function slotIndex(call: KernelCall, name: string): number {
  const i = call.slots?.indexOf(name) ?? -1;
  if (i < 0) throw new Error(`internal: ${call.kernel}.${call.fn} has no argument slot '${name}' (slots: ${call.slots?.join(", ") ?? "none recorded"})`);
  return i;
}

/** The argument in slot `name` (an internal Error when the call has no such slot). */
export function argOf(call: KernelCall, name: string): KernelArg {
  return call.args[slotIndex(call, name)];
}

/** The tensor index in slot `name`, or -1 when that argument is not a graph tensor. */
export function tensorOf(call: KernelCall, name: string): number {
  const a = argOf(call, name);
  return a.kind === "tensor" ? a.tensor : -1;
}

/** Replaces the argument in slot `name`. */
export function setArg(call: KernelCall, name: string, arg: KernelArg): void {
  call.args[slotIndex(call, name)] = arg;
}

/**
 * The planner's id of the scratch buffer in argument `arg` of the call at step `step`: `s<step>`
 * for the call's first scratch argument, `s<step>.<arg>` for any further one (a kernel may take
 * several scratch buffers, each planned on its own).
 */
export function scratchId(call: KernelCall, step: number, arg: number): string {
  const first = call.args.findIndex((a) => a.kind === "scratch");
  return arg === first ? `s${step}` : `s${step}.${arg}`;
}
