/**
 * @fileoverview lowerGraph's error contract (1008 lists every unsupported op at once; 3001 for
 * an op whose operands Mote cannot lower) and the KernelCall shape of a lowered CONV_2D
 * (record fields, argument order, MACs), on small graphs built in the test.
 */
import { describe, expect, it } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";
import type { Graph, Op, Tensor } from "../../compiler/ir/graph.ts";
import { lowerGraph, supportedOps } from "../../compiler/ops/index.ts";

function tensor(index: number, shape: number[], extra: Partial<Tensor> = {}): Tensor {
  return {
    index, name: `t${index}`, dtype: "int8", shape, isVariable: false,
    quant: { scale: [0.5], zeroPoint: [-3], quantizedDimension: 0 }, ...extra,
  };
}

function op(index: number, opcode: string, inputs: number[], outputs: number[], options: Op["options"] = {}): Op {
  return { index, opcode, version: 1, inputs, outputs, options };
}

/** input [1,5,5,2] -> CONV_2D 3x3 SAME stride 2 (4 out channels, no bias) -> [1,3,3,4]. */
function convGraph(ops: Op[] = [op(0, "CONV_2D", [0, 1, -1], [2], { padding: "SAME", strideH: 2, strideW: 2, fusedActivationFunction: "RELU" })]): Graph {
  return {
    name: "test",
    tensors: [
      tensor(0, [1, 5, 5, 2]),
      tensor(1, [4, 3, 3, 2], {
        data: Uint8Array.from({ length: 72 }, (_, i) => (i * 37) & 0xff),
        quant: { scale: [0.01, 0.02, 0.03, 0.04], zeroPoint: [0, 0, 0, 0], quantizedDimension: 0 },
      }),
      tensor(2, [1, 3, 3, 4], { quant: { scale: [0.25], zeroPoint: [5], quantizedDimension: 0 } }),
      tensor(3, [1, 36]),
    ],
    ops,
    inputs: [0],
    outputs: [2],
  };
}

function errorOf(f: () => unknown): MoteError {
  try {
    f();
  } catch (e) {
    if (e instanceof MoteError) return e;
    throw e;
  }
  throw new Error("expected a MoteError");
}

describe("lowerGraph", () => {
  it("lowers CONV_2D to one conv2d call with TFLM's Prepare values", () => {
    // The plain kernel (kernels/conv_2d.ts); by default the layer takes the SMLAD GEMM (below).
    const saved = process.env.MOTE_DSP_CONV;
    process.env.MOTE_DSP_CONV = "0";
    let lowered;
    try {
      lowered = lowerGraph(convGraph());
    } finally {
      if (saved === undefined) delete process.env.MOTE_DSP_CONV;
      else process.env.MOTE_DSP_CONV = saved;
    }
    const [{ calls }] = lowered;
    expect(calls).toHaveLength(1);
    const c = calls[0];
    expect(c.kernel).toBe("conv_2d");
    expect(c.fn).toBe("conv2d");
    expect(c.params).toMatchObject({
      outH: 3, outW: 3, outC: 4, padH: 1, padW: 1, strideH: 2, inputOffset: 3, outputOffset: 5,
      actMin: 5, actMax: 127, filtersPerGroup: 4, filterInC: 2,
    });
    // No bias, but a nonzero input offset: the offset is folded into a compile-time bias
    // (hasBias 2): bias'[oc] = inputOffset * sum of filter oc's weights.
    expect(c.params.hasBias).toBe(2);
    const filter = new Int8Array(convGraph().tensors[1].data!.buffer.slice(0));
    const sums = [0, 1, 2, 3].map((oc) => filter.slice(oc * 18, oc * 18 + 18).reduce((a, b) => a + b, 0));
    // input, filter, bias, multipliers, shifts, skip (fused ADD), pixel (in place), output
    expect(c.args.map((a) => a.kind)).toEqual(["tensor", "tensor", "const", "const", "const", "tensor", "scratch", "tensor"]);
    expect(c.args[2]).toMatchObject({ elem: "i32", data: sums.map((s) => 3 * s) });
    expect(c.args[5]).toEqual({ kind: "tensor", tensor: -1 });
    expect(c.args[6]).toEqual({ kind: "scratch", bytes: 0, elem: "i8" });
    expect(c.params).toMatchObject({ inPlace: 0, fuseAdd: 0 });
    // 0.5 * s / 0.25 = 0.02, 0.04, 0.06, 0.08 -> 0.64*2^-5, 0.64*2^-4, 0.96*2^-4, 0.64*2^-3
    expect(c.args[3]).toMatchObject({ elem: "i32", data: [1374389535, 1374389535, 2061584302, 1374389535] });
    expect(c.args[4]).toMatchObject({ elem: "i32", data: [-5, -4, -4, -3] });
    expect(c.macs).toBe(3 * 3 * 4 * 3 * 3 * 2);
  });

  it("lowers CONV_2D (one group, folded bias) to the SMLAD GEMM by default (compiler/ops/conv_2d_dsp.ts)", () => {
    const c = lowerGraph(convGraph())[0].calls[0];
    expect([c.kernel, c.fn]).toEqual(["conv_2d_dsp", "conv2dDsp"]);
    // cheapRequant 2: the cheap table, the output zero point folded into its rounding constants.
    expect(c.params).toMatchObject({ outC: 4, hasBias: 2, cheapRequant: 2, int16Weights: 0 });
    // 3x3x2 taps padded to 20 (small K, k4 <= NARROW_TAPS): 4 channels x 20 / 4 words of packed int8
    // weights; a block of min(1024 / (2 * 20), 9 output pixels) = 9 staged pixels of 20 int16.
    expect(c.slots).toEqual(["input", "filter", "bias", "multipliers", "shifts", "table", "skip", "pixel", "column", "staged", "output"]);
    expect(c.args[1]).toMatchObject({ kind: "const", elem: "i32" });
    expect((c.args[1] as { data: number[] }).data).toHaveLength(20);
    expect(c.args[5]).toMatchObject({ kind: "const", elem: "i32" });
    expect((c.args[5] as { data: number[] }).data).toHaveLength(16);
    expect(c.args[8]).toEqual({ kind: "scratch", bytes: 20, elem: "i8" });
    expect(c.args[9]).toEqual({ kind: "scratch", bytes: 360, elem: "i32" });
    expect(c.variant).toBe("small-K 9 pixels x 1 channel int8 w, im2col, cheap requant");
  });

  it("reports every unsupported op at once (1008) with the supported list", () => {
    const g = convGraph([
      op(0, "TOPK_V2", [0], [2]),
      op(1, "CONV_2D", [0, 1, -1], [2], { padding: "SAME", strideH: 2, strideW: 2 }),
      op(2, "CUSTOM:foo", [2], [3]),
    ]);
    const e = errorOf(() => lowerGraph(g));
    expect(e.code).toBe(1008);
    expect(e.message).toContain("TOPK_V2 (op #0), CUSTOM:foo (op #2)");
    expect(e.message).toContain(supportedOps().join(", "));
    expect(e.message).not.toContain("CONV_2D (op #1)");
  });

  it("rejects a non-int8 input with 3001 naming the op and index", () => {
    const g = convGraph();
    g.tensors[0].dtype = "float32";
    const e = errorOf(() => lowerGraph(g));
    expect(e.code).toBe(3001);
    expect(e.message).toMatch(/^op CONV_2D \(t2\) at index 0: input tensor 0 \(t0\) is float32/);
  });

  it("rejects an unsupported fused activation and an output shape that disagrees", () => {
    const g = convGraph([op(0, "CONV_2D", [0, 1, -1], [2], { padding: "SAME", strideH: 2, strideW: 2, fusedActivationFunction: "TANH" })]);
    expect(errorOf(() => lowerGraph(g)).message).toContain("fused activation TANH is not supported");
    const g2 = convGraph([op(0, "CONV_2D", [0, 1, -1], [2], { padding: "VALID", strideH: 2, strideW: 2 })]);
    expect(errorOf(() => lowerGraph(g2)).message).toContain("expected 2x2");
  });

  it("rejects a RESHAPE that changes the element count", () => {
    const g = convGraph([op(0, "RESHAPE", [0], [3])]);
    const e = errorOf(() => lowerGraph(g));
    expect(e.code).toBe(3001);
    expect(e.message).toContain("cannot reshape [1, 5, 5, 2] (50 elements) to [1, 36]");
  });
});
