/**
 * @fileoverview The TF.js importer's entry points: a model.json on disk (`loadTfjsModel`) or
 * in-memory artifacts (`importTfjs`, e.g. from tf.io) → the IR `Graph` (compiler/ir/graph.ts)
 * with float32 tensors, TFLite layouts and TFLite opcode names and options.
 *
 * graph-model.ts or layers-model.ts fills a GraphBuilder; passes.ts then folds biases and batch
 * norms and fuses activations. The result is the float graph that compiler/quantize/float/
 * evaluates and that the int8 quantization pass will turn into the graph Mote's kernels run.
 */

import type { Graph } from "../../ir/graph.ts";
import { GraphBuilder } from "./builder.ts";
import { importGraphModel } from "./graph-model.ts";
import { importLayersModel } from "./layers-model.ts";
import { decodeWeights, readModelJson, type TfjsArtifacts } from "./manifest.ts";
import { foldAffineAcrossActivations } from "./fold-affine.ts";
import { clipsToRelu, foldAffine, fuseActivations, renumberOps } from "./passes.ts";
import { unreadable } from "./errors.ts";

export type { TfjsArtifacts, WeightSpec } from "./manifest.ts";

/** Reads model.json and its shards and imports the model. */
export function loadTfjsModel(path: string): Graph {
  return importTfjs(readModelJson(path));
}

/** "graph" or "layers", from `format` or, for older files, from the topology's shape. */
export function tfjsKind(art: TfjsArtifacts): "graph" | "layers" {
  const top = art.modelTopology as Record<string, unknown> | null;
  if (art.format === "graph-model" || (top !== null && typeof top === "object" && Array.isArray(top.node))) return "graph";
  if (art.format === "layers-model" || (top !== null && typeof top === "object" && ("class_name" in top || "model_config" in top))) return "layers";
  unreadable(art.name, `format ${String(art.format)} and its modelTopology are neither a graph model nor a layers model`);
}

/** Imports in-memory TF.js artifacts. */
export function importTfjs(art: TfjsArtifacts): Graph {
  const kind = tfjsKind(art);
  const weights = decodeWeights(art);
  const b = new GraphBuilder(art.name);
  if (kind === "graph") importGraphModel(b, art.modelTopology, weights);
  else importLayersModel(b, art.modelTopology, weights);
  foldAffine(b);
  clipsToRelu(b);
  fuseActivations(b);
  foldAffineAcrossActivations(b);
  renumberOps(b);
  const g = b.finish();
  g.sourceBytes = art.weightData.length;
  return g;
}

/** True when `path` names a TF.js model (a .json file) rather than a .tflite. */
export function isTfjsModelPath(path: string): boolean {
  return path.toLowerCase().endsWith(".json");
}
