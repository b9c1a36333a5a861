/**
 * @fileoverview Property tests: the three intrinsic implementations agree bit for bit, and with
 * the BigInt oracle, over random edge-biased arguments and a deterministic grid of edge values.
 *
 * TypeScript (kernels/intrinsics.ts) and WASM (compiler/emit/wasm/intrinsics.ts, unoptimized and
 * after binaryen's optimizer) are compared in-process with fast-check (so failures shrink). The
 * C header is compared in one batch: the cases are embedded in a generated C program, compiled
 * once with host gcc (and once more under UBSan, so any undefined behaviour on these inputs
 * fails the test), and its printed results compared. Seed: MOTE_FC_SEED (default fixed).
 * Random case counts: 40 % in npm test, in full in test:full (agreement.full.test.ts runs this
 * file; caseCount), the edge grids whole in both.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { INTRINSICS } from "../../compiler/ir/intrinsics.ts";
import { needTools } from "../support/shared.ts";
import { caseCount } from "../kernels/differential/agree.ts";
import { ACC_EDGES, argsArb, type Case, DSP_WORDS, EDGES, INT32_MAX, INT32_MIN, ORACLE, runC, SHIFT_ARGS, ubsanFlags, wasmIntrinsics } from "./harness.ts";

const gcc = needTools("gcc");

const SEED = Number(process.env.MOTE_FC_SEED ?? 20240611);
const NAMES = [...INTRINSICS.keys()];
const ORACLE_RUNS = caseCount(20000);
const WASM_RUNS = caseCount(10000);
const C_RUNS = caseCount(3000);

/** Multipliers for the mbqm grid: edges plus typical QuantizeMultiplier outputs. */
const MULTIPLIER_EDGES = [INT32_MIN, INT32_MIN + 1, -1, 0, 1, 1 << 30, (1 << 30) + 1, 1518500250, 1717986918, INT32_MAX];

/** Every combination of edge values (shift arguments: every count in their domain). */
function edgeGrid(name: string): number[][] {
  const info = INTRINSICS.get(name)!;
  const shifts = SHIFT_ARGS[name] ?? {};
  let rows: number[][] = [[]];
  for (let i = 0; i < info.arity; i++) {
    const range = shifts[i];
    const values = range ? Array.from({ length: range[1] - range[0] + 1 }, (_, k) => range[0] + k)
      : name === "mbqm" && i === 1 ? MULTIPLIER_EDGES
      : name.startsWith("smlad") ? (i === 2 ? ACC_EDGES : DSP_WORDS) : name.startsWith("pkh") ? DSP_WORDS : EDGES;
    rows = rows.flatMap((r) => values.map((v) => [...r, v]));
  }
  return rows;
}

/** Random cases (fixed seed) plus the edge grid (for mbqm, a slice of it). */
function casesFor(name: string, randomCount: number): Case[] {
  const random = fc.sample(argsArb(name), { numRuns: randomCount, seed: SEED + name.length });
  const grid = edgeGrid(name);
  const keep = INTRINSICS.get(name)!.arity <= 2 ? grid : grid.filter((_, i) => i % 7 === 0);
  return [...random, ...keep].map((args) => ({ name, args }));
}

const show = (c: Case): string => `${c.name}(${c.args.join(", ")})`;

describe("intrinsics: TypeScript == BigInt oracle", () => {
  for (const name of NAMES) {
    it(name, () => {
      const ts = INTRINSICS.get(name)!.ts;
      fc.assert(fc.property(argsArb(name), (args) => ts(...args) === ORACLE[name](...args)),
        { numRuns: ORACLE_RUNS, seed: SEED });
      for (const args of edgeGrid(name)) expect(ts(...args), `${name}(${args})`).toBe(ORACLE[name](...args));
    });
  }
});

describe("intrinsics: TypeScript == WASM", () => {
  for (const optimize of [false, true]) {
    for (const name of NAMES) {
      it(`${name}${optimize ? " (optimized)" : ""}`, () => {
        const wasm = wasmIntrinsics(optimize)[name];
        const ts = INTRINSICS.get(name)!.ts;
        fc.assert(fc.property(argsArb(name), (args) => wasm(...args) === ts(...args)),
          { numRuns: WASM_RUNS, seed: SEED });
        for (const args of edgeGrid(name)) expect(wasm(...args), `${name}(${args})`).toBe(ts(...args));
      });
    }
  }
});

describe.skipIf(gcc.skip)("intrinsics: TypeScript == C (host gcc)", () => {
  let cases: Case[] = [];
  beforeAll(() => {
    cases = NAMES.flatMap((n) => casesFor(n, C_RUNS));
  });

  const compare = (got: number[]): void => {
    const bad = cases.map((c, i) => ({ c, got: got[i], want: INTRINSICS.get(c.name)!.ts(...c.args) }))
      .filter((r) => r.got !== r.want);
    expect(bad.slice(0, 10).map((r) => `${show(r.c)}: C ${r.got}, TS ${r.want}`)).toEqual([]);
  };

  it("gcc -O2 over random and edge cases of every intrinsic", () => {
    expect(cases.length).toBeGreaterThan(NAMES.length * C_RUNS);
    compare(runC(cases));
  });

  it.skipIf(gcc.skip || ubsanFlags().length === 0)("gcc -O1 -fsanitize=undefined: no undefined behaviour, same results", () => {
    compare(runC(cases, [...ubsanFlags(), "-O1"]));
  });
});
