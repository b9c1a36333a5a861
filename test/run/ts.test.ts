/**
 * @fileoverview runTs on small graphs built in the test: input size errors (5005), per-op
 * tensor reporting, and absent bias handled as an empty array.
 */
import { describe, expect, it } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runTs } from "../../compiler/run/ts.ts";

/** [1,4] -> FULLY_CONNECTED (2 units, no bias, per-tensor weights) -> [1,2] -> RESHAPE -> [2]. */
function fcGraph(): Graph {
  const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp], quantizedDimension: 0 });
  return {
    name: "fc",
    tensors: [
      { index: 0, name: "in", dtype: "int8", shape: [1, 4], isVariable: false, quant: q(1, 0) },
      {
        index: 1, name: "w", dtype: "int8", shape: [2, 4], isVariable: false, quant: q(1, 0),
        data: new Uint8Array(Int8Array.from([1, 2, 3, 4, -1, -1, -1, -1]).buffer),
      },
      { index: 2, name: "fc", dtype: "int8", shape: [1, 2], isVariable: false, quant: q(2, 1) },
      { index: 3, name: "out", dtype: "int8", shape: [2], isVariable: false, quant: q(2, 1) },
    ],
    ops: [
      { index: 0, opcode: "FULLY_CONNECTED", version: 1, inputs: [0, 1, -1], outputs: [2], options: {} },
      { index: 1, opcode: "RESHAPE", version: 1, inputs: [2], outputs: [3], options: {} },
    ],
    inputs: [0],
    outputs: [3],
  };
}

describe("runTs", () => {
  it("computes FC without bias and reports each op's output", () => {
    const seen: number[] = [];
    const input = new Uint8Array(Int8Array.from([1, 2, 3, -5]).buffer);
    // multiplier 1*1/2 = 0.5 -> (2^30, shift 0). unit 0: 1+4+9-20 = -6 -> -3 -> +1 = -2;
    // unit 1: -(1+2+3-5) = -1 -> -0.5, which the doubling high multiply rounds toward +inf: 0 -> +1 = 1
    const [out] = runTs(fcGraph(), [input], { onTensor: (i) => seen.push(i) });
    expect(Array.from(new Int8Array(out.buffer))).toEqual([-2, 1]);
    expect(seen).toEqual([2, 3]);
  });

  it("rejects an input of the wrong size with 5005", () => {
    try {
      runTs(fcGraph(), [new Uint8Array(3)]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoteError);
      expect((e as MoteError).code).toBe(5005);
      expect((e as MoteError).message).toBe("input 0: expected 4 bytes for tensor 0 (in), got 3");
    }
  });
});
