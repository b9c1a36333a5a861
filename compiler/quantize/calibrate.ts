/**
 * @fileoverview Calibration: the float range of every activation tensor of a float Graph over a
 * set of calibration inputs, observed after fused activations (evaluateFloat's onOp).
 *
 * "minmax" is TFLite's default (calibration_logger.h: the absolute min and max over all inputs).
 * "mse" then picks, for the output of each weighted layer (CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED), the clipping range [lo, hi] inside [min, max] that minimises the expected
 * squared error of int8 quantization (clipping error outside, a uniform rounding error of
 * scale²/12 inside), from a 1024-bin histogram of the tensor's values gathered in a second pass.
 * Everything else keeps min/max: the model input (clipping it loses information for good), the
 * elementwise ops (on liveness, clipping the post-ReLU batch norm's MUL/ADD outputs costs more
 * than it gains), and logits feeding a softmax or a model output (clipping changes top-1).
 * "minmax-bc" and "mse-bc" calibrate as minmax and mse; quantizeModel (index.ts) then corrects
 * the biases (bias-correct.ts).
 */
import type { Graph } from "../ir/graph.ts";
import { evaluateFloat } from "./float/eval.ts";

export type CalibrationMethod = "minmax" | "mse" | "minmax-bc" | "mse-bc";
/** The -bc variants add empirical bias correction (bias-correct.ts) to the same ranges. */
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ["minmax", "mse", "minmax-bc", "mse-bc"];

/** Per tensor index: [min, max] of its float values. */
export type Ranges = Map<number, [number, number]>;

export interface CalibrateOptions {
  method?: CalibrationMethod;
  /** Called after each calibration input (pass 1 of 1, or of 2 for mse). */
  onProgress?: (done: number, total: number, pass: number, passes: number) => void;
}

const BINS = 1024;

/** The ops whose outputs mse clips: the weighted layers (their outputs' long tails are where clipping pays). */
const WEIGHTED = new Set(["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]);

/** The activation ranges of `graph` (graph inputs and every op output) over `inputs`. */
export function calibrate(graph: Graph, inputs: Float32Array[][], opts: CalibrateOptions = {}): Ranges {
  const method = (opts.method ?? "minmax").replace(/-bc$/, "");
  const passes = method === "mse" ? 2 : 1;
  const ranges: Ranges = new Map();
  const observe = (t: number, v: Float32Array): void => {
    let [lo, hi] = ranges.get(t) ?? [Infinity, -Infinity];
    for (const x of v) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    ranges.set(t, [lo, hi]);
  };
  inputs.forEach((x, n) => {
    graph.inputs.forEach((t, i) => observe(t, x[i]!));
    evaluateFloat(graph, x, { outputsOnly: true, onOp: (op, outs) => observe(op.outputs[0]!, outs[0]!) });
    opts.onProgress?.(n + 1, inputs.length, 1, passes);
  });
  if (method === "minmax") return ranges;

  const hist = new Map<number, Float64Array>();
  const bin = (t: number, v: Float32Array): void => {
    const [lo, hi] = ranges.get(t)!;
    if (!(hi > lo)) return;
    let h = hist.get(t);
    if (!h) hist.set(t, (h = new Float64Array(BINS)));
    const k = BINS / (hi - lo);
    for (const x of v) h[Math.min(BINS - 1, Math.floor((x - lo) * k))]++;
  };
  inputs.forEach((x, n) => {
    graph.inputs.forEach((t, i) => bin(t, x[i]!));
    evaluateFloat(graph, x, { outputsOnly: true, onOp: (op, outs) => bin(op.outputs[0]!, outs[0]!) });
    opts.onProgress?.(n + 1, inputs.length, 2, passes);
  });
  const clip = new Set<number>();
  for (const op of graph.ops) if (WEIGHTED.has(op.opcode)) clip.add(op.outputs[0]!);
  for (const t of graph.outputs) clip.delete(t);
  for (const op of graph.ops) if (op.opcode === "SOFTMAX") clip.delete(op.inputs[0]!);
  const out: Ranges = new Map();
  for (const [t, r] of ranges) {
    const h = hist.get(t);
    out.set(t, h && clip.has(t) ? mseRange(h, r[0], r[1]) : r);
  }
  return out;
}

/**
 * The [lo, hi] (ends on histogram bin edges, lo ≤ 0 ≤ hi as the int8 range must hold 0) with the
 * least expected squared quantization error for the histogram `h` over [min, max].
 */
export function mseRange(h: Float64Array, min: number, max: number): [number, number] {
  const n = h.length;
  const width = (max - min) / n;
  const centre = (i: number): number => min + (i + 0.5) * width;
  // Candidate ends: 64 steps from the observed end towards 0 (only ends that keep 0 inside).
  const los = min < 0 ? Array.from({ length: 64 }, (_, k) => min * (1 - k / 64)) : [min];
  const his = max > 0 ? Array.from({ length: 64 }, (_, k) => max * (1 - k / 64)) : [max];
  let best: [number, number] = [min, max];
  let bestErr = Infinity;
  for (const lo of los) {
    for (const hi of his) {
      const a = Math.min(lo, 0);
      const b = Math.max(hi, 0);
      const step = (b - a) / 255;
      let err = 0;
      for (let i = 0; i < n; i++) {
        const c = h[i]!;
        if (c === 0) continue;
        const x = centre(i);
        if (x < a) err += c * (x - a) * (x - a);
        else if (x > b) err += c * (x - b) * (x - b);
        else err += (c * step * step) / 12;
      }
      if (err < bestErr) {
        bestErr = err;
        best = [lo, hi];
      }
    }
  }
  return best;
}
