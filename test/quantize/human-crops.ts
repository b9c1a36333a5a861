/**
 * @fileoverview The emotion and liveness measurement of docs/tfjs.md (test support): 364
 * deterministic square crops of the photos in ../shared/data/images (seeded positions and sizes,
 * area-resized to the model input), the first 64 for calibration and the other 300 to measure
 * on; each model quantized with both calibration methods and run on a target; top-1 agreement
 * with Mote's float reference (equal to tfjs within 1e-4), overall and where float's top-1 beats
 * its top-2 by >= 0.2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTfjsModel } from "../../compiler/import/tfjs/load.ts";
import { readImage, type RgbImage } from "../../compiler/inputs/image.ts";
import { resizeArea } from "../../compiler/inputs/preprocess.ts";
import { dequantize, quantizeValue } from "../../compiler/inputs/quant.ts";
import { evaluateFloat } from "../../compiler/quantize/float/eval.ts";
import { quantizeModel, type CalibrationMethod } from "../../compiler/quantize/index.ts";
import { runInvocations, type Target } from "../../compiler/run/targets.ts";
import { sharedFile } from "../support/shared.ts";
import { HUMAN_MODELS } from "../import/tfjs/support.ts";

export const CALIBRATION = 64;
export const MEASURED = 300;

/** Mulberry32 in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function crop(img: RgbImage, x0: number, y0: number, side: number): RgbImage {
  const rgb = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) rgb.set(img.rgb.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + side) * 3), y * side * 3);
  return { width: side, height: side, rgb };
}

/** CALIBRATION + MEASURED crops as float inputs of an [1, size, size, channels] model, pixels mapped to [lo, hi]. */
export function crops(size: number, channels: 1 | 3, lo: number, hi: number): Float32Array[] {
  const dir = sharedFile("data", "images");
  const images = fs.readdirSync(dir).sort().map((f) => readImage(path.join(dir, f)));
  const next = rng(14);
  return Array.from({ length: CALIBRATION + MEASURED }, (_, i) => {
    const img = images[i % images.length]!;
    const min = Math.min(img.width, img.height);
    const side = Math.max(size, Math.floor(min * (0.2 + 0.8 * next())));
    const px = resizeArea(crop(img, Math.floor(next() * (img.width - side + 1)), Math.floor(next() * (img.height - side + 1)), side), size, size);
    const x = new Float32Array(size * size * channels);
    for (let p = 0; p < size * size; p++) {
      const [r, g, b] = [px.rgb[p * 3]!, px.rgb[p * 3 + 1]!, px.rgb[p * 3 + 2]!];
      const v = (q: number): number => lo + ((hi - lo) * q) / 255;
      if (channels === 3) [x[p * 3], x[p * 3 + 1], x[p * 3 + 2]] = [v(r), v(g), v(b)];
      else x[p] = v(Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000));
    }
    return x;
  });
}

export interface HumanAgreement {
  model: string;
  method: CalibrationMethod;
  /** Top-1 agreement over the MEASURED crops, %. */
  agreement: number;
  /** Agreement where float's top-1 beats its top-2 by >= 0.2, %, and how many crops that is. */
  confident: number;
  confidentCount: number;
  /** Measured crops where the int8 output's largest value is shared by several classes (a tie argmax breaks towards class 0). */
  ties: number;
  /** Float margins (top-1 minus top-2) of the crops where int8 and float disagree. */
  disagreeMargins: number[];
}

const MODELS = {
  liveness: { size: 32, channels: 3 as const, lo: 0, hi: 1 },
  emotion: { size: 64, channels: 1 as const, lo: -1, hi: 1 },
};

const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};

/** Float outputs of every measured crop (computed once per model, then shared by the methods). */
export function floatOutputs(model: keyof typeof MODELS): { inputs: Float32Array[]; outputs: Float32Array[] } {
  const m = MODELS[model];
  const inputs = crops(m.size, m.channels, m.lo, m.hi);
  const float = loadTfjsModel(path.join(HUMAN_MODELS, `${model}.json`));
  return { inputs, outputs: inputs.slice(CALIBRATION).map((x) => evaluateFloat(float, [x], { outputsOnly: true }).outputs[0]!) };
}

export async function measureHuman(model: keyof typeof MODELS, method: CalibrationMethod, target: Target, ref = floatOutputs(model)): Promise<HumanAgreement> {
  const float = loadTfjsModel(path.join(HUMAN_MODELS, `${model}.json`));
  const { graph } = quantizeModel(float, ref.inputs.slice(0, CALIBRATION), `${model}_int8.tflite`, { method });
  const input = graph.tensors[graph.inputs[0]!]!;
  const output = graph.tensors[graph.outputs[0]!]!;
  const measured = ref.inputs.slice(CALIBRATION);
  const result = await runInvocations(graph, measured.map((x) => [Uint8Array.from(x, (v) => quantizeValue(input, v) & 0xff)]), target);
  let same = 0;
  let confident = 0;
  let confidentSame = 0;
  let ties = 0;
  const disagreeMargins: number[] = [];
  measured.forEach((_, i) => {
    const f = ref.outputs[i]!;
    const top = argmax(f);
    const q = dequantize(output, result.outputs[i]![0]!);
    const k = argmax(q);
    if (q.filter((v) => v === q[k]).length > 1) ties++;
    const second = Math.max(...Array.from(f).filter((_, j) => j !== top));
    if (top === k) same++;
    else disagreeMargins.push(Number((f[top]! - second).toFixed(4)));
    if (f[top]! - second >= 0.2) {
      confident++;
      if (top === k) confidentSame++;
    }
  });
  return {
    model, method, agreement: (100 * same) / measured.length,
    confident: confident === 0 ? 100 : (100 * confidentSame) / confident, confidentCount: confident, ties, disagreeMargins,
  };
}
