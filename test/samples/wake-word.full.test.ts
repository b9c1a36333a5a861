/**
 * The wake-word sample on wasm, host C and the simulated Cortex-M7 (QEMU, one run of 312
 * invocations): the same detections and kws answers as the TypeScript reference, and the same
 * P(marvin) after every hop on every target.
 */
import { describe, expect, it } from "vitest";
import { needShared, needTarget } from "../support/shared.ts";
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
