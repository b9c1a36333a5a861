/**
 * @fileoverview `mote run MODEL --input IN.bin --output OUT.bin [--target ts|wasm|host|qemu]
 * [--invocations N]`: one inference (or N on one instance, state kept, the files given invocation
 * by invocation); on qemu also prints `instructions: N` (the guide's SysTick count; one line per
 * invocation).
 */
import * as fs from "node:fs";
import type { Mode } from "../build/index.ts";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { lowerGraph } from "../ops/index.ts";
import type { UserKernels } from "../ops/types.ts";
import { runInvocations, type Target } from "../run/targets.ts";
import { flashOptions } from "./flash-budget.ts";
import { withAudio } from "./audio.ts";

export interface RunFlags {
  /** --kernels DIR, loaded (compiler/cli/main.ts). */
  kernels?: UserKernels;
  input: string[];
  output: string[];
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

/** A positive integer option value; MOTE6005 otherwise. */
export function parseCount(option: string, value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) fail(6005, option, "a positive whole number", value);
  return n;
}

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
  const model0 = loadModel(model);
  checkInt8(model0); // the model itself; a front end's state may be float
  const graph = withAudio(model0, flags.audio);
  lowerGraph(graph, { kernels: flags.kernels }); // unsupported ops are reported before anything about inputs
  const n = flags.invocations ?? 1;
  const per = n > 1 ? ` (${n} invocations x ${graph.inputs.length})` : "";
  if (flags.input.length !== graph.inputs.length * n) {
    fail(6006, `${graph.inputs.length}${per}`, `${flags.input.length} --input file(s)`);
  }
  if (flags.output.length !== graph.outputs.length * n) fail(6007, `${graph.outputs.length}${n > 1 ? ` (${n} invocations x ${graph.outputs.length})` : ""}`, flags.output.length);
  const files = flags.input.map(readInput);
  const invocations = Array.from({ length: n }, (_, i) => files.slice(i * graph.inputs.length, (i + 1) * graph.inputs.length));
  const result = await runInvocations(graph, invocations, flags.target, {
    board: flags.board, plan: flags.plan, mode: flags.mode, specialize: flags.specialize !== "off", ...flashOptions(flags.flashBudget, flags.board), kernels: flags.kernels,
  });
  result.outputs.forEach((outs, i) => outs.forEach((bytes, k) => fs.writeFileSync(flags.output[i * graph.outputs.length + k], bytes)));
  for (const count of result.instructions ?? []) process.stdout.write(`instructions: ${count}\n`);
  if (result.stackBytes !== undefined) process.stdout.write(`stack: ${result.stackBytes}\n`);
}
