/**
 * The wake-word sample on wasm, host C and the simulated Cortex-M7 (QEMU, one run of 312
 * invocations): the same detections and kws answers as the TypeScript reference, and the same
 * P(marvin) after every hop on every target.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { needShared, needTarget, needTools, REPO } from "../support/shared.ts";
import { classifyClips, streamWakeWord } from "../../samples/wake-word/wake_word.ts";
import type { Target } from "../../compiler/run/targets.ts";
import { checkKws, checkWakeWord } from "./wake-word-check.ts";

const data = needShared("data/audio", "models/str_ww_ref_model.tflite", "models/kws_ref_model.tflite");

describe.skipIf(data.skip)("samples/wake-word on every target", () => {
  let reference: number[] | undefined;
  const ts = async (): Promise<number[]> => (reference ??= (await streamWakeWord("ts")).probabilities);
  for (const target of ["wasm", "host", "qemu"] as Target[]) {
    const need = needTarget(target);
    it.skipIf(need.skip)(`${target}: detections, kws answers, and P(marvin) after every hop equal the ts reference`, async () => {
      const ww = await streamWakeWord(target);
      checkWakeWord(ww);
      expect(ww.probabilities).toEqual(await ts());
      const kws = await classifyClips(target);
      checkKws(kws);
      if (target === "qemu") {
        expect(ww.instructions).toHaveLength(312);
        expect(kws.every((k) => (k.instructions ?? 0) > 0)).toBe(true);
      }
    }, 300_000);
  }
});

const arm = needTools("arm-none-eabi-gcc");

describe.skipIf(data.skip || arm.skip)("samples/wake-word --board", () => {
  for (const board of ["stm32f746g-disco", "nucleo-h743zi"]) {
    it(`builds both firmwares (front end + model) for ${board}`, () => {
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "samples/wake-word/wake_word.ts"), "--board", board], { cwd: REPO, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      for (const model of ["str_ww_ref_model", "kws_ref_model"]) {
        const out = path.join(REPO, "out", "wake-word", board, model);
        expect(fs.statSync(path.join(out, "firmware.bin")).size).toBeGreaterThan(0);
        const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
        expect(report.io[0]).toMatchObject({ kind: "input", dtype: "int16", shape: [1, model === "kws_ref_model" ? 16000 : 512] });
      }
    }, 300_000);
  }
});

describe("samples/wake-word options", () => {
  it("bad options are one-line MOTE errors", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "samples/wake-word/wake_word.ts"), ...args], { cwd: REPO, encoding: "utf8" });
    const unknown = run("--frobnicate");
    expect([unknown.status, unknown.stderr.trim()]).toEqual([1, expect.stringMatching(/^error MOTE6001: [^\n]*--frobnicate[^\n]*$/)]);
    const threshold = run("--threshold", "2");
    expect([threshold.status, threshold.stderr.trim()]).toEqual([1, expect.stringMatching(/^error MOTE6005: --threshold [^\n]*$/)]);
  });
});
