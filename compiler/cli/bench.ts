/**
 * @fileoverview `mote bench [MODEL...] [--out DIR] [--config NAME]... [--mode M] [--plan P] [--specialize on|off]`:
 * runs compiler/bench/bench.ts over the ablation's configurations, a subset of them (--config),
 * or one custom configuration built from the ablation switches (progress on
 * stderr), writes DIR/results.json and DIR/results.md, prints the table on stdout, then writes
 * DIR/report.html (compiler/bench/html.ts: plots, per-layer profiles in DIR/profiles/ unless
 * --no-profile, memory timelines). Exits 1
 * (MOTE5015) when any configuration's output differs from golden, after writing the results.
 *
 * Any .tflite runs: without golden data (../shared/golden/<model>/ or --golden DIR) the figures
 * come from --input FILE... (one model only) or an all-zero-point input, and the table says the
 * outputs were not checked.
 */
import * as path from "node:path";
import { fail } from "../diagnostics.ts";
import { failures, runBench } from "../bench/bench.ts";
import { renderResultsMd } from "../bench/table.ts";
import { CONFIGS, customConfig, selectConfigs } from "../bench/configs.ts";
import { writeBenchReport } from "../bench/html.ts";
import { progress } from "./progress.ts";
import { checkOutputDir, checkUserDir, checkUserFile, makeDirs, READ_AS, readError, readUserFile, writeOutputFiles } from "../files.ts";
import type { UserKernels } from "../ops/types.ts";

export interface BenchFlags {
  /** --kernels DIR, loaded (compiler/cli/main.ts). */
  kernels?: UserKernels;
  out: string;
  /** --config (repeatable): a subset of the ablation's configurations. */
  config?: string[];
  /** Ablation switches: when any is given, one custom configuration instead of the ablation. */
  mode?: "codegen" | "interpreter";
  plan?: string;
  specialize?: "on" | "off";
  /** false with --no-profile: report.html without new per-layer profiles. */
  profile?: boolean;
  /** --flash-budget (bytes), parsed: every codegen configuration's weight choice. */
  flashBudget?: number;
  /** --input (repeatable, one model only): raw input files the figures are measured on. */
  input?: string[];
  /** --golden DIR: input_<k>.bin / output_<k>.bin pairs to check (one model only). */
  golden?: string;
}

export async function benchCommand(models: string[], flags: BenchFlags): Promise<void> {
  const custom = flags.mode !== undefined || flags.plan !== undefined || flags.specialize !== undefined;
  if (custom && flags.config && flags.config.length > 0) {
    fail(6008, "--config", "--mode/--plan/--specialize", "give either --config (configurations of the ablation) or the switches (one custom configuration), not both");
  }
  if ((flags.input?.length || flags.golden !== undefined) && models.length !== 1) {
    fail(6008, "--input/--golden", `${models.length === 0 ? "the default models" : `${models.length} models`}`, "--input and --golden describe one model's data: bench that model alone (mote bench MODEL.tflite --input FILE)");
  }
  // Every path before the first measurement (a model given by name is found by runBench).
  for (const m of models) if (m.endsWith(".tflite") || m.includes("/")) checkUserFile(m, READ_AS.model);
  for (const f of flags.input ?? []) checkUserFile(f, READ_AS.input);
  if (flags.golden !== undefined) checkUserDir(flags.golden, readError("--golden"));
  checkOutputDir(flags.out, "--out");
  const configs = custom
    ? [customConfig({ mode: flags.mode, plan: flags.plan, specialize: flags.specialize === undefined ? undefined : flags.specialize === "on" })]
    : flags.config && flags.config.length > 0 ? selectConfigs(flags.config) : CONFIGS;
  // "[n/N] model config: ..." lines start a measurement (a step), the others are its results.
  const steps = progress({ log: true, bullet: "" });
  const log = (l: string) => (/^\[\d+\/\d+\]|^report: profiling /.test(l) ? steps.step(l) : steps.line(l));
  const results = await runBench({
    models, configs, log, ...(flags.flashBudget !== undefined ? { flashBudget: flags.flashBudget } : {}),
    ...(flags.input?.length ? { inputs: flags.input } : {}), ...(flags.golden !== undefined ? { golden: flags.golden } : {}),
    ...(flags.kernels ? { kernels: flags.kernels } : {}),
  });
  const out = path.resolve(flags.out);
  makeDirs(out, (r) => fail(6602, "--out", flags.out, r));
  const md = renderResultsMd(results);
  writeOutputFiles([{ file: path.join(out, "results.json"), data: `${JSON.stringify(results, null, 1)}\n` }, { file: path.join(out, "results.md"), data: md }], "--out");
  process.stdout.write(md);
  process.stderr.write(`wrote ${path.join(flags.out, "results.json")} and results.md\n`);
  const modelFiles = Object.fromEntries(models.filter((m) => m.endsWith(".tflite")).map((m) => [path.basename(m, ".tflite"), path.resolve(m)]));
  const report = await writeBenchReport(out, {
    profile: flags.profile, modelFiles, log, flashBudget: flags.flashBudget, kernels: flags.kernels,
    ...(flags.input?.length ? { inputFor: () => flags.input!.map((f) => new Uint8Array(readUserFile(f, READ_AS.input))) } : {}),
  });
  process.stderr.write(`wrote ${path.join(flags.out, path.basename(report))}\n`);
  steps.end();
  const bad = failures(results);
  if (bad.length > 0) fail(5015, bad.join("; "));
}
