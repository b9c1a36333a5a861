/**
 * @fileoverview Exact float rewrites for the per-channel MUL / ADD pairs that passes.ts's
 * foldAffine leaves in place (a batch norm after an activation, as in Keras's Conv → ReLU → BN):
 * each is one more int8 tensor with its own rounding, so fewer of them means less quantization
 * error. Run after fuseActivations; every rewrite keeps the float function (up to float rounding):
 *  - backward: MUL(y, k) with y the sole output of a CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED
 *    whose fused activation is NONE, or RELU with every k >= 0 (relu(z)·k = relu(z·k)), scales that
 *    op's weights and bias per output channel;
 *  - through pools: a per-channel MUL (k >= 0 for MAX_POOL_2D) or ADD before a MAX_POOL_2D or
 *    AVERAGE_POOL_2D moves after it (max(x·k + o) = max(x)·k + o; averages likewise);
 *  - forward: MUL(x, k) / ADD(x, o) read (directly or through a RESHAPE that flattens NHWC) only
 *    by a FULLY_CONNECTED, or by a CONV_2D where no padding is read (VALID, or a 1x1 filter; a MUL
 *    also under SAME, zero padding staying zero), goes into its weights (W·k per input channel)
 *    or bias (b + Σ W·o). An ADD before a padded conv stays: its padding would see 0, not o.
 */

import type { Op } from "../../ir/graph.ts";
import type { GraphBuilder } from "./builder.ts";

const WEIGHTED = new Set(["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]);

interface Affine {
  op: Op;
  /** The activation input. */
  x: number;
  /** The per-channel constant (length = x's last dim). */
  c: Float32Array;
}

/** `op` as a per-last-axis-channel MUL or ADD of an activation and a constant, without fused activation. */
function affine(b: GraphBuilder, op: Op): Affine | undefined {
  if ((op.opcode !== "MUL" && op.opcode !== "ADD") || (op.options.fusedActivationFunction ?? "NONE") !== "NONE") return undefined;
  for (const [k, other] of [[1, 0], [0, 1]] as const) {
    const c = b.floats(op.inputs[k]!);
    const x = op.inputs[other]!;
    if (c === undefined || b.floats(x) !== undefined) continue;
    const xs = b.shape(x);
    const out = b.shape(op.outputs[0]!);
    if (c.length === xs.at(-1) && out.length === xs.length && out.every((d, i) => d === xs[i])) return { op, x, c };
  }
  return undefined;
}

/** The only reader of `t` when it has exactly one and is not a graph output. */
function soleConsumer(b: GraphBuilder, t: number): Op | undefined {
  if (b.outputs.includes(t)) return undefined;
  const c = b.consumers(t);
  return c.length === 1 ? c[0] : undefined;
}

function remove(b: GraphBuilder, op: Op): void {
  b.ops.splice(b.ops.indexOf(op), 1);
}

/** Scales a weighted op's weights and bias per output channel by k (backward fold). */
function foldBackward(b: GraphBuilder, a: Affine): boolean {
  if (a.op.opcode !== "MUL") return false;
  const p = b.producer(a.x);
  if (p === undefined || !WEIGHTED.has(p.opcode) || soleConsumer(b, a.x) !== a.op || p.inputs[2] === undefined || p.inputs[2] < 0) return false;
  const act = p.options.fusedActivationFunction ?? "NONE";
  if (!(act === "NONE" || (act === "RELU" && a.c.every((v) => v >= 0)))) return false;
  const w = b.floats(p.inputs[1]!);
  const bias = b.floats(p.inputs[2]!);
  if (w === undefined || bias === undefined || bias.length !== a.c.length) return false;
  const c = bias.length;
  const inner = w.length / c;
  const name = b.tensors[a.op.outputs[0]!]!.name;
  const w2 = w.map((v, i) => v * a.c[p.opcode === "DEPTHWISE_CONV_2D" ? i % c : Math.floor(i / inner)]!);
  p.inputs[1] = b.constant(`${name}/folded_weights`, b.shape(p.inputs[1]!), w2);
  p.inputs[2] = b.constant(`${name}/folded_bias`, [c], bias.map((v, ch) => v * a.c[ch]!));
  p.outputs = [...a.op.outputs];
  remove(b, a.op);
  return true;
}

/** Moves the affine op after the pool that alone reads it. */
function throughPool(b: GraphBuilder, a: Affine): boolean {
  const out = a.op.outputs[0]!;
  const p = soleConsumer(b, out);
  if (p === undefined || p.inputs[0] !== out || (p.options.fusedActivationFunction ?? "NONE") !== "NONE") return false;
  if (!(p.opcode === "AVERAGE_POOL_2D" || (p.opcode === "MAX_POOL_2D" && (a.op.opcode === "ADD" || a.c.every((v) => v >= 0))))) return false;
  const pooled = p.outputs[0]!;
  // x → pool → out (now the pooled shape) → affine → pooled.
  b.tensors[out]!.shape = [...b.shape(pooled)];
  b.tensors[out]!.name = `${b.tensors[pooled]!.name}/before_affine`;
  p.inputs[0] = a.x;
  p.outputs = [out];
  a.op.inputs = a.op.inputs.map((t) => (t === a.x ? out : t));
  a.op.outputs = [pooled];
  remove(b, a.op);
  b.ops.splice(b.ops.indexOf(p) + 1, 0, a.op);
  return true;
}

/** Folds the affine op into the FULLY_CONNECTED or unpadded CONV_2D that alone reads it (maybe via a flattening RESHAPE). */
function foldForward(b: GraphBuilder, a: Affine): boolean {
  const out = a.op.outputs[0]!;
  let next = soleConsumer(b, out);
  let reshape: Op | undefined;
  if (next?.opcode === "RESHAPE" && next.inputs[0] === out) {
    reshape = next;
    next = soleConsumer(b, next.outputs[0]!);
  }
  const feeding = reshape ? reshape.outputs[0]! : out;
  if (next === undefined || (next.opcode !== "FULLY_CONNECTED" && next.opcode !== "CONV_2D")) return false;
  if (next.inputs[0] !== feeding || next.inputs.slice(1).includes(feeding)) return false;
  const w = b.floats(next.inputs[1]!);
  if (w === undefined) return false;
  const ws = b.shape(next.inputs[1]!);
  const cin = a.c.length;
  const isMul = a.op.opcode === "MUL";
  if (next.opcode === "FULLY_CONNECTED") {
    if (ws.length !== 2 || ws[1]! % cin !== 0) return false;
  } else if (next.opcode === "CONV_2D") {
    const unpadded = next.options.padding === "VALID" || (ws[1] === 1 && ws[2] === 1);
    if (reshape || ws[3] !== cin || !(isMul || unpadded)) return false;
  } else return false;
  const units = ws[0]!;
  const per = w.length / units;
  const name = b.tensors[out]!.name;
  if (isMul) {
    next.inputs[1] = b.constant(`${name}/folded_weights`, ws, w.map((v, i) => v * a.c[(i % per) % cin]!));
  } else {
    const has = next.inputs[2] !== undefined && next.inputs[2] >= 0;
    const bias = has ? b.floats(next.inputs[2]!) : new Float32Array(units);
    if (bias === undefined) return false;
    const b2 = new Float32Array(units);
    for (let u = 0; u < units; u++) {
      let s = bias[u]!;
      for (let i = 0; i < per; i++) s += w[u * per + i]! * a.c[i % cin]!;
      b2[u] = s;
    }
    const t = b.constant(`${name}/folded_bias`, [units], b2);
    if (has) next.inputs[2] = t;
    else next.inputs = [next.inputs[0]!, next.inputs[1]!, t];
  }
  (reshape ?? next).inputs[0] = a.x;
  remove(b, a.op);
  return true;
}

/** Runs the three rewrites until none applies. */
export function foldAffineAcrossActivations(b: GraphBuilder): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const op of [...b.ops]) {
      if (!b.ops.includes(op)) continue;
      const a = affine(b, op);
      if (a && (foldBackward(b, a) || foldForward(b, a) || throughPool(b, a))) changed = true;
    }
  }
}
