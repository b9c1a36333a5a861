/**
 * @fileoverview compiler/quantize/bias-correct.ts: bias correction changes only the float biases
 * of the weighted layers (the graph, its other constants and the activation ranges stay), so a
 * -bc model has the same ops and quantization parameters as its plain method's. (Its effect on
 * agreement is measured in human.full.test.ts and tfjs-digits.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { importTfjs } from "../../compiler/import/tfjs/load.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { correctBiases } from "../../compiler/quantize/bias-correct.ts";
import { calibrate } from "../../compiler/quantize/calibrate.ts";
import { quantizeModel } from "../../compiler/quantize/index.ts";
import { randomInput } from "../import/tfjs/support.ts";
import { saveToMemory, sequentialCnn } from "../import/tfjs/small-models.ts";

const WEIGHTED = new Set(["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]);

describe("bias correction", () => {
  it("changes only the weighted layers' biases; a -bc model differs from its method's in bias bytes only", async () => {
    const float = importTfjs(await saveToMemory(sequentialCnn(), "bc"));
    const n = float.tensors[float.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
    const samples = Array.from({ length: 16 }, (_, i) => randomInput(n, 500 + i, 0, 1));
    const ranges = calibrate(float, samples.map((s) => [s]));
    const bc = correctBiases(float, samples.map((s) => [s]), ranges);
    const biases = new Set(float.ops.filter((o) => WEIGHTED.has(o.opcode)).map((o) => o.inputs[2]!));
    expect(biases.size).toBeGreaterThan(0);
    expect(bc.ops).toEqual(float.ops);
    let changed = 0;
    float.tensors.forEach((t, i) => {
      if (biases.has(i)) changed += Buffer.compare(Buffer.from(t.data!), Buffer.from(bc.tensors[i]!.data!)) === 0 ? 0 : 1;
      else expect(bc.tensors[i]).toEqual(t);
    });
    expect(changed).toBeGreaterThan(0);

    const plain: Graph = quantizeModel(float, samples, "a.tflite", { method: "minmax" }).graph;
    const corrected: Graph = quantizeModel(float, samples, "b.tflite", { method: "minmax-bc" }).graph;
    expect(corrected.ops.map((o) => [o.opcode, o.inputs, o.outputs])).toEqual(plain.ops.map((o) => [o.opcode, o.inputs, o.outputs]));
    const biasOf = new Set(plain.ops.filter((o) => WEIGHTED.has(o.opcode)).map((o) => o.inputs[2]!));
    plain.tensors.forEach((t, i) => {
      expect(corrected.tensors[i]!.quant).toEqual(t.quant);
      if (!biasOf.has(i)) expect(corrected.tensors[i]!.data).toEqual(t.data);
    });
  }, 60_000);
});
