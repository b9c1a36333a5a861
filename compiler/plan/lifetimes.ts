/**
 * @fileoverview Buffer lifetimes: which arena buffers (tensors, scratch, in-place groups) a
 * lowered graph needs and over which steps each lives, and the offsets of grouped tensors once
 * the planner has placed their groups. Lifetimes are inclusive step ranges, a step being one
 * kernel call. A variable tensor (`Tensor.isVariable`, state kept across invocations) spans
 * every step, so its bytes are never reused.
 */
import { isConstant, tensorBytes, type Graph } from "../ir/graph.ts";
import { scratchId, type LoweredOp } from "../ir/calls.ts";
import type { Buffer, Placement } from "./planner.ts";
import type { Membership } from "./inplace.ts";

/**
 * Buffers (arena tensors and scratch) with their lifetimes over steps. With `groups`
 * (compiler/plan/inplace.ts), tensors that share memory become one buffer `g<root>` spanning
 * their members (placeMembers then gives each member its offset).
 */
export function collectBuffers(graph: Graph, lowered: LoweredOp[], groups?: Map<number, Membership>): Buffer[] {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (t: number, step: number): void => {
    if (t < 0 || isConstant(graph.tensors[t])) return;
    if (!first.has(t)) first.set(t, step);
    first.set(t, Math.min(first.get(t)!, step));
    last.set(t, Math.max(last.get(t) ?? step, step));
  };
  const buffers: Buffer[] = [];
  let step = 0;
  for (const t of graph.inputs) touch(t, 0);
  for (const { op, calls } of lowered) {
    const written = new Set<number>();
    for (const call of calls) {
      call.args.forEach((a, i) => {
        if (a.kind === "tensor") { touch(a.tensor, step); written.add(a.tensor); }
        if (a.kind === "scratch") buffers.push({ id: scratchId(call, step, i), bytes: a.bytes, first: step, last: step });
      });
      step++;
    }
    // An output no call writes (a fused op's intermediate, an alias) takes no memory here.
    for (const t of op.outputs) if (written.has(t)) touch(t, Math.max(0, step - 1));
    // An alias (an op without calls whose output shares its input's memory: RESHAPE) reads its
    // input between the last step and the next: the input's bytes are held through the last
    // step, or a step between the input's last other reader and the output's first reader
    // could be given the group's memory (a RESHAPE of a tensor two ops back).
    if (calls.length === 0 && groups) {
      const roots = new Set(op.outputs.flatMap((t) => (groups.has(t) ? [groups.get(t)!.root] : [])));
      for (const x of op.inputs) if (x >= 0 && first.has(x) && roots.has(groups.get(x)?.root ?? x)) touch(x, Math.max(0, step - 1));
    }
  }
  const end = Math.max(0, step - 1);
  for (const t of graph.outputs) touch(t, end);
  // Variable tensors (state kept across invocations) live over the whole program: no other
  // buffer ever shares their bytes, so they hold their value from one invocation to the next.
  for (const t of first.keys()) if (graph.tensors[t].isVariable) { first.set(t, 0); last.set(t, end); }
  const grouped = new Map<number, Buffer>();
  for (const [t, f] of first) {
    const m = groups?.get(t);
    const bytes = tensorBytes(graph.tensors[t]);
    if (!m) {
      buffers.push({ id: `t${t}`, bytes, first: f, last: last.get(t)! });
      continue;
    }
    const g = grouped.get(m.root) ?? { id: `g${m.root}`, bytes: 0, first: f, last: last.get(t)!, segments: [] };
    g.bytes = Math.max(g.bytes, m.offset + bytes);
    g.first = Math.min(g.first, f);
    g.last = Math.max(g.last, last.get(t)!);
    // Each member occupies its own part of the group only while it lives (a staircase).
    g.segments!.push({ first: f, last: last.get(t)!, lo: m.offset, hi: m.offset + bytes });
    grouped.set(m.root, g);
  }
  buffers.push(...grouped.values());
  return buffers;
}

/** Adds `t<i>` offsets for every grouped tensor: its group's offset plus its place in the group. */
export function placeMembers(placement: Placement, groups: Map<number, Membership>): void {
  for (const [t, m] of groups) {
    const base = placement.offsets.get(`g${m.root}`);
    if (base !== undefined) placement.offsets.set(`t${t}`, base + m.offset);
  }
}
