/**
 * @fileoverview The TF.js importer and the float reference against tfjs (cpu backend): for the
 * graph models in @vladmandic/human (liveness, emotion) and small CNNs built with tfjs-layers here
 * (Sequential and functional; float32, uint8, uint16 and float16 weight storage; sharded on disk),
 * Mote's float evaluation equals tfjs's output within 1e-4 on seeded random inputs. Also: the
 * graph Mote builds (TFLite layouts, folds, fused activations) and the one-error reports of
 * unsupported ops and layers and of bad files. MobileNetV2 (nsfwjs) is in tfjs-import.full.test.ts.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { importTfjs, loadTfjsModel, type TfjsArtifacts } from "../../../compiler/import/tfjs/load.ts";
import { readModelJson } from "../../../compiler/import/tfjs/manifest.ts";
import { evaluateFloat } from "../../../compiler/quantize/float/eval.ts";
import type { Graph } from "../../../compiler/ir/graph.ts";
import { moteError } from "../mote-error.ts";
import { HUMAN_MODELS, maxAbsDiff, randomInput, runTfjs } from "./support.ts";
import { functionalCnn, restore, saveToMemory, sequentialCnn, writeModelDir } from "./small-models.ts";

const TOLERANCE = 1e-4;
const tmp = mkdtempSync(path.join(tmpdir(), "mote-tfjs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Max abs difference between Mote's float reference and tfjs over `seeds` random inputs. */
async function agreement(g: Graph, art: TfjsArtifacts, kind: "graph" | "layers", seeds: number[], lo: number, hi: number): Promise<number> {
  const shape = g.tensors[g.inputs[0]!]!.shape;
  let worst = 0;
  for (const seed of seeds) {
    const x = randomInput(shape.reduce((a, b) => a * b, 1), seed, lo, hi);
    const mine = evaluateFloat(g, [x]).outputs;
    const ref = await runTfjs(art, kind, shape, x);
    expect(mine.length).toBe(ref.length);
    mine.forEach((m, i) => (worst = Math.max(worst, maxAbsDiff(m, ref[i]!))));
  }
  return worst;
}

const opList = (g: Graph): string[] =>
  g.ops.map((o) => o.opcode + (o.options.fusedActivationFunction && o.options.fusedActivationFunction !== "NONE" ? `+${String(o.options.fusedActivationFunction)}` : ""));

describe("TF.js graph models (@vladmandic/human)", () => {
  it("liveness: BN-after-ReLU folds where exact (only the ADDs before padded convs stay), MatMul becomes FULLY_CONNECTED [out, in], float output equals tfjs", async () => {
    const art = readModelJson(path.join(HUMAN_MODELS, "liveness.json"));
    const g = importTfjs(art);
    expect(opList(g)).toEqual([
      "CONV_2D+RELU", "ADD", "CONV_2D+RELU", "MAX_POOL_2D", "ADD", "CONV_2D+RELU", "ADD",
      "CONV_2D+RELU", "MAX_POOL_2D", "RESHAPE", "FULLY_CONNECTED+RELU", "FULLY_CONNECTED", "SOFTMAX",
    ]);
    expect(g.tensors[g.inputs[0]!]!.shape).toEqual([1, 32, 32, 3]);
    expect(g.tensors[g.ops[0]!.inputs[1]!]!.shape).toEqual([16, 3, 3, 3]);
    const fc = g.ops.find((o) => o.opcode === "FULLY_CONNECTED")!;
    const [units, depth] = g.tensors[fc.inputs[1]!]!.shape;
    expect(g.tensors[fc.inputs[0]!]!.shape).toEqual([1, depth]);
    expect(g.tensors[fc.outputs[0]!]!.shape).toEqual([1, units]);
    expect(g.tensors.every((t) => t.dtype === "float32" || t.dtype === "int32")).toBe(true);
    expect(await agreement(g, art, "graph", [1, 2], 0, 1)).toBeLessThan(TOLERANCE);
  });

  it("emotion: fused convs, depthwise [1, kh, kw, c], residual ADDs, MEAN, float output equals tfjs", async () => {
    const art = readModelJson(path.join(HUMAN_MODELS, "emotion.json"));
    const g = importTfjs(art);
    const ops = opList(g);
    expect(ops.filter((o) => o.startsWith("DEPTHWISE_CONV_2D")).length).toBe(4);
    expect(ops.filter((o) => o === "ADD").length).toBe(2);
    expect(ops.at(-2)).toBe("MEAN");
    expect(ops.at(-1)).toBe("SOFTMAX");
    const dw = g.ops.find((o) => o.opcode === "DEPTHWISE_CONV_2D")!;
    expect(g.tensors[dw.inputs[1]!]!.shape.slice(0, 3)).toEqual([1, 3, 3]);
    expect(await agreement(g, art, "graph", [3], -1, 1)).toBeLessThan(TOLERANCE);
  });
});

describe("TF.js graph models with float16 weights", () => {
  it("antispoof (float16-stored weights): float output equals tfjs", async () => {
    const art = readModelJson(path.join(HUMAN_MODELS, "antispoof.json"));
    expect(art.weightSpecs.some((w) => w.quantization?.dtype === "float16")).toBe(true);
    const g = importTfjs(art);
    expect(g.ops.at(-1)!.opcode).toBe("LOGISTIC");
    expect(await agreement(g, art, "graph", [5], 0, 1)).toBeLessThan(TOLERANCE);
  });
});

describe("TF.js layers models built with tfjs-layers", () => {
  it("a Sequential CNN (conv, depthwise, BN, ReLU6, 1x1 conv, pool, dense, BN, softmax): BNs folded, activations fused", async () => {
    const art = await saveToMemory(sequentialCnn(), "sequential-cnn");
    const g = importTfjs(art);
    expect(opList(g)).toEqual([
      "CONV_2D+RELU", "DEPTHWISE_CONV_2D+RELU6", "CONV_2D", "MAX_POOL_2D", "RESHAPE", "FULLY_CONNECTED+RELU6", "FULLY_CONNECTED", "SOFTMAX",
    ]);
    expect(await agreement(g, art, "layers", [4, 5, 6], -1, 1)).toBeLessThan(TOLERANCE);
  });

  it("a functional model (zero padding, strides, separable and dilated convs, BN after ReLU, add, multiply, concat, PReLU, pools, reshape, sigmoid)", async () => {
    const art = await saveToMemory(functionalCnn(), "functional-cnn");
    const g = importTfjs(art);
    const ops = opList(g);
    for (const o of ["PAD", "CONV_2D+RELU", "MUL", "ADD", "DEPTHWISE_CONV_2D", "LEAKY_RELU", "CONCATENATION", "PRELU", "AVERAGE_POOL_2D", "MEAN", "RESHAPE", "FULLY_CONNECTED", "LOGISTIC"]) {
      expect(ops).toContain(o);
    }
    expect(await agreement(g, art, "layers", [7, 8], -2, 2)).toBeLessThan(TOLERANCE);
  });

  for (const dtype of ["uint8", "uint16", "float16"] as const) {
    it(`weights stored as ${dtype}, in 3 shards on disk, decode as tfjs decodes them`, async () => {
      const art = restore(await saveToMemory(sequentialCnn(), "sequential-cnn"), dtype);
      const file = writeModelDir(art, path.join(tmp, dtype), 3);
      const g = loadTfjsModel(file);
      expect(g.name).toBe("model.json");
      expect(await agreement(g, readModelJson(file), "layers", [9], -1, 1)).toBeLessThan(TOLERANCE);
    });
  }
});

describe("TF.js import errors", () => {
  it("a graph with unknown ops fails with one MOTE6903 naming every one with its node", () => {
    const dir = path.join(tmp, "unsupported");
    const json = JSON.parse(readFileSync(path.join(HUMAN_MODELS, "liveness.json"), "utf8"));
    const nodes = json.modelTopology.node as { name: string; op: string }[];
    const softmax = nodes.find((n) => n.op === "Softmax")!;
    const pool = nodes.find((n) => n.op === "MaxPool")!;
    softmax.op = "Erf";
    pool.op = "MysteryOp";
    writeModelDir({ name: "x", format: json.format, modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(0) }, dir, 1);
    copyFileSync(path.join(HUMAN_MODELS, "liveness.bin"), path.join(dir, "group1-shard1of1.bin"));
    const e = moteError(() => loadTfjsModel(path.join(dir, "model.json")), [6903]);
    expect(e.message).toContain("2 unsupported TensorFlow ops");
    expect(e.message).toContain(`Erf (${softmax.name})`);
    expect(e.message).toContain(`MysteryOp (${pool.name})`);
    expect(e.oneLine().split("\n")).toHaveLength(1);
  });

  it("a layers model with unsupported layers and activations fails with one MOTE6904 naming each", async () => {
    const art = await saveToMemory(sequentialCnn(), "cnn");
    const top = JSON.parse(JSON.stringify(art.modelTopology));
    top.config.layers[4].class_name = "Conv2DTranspose";
    top.config.layers[8].config.activation = "selu";
    const e = moteError(() => importTfjs({ ...art, modelTopology: top }), [6904]);
    expect(e.message).toMatch(/2 unsupported Keras layers: Conv2DTranspose \(conv2d_\w+\), Dense with activation selu \(dense_\w+\)/);
  });

  it("bad files: missing model.json (6901), not JSON (6901), short shard (6902), NCHW (6905)", async () => {
    moteError(() => loadTfjsModel(path.join(tmp, "nope", "model.json")), [6901]);
    writeFileSync(path.join(tmp, "bad.json"), "{ not json");
    moteError(() => loadTfjsModel(path.join(tmp, "bad.json")), [6901]);
    const art = await saveToMemory(sequentialCnn(), "cnn");
    const short = writeModelDir({ ...art, weightData: art.weightData.subarray(8) }, path.join(tmp, "short"), 1);
    expect(moteError(() => loadTfjsModel(short), [6902]).message).toContain("weights need");
    const top = JSON.parse(JSON.stringify(art.modelTopology));
    top.config.layers[0].config.data_format = "channels_first";
    expect(moteError(() => importTfjs({ ...art, modelTopology: top }), [6905]).message).toContain("channels_first");
  });

  it("the float reference rejects a wrong input size (6907) and an int8 graph (6906)", async () => {
    const g = importTfjs(await saveToMemory(sequentialCnn(), "cnn"));
    moteError(() => evaluateFloat(g, [new Float32Array(3)]), [6907]);
    moteError(() => evaluateFloat(g, []), [6907]);
    const int8: Graph = { ...g, tensors: g.tensors.map((t) => (t.index === g.inputs[0] ? { ...t, dtype: "int8" } : t)) };
    moteError(() => evaluateFloat(int8, [new Float32Array(64)]), [6906]);
  });
});
