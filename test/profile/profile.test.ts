/**
 * @fileoverview mote profile (compiler/profile/profile.ts): the firmware's "layer" lines parse,
 * the interpreter's dispatch carries the profiling hooks in C (and only under MOTE_PROFILE), and
 * on ad01_int8 in QEMU, codegen and interpreter builds alike, every layer is timed and the layer
 * sum is within 1% of the plain build's whole-inference count; `mote profile` prints the table,
 * and a bad option or a board without firmware is a one-line user error.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { buildInterpreter } from "../../compiler/pipeline.ts";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import {
  formatProfile, keyToOp, parseLayerLines, profileModel, variantOf, type LayerProfile, type ProfileReport,
} from "../../compiler/profile/profile.ts";
import { moteIn } from "../support/cli.ts";
import { needShared, needTarget, sharedFile } from "../support/shared.ts";

const ad01 = needShared("models/ad01_int8.tflite");
const qemu = needTarget("qemu");

describe("profile lines", () => {
  it("parses layer lines, summing repeated keys, ignoring the rest", () => {
    const m = parseLayerLines("instructions: 100\nstack: 8\nlayer 3: 40\nlayer -1: 80\nlayer 3: 120\nlayer x: 5\nerror: no\n");
    expect([...m]).toEqual([[3, 160], [-1, 80]]);
  });
});

describe("profile table", () => {
  it("names each layer's kernel variant, '-' when no call names one, distinct ones joined", () => {
    expect(variantOf([])).toBe("-");
    expect(variantOf([{}, {}])).toBe("-");
    expect(variantOf([{ variant: "a" }, {}, { variant: "a" }, { variant: "b" }])).toBe("a; b");
  });

  it("prints MACs/instruction and the variant per layer, and the totals", () => {
    const layer = (op: number, instructions: number, macs: number, variant: string): LayerProfile => ({
      op, opcode: "FULLY_CONNECTED", steps: 1, instructions, share: (100 * instructions) / 3000, macs,
      macsPerInstruction: instructions > 0 ? macs / instructions : null, variant,
    });
    const layers = [layer(0, 2000, 4000, "smlad 4 rows, int8 w, staged x, cheap requant"), layer(1, 1000, 500, "-")];
    const r: ProfileReport = {
      model: "m", mode: "codegen", plan: "default", specialize: true, board: "qemu-mps2-an500", layers, top: layers,
      layerSum: 3000, wholeInstructions: 3100, wholeProfiled: 3200, unattributed: 200, sumVsWholePercent: -3.2258,
      macs: 4500, macsPerInstruction: 4500 / 3100,
    };
    const text = formatProfile(r);
    expect(text).toMatch(/^ +op +opcode +instructions +share +MACs +MACs\/instr +variant$/m);
    expect(text).toMatch(/^ +0 +FULLY_CONNECTED +2000 +66\.7% +4000 +2\.000 +smlad 4 rows, int8 w, staged x, cheap requant$/m);
    expect(text).toMatch(/^ +1 +FULLY_CONNECTED +1000 +33\.3% +500 +0\.500 +-$/m);
    expect(text).toContain("MACs 4500, 1.452 MACs/instruction (whole inference), 1.500 in the layers");
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
  /** In-process (test/support/cli.ts): the command line and output of the process, without its start-up. */
  const mote = (...args: string[]) => moteIn(["profile", ...args]);
  const model = sharedFile("models", "ad01_int8.tflite");
  it("prints the per-layer table, the top layers and the sum against the whole count", async () => {
    const r = await mote(model, "--top", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ +9 +FULLY_CONNECTED +\d+ +[\d.]+% +81920 +\d\.\d{3} +\S.*$/m);
    expect(r.stdout).toMatch(/^top 2 layers: op \d+ FULLY_CONNECTED [\d.]+%, op \d+ FULLY_CONNECTED [\d.]+%$/m);
    expect(r.stdout).toMatch(/^sum vs whole +[+-]0\.\d\d%$/m);
  }, 120_000);
  it.each([
    [["--top", "0"], /--top takes a positive integer/],
    [["--board", "stm32f746g-disco"], /MOTE5032/],
  ])("rejects %s with one line", async (args, pattern) => {
    const r = await mote(model, ...args);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  }, 120_000);
});
