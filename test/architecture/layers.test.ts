/**
 * @fileoverview The layout rules of docs/architecture.md, checked on the source tree:
 *  - compiler/ is layered; a file imports only from its own folder or a lower layer (LAYERS);
 *  - the IR, specialize, plan, build and emit folders never import ts-morph or the subset front
 *    end (the heavy TypeScript parser stays at the top, behind compiler/pipeline.ts);
 *  - only compiler/emit/wasm/ imports binaryen; kernels/ and runtime/ import nothing from compiler/;
 *  - the inference server lives in server/: no file under compiler/ imports http (or net, https),
 *    and only compiler/cli/ (the `mote serve` command) imports from server/;
 *  - no source file under compiler/, kernels/ or server/ is over MAX_LINES lines.
 * Imports are read with a regex over `from "..."` and `import("...")`, which is enough for our
 * own code (a failure names the file and the import).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../compiler/paths.ts";

/** Layer rank of each top-level entry of compiler/ (lower imports nothing higher). */
const LAYERS: Record<string, number> = {
  "diagnostics.ts": 0, "paths.ts": 0, "files.ts": 1,
  ir: 1,
  import: 2, subset: 2, ops: 2, inputs: 2,
  specialize: 3, plan: 3, quantize: 3,
  build: 4,
  emit: 5,
  "pipeline.ts": 6, toolchain: 6,
  run: 7,
  report: 8, profile: 8,
  bench: 9,
  compare: 10,
  cli: 11,
};

/** Folders that must stay free of the TypeScript parser (and so of the subset front end). */
const NO_TS_MORPH = ["ir", "specialize", "plan", "build", "emit"];

const MAX_LINES = 600;
/** Files known to be over MAX_LINES, each with the change that removes it (the list only shrinks). */
const OVER_LIMIT_PENDING = new Set<string>([]);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith(".ts")) out.push(rel);
  }
  return out.sort();
}

function importsOf(file: string): string[] {
  const src = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
  return [...src.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]);
}

/** `compiler/<top>/...` -> top (a folder or a root file); undefined outside compiler/. */
function topOf(repoPath: string): string | undefined {
  const parts = repoPath.split(path.sep);
  return parts[0] === "compiler" ? parts[1] : undefined;
}

const COMPILER = sources("compiler");

describe("compiler layers", () => {
  it("every top-level entry of compiler/ has a layer", () => {
    const tops = [...new Set(COMPILER.map((f) => topOf(f)!))];
    expect(tops.filter((t) => LAYERS[t] === undefined)).toEqual([]);
  });

  it("no import runs from a lower layer up to a higher one", () => {
    const bad: string[] = [];
    for (const file of COMPILER) {
      const from = topOf(file)!;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const to = topOf(path.normalize(path.join(path.dirname(file), spec)));
        if (to === undefined || to === from) continue;
        if (LAYERS[to] >= LAYERS[from]) bad.push(`${file} (${from}, layer ${LAYERS[from]}) imports ${spec} (${to}, layer ${LAYERS[to]})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it(`${NO_TS_MORPH.join(", ")} import neither ts-morph nor the subset front end`, () => {
    const bad: string[] = [];
    for (const file of COMPILER.filter((f) => NO_TS_MORPH.includes(topOf(f)!))) {
      for (const spec of importsOf(file)) {
        const resolved = spec.startsWith(".") ? path.normalize(path.join(path.dirname(file), spec)) : spec;
        if (spec === "ts-morph" || spec === "typescript" || topOf(resolved) === "subset" || resolved === path.join("compiler", "pipeline.ts")) {
          bad.push(`${file} imports ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("only compiler/emit/wasm/ imports binaryen", () => {
    const bad = COMPILER.filter((f) => importsOf(f).includes("binaryen") && !f.startsWith(path.join("compiler", "emit", "wasm")));
    expect(bad).toEqual([]);
  });

  it("kernels/ and runtime/ import nothing from compiler/", () => {
    const bad = [...sources("kernels"), ...sources("runtime")].flatMap((f) =>
      importsOf(f).filter((s) => path.normalize(path.join(path.dirname(f), s)).startsWith("compiler")).map((s) => `${f} imports ${s}`));
    expect(bad).toEqual([]);
  });
});

describe("server/", () => {
  it("no file under compiler/ imports http, https or net", () => {
    const bad = COMPILER.flatMap((f) => importsOf(f).filter((s) => /^(node:)?(http|https|http2|net)$/.test(s)).map((s) => `${f} imports ${s}`));
    expect(bad).toEqual([]);
  });

  it("only compiler/cli/ imports from server/", () => {
    const bad = COMPILER.filter((f) => topOf(f) !== "cli").flatMap((f) =>
      importsOf(f).filter((s) => s.startsWith(".") && path.normalize(path.join(path.dirname(f), s)).startsWith(`server${path.sep}`)).map((s) => `${f} imports ${s}`));
    expect(bad).toEqual([]);
  });
});

describe("file size", () => {
  it(`no file under compiler/, kernels/ or server/ is over ${MAX_LINES} lines`, () => {
    const long = [...COMPILER, ...sources("kernels"), ...sources("server")].flatMap((f) => {
      const lines = fs.readFileSync(path.join(REPO_ROOT, f), "utf8").split("\n").length - 1;
      return lines > MAX_LINES ? [`${f}: ${lines} lines`] : [];
    });
    expect(long.filter((l) => !OVER_LIMIT_PENDING.has(l.split(":")[0]))).toEqual([]);
    // A pending file that got short (or went away) must leave the list.
    expect([...OVER_LIMIT_PENDING].filter((f) => !long.some((l) => l.startsWith(`${f}:`)))).toEqual([]);
  });
});
