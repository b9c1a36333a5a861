/**
 * @fileoverview mote profile (compiler/profile/profile.ts): the firmware's "layer" lines parse,
 * the interpreter's dispatch carries the profiling hooks in C (and only under MOTE_PROFILE), and
 * on ad01_int8 in QEMU, codegen and interpreter builds alike, every layer is timed and the layer
 * sum is within 1% of the plain build's whole-inference count; `mote profile` prints the table,
 * and a bad option or a board without firmware is a one-line user error.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { buildInterpreter } from "../../compiler/pipeline.ts";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import { keyToOp, parseLayerLines, profileModel } from "../../compiler/profile/profile.ts";
import { REPO, needShared, needTarget, sharedFile } from "../support/shared.ts";

const ad01 = needShared("models/ad01_int8.tflite");
const qemu = needTarget("qemu");

describe("profile lines", () => {
  it("parses layer lines, summing repeated keys, ignoring the rest", () => {
    const m = parseLayerLines("instructions: 100\nstack: 8\nlayer 3: 40\nlayer -1: 80\nlayer 3: 120\nlayer x: 5\nerror: no\n");
    expect([...m]).toEqual([[3, 160], [-1, 80]]);
  });
});

describe.skipIf(ad01.skip)("interpreter hooks", () => {
  it("dispatch wraps each kernel call in MOTE_PROFILE_STEP_BEGIN/END(at); keys map to the steps' ops", () => {
    const graph = loadModel(sharedFile("models", "ad01_int8.tflite"));
    const r = buildInterpreter(graph);
    const c = emitCLibrary(r.program)["model.c"];
    expect(c).toMatch(/MOTE_PROFILE_STEP_BEGIN\(at\);\s*\n\s*mote_\w+\([^;]*\);\s*\n\s*MOTE_PROFILE_STEP_END\(at\);/);
    expect(c).toContain("#define MOTE_PROFILE_BEGIN(op) ((void)0)");
    const keys = keyToOp(r, "interpreter");
    expect(keys.size).toBe(r.image[3]);
    expect([...keys.values()]).toEqual(r.lowered.flatMap((l) => l.calls.map(() => l.op.index)));
  });
});

describe.skipIf(ad01.skip || qemu.skip)("mote profile in QEMU (ad01_int8)", () => {
  for (const mode of ["codegen", "interpreter"] as const) {
    it(`${mode}: every layer timed, layer sum within 1% of the whole count`, async () => {
      const graph = loadModel(sharedFile("models", "ad01_int8.tflite"));
      const r = await profileModel(graph, { mode });
      expect(r.layers).toHaveLength(10);
      for (const l of r.layers) {
        expect(l.opcode).toBe("FULLY_CONNECTED");
        expect(l.instructions).toBeGreaterThan(0);
        expect(l.instructions % 40).toBe(0);
      }
      expect(r.macs).toBe(264192);
      expect(Math.abs(r.layerSum - r.wholeInstructions)).toBeLessThan(0.01 * r.wholeInstructions);
      expect(r.layerSum).toBeLessThanOrEqual(r.wholeProfiled);
      expect(r.top[0].instructions).toBe(Math.max(...r.layers.map((l) => l.instructions)));
      expect(r.layers.reduce((s, l) => s + l.share, 0)).toBeCloseTo(100, 6);
    }, 120_000);
  }
});

describe.skipIf(ad01.skip || qemu.skip)("mote profile command", () => {
  const mote = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, "bin", "mote.js"), "profile", ...args], { encoding: "utf8", timeout: 120_000 });
  const model = sharedFile("models", "ad01_int8.tflite");
  it("prints the per-layer table, the top layers and the sum against the whole count", () => {
    const r = mote(model, "--top", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ +9 +FULLY_CONNECTED +\d+ +[\d.]+% +81920 +0\.\d{3}$/m);
    expect(r.stdout).toMatch(/^top 2 layers: op \d+ FULLY_CONNECTED [\d.]+%, op \d+ FULLY_CONNECTED [\d.]+%$/m);
    expect(r.stdout).toMatch(/^sum vs whole +[+-]0\.\d\d%$/m);
  }, 120_000);
  it.each([
    [["--top", "0"], /--top takes a positive integer/],
    [["--board", "stm32f746g-disco"], /MOTE5007/],
  ])("rejects %s with one line", (args, pattern) => {
    const r = mote(model, ...args);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  }, 120_000);
});
