/**
 * @fileoverview Small models built with tfjs-layers inside the tests (random weights, batch-norm
 * statistics set away from their defaults so folding is exercised), saved to memory with tf.io,
 * and helpers that re-store the weights as uint8 / uint16 / float16 or split them into shards on disk.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { TfjsArtifacts, WeightSpec } from "../../../compiler/import/tfjs/load.ts";
import { randomInput, tfCpu } from "./support.ts";

/** Gives every BatchNormalization layer non-trivial gamma, beta, mean and variance. */
function shakeBatchNorms(model: tfl.LayersModel, seed: number): void {
  for (const l of model.layers) {
    if (l.getClassName() !== "BatchNormalization") continue;
    l.setWeights(l.getWeights().map((w, i) => {
      const v = randomInput(w.size, seed + i, -1, 1);
      // gamma, beta, moving_mean, moving_variance (variance > 0)
      return tf.tensor(i === 3 ? v.map((x) => 0.5 + Math.abs(x)) : i === 0 ? v.map((x) => 1 + 0.5 * x) : v, w.shape);
    }));
  }
}

/**
 * Replaces every weight but batch norm's with seeded values (uniform in +-sqrt(3 / fan-in), biases
 * and other vectors in +-0.1), so a model is the same in every run: tfjs's initializers are
 * unseeded, and a quantization test's tolerance must not depend on the draw.
 */
function seedWeights(model: tfl.LayersModel, seed: number): void {
  model.layers.forEach((l, k) => {
    if (l.getClassName() === "BatchNormalization") return;
    const ws = l.getWeights();
    if (ws.length === 0) return;
    l.setWeights(ws.map((w, i) => {
      const fanIn = w.shape.length > 1 ? w.size / w.shape[w.shape.length - 1]! : 0;
      const lim = fanIn > 0 ? Math.sqrt(3 / fanIn) : 0.1;
      return tf.tensor(randomInput(w.size, seed + 101 * k + i, -lim, lim), w.shape);
    }));
  });
}

/** The digits-style CNN of issue 14: conv, depthwise, BN, ReLU6, 1x1 conv, pooling, dense, softmax. */
export function sequentialCnn(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 8, kernelSize: 3, padding: "same", activation: "relu" }));
  m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "valid", useBias: false }));
  m.add(tfl.layers.batchNormalization());
  m.add(tfl.layers.reLU({ maxValue: 6 }));
  m.add(tfl.layers.conv2d({ filters: 12, kernelSize: 1 }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dropout({ rate: 0.2 }));
  m.add(tfl.layers.dense({ units: 16 }));
  m.add(tfl.layers.batchNormalization());
  m.add(tfl.layers.activation({ activation: "relu6" }));
  m.add(tfl.layers.dense({ units: 10, activation: "softmax" }));
  seedWeights(m, 500);
  shakeBatchNorms(m, 100);
  return m;
}

/** A functional model: padding, strided and separable convs, BN after an activation, branches, pools. */
export function functionalCnn(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 3] });
  let x = tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, activation: "relu" }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
  const a = tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: "same" }).apply(x) as tfl.SymbolicTensor;
  const bb = tfl.layers.conv2d({ filters: 6, kernelSize: 1, dilationRate: 1 }).apply(x) as tfl.SymbolicTensor;
  const c = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", dilationRate: 2 }).apply(x) as tfl.SymbolicTensor;
  let y = tfl.layers.add().apply([a, bb]) as tfl.SymbolicTensor;
  y = tfl.layers.leakyReLU({ alpha: 0.1 }).apply(y) as tfl.SymbolicTensor;
  const m2 = tfl.layers.multiply().apply([y, bb]) as tfl.SymbolicTensor;
  let z = tfl.layers.concatenate().apply([m2, c]) as tfl.SymbolicTensor;
  z = tfl.layers.prelu({ sharedAxes: [1, 2] }).apply(z) as tfl.SymbolicTensor;
  z = tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }).apply(z) as tfl.SymbolicTensor;
  const g = tfl.layers.globalAveragePooling2d({}).apply(z) as tfl.SymbolicTensor;
  const r = tfl.layers.reshape({ targetShape: [2, 5] }).apply(g) as tfl.SymbolicTensor;
  const f = tfl.layers.flatten().apply(r) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, activation: "sigmoid" }).apply(f) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  seedWeights(model, 600);
  shakeBatchNorms(model, 200);
  // PReLU starts at alpha 0: give it slopes.
  for (const l of model.layers) {
    if (l.getClassName() === "PReLU") l.setWeights(l.getWeights().map((w) => tf.tensor(randomInput(w.size, 300, 0, 0.5), w.shape)));
  }
  return model;
}

/** The model's artifacts as tf.io's memory save gives them. */
export async function saveToMemory(model: tfl.LayersModel, name: string): Promise<TfjsArtifacts> {
  await tfCpu();
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  // weightData may be one buffer or a list of them (tfjs 4's WeightData).
  const data = tf.io.CompositeArrayBuffer.join(saved!.weightData);
  return {
    name, format: saved!.format, modelTopology: saved!.modelTopology,
    weightSpecs: saved!.weightSpecs as WeightSpec[], weightData: new Uint8Array(data.slice(0)),
  };
}

function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp <= 0) return sign | Math.round((mant | 0x800000) / 2 ** (14 - exp));
  if (exp >= 31) return sign | 0x7c00;
  const h = sign | (exp << 10) | (mant >> 13);
  // Round to nearest, ties to even (a carry into the exponent is still the right half).
  return (mant & 0x1000) !== 0 && ((mant & 0xfff) !== 0 || (h & 1) !== 0) ? h + 1 : h;
}

/** Re-stores every float32 weight as uint8 / uint16 (v·scale + min) or float16, as tfjs-converter's --quantize options do. */
export function restore(art: TfjsArtifacts, dtype: "uint8" | "uint16" | "float16"): TfjsArtifacts {
  const chunks: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  let at = 0;
  for (const w of art.weightSpecs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(art.weightData.slice(at, at + 4 * n).buffer);
    at += 4 * n;
    if (dtype === "float16") {
      chunks.push(new Uint8Array(Uint16Array.from(v, toHalf).buffer));
      specs.push({ ...w, quantization: { dtype } });
      continue;
    }
    const levels = dtype === "uint8" ? 255 : 65535;
    const min = Math.min(...v);
    const scale = (Math.max(...v) - min) / levels || 1;
    const q = Array.from(v, (x) => Math.round((x - min) / scale));
    chunks.push(dtype === "uint8" ? Uint8Array.from(q) : new Uint8Array(Uint16Array.from(q).buffer));
    specs.push({ ...w, quantization: { dtype, scale, min } });
  }
  const weightData = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    weightData.set(c, o);
    o += c.length;
  }
  return { ...art, weightSpecs: specs, weightData };
}

/** Writes model.json with the weights split into `shards` files; returns the model.json path. */
export function writeModelDir(art: TfjsArtifacts, dir: string, shards: number): string {
  mkdirSync(dir, { recursive: true });
  const size = Math.ceil(art.weightData.length / shards);
  const paths: string[] = [];
  for (let i = 0; i < shards; i++) {
    const p = `group1-shard${i + 1}of${shards}.bin`;
    writeFileSync(path.join(dir, p), art.weightData.subarray(i * size, (i + 1) * size));
    paths.push(p);
  }
  const json = { format: art.format, modelTopology: art.modelTopology, weightsManifest: [{ paths, weights: art.weightSpecs }] };
  const file = path.join(dir, "model.json");
  writeFileSync(file, JSON.stringify(json));
  return file;
}
