/**
 * @fileoverview The diagnostics table (compiler/diagnostics.ts) against the source tree:
 *  - no MoteError is built by hand outside compiler/diagnostics.ts (every user error goes through
 *    `fail(code, ...)` or `diagnostic(code, ...)`, so its text is in the table);
 *  - the retired catch-all 5002 ("{0} failed: {1}") is raised nowhere (ALLOWED_5002 sites);
 *  - every code of the table is raised somewhere in compiler/ or server/, or listed in RESERVED with a
 *    reason, and no reserved code is raised;
 *  - every code lies in a range the file header documents, and every code has a hint saying what
 *    to do, except the few listed in WITHOUT_HINT (a list that only shrinks);
 *  - docs/errors.md is what scripts/gen-errors-doc.ts writes now.
 * The CLI side (exit status 1, one line, the code) is in test/cli/cli.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CODE_RANGES, DIAGNOSTICS, RESERVED, type DiagnosticInfo } from "../compiler/diagnostics.ts";
import { REPO_ROOT } from "../compiler/paths.ts";
import { ERRORS_DOC_PATH, generateErrorsDoc } from "../scripts/gen-errors-doc.ts";

/** Sites that may still raise 5002. Nothing should: add a specific code instead. */
const ALLOWED_5002 = 0;

/** Codes whose message carries no hint yet (README and tests quote 4001's exact line). */
const WITHOUT_HINT = new Set([4001]);

const TABLE_FILE = path.join("compiler", "diagnostics.ts");

function sources(dir: string): string[] {
  const abs = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|js|mjs)$/.test(e.name)) out.push(rel);
  }
  return out.sort();
}

const read = (f: string): string => fs.readFileSync(path.join(REPO_ROOT, f), "utf8");
const codes = Object.keys(DIAGNOSTICS).map(Number);
const table = DIAGNOSTICS as Record<number, DiagnosticInfo>;

/** Every code raised in compiler/ (outside the table itself and the subset examples' data). */
function raisedCodes(): Map<number, string[]> {
  const raised = new Map<number, string[]>();
  const files = [...sources("compiler"), ...sources("server")].filter((f) => f !== TABLE_FILE && f !== path.join("compiler", "subset", "examples.ts"));
  // fail(...)/diagnostic(...) for user errors; report(...)/err(...) and `code:` for subset diagnostics.
  // A call may choose between two codes: err(b ? 2030 : 2026, ...).
  const raise = /\b(?:fail|diagnostic|report|err)\(\s*(?:[\w.]+\s*\?\s*(\d{4})\s*:\s*)?(\d{4})\b|\bcode: (\d{4})\b/g;
  for (const f of files) {
    for (const m of read(f).matchAll(raise)) {
      for (const code of [m[1], m[2], m[3]].filter((c) => c !== undefined).map(Number)) {
        if (code in table) raised.set(code, [...(raised.get(code) ?? []), f]);
      }
    }
  }
  return raised;
}

describe("diagnostics table", () => {
  it("no MoteError is constructed outside compiler/diagnostics.ts", () => {
    const files = ["compiler", "server", "scripts", "samples", "runtime", "kernels", "bin"].flatMap(sources);
    const bad = files.filter((f) => f !== TABLE_FILE && /\bnew MoteError\s*\(/.test(read(f)));
    expect(bad, "raise user errors with fail(code, ...args) and put the text in the table").toEqual([]);
  });

  it(`the catch-all 5002 is raised at most ${ALLOWED_5002} times`, () => {
    const sites = sources("compiler").flatMap((f) => [...read(f).matchAll(/\b(?:fail|diagnostic)\(\s*5002\b/g)].map(() => f));
    expect(sites.length, `5002 sites: ${sites.join(", ")}; give each its own code`).toBeLessThanOrEqual(ALLOWED_5002);
  });

  it("every code is raised somewhere in compiler/, or reserved with a reason", () => {
    const raised = raisedCodes();
    const unused = codes.filter((c) => !raised.has(c) && RESERVED[c as keyof typeof RESERVED] === undefined);
    expect(unused, "raise these codes, or list them in RESERVED with the reason").toEqual([]);
  });

  it("no reserved code is raised, and every reserved code is in the table", () => {
    const raised = raisedCodes();
    const reserved = Object.keys(RESERVED).map(Number);
    expect(reserved.filter((c) => raised.has(c)).map((c) => `${c}: ${raised.get(c)!.join(", ")}`)).toEqual([]);
    expect(reserved.filter((c) => !(c in table))).toEqual([]);
  });

  it("every code lies in a documented range, and the header lists each range", () => {
    expect(codes.filter((c) => CODE_RANGES[Math.floor(c / 1000)] === undefined)).toEqual([]);
    const header = read(TABLE_FILE).split("*/")[0];
    for (const range of Object.keys(CODE_RANGES)) expect(header).toMatch(new RegExp(`\\b${range}xxx\\b`));
  });

  it("every code says what to do (a hint), except the listed ones", () => {
    const missing = codes.filter((c) => !table[c].hint && !WITHOUT_HINT.has(c) && RESERVED[c as keyof typeof RESERVED] === undefined);
    expect(missing).toEqual([]);
    // The list only shrinks: a listed code that gained a hint must leave it.
    expect([...WITHOUT_HINT].filter((c) => table[c].hint)).toEqual([]);
  });

  it("docs/errors.md is up to date with the table", () => {
    const onDisk = fs.existsSync(ERRORS_DOC_PATH) ? fs.readFileSync(ERRORS_DOC_PATH, "utf8") : "(missing)";
    if (onDisk !== generateErrorsDoc()) expect.fail("docs/errors.md is out of date: run `npx tsx scripts/gen-errors-doc.ts` and commit the result");
  });

  it("every message and hint is one line", () => {
    const multi = codes.filter((c) => /\n/.test(table[c].message) || /\n/.test(table[c].hint ?? ""));
    expect(multi).toEqual([]);
  });
});
