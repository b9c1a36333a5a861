/**
 * @fileoverview `mote compare [MODEL...] [--board NAME] [--link ble|wifi|lte-m|nb-iot|all]
 * [--rate N] [--positive-rate F] [--battery NAME] [--audio PRESET] [--requests N] [--out DIR]
 * [--json]`: on the device or in the cloud, per model (compiler/compare/). Starts the inference
 * server of server/ in-process on loopback (port 0) with every model, measures, stops it (also
 * on an error: no process is left behind), prints the table (or the JSON) and writes
 * DIR/compare.json and DIR/compare.html. Progress lines go to stderr.
 */
import * as path from "node:path";
import { fail } from "../diagnostics.ts";
import { BENCH_MODELS } from "../bench/bench.ts";
import { loadBoard } from "../toolchain/boards.ts";
import { AUDIO_PRESETS, audioPresetNames } from "../ops/audio/attach.ts";
import { boardFigures, DEFAULT_BATTERY, LINKS, loadFigures, type Link } from "../compare/figures.ts";
import { frontEndOf, resolveModelSpec, runCompare } from "../compare/compare.ts";
import { formatTable, writeCompareReport } from "../compare/report.ts";
import { parseCount } from "./run.ts";
import { checkOutputDir, checkUserFile, READ_AS } from "../files.ts";

export interface CompareFlags {
  board?: string;
  link?: string;
  rate?: string;
  positiveRate?: string;
  battery?: string;
  audio?: string;
  requests?: string;
  out?: string;
  json?: boolean;
}

export const DEFAULT_COMPARE_BOARD = "stm32f746g-disco";

/** --link: one link or all (MOTE6401 otherwise). */
export function parseLinks(value: string | undefined): Link[] {
  if (value === undefined || value === "all") return [...LINKS];
  if (!(LINKS as readonly string[]).includes(value)) fail(6401, value, [...LINKS, "all"].join(", "));
  return [value as Link];
}

/** A positive number (MOTE6402 otherwise); `max` bounds it where given. */
export function parsePositive(option: string, value: string, what: string, max?: number): number {
  const n = /^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0 || (max !== undefined && n > max)) fail(6402, option, what, value);
  return n;
}

export async function compareCommand(models: string[], flags: CompareFlags): Promise<void> {
  const figures = loadFigures();
  const board = flags.board ?? DEFAULT_COMPARE_BOARD;
  loadBoard(board); // MOTE5003 for a board that does not exist
  boardFigures(figures, board); // MOTE6403 for one without current figures (the QEMU board)
  const links = parseLinks(flags.link);
  const ratePerHour = flags.rate === undefined ? 60 : parsePositive("--rate", flags.rate, "a positive number of inferences per hour");
  const positiveRate = flags.positiveRate === undefined ? undefined : parsePositive("--positive-rate", flags.positiveRate, "a fraction above 0 and at most 1", 1);
  const battery = flags.battery ?? DEFAULT_BATTERY;
  if (!figures.batteries[battery]) fail(6404, battery, Object.keys(figures.batteries).join(", "));
  if (flags.audio !== undefined && flags.audio !== "none" && !AUDIO_PRESETS[flags.audio]) fail(6011, flags.audio, [...audioPresetNames(), "none"].join(", "));
  const requests = flags.requests === undefined ? 20 : parseCount("--requests", flags.requests);
  const specs = (models.length ? models : BENCH_MODELS).map(resolveModelSpec);
  for (const m of models) if (m.endsWith(".tflite") || m.includes("/")) checkUserFile(m, READ_AS.model);
  checkOutputDir(flags.out ?? path.join("out", "compare"), "--out");
  const say = (line: string): void => void process.stderr.write(`${line}\n`);

  const audio: Record<string, string> = {};
  if (flags.audio !== undefined) for (const s of specs) audio[s.name] = frontEndOf(figures, s.name, flags.audio) ?? "none";
  say(`• starting the inference server on loopback with ${specs.map((s) => s.name).join(", ")}`);
  const { startServer } = await import("../../server/server.ts");
  const server = await startServer(specs.map((s) => s.file), { port: 0, host: "127.0.0.1", audio, progress: say });
  let report;
  try {
    report = await runCompare(specs, { board, links, ratePerHour, battery, positiveRate, requests, audio: flags.audio, progress: say }, server.url);
  } finally {
    say("• stopping the inference server");
    await server.close();
  }
  const written = await writeCompareReport(flags.out ?? path.join("out", "compare"), report);
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTable(report)}\n`);
  say(`• wrote ${written.json} and ${written.html}`);
}
