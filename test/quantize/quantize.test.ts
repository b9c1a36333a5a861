/**
 * @fileoverview Post-training int8 quantization end to end on tiny tfjs-layers models (the
 * digits-style Sequential CNN and a functional model with padding, branches, add, mul, leaky
 * ReLU, concatenation, PReLU, pooling, mean, reshape, logistic): quantized with both calibration
 * methods, Mote's int8 output on ts, wasm and host is the same bytes and within a few output
 * quantization steps of the float reference; the exported .tflite read back by Mote's importer
 * is the same Graph and compiles to the same C; calibration data from images, .npy and CSV;
 * `mote quantize`, and `mote run`/`validate`/`analyze` on a MODEL.json, work
 * from the command line, and their user errors are one line with their code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import { importTfjs } from "../../compiler/import/tfjs/load.ts";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { dequantize, quantizeValue } from "../../compiler/inputs/quant.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { buildFresh } from "../../compiler/pipeline.ts";
import { evaluateFloat } from "../../compiler/quantize/float/eval.ts";
import { quantizeModel, readCalibration, type CalibrationMethod } from "../../compiler/quantize/index.ts";
import { encodeNpy } from "../../compiler/inputs/npy.ts";
import { PNG } from "pngjs";
import { mkdirSync } from "node:fs";
import { runInvocations } from "../../compiler/run/targets.ts";
import { moteIn } from "../support/cli.ts";
import { randomInput } from "../import/tfjs/support.ts";
import { quantizeOutPath } from "../../compiler/cli/quantize.ts";
import { functionalCnn, saveToMemory, sequentialCnn, writeModelDir } from "../import/tfjs/small-models.ts";

const tmp = mkdtempSync(path.join(tmpdir(), "mote-quant-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const size = (g: Graph): number => g.tensors[g.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
const calibration = (n: number): Float32Array[] => Array.from({ length: 16 }, (_, i) => randomInput(n, 1000 + i, 0, 1));
const quantizeInput = (g: Graph, x: Float32Array): Uint8Array => Uint8Array.from(x, (v) => quantizeValue(g.tensors[g.inputs[0]!]!, v) & 0xff);

describe.each([
  ["sequential CNN", sequentialCnn],
  ["functional CNN", functionalCnn],
])("%s", async (name, make) => {
  // npm test: minmax and mse-bc (every code path); test:full (quantize.full.test.ts) all four.
  const methods: CalibrationMethod[] = process.env.MOTE_FULL ? ["minmax", "mse", "minmax-bc", "mse-bc"] : ["minmax", "mse-bc"];
  it.each(methods)("quantized with %s: ts, wasm and host agree, within 3 steps of float", async (method) => {
    const float = importTfjs(await saveToMemory(make(), name));
    const { graph } = quantizeModel(float, calibration(size(float)), `${name}.tflite`, { method });
    const xs = [7, 8, 9].map((s) => randomInput(size(float), s, 0, 1));
    const invocations = xs.map((x) => [quantizeInput(graph, x)]);
    const results = await Promise.all((["ts", "wasm", "host"] as const).map((t) => runInvocations(graph, invocations, t)));
    for (const r of results.slice(1)) expect(r.outputs).toEqual(results[0]!.outputs);
    const out = graph.tensors[graph.outputs[0]!]!;
    xs.forEach((x, i) => {
      const got = dequantize(out, results[0]!.outputs[i]![0]!);
      const want = evaluateFloat(float, [x]).outputs[0]!;
      const worst = Math.max(...got.map((v, k) => Math.abs(v - want[k]!)));
      expect(worst).toBeLessThanOrEqual(3 * out.quant!.scale[0]!);
    });
  }, 120_000);

  it("exports a .tflite that reads back to the same Graph and the same C", async () => {
    const float = importTfjs(await saveToMemory(make(), name));
    const q = quantizeModel(float, calibration(size(float)), "m.tflite");
    const again = importTflite(q.tflite, "m.tflite");
    expect(again).toEqual(q.graph);
    const c1 = emitCLibrary(buildFresh(q.graph).program);
    const c2 = emitCLibrary(buildFresh(importTflite(new Uint8Array(q.tflite), "m.tflite")).program);
    expect(c2).toEqual(c1);
  }, 60_000);
});

describe("calibration data", () => {
  const g = (shape: number[]): Graph => ({
    name: "g", ops: [], inputs: [0], outputs: [0],
    tensors: [{ index: 0, name: "x", dtype: "float32", shape, isVariable: false }],
  });
  it("reads a folder of images: cropped, resized, gray or RGB, mapped to --input-range", () => {
    const dir = path.join(tmp, "images");
    mkdirSync(dir, { recursive: true });
    // 4x2 PNG: left half black, right half white; a non-image file is skipped.
    const png = new PNG({ width: 4, height: 2 });
    for (let i = 0; i < 8; i++) png.data.set(i % 4 < 2 ? [0, 0, 0, 255] : [255, 255, 255, 255], i * 4);
    writeFileSync(path.join(dir, "a.png"), PNG.sync.write(png));
    writeFileSync(path.join(dir, "notes.txt"), "not an image");
    const gray = readCalibration(dir, g([1, 2, 2, 1]), { inputRange: [-1, 1] });
    expect(gray).toHaveLength(1);
    expect(Array.from(gray[0]!)).toEqual([-1, 1, -1, 1]); // the centre 2x2 crop
    const rgb = readCalibration(dir, g([1, 1, 2, 3]));
    expect(Array.from(rgb[0]!)).toEqual([0, 0, 0, 1, 1, 1]);
  });
  it("reads .npy ([N, ...shape]) and CSV (an extra label column ignored, a header skipped), scaled", () => {
    const npy = path.join(tmp, "cal.npy");
    writeFileSync(npy, encodeNpy("float32", [3, 2], new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer)));
    expect(readCalibration(npy, g([1, 2]), { inputScale: 0.5 }).map((x) => Array.from(x))).toEqual([[0.5, 1], [1.5, 2], [2.5, 3]]);
    const csv = path.join(tmp, "cal2.csv");
    writeFileSync(csv, "a,b,label\n1,2,9\n3,4,9\n");
    expect(readCalibration(csv, g([2]), { limit: 1 }).map((x) => Array.from(x))).toEqual([[1, 2]]);
    expect(moteErrorCode(() => readCalibration(csv, g([4])))).toBe(6912);
    expect(moteErrorCode(() => readCalibration(path.join(tmp, "none.csv"), g([3])))).toBe(6911);
  });
});

function moteErrorCode(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: number }).code;
  }
  return undefined;
}

describe("the command line", () => {
  /** In-process (test/support/cli.ts): the command line and output of the process, without its start-up. */
  const mote = (...args: string[]) => moteIn(args);

  it("mote quantize writes the .tflite that mote run MODEL.json --calibration runs", async () => {
    const model = writeModelDir(await saveToMemory(sequentialCnn(), "seq"), path.join(tmp, "seq"), 1);
    const csv = path.join(tmp, "cal.csv");
    writeFileSync(csv, calibration(64).map((x) => `${Array.from(x).join(",")},3`).join("\n"));
    const out = path.join(tmp, "seq_int8.tflite");
    const q = await mote("quantize", model, "--calibration", csv, "--out", out, "--calibration-method", "mse");
    expect(q.stderr).toContain("calibrating (mse, pass 2 of 2) on 16 samples");
    expect(q.status).toBe(0);
    expect(q.stdout).toMatch(/wrote .*seq_int8\.tflite \(\d+ bytes, 8 ops, calibrated on 16 samples with mse\)/);
    // --out without the .tflite suffix, or an existing directory: DIR/<model name>_int8.tflite.
    for (const dir of [path.join(tmp, "outdir"), tmp]) {
      const d = await mote("quantize", model, "--calibration", csv, "--out", dir, "--calibration-method", "mse");
      expect(d.status).toBe(0);
      expect(readFileSync(path.join(dir, "model_int8.tflite"))).toEqual(readFileSync(out));
    }
    expect(quantizeOutPath("a/b.TFLITE", "m/x.json")).toBe("a/b.TFLITE");
    expect(quantizeOutPath("a/b", "m/liveness.json")).toBe(path.join("a/b", "liveness_int8.tflite"));
    const graph = importTflite(new Uint8Array(readFileSync(out)), "seq_int8.tflite");
    const input = path.join(tmp, "in.bin");
    writeFileSync(input, quantizeInput(graph, randomInput(64, 5, 0, 1)));
    const viaJson = path.join(tmp, "a.bin");
    const viaFile = path.join(tmp, "b.bin");
    expect((await mote("run", model, "--calibration", csv, "--calibration-method", "mse", "--input", input, "--output", viaJson, "--target", "ts")).status).toBe(0);
    expect((await mote("run", out, "--input", input, "--output", viaFile, "--target", "ts")).status).toBe(0);
    expect(readFileSync(viaJson)).toEqual(readFileSync(viaFile));
    const v = await mote("validate", model, "--calibration", csv, "--input", input, "--targets", "ts,wasm");
    expect(v.status).toBe(0);
    expect(v.stdout).toContain("ts, wasm agree byte for byte");
    const a = await mote("analyze", model, "--calibration", csv, "--json");
    expect(a.status).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ compiles: true, io: [{ kind: "input", dtype: "int8" }, { kind: "output", dtype: "int8" }] });
  }, 400_000);

  it("user errors are one line with their code", async () => {
    const model = writeModelDir(await saveToMemory(sequentialCnn(), "seq2"), path.join(tmp, "seq2"), 1);
    const bad = path.join(tmp, "bad.csv");
    writeFileSync(bad, "1,2,3\n");
    const cases: [string[], string][] = [
      [["run", model, "--input", "x.bin", "--output", "y.bin"], "MOTE6916"],
      [["quantize", model, "--calibration", path.join(tmp, "nothing")], "MOTE6911"],
      [["quantize", model, "--calibration", bad], "MOTE6912"],
      [["quantize", model, "--calibration", bad, "--calibration-method", "kl"], "MOTE6913"],
      [["quantize", model, "--calibration", bad, "--input-range", "1,0"], "MOTE6913"],
    ];
    for (const [args, code] of cases) {
      const r = await mote(...args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(new RegExp(`^error ${code}: `));
      expect(r.stderr).not.toContain("    at ");
    }
  }, 180_000);
});
