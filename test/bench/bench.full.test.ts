/**
 * @fileoverview `mote bench ad01_int8` end to end (QEMU, ~20-40 s, hence a full test): the four
 * configurations run and are bit-exact on every golden input, results.json has the documented
 * schema (plus the two anchor rows), results.md holds the table, and the CLI exits 0.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../../compiler/toolchain/exec.ts";
import { CONFIG_NAMES, CONFIGS } from "../../compiler/bench/configs.ts";
import type { BenchResults } from "../../compiler/bench/bench.ts";
import { TABLE_HEADER } from "../../compiler/bench/table.ts";
import { REPO, needShared, needTarget } from "../support/shared.ts";

const ad01 = needShared("models/ad01_int8.tflite", "golden/ad01_int8", "anchors.json");
const qemu = needTarget("qemu");
const NUMBERS = ["instructions", "arena_bytes", "stack_bytes", "text_bytes", "rodata_bytes", "data_bytes", "bss_bytes",
  "peak_sram_bytes", "flash_bytes", "macs", "macs_per_instruction"] as const;

describe.skipIf(ad01.skip || qemu.skip)("mote bench ad01_int8", () => {
  it("writes results.json and results.md, every configuration bit-exact", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "mote-bench-"));
    const r = await runProcess("node", [path.join(REPO, "bin", "mote.js"), "bench", "ad01_int8", "--out", out], { cwd: REPO, timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as BenchResults;
    expect(results.rows.map((x) => x.config)).toEqual(CONFIG_NAMES);
    for (const row of results.rows) {
      expect(row.model).toBe("ad01_int8");
      for (const k of NUMBERS) expect(typeof row[k], `${row.config}.${k}`).toBe("number");
      expect(row.bit_exact, row.config).toBe(true);
      expect(row.peak_sram_bytes).toBe(row.source === "mote" ? row.data_bytes + row.bss_bytes + row.stack_bytes : row.peak_sram_bytes);
      expect(row.flash_bytes).toBe(row.source === "mote" ? row.text_bytes + row.rodata_bytes + row.data_bytes : row.flash_bytes);
    }
    const mote = results.rows.filter((x) => x.source === "mote");
    expect(mote).toHaveLength(CONFIGS.length);
    for (const row of mote) {
      expect(row.instructions).toBeGreaterThan(0);
      expect(row.inputs_checked).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(row.bss_bytes).toBeGreaterThanOrEqual(row.arena_bytes);
    }
    // The plan shrinks the arena; specialization does not touch it.
    expect(mote[2].arena_bytes).toBeLessThan(mote[1].arena_bytes);
    expect(mote[3].arena_bytes).toBe(mote[2].arena_bytes);
    const md = fs.readFileSync(path.join(out, "results.md"), "utf8");
    expect(md).toContain(TABLE_HEADER);
    expect(r.stdout).toContain(TABLE_HEADER);
    fs.rmSync(out, { recursive: true, force: true });
  }, 600_000);
});
