/**
 * @fileoverview A DIV graph for test/kernels/differential/arith_int8.test.ts and
 * test/ops/arith-int8.full.test.ts (qemu): see divShiftGraph.
 */
import type { Graph } from "../../../compiler/ir/graph.ts";
import { GraphBuilder, perTensor } from "../../support/synthetic.ts";

/**
 * DIV elements whose final shift output_shift - recip_shift - headroom is below -31 (x - zp = +-1,
 * a large divisor, output scale = input scales): outside TFLM's RoundingDivideByPOT, where a
 * shift count of 32 or more used to differ between x86 (ts, wasm, host: the count wraps) and the
 * Cortex-M7 (qemu: it does not); Mote rounds those quotients to 0 on every target.
 */
export function divShiftGraph(): { graph: Graph; inputs: Uint8Array[]; want: number[] } {
  const b = new GraphBuilder();
  const a = b.add("a", "int8", [8], perTensor(0.05, 0));
  const d = b.add("d", "int8", [8], perTensor(0.05, 0));
  const o = b.add("o", "int8", [8], perTensor(0.05, 0));
  const graph: Graph = {
    name: "div_large_shift", tensors: b.tensors, inputs: [a, d], outputs: [o],
    ops: [{ index: 0, opcode: "DIV", version: 1, inputs: [a, d], outputs: [o], options: { fusedActivationFunction: "NONE" } }],
  };
  const inputs = [Int8Array.from([1, -1, 1, -1, 2, 100, -1, 0]), Int8Array.from([100, 100, -127, 127, 120, 3, 9, 5])]
    .map((x) => new Uint8Array(x.buffer));
  return { graph, inputs, want: [0, 0, 0, 0, 0, 127, -2, 0] };
}

