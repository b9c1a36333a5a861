/**
 * @fileoverview Trains the tfjs-digits sample's small CNN in TF.js (cpu backend) on the training
 * rows of ../shared/data/digits and saves it as a layers model to samples/tfjs-digits/model/.
 * Run once (npx tsx samples/tfjs-digits/train.ts, about a minute); the tests and run.ts use the
 * committed model and never train.
 *
 * The network: conv 3x3 (ReLU) → depthwise 3x3 → batch norm → ReLU6 → 1x1 conv → max pool →
 * flatten → dense → softmax, 8x8x1 inputs in 0..1.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { readDigits, split } from "./data.ts";

tf.env().set("PROD", true);
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), "model");

function model(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 16, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", useBias: false, depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tfl.layers.batchNormalization());
  m.add(tfl.layers.reLU({ maxValue: 6 }));
  m.add(tfl.layers.conv2d({ filters: 24, kernelSize: 1, activation: "relu", kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }));
  return m;
}

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  const { train, test } = split(readDigits());
  const xs = tf.tensor4d(train.flatMap((d) => Array.from(d.pixels)), [train.length, 8, 8, 1]);
  const ys = tf.oneHot(tf.tensor1d(train.map((d) => d.label), "int32"), 10);
  const m = model();
  m.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  await m.fit(xs, ys, { epochs: 5, batchSize: 32, shuffle: true, verbose: 0,
    callbacks: { onEpochEnd: async (e, logs) => console.log(`epoch ${e + 1}: loss ${logs?.loss?.toFixed(4)} accuracy ${logs?.acc?.toFixed(4)}`) } });
  const tx = tf.tensor4d(test.flatMap((d) => Array.from(d.pixels)), [test.length, 8, 8, 1]);
  const pred = tf.argMax(m.predict(tx) as tf.Tensor, -1).dataSync();
  const right = test.filter((d, i) => pred[i] === d.label).length;
  console.log(`held-back accuracy: ${((100 * right) / test.length).toFixed(1)} % of ${test.length}`);
  mkdirSync(OUT, { recursive: true });
  await m.save(tf.io.withSaveHandler(async (a) => {
    const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
    writeFileSync(path.join(OUT, "weights.bin"), data);
    writeFileSync(path.join(OUT, "model.json"), JSON.stringify({
      format: a.format, generatedBy: a.generatedBy, convertedBy: null, modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  console.log(`saved ${OUT}`);
}

await main();
