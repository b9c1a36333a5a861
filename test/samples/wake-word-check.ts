/**
 * @fileoverview The wake-word sample's acceptance, shared by the fast test (ts target) and the
 * full one (wasm, host and the simulated M7): with the benchmark's rule the two detections
 * MLCommons documents for short_wav_easy10s.wav; with the sample's threshold exactly one
 * detection inside each window where "Marvin" is spoken (../shared/data/README.md) and none
 * elsewhere; the kws clips from raw audio give the reference model's answers.
 */
import { expect } from "vitest";
import { detect } from "../../samples/wake-word/detect.ts";
import { BENCHMARK_THRESHOLD, DEFAULT_THRESHOLD, type KwsResult, type WakeWordResult } from "../../samples/wake-word/wake_word.ts";

/** Where "Marvin" is spoken in short_wav_easy10s.wav (MLCommons' sww_short_test.json), seconds. */
export const MARVIN_WINDOWS: [number, number][] = [[1.0, 1.65], [4.0, 4.76], [7.0, 7.36]];

export function checkWakeWord(r: WakeWordResult): void {
  expect(r.probabilities).toHaveLength(312);
  const benchmark = detect(r.probabilities, BENCHMARK_THRESHOLD);
  expect(benchmark).toHaveLength(2);
  // MLCommons' runner documentation: this model finds the first two Marvins of this file.
  expect(benchmark[0].time).toBeGreaterThan(1.0);
  expect(benchmark[0].time).toBeLessThan(2.0);
  expect(benchmark[1].time).toBeGreaterThan(4.0);
  expect(benchmark[1].time).toBeLessThan(5.1);
  const found = detect(r.probabilities, DEFAULT_THRESHOLD);
  expect(found.map((d) => d.time)).toHaveLength(3);
  found.forEach((d, i) => {
    expect(d.time).toBeGreaterThanOrEqual(MARVIN_WINDOWS[i][0]);
    expect(d.time).toBeLessThanOrEqual(MARVIN_WINDOWS[i][1]);
  });
}

export function checkKws(r: KwsResult[]): void {
  expect(r.map((k) => [k.clip, k.top[0].label])).toEqual([
    ["yes_1000ms", "yes"],
    ["no_1000ms", "go"], // the reference model hears this "no" as "go" (../shared/golden-frontend/README.md)
    ["silence_1000ms", "silence"],
    ["noise_1000ms", "unknown"],
  ]);
  for (const k of r) expect(k.top).toHaveLength(2);
}
