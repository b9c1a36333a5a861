/**
 * @fileoverview Calibration data for `mote quantize` (and compile/run of a model.json): a folder
 * of images (PNG/JPEG/BMP by signature, sorted by name; centre-cropped to the input's aspect ratio,
 * area-resized to its height × width as compiler/inputs/preprocess.ts does, gray by BT.601 luma
 * for one channel, pixels mapped linearly from 0..255 to `inputRange`), a .npy of floats ([N,
 * ...input shape] or one input), or a CSV (.csv or .csv.gz; one flattened input per row, an extra
 * last column such as a label ignored). Numbers from .npy/CSV are multiplied by `inputScale`.
 *
 * Models with one input only. Unreadable data is MOTE6911; data that does not fit is MOTE6912.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { fail, MoteError } from "../diagnostics.ts";
import type { Graph } from "../ir/graph.ts";
import { decodeImage, imageFormat } from "../inputs/image.ts";
import { decodeNpy } from "../inputs/npy.ts";
import { centreCrop, resizeArea } from "../inputs/preprocess.ts";

export interface CalibrationOptions {
  /** Float range pixels 0..255 map to (images), default [0, 1]. */
  inputRange?: [number, number];
  /** Factor applied to .npy / CSV values, default 1. */
  inputScale?: number;
  /** Use at most this many samples (the first ones). */
  limit?: number;
}

/** The calibration samples in `file` for `graph`: one Float32Array per sample (single-input models). */
export function readCalibration(file: string, graph: Graph, opts: CalibrationOptions = {}): Float32Array[] {
  if (graph.inputs.length !== 1) fail(6912, file, 0, graph.name, `the model has ${graph.inputs.length} inputs; calibration data feeds single-input models`);
  const t = graph.tensors[graph.inputs[0]!]!;
  const n = t.shape.reduce((a, b) => a * b, 1);
  const where = `[${t.shape.join(", ")}], ${n} values`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return fail(6911, file, (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : String(e));
  }
  const scale = opts.inputScale ?? 1;
  let samples: Float32Array[];
  if (stat.isDirectory()) samples = readImages(file, t.shape, opts.inputRange ?? [0, 1], t.name);
  else if (file.toLowerCase().endsWith(".npy")) {
    const npy = decodeNpy(new Uint8Array(fs.readFileSync(file)), file);
    if (npy.values.length % n !== 0 || npy.values.length === 0) fail(6912, file, 0, t.name, `shape (${npy.shape.join(", ")}) is not a whole number of inputs of ${where}`);
    samples = Array.from({ length: npy.values.length / n }, (_, i) => Float32Array.from(npy.values.slice(i * n, (i + 1) * n), (v) => v * scale));
  } else if (/\.csv(\.gz)?$/i.test(file)) samples = readCsv(file, n, scale, t.name, where);
  else return fail(6911, file, "not a folder of images, a .npy or a .csv file");
  if (samples.length === 0) fail(6911, file, "no samples in it");
  return opts.limit !== undefined ? samples.slice(0, opts.limit) : samples;
}

function readCsv(file: string, n: number, scale: number, input: string, where: string): Float32Array[] {
  let raw = fs.readFileSync(file);
  if (file.toLowerCase().endsWith(".gz")) {
    try {
      raw = gunzipSync(raw);
    } catch (e) {
      fail(6911, file, `not gzip data (${(e as Error).message})`);
    }
  }
  const lines = raw.toString("utf8").split(/\r?\n/).filter((l) => l.trim() !== "");
  const out: Float32Array[] = [];
  lines.forEach((line, i) => {
    const cells = line.split(",").map((c) => c.trim());
    if (i === 0 && cells.some((c) => c !== "" && Number.isNaN(Number(c)))) return; // a header row
    const v = cells.map(Number);
    if (v.some((x) => !Number.isFinite(x))) fail(6912, file, 0, input, `row ${i + 1} has a value that is not a number`);
    if (v.length !== n && v.length !== n + 1) fail(6912, file, 0, input, `row ${i + 1} has ${v.length} values for ${where}`);
    out.push(Float32Array.from(v.slice(0, n), (x) => x * scale));
  });
  return out;
}

function readImages(dir: string, shape: number[], range: [number, number], input: string): Float32Array[] {
  const hwc = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape.length === 3 ? shape : undefined;
  if (!hwc || (hwc[2] !== 1 && hwc[2] !== 3)) return fail(6912, dir, 0, input, `shape [${shape.join(", ")}] is not an image ([1, height, width, 1 or 3])`);
  const [h, w, c] = hwc as [number, number, number];
  const [lo, hi] = range;
  const files = fs.readdirSync(dir).sort().map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
  const out: Float32Array[] = [];
  for (const f of files) {
    const bytes = new Uint8Array(fs.readFileSync(f));
    if (imageFormat(bytes) === undefined) continue;
    let img;
    try {
      img = decodeImage(bytes, f);
    } catch (e) {
      if (e instanceof MoteError) fail(6911, f, e.message);
      throw e;
    }
    const px = resizeArea(centreCrop(img, w, h), w, h);
    const x = new Float32Array(h * w * c);
    const map = (p: number): number => lo + ((hi - lo) * p) / 255;
    for (let i = 0; i < h * w; i++) {
      const [r, g, b] = [px.rgb[i * 3]!, px.rgb[i * 3 + 1]!, px.rgb[i * 3 + 2]!];
      if (c === 3) {
        x[i * 3] = map(r);
        x[i * 3 + 1] = map(g);
        x[i * 3 + 2] = map(b);
      } else x[i] = map(Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000));
    }
    out.push(x);
  }
  return out;
}
