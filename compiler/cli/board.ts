/**
 * @fileoverview The real-board commands: `mote flash ELF --board NAME [--tool T] [--monitor PORT]`
 * (st-flash or OpenOCD, then optionally the UART report) and `mote serial-log FILE|PORT` (the
 * firmware's UART report as figures: cycles per inference from the DWT, milliseconds at the
 * clock the firmware printed, stack, per-layer cycles, outputs).
 */
import { checkUserFile, readError, readUserFile } from "../files.ts";

import { fail } from "../diagnostics.ts";
import { loadBoard } from "../toolchain/boards.ts";
import { isRealBoard } from "../toolchain/board-firmware.ts";
import { flashBoard, isSerialPort, readSerialPort, type FlashTool } from "../toolchain/flash.ts";
import { parseSerialLog, summarizeSerialLog, type SerialLog } from "../toolchain/serial-log.ts";

export interface FlashFlags {
  board: string;
  tool?: FlashTool;
  monitor?: string;
  timeout: string;
}

export interface SerialLogFlags {
  json?: boolean;
  timeout: string;
  /** report.json of the same build: names each layer line's op (codegen keys are op indices). */
  report?: string;
}

/** Op index → opcode from a codegen report.json (empty for interpreter builds, whose keys are steps). */
export function opNames(reportFile: string | undefined): Map<number, string> {
  if (!reportFile) return new Map();
  let report: { mode?: string; ops?: { op: number; opcode: string }[] };
  const text = readUserFile(reportFile, readError("--report")).toString("utf8");
  try {
    report = JSON.parse(text);
  } catch {
    return fail(6603, "--report", reportFile, "not JSON: pass the report.json mote compile wrote");
  }
  return new Map(report.mode === "codegen" ? (report.ops ?? []).map((o) => [o.op, o.opcode] as const) : []);
}

function seconds(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(6005, option, "a positive number of seconds", value);
  return n;
}

/** The report lines of a parsed log (the figures, then layers and outputs). */
export function serialLogText(log: SerialLog, source: string, names: Map<number, string> = new Map()): string {
  const s = summarizeSerialLog(log, source);
  const n = (v: number) => v.toLocaleString("en");
  const ms = (cycles: number) => `${((cycles / s.clockHz) * 1000).toFixed(3)} ms`;
  const lines = [
    `${s.board} at ${n(s.clockHz / 1e6)} MHz (the clock the firmware reported), input ${log.input ?? "?"}`,
    `cycles per inference (DWT CYCCNT, measured on the board): ${n(s.medianCycles)} = ${ms(s.medianCycles)}` +
      (s.runs > 1 ? ` (median of runs 2-${s.runs}: ${n(s.minCycles)}..${n(s.maxCycles)}; run 1, cold caches: ${n(s.firstCycles)} = ${ms(s.firstCycles)})` : ""),
    `stack high-water: ${s.stackBytes === null ? "not reported" : `${n(s.stackBytes)} bytes`}`,
  ];
  if (log.runsPlanned !== null && log.runs.length < log.runsPlanned) lines.push(`note: ${log.runs.length} of ${log.runsPlanned} runs in the log (cut short?)`);
  if (!log.done) lines.push('note: no "mote: done" line: the log ends early');
  if (log.layers.length > 0) {
    const total = log.layers.reduce((t, l) => t + l.cycles, 0);
    lines.push(`layers (last run, ${n(total)} cycles in layers):`);
    for (const l of log.layers) lines.push(`  layer ${l.key}${names.has(l.key) ? ` (${names.get(l.key)})` : ""}: ${n(l.cycles)} cycles (${((100 * l.cycles) / Math.max(total, 1)).toFixed(1)} %)`);
  }
  log.outputs.forEach((bytes, i) => {
    const shown = Array.from(bytes.subarray(0, 16), (b) => (b << 24) >> 24).join(" ");
    lines.push(`output ${i}: ${bytes.length} bytes, as int8: ${shown}${bytes.length > 16 ? " ..." : ""}`);
  });
  return `${lines.join("\n")}\n`;
}

async function readLog(source: string, timeoutS: number): Promise<string> {
  if (isSerialPort(source)) {
    process.stderr.write(`• reading ${source} at 115200 8N1 for up to ${timeoutS} s: press the board's reset button\n`);
    return readSerialPort(source, timeoutS * 1000);
  }
  return readUserFile(source, (file, why) => fail(5031, file, why)).toString("latin1");
}

export async function serialLogCommand(source: string, flags: SerialLogFlags): Promise<void> {
  const text = await readLog(source, seconds(flags.timeout, "--timeout"));
  const log = parseSerialLog(text);
  if (flags.json) {
    const s = summarizeSerialLog(log, source);
    process.stdout.write(`${JSON.stringify({ ...s, input: log.input, layers: log.layers, outputs: log.outputs.map((b) => Buffer.from(b).toString("hex")) }, null, 2)}\n`);
    return;
  }
  process.stdout.write(serialLogText(log, source, opNames(flags.report)));
}

export async function flashCommand(elf: string, flags: FlashFlags): Promise<void> {
  const board = loadBoard(flags.board);
  if (!isRealBoard(board)) fail(6008, "mote flash", `--board ${board.name}`, "flash a real board (stm32f746g-disco, nucleo-h743zi); QEMU runs with mote run --target qemu");
  const timeout = seconds(flags.timeout, "--timeout");
  checkUserFile(elf, readError("the firmware"));
  // The port is opened before flashing: the firmware reports right after the reset that ends it.
  const reading = flags.monitor ? readSerialPort(flags.monitor, timeout * 1000) : undefined;
  reading?.catch(() => {}); // awaited below; a flashing error must not leave it unhandled
  process.stderr.write(`• flashing ${elf} to ${board.name}\n`);
  const tool = await flashBoard(board, elf, flags.tool);
  process.stderr.write(`• flashed with ${tool}; the board restarts and prints its report on ${board.firmware?.uart ?? "its UART"}\n`);
  if (reading && flags.monitor) process.stdout.write(serialLogText(parseSerialLog(await reading), flags.monitor));
}
