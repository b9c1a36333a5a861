/**
 * @fileoverview Test helper: where the read-only shared data lives (models, golden outputs,
 * golden-ops suite) and how import tests assert MoteErrors.
 *
 * Used by test/import/*.test.ts. The shared directory is `$MOTE_SHARED` or `../shared` next to
 * the repository; tests skip visibly when it is absent.
 */

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED = process.env.MOTE_SHARED ?? path.resolve(repoRoot, "../shared");
export const HAVE_SHARED = existsSync(path.join(SHARED, "models"));
if (!HAVE_SHARED) console.warn(`[test/import] shared data not found at ${SHARED}; skipping tests that need it`);

export const MODEL_NAMES = [
  "ad01_int8",
  "kws_ref_model",
  "pretrainedResnet_quant",
  "str_ww_ref_model",
  "vww_96_int8",
];

export function modelPath(name: string): string {
  return path.join(SHARED, "models", `${name}.tflite`);
}

/** Runs `fn` and returns the MoteError it throws; fails the test on success or any other error. */
export function moteError(fn: () => unknown, codes?: number[]): MoteError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof MoteError)) {
    throw new Error(`expected a MoteError, got ${thrown === undefined ? "success" : String((thrown as Error)?.stack ?? thrown)}`);
  }
  if (codes) expect(codes).toContain(thrown.code);
  return thrown;
}
