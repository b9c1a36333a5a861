/**
 * @fileoverview The streaming front end feeding str_ww_ref_model, in TypeScript: the 10 s file
 * short_wav_easy10s.wav goes through sww-log-mel one 512-sample hop at a time (as a device
 * would), and the model runs on every complete window (from hop 30 on). A detection's time is the
 * end of the newest hop, (512 h + 512) / 16000 s. With the benchmark's rule (P(marvin) > 0.95,
 * int8 > 115, at most one per second) there are two detections, for the first two "Marvin"
 * windows (1.41 s, inside 1.00-1.65 s, and 5.02 s, 0.26 s after 4.00-4.76 s ends); with
 * P > 0.6 (int8 > 25) exactly three: 1.22, 4.54 and 7.36 s, one inside each of 1.00-1.65,
 * 4.00-4.76 and 7.00-7.36 s. The figures are printed for the samples' README.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { needShared, sharedFile } from "../support/shared.ts";
import { callFrontEnd, readWav } from "./audio.ts";

const need = needShared("models/str_ww_ref_model.tflite", "data/audio/short_wav_easy10s.wav");

/** Detections with P(marvin) above `threshold` (int8), at most one per second: [time s, int8]. */
function detect(scores: [number, number][], threshold: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [t, q] of scores) if (q > threshold && (out.length === 0 || t - out[out.length - 1][0] >= 1)) out.push([t, q]);
  return out;
}

describe.skipIf(need.skip)("wake word from raw audio (TypeScript)", () => {
  it("short_wav_easy10s.wav: 2 detections at P > 0.95, 3 in the Marvin windows at P > 0.6", () => {
    const model = loadModel(sharedFile("models/str_ww_ref_model.tflite"));
    const graph = attachAudioFrontEnd(model, "sww-log-mel");
    const op = graph.ops[0];
    const [call] = lowerGraph({ ...graph, ops: [op] })[0].calls;
    const samples = readWav(sharedFile("data/audio/short_wav_easy10s.wav")).samples;
    const pcm = new Int16Array(512);
    const window = new Int8Array(1200);
    const tensors = new Map<number, Int8Array | Int16Array | Float32Array>([
      [op.inputs[0], pcm], [op.inputs[1], new Float32Array(513)], [op.inputs[2], new Int8Array(1200)], [op.outputs[0], window],
    ]);
    const scores: [number, number][] = [];
    for (let h = 0; 512 * h + 512 <= samples.length; h++) {
      pcm.set(samples.subarray(512 * h, 512 * h + 512));
      callFrontEnd(call, tensors);
      if (h < 30) continue;
      const [out] = runTs(model, [new Uint8Array(window.buffer)]);
      scores.push([(512 * h + 512) / 16000, new Int8Array(out.buffer, out.byteOffset, 3)[0]]);
    }
    const strict = detect(scores, 115);
    const loose = detect(scores, 25);
    console.log(`P > 0.95: ${strict.map(([t, q]) => `${t.toFixed(2)} s (${q})`).join(", ")}; P > 0.6: ${loose.map(([t, q]) => `${t.toFixed(2)} s (${q})`).join(", ")}`);
    expect(strict.length).toBe(2);
    expect(strict[0][0]).toBeGreaterThanOrEqual(1.0);
    expect(strict[0][0]).toBeLessThanOrEqual(1.65);
    expect(strict[1][0]).toBeGreaterThanOrEqual(4.0);
    expect(strict[1][0]).toBeLessThan(5.5);
    const windows = [[1.0, 1.65], [4.0, 4.76], [7.0, 7.36]];
    expect(loose.length).toBe(3);
    loose.forEach(([t], k) => {
      expect(t).toBeGreaterThanOrEqual(windows[k][0]);
      expect(t).toBeLessThanOrEqual(windows[k][1] + 1e-9);
    });
  });
});
