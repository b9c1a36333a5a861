/**
 * @fileoverview Test-only: a one-op SOFTMAX graph with an int8 input and an int16 output (zero
 * point -32768, scale 1/65536), for test/softmax/int8-int16.test.ts and the differential
 * property test test/kernels/differential/softmax_int16_out.test.ts.
 */
import type { Graph } from "../../compiler/ir/graph.ts";
import { GraphBuilder, perTensor } from "./synthetic.ts";

export function softmaxInt16OutGraph(shape: number[], inScale: number, inZp: number, beta: number, outScale = 1 / 65536, outZp = -32768): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", "int8", shape, perTensor(Math.fround(inScale), inZp));
  const y = b.add("y", "int16", shape, perTensor(Math.fround(outScale), outZp));
  return {
    name: "softmax_int8_int16", tensors: b.tensors, inputs: [x], outputs: [y],
    ops: [{ index: 0, opcode: "SOFTMAX", version: 2, inputs: [x], outputs: [y], options: { beta: Math.fround(beta) } }],
  };
}
