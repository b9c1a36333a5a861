/**
 * @fileoverview `npm run sample:image`'s script as a user runs it: on the simulated Cortex-M7 it
 * prints astronaut → person, coffee and chelsea → no person, chelsea → cat (CIFAR top-1), with
 * instruction counts and the millisecond columns labelled as estimates; `--board` builds each
 * real board's firmware through mote compile, or (until that board has firmware support) stops
 * with the one-line MOTE5007; bad options are one-line MOTE errors.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../compiler/toolchain/boards.ts";
import { needModels, needShared, needTarget, REPO } from "../support/shared.ts";

const SCRIPT = path.join(REPO, "samples", "image-classification", "classify.ts");
const TSX = path.join(REPO, "node_modules", ".bin", "tsx");

function sample(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [SCRIPT, ...args], { cwd: REPO, encoding: "utf8", timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The answer cell of `image` in the table of `model` (stdout). */
function answer(stdout: string, model: string, image: string): string {
  const table = stdout.split(/\n\n/).map((block) => block.trim()).find((block) => block.startsWith(model))!;
  const row = table.split("\n").find((line) => line.startsWith(`${image} `))!;
  return row.slice(16).split(/\s{2,}/)[0];
}

const data = [needShared("data/images"), needModels("vww_96_int8", "pretrainedResnet_quant")];
const qemu = needTarget("qemu");

describe.skipIf(data.some((d) => d.skip) || qemu.skip)("samples/image-classification", () => {
  it("classifies every shared photo on the simulated M7, with instructions and estimated ms", () => {
    const r = sample();
    expect(r.status, r.stderr).toBe(0);
    expect(answer(r.stdout, "vww_96_int8", "astronaut.png")).toMatch(/^person 0\.8\d$/);
    expect(answer(r.stdout, "vww_96_int8", "coffee.png")).toMatch(/^no person /);
    expect(answer(r.stdout, "vww_96_int8", "chelsea.png")).toMatch(/^no person /);
    expect(answer(r.stdout, "pretrainedResnet_quant", "chelsea.png")).toMatch(/^cat 0\.8\d, \w+ [\d.]+, \w+ [\d.]+$/);
    expect(answer(r.stdout, "pretrainedResnet_quant", "coffee.png")).toMatch(/^automobile /);
    expect(r.stdout).toContain("rocket.jpg");
    expect(r.stdout).toMatch(/est\. ms @216 MHz\s+est\. ms @480 MHz/);
    expect(r.stdout).toContain("ESTIMATE, not a measurement: instructions × 1 cycle(s) per instruction");
    // Progress while it builds (stderr).
    expect(r.stderr).toContain("building the firmware");
  }, 600_000);

  for (const board of ["stm32f746g-disco", "nucleo-h743zi"]) {
    it(`--board ${board} builds its firmware through mote compile, or says it cannot in one line`, () => {
      const out = path.join(REPO, "out", "image-classification", board);
      fs.rmSync(out, { recursive: true, force: true });
      const r = sample("--board", board);
      if (loadBoard(board).firmware) {
        expect(r.status, r.stderr).toBe(0);
        for (const model of ["vww_96_int8", "pretrainedResnet_quant"]) {
          expect(fs.existsSync(path.join(out, model, "firmware.elf")), model).toBe(true);
          expect(fs.existsSync(path.join(out, model, "inputs", "astronaut.bin")), model).toBe(true);
        }
      } else {
        expect(r.status).toBe(1);
        const errors = r.stderr.split("\n").filter((l) => l.startsWith("error"));
        expect(errors).toEqual([expect.stringMatching(new RegExp(`^error MOTE5007: board ${board} has no firmware support yet`))]);
      }
    }, 600_000);
  }

  it("bad options are one-line MOTE errors", () => {
    const unknown = sample("--frobnicate");
    expect([unknown.status, unknown.stderr.trim()]).toEqual([1, expect.stringMatching(/^error MOTE6001: [^\n]*--frobnicate[^\n]*$/)]);
    const cpi = sample("--cpi", "zero");
    expect([cpi.status, cpi.stderr.trim()]).toEqual([1, expect.stringMatching(/^error MOTE6005: --cpi [^\n]*$/)]);
    const missing = sample("--images", "/nonexistent/photos");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/error MOTE6107: sample data \/nonexistent\/photos is absent/);
  }, 120_000);
});
