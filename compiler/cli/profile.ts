/**
 * @fileoverview `mote profile MODEL [--mode codegen|interpreter] [--plan P] [--input IN.bin]
 * [--top N] [--json] [--out FILE]`: per-layer instructions, share, MACs and MACs/instruction of
 * one inference on the simulated Cortex-M7, the top layers, and the layer sum against the
 * whole-inference count (compiler/profile/profile.ts does the work).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Mode } from "../build/index.ts";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { lowerGraph } from "../ops/index.ts";
import { formatProfile, profileModel } from "../profile/profile.ts";
import { readInput } from "./run.ts";
import { flashOptions } from "./flash-budget.ts";
import { inStep, progress } from "./progress.ts";

export interface ProfileFlags {
  input: string[];
  board: string;
  plan?: string;
  mode: Mode;
  specialize?: string;
  top: string;
  json?: boolean;
  out?: string;
  /** --flash-budget (bytes), parsed. */
  flashBudget?: number;
}

export async function profileCommand(model: string, flags: ProfileFlags): Promise<void> {
  const graph = loadModel(model);
  checkInt8(graph);
  lowerGraph(graph); // unsupported ops are reported first
  if (flags.input.length > 0 && flags.input.length !== graph.inputs.length) {
    fail(6006, graph.inputs.length, `${flags.input.length} --input file(s)`);
  }
  const inputs = flags.input.length > 0 ? flags.input.map(readInput) : undefined;
  const top = Number(flags.top);
  if (!Number.isInteger(top) || top < 1) fail(6005, "--top", "a positive integer", flags.top);
  if (flags.specialize !== undefined && flags.specialize !== "on" && flags.specialize !== "off") {
    fail(6005, "--specialize", "on or off", flags.specialize);
  }
  const report = await inStep(progress(), `building ${graph.name} with per-layer counters and running it in QEMU`, () => profileModel(graph, {
    mode: flags.mode, plan: flags.plan, board: flags.board, inputs, top,
    specialize: flags.specialize === undefined ? undefined : flags.specialize === "on",
    ...flashOptions(flags.flashBudget, flags.board),
  }));
  const text = flags.json ? JSON.stringify(report, null, 1) + "\n" : formatProfile(report);
  if (flags.out) {
    fs.mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
    fs.writeFileSync(flags.out, text);
  } else {
    process.stdout.write(text);
  }
}
