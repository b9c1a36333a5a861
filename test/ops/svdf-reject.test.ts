/**
 * @fileoverview SVDF models that TFLite Micro refuses, or that Mote does not run, are rejected
 * by name (MOTE3001 with the reason; a state that is not variable is the reader's 1023) when the model is imported and lowered: each is written as a
 * .tflite (compiler/import/tflite/writer.ts, through test/import/tflite-builder.ts) from the
 * golden-ops-2 svdf_rank1 graph with one thing changed, read back and lowered. An SVDF without
 * bias is golden-ops-2 skipped.json's svdf_nobias (TFLite Micro crashes preparing it, int8 or float).
 */
import { describe, expect, it } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";
import type { Graph, Tensor } from "../../compiler/ir/graph.ts";
import { importTflite, loadModel } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import { writeGraph } from "../import/tflite-builder.ts";
import { needShared, sharedFile } from "../support/shared.ts";

const ops = needShared("golden-ops-2");

/** Writes `graph` as a .tflite, reads it back, checks and lowers it: the MoteError raised. */
function rejection(graph: Graph): MoteError {
  try {
    const back = importTflite(writeGraph(graph), graph.name);
    checkInt8(back, opHandles);
    lowerGraph(back);
  } catch (e) {
    if (e instanceof MoteError) return e;
    throw e;
  }
  throw new Error(`${graph.name} was not rejected`);
}

/** svdf_rank1 (input, weights_feature, weights_time, bias, state -> output) with `change` applied. */
function variant(name: string, change: (g: Graph, t: Tensor[]) => void): Graph {
  const g = loadModel(sharedFile("golden-ops-2", "svdf_rank1", "model.tflite"));
  const copy: Graph = { ...g, name, tensors: g.tensors.map((t) => ({ ...t })), ops: g.ops.map((o) => ({ ...o, inputs: [...o.inputs], options: { ...o.options } })) };
  change(copy, copy.tensors);
  return copy;
}

/** Name, change, message, and the code when not 3001. */
const cases: [string, (g: Graph, t: Tensor[]) => void, RegExp, number?][] = [
  ["svdf_nobias", (g) => { g.ops[0].inputs[3] = -1; }, /needs a bias \(input 3\)/],
  // A state that is not variable is a tensor nothing writes: the reader refuses it (1023).
  ["state_not_variable", (g, t) => { t[g.ops[0].inputs[4]].isVariable = false; }, /never written: .*not a model input or variable tensor/, 1023],
  ["state_int8_weights_time_int16", (g, t) => {
    const s = t[g.ops[0].inputs[4]];
    s.dtype = "int8";
  }, /activation state is int8 but weights_time is int16/],
  ["bias_scale", (g, t) => {
    const b = t[g.ops[0].inputs[3]];
    // TFLite Micro's check is absolute (|bias - state * weights_time| < 1e-5), and these scales are small.
    b.quant = { ...b.quant!, scale: [b.quant!.scale[0] + 2e-5] };
  }, /bias scale .* within 1e-5/],
  ["rank_not_dividing", (g) => { g.ops[0].options.rank = 3; }, /8 filters are not a multiple of rank 3/],
  ["output_int16", (g, t) => {
    const o = t[g.ops[0].outputs[0]];
    o.dtype = "int16";
    o.quant = { ...o.quant!, zeroPoint: [0] };
  }, /output .*int16/],
];

describe.skipIf(ops.skip)("SVDF rejections (MOTE3001)", () => {
  it("the unchanged svdf_rank1 lowers", () => {
    expect(lowerGraph(variant("svdf_rank1", () => {})).length).toBe(1);
  });
  for (const [name, change, message, code] of ops.ok ? cases : []) {
    it(name, () => {
      const e = rejection(variant(name, change));
      expect(e.code).toBe(code ?? 3001);
      expect(e.message).toMatch(message);
      expect(e.message.split("\n")).toHaveLength(1);
    });
  }

  /** svdf_rank1 as float32 (weights zero), with `change` applied. */
  const floatVariant = (name: string, change: (g: Graph) => void): Graph => {
    const g = loadModel(sharedFile("golden-ops-2", "svdf_rank1", "model.tflite"));
    const float: Graph = {
      ...g, name, ops: g.ops.map((o) => ({ ...o, inputs: [...o.inputs], options: { ...o.options } })),
      tensors: g.tensors.map((t) => ({
        ...t, dtype: "float32", quant: undefined,
        data: t.data === undefined ? undefined : new Uint8Array(new Float32Array(t.shape.reduce((a, b) => a * b, 1)).buffer),
      })),
    };
    change(float);
    return float;
  };

  it("float32 SVDF lowers (svdfFloat)", () => {
    const g = importTflite(writeGraph(floatVariant("svdf_float", () => {})), "svdf_float");
    checkInt8(g, opHandles);
    expect(lowerGraph(g)[0].calls[0].fn).toBe("svdfFloat");
  });
  it("float32 SVDF without bias", () => {
    const e = rejection(floatVariant("svdf_float_nobias", (g) => { g.ops[0].inputs[3] = -1; }));
    expect([e.code, e.message]).toEqual([3001, expect.stringMatching(/needs a bias/)]);
  });
  it("float32 SVDF with a TANH fused activation", () => {
    const e = rejection(floatVariant("svdf_float_tanh", (g) => { g.ops[0].options.fusedActivationFunction = "TANH"; }));
    expect([e.code, e.message]).toEqual([3001, expect.stringMatching(/fused activation TANH is not supported for float32 SVDF/)]);
  });
});
