/**
 * @fileoverview `mote run MODEL --input IN.bin (--output OUT.bin | --out DIR) [--target
 * ts|wasm|host|qemu] [--invocations N]`: one inference (or N on one instance, state kept, the
 * files given invocation by invocation); on qemu also prints `instructions: N` (the SysTick count;
 * one line per invocation). --out DIR (a directory, as on every command) writes output_<k>.bin
 * for output k, or output_<k>_<i>.bin for invocation i of N, instead of naming each --output.
 */
import * as fs from "node:fs";
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
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(6009, file, code === "ENOENT" ? "no such file" : (code ?? String(e)));
  }
}

export async function runCommand(model: string, flags: RunFlags): Promise<void> {
  // A TF.js model.json: quantized in memory with --calibration, then read back as its .tflite.
  const model0 = /\.json$/i.test(model) ? (await import("./quantize.ts")).tfjsModel(model, flags, "mote run") : loadModel(model);
  checkInt8(model0, opHandles); // the model itself; a front end's state may be float
  const graph = withAudio(model0, flags.audio);
  lowerGraph(graph, { kernels: flags.kernels }); // unsupported ops are reported before anything about inputs
  const n = flags.invocations ?? 1;
  const per = n > 1 ? ` (${n} invocations x ${graph.inputs.length})` : "";
  if (flags.input.length !== graph.inputs.length * n) {
    fail(6006, `${graph.inputs.length}${per}`, `${flags.input.length} --input file(s)`);
  }
  if (flags.out !== undefined && flags.output.length > 0) fail(6008, "--out", "--output", "--out DIR writes DIR/output_<k>.bin, --output FILE names each file: give one");
  const outputs = flags.out !== undefined ? outputFiles(flags.out, graph.outputs.length, n) : flags.output;
  if (outputs.length !== graph.outputs.length * n) fail(6007, `${graph.outputs.length}${n > 1 ? ` (${n} invocations x ${graph.outputs.length})` : ""}`, flags.output.length);
  const files = flags.input.map(readInput);
  const invocations = Array.from({ length: n }, (_, i) => files.slice(i * graph.inputs.length, (i + 1) * graph.inputs.length));
  const opts = { board: flags.board, plan: flags.plan, mode: flags.mode, specialize: flags.specialize !== "off", ...flashOptions(flags.flashBudget, flags.board), kernels: flags.kernels };
  const result = await inStep(progress(), `building ${graph.name} and running it on ${flags.target}`, () => runInvocations(graph, invocations, flags.target, opts));
  if (flags.out !== undefined) fs.mkdirSync(flags.out, { recursive: true });
  result.outputs.forEach((outs, i) => outs.forEach((bytes, k) => fs.writeFileSync(outputs[i * graph.outputs.length + k]!, bytes)));
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
