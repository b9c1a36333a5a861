/**
 * @fileoverview Reads what the real-board firmware printed over its UART (boards/common/
 * harness.c): the lines starting with "mote: " (anything else, such as a terminal's own noise or
 * an earlier boot, is skipped; a new "mote: board" line starts the report over, so a log holding
 * several resets gives the last complete one).
 *
 *   mote: board <name>            mote: run <k> cycles <n>        mote: output <i> bytes <n> hex <..>
 *   mote: clock_hz <hz>           mote: stack <bytes>             mote: done
 *   mote: input <what>            mote: layer <key> cycles <n>    mote: error <text>
 *   mote: runs <n>
 *
 * summarizeSerialLog turns it into figures: cycles per inference (DWT CYCCNT: real core cycles)
 * and milliseconds at the clock the firmware reported.
 */
import { fail } from "../diagnostics.ts";

export interface SerialLayer {
  key: number;
  cycles: number;
}

export interface SerialLog {
  board: string | null;
  clockHz: number | null;
  input: string | null;
  /** Runs the firmware announced. */
  runsPlanned: number | null;
  /** Cycles of each timed mote_invoke(), in order (the first with cold caches). */
  runs: number[];
  stackBytes: number | null;
  /** Per-layer cycles of the last run (a -DMOTE_PROFILE build). */
  layers: SerialLayer[];
  outputs: Uint8Array[];
  errors: string[];
  /** True once "mote: done" was read. */
  done: boolean;
}

function emptyLog(): SerialLog {
  return { board: null, clockHz: null, input: null, runsPlanned: null, runs: [], stackBytes: null, layers: [], outputs: [], errors: [], done: false };
}

function hexBytes(text: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Parses a captured serial log; lines it does not know are skipped, malformed known ones are errors. */
export function parseSerialLog(text: string): SerialLog {
  let log = emptyLog();
  for (const raw of text.split(/\r?\n|\r/)) {
    const at = raw.indexOf("mote: ");
    if (at < 0) continue;
    const line = raw.slice(at + 6).trim();
    const [word = "", ...rest] = line.split(/\s+/);
    const arg = rest.join(" ");
    const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
    let m: RegExpExecArray | null;
    switch (word) {
      case "board":
        log = emptyLog();
        log.board = arg;
        break;
      case "clock_hz":
        log.clockHz = num(rest[0]) ?? null;
        break;
      case "input":
        log.input = arg;
        break;
      case "runs":
        log.runsPlanned = num(rest[0]) ?? null;
        break;
      case "run":
        if ((m = /^run (\d+) cycles (\d+)$/.exec(line))) log.runs.push(Number(m[2]));
        else log.errors.push(`malformed line: ${line}`);
        break;
      case "stack":
        log.stackBytes = num(rest[0]) ?? null;
        break;
      case "layer":
        if ((m = /^layer (-?\d+) cycles (\d+)$/.exec(line))) log.layers.push({ key: Number(m[1]), cycles: Number(m[2]) });
        else log.errors.push(`malformed line: ${line}`);
        break;
      case "output": {
        m = /^output (\d+) bytes (\d+) hex ([0-9a-fA-F]*)$/.exec(line);
        const bytes = m ? hexBytes(m[3]!) : undefined;
        if (m && bytes && bytes.length === Number(m[2])) log.outputs[Number(m[1])] = bytes;
        else log.errors.push(`malformed line: ${line}`);
        break;
      }
      case "done":
        log.done = true;
        break;
      case "error":
        log.errors.push(arg);
        break;
      default:
        break;
    }
  }
  return log;
}

export interface SerialSummary {
  board: string;
  clockHz: number;
  runs: number;
  /** Cycles: the first run (cold caches), and the median and min/max of the others (or of all, if one). */
  firstCycles: number;
  medianCycles: number;
  minCycles: number;
  maxCycles: number;
  medianMs: number;
  stackBytes: number | null;
}

/**
 * The figures of a complete log; MOTE5031 when it holds no report (no "mote: board" line, no
 * clock or no timed run) or the firmware reported an error.
 */
export function summarizeSerialLog(log: SerialLog, source: string): SerialSummary {
  if (log.errors.length > 0) fail(5031, source, `the firmware reported: ${log.errors.join(" | ")}`);
  if (log.board === null || log.clockHz === null || log.runs.length === 0) {
    fail(5031, source, log.board === null ? 'no "mote: board" line (capture from the reset on)' : "the log ends before the first timed run");
  }
  const warm = log.runs.length > 1 ? log.runs.slice(1) : log.runs;
  const sorted = [...warm].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : Math.round((sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2);
  return {
    board: log.board,
    clockHz: log.clockHz,
    runs: log.runs.length,
    firstCycles: log.runs[0]!,
    medianCycles: median,
    minCycles: sorted[0]!,
    maxCycles: sorted[sorted.length - 1]!,
    medianMs: (median / log.clockHz) * 1000,
    stackBytes: log.stackBytes,
  };
}
