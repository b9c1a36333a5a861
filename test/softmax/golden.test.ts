/**
 * @fileoverview int8 SOFTMAX against TFLite Micro's own outputs: every golden-ops softmax_* case
 * (k = 0, 1, 2) and the last layer of kws_ref_model (tensor 33 -> tensor 34), byte for byte.
 *
 * Params come from lowerSoftmax on the graph the .tflite importer builds from the case's model
 * (so beta and the float32 scales are the model's own), cross-checked against a graph built by
 * hand from meta.json; the kernel runs as TypeScript (the reference semantics).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Graph, Op, Tensor } from "../../compiler/ir/graph.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { lowerSoftmax } from "../../compiler/ops/softmax.ts";
import type { KernelCall } from "../../compiler/ops/types.ts";
import { softmax, type SoftmaxParams } from "../../kernels/softmax.ts";
import { softmaxRow } from "./gemmlowp-model.ts";
import { needShared, sharedFile } from "../support/shared.ts";

const goldenOps = needShared("golden-ops");

interface MetaTensor {
  index: number;
  name: string;
  shape: number[];
  dtype: "int8";
  scale: number;
  zero_point: number;
}

/** A one-op Graph from a golden-ops meta.json (the importer-independent path). */
function graphFromMeta(meta: { case: string; ops: { op: string; version: number; options: Record<string, number>; inputs: number[]; outputs: number[] }[]; tensors: MetaTensor[]; model_inputs: number[]; model_outputs: number[] }): Graph {
  const tensors: Tensor[] = meta.tensors.map((t) => ({
    index: t.index,
    name: t.name,
    dtype: t.dtype,
    shape: t.shape,
    quant: { scale: [Math.fround(t.scale)], zeroPoint: [t.zero_point], quantizedDimension: 0 },
    isVariable: false,
  }));
  const ops: Op[] = meta.ops.map((o, i) => ({
    index: i,
    opcode: o.op,
    version: o.version,
    inputs: o.inputs,
    outputs: o.outputs,
    options: o.options,
  }));
  return { name: meta.case, tensors, ops, inputs: meta.model_inputs, outputs: meta.model_outputs };
}

function toInt8(buf: Buffer): Int8Array {
  return new Int8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function runCall(call: KernelCall, input: Int8Array): Int8Array {
  expect(call.kernel).toBe("softmax");
  expect(call.fn).toBe("softmax");
  const p = call.params as unknown as SoftmaxParams;
  const out = new Int8Array(p.outer * p.depth);
  softmax(p, input, out);
  return out;
}

/** The same rows through the BigInt model of TFLite's reference kernel. */
function runModel(call: KernelCall, input: Int8Array): Int8Array {
  const p = call.params as unknown as SoftmaxParams;
  const out = new Int8Array(p.outer * p.depth);
  for (let r = 0; r < p.outer; r++) {
    const row = Array.from(input.subarray(r * p.depth, (r + 1) * p.depth));
    out.set(softmaxRow(row, p.inputMultiplier, p.inputLeftShift, p.diffMin), r * p.depth);
  }
  return out;
}

const cases = goldenOps.ok
  ? readdirSync(sharedFile("golden-ops")).filter((d) => d.startsWith("softmax_")).sort()
  : [];

describe.skipIf(goldenOps.skip)("golden-ops SOFTMAX cases", () => {
  it("finds the softmax cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of cases) {
    const dir = sharedFile("golden-ops", name);
    it(`${name}: byte-exact for k = 0, 1, 2`, () => {
      const meta = JSON.parse(readFileSync(path.join(dir, "meta.json"), "utf8"));
      expect(meta.op).toBe("SOFTMAX");
      const graph = loadModel(path.join(dir, "model.tflite"));
      const op = graph.ops.find((o) => o.opcode === "SOFTMAX");
      expect(op).toBeDefined();
      const calls = lowerSoftmax(graph, op!);
      expect(calls).toHaveLength(1);

      const byHand = graphFromMeta(meta);
      expect(lowerSoftmax(byHand, byHand.ops[0])[0].params).toEqual(calls[0].params);

      for (let k = 0; k < 3; k++) {
        const input = toInt8(readFileSync(path.join(dir, `input_0_${k}.bin`)));
        const expected = toInt8(readFileSync(path.join(dir, `output_0_${k}.bin`)));
        expect(Array.from(runCall(calls[0], input)), `${name} k=${k}`).toEqual(Array.from(expected));
        expect(Array.from(runModel(calls[0], input)), `${name} k=${k} (BigInt model)`).toEqual(Array.from(expected));
      }
    });
  }
});

const kws = needShared("golden/kws_ref_model/layers", "models/kws_ref_model.tflite");
const kwsLayers = sharedFile("golden", "kws_ref_model", "layers");
const kwsModel = sharedFile("models", "kws_ref_model.tflite");

describe.skipIf(kws.skip)("kws_ref_model final SOFTMAX", () => {
  it("reproduces tensor 34 from tensor 33", () => {
    const graph = loadModel(kwsModel);
    const op = graph.ops.find((o) => o.opcode === "SOFTMAX");
    expect(op).toBeDefined();
    expect(op!.inputs).toEqual([33]);
    expect(op!.outputs).toEqual([34]);
    const tensorsJson = JSON.parse(readFileSync(path.join(kwsLayers, "tensors.json"), "utf8"));
    const t33 = tensorsJson.tensors.find((t: { index: number }) => t.index === 33);
    const t34 = tensorsJson.tensors.find((t: { index: number }) => t.index === 34);
    expect(Math.fround(t33.scale)).toBe(graph.tensors[33].quant!.scale[0]);
    expect(t33.zero_point).toBe(14);

    const [call] = lowerSoftmax(graph, op!);
    expect(call.params.outer).toBe(1);
    expect(call.params.depth).toBe(12);
    const input = toInt8(readFileSync(path.join(kwsLayers, t33.file)));
    const expected = toInt8(readFileSync(path.join(kwsLayers, t34.file)));
    expect(Array.from(runCall(call, input))).toEqual(Array.from(expected));
  });
});
