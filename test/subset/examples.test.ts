/**
 * @fileoverview The subset checker against its wrong/fix fixtures (test/fixtures/subset/, read by
 * test/subset/fixtures.ts): the folder has exactly one pair per 2xxx code of
 * compiler/diagnostics.ts and nothing else (a stray, orphaned or misnamed file fails with its
 * name); every wrong file gets its code first, at index.json's line:col, with the table's hint;
 * every fix checks clean and lowers to KIR the verifier accepts; every fix type-checks with tsc --strict, and so does every wrong file
 * not named `.tsc-error.wrong.ts`. Also: kernels/ checks clean, the diagnostic line format,
 * several violations in one file, and the checker's fixes for literal ranges and error cascades.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { DIAGNOSTICS, MoteError } from "../../compiler/diagnostics.ts";
import { checkFiles } from "../../compiler/subset/program.ts";
import { KERNELS_DIR, REPO_ROOT } from "../../compiler/paths.ts";
import { formatSubsetDiagnostic, type SubsetDiagnostic } from "../../compiler/subset/source.ts";
import { checkFixture, readSubsetFixtures, SUBSET_FIXTURES_DIR, subsetCodes } from "./fixtures.ts";
import { KernelDir } from "./kernel-dir.ts";

const kd = new KernelDir();
afterAll(() => kd.remove());

function check(source: string, name = "kernel.ts"): SubsetDiagnostic[] {
  return kd.check(source, name);
}

const { fixtures, problems } = readSubsetFixtures();

describe("fixtures (test/fixtures/subset/)", () => {
  it("are well formed: one wrong/fix pair per 2xxx code and index.json entry, nothing else", () => {
    expect(problems).toEqual([]);
    expect(fixtures.map((f) => f.code)).toEqual(subsetCodes());
  });

  for (const fx of fixtures) {
    const wrongName = path.basename(fx.wrongFile);
    it(`MOTE${fx.code} (${fx.title}): ${wrongName} reports it first at ${fx.line}:${fx.col}, the fix is clean`, () => {
      const wrong = checkFixture(fx.wrongFile);
      expect(wrong.length, `${wrongName} must be rejected`).toBeGreaterThan(0);
      const first = wrong[0];
      expect({ code: first.code, line: first.line, col: first.col }, `first diagnostic of ${wrongName}`)
        .toEqual({ code: fx.code, line: fx.line, col: fx.col });
      expect(first.file).toBe(wrongName);
      expect(first.hint).toBeTruthy();
      expect(first.hint).toBe((DIAGNOSTICS as Record<number, { hint?: string }>)[fx.code].hint);
      // The message is the table's template with its {n} filled in.
      const template = (DIAGNOSTICS as Record<number, { message: string }>)[fx.code].message;
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\d+\\?\}/g, ".+")}$`);
      expect(first.message).toMatch(pattern);

      expect(checkFixture(fx.fixFile).map(formatSubsetDiagnostic)).toEqual([]);
      kd.lower({ [path.basename(fx.fixFile)]: fs.readFileSync(fx.fixFile, "utf8") }); // its KIR verifies (compiler/ir/verify.ts)
    });
  }
});

describe("the fixture reader", () => {
  /** A copy of the fixture folder changed by `edit`, and the problems the reader finds in it. */
  function problemsAfter(edit: (dir: string) => void): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-subset-fixtures-"));
    try {
      for (const f of fs.readdirSync(SUBSET_FIXTURES_DIR)) fs.copyFileSync(path.join(SUBSET_FIXTURES_DIR, f), path.join(dir, f));
      edit(dir);
      return readSubsetFixtures(dir).problems;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it("names an orphaned wrong or fix file", () => {
    expect(problemsAfter((d) => fs.rmSync(path.join(d, "2001-classes.fix.ts"))))
      .toEqual(["MOTE2001: expected 2001-classes.fix.ts, found none"]);
    expect(problemsAfter((d) => fs.rmSync(path.join(d, "2015-var.wrong.ts"))))
      .toEqual(["MOTE2015: expected one 2015-var.wrong.ts or 2015-var.tsc-error.wrong.ts, found none"]);
  });

  it("names a fixture of an unknown code, a misnamed file and a second wrong file", () => {
    expect(problemsAfter((d) => fs.writeFileSync(path.join(d, "2999-nothing.wrong.ts"), "")))
      .toEqual(["2999-nothing.wrong.ts: MOTE2999 is not a subset code of compiler/diagnostics.ts"]);
    expect(problemsAfter((d) => fs.writeFileSync(path.join(d, "2001_classes.ts"), "")))
      .toEqual(["2001_classes.ts: not a fixture name (NNNN-slug.wrong.ts, NNNN-slug.tsc-error.wrong.ts or NNNN-slug.fix.ts)"]);
    expect(problemsAfter((d) => fs.writeFileSync(path.join(d, "2001-class.wrong.ts"), "")))
      .toEqual(['2001-class.wrong.ts: the file names of MOTE2001 ("Classes") start with 2001-classes']);
    expect(problemsAfter((d) => fs.writeFileSync(path.join(d, "2001-classes.tsc-error.wrong.ts"), "")))
      .toEqual(["MOTE2001: expected one 2001-classes.wrong.ts or 2001-classes.tsc-error.wrong.ts, found 2001-classes.tsc-error.wrong.ts, 2001-classes.wrong.ts"]);
  });

  it("names a malformed or missing index.json entry", () => {
    const editIndex = (f: (index: Record<string, unknown>) => void) => (d: string): void => {
      const file = path.join(d, "index.json");
      const index = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
      f(index);
      fs.writeFileSync(file, JSON.stringify(index));
    };
    expect(problemsAfter(editIndex((i) => { i["2001"] = { title: "Classes", line: 0, col: 1 }; })))
      .toEqual([
        'index.json: entry "2001" must be "NNNN": { "title": "...", "line": N, "col": N }, got {"title":"Classes","line":0,"col":1}',
        'MOTE2001: index.json has no entry "2001"',
      ]);
    expect(problemsAfter(editIndex((i) => { i["2031"] = { title: "Next", line: 1, col: 1 }; })))
      .toEqual(['index.json: entry "2031" is not a subset code of compiler/diagnostics.ts']);
  });
});

describe("fixtures under tsc --strict", () => {
  it("every fix type-checks, and every wrong one does unless named .tsc-error.wrong.ts", () => {
    const files = fixtures.flatMap((f) => [f.wrongFile, f.fixFile]);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [path.join(REPO_ROOT, "node_modules/@types")],
    };
    const program = ts.createProgram(files, options);
    const failing = new Set(ts.getPreEmitDiagnostics(program).map((d) => path.basename(d.file?.fileName ?? "(global)")));
    const expected = fixtures.filter((f) => f.tscError).map((f) => path.basename(f.wrongFile));
    expect([...failing].sort()).toEqual(expected.sort());
  });

  it("tsconfig.json leaves out exactly the .tsc-error.wrong.ts files, so `tsc -p .` checks the rest", () => {
    const { config } = ts.readConfigFile(path.join(REPO_ROOT, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, REPO_ROOT);
    const inProject = new Set(parsed.fileNames.map((f) => path.resolve(f)));
    const left = fixtures.flatMap((f) => [f.wrongFile, f.fixFile]).filter((f) => !inProject.has(f)).map((f) => path.basename(f));
    expect(left.sort()).toEqual(fixtures.filter((f) => f.tscError).map((f) => path.basename(f.wrongFile)).sort());
  });
});

describe("kernels/", () => {
  it("every kernel file checks clean (kernels/common/ too)", () => {
    const inDir = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f));
    const files = [...inDir(KERNELS_DIR), ...inDir(path.join(KERNELS_DIR, "common"))];
    expect(files.length).toBeGreaterThan(3);
    expect(checkFiles(files).map(formatSubsetDiagnostic)).toEqual([]);
  });

  it("a missing file is a user error, not a crash", () => {
    expect(() => checkFiles([path.join(kd.dir, "nope.ts")])).toThrow(MoteError);
  });
});

describe("diagnostic format", () => {
  it("is file:line:col: error MOTE2xxx: message (hint)", () => {
    const fx = fixtures.find((f) => f.code === 2007)!;
    const [line] = checkFixture(fx.wrongFile, "eq.ts").map(formatSubsetDiagnostic);
    expect(line).toBe(`eq.ts:${fx.line}:${fx.col}: error MOTE2007: loose equality '==' (use === or !==)`);
  });

  it("leaves out the parentheses when there is no hint", () => {
    expect(formatSubsetDiagnostic({ code: 2099, file: "k.ts", line: 3, col: 7, message: "something" }))
      .toBe("k.ts:3:7: error MOTE2099: something");
  });

  it("every reported line has the shape", () => {
    for (const fx of fixtures) {
      for (const d of checkFixture(fx.wrongFile, `shape_${fx.code}.ts`)) {
        expect(formatSubsetDiagnostic(d)).toMatch(/^shape_\d+\.ts:\d+:\d+: error MOTE2\d{3}: .+( \(.+\))?$/);
      }
    }
  });
});

describe("several violations in one file", () => {
  const source = `import type { i32 } from "./types.ts";

export interface P {
  n: i32;
}

export class Helper {}

export function k(p: P, a: Int8Array, out: Int32Array): void {
  var total: i32 = 0;
  for (let i: i32 = 0; i < a.length; i++) total += a[i];
  if (total == 0) out[0] = total / p.n;
  switch (p.n) {
    default:
      break;
  }
  out[1] = p.size;
}
`;

  it("reports every one, each at its own place", () => {
    const got = check(source, "many.ts").map((d) => `${d.line}:${d.col} ${d.code}`);
    expect(got).toEqual([
      "7:1 2001",
      "10:3 2015",
      "11:28 2011",
      "12:13 2007",
      "12:28 2008",
      "13:3 2020",
      "17:14 2028",
    ]);
  });
});

describe("checker details", () => {
  const wrap = (body: string, top = ""): string => `import type { i32, i16 } from "./types.ts";
${top}
export interface P {
  n: i32;
}

export function k(p: P, a: Int32Array, b: Int8Array): void {
${body}
}
`;
  const codes = (src: string): number[] => check(src, "detail.ts").map((d) => d.code);

  it("rejects decimal literals above 2^31-1 (TypeScript would keep them unwrapped)", () => {
    expect(codes(wrap("  a[0] = 2147483648;"))).toEqual([2023]);
    expect(codes(wrap("  a[0] = 3000000000 + p.n;"))).toEqual([2023]);
    expect(codes(wrap("  a[0] = 2147483647;"))).toEqual([]);
    expect(codes(wrap("  a[0] = -2147483648;"))).toEqual([]);
    expect(codes(wrap("  a[0] = -2147483649;"))).toEqual([2023]);
  });

  it("accepts hex literals up to 0xFFFFFFFF as bit patterns", () => {
    expect(codes(wrap("  a[0] = 0xFFFFFFFF & p.n;"))).toEqual([]);
    expect(codes(wrap("  a[0] = 0x100000000;"))).toEqual([2023]);
  });

  it("applies the same literal range to top-level constants", () => {
    expect(codes(wrap("  a[0] = BIG;", "const BIG: i32 = 2147483648;"))).toEqual([2023, 2026]);
    expect(codes(wrap("  a[0] = MASK;", "const MASK: i32 = 0xFFFFFFFF;"))).toEqual([]);
    expect(codes(wrap("  a[0] = LOW;", "const LOW: i32 = -2147483648;"))).toEqual([]);
  });

  it("names compound assignments it does not support", () => {
    expect(check(wrap("  let x: i32 = p.n;\n  x %= 3;\n  a[0] = x;"), "c.ts").map((d) => [d.code, d.message]))
      .toEqual([[2022, "unsupported syntax: compound assignment '%='"]]);
    expect(codes(wrap("  let x: i32 = p.n;\n  x /= 3;\n  a[0] = x;"))).toEqual([2008]);
  });

  it("reports a mistake once, without follow-on errors", () => {
    // 'var' is still declared; '==' is still a comparison; a 'number' parameter is still bound.
    expect(codes(wrap("  var x: i32 = p.n;\n  a[0] = x;"))).toEqual([2015]);
    expect(codes(wrap("  if (p.n == 1) a[0] = 1;"))).toEqual([2007]);
    const src = `import type { i32 } from "./types.ts";
export function f(x: number, a: Int32Array): void {
  a[0] = x;
}
`;
    expect(codes(src)).toEqual([2021]);
  });

  it("rejects narrowing into a narrow local unless it is explicit", () => {
    expect(codes(wrap("  let s: i16 = a[0];\n  a[1] = s;"))).toEqual([2012]);
    expect(codes(wrap("  let s: i16 = b[0];\n  a[1] = s;"))).toEqual([]);
    expect(codes(wrap("  let s: i16 = 1;\n  s += 1;\n  a[1] = s;"))).toEqual([2012]);
    // A narrow local that fits may be copied into another.
    expect(codes(wrap("  const s: i16 = b[0];\n  let t: i16 = s;\n  t = s;\n  a[1] = t;"))).toEqual([]);
  });

  it("rejects narrowing into a narrow parameter unless it is explicit (TypeScript would pass it unwrapped)", () => {
    const g = "function g(x: i16): i32 {\n  return x;\n}\n";
    expect(codes(wrap("  a[0] = g(40000);\n  a[1] = g(a[2]);", g))).toEqual([2012, 2012]);
    expect(codes(wrap("  const s: i16 = b[0];\n  a[0] = g(-5) + g(b[1]) + g(s);", g))).toEqual([]);
  });

  it("rejects a void call used as a value in arithmetic or a comparison", () => {
    const f = "function f(a: Int32Array): void {\n  a[0] = 1;\n}\n";
    const messages = (body: string): string[] => check(wrap(body, f), "void.ts").map((d) => `${d.code} ${d.message}`);
    expect(messages("  a[0] = -f(a);")).toEqual(["2027 mismatched types: negating a void call"]);
    expect(messages("  a[0] = f(a) === f(a) ? 1 : 0;")).toEqual(["2027 mismatched types: a void call has no value"]);
    expect(messages("  a[0] = a[1] + f(a);")).toEqual(["2027 mismatched types: a void call has no value"]);
  });

  it("rejects a conditional whose branches are void calls", () => {
    const src = `import type { i32 } from "./types.ts";
function f(a: Int32Array): void {
  a[0] = 1;
}
export function k(n: i32, a: Int32Array): void {
  const x = n > 0 ? f(a) : f(a);
}
`;
    expect(check(src, "void.ts").map((d) => [d.code, d.line, d.message])).toEqual([[2027, 6, "mismatched types: branches are void and void"]]);
  });

  it("rejects mutual recursion across functions", () => {
    const src = `import type { i32 } from "./types.ts";
function even(n: i32): boolean {
  return n === 0 ? true : odd(n - 1);
}
function odd(n: i32): boolean {
  return n === 0 ? false : even(n - 1);
}
export function k(a: Int32Array): void {
  a[0] = even(4) ? 1 : 0;
}
`;
    const d = check(src, "rec.ts");
    expect(d.map((x) => [x.code, x.line, x.message])).toEqual([[2005, 2, "recursion is not allowed: even -> odd -> even"]]);
  });
});
