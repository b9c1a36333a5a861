/**
 * @fileoverview `mote validate MODEL --input FILE... [--expect FILE...]` (as STM32Cube.AI's
 * validate): the inputs (raw tensor bytes, .npy, PNG/JPEG/BMP, WAV) turned into the model's input
 * bytes, one inference on every target (ts, wasm, host, qemu), a byte-for-byte check that the
 * targets agree (MOTE6304), each output dequantized with its top-k, and with --expect a comparison
 * against reference outputs (exact matches, max and mean abs difference; MOTE6305 on a mismatch).
 */
import * as fs from "node:fs";
import type { Mode } from "../build/index.ts";
import { fail } from "../diagnostics.ts";
import type { Graph, Tensor } from "../ir/graph.ts";
import { modelIo, shapeText, type TensorInfo } from "../ir/io.ts";
import { loadModel } from "../import/tflite/import.ts";
import type { QuantizeFlags } from "./quantize.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { lowerGraph, opHandles } from "../ops/index.ts";
import type { UserKernels } from "../ops/types.ts";
import { AUDIO_PRESETS } from "../ops/audio/attach.ts";
import { decodeImage, imageFormat } from "../inputs/image.ts";
import { imageInput } from "../inputs/preprocess.ts";
import { decodeWav } from "../inputs/wav.ts";
import { decodeNpy, isNpy } from "../inputs/npy.ts";
import { dequantize, integers, quantizeValue, topK } from "../inputs/quant.ts";
import { runModel, TARGETS, type Target } from "../run/targets.ts";
import { DEFAULT_BOARD } from "../toolchain/boards.ts";
import { withAudio } from "./audio.ts";
import { flashOptions } from "./flash-budget.ts";
import { count, readInput } from "./run.ts";
import { checkUserFile, READ_AS, readError, readUserFile } from "../files.ts";
import { inStep, progress } from "./progress.ts";

export interface ValidateFlags extends QuantizeFlags {
  /** --kernels DIR, loaded (compiler/cli/main.ts). */
  kernels?: UserKernels;
  input: string[];
  expect?: string[];
  audio?: string;
  /** Comma-separated target list (default: all four). */
  targets?: string;
  top?: number;
  json?: boolean;
  board?: string;
  plan?: string;
  mode?: Mode;
  specialize?: "on" | "off";
  flashBudget?: number;
}

export interface OutputReport {
  name: string;
  shape: number[];
  dtype: string;
  /** The first values, dequantized (or the integers when the output has no per-tensor scale). */
  values: number[];
  top: { index: number; value: number }[];
  expect?: { exact: number; elements: number; maxAbsQ: number; meanAbsQ: number; maxAbs: number; meanAbs: number };
}

export interface ValidateReport {
  model: string;
  targets: Target[];
  /** The bytes fed to each model input. */
  inputs: Uint8Array[];
  /** The outputs (identical on every target). */
  outputs: Uint8Array[];
  report: OutputReport[];
  /** First output differing from --expect (its index), if any. */
  mismatch?: number;
}

const perTensor = (t: Tensor): boolean => t.quant !== undefined && t.quant.scale.length === 1;
const isInt = (t: Tensor): boolean => ["int8", "uint8", "int16", "int32"].includes(t.dtype);

/** The input bytes for model input `k` from `file` (kind told by content, then extension). */
export function inputBytes(graph: Graph, k: number, file: string, audio: string | undefined): Uint8Array {
  const info = modelIo(graph).inputs[k];
  const t = graph.tensors[graph.inputs[k]];
  const where = `${info.name}, ${info.dtype} ${shapeText(info.shape)}`;
  const bad = (why: string): never => fail(6302, file, k, where, why);
  const bytes = readInput(file);
  if (isNpy(bytes) || /\.npy$/i.test(file)) {
    const npy = decodeNpy(bytes, file);
    if (npy.values.length !== info.elements) bad(`${npy.values.length} values for its ${info.elements} elements`);
    if (npy.dtype === "float32" || npy.dtype === "float64") {
      if (!isInt(t) || !perTensor(t)) bad(`floats need a quantized input with one scale, it is ${info.dtype}`);
      return quantizedBytes(t, npy.values.map((x) => quantizeValue(t, x)));
    }
    if (npy.dtype !== info.dtype) bad(`the .npy holds ${npy.dtype}, the input is ${info.dtype} (pass floats to quantize them)`);
    return npy.data;
  }
  if (imageFormat(bytes) !== undefined) return imageInput(graph, decodeImage(bytes, file), { input: k }).bytes;
  if (bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === "RIFF" && String.fromCharCode(...bytes.subarray(8, 12)) === "WAVE") {
    if (t.dtype !== "int16") bad(audio === undefined ? "a WAV feeds raw PCM (int16) inputs only: pass --audio PRESET to compile a front end in front of the model" : "a WAV feeds the front end's PCM input only");
    const rate = audio !== undefined ? AUDIO_PRESETS[audio]?.options.sampleRate : undefined;
    const pcm = decodeWav(bytes, file, typeof rate === "number" ? { sampleRate: rate } : {}).samples;
    const fitted = new Int16Array(info.elements); // padded with silence or cut, as the samples do
    fitted.set(pcm.subarray(0, info.elements));
    return new Uint8Array(fitted.buffer);
  }
  if (bytes.length !== info.bytes) bad(`${bytes.length} bytes of raw tensor data, ${info.bytes} expected (or pass a .npy, an image or a WAV)`);
  return bytes;
}

function quantizedBytes(t: Tensor, qs: number[]): Uint8Array {
  const size = t.dtype === "int16" ? 2 : t.dtype === "int32" ? 4 : 1;
  const out = new Uint8Array(qs.length * size);
  const dv = new DataView(out.buffer);
  qs.forEach((q, i) => (size === 1 ? dv.setInt8(i, q << 24 >> 24) : size === 2 ? dv.setInt16(i * 2, q, true) : dv.setInt32(i * 4, q, true)));
  return out;
}

/** The expected bytes of output `k` from `file` (raw, or .npy of the output's dtype or floats). */
function expectedBytes(graph: Graph, info: TensorInfo, k: number, file: string): Uint8Array {
  const t = graph.tensors[graph.outputs[k]];
  const bad = (why: string): never => fail(6303, file, k, `${info.name}, ${info.dtype} ${shapeText(info.shape)}`, why);
  const bytes = new Uint8Array(readUserFile(file, readError("--expect")));
  if (isNpy(bytes) || /\.npy$/i.test(file)) {
    const npy = decodeNpy(bytes, file);
    if (npy.values.length !== info.elements) bad(`${npy.values.length} values for its ${info.elements} elements`);
    if (npy.dtype === "float32" || npy.dtype === "float64") {
      if (!isInt(t) || !perTensor(t)) bad(`floats compare only with a quantized output with one scale, it is ${info.dtype}`);
      return quantizedBytes(t, npy.values.map((x) => quantizeValue(t, x)));
    }
    if (npy.dtype !== info.dtype) bad(`the .npy holds ${npy.dtype}, the output is ${info.dtype}`);
    return npy.data;
  }
  if (bytes.length !== info.bytes) bad(`${bytes.length} bytes, ${info.bytes} expected`);
  return bytes;
}

/** Parses --targets: a comma-separated subset of ts, wasm, host, qemu. */
export function parseTargets(value: string | undefined): Target[] {
  if (value === undefined) return [...TARGETS];
  const list = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const t of list) if (!(TARGETS as readonly string[]).includes(t)) fail(6005, "--targets", `a comma-separated list of ${TARGETS.join(", ")}`, value);
  if (list.length === 0) fail(6005, "--targets", `a comma-separated list of ${TARGETS.join(", ")}`, value);
  return [...new Set(list)] as Target[];
}

/** A target's outputs, as validate compares them. */
export interface TargetOutputs { target: Target; outputs: Uint8Array[] }

/**
 * Fails with MOTE6304 at the first byte where `other`'s outputs differ from `first`'s (a shorter
 * output differs at its end); `names` are the outputs' names, in order.
 */
export function checkAgreement(names: readonly string[], first: TargetOutputs, other: TargetOutputs): void {
  other.outputs.forEach((o, k) => {
    const ref = first.outputs[k];
    const at = o.length !== ref.length ? Math.min(o.length, ref.length) : o.findIndex((b, i) => b !== ref[i]);
    if (at >= 0) fail(6304, other.target, k, names[k], first.target, at, o[at] ?? "end", ref[at] ?? "end");
  });
}

/** Runs the validation; fails (MOTE63xx) on bad inputs or disagreeing targets, returns the report. */
export async function validateModel(model: string, flags: ValidateFlags): Promise<ValidateReport> {
  checkUserFile(model, READ_AS.model);
  for (const f of flags.input) checkUserFile(f, READ_AS.input);
  for (const f of flags.expect ?? []) checkUserFile(f, readError("--expect"));
  // A TF.js model.json: quantized in memory with --calibration, then read back as its .tflite.
  const model0 = /\.json$/i.test(model) ? (await import("./quantize.ts")).tfjsModel(model, flags, "mote validate") : loadModel(model);
  checkInt8(model0, opHandles);
  const graph = withAudio(model0, flags.audio);
  lowerGraph(graph, { kernels: flags.kernels });
  const io = modelIo(graph);
  if (flags.input.length !== graph.inputs.length) fail(6006, count(graph.inputs.length, "input"), count(flags.input.length, "--input file"));
  const expect = flags.expect ?? [];
  if (expect.length !== 0 && expect.length !== graph.outputs.length) fail(6007, count(graph.outputs.length, "output"), count(expect.length, "--expect file"));
  const inputs = flags.input.map((file, k) => inputBytes(graph, k, file, flags.audio));
  const expected = expect.map((file, k) => expectedBytes(graph, io.outputs[k], k, file));
  const targets = parseTargets(flags.targets);
  const opts = { board: flags.board ?? DEFAULT_BOARD, plan: flags.plan, mode: flags.mode, specialize: flags.specialize !== "off", ...flashOptions(flags.flashBudget, flags.board ?? DEFAULT_BOARD), kernels: flags.kernels };
  let first: TargetOutputs | undefined;
  const steps = progress();
  for (const target of targets) {
    const { outputs } = await inStep(steps, `running ${graph.name} on ${target}`, () => runModel(graph, inputs, target, opts));
    if (!first) { first = { target, outputs }; continue; }
    checkAgreement(io.outputs.map((o) => o.name), first, { target, outputs });
  }
  const outputs = first!.outputs;
  const top = flags.top ?? 3;
  let mismatch: number | undefined;
  const report = outputs.map((bytes, k): OutputReport => {
    const t = graph.tensors[graph.outputs[k]];
    const info = io.outputs[k];
    const values = perTensor(t) && isInt(t) ? dequantize(t, bytes) : isInt(t) ? integers(t, bytes) : [];
    const r: OutputReport = {
      name: info.name, shape: info.shape, dtype: info.dtype, values: values.slice(0, 10),
      top: topK(values, top).map((index) => ({ index, value: values[index] })),
    };
    if (expected[k] !== undefined) {
      const got = integers(t, bytes);
      const want = integers(t, expected[k]);
      const diffs = got.map((q, i) => Math.abs(q - want[i]));
      const scale = perTensor(t) ? t.quant!.scale[0] : 1;
      const maxAbsQ = Math.max(0, ...diffs);
      const meanAbsQ = diffs.reduce((a, b) => a + b, 0) / Math.max(1, diffs.length);
      r.expect = { exact: diffs.filter((d) => d === 0).length, elements: diffs.length, maxAbsQ, meanAbsQ, maxAbs: maxAbsQ * scale, meanAbs: meanAbsQ * scale };
      if (maxAbsQ !== 0 && mismatch === undefined) mismatch = k;
    }
    return r;
  });
  return { model, targets, inputs, outputs, report, mismatch };
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(6));

/** The report as text lines. */
export function validateText(r: ValidateReport): string[] {
  const lines = [`${r.model}: ${r.targets.join(", ")} agree byte for byte on ${r.outputs.length} output(s)`];
  r.report.forEach((o, k) => {
    lines.push(`output ${k} ${o.name} ${o.dtype} ${shapeText(o.shape)}: ${o.values.map(fmt).join(" ")}${o.values.length < o.shape.reduce((a, b) => a * b, 1) ? " ..." : ""}`);
    if (o.top.length > 0) lines.push(`  top-${o.top.length}: ${o.top.map((t) => `#${t.index} ${fmt(t.value)}`).join(", ")}`);
    if (o.expect) {
      const e = o.expect;
      lines.push(`  vs expected: ${e.exact}/${e.elements} exact, max |diff| ${fmt(e.maxAbsQ)} (${fmt(e.maxAbs)}), mean |diff| ${fmt(e.meanAbsQ)} (${fmt(e.meanAbs)})`);
    }
  });
  return lines;
}

export async function validateCommand(model: string, flags: ValidateFlags): Promise<void> {
  const r = await validateModel(model, flags);
  if (flags.json) {
    const { inputs: _i, outputs: _o, ...rest } = r;
    process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
  } else {
    for (const line of validateText(r)) process.stdout.write(`${line}\n`);
  }
  if (r.mismatch !== undefined) {
    const e = r.report[r.mismatch].expect!;
    fail(6305, r.mismatch, r.report[r.mismatch].name, `${e.elements - e.exact} of ${e.elements} values differ, max |diff| ${fmt(e.maxAbsQ)}`);
  }
}
