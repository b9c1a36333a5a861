/**
 * @fileoverview The hand-off between the op files and the in-place pass (compiler/plan/
 * inplace.ts): the typed context through which an op file's hooks decide in-place execution and
 * fusion for its own ops.
 *
 * An op file may export `IN_PLACE: Record<opcode, InPlaceHook>` and `FUSE: Record<opcode,
 * FuseHook>` (collected by compiler/ops/index.ts). The pass owns the generic machinery (groups of
 * tensors sharing memory, last uses, the notes); a hook only asks it questions (`dies`,
 * `sameMemory`, `bytes`) and tells it what to share (`share`), switching on its kernel's variants
 * through the call's record and named argument slots. Hooks never see group roots or offsets.
 */
import type { Graph, Op } from "./graph.ts";
import type { KernelCall } from "./calls.ts";

/** The pass's variants (compiler/plan/inplace.ts InPlaceOptions); hooks may consult them. */
export interface InPlaceVariant {
  /** A tensor may join a group it makes larger (a widening 1x1 convolution). */
  allowGrowth: boolean;
  /** A CONV_2D may write over its input row by row. */
  rows: boolean;
}

export interface InPlaceContext {
  graph: Graph;
  op: Op;
  /** The op's one kernel call (hooks run only for ops lowered to exactly one call); mutable. */
  call: KernelCall;
  /** Position of the op in execution order. */
  position: number;
  variant: InPlaceVariant;
  /** A non-constant int8 tensor (one the arena holds). */
  arenaTensor(t: number): boolean;
  bytes(t: number): number;
  /** True when no tensor sharing `t`'s memory is read after position `at` (default: this op). */
  dies(t: number, at?: number): boolean;
  /** True when `a` and `b` already share one group. */
  sameMemory(a: number, b: number): boolean;
  /**
   * `t` joins `over`'s group starting `delta` bytes after `over` (delta <= 0 places it before);
   * `note` says why, for reports.
   */
  share(t: number, over: number, delta: number, note: string): void;
  /** The op needs no call at all (its output aliases its input). */
  dropCalls(): void;
}

/** Decides in-place execution for one op of the opcode it is registered for. */
export type InPlaceHook = (ctx: InPlaceContext) => void;

export interface FuseContext {
  graph: Graph;
  /** The op the hook is registered for (its opcode) and its one call, which may absorb `next`. */
  op: Op;
  call: KernelCall;
  /** The op right after it and its one call. */
  next: Op;
  nextCall: KernelCall;
  /** Position of `next` in execution order. */
  position: number;
  /** Last position reading `t` (Infinity for a model output, -1 when never read). */
  lastUse(t: number): number;
}

/**
 * Folds `next` into `op`'s call when it can (mutating `call`), returning the note ("fused with
 * op 4 ADD (...)"); the pass then drops `next`'s calls. Undefined: no fusion.
 */
export type FuseHook = (ctx: FuseContext) => string | undefined;
