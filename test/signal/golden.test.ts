/**
 * @fileoverview The audio front ends (signal/) in TypeScript against ../shared/golden-frontend:
 * kws-mfcc on the four 1 s clips (one call each) and sww-log-mel streamed hop by hop over
 * short_wav_easy10s.wav (311 reference frames: hop h >= 1 yields frame h - 1). The bar is
 * >= 99 % of elements equal and |diff| <= 1 elsewhere; the figures are printed.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { needShared, sharedFile } from "../support/shared.ts";
import { callFrontEnd, compareInt8, readWav } from "./audio.ts";

const CLIPS = ["yes", "no", "silence", "noise"] as const;
const kwsNeed = needShared(
  "models/kws_ref_model.tflite", ...CLIPS.flatMap((c) => [`data/audio/${c}_1000ms.wav`, `golden-frontend/kws_${c}_1000ms.features.bin`]),
);
const swwNeed = needShared("models/str_ww_ref_model.tflite", "data/audio/short_wav_easy10s.wav", "golden-frontend/sww_short_wav_easy10s.features.bin");

function expectClose(name: string, r: { equal: number; total: number; maxDiff: number }): void {
  console.log(`${name}: ${r.equal}/${r.total} equal (${((100 * r.equal) / r.total).toFixed(2)} %), max |diff| ${r.maxDiff}`);
  expect(r.equal / r.total).toBeGreaterThanOrEqual(0.99);
  expect(r.maxDiff).toBeLessThanOrEqual(1);
}

describe.skipIf(kwsNeed.skip)("kws-mfcc front end (signal/mfcc.ts) against golden-frontend", () => {
  for (const clip of CLIPS) {
    it(`${clip}_1000ms`, () => {
      const graph = attachAudioFrontEnd(loadModel(sharedFile("models/kws_ref_model.tflite")), "kws-mfcc");
      const op = graph.ops[0];
      const [call] = lowerGraph({ ...graph, ops: [op] })[0].calls;
      const wav = readWav(sharedFile(`data/audio/${clip}_1000ms.wav`));
      const pcm = new Int16Array(16000);
      pcm.set(wav.samples.subarray(0, 16000));
      const out = new Int8Array(490);
      callFrontEnd(call, new Map<number, Int8Array | Int16Array>([[op.inputs[0], pcm], [op.outputs[0], out]]));
      const gold = new Int8Array(fs.readFileSync(sharedFile(`golden-frontend/kws_${clip}_1000ms.features.bin`)));
      expectClose(`kws ${clip}`, compareInt8(out, gold));
    });
  }
});

describe.skipIf(swwNeed.skip)("sww-log-mel front end (signal/log_mel.ts) streamed against golden-frontend", () => {
  it("short_wav_easy10s.wav, 512 samples per call", () => {
    const graph = attachAudioFrontEnd(loadModel(sharedFile("models/str_ww_ref_model.tflite")), "sww-log-mel");
    const op = graph.ops[0];
    const [call] = lowerGraph({ ...graph, ops: [op] })[0].calls;
    const wav = readWav(sharedFile("data/audio/short_wav_easy10s.wav"));
    const gold = new Int8Array(fs.readFileSync(sharedFile("golden-frontend/sww_short_wav_easy10s.features.bin")));
    const frames = gold.length / 40;
    const history = new Float32Array(513);
    const features = new Int8Array(1200);
    const out = new Int8Array(1200);
    const pcm = new Int16Array(512);
    const tensors = new Map<number, Int8Array | Int16Array | Float32Array>([
      [op.inputs[0], pcm], [op.inputs[1], history], [op.inputs[2], features], [op.outputs[0], out],
    ]);
    const mine = new Int8Array(frames * 40);
    for (let h = 0; h <= frames; h++) {
      pcm.set(wav.samples.subarray(512 * h, 512 * h + 512));
      callFrontEnd(call, tensors);
      // The window slides: its last row is the newest frame, the row before it the one before.
      if (h >= 1) mine.set(out.subarray(1160), 40 * (h - 1));
      if (h >= 30) expect(out.subarray(0, 40)).toEqual(mine.subarray(40 * (h - 30), 40 * (h - 29)));
    }
    expectClose("sww short_wav_easy10s", compareInt8(mine, gold));
  });
});
