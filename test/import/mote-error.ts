/**
 * @fileoverview How the import tests assert MoteErrors: run a function, require that it throws a
 * MoteError (optionally with one of the given codes), and return it for further checks.
 */
import { expect } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";

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
