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

export interface ProfileFlags {
  input: string[];
  board: string;
  plan?: string;
  mode: Mode;
  specialize?: string;
  top: string;
  json?: boolean;
  out?: string;
}

export async function profileCommand(model: string, flags: ProfileFlags): Promise<void> {
  const graph = loadModel(model);
  checkInt8(graph);
  lowerGraph(graph); // unsupported ops are reported first
  if (flags.input.length > 0 && flags.input.length !== graph.inputs.length) {
    fail(5005, "count", `${graph.inputs.length} --input file(s)`, "-", "the model's inputs", flags.input.length);
  }
  const inputs = flags.input.length > 0
    ? flags.input.map((f) => {
      try {
        return new Uint8Array(fs.readFileSync(f));
      } catch (e) {
        return fail(1001, f, (e as NodeJS.ErrnoException).code ?? String(e));
      }
    })
    : undefined;
  const top = Number(flags.top);
  if (!Number.isInteger(top) || top < 1) fail(5002, "profile", `--top takes a positive integer, got '${flags.top}'`);
  if (flags.specialize !== undefined && flags.specialize !== "on" && flags.specialize !== "off") {
    fail(5002, "profile", `--specialize takes on or off, got '${flags.specialize}'`);
  }
  const report = await profileModel(graph, {
    mode: flags.mode, plan: flags.plan, board: flags.board, inputs, top,
    specialize: flags.specialize === undefined ? undefined : flags.specialize === "on",
  });
  const text = flags.json ? JSON.stringify(report, null, 1) + "\n" : formatProfile(report);
  if (flags.out) {
    fs.mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
    fs.writeFileSync(flags.out, text);
  } else {
    process.stdout.write(text);
  }
}
