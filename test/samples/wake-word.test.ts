/**
 * The wake-word sample on the TypeScript target (the reference): detections in the 10 s recording
 * and the kws answers from raw audio (wake-word-check.ts). The same on wasm, host and the
 * simulated M7: wake-word.full.test.ts.
 */
import { describe, it } from "vitest";
import { needShared } from "../support/shared.ts";
import { classifyClips, streamWakeWord } from "../../samples/wake-word/wake_word.ts";
import { checkKws, checkWakeWord } from "./wake-word-check.ts";

const data = needShared("data/audio", "models/str_ww_ref_model.tflite", "models/kws_ref_model.tflite");

describe.skipIf(data.skip)("samples/wake-word on ts", () => {
  it("streams short_wav_easy10s.wav hop by hop: 2 benchmark detections, 3 with the sample's threshold, each in a Marvin window", async () => {
    checkWakeWord(await streamWakeWord("ts"));
  });
  it("kws_ref_model from raw audio: yes, go (the reference's answer to this no), silence, unknown", async () => {
    checkKws(await classifyClips("ts"));
  });
});
