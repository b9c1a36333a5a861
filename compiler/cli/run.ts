/**
 * @fileoverview `mote run MODEL --input IN.bin --output OUT.bin [--target ts|wasm|host|qemu]`:
 * one inference; on qemu also prints `instructions: N` (the guide's SysTick count).
 */
import * as fs from "node:fs";
import type { Mode } from "../build/index.ts";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { lowerGraph } from "../ops/index.ts";
import { runModel, type Target } from "../run/targets.ts";
import { flashOptions } from "./flash-budget.ts";

export interface RunFlags {
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
  const graph = loadModel(model);
  checkInt8(graph);
  lowerGraph(graph); // unsupported ops are reported before anything about inputs
  if (flags.input.length !== graph.inputs.length) {
    fail(6006, graph.inputs.length, `${flags.input.length} --input file(s)`);
  }
  if (flags.output.length !== graph.outputs.length) fail(6007, graph.outputs.length, flags.output.length);
  const inputs = flags.input.map(readInput);
  const result = await runModel(graph, inputs, flags.target, {
    board: flags.board, plan: flags.plan, mode: flags.mode, specialize: flags.specialize !== "off", ...flashOptions(flags.flashBudget, flags.board),
  });
  result.outputs.forEach((bytes, k) => fs.writeFileSync(flags.output[k], bytes));
  if (result.instructions !== undefined) process.stdout.write(`instructions: ${result.instructions}\n`);
  if (result.stackBytes !== undefined) process.stdout.write(`stack: ${result.stackBytes}\n`);
}
