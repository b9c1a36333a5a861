/**
 * @fileoverview `mote analyze MODEL [--json] [--board NAME] [--audio PRESET] [--plan P] [--mode M]`:
 * what a model is and what it will cost on a board, before compiling it (as STM32Cube.AI's
 * analyze). The figures are compiler/report/analysis.ts's: the same build and the same functions
 * as `mote compile`'s report, without firmware, QEMU or any file written.
 *
 * Prints the I/O table, one row per op (execution order), totals, the arena and the estimated
 * peak SRAM and flash against the board, and every problem with its op and a next step; --json
 * prints the same as one JSON document. A model that cannot be compiled still gets its analysis
 * on stdout, then exits 1 with MOTE6201 naming every problem.
 */
import type { Mode } from "../build/index.ts";
import { loadModel } from "../import/tflite/import.ts";
import type { Graph } from "../ir/graph.ts";
import type { QuantizeFlags } from "./quantize.ts";
import type { UserKernels } from "../ops/types.ts";
import { buildFor } from "../pipeline.ts";
import { loadBoard } from "../toolchain/boards.ts";
import { analyzeModel, inspectModel, problemsError, type Analysis, type OperatorRow } from "../report/analysis.ts";
import { flashOptions } from "./flash-budget.ts";
import { withAudio } from "./audio.ts";
import { progress } from "./progress.ts";
import { checkUserFile, READ_AS } from "../files.ts";

export interface AnalyzeFlags extends QuantizeFlags {
  /** --kernels DIR, loaded (compiler/cli/main.ts). */
  kernels?: UserKernels;
  json?: boolean;
  board: string;
  plan: string;
  mode: Mode;
  specialize?: "on" | "off";
  flashBudget?: number;
  audio?: string;
}

/** The analysis of `model` (a .tflite path, or an imported Graph) for `flags`, and the error to raise when it cannot compile. */
export function analyzeFile(model: string | Graph, flags: AnalyzeFlags, progress: (line: string) => void = () => {}) {
  if (typeof model === "string") checkUserFile(model, READ_AS.model);
  const imported = typeof model === "string" ? loadModel(model) : model;
  const graph = withAudio(imported, flags.audio);
  const board = loadBoard(flags.board);
  const mode = flags.mode ?? "codegen";
  const specialize = flags.specialize !== "off";
  const { problems, calls } = inspectModel(graph, imported, flags.kernels);
  let r;
  if (problems.length === 0) {
    progress(`lowering ${graph.ops.length} ops, planning the arena (${flags.plan})${mode === "codegen" && specialize ? ", specializing kernels" : ""}`);
    r = buildFor(graph, { plan: flags.plan, mode, specialize, ...flashOptions(flags.flashBudget, flags.board), kernels: flags.kernels });
  }
  const analysis = analyzeModel({ graph, board, mode, plan: flags.plan, specialize, r, problems, calls });
  return { analysis, error: problems.length > 0 ? problemsError(graph, problems) : undefined };
}

export async function analyzeCommand(model: string, flags: AnalyzeFlags): Promise<void> {
  checkUserFile(model, READ_AS.model);
  if (model.toLowerCase().endsWith(".json") && flags.calibration !== undefined) {
    // A TF.js model.json with calibration data: the int8 model it quantizes to (docs/tfjs.md).
    const graph = (await import("./quantize.ts")).tfjsModel(model, flags, "mote analyze");
    const steps = progress({ log: true });
    const { analysis, error } = analyzeFile(graph, flags, (l) => steps.step(l));
    steps.end();
    process.stdout.write(flags.json ? `${JSON.stringify(analysis, null, 2)}\n` : analysisText(analysis));
    if (error) throw error;
    return;
  }
  if (model.toLowerCase().endsWith(".json")) {
    // A TF.js model.json without calibration data: the float graph's layers (docs/tfjs.md).
    const { loadTfjsModel } = await import("../import/tfjs/load.ts");
    const { floatSummary, floatSummaryText } = await import("../import/tfjs/summary.ts");
    const s = floatSummary(loadTfjsModel(model));
    process.stdout.write(flags.json ? `${JSON.stringify(s, null, 2)}\n` : floatSummaryText(s));
    return;
  }
  const steps = progress({ log: true });
  const { analysis, error } = analyzeFile(model, flags, (l) => steps.step(l));
  steps.end();
  process.stdout.write(flags.json ? `${JSON.stringify(analysis, null, 2)}\n` : analysisText(analysis));
  if (error) throw error;
}

const int = (n: number | null): string => (n === null ? "—" : n.toLocaleString("en"));
const shape = (s: number[]): string => `[${s.join(",")}]`;

/** Columns padded to their widest cell (numbers right-aligned). */
function table(head: string[], rows: string[][], right: Set<number>): string[] {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join("  ").trimEnd();
  return [line(head), ...rows.map(line)];
}

/** The analysis as text for a person. */
export function analysisText(a: Analysis): string {
  const out: string[] = [`${a.model}: board ${a.board}, mode ${a.mode}, plan ${a.plan}${a.mode === "codegen" ? `, specialize ${a.specialize ? "on" : "off"}` : ""}`, ""];
  out.push("Inputs and outputs (real value = scale x (q - zero point)):");
  out.push(...table(["", "name", "shape", "dtype", "scale", "zero point", "bytes"], a.io.map((t) => [
    `${t.kind} ${t.index}`, t.name, shape(t.shape), t.dtype, t.scale === 0 ? "—" : String(Number(t.scale.toPrecision(9))),
    t.scale === 0 ? "—" : String(t.zero_point), int(t.bytes),
  ]), new Set([4, 5, 6])).map((l) => `  ${l}`), "");
  out.push(`Layers (${a.compiles ? "execution order" : "model order"}):`);
  out.push(...table(["op", "opcode", "inputs -> outputs", "MACs", "weights B", "activations B", "kernel variant"], a.layers.map((l) => [
    String(l.op), l.supported ? l.opcode : `${l.opcode} (!)`,
    `${l.inputs.filter((t) => !t.constant).map((t) => shape(t.shape)).join(" ")} -> ${l.outputs.map((t) => shape(t.shape)).join(" ")}`,
    int(l.macs), int(l.weight_bytes), int(l.activation_bytes),
    l.variant ?? (l.kernels.length === 0 && a.compiles ? "(no kernel call: in place or fused)" : "-"),
  ]), new Set([0, 3, 4, 5])).map((l) => `  ${l}`));
  const t = a.totals;
  out.push(`  total: ${t.ops} ops, ${int(t.macs)} MACs, ${int(t.weight_bytes)} B of weights, ${int(t.activation_bytes)} B of activations`, "");
  const m = a.memory;
  if (m) {
    const fitLine = (what: string, f: typeof m.fit.ram) =>
      `  ${what}: ${int(f.need_bytes)} B of ${int(f.available_bytes)} B (${f.memory}): ` +
      (f.fits ? `fits, ${int(f.margin_bytes)} B to spare` : `DOES NOT FIT, ${int(-f.margin_bytes)} B short`);
    out.push(`Memory on ${a.board} (estimated before firmware; mote compile measures it):`);
    out.push(`  arena: ${int(m.arena_bytes)} B (lower bound ${int(m.lower_bound_bytes)} B), peak at op ${m.peak_layer.op} (${m.peak_layer.opcode}, ${int(m.peak_layer.live_bytes)} B live)`);
    out.push(fitLine(`RAM, arena + reserved stack ${int(m.stack_reserved_bytes)} B`, m.fit.ram));
    out.push(fitLine("flash, constant data", m.fit.flash));
    out.push(`  flash estimate of the library (code + constants): ${int(m.estimated_flash_bytes)} B` +
      (m.flash_budget ? `; ${m.flash_budget.int16_layers} layer(s) with int16 weights under a budget of ${int(m.flash_budget.budget_bytes)} B (${m.flash_budget.source})` : ""));
    out.push("");
  }
  if (a.problems.length > 0) {
    out.push(`Cannot compile as it is (${a.problems.length} problem${a.problems.length === 1 ? "" : "s"}):`);
    for (const p of a.problems) {
      out.push(`  ${p.op === null ? "model" : `op ${p.op} ${p.opcode}`}: ${p.message} (MOTE${p.code})`);
      if (p.operator) out.push(`    operators table: ${operatorRowText(p.operator)}`);
      out.push(`    next step: ${p.next_step}`);
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

/** An operators-table row on one line: the types the op runs, its supported variants, what is left. */
function operatorRowText(r: OperatorRow): string {
  const types = (["int8", "int16", "float32"] as const).map((t) => `${t} ${r[t] ? "yes" : "no"}`).join(", ");
  return `${types}; supports ${r.supports || "(no notes)"}${r.left ? `; left: ${r.left}` : ""}`;
}
