/**
 * @fileoverview Test support for the TF.js importer: tfjs on the cpu backend (PROD mode), models
 * loaded through tf.io.fromMemory from the same artifacts Mote reads, seeded random inputs, the
 * nsfwjs MobileNetV2 reader (a UMD .js wrapping the model JSON, another wrapping the base64
 * shard), and the comparison of Mote's float reference with tfjs's execution.
 */
import { readFileSync } from "node:fs";
import * as vm from "node:vm";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import { loadLayersModel } from "@tensorflow/tfjs-layers";
import type { TfjsArtifacts, WeightSpec } from "../../../compiler/import/tfjs/load.ts";
import { REPO } from "../../support/shared.ts";

tf.env().set("PROD", true);

export async function tfCpu(): Promise<typeof tf> {
  await tf.setBackend("cpu");
  await tf.ready();
  return tf;
}

export const HUMAN_MODELS = path.join(REPO, "node_modules/@vladmandic/human/models");
export const NSFW_MOBILENET = path.join(REPO, "node_modules/nsfwjs/dist/models/mobilenet_v2");

/** Mulberry32: deterministic floats in [lo, hi). */
export function randomInput(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

function memoryIo(art: TfjsArtifacts): tf.io.IOHandler {
  const d = art.weightData;
  return tf.io.fromMemory({
    modelTopology: art.modelTopology as object,
    weightSpecs: art.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer,
    format: art.format,
  });
}

/** Runs the artifacts with tfjs (graph or layers model) on one input of `shape`. */
export async function runTfjs(art: TfjsArtifacts, kind: "graph" | "layers", shape: number[], input: Float32Array): Promise<Float32Array[]> {
  await tfCpu();
  const model = kind === "graph" ? await loadGraphModel(memoryIo(art)) : await loadLayersModel(memoryIo(art));
  const x = tf.tensor(input, shape);
  const y = kind === "graph" ? (model as tf.InferenceModel).predict(x, {}) : (model as ReturnType<typeof loadLayersModel> extends Promise<infer M> ? M : never).predict(x);
  const ys = (Array.isArray(y) ? y : [y]) as tf.Tensor[];
  const out = await Promise.all(ys.map(async (t) => new Float32Array(await t.data())));
  tf.dispose([x, ...ys]);
  return out;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The nsfwjs MobileNetV2 layers model: model.min.js and group1-shard1of1.min.js are UMD bundles. */
export function readNsfwMobileNet(): TfjsArtifacts {
  const umd = (file: string): unknown => {
    const module = { exports: {} as unknown };
    vm.runInNewContext(readFileSync(path.join(NSFW_MOBILENET, file), "utf8"), { module, exports: module.exports });
    // A JSON round trip brings the objects into this realm (tfjs-layers tests `instanceof Array`).
    return JSON.parse(JSON.stringify(module.exports)) as unknown;
  };
  const json = umd("model.min.js") as { modelTopology: unknown; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
  const chunks = json.weightsManifest.flatMap((g) => g.paths.map((p) => Buffer.from(umd(`${p}.min.js`) as string, "base64")));
  return {
    name: "nsfwjs mobilenet_v2",
    format: "layers-model",
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: new Uint8Array(Buffer.concat(chunks)),
  };
}
