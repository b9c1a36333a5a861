/**
 * @fileoverview Graph rewrites run on the builder after a TF.js model is read, as TFLite's
 * converter does them:
 *  - foldAffine: an AFFINE (BiasAdd, or batch norm k = γ/√(σ²+ε), b' = β − μ·k) directly after a
 *    CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED that nothing else reads is folded into its
 *    weights and bias (W' = W·k per output channel, b' = b·k + offset); any other AFFINE becomes
 *    MUL + ADD with per-channel constants;
 *  - fuseActivations: a RELU / RELU6 / RELU_N1_TO_1 whose input comes from an op with a
 *    fused_activation_function (conv, depthwise, dense, add, sub, mul, pools) that nothing else
 *    reads becomes that op's fusedActivationFunction.
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
    const offset = b.floats(op.inputs[1]!)!;
    const scale = op.inputs[2] === undefined ? undefined : b.floats(op.inputs[2])!;
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
      for (let ch = 0; ch < c; ch++) b2[ch] = bias[ch]! * (scale?.[ch] ?? 1) + offset[ch]!;
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
    b.binary("ADD", x, op.inputs[1]!, `${name}/add`);
    b.ops[b.ops.length - 1]!.outputs = [out];
    b.ops.push(...rest);
  }
}

export function fuseActivations(b: GraphBuilder): void {
  for (const op of b.ops.filter((o) => ACTIVATIONS[o.opcode] !== undefined)) {
    const p = soleProducer(b, op);
    if (p === undefined || !FUSABLE.has(p.opcode) || p.options.fusedActivationFunction !== "NONE") continue;
    p.options.fusedActivationFunction = ACTIVATIONS[op.opcode]!;
    p.outputs = [...op.outputs];
    remove(b, op);
  }
}

/** Ops' indices follow their position again (after removals and inserts). */
export function renumberOps(b: GraphBuilder): void {
  b.ops.forEach((o, i) => (o.index = i));
}
