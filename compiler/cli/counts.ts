/**
 * @fileoverview Whole-number option values (--top, --invocations, --max-body, ...), parsed
 * without loading any command: the command line's option parsers use it.
 */
import { fail } from "../diagnostics.ts";

/** A positive integer option value; MOTE6005 otherwise. */
export function parseCount(option: string, value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) fail(6005, option, "a positive whole number", value);
  return n;
}
