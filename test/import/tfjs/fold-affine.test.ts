/**
 * @fileoverview compiler/import/tfjs/fold-affine.ts: the per-channel MUL / ADD pairs of a batch
 * norm after a ReLU fold into the layers around them where that is exact in float (the float
 * reference before and after agrees within 1e-5), and stay where it is not (an ADD before a
 * padded conv, a negative scale after a ReLU).
 */
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../../compiler/import/tfjs/builder.ts";
import { foldAffineAcrossActivations } from "../../../compiler/import/tfjs/fold-affine.ts";
import { fuseActivations, renumberOps } from "../../../compiler/import/tfjs/passes.ts";
import { evaluateFloat } from "../../../compiler/quantize/float/eval.ts";
import type { Graph } from "../../../compiler/ir/graph.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
}

/** conv3x3(relu) → MUL k1 → ADD o1 → conv3x3 (`pad2`) relu → MUL k2 → ADD o2 → max pool → flatten → dense(relu) → MUL → ADD → dense. */
function build(k1Sign: number, pad2: "SAME" | "VALID"): GraphBuilder {
  const r = rng(7);
  const vals = (n: number, f = 1, off = 0) => Float32Array.from({ length: n }, () => off + f * r());
  const b = new GraphBuilder("bn-after-relu");
  const x = b.activation("x", [1, 8, 8, 3]);
  b.inputs = [x];
  const conv = { strideH: 1, strideW: 1, dilationH: 1, dilationW: 1 };
  let y = b.conv(x, b.constant("w1", [4, 3, 3, 3], vals(108)), b.constant("b1", [4], vals(4)), "c1", { ...conv, padding: "SAME" });
  y = b.unary("RELU", y, "r1");
  y = b.binary("MUL", y, b.constant("k1", [4], vals(4, 0.5, k1Sign * 1.2)), "m1");
  y = b.binary("ADD", y, b.constant("o1", [4], vals(4)), "a1");
  y = b.conv(y, b.constant("w2", [6, 3, 3, 4], vals(216)), b.constant("b2", [6], vals(6)), "c2", { ...conv, padding: pad2 });
  y = b.unary("RELU", y, "r2");
  y = b.binary("MUL", y, b.constant("k2", [6], vals(6, 0.5, 1.2)), "m2");
  y = b.binary("ADD", y, b.constant("o2", [6], vals(6)), "a2");
  y = b.pool("MAX_POOL_2D", y, "p", { padding: "VALID", filterH: 2, filterW: 2, strideH: 2, strideW: 2 });
  const n = b.shape(y).reduce((a, c) => a * c, 1);
  y = b.reshape(y, [1, n], "flat");
  y = b.dense(y, b.constant("w3", [5, n], vals(5 * n, 0.2)), b.constant("b3", [5], vals(5)), "d1");
  y = b.unary("RELU", y, "r3");
  y = b.binary("MUL", y, b.constant("k3", [5], vals(5, 0.5, 1.2)), "m3");
  y = b.binary("ADD", y, b.constant("o3", [5], vals(5)), "a3");
  y = b.dense(y, b.constant("w4", [2, 5], vals(10)), b.constant("b4", [2], vals(2)), "d2");
  b.outputs = [y];
  fuseActivations(b);
  return b;
}

function outputs(g: Graph): Float32Array[] {
  const r = rng(3);
  return Array.from({ length: 4 }, () => evaluateFloat(g, [Float32Array.from({ length: 192 }, () => r())]).outputs[0]!);
}

function folded(k1Sign: number, pad2: "SAME" | "VALID"): { before: Graph; after: Graph } {
  const before = build(k1Sign, pad2).finish();
  const b = build(k1Sign, pad2);
  foldAffineAcrossActivations(b);
  renumberOps(b);
  return { before, after: b.finish() };
}

describe("folding batch norms after a ReLU", () => {
  it.each([[1, "VALID"], [1, "SAME"], [-1, "VALID"]] as const)("scale sign %d, second conv %s: exact in float", (sign, pad) => {
    const { before, after } = folded(sign, pad);
    const [a, b] = [outputs(before), outputs(after)];
    a.forEach((v, i) => v.forEach((x, j) => expect(Math.abs(x - b[i]![j]!)).toBeLessThan(1e-5)));
  });

  it("folds every MUL and ADD it can, and only those", () => {
    const ops = (g: Graph) => g.ops.map((o) => o.opcode).join(" ");
    // Positive scales, VALID second conv: all six fold away.
    expect(ops(folded(1, "VALID").after)).toBe("CONV_2D CONV_2D MAX_POOL_2D RESHAPE FULLY_CONNECTED FULLY_CONNECTED");
    // SAME second conv: the ADD before it stays (its zero padding would see o, not 0).
    expect(ops(folded(1, "SAME").after)).toBe("CONV_2D ADD CONV_2D MAX_POOL_2D RESHAPE FULLY_CONNECTED FULLY_CONNECTED");
    // Negative scales after a ReLU: the MUL cannot go back, but MUL and ADD fold forward into a VALID conv.
    expect(ops(folded(-1, "VALID").after)).toBe("CONV_2D CONV_2D MAX_POOL_2D RESHAPE FULLY_CONNECTED FULLY_CONNECTED");
  });
});
