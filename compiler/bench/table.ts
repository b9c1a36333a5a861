/**
 * @fileoverview The bench's Markdown: results.md (printed by `mote bench`) and the table section
 * of docs/results.md (scripts/gen-results-doc.ts). A pure function of results.json, so the doc
 * can be regenerated and checked against it (test/bench/results-doc.test.ts).
 *
 * Speed-ups are ratios of instruction counts: other / this row, so above 1 means this row runs
 * fewer instructions. "vs previous config" compares with the row above in the ablation order;
 * "vs TFLM+CMSIS-NN" with anchors.json's tflm_cmsis_nn row of the same model.
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

/** bench/out/results.md (the summary and "one thing per step" only for a whole ablation). */
export function renderResultsMd(results: BenchResults): string {
  const ablation = CONFIGS.every((c) => results.configs.some((x) => x.name === c.name));
  return [
    "# Mote bench",
    "",
    `Board: ${results.board} (QEMU, Cortex-M7). Instructions per inference on golden input_${results.measured_input} (SysTick × 40, GUIDE §5); ` +
      "bytes are the model library's alone (firmware harness excluded): peak SRAM = .data + .bss (arena included) + stack high-water mark; " +
      "flash = .text + .rodata + .data. Speed-ups are instruction ratios (other / this row: above 1 = fewer instructions).",
    "",
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

/**
 * Per model, what each step of the ablation buys: speed-up of each step (instructions), arena
 * saved by planning, and the full Mote against TFLM (reference and CMSIS-NN) in instructions and
 * peak SRAM. Blank ("—") where a row is missing.
 */
export function renderSummary(results: BenchResults): string {
  const models = [...new Set(results.rows.map((r) => r.model))];
  const lines = [
    "| model | codegen vs interpreter | plan: arena | specialize vs codegen+plan | Mote vs interpreter | Mote vs TFLM reference | Mote vs TFLM+CMSIS-NN | peak SRAM, Mote / TFLM+CMSIS-NN | flash, Mote / TFLM+CMSIS-NN |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const m of models) {
    const get = (c: string) => rowOf(results, m, c);
    const [interp, cg, plan, full, ref, cmsis] = ["interpreter", "codegen", "codegen+plan", "codegen+plan+specialize", "tflm_reference", "tflm_cmsis_nn"].map(get);
    const sp = (a?: BenchRow, b?: BenchRow) => (a && b ? speedup(a.instructions, b.instructions) : "—");
    const frac = (a?: number, b?: number) => (a !== undefined && b ? `${((100 * a) / b).toFixed(0)} %` : "—");
    const arena = cg && plan ? `${int(cg.arena_bytes)} → ${int(plan.arena_bytes)}` : "—";
    lines.push(
      `| ${m} | ${sp(interp, cg)} | ${arena} | ${sp(plan, full)} | ${sp(interp, full)} | ${sp(ref, full)} | ${sp(cmsis, full)} | ` +
        `${frac(full?.peak_sram_bytes, cmsis?.peak_sram_bytes)} | ${frac(full?.flash_bytes, cmsis?.flash_bytes)} |`,
    );
  }
  return lines.join("\n");
}
