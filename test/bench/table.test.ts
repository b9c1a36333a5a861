/**
 * @fileoverview The bench's reporting without running anything: speed-up columns, the
 * bit-exact column and failures() on a synthetic results object, and scripts/gen-results-doc.ts
 * replacing only the generated section of docs/results.md.
 */
import { describe, expect, it } from "vitest";
import { failures, type BenchResults, type BenchRow } from "../../compiler/bench/bench.ts";
import { CONFIGS, customConfig, selectConfigs } from "../../compiler/bench/configs.ts";
import { cmsisRatios, ratioCell, renderResultsMd, renderSummary, renderTable, tableLines } from "../../compiler/bench/table.ts";
import { BEGIN, END, updateDoc } from "../../scripts/gen-results-doc.ts";

function row(config: string, instructions: number, extra: Partial<BenchRow> = {}): BenchRow {
  return {
    model: "m", config, instructions, arena_bytes: 100, stack_bytes: 10, text_bytes: 1, rodata_bytes: 2, data_bytes: 3,
    bss_bytes: 100, peak_sram_bytes: 113, flash_bytes: 6, macs: 1000, macs_per_instruction: 1000 / instructions,
    bit_exact: true, inputs_checked: [0, 1, 2, 3], mismatches: [], source: config.startsWith("tflm") ? "anchors.json" : "mote", ...extra,
  };
}

const results: BenchResults = {
  board: "qemu-mps2-an500",
  measured_input: 3,
  configs: CONFIGS.map((c) => ({ name: c.name, changes: c.changes })),
  anchors_method: null,
  rows: [
    row("interpreter", 4000), row("codegen", 2000), row("codegen+plan", 2000), row("codegen+plan+specialize", 1000),
    row("tflm_reference", 3000), row("tflm_cmsis_nn", 1500),
  ],
};

describe("bench table", () => {
  it("gives instruction ratios against the previous configuration and TFLM+CMSIS-NN", () => {
    const cells = tableLines(results).map((l) => l.split("|").map((c) => c.trim()));
    // columns: 1 model, 2 config, 3 instructions, 4 vs previous, 5 vs CMSIS-NN, ..., 12 bit-exact
    expect(cells.map((c) => c[4])).toEqual(["—", "2.00×", "1.00×", "2.00×", "—", "2.00×"]);
    expect(cells.map((c) => c[5])).toEqual(["0.38×", "0.75×", "0.75×", "1.50×", "0.50×", "1.00×"]);
    expect(cells[0][12]).toBe("yes (4/4)");
    expect(renderTable(results).split("\n")).toHaveLength(2 + results.rows.length);
  });

  it("gives the full Mote / TFLM+CMSIS-NN per model in instructions, peak SRAM and flash, against the goals", () => {
    const withCmsis = (cmsis: Partial<BenchRow>): BenchResults => ({
      ...results, rows: [...results.rows.slice(0, 5), row("tflm_cmsis_nn", 1500, cmsis)],
    });
    const r = withCmsis({ peak_sram_bytes: 226, flash_bytes: 5 });
    expect(cmsisRatios(r, "m")).toEqual({ instructions: 1000 / 1500, peak_sram: 0.5, flash: 6 / 5 });
    expect(cmsisRatios(r, "other")).toBeNull();
    const summary = renderSummary(r).split("\n");
    expect(summary[0]).toContain("| instructions, Mote / TFLM+CMSIS-NN (goal ≤ 0.50) | peak SRAM, Mote / TFLM+CMSIS-NN (goal ≤ 0.60) | flash, Mote / TFLM+CMSIS-NN (goal ≤ 1.00) |");
    expect(summary[2].split("|").map((c) => c.trim()).slice(-4, -1)).toEqual(["0.67 ✗", "0.50 ✓", "1.20 ✗"]);
    const met = renderSummary(withCmsis({ instructions: 2000, peak_sram_bytes: 200, flash_bytes: 6 })).split("\n")[2];
    expect(met.split("|").map((c) => c.trim()).slice(-4, -1)).toEqual(["0.50 ✓", "0.56 ✓", "1.00 ✓"]);
    expect(renderResultsMd(r)).toContain(summary[2]);
    expect(ratioCell(undefined, 0.5)).toBe("—");
    const noCmsis = { ...results, rows: results.rows.slice(0, 5) };
    expect(renderSummary(noCmsis).split("\n")[2]).toMatch(/\| — \| — \| — \|$/);
  });

  it("fails on a configuration that is not bit-exact, and says which inputs", () => {
    expect(failures(results)).toEqual([]);
    const bad = { ...results, rows: [...results.rows.slice(0, 3), row("codegen+plan+specialize", 1000, { bit_exact: false, mismatches: [3, 5] })] };
    expect(failures(bad)).toEqual(["m codegen+plan+specialize: output differs from golden on input(s) 3, 5"]);
    expect(tableLines(bad)[3]).toContain("**NO** (inputs 3, 5)");
  });

  it("says when a model's outputs were not checked (no golden data) and what it was measured on", () => {
    const unchecked = {
      ...results,
      rows: [row("codegen+plan+specialize", 1000, { model: "mine", bit_exact: null, measured_on: "all zero points", inputs_checked: [] })],
    };
    expect(failures(unchecked)).toEqual([]);
    expect(tableLines(unchecked)[0]).toMatch(/\| not checked \(no golden data\) \|$/);
    const md = renderResultsMd(unchecked);
    expect(md).toContain("Measured on other inputs: mine on all zero points.");
    expect(md).toContain("Outputs NOT checked against golden (no golden data): mine.");
    expect(renderResultsMd(results)).not.toContain("NOT checked");
  });

  it("regenerates only the marked section of docs/results.md", () => {
    const doc = `# title\n\nprose before\n\n${BEGIN}\nold figures\n${END}\n\nprose after\n`;
    const out = updateDoc(doc, results);
    expect(out.startsWith("# title\n\nprose before\n\n")).toBe(true);
    expect(out.endsWith("\n\nprose after\n")).toBe(true);
    expect(out).not.toContain("old figures");
    expect(out).toContain(tableLines(results)[3]);
    expect(updateDoc(out, results)).toBe(out);
    expect(() => updateDoc("# no markers\n", results)).toThrow(/bench:begin/);
  });
});

describe("bench configurations", () => {
  it("selects ablation configurations by name and rejects unknown ones", () => {
    expect(selectConfigs(["codegen+plan+specialize", "interpreter"]).map((c) => c.name)).toEqual(["interpreter", "codegen+plan+specialize"]);
    expect(() => selectConfigs(["nope"])).toThrow(/unknown bench configuration 'nope'/);
  });

  it("builds one custom configuration from the ablation switches", () => {
    const c = customConfig({ plan: "greedy", specialize: false });
    expect(c.name).toBe("codegen --plan greedy --specialize off");
    expect(c.options).toEqual({ mode: "codegen", plan: "greedy", specialize: false });
    expect(customConfig({ mode: "interpreter", specialize: false }).options).toEqual({ mode: "interpreter" });
  });

  it("changes one thing per step of the ablation", () => {
    const keys = (o: object) => JSON.stringify({ mode: "codegen", plan: "default", specialize: true, ...o });
    const diffs = CONFIGS.slice(1).map((c, i) => {
      const a = JSON.parse(keys(CONFIGS[i].options)) as Record<string, unknown>;
      const b = JSON.parse(keys(c.options)) as Record<string, unknown>;
      return Object.keys(b).filter((k) => a[k] !== b[k]);
    });
    expect(diffs).toEqual([["mode"], ["plan"], ["specialize"]]);
  });
});
