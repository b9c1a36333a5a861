/**
 * @fileoverview In-place execution: decides which tensors share memory inside one op, and
 * switches on the kernel variants that make the sharing safe. Runs on the lowered graph (kernel
 * calls in execution order) before planning, so planners see plain buffers: each buffer is a
 * *group* of tensors, every member at a fixed offset inside the group.
 *
 * This file is the generic machinery; what may be shared is decided by the op files' hooks
 * (compiler/ir/hooks.ts, collected by compiler/ops/index.ts), so nothing here names an opcode, a
 * kernel or an argument slot. In this order:
 *  1. Fusion: for each op with a FUSE hook and the op right after it (both lowered to one call),
 *     the hook may fold the second into the first's call; the second's calls are dropped
 *     (CONV_2D absorbs a residual ADD: compiler/ops/conv_2d.ts).
 *  2. Sharing, op by op, for ops lowered to one call with an IN_PLACE hook: the hook asks whether
 *     a tensor's memory is dead after the op (no later reader of any tensor in its group, not a
 *     model output) and lets the output join that group (RESHAPE / SQUEEZE alias their input;
 *     element-wise ops write over a same-size input; depthwise and 1x1 / row-by-row
 *     convolutions write over their input through a scratch buffer; a fused convolution over its
 *     skip input).
 * The TypeScript runner does not use this pass (every tensor its own array), so the reference
 * checks the in-place kernels on every other target.
 *
 * Invariants: members of a group are never live with conflicting contents: a tensor joins a
 * group only at the op where every earlier member is read for the last time (or, for an alias,
 * holds the same bytes). Every member starts at the same offset as the tensor it overwrites
 * plus the hook's delta (0 but for the row-by-row convolution). The planner sees a group as a
 * staircase (compiler/plan/planner.ts): each member's bytes only while it lives.
 */
import { isConstant, tensorBytes, type Graph } from "../ir/graph.ts";
import type { KernelCall, LoweredOp } from "../ir/calls.ts";
import type { InPlaceContext, InPlaceVariant } from "../ir/hooks.ts";
import { FUSE_HOOKS, IN_PLACE_HOOKS } from "../ops/index.ts";
import { lowerBound, type Buffer } from "./planner.ts";
import { collectBuffers } from "./lifetimes.ts";

/** Where a tensor lives: inside the group of `root`, `offset` bytes from the group's start. */
export interface Membership {
  root: number;
  offset: number;
}

export interface InPlaceResult {
  /** The calls after fusion and variant selection (same ops, in the same order). */
  lowered: LoweredOp[];
  /** Every non-constant tensor that shares memory with another one. */
  groups: Map<number, Membership>;
  /** One line per decision, for reports: "op 3 DEPTHWISE_CONV_2D: in place (plane 125 B)". */
  notes: string[];
}

function cloneCall(c: KernelCall): KernelCall {
  return { ...c, params: { ...c.params }, args: c.args.map((a) => ({ ...a })) };
}

export interface InPlaceOptions {
  /**
   * Let a tensor join a group it makes larger (a widening 1x1 convolution). A group is planned
   * as one block for its whole life, so growth can cost more than it saves: the caller tries
   * both and keeps the smaller plan.
   */
  allowGrowth?: boolean;
  /**
   * Let any other CONV_2D (batch 1) write over its input row by row through a row buffer, with
   * its output placed so that a finished output row never covers an input row a later one reads.
   */
  rows?: boolean;
}

export function applyInPlace(graph: Graph, original: LoweredOp[], options: InPlaceOptions = {}): InPlaceResult {
  const variant: InPlaceVariant = { allowGrowth: options.allowGrowth ?? true, rows: options.rows ?? true };
  const lowered: LoweredOp[] = original.map((l) => ({ ...l, calls: l.calls.map(cloneCall) }));
  const notes: string[] = [];
  const isOutput = new Set(graph.outputs);

  // Last op position reading each tensor (model outputs are read "after the end").
  const lastUse = new Map<number, number>();
  lowered.forEach(({ calls }, k) => {
    for (const c of calls) for (const a of c.args) if (a.kind === "tensor" && a.tensor >= 0) lastUse.set(a.tensor, k);
  });
  for (const t of graph.outputs) lastUse.set(t, Infinity);

  fuse(graph, lowered, lastUse, notes);

  // Groups: root -> members with offsets; tensor -> membership.
  const members = new Map<number, Map<number, number>>();
  const groupOf = new Map<number, number>();
  const rootOf = (t: number): number => groupOf.get(t) ?? t;
  const offsetOf = (t: number): number => members.get(rootOf(t))?.get(t) ?? 0;
  const join = (t: number, other: number, offset: number): void => {
    const root = rootOf(other);
    let m = members.get(root);
    if (!m) {
      m = new Map([[root, 0]]);
      members.set(root, m);
    }
    m.set(t, offset);
    groupOf.set(t, root);
    if (offset < 0) for (const [x, o] of m) m.set(x, o - offset);
  };
  /** True when no tensor sharing `t`'s memory is read after op position `k`. */
  const diesAt = (t: number, k: number): boolean => {
    const root = rootOf(t);
    const all = members.get(root) ?? new Map([[t, 0]]);
    for (const x of all.keys()) if (isOutput.has(x) || graph.tensors[x]?.isVariable || (lastUse.get(x) ?? -1) > k) return false;
    return true;
  };
  // Variable tensors (state kept across invocations) never share memory with another tensor.
  const arenaTensor = (t: number): boolean =>
    t >= 0 && !isConstant(graph.tensors[t]) && !graph.tensors[t].isVariable && graph.tensors[t].dtype === "int8";
  const bytes = (t: number): number => tensorBytes(graph.tensors[t]);

  lowered.forEach((l, k) => {
    const hook = IN_PLACE_HOOKS[l.op.opcode];
    // A user's lowering (an override of a builtin) owns its calls: Mote's hook knows only its own.
    if (!hook || l.user || l.calls.length !== 1) return;
    const label = `op ${l.op.index} ${l.op.opcode}`;
    const ctx: InPlaceContext = {
      graph, op: l.op, call: l.calls[0], position: k, variant, arenaTensor, bytes,
      dies: (t, at = k) => diesAt(t, at),
      sameMemory: (a, b) => rootOf(a) === rootOf(b),
      share: (t, over, delta, note) => {
        join(t, over, offsetOf(over) + delta);
        notes.push(`${label}: ${note}`);
      },
      dropCalls: () => {
        l.calls = [];
      },
    };
    hook(ctx);
  });

  const groups = new Map<number, Membership>();
  for (const [root, m] of members) for (const [t, offset] of m) groups.set(t, { root, offset });
  return { lowered, groups, notes };
}

/** Step 1: an op with a FUSE hook may absorb the op right after it. */
function fuse(graph: Graph, lowered: LoweredOp[], lastUse: Map<number, number>, notes: string[]): void {
  for (let k = 1; k < lowered.length; k++) {
    const first = lowered[k - 1];
    const next = lowered[k];
    const hook = FUSE_HOOKS[first.op.opcode];
    if (!hook || first.user || next.user || first.calls.length !== 1 || next.calls.length !== 1) continue;
    const note = hook({
      graph, op: first.op, call: first.calls[0], next: next.op, nextCall: next.calls[0], position: k,
      lastUse: (t) => lastUse.get(t) ?? -1,
    });
    if (note === undefined) continue;
    next.calls = [];
    notes.push(`op ${first.op.index} ${first.op.opcode}: ${note}`);
  }
}

/**
 * In-place execution with and without groups that grow (this file), keeping the
 * variant with the smaller layer-wise bound; none at all when neither beats plain planning.
 */
export function bestInPlace(graph: Graph, lowered: LoweredOp[], plainBound: number): { r: InPlaceResult; buffers: Buffer[] } | undefined {
  let best: { r: InPlaceResult; buffers: Buffer[]; bound: number } | undefined;
  // Simplest first: a later variant must be strictly smaller to be kept.
  const variants = [{ allowGrowth: true, rows: false }, { allowGrowth: true, rows: true }, { allowGrowth: false, rows: false }, { allowGrowth: false, rows: true }];
  for (const v of variants) {
    const r = applyInPlace(graph, lowered, v);
    const buffers = collectBuffers(graph, r.lowered, r.groups);
    const bound = lowerBound(buffers);
    if (!best || bound < best.bound) best = { r, buffers, bound };
  }
  return best && best.bound <= plainBound ? best : undefined;
}
