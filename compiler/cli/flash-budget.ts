/**
 * @fileoverview `--flash-budget <bytes>` (compile, run, profile, bench): its parser, and the
 * board's flash that caps the budget of the int8/int16 weight choice (compiler/build/weights.ts).
 */
import { fail } from "../diagnostics.ts";
import { loadBoard } from "../toolchain/boards.ts";
import { contiguousRanges } from "../report/fit.ts";

/**
 * A byte count: digits, optionally followed by K (x1024) or M (x1048576); a user error
 * (MOTE6005) otherwise.
 */
export function parseFlashBudget(value: string): number {
  const m = /^(\d+)([kKmM]?)$/.exec(value.trim());
  const n = m ? Number(m[1]) * (m[2] === "" ? 1 : /[kK]/.test(m[2]!) ? 1024 : 1024 * 1024) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) fail(6005, "--flash-budget", "a positive number of bytes (e.g. 400000, 512K or 2M)", value);
  return n;
}

/** The build options of the flash choice: the budget given (if any) and the board's largest flash range. */
export function flashOptions(budget: number | undefined, board: string): { flashBudget?: number; flashLimit?: number } {
  const flash = contiguousRanges(loadBoard(board), "flash")[0];
  return { ...(budget !== undefined ? { flashBudget: budget } : {}), ...(flash ? { flashLimit: flash.length } : {}) };
}
