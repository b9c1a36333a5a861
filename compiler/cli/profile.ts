/**
 * @fileoverview `mote profile MODEL [--mode codegen|interpreter] [--plan P] [--input IN.bin]
 * [--top N] [--json] [--out DIR | --output FILE]`: per-layer instructions, share, MACs and MACs/instruction of
 * one inference on the simulated Cortex-M7, the top layers, and the layer sum against the
 * whole-inference count (compiler/profile/profile.ts does the work).
 *
 * The report goes to stdout, to --output FILE, or into --out DIR as profile.txt (profile.json with
 * --json): --out names a directory on every command. An --out value that is a file name (with an
 * extension, not an existing directory), as --out meant here before, is still taken as the file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkOutputFile, checkUserFile, READ_AS, writeOutputFile } from "../files.ts";
import type { Mode } from "../build/index.ts";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { lowerGraph, opHandles } from "../ops/index.ts";
import { formatProfile, profileModel } from "../profile/profile.ts";
import { checkInputSizes, count, readInput } from "./run.ts";
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
  /** --out DIR: the report goes into DIR/profile.txt (or profile.json). */
  out?: string;
  /** --output FILE: the report goes to FILE. */
  output?: string;
  /** --flash-budget (bytes), parsed. */
  flashBudget?: number;
}

export async function profileCommand(model: string, flags: ProfileFlags): Promise<void> {
  const file = reportFile(flags);
  checkUserFile(model, READ_AS.model);
  for (const f of flags.input) checkUserFile(f, READ_AS.input);
  if (file !== undefined) checkOutputFile(file, flags.output !== undefined ? "--output" : "--out");
  const graph = loadModel(model);
  checkInt8(graph, opHandles);
  lowerGraph(graph); // unsupported ops are reported first
  if (flags.input.length > 0 && flags.input.length !== graph.inputs.length) {
    fail(6006, count(graph.inputs.length, "input"), count(flags.input.length, "--input file"));
  }
  const inputs = flags.input.length > 0 ? flags.input.map(readInput) : undefined;
  if (inputs) checkInputSizes(graph, flags.input, inputs); // before the firmware names its own copies
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
  if (file) {
    writeOutputFile(file, text, flags.output !== undefined ? "--output" : "--out");
  } else {
    process.stdout.write(text);
  }
}

/** The file the report goes to (undefined: stdout); --out and --output together are MOTE6008. */
function reportFile(flags: ProfileFlags): string | undefined {
  if (flags.out !== undefined && flags.output !== undefined) fail(6008, "--out", "--output", "--out DIR writes DIR/profile.txt, --output FILE writes FILE: give one");
  if (flags.output !== undefined) return flags.output;
  if (flags.out === undefined) return undefined;
  const oldFileSpelling = path.extname(flags.out) !== "" && !(fs.existsSync(flags.out) && fs.statSync(flags.out).isDirectory());
  return oldFileSpelling ? flags.out : path.join(flags.out, flags.json ? "profile.json" : "profile.txt");
}
