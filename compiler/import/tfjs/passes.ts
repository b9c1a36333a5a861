/**
 * @fileoverview Graph rewrites run on the builder after a TF.js model is read, as TFLite's
 * converter does them:
 *  - foldAffine: an AFFINE (BiasAdd, or batch norm k = γ/√(σ²+ε), b' = β − μ·k) directly after a
 *    CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED that nothing else reads is folded into its
 *    weights and bias (W' = W·k per output channel, b' = b·k + offset); any other AFFINE becomes
 *    MUL + ADD with per-channel constants;
 *  - clipsToRelu: MAXIMUM(MINIMUM(x, 6), 0) (clip_by_value) becomes RELU6, MAXIMUM(x, 0) RELU;
 *  - fuseActivations: a RELU / RELU6 / RELU_N1_TO_1 whose input comes from an op with a
 *    fused_activation_function (conv, depthwise, dense, add, sub, mul, pools) that nothing else
 *    reads becomes that op's fusedActivationFunction; RELU and RELU6 in a row merge (into RELU6).
 * Folded constants are new tensors (a constant may be shared by several ops in a graph model).
 */

import type { Op } from "../../ir/graph.ts";
import type { GraphBuilder } from "./builder.ts";

const WEIGHTED = new Set(["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]);
const FUSABLE = new Set([...WEIGHTED, "ADD", "SUB", "MUL", "MAX_POOL_2D", "AVERAGE_POOL_2D"]);
const ACTIVATIONS: Record<string, string> = { RELU: "RELU", RELU6: "RELU6", RELU_N1_TO_1: "RELU_N1_TO_1" };

/** The producer of `op`'s input 0 when `op` is its only reader and it is not a graph output. */
function soleProducer(b: GraphBuilder, op: Op): Op | undefined {
  const x = op.inputs[0]!;
  if (b.outputs.includes(x)) return undefined;
  const p = b.producer(x);
  if (p === undefined || b.consumers(x).length !== 1) return undefined;
  return p;
}

function remove(b: GraphBuilder, op: Op): void {
  b.ops.splice(b.ops.indexOf(op), 1);
}

export function foldAffine(b: GraphBuilder): void {
  for (const op of b.ops.filter((o) => o.opcode === "AFFINE")) {
    const offset = op.inputs[1]! < 0 ? undefined : b.floats(op.inputs[1]!)!;
    const scale = op.inputs[2]! < 0 ? undefined : b.floats(op.inputs[2]!)!;
    const p = soleProducer(b, op);
    if (p !== undefined && WEIGHTED.has(p.opcode) && p.options.fusedActivationFunction === "NONE") {
      const w = b.floats(p.inputs[1]!)!;
      const bias = b.floats(p.inputs[2]!)!;
      const c = bias.length;
      const ws = b.shape(p.inputs[1]!);
      const name = b.tensors[op.outputs[0]!]!.name;
      if (scale !== undefined) {
        const w2 = new Float32Array(w.length);
        // Output channel of each weight: dim 0 for CONV_2D / FULLY_CONNECTED, dim 3 for depthwise.
        const inner = w.length / c;
        for (let i = 0; i < w.length; i++) {
          const ch = p.opcode === "DEPTHWISE_CONV_2D" ? i % c : Math.floor(i / inner);
          w2[i] = w[i]! * scale[ch]!;
        }
        p.inputs[1] = b.constant(`${name}/folded_weights`, ws, w2);
      }
      const b2 = new Float32Array(c);
      for (let ch = 0; ch < c; ch++) b2[ch] = bias[ch]! * (scale?.[ch] ?? 1) + (offset?.[ch] ?? 0);
      p.inputs[2] = b.constant(`${name}/folded_bias`, [c], b2);
      p.outputs = [...op.outputs];
      remove(b, op);
      continue;
    }
    // Not foldable: MUL by the scale, then ADD the offset, in the AFFINE's place.
    const at = b.ops.indexOf(op);
    remove(b, op);
    const rest = b.ops.splice(at);
    const out = op.outputs[0]!;
    const name = b.tensors[out]!.name;
    let x = op.inputs[0]!;
    if (scale !== undefined) x = b.binary("MUL", x, op.inputs[2]!, `${name}/mul`);
    if (offset !== undefined) b.binary("ADD", x, op.inputs[1]!, `${name}/add`);
    b.ops[b.ops.length - 1]!.outputs = [out];
    b.ops.push(...rest);
  }
}

/** The scalar value of a constant input of `op` (the other input is returned too), if it has one. */
function scalarOperand(b: GraphBuilder, op: Op): { x: number; c: number } | undefined {
  for (const [k, other] of [[1, 0], [0, 1]] as const) {
    const v = b.floats(op.inputs[k]!);
    if (v !== undefined && v.length === 1 && b.floats(op.inputs[other]!) === undefined) return { x: op.inputs[other]!, c: v[0]! };
  }
  return undefined;
}

/**
 * clip_by_value as TFLite's converter sees it: MAXIMUM(MINIMUM(x, 6), 0) (either order) becomes
 * RELU6, MAXIMUM(x, 0) alone RELU; other MAXIMUM / MINIMUM ops stay.
 */
export function clipsToRelu(b: GraphBuilder): void {
  for (const op of b.ops.filter((o) => o.opcode === "MAXIMUM" || o.opcode === "MINIMUM")) {
    if (!b.ops.includes(op)) continue;
    const s = scalarOperand(b, op);
    if (s === undefined) continue;
    const inner = b.outputs.includes(s.x) || b.consumers(s.x).length !== 1 ? undefined : b.producer(s.x);
    const si = inner && inner.opcode !== op.opcode && (inner.opcode === "MAXIMUM" || inner.opcode === "MINIMUM") ? scalarOperand(b, inner) : undefined;
    const lo = op.opcode === "MAXIMUM" ? s.c : si?.c;
    const hi = op.opcode === "MINIMUM" ? s.c : si?.c;
    if (si !== undefined && lo === 0 && hi === 6) {
      Object.assign(op, { opcode: "RELU6", inputs: [si.x], options: {} });
      remove(b, inner!);
    } else if (op.opcode === "MAXIMUM" && s.c === 0) {
      Object.assign(op, { opcode: "RELU", inputs: [s.x], options: {} });
    }
  }
}

export function fuseActivations(b: GraphBuilder): void {
  for (const op of b.ops.filter((o) => ACTIVATIONS[o.opcode] !== undefined)) {
    const p = soleProducer(b, op);
    if (p === undefined) continue;
    const before = p.opcode in ACTIVATIONS ? p.opcode : p.options.fusedActivationFunction;
    // relu6(relu(x)) = relu(relu6(x)) = relu6(x): a clamp after RELU or RELU6 merges into it.
    const merged = before === "NONE" ? ACTIVATIONS[op.opcode]!
      : (before === "RELU" || before === "RELU6") && (op.opcode === "RELU" || op.opcode === "RELU6")
        ? (before === "RELU6" || op.opcode === "RELU6" ? "RELU6" : "RELU") : undefined;
    if (merged === undefined) continue;
    if (p.opcode in ACTIVATIONS) p.opcode = merged;
    else if (FUSABLE.has(p.opcode)) p.options.fusedActivationFunction = merged;
    else continue;
    p.outputs = [...op.outputs];
    remove(b, op);
  }
}

/** Ops' indices follow their position again (after removals and inserts). */
export function renumberOps(b: GraphBuilder): void {
  b.ops.forEach((o, i) => (o.index = i));
}
