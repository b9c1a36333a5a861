/**
 * @fileoverview `mote quantize MODEL.json --calibration DATA --out model_int8.tflite|DIR
 * [--calibration-method minmax|mse|minmax-bc|mse-bc] [--input-range LO,HI] [--input-scale S] [--calibration-count N]`:
 * imports a TF.js model (compiler/import/tfjs/), quantizes it to int8 with calibration data
 * (compiler/quantize/) and writes the .tflite. `tfjsModel` is the same path for compile and run
 * given a model.json and --calibration (the quantized model is read back from its bytes).
 */
import * as path from "node:path";
import { fail } from "../diagnostics.ts";
import type { Graph } from "../ir/graph.ts";
import { loadTfjsModel } from "../import/tfjs/load.ts";
import { CALIBRATION_METHODS, quantizeModel, readCalibration, type CalibrationMethod, type Quantized } from "../quantize/index.ts";
import { progress, type Progress } from "./progress.ts";
import { checkOutputFile, checkUserFile, checkUserPath, READ_AS, writeOutputFile } from "../files.ts";

export interface QuantizeFlags {
  calibration?: string;
  calibrationMethod?: string;
  /** "LO,HI" for image folders. */
  inputRange?: string;
  /** A factor for .npy / CSV values. */
  inputScale?: string;
  calibrationCount?: number;
}

function parseFlags(flags: QuantizeFlags): { method: CalibrationMethod; inputRange?: [number, number]; inputScale?: number } {
  const method = (flags.calibrationMethod ?? "minmax") as CalibrationMethod;
  if (!CALIBRATION_METHODS.includes(method)) fail(6913, "--calibration-method", `'${flags.calibrationMethod}' (${CALIBRATION_METHODS.join(", ")})`);
  let inputRange: [number, number] | undefined;
  if (flags.inputRange !== undefined) {
    const v = flags.inputRange.split(",").map((s) => Number(s.trim()));
    if (v.length !== 2 || v.some((x) => !Number.isFinite(x)) || !(v[0]! < v[1]!)) fail(6913, "--input-range", `'${flags.inputRange}' (LO,HI with LO < HI, e.g. 0,1)`);
    inputRange = [v[0]!, v[1]!];
  }
  let inputScale: number | undefined;
  if (flags.inputScale !== undefined) {
    inputScale = Number(flags.inputScale);
    if (!Number.isFinite(inputScale) || inputScale === 0) fail(6913, "--input-scale", `'${flags.inputScale}' (a non-zero number)`);
  }
  return { method, inputRange, inputScale };
}

/** Imports, calibrates and quantizes MODEL.json; progress lines go to `p`. */
export function quantizeTfjs(model: string, flags: QuantizeFlags, command: string, p: Progress): Quantized & { float: Graph; samples: number } {
  if (flags.calibration === undefined) fail(6916, model, command);
  const { method, inputRange, inputScale } = parseFlags(flags);
  checkUserFile(model, READ_AS.model);
  checkUserPath(flags.calibration, READ_AS.calibration);
  p.step(`importing TF.js model ${model}`);
  const float = loadTfjsModel(model);
  p.step(`reading calibration data ${flags.calibration}`);
  const samples = readCalibration(flags.calibration, float, { inputRange, inputScale, limit: flags.calibrationCount });
  const q = quantizeModel(float, samples, path.basename(model).replace(/\.json$/i, "_int8.tflite"), {
    method,
    onProgress: (done, total, pass, passes) => {
      if (done === 1) p.step(`calibrating (${method}${passes > 1 ? `, pass ${pass} of ${passes}` : ""}) on ${total} sample${total === 1 ? "" : "s"}`);
    },
  });
  p.step(`quantized ${float.ops.length} ops to int8`);
  return { ...q, float, samples: samples.length };
}

/** compile/run/analyze/validate: the int8 Graph of MODEL.json quantized with --calibration. */
export function tfjsModel(model: string, flags: QuantizeFlags, command: string): Graph {
  const p = progress({ log: true });
  try {
    return quantizeTfjs(model, flags, command, p).graph;
  } finally {
    p.end();
  }
}

/**
 * Where `mote quantize --out OUT` writes: OUT itself when it ends in .tflite; otherwise OUT is a
 * directory (created if missing, as every other command's --out) and the file is
 * OUT/<model name>_int8.tflite.
 */
export function quantizeOutPath(out: string, model: string): string {
  if (out.toLowerCase().endsWith(".tflite")) return out;
  return path.join(out, path.basename(model).replace(/\.json$/i, "") + "_int8.tflite");
}

export async function quantizeCommand(model: string, flags: QuantizeFlags & { out?: string }): Promise<void> {
  const p = progress({ log: true });
  let ok = false;
  try {
    const out = quantizeOutPath(flags.out ?? ".", model);
    checkOutputFile(out, "--out");
    const q = quantizeTfjs(model, flags, "mote quantize", p);
    writeOutputFile(out, q.tflite, "--out");
    ok = true;
    p.end(true);
    const ins = q.graph.inputs.map((t) => q.graph.tensors[t]!).map((t) => `${t.name} int8 [${t.shape.join(", ")}] scale ${t.quant!.scale[0]!.toPrecision(6)} zero point ${t.quant!.zeroPoint[0]}`);
    process.stdout.write(`wrote ${out} (${q.tflite.length} bytes, ${q.graph.ops.length} ops, calibrated on ${q.samples} samples with ${flags.calibrationMethod ?? "minmax"})\n`);
    process.stdout.write(`input: ${ins.join("; ")}\n`);
  } finally {
    if (!ok) p.end(false);
  }
}
