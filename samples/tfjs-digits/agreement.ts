/**
 * @fileoverview The tfjs-digits measurement, shared by run.ts and the tests: quantize the
 * committed TF.js model with Mote on the first 200 training rows, run the int8 model on the
 * held-back rows on a target (qemu: the simulated Cortex-M7), and compare with Mote's float
 * reference of the same TF.js model: accuracy of each and top-1 agreement.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { loadTfjsModel } from "../../compiler/import/tfjs/load.ts";
import { dequantize, quantizeValue } from "../../compiler/inputs/quant.ts";
import { evaluateFloat } from "../../compiler/quantize/float/eval.ts";
import { quantizeModel, type CalibrationMethod } from "../../compiler/quantize/index.ts";
import { runInvocations, type Target } from "../../compiler/run/targets.ts";
import { readDigits, split } from "./data.ts";

export const MODEL = path.join(path.dirname(fileURLToPath(import.meta.url)), "model", "model.json");
export const CALIBRATION_ROWS = 200;

export interface Agreement {
  method: CalibrationMethod;
  target: Target;
  rows: number;
  floatAccuracy: number;
  int8Accuracy: number;
  /** Share of rows where int8 and float pick the same class. */
  agreement: number;
  /** The .tflite Mote wrote. */
  tflite: Uint8Array;
}

const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};

export async function measure(target: Target, method: CalibrationMethod = "minmax"): Promise<Agreement> {
  const float = loadTfjsModel(MODEL);
  const { train, test } = split(readDigits());
  const q = quantizeModel(float, train.slice(0, CALIBRATION_ROWS).map((d) => d.pixels), "digits_int8.tflite", { method });
  const input = q.graph.tensors[q.graph.inputs[0]!]!;
  const output = q.graph.tensors[q.graph.outputs[0]!]!;
  const invocations = test.map((d) => [Uint8Array.from(d.pixels, (v) => quantizeValue(input, v) & 0xff)]);
  const result = await runInvocations(q.graph, invocations, target);
  let floatRight = 0;
  let int8Right = 0;
  let same = 0;
  test.forEach((d, i) => {
    const f = argmax(evaluateFloat(float, [d.pixels]).outputs[0]!);
    const k = argmax(dequantize(output, result.outputs[i]![0]!));
    if (f === d.label) floatRight++;
    if (k === d.label) int8Right++;
    if (f === k) same++;
  });
  const pct = (n: number): number => (100 * n) / test.length;
  return { method, target, rows: test.length, floatAccuracy: pct(floatRight), int8Accuracy: pct(int8Right), agreement: pct(same), tflite: q.tflite };
}
