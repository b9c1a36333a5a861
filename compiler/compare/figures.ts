/**
 * @fileoverview The figures of `mote compare` (compiler/compare/figures.json): radio, power,
 * battery and published MLPerf Tiny latencies, each with its unit and source. This module reads
 * and checks the file and hands out typed values; it is the only way the comparison gets such a
 * number (test/compare/figures.test.ts checks that every figure has a source and that no other
 * file in compiler/compare writes one as a literal).
 *
 * `value(f, unit)` checks the unit a caller expects, so a figure entered in mA where A is meant
 * is an error (MOTE6406) instead of a factor-of-1000 mistake.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { fail } from "../diagnostics.ts";

export const FIGURES_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "figures.json");

export interface Figure {
  value: number;
  unit: string;
  source: string;
  /** true: read at the source; "secondary": read in a reproduction of the source's table; false: not confirmed. */
  verified: Verified;
  kind: string;
  derived?: string;
}

/** How far a figure was checked (figures.json `verified`). */
export type Verified = boolean | "secondary";

/** The word reports print for `verified`: yes, secondary or no. */
export function verifiedLabel(v: Verified): string {
  return v === "secondary" ? "secondary" : v ? "yes" : "no";
}

export interface BoardFigures {
  mcu: string;
  clockHz: Figure;
  runCurrent: Figure;
  voltage: Figure;
}

export interface LinkFigures {
  radio: string;
  voltage: Figure;
  txCurrent: Figure;
  rxCurrent: Figure;
  throughput: Figure;
  setupTime: Figure;
  setupEnergy: Figure;
  airRtt: Figure;
}

export interface BatteryFigures {
  description: string;
  capacity: Figure;
  voltage: Figure;
}

export interface ModelFigures {
  audio?: string;
  mlperf?: string;
  rawPayload: string;
  streaming?: boolean;
}

export interface PublishedLatency {
  system: string;
  clockHz: number;
  latency: Figure;
}

export interface Figures {
  cpi: { assumed: Figure; low: Figure; high: Figure };
  boards: Record<string, BoardFigures>;
  links: Record<string, LinkFigures>;
  network: { internetRtt: Figure; messageOverhead: Figure; resultBytes: Figure; positiveRate: Figure };
  batteries: Record<string, BatteryFigures>;
  models: Record<string, ModelFigures>;
  mlperf: Record<string, PublishedLatency[]>;
}

/** The links in the order reports list them. */
export const LINKS = ["ble", "wifi", "lte-m", "nb-iot"] as const;
export type Link = (typeof LINKS)[number];
export const DEFAULT_BATTERY = "li-ion-1000mah";

const isFigure = (x: unknown): x is Figure => {
  const f = x as Figure;
  return typeof f === "object" && f !== null && typeof f.value === "number" && typeof f.unit === "string";
};

/** Every figure of the file with its dotted path (e.g. links.ble.txCurrent). */
export function listFigures(node: unknown, at = ""): { path: string; figure: Figure }[] {
  if (isFigure(node)) return [{ path: at, figure: node }];
  if (Array.isArray(node)) return node.flatMap((x, i) => listFigures(x, `${at}[${i}]`));
  if (typeof node === "object" && node !== null) {
    return Object.entries(node).flatMap(([k, v]) => listFigures(v, at ? `${at}.${k}` : k));
  }
  return [];
}

/** The problems of one figure (empty when it is complete): a number, a unit, a source, verified (true, false or "secondary"), a kind. */
export function figureProblems(f: Figure): string[] {
  const bad: string[] = [];
  if (!Number.isFinite(f.value) || f.value < 0) bad.push(`value ${f.value} is not a finite non-negative number`);
  if (!f.unit) bad.push("no unit");
  if (typeof f.source !== "string" || f.source.trim().length < 10) bad.push("no source");
  if (typeof f.verified !== "boolean" && f.verified !== "secondary") bad.push('verified is not true, false or "secondary"');
  if (typeof f.kind !== "string" || !f.kind) bad.push("no kind");
  if (f.kind === "derived" && !f.derived) bad.push("derived figure without how (derived)");
  return bad;
}

let cached: Figures | undefined;

/** Reads and checks figures.json (MOTE6406 on a broken file); cached for the process. */
export function loadFigures(file = FIGURES_FILE): Figures {
  if (file === FIGURES_FILE && cached) return cached;
  let raw: Figures;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8")) as Figures;
  } catch (e) {
    return fail(6406, file, (e as Error).message);
  }
  for (const key of ["cpi", "boards", "links", "network", "batteries", "models", "mlperf"] as const) {
    if (typeof raw[key] !== "object" || raw[key] === null) fail(6406, file, `"${key}" is missing`);
  }
  for (const { path: at, figure } of listFigures(raw)) {
    const bad = figureProblems(figure);
    if (bad.length) fail(6406, file, `${at}: ${bad.join(", ")}`);
  }
  for (const link of LINKS) if (!raw.links[link]) fail(6406, file, `links.${link} is missing`);
  if (file === FIGURES_FILE) cached = raw;
  return raw;
}

/** The value of `f` in `unit` (MOTE6406 when the file gives another unit). */
export function value(f: Figure, unit: string): number {
  if (f.unit !== unit) fail(6406, FIGURES_FILE, `a figure is in ${f.unit} where ${unit} is expected (source: ${f.source.slice(0, 80)})`); // not a figure: message length
  return f.value;
}

/** The board's figures, or MOTE6403 naming the boards that have them. */
export function boardFigures(figures: Figures, board: string): BoardFigures {
  const b = figures.boards[board];
  if (!b) fail(6403, board, Object.keys(figures.boards).join(", "));
  return b;
}
