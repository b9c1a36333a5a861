/**
 * @fileoverview The digits data of the tfjs-digits sample: ../shared/data/digits/digits.csv.gz
 * (1,797 handwritten digits, 64 pixels 0..16 then the label) split deterministically into the
 * rows training (and calibration) use and the held-back rows the sample measures on.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { sharedData } from "../../compiler/inputs/shared.ts";

export interface Digit {
  /** 64 pixels scaled to 0..1 (row-major 8x8). */
  pixels: Float32Array;
  label: number;
}

/** Every row of the CSV, in file order. */
export function readDigits(file = sharedData("data", "digits", "digits.csv.gz")): Digit[] {
  const text = gunzipSync(readFileSync(file)).toString("utf8");
  return text.trim().split("\n").map((line) => {
    const v = line.split(",").map(Number);
    return { pixels: Float32Array.from(v.slice(0, 64), (p) => p / 16), label: v[64]! };
  });
}

/** Rows with index % 5 === 0 are held back (360 of 1,797); the rest train. */
export function split(rows: Digit[]): { train: Digit[]; test: Digit[] } {
  return { train: rows.filter((_, i) => i % 5 !== 0), test: rows.filter((_, i) => i % 5 === 0) };
}
