/**
 * @fileoverview `mote run MODEL --input IN.bin (--output OUT.bin | --out DIR) [--target
 * ts|wasm|host|qemu] [--invocations N]`: one inference (or N on one instance, state kept, the
 * files given invocation by invocation); on qemu also prints `instructions: N` (the SysTick count;
 * one line per invocation). --out DIR (a directory, as on every command) writes output_<k>.bin
 * for output k, or output_<k>_<i>.bin for invocation i of N, instead of naming each --output.
 */
import * as path from "node:path";
import type { Mode } from "../build/index.ts";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import type { QuantizeFlags } from "./quantize.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { lowerGraph, opHandles } from "../ops/index.ts";
import type { UserKernels } from "../ops/types.ts";
import { runInvocations, type Target } from "../run/targets.ts";
import { flashOptions } from "./flash-budget.ts";
import { withAudio } from "./audio.ts";
import { inStep, progress } from "./progress.ts";
import { checkOutputDir, checkOutputFile, checkUserFile, makeDirs, READ_AS, readUserFile, writeOutputFiles } from "../files.ts";
import { tensorBytes, type Graph } from "../ir/graph.ts";

export interface RunFlags extends QuantizeFlags {
  /** --kernels DIR, loaded (compiler/cli/main.ts). */
  kernels?: UserKernels;
  input: string[];
  output: string[];
  /** --out DIR: the output files are DIR/output_<k>.bin (output_<k>_<i>.bin for N invocations). */
  out?: string;
  target: Target;
  board: string;
  plan: string;
  mode: Mode;
  /** "off": generic kernels with constant records instead of specialized ones (codegen mode). */
  specialize?: "on" | "off";
  /** --flash-budget (bytes), parsed. */
  flashBudget?: number;
  /** --invocations: inference count on one instance (default 1). */
  invocations?: number;
  /** --audio PRESET: an audio front end compiled in front of the model (raw PCM in). */
  audio?: string;
}

export { parseCount } from "./counts.ts";

/** The raw bytes of an --input file; MOTE6009 when it cannot be read. */
export function readInput(file: string): Uint8Array {
  return new Uint8Array(readUserFile(file, READ_AS.input));
}

/** `n word(s)`: "1 input", "2 inputs". */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** MOTE5005 naming the file when an input file's size is not its tensor's (`files[i]` feeds input i % count). */
export function checkInputSizes(graph: Graph, files: readonly string[], bytes: readonly Uint8Array[]): void {
  bytes.forEach((b, j) => {
    const i = j % graph.inputs.length;
    const t = graph.tensors[graph.inputs[i]!]!;
    if (b.length !== tensorBytes(t)) fail(5005, `${i} (${files[j]})`, tensorBytes(t), t.name, `${t.dtype} [${t.shape.join(", ")}]`, b.length);
  });
}

export async function runCommand(model: string, flags: RunFlags): Promise<void> {
  checkUserFile(model, READ_AS.model);
  // A TF.js model.json: quantized in memory with --calibration, then read back as its .tflite.
  const model0 = /\.json$/i.test(model) ? (await import("./quantize.ts")).tfjsModel(model, flags, "mote run") : loadModel(model);
  checkInt8(model0, opHandles); // the model itself; a front end's state may be float
  const graph = withAudio(model0, flags.audio);
  lowerGraph(graph, { kernels: flags.kernels }); // unsupported ops are reported before anything about inputs
  const n = flags.invocations ?? 1;
  const per = (k: number, word: string) => (n > 1 ? `${count(k * n, word)} (${k} per invocation x ${n} invocations)` : count(k, word));
  if (flags.input.length !== graph.inputs.length * n) {
    fail(6006, per(graph.inputs.length, "input"), count(flags.input.length, "--input file"));
  }
  if (flags.out !== undefined && flags.output.length > 0) fail(6008, "--out", "--output", "--out DIR writes DIR/output_<k>.bin, --output FILE names each file: give one");
  const outputs = flags.out !== undefined ? outputFiles(flags.out, graph.outputs.length, n) : flags.output;
  if (outputs.length !== graph.outputs.length * n) fail(6007, per(graph.outputs.length, "output"), count(flags.output.length, "--output file"));
  // Every path before the build: a bad one is reported at once, not after a QEMU run.
  for (const f of flags.input) checkUserFile(f, READ_AS.input);
  if (flags.out !== undefined) checkOutputDir(flags.out, "--out");
  else for (const f of outputs) checkOutputFile(f, "--output");
  const files = flags.input.map(readInput);
  checkInputSizes(graph, flags.input, files);
  const invocations = Array.from({ length: n }, (_, i) => files.slice(i * graph.inputs.length, (i + 1) * graph.inputs.length));
  const opts = { board: flags.board, plan: flags.plan, mode: flags.mode, specialize: flags.specialize !== "off", ...flashOptions(flags.flashBudget, flags.board), kernels: flags.kernels };
  const result = await inStep(progress(), `building ${graph.name} and running it on ${flags.target}`, () => runInvocations(graph, invocations, flags.target, opts));
  if (flags.out !== undefined) makeDirs(flags.out, (why) => fail(6602, "--out", flags.out, why));
  const written = result.outputs.flatMap((outs, i) => outs.map((data, k) => ({ file: outputs[i * graph.outputs.length + k]!, data })));
  writeOutputFiles(written, flags.out !== undefined ? "--out" : "--output");
  for (const count of result.instructions ?? []) process.stdout.write(`instructions: ${count}\n`);
  if (result.stackBytes !== undefined) process.stdout.write(`stack: ${result.stackBytes}\n`);
}

/** --out DIR's files, invocation by invocation: output_<k>.bin, or output_<k>_<i>.bin for several. */
function outputFiles(dir: string, count: number, invocations: number): string[] {
  return Array.from({ length: count * invocations }, (_, j) => {
    const i = Math.floor(j / count);
    const k = j % count;
    return path.join(dir, invocations > 1 ? `output_${k}_${i}.bin` : `output_${k}.bin`);
  });
}
