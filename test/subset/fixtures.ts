/**
 * @fileoverview Reads the subset's wrong/fix fixtures (test/fixtures/subset/, described in its
 * README.md) and checks them in place with the real front end.
 *
 * Per code NNNN of compiler/diagnostics.ts's 2xxx range the folder holds `NNNN-<slug>.wrong.ts`
 * (or `NNNN-<slug>.tsc-error.wrong.ts` when tsc --strict rejects it too; tsconfig.json excludes
 * that pattern) and `NNNN-<slug>.fix.ts`, where <slug> is the title in lower case with dashes.
 * index.json gives each code its title and the line:col of the wrong file's first diagnostic.
 * `readSubsetFixtures` returns every problem it finds with the folder (a file or index entry
 * without its counterpart, an unknown code, a malformed name or entry) instead of throwing, so
 * test/subset/examples.test.ts can list them; `loadSubsetFixtures` throws with that list
 * (scripts/gen-subset-doc.ts uses it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DIAGNOSTICS, isSubsetCode } from "../../compiler/diagnostics.ts";
import { REPO_ROOT } from "../../compiler/paths.ts";
import { checkFiles } from "../../compiler/subset/program.ts";
import type { SubsetDiagnostic } from "../../compiler/subset/source.ts";

export const SUBSET_FIXTURES_DIR = path.join(REPO_ROOT, "test", "fixtures", "subset");

/** Files of the folder that are not fixtures: the index, its README, and the import targets. */
const SUPPORT_FILES = new Set(["index.json", "README.md", "types.ts", "intrinsics.ts"]);

/** `2001-classes.wrong.ts`, `2026-undeclared-names.tsc-error.wrong.ts`, `2001-classes.fix.ts` */
const FIXTURE_NAME = /^(\d{4})-([a-z0-9]+(?:-[a-z0-9]+)*)(\.tsc-error)?\.(wrong|fix)\.ts$/;

export interface SubsetFixture {
  code: number;
  /** Short heading for docs/subset.md. */
  title: string;
  /** Absolute path of the kernel file whose first diagnostic is `code`. */
  wrongFile: string;
  /** Where that first diagnostic points (1-based). */
  line: number;
  col: number;
  /** Absolute path of the corrected kernel file: no diagnostics, and it passes tsc --strict. */
  fixFile: string;
  /** True when tsc --strict rejects the wrong file too (`.tsc-error.wrong.ts`). */
  tscError: boolean;
}

/** The title in lower case, every run of other characters a dash: the slug of the file names. */
export function slugOf(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** The subset codes (2xxx) of compiler/diagnostics.ts, ascending. */
export function subsetCodes(): number[] {
  return Object.keys(DIAGNOSTICS).map(Number).filter(isSubsetCode).sort((a, b) => a - b);
}

interface IndexEntry { title: string; line: number; col: number }

function readIndex(dir: string, problems: string[]): Map<number, IndexEntry> {
  const out = new Map<number, IndexEntry>();
  const file = path.join(dir, "index.json");
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    problems.push(`index.json: cannot read it: ${(e as Error).message}`);
    return out;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push("index.json: not an object keyed by code");
    return out;
  }
  const isPos = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  for (const [key, v] of Object.entries(raw)) {
    const e = v as Partial<IndexEntry> | null;
    const keys = e && typeof e === "object" ? Object.keys(e).sort().join(",") : "";
    if (!/^\d{4}$/.test(key) || keys !== "col,line,title" || typeof e!.title !== "string" || !e!.title || !isPos(e!.line) || !isPos(e!.col)) {
      problems.push(`index.json: entry "${key}" must be "NNNN": { "title": "...", "line": N, "col": N }, got ${JSON.stringify(v)}`);
      continue;
    }
    out.set(Number(key), e as IndexEntry);
  }
  return out;
}

/** Every fixture of `dir`, in code order, and every problem found with the folder. */
export function readSubsetFixtures(dir = SUBSET_FIXTURES_DIR): { fixtures: SubsetFixture[]; problems: string[] } {
  const problems: string[] = [];
  const known = new Set(subsetCodes());
  const index = readIndex(dir, problems);
  const files = new Map<number, { name: string; slug: string; kind: "wrong" | "fix" }[]>();
  for (const name of fs.readdirSync(dir).sort()) {
    if (SUPPORT_FILES.has(name)) continue;
    const m = FIXTURE_NAME.exec(name);
    if (!m || (m[3] && m[4] === "fix")) {
      problems.push(`${name}: not a fixture name (NNNN-slug.wrong.ts, NNNN-slug.tsc-error.wrong.ts or NNNN-slug.fix.ts)`);
      continue;
    }
    const code = Number(m[1]);
    if (!known.has(code)) {
      problems.push(`${name}: MOTE${code} is not a subset code of compiler/diagnostics.ts`);
      continue;
    }
    const slot = files.get(code) ?? [];
    slot.push({ name, slug: m[2], kind: m[4] as "wrong" | "fix" });
    files.set(code, slot);
  }
  for (const code of index.keys()) {
    if (!known.has(code)) problems.push(`index.json: entry "${code}" is not a subset code of compiler/diagnostics.ts`);
  }

  const fixtures: SubsetFixture[] = [];
  for (const code of known) {
    const entry = index.get(code);
    if (!entry) {
      problems.push(`MOTE${code}: index.json has no entry "${code}"`);
      continue;
    }
    const stem = `${code}-${slugOf(entry.title)}`;
    const slot = (files.get(code) ?? []).filter((f) => {
      if (f.slug === slugOf(entry.title)) return true;
      problems.push(`${f.name}: the file names of MOTE${code} ("${entry.title}") start with ${stem}`);
      return false;
    });
    const wrong = slot.filter((f) => f.kind === "wrong").map((f) => f.name);
    const fix = slot.filter((f) => f.kind === "fix").map((f) => f.name);
    if (wrong.length !== 1) {
      problems.push(`MOTE${code}: expected one ${stem}.wrong.ts or ${stem}.tsc-error.wrong.ts, found ${wrong.length ? wrong.join(", ") : "none"}`);
    }
    if (fix.length !== 1) problems.push(`MOTE${code}: expected ${stem}.fix.ts, found ${fix.length ? fix.join(", ") : "none"}`);
    if (wrong.length !== 1 || fix.length !== 1) continue;
    fixtures.push({
      code,
      title: entry.title,
      wrongFile: path.join(dir, wrong[0]),
      line: entry.line,
      col: entry.col,
      fixFile: path.join(dir, fix[0]),
      tscError: wrong[0].endsWith(".tsc-error.wrong.ts"),
    });
  }
  return { fixtures, problems };
}

/** Like readSubsetFixtures, but throws an Error listing the problems when there are any. */
export function loadSubsetFixtures(dir = SUBSET_FIXTURES_DIR): SubsetFixture[] {
  const { fixtures, problems } = readSubsetFixtures(dir);
  if (problems.length > 0) throw new Error(`${path.relative(REPO_ROOT, dir)} is malformed:\n${problems.join("\n")}`);
  return fixtures;
}

/**
 * Runs the subset checker on one fixture file where it is (its imports of "./types.ts" and
 * "./intrinsics.ts" are recognized by name, as in kernels/). Its diagnostics name it
 * `displayName` (its base name unless given), so what they print does not depend on the working
 * directory.
 */
export function checkFixture(file: string, displayName = path.basename(file)): SubsetDiagnostic[] {
  return checkFiles([file]).map((d) => (path.resolve(d.file) === path.resolve(file) ? { ...d, file: displayName } : d));
}
