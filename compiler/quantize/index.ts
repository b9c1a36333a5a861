/**
 * @fileoverview Post-training int8 quantization of a float Graph imported from TF.js, end to end:
 * calibrate (calibrate.ts) → for the -bc methods, bias correction (bias-correct.ts) → quantize
 * (quantize.ts) → .tflite bytes (compiler/import/tflite/writer.ts) → read back with the .tflite
 * importer. The read-back Graph is the one to compile: whatever Mote builds from a TF.js model
 * is exactly what the exported file gives.
 */
import type { Graph } from "../ir/graph.ts";
import { importTflite } from "../import/tflite/import.ts";
import { writeGraph } from "../import/tflite/writer.ts";
import { correctBiases } from "./bias-correct.ts";
import { calibrate, type CalibrationMethod, type Ranges } from "./calibrate.ts";
import { quantizeGraph } from "./quantize.ts";

export { CALIBRATION_METHODS, type CalibrationMethod } from "./calibrate.ts";
export { readCalibration, type CalibrationOptions } from "./data.ts";

export interface QuantizeOptions {
  method?: CalibrationMethod;
  onProgress?: (done: number, total: number, pass: number, passes: number) => void;
}

export interface Quantized {
  /** The int8 graph as read back from `tflite`. */
  graph: Graph;
  /** The .tflite file's bytes. */
  tflite: Uint8Array;
  ranges: Ranges;
}

/** Quantizes `float` with one-input calibration `samples`; `name` names the result (file name). */
export function quantizeModel(float: Graph, samples: Float32Array[], name: string, opts: QuantizeOptions = {}): Quantized {
  const ranges = calibrate(float, samples.map((s) => [s]), { method: opts.method, onProgress: opts.onProgress });
  const int8 = quantizeGraph(opts.method?.endsWith("-bc") ? correctBiases(float, samples.map((s) => [s]), ranges) : float, ranges);
  const tflite = writeGraph(int8, `Mote int8 post-training quantization of ${float.name} (${opts.method ?? "minmax"} calibration)`);
  const graph = importTflite(tflite, name);
  return { graph, tflite, ranges };
}
