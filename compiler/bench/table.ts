/**
 * @fileoverview The bench's Markdown: results.md (printed by `mote bench`) and the table section
 * of docs/results.md (scripts/gen-results-doc.ts). A pure function of results.json, so the doc
 * can be regenerated and checked against it (test/bench/results-doc.test.ts).
 *
 * Speed-ups are ratios of instruction counts: other / this row, so above 1 means this row runs
 * fewer instructions. "vs previous config" compares with the row above in the ablation order;
 * "vs TFLM+CMSIS-NN" with anchors.json's tflm_cmsis_nn row of the same model.
 *
 * The summary also gives, per model, the full Mote's instructions, peak SRAM and flash divided
 * by TFLM+CMSIS-NN's (`cmsisRatios`; below 1 = Mote smaller), against issue 10's goals
 * (`CMSIS_GOALS`: at most 0.5x the instructions, 0.6x the peak SRAM, 1x the flash).
 */
import type { BenchResults, BenchRow } from "./bench.ts";
import { CONFIGS } from "./configs.ts";

export const TABLE_HEADER =
  "| model | config | instructions | vs previous config | vs TFLM+CMSIS-NN | arena | stack | peak SRAM | flash | MACs | MACs/instr | bit-exact |";
const TABLE_RULE = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";

const int = (n: number): string => n.toLocaleString("en");
const speedup = (other: number | undefined, mine: number): string =>
  other !== undefined && other > 0 && mine > 0 ? `${(other / mine).toFixed(2)}×` : "—";

function bitExact(r: BenchRow): string {
  if (r.source === "anchors.json") return "yes (anchors.json)";
  if (r.bit_exact === null) return "not checked (no golden data)";
  return r.bit_exact ? `yes (${r.inputs_checked.length}/${r.inputs_checked.length})` : `**NO** (inputs ${r.mismatches.join(", ")})`;
}

/** The table rows, one line per results row, in results order. */
export function tableLines(results: BenchResults): string[] {
  const lines: string[] = [];
  results.rows.forEach((r, i) => {
    const above = i > 0 ? results.rows[i - 1] : undefined;
    // Mote rows compare with the previous Mote configuration, tflm_cmsis_nn with tflm_reference.
    const prev = above && above.model === r.model && above.source === r.source ? above : undefined;
    const cmsis = results.rows.find((x) => x.model === r.model && x.config === "tflm_cmsis_nn");
    lines.push(
      `| ${r.model} | ${r.config} | ${int(r.instructions)} | ${speedup(prev?.instructions, r.instructions)} | ` +
        `${r.config === "tflm_cmsis_nn" ? "1.00×" : speedup(cmsis?.instructions, r.instructions)} | ${int(r.arena_bytes)} | ` +
        `${int(r.stack_bytes)} | ${int(r.peak_sram_bytes)} | ${int(r.flash_bytes)} | ${int(r.macs)} | ` +
        `${r.macs_per_instruction.toFixed(3)} | ${bitExact(r)} |`,
    );
  });
  return lines;
}

/** The table with its header. */
export function renderTable(results: BenchResults): string {
  return [TABLE_HEADER, TABLE_RULE, ...tableLines(results)].join("\n");
}

/** What each configuration changes, as a list. */
export function renderLegend(results: BenchResults): string {
  return results.configs.map((c) => `- \`${c.name}\`: ${c.changes}`).join("\n");
}

/** A note naming the rows measured on another input than golden input_<measured> (none: no lines). */
function measuredElsewhere(results: BenchResults): string[] {
  const other = [...new Set(results.rows.filter((r) => r.measured_on !== undefined).map((r) => `${r.model} on ${r.measured_on}`))];
  const unchecked = [...new Set(results.rows.filter((r) => r.bit_exact === null).map((r) => r.model))];
  return [
    ...(other.length > 0 ? [`Measured on other inputs: ${other.join("; ")}.`, ""] : []),
    ...(unchecked.length > 0 ? [`Outputs NOT checked against golden (no golden data): ${unchecked.join(", ")}.`, ""] : []),
  ];
}

/** bench/out/results.md (the summary and "one thing per step" only for a whole ablation). */
export function renderResultsMd(results: BenchResults): string {
  const ablation = CONFIGS.every((c) => results.configs.some((x) => x.name === c.name));
  return [
    "# Mote bench",
    "",
    `Board: ${results.board} (QEMU, Cortex-M7). Instructions per inference on golden input_${results.measured_input} (SysTick ticks × 40 in QEMU); ` +
      "bytes are the model library's alone (firmware harness excluded): peak SRAM = .data + .bss (arena included) + stack high-water mark; " +
      "flash = .text + .rodata + .data. Speed-ups are instruction ratios (other / this row: above 1 = fewer instructions).",
    "",
    ...measuredElsewhere(results),
    ...(ablation ? [renderSummary(results), ""] : []),
    renderTable(results),
    "",
    ablation ? "Configurations (each changes one thing from the one before):" : "Configurations:",
    "",
    renderLegend(results),
    "",
  ].join("\n");
}

const rowOf = (results: BenchResults, model: string, config: string): BenchRow | undefined =>
  results.rows.find((r) => r.model === model && r.config === config);

/** The full Mote configuration: the one compared with TFLM+CMSIS-NN. */
export const FULL_MOTE = "codegen+plan+specialize";

/** Issue 10's acceptance: the full Mote at most this fraction of TFLM+CMSIS-NN's figure. */
export const CMSIS_GOALS = { instructions: 0.5, peak_sram: 0.6, flash: 1.0 } as const;

export interface CmsisRatios {
  instructions: number;
  peak_sram: number;
  flash: number;
}

/** The full Mote's instructions, peak SRAM and flash over TFLM+CMSIS-NN's for `model`, or null without both rows. */
export function cmsisRatios(results: BenchResults, model: string): CmsisRatios | null {
  const full = rowOf(results, model, FULL_MOTE);
  const cmsis = rowOf(results, model, "tflm_cmsis_nn");
  if (!full || !cmsis || !cmsis.instructions || !cmsis.peak_sram_bytes || !cmsis.flash_bytes) return null;
  return {
    instructions: full.instructions / cmsis.instructions,
    peak_sram: full.peak_sram_bytes / cmsis.peak_sram_bytes,
    flash: full.flash_bytes / cmsis.flash_bytes,
  };
}

/** A ratio cell: two decimals, then ✓ when within `goal`, ✗ when not. */
export function ratioCell(ratio: number | undefined, goal: number): string {
  if (ratio === undefined) return "—";
  return `${ratio.toFixed(2)} ${ratio <= goal ? "✓" : "✗"}`;
}

/**
 * Per model, what each step of the ablation buys: speed-up of each step (instructions), arena
 * saved by planning, the full Mote's speed-up over TFLM's reference kernels, and the full Mote /
 * TFLM+CMSIS-NN in instructions, peak SRAM and flash against the goals (cmsisRatios). Blank
 * ("—") where a row is missing.
 */
export function renderSummary(results: BenchResults): string {
  const models = [...new Set(results.rows.map((r) => r.model))];
  const g = CMSIS_GOALS;
  const lines = [
    "| model | codegen vs interpreter | plan: arena | specialize vs codegen+plan | Mote vs interpreter | Mote vs TFLM reference | " +
      `instructions, Mote / TFLM+CMSIS-NN (goal ≤ ${g.instructions.toFixed(2)}) | peak SRAM, Mote / TFLM+CMSIS-NN (goal ≤ ${g.peak_sram.toFixed(2)}) | ` +
      `flash, Mote / TFLM+CMSIS-NN (goal ≤ ${g.flash.toFixed(2)}) |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const m of models) {
    const get = (c: string) => rowOf(results, m, c);
    const [interp, cg, plan, full, ref] = ["interpreter", "codegen", "codegen+plan", FULL_MOTE, "tflm_reference"].map(get);
    const sp = (a?: BenchRow, b?: BenchRow) => (a && b ? speedup(a.instructions, b.instructions) : "—");
    const arena = cg && plan ? `${int(cg.arena_bytes)} → ${int(plan.arena_bytes)}` : "—";
    const r = cmsisRatios(results, m);
    lines.push(
      `| ${m} | ${sp(interp, cg)} | ${arena} | ${sp(plan, full)} | ${sp(interp, full)} | ${sp(ref, full)} | ` +
        `${ratioCell(r?.instructions, g.instructions)} | ${ratioCell(r?.peak_sram, g.peak_sram)} | ${ratioCell(r?.flash, g.flash)} |`,
    );
  }
  return lines.join("\n");
}
