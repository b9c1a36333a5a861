/**
 * @fileoverview In-place execution: decides which tensors share memory inside one op, and
 * switches on the kernel variants that make the sharing safe. Runs on the lowered graph (kernel
 * calls in execution order) before planning, so planners see plain buffers: each buffer is a
 * *group* of tensors, every member at a fixed offset inside the group.
 *
 * What it does, in this order:
 *  1. Fusion: a residual ADD whose one input is produced by the CONV_2D right before it (and used
 *     by nothing else) is folded into that convolution (`fuseAdd`, kernels/conv_2d.ts): the
 *     convolution's output tensor never exists.
 *  2. Sharing, op by op, when the input's memory is dead after the op (no later reader of any
 *     tensor in its group, not a model output):
 *     - RESHAPE / SQUEEZE: the output *is* the input (no copy, whether or not the input dies);
 *     - element-wise ops (ADD, MUL, RELU, LOGISTIC, ...): output over a same-size input, since
 *       each output element is written after its own input element is read;
 *     - DEPTHWISE_CONV_2D (depth multiplier 1, output no larger): output over the input with a
 *       per-channel plane buffer (TinyEngine, Lin et al. 2020, "MCUNet", in-place depthwise);
 *     - 1x1 CONV_2D, stride 1: output over the input with a per-pixel buffer; a wider output
 *       is computed from the last pixel backward so no unread pixel is overwritten;
 *     - any other CONV_2D (batch 1): output over the input row by row through a row buffer,
 *       the output starting early enough that a finished row never covers an input row still
 *       to be read (vww's first layer: 27 KB in, 18 KB out, in 27 KB);
 *     - a fused CONV_2D + ADD writes over its skip input when the skip input dies there.
 * The TypeScript runner does not use this pass (every tensor its own array), so the reference
 * checks the in-place kernels on every other target.
 *
 * Invariants: members of a group are never live with conflicting contents: a tensor joins a
 * group only at the op where every earlier member is read for the last time (or, for an alias,
 * holds the same bytes). Every member starts at the same offset as the tensor it overwrites,
 * so members' offsets are 0 unless `join` is given another one. The planner sees a group as a
 * staircase (compiler/plan/planner.ts): each member's bytes only while it lives.
 */
import { isConstant, tensorBytes, type Graph } from "../ir/graph.ts";
import type { LoweredOp } from "../ir/calls.ts";
import { setArg, tensorOf, type KernelCall } from "../ir/calls.ts";
import { lowerBound, type Buffer } from "./planner.ts";
import { collectBuffers } from "./lifetimes.ts";
import { BROADCAST_NONE, SUBTRACT_NONE } from "../../kernels/add.ts";
import {
  FUSE_ADD, FUSE_NONE, INPLACE_PIXEL_BACKWARD, INPLACE_PIXEL_FORWARD, INPLACE_ROWS,
} from "../../kernels/conv_2d.ts";
import { INPLACE_PLANE } from "../../kernels/depthwise_conv_2d.ts";

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

/** Ops whose kernels write output[i] only after reading input element i (and nothing later). */
const ELEMENTWISE = new Set([
  "ADD", "SUB", "MUL", "MAXIMUM", "MINIMUM", "RELU", "RELU6", "LEAKY_RELU", "LOGISTIC", "TANH",
  "HARD_SWISH", "ELU", "PRELU", "QUANTIZE",
]);

const ALIASES = new Set(["RESHAPE", "SQUEEZE"]);

function cloneCall(c: KernelCall): KernelCall {
  return { ...c, params: { ...c.params }, args: c.args.map((a) => ({ ...a })) };
}

function tensorArg(call: KernelCall, i: number): number {
  const a = call.args[i];
  return a?.kind === "tensor" ? a.tensor : -1;
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
  const allowGrowth = options.allowGrowth ?? true;
  const rows = options.rows ?? true;
  const lowered: LoweredOp[] = original.map((l) => ({ op: l.op, calls: l.calls.map(cloneCall) }));
  const notes: string[] = [];
  const isOutput = new Set(graph.outputs);

  // Last op position reading each tensor (model outputs are read "after the end").
  const lastUse = new Map<number, number>();
  lowered.forEach(({ calls }, k) => {
    for (const c of calls) for (const a of c.args) if (a.kind === "tensor" && a.tensor >= 0) lastUse.set(a.tensor, k);
  });
  for (const t of graph.outputs) lastUse.set(t, Infinity);

  fuseResidualAdds(graph, lowered, lastUse, notes);

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
    for (const x of all.keys()) if (isOutput.has(x) || (lastUse.get(x) ?? -1) > k) return false;
    return true;
  };
  const arenaTensor = (t: number): boolean => t >= 0 && !isConstant(graph.tensors[t]) && graph.tensors[t].dtype === "int8";

  lowered.forEach((l, k) => {
    const { op } = l;
    const label = `op ${op.index} ${op.opcode}`;
    if (ALIASES.has(op.opcode) && l.calls.length === 1 && l.calls[0].kernel === "reshape") {
      const [input, output] = [tensorArg(l.calls[0], 0), tensorArg(l.calls[0], 1)];
      if (arenaTensor(input) && arenaTensor(output) && tensorBytes(graph.tensors[input]) === tensorBytes(graph.tensors[output])) {
        join(output, input, offsetOf(input));
        l.calls = [];
        notes.push(`${label}: output aliases input t${input} (no copy)`);
      }
      return;
    }
    if (l.calls.length !== 1) return;
    const call = l.calls[0];
    if (call.kernel === "conv_2d" && call.params.fuseAdd === FUSE_ADD) {
      const skip = tensorOf(call, "skip");
      const output = tensorOf(call, "output");
      const input = tensorOf(call, "input");
      // The skip input's last reader was the (now empty) ADD right after this op. Writing over it
      // is safe only when it is not also the convolution's input (whose pixels are read again).
      if (arenaTensor(skip) && rootOf(skip) !== rootOf(input) && diesAt(skip, k + 1) &&
          tensorBytes(graph.tensors[skip]) === tensorBytes(graph.tensors[output])) {
        join(output, skip, offsetOf(skip));
        notes.push(`${label}: fused ADD writes over its skip input t${skip}`);
      }
      return;
    }
    if (call.kernel === "depthwise_conv_2d") {
      const p = call.params;
      const input = tensorOf(call, "input");
      const output = tensorOf(call, "output");
      if (p.depthMultiplier === 1 && arenaTensor(input) && diesAt(input, k) &&
          tensorBytes(graph.tensors[output]) <= tensorBytes(graph.tensors[input])) {
        p.inPlace = INPLACE_PLANE;
        setArg(call, "plane", { kind: "scratch", bytes: p.inH * p.inW, elem: "i8" });
        join(output, input, offsetOf(input));
        notes.push(`${label}: in place over t${input} (plane buffer ${p.inH * p.inW} B)`);
      }
      return;
    }
    if (call.kernel === "conv_2d") {
      const p = call.params;
      const input = tensorOf(call, "input");
      const output = tensorOf(call, "output");
      const pointwise = p.filterH === 1 && p.filterW === 1 && p.strideH === 1 && p.strideW === 1 &&
        p.padH === 0 && p.padW === 0 && p.filterInC === p.inC && p.outH === p.inH && p.outW === p.inW;
      const grow = tensorBytes(graph.tensors[output]) - tensorBytes(graph.tensors[input]);
      if (pointwise && arenaTensor(input) && diesAt(input, k) && (allowGrowth || grow <= 0)) {
        p.inPlace = grow > 0 ? INPLACE_PIXEL_BACKWARD : INPLACE_PIXEL_FORWARD;
        setArg(call, "pixel", { kind: "scratch", bytes: p.inC, elem: "i8" });
        join(output, input, offsetOf(input));
        notes.push(`${label}: 1x1 in place over t${input} (pixel buffer ${p.inC} B${grow > 0 ? ", backward: the output is wider" : ""})`);
        return;
      }
      if (rows && p.batches === 1 && arenaTensor(input) && diesAt(input, k)) {
        // Output row oy is copied out once computed; rows from firstRow(oy + 1) on are still read.
        const inRow = p.inW * p.inC;
        const outRow = p.outW * p.outC;
        const firstRow = (r: number) => Math.max(0, r * p.strideH - p.padH);
        let delta = 0;
        for (let oy = 0; oy + 1 < p.outH; oy++) delta = Math.min(delta, inRow * firstRow(oy + 1) - outRow * (oy + 1));
        p.inPlace = INPLACE_ROWS;
        setArg(call, "pixel", { kind: "scratch", bytes: outRow, elem: "i8" });
        join(output, input, offsetOf(input) + delta);
        notes.push(`${label}: in place over t${input} row by row (row buffer ${outRow} B, output ${-delta} B before the input)`);
      }
      return;
    }
    if (ELEMENTWISE.has(op.opcode)) {
      const output = op.outputs[0];
      if (!arenaTensor(output)) return;
      const inputs = call.args.slice(0, -1).flatMap((a) => (a.kind === "tensor" && arenaTensor(a.tensor) ? [a.tensor] : []));
      const bytes = (t: number) => tensorBytes(graph.tensors[t]);
      for (const x of inputs) {
        if (x === output || bytes(x) !== bytes(output) || !diesAt(x, k)) continue;
        // A broadcast operand in the same memory would be read at other indices after a write.
        if (inputs.some((y) => y !== x && rootOf(y) === rootOf(x) && bytes(y) !== bytes(x))) continue;
        join(output, x, offsetOf(x));
        notes.push(`${label}: in place over t${x}`);
        break;
      }
    }
  });

  const groups = new Map<number, Membership>();
  for (const [root, m] of members) for (const [t, offset] of m) groups.set(t, { root, offset });
  return { lowered, groups, notes };
}

/** Step 1: CONV_2D immediately followed by an ADD of its output and an earlier tensor. */
function fuseResidualAdds(graph: Graph, lowered: LoweredOp[], lastUse: Map<number, number>, notes: string[]): void {
  for (let k = 1; k < lowered.length; k++) {
    const add = lowered[k];
    const conv = lowered[k - 1];
    if (add.op.opcode !== "ADD" || add.calls.length !== 1 || conv.op.opcode !== "CONV_2D" || conv.calls.length !== 1) continue;
    const a = add.calls[0];
    const c = conv.calls[0];
    if (a.kernel !== "add" || a.params.broadcast !== BROADCAST_NONE || a.params.subtract !== SUBTRACT_NONE || c.params.fuseAdd !== FUSE_NONE) continue;
    const convOut = tensorOf(c, "output");
    const in1 = tensorOf(a, "input1");
    const in2 = tensorOf(a, "input2");
    const convIsFirst = in1 === convOut;
    if (!convIsFirst && in2 !== convOut) continue;
    const skip = convIsFirst ? in2 : in1;
    if (skip < 0 || skip === convOut || isConstant(graph.tensors[skip]) || lastUse.get(convOut) !== k) continue;
    const out = tensorOf(a, "output");
    if (tensorBytes(graph.tensors[skip]) !== tensorBytes(graph.tensors[convOut]) || tensorBytes(graph.tensors[out]) !== tensorBytes(graph.tensors[convOut])) continue;
    const ap = a.params;
    const [skipN, convN] = convIsFirst ? ["input2", "input1"] : ["input1", "input2"];
    Object.assign(c.params, {
      fuseAdd: FUSE_ADD,
      addLeftShift: ap.leftShift,
      addSkipOffset: ap[`${skipN}Offset`], addSkipMultiplier: ap[`${skipN}Multiplier`], addSkipShift: ap[`${skipN}Shift`],
      addConvOffset: ap[`${convN}Offset`], addConvMultiplier: ap[`${convN}Multiplier`], addConvShift: ap[`${convN}Shift`],
      addOutputOffset: ap.outputOffset, addOutputMultiplier: ap.outputMultiplier, addOutputShift: ap.outputShift,
      addActMin: ap.actMin, addActMax: ap.actMax,
    });
    setArg(c, "skip", { kind: "tensor", tensor: skip });
    setArg(c, "output", { kind: "tensor", tensor: out });
    add.calls = [];
    notes.push(`op ${conv.op.index} CONV_2D: fused with op ${add.op.index} ADD (t${convOut} is never stored)`);
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
