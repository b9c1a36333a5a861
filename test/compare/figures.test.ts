/**
 * @fileoverview The figures of `mote compare` (compiler/compare/figures.json): every figure has a
 * value, a unit, a source, verified (true, false or "secondary", the last naming the reproduction it
 * was read in) and a kind (derived ones say how); each board's Run-mode current names its datasheet
 * table; the boards and links the
 * command offers are all there and agree with boards/*\/board.json; a broken file is MOTE6406;
 * and no file of compiler/compare/ writes a radio, power, battery or latency number as a literal
 * (only small integers and unit conversions, or a line marked `// not a figure: <why>`), checked
 * by a scanner that is itself shown to catch such a literal.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../compiler/paths.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { DEFAULT_BATTERY, FIGURES_FILE, LINKS, figureProblems, listFigures, loadFigures } from "../../compiler/compare/figures.ts";
import { loadBoard } from "../../compiler/toolchain/boards.ts";

/** Integers from 0 to 10 and unit conversions (s/ms/µs, per hour, days, years, percent, mAh -> C). */
const ALLOWED = new Set(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "60", "100", "1000", "3600", "86400", "365", "1e3", "1e6", "1e9", "1e-3", "3.6"]);
const MARKER = /\/\/ not a figure: \S/;

/**
 * The numeric literals of TypeScript source that are not allowed: comments and string text are
 * skipped (template expressions are scanned), lines carrying MARKER are exempt.
 */
export function figureLiterals(src: string): string[] {
  const found: string[] = [];
  const lines = src.split("\n");
  let state: "code" | "block" = "code";
  const templates: number[] = []; // brace depth at which each open template's ${ began
  let inTemplateText = false;
  let depth = 0;
  lines.forEach((line, n) => {
    const exempt = MARKER.test(line);
    let code = "";
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      const d = line[i + 1];
      if (state === "block") {
        if (c === "*" && d === "/") { state = "code"; i++; }
        continue;
      }
      if (inTemplateText) {
        if (c === "\\") { i++; continue; }
        if (c === "`") { inTemplateText = false; code += " "; continue; }
        if (c === "$" && d === "{") { inTemplateText = false; templates.push(depth); depth++; i++; code += " "; }
        continue;
      }
      if (c === "/" && d === "/") break;
      if (c === "/" && d === "*") { state = "block"; i++; continue; }
      if (c === '"' || c === "'") {
        for (i++; i < line.length && line[i] !== c; i++) if (line[i] === "\\") i++;
        code += " ";
        continue;
      }
      if (c === "`") { inTemplateText = true; continue; }
      if (c === "{") depth++;
      if (c === "}") {
        depth--;
        if (templates.length && templates[templates.length - 1] === depth) { templates.pop(); inTemplateText = true; code += " "; continue; }
      }
      code += c;
    }
    if (exempt) return;
    code = code.replace(/\b(fail|diagnostic)\(\s*\d+/g, "$1("); // error codes are not figures
    for (const m of code.matchAll(/(?<![\w$.])(0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)/g)) {
      if (!ALLOWED.has(m[1])) found.push(`line ${n + 1}: ${m[1]}`);
    }
  });
  return found;
}

const COMPARE_DIR = path.join(REPO_ROOT, "compiler", "compare");

describe("figures.json", () => {
  const figures = loadFigures();
  const all = listFigures(figures);

  it("every figure has a value, a unit, a source, verified and a kind; derived ones say how", () => {
    expect(all.length).toBeGreaterThan(40);
    const bad = all.flatMap(({ path: at, figure }) => figureProblems(figure).map((p) => `${at}: ${p}`));
    expect(bad).toEqual([]);
  });

  it("verified is true, false or \"secondary\"; every figure has a source either way", () => {
    const bad = all.filter(({ figure: f }) => f.verified !== true && f.verified !== false && f.verified !== "secondary").map((x) => x.path);
    expect(bad).toEqual([]);
    for (const v of [true, false, "secondary"] as const) expect(all.filter(({ figure: f }) => f.verified === v).length, String(v)).toBeGreaterThan(0);
    for (const { path: at, figure: f } of all) expect(f.source.trim().length, at).toBeGreaterThanOrEqual(10);
  });

  it("an unverified figure names a secondary source or says it is an assumption", () => {
    const bad = all.filter(({ figure: f }) => f.verified === false && !/(secondary|assumption|NOT confirmed|via |cloud-figures|board\.json|recalled|stated)/i.test(f.source)).map((x) => x.path);
    expect(bad).toEqual([]);
  });

  it("a \"secondary\" figure says so in its source and names the reproduction it was read in", () => {
    const bad = all.filter(({ figure: f }) => f.verified === "secondary" && !/secondary: .*(read|reproduc|restat|quot|as )/i.test(f.source)).map((x) => x.path);
    expect(bad).toEqual([]);
  });

  it("each board's Run-mode current names its datasheet, table and clock", () => {
    for (const [name, b] of Object.entries(figures.boards)) {
      expect(b.runCurrent.source, name).toMatch(/\bDS\d{4,5}\b/);
      expect(b.runCurrent.source, name).toMatch(/table/i);
      expect(b.runCurrent.source, name).toContain(`${b.clockHz.value / 1e6} MHz`);
    }
  });

  it("the boards with figures exist and their clocks agree with board.json; the QEMU board has none", () => {
    for (const [name, b] of Object.entries(figures.boards)) expect(b.clockHz.value, name).toBe(loadBoard(name).clockHz);
    expect(figures.boards["qemu-mps2-an500"]).toBeUndefined();
  });

  it("every link, the default battery and every MLPerf Tiny entry are there", () => {
    for (const l of LINKS) expect(figures.links[l], l).toBeDefined();
    expect(figures.batteries[DEFAULT_BATTERY]).toBeDefined();
    for (const m of Object.values(figures.models)) if (m.mlperf) expect(figures.mlperf[m.mlperf]?.length, m.mlperf).toBeGreaterThan(0);
    for (const entries of Object.values(figures.mlperf)) for (const e of entries) expect(e.clockHz).toBeGreaterThan(0);
  });

  it("a figure whose verified is neither true, false nor \"secondary\" is MOTE6406", () => {
    const broken = JSON.parse(fs.readFileSync(FIGURES_FILE, "utf8"));
    broken.links.ble.txCurrent.verified = "maybe";
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mote-figures-")), "figures.json");
    fs.writeFileSync(file, JSON.stringify(broken));
    let caught: unknown;
    try { loadFigures(file); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(MoteError);
    expect((caught as MoteError).code).toBe(6406);
    expect((caught as MoteError).message).toContain("links.ble.txCurrent: verified is not true, false or \"secondary\"");
  });

  it("a figure without a source is MOTE6406", () => {
    const broken = JSON.parse(fs.readFileSync(FIGURES_FILE, "utf8"));
    broken.links.ble.txCurrent.source = "";
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mote-figures-")), "figures.json");
    fs.writeFileSync(file, JSON.stringify(broken));
    let caught: unknown;
    try { loadFigures(file); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(MoteError);
    expect((caught as MoteError).code).toBe(6406);
    expect((caught as MoteError).message).toContain("links.ble.txCurrent: no source");
  });
});

describe("no figure literals in compiler/compare/", () => {
  it("the scanner catches a current, a rate and a time written in code, and skips comments, strings and conversions", () => {
    expect(figureLiterals("const tx = 0.0064; // 6.4 mA")).toEqual(["line 1: 0.0064"]);
    expect(figureLiterals("const bps = 2500000;")).toEqual(["line 1: 2500000"]);
    expect(figureLiterals("x = `${a * 0.735} s`;")).toEqual(["line 1: 0.735"]);
    expect(figureLiterals('const s = "45 mA at 3.7 V"; /* 0.11 A */ y = ms / 1e3 * 3600;')).toEqual([]);
    expect(figureLiterals("const seed = 12345; // not a figure: a noise seed")).toEqual([]);
    expect(figureLiterals("fail(6405, model, 0.5)")).toEqual(["line 1: 0.5"]);
  });

  it("each .ts file holds only allowed literals (or lines marked `// not a figure: ...`)", () => {
    const files = fs.readdirSync(COMPARE_DIR).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(4);
    const bad = files.flatMap((f) => figureLiterals(fs.readFileSync(path.join(COMPARE_DIR, f), "utf8")).map((l) => `${f} ${l}`));
    expect(bad).toEqual([]);
  });
});
