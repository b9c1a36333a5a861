/**
 * @fileoverview docs/results.md shows the figures of the last bench run: when
 * bench/out/results.json exists (after `npm run bench`), every row of its table must appear in
 * the committed doc, and a run of all five models must reproduce the doc's generated section
 * exactly (regenerate it with `npm run results-doc`). Skipped, with a message, without a run.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { BENCH_MODELS, type BenchResults } from "../../compiler/bench/bench.ts";
import { tableLines } from "../../compiler/bench/table.ts";
import { RESULTS_DOC_PATH, RESULTS_JSON_PATH, resultsSection } from "../../scripts/gen-results-doc.ts";

const HAS_RESULTS = fs.existsSync(RESULTS_JSON_PATH);
if (!HAS_RESULTS) console.warn(`[results doc] ${RESULTS_JSON_PATH} is absent (no bench run): docs/results.md is not checked`);

describe("docs/results.md", () => {
  it("exists and has a generated section", () => {
    const doc = fs.readFileSync(RESULTS_DOC_PATH, "utf8");
    expect(doc).toContain("<!-- bench:begin -->");
    expect(doc).toContain("<!-- bench:end -->");
  });

  it.skipIf(!HAS_RESULTS)("matches bench/out/results.json (run `npm run results-doc` after `npm run bench`)", () => {
    const results = JSON.parse(fs.readFileSync(RESULTS_JSON_PATH, "utf8")) as BenchResults;
    const doc = fs.readFileSync(RESULTS_DOC_PATH, "utf8");
    const missing = tableLines(results).filter((l) => !doc.includes(l));
    expect(missing, "rows of bench/out/results.json that docs/results.md does not show").toEqual([]);
    const models = new Set(results.rows.map((r) => r.model));
    if (BENCH_MODELS.every((m) => models.has(m)) && models.size === BENCH_MODELS.length) {
      expect(doc.includes(resultsSection(results)), "the generated section differs from results.json").toBe(true);
    }
  });
});
