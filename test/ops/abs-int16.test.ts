/**
 * @fileoverview ABS int16 (kernels/abs.ts absInt16): TFLite Micro's elementwise_test.cc AbsInt16
 * (at 90b983c2: scales 142/32767 in, 150/32767 out, zero points 0, within one input scale of the
 * golden) on ts, wasm and host C; the zero-point check; and random graphs (scales equal or not,
 * random or extreme inputs) where TS == WASM == host C, and interpreter mode equals codegen.
 */
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { expectLowerError } from "../kernels/differential/agree.ts";
import { bytes16, ints16, targets16, unaryInt16Suite } from "./int16-property.ts";

const targets = targets16;

function absGraph(n: number, inScale: number, outScale: number, outZp = 0): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", "int16", [1, n], perTensor(Math.fround(inScale), 0));
  const y = b.add("y", "int16", [1, n], perTensor(Math.fround(outScale), outZp));
  return { name: "abs16", tensors: b.tensors, inputs: [x], outputs: [y], ops: [{ index: 0, opcode: "ABS", version: 4, inputs: [x], outputs: [y], options: {} }] };
}


describe("ABS int16: TFLite Micro's elementwise_test.cc AbsInt16", () => {
  const input = [15, 46, 78, -142, -1, -17, -49, 113];
  const golden = [15, 46, 78, 142, 1, 17, 49, 113];
  const inScale = Math.fround(142 / 32767);
  const outScale = Math.fround(150 / 32767);
  for (const target of targets) {
    it(`on ${target}`, async () => {
      const q = input.map((v) => Math.max(-32768, Math.min(32767, Math.round(v / inScale))));
      const out = ints16((await runModel(absGraph(8, inScale, outScale), [bytes16(q)], target)).outputs[0]);
      out.forEach((v, i) => expect(Math.abs(v * outScale - golden[i])).toBeLessThanOrEqual(inScale));
    }, 120_000);
  }
  it("rejects a nonzero int16 zero point", () => {
    expectLowerError(absGraph(8, inScale, outScale, 3), /zero point 3; int16 activations are symmetric/);
  });
});

unaryInt16Suite("ABS int16: TS == WASM == host C", absGraph, [-14, 0], "ABS16");
