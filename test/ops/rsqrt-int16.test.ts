/**
 * @fileoverview RSQRT int16 (kernels/rsqrt.ts rsqrt16): TFLite Micro's elementwise_test.cc
 * RsqrtInt16 (at 90b983c2: scales 142/32768 in, 1/32768 out, zero points 0, within one input
 * scale of the golden) on ts, wasm and host C; the zero-point check; and random graphs (scales,
 * random or extreme inputs) where TS == WASM == host C, and interpreter mode equals codegen.
 */
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { expectLowerError } from "../kernels/differential/agree.ts";
import { bytes16, ints16, targets16, unaryInt16Suite } from "./int16-property.ts";

const targets = targets16;

function rsqrtGraph(n: number, inScale: number, outScale: number, outZp = 0): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", "int16", [1, n], perTensor(Math.fround(inScale), 0));
  const y = b.add("y", "int16", [1, n], perTensor(Math.fround(outScale), outZp));
  return { name: "rsqrt16", tensors: b.tensors, inputs: [x], outputs: [y], ops: [{ index: 0, opcode: "RSQRT", version: 3, inputs: [x], outputs: [y], options: {} }] };
}


describe("RSQRT int16: TFLite Micro's elementwise_test.cc RsqrtInt16", () => {
  const input = [15, 46, 78, 142, 1, 17, 49, 113];
  const golden = [0.2582, 0.14744, 0.11323, 0.08392, 1, 0.24254, 0.142857, 0.09407];
  const inScale = Math.fround(142 / 32768);
  const outScale = Math.fround(1 / 32768);
  for (const target of targets) {
    it(`on ${target}`, async () => {
      const q = input.map((v) => Math.max(-32768, Math.min(32767, Math.round(v / inScale))));
      const out = ints16((await runModel(rsqrtGraph(8, inScale, outScale), [bytes16(q)], target)).outputs[0]);
      out.forEach((v, i) => expect(Math.abs(v * outScale - golden[i]), `element ${i}: ${v}`).toBeLessThanOrEqual(inScale));
    }, 120_000);
  }
  it("rejects a nonzero int16 zero point", () => {
    expectLowerError(rsqrtGraph(8, inScale, outScale, 3), /zero point 3; int16 activations are symmetric/);
  });
});

unaryInt16Suite("RSQRT int16: TS == WASM == host C", rsqrtGraph, [-16, -6], "RSQRT16");
