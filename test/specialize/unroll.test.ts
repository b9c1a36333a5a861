/**
 * @fileoverview Loop unrolling during specialization (compiler/specialize/unroll.ts): small
 * kernels written into a temporary directory are lowered and specialized, and the KIR inspected
 * (which loops went, how many copies, unique local names), then every specialized function is run
 * as WASM against the TypeScript kernel itself on random records and inputs.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { KFunction, Stmt } from "../../compiler/ir/kir.ts";
import { forEachStmt } from "../../compiler/ir/walk.ts";
import { specialize } from "../../compiler/specialize/specialize.ts";
import { MAX_TRIPS, MAX_UNROLLED_STATEMENTS } from "../../compiler/specialize/unroll.ts";
import { KERNEL_HEAD as HEAD, KernelDir, stmts } from "../subset/kernel-dir.ts";
import { instantiate } from "../emit/wasm/harness.ts";

const kd = new KernelDir();
afterAll(() => kd.remove());

/** Statements per iteration of `wide`: one more than fits MAX_TRIPS times in the budget. */
const WIDE = Math.floor(MAX_UNROLLED_STATEMENTS / MAX_TRIPS) + 1;

const KERNEL = `${HEAD}export interface UP {
  n: i32;
  h: i32;
  w: i32;
  m: i32;
  s: i32;
}
/** A counted loop with a local in its body. */
export function simple(p: UP, a: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < p.n; i++) {
    const t: i32 = (a[i] + 1) | 0;
    out[i] = Math.imul(t, t);
  }
}
/** A tap nest: locals in both bodies, an if, an accumulator carried across iterations. */
export function taps(p: UP, a: Int32Array, out: Int32Array): void {
  let acc: i32 = 0;
  for (let y: i32 = 0; y < p.h; y++) {
    const row: i32 = y * p.w;
    for (let x: i32 = 0; x < p.w; x++) {
      const v: i32 = a[row + x];
      if (v > 0) {
        acc = (acc + Math.imul(v, y + 1)) | 0;
      } else {
        acc = (acc - x) | 0;
      }
    }
  }
  out[0] = acc;
}
/** Four at a time, then one at a time, on a variable declared before the loops (read after them). */
export function blocked(p: UP, a: Int32Array, out: Int32Array): void {
  let k: i32 = 0;
  while (k + 4 <= p.m) {
    const base: i32 = k;
    out[base] = a[base] * 2;
    out[base + 1] = a[base + 1] * 3;
    out[base + 2] = a[base + 2] * 4;
    out[base + 3] = a[base + 3] * 5;
    k += 4;
  }
  while (k < p.m) {
    out[k] = (a[k] - 1) | 0;
    k++;
  }
  out[40] = k;
}
/** A counter whose start comes from an if: known when both branches agree. */
export function branches(p: UP, a: Int32Array, out: Int32Array): void {
  let k: i32 = 0;
  if (a[0] > 0) {
    k = 2;
  } else {
    k = p.s;
  }
  while (k < p.n) {
    out[k] = a[k];
    k++;
  }
}
/** Downward, with a step from the record, an outer counter assigned in the body. */
export function strided(p: UP, a: Int32Array, out: Int32Array): void {
  let j: i32 = 0;
  for (let i: i32 = p.n - 1; i >= 0; i -= p.s) {
    out[j] = a[i];
    j++;
  }
  out[40] = j;
}
/** The loop assigns its own variable: stays a loop. */
export function skips(p: UP, a: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < p.n; i++) {
    out[i] = a[i];
    if (a[i] < 0) {
      i++;
    }
  }
}
/** break: stays a loop. */
export function breaks(p: UP, a: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < p.n; i++) {
    if (a[i] === 0) {
      break;
    }
    out[i] = a[i];
  }
}
/** continue: stays a loop. */
export function continues(p: UP, a: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < p.n; i++) {
    if (a[i] < 0) {
      continue;
    }
    out[i] = a[i];
  }
}
/** A bound read from the data: stays a loop. */
export function dataBound(p: UP, a: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < a[0] && i < p.n; i++) {
    out[i + 1] = i;
  }
}
/** return inside an unrolled loop: each copy returns as the loop did. */
export function returns(p: UP, a: Int32Array, out: Int32Array): i32 {
  for (let i: i32 = 0; i < p.n; i++) {
    if (a[i] === 7) {
      return i;
    }
    out[i] = 1;
  }
  return -1;
}
/**
 * The \`@unroll\` tag: its \`for (let\` loops of up to 12 trips unroll at any body size; the while
 * loop (counter declared outside) keeps the usual limits.
 * @unroll 12
 */
export function forced(p: UP, a: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < p.n; i++) {
${Array.from({ length: WIDE }, (_, k) => `    out[${k} * 12 + i] = a[i] + ${k};`).join("\n")}
  }
  let k: i32 = 0;
  while (k < p.m) {
${Array.from({ length: WIDE }, (_, q) => `    out[${q} * 12 + k] = (out[${q} * 12 + k] + a[k]) | 0;`).join("\n")}
    k++;
  }
}
/** ${WIDE} statements per iteration. */
export function wide(p: UP, a: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < p.n; i++) {
${Array.from({ length: WIDE }, (_, k) => `    out[${k} * 8 + i] = a[i] + ${k};`).join("\n")}
  }
}
`;

const FUNCTIONS = ["simple", "taps", "blocked", "branches", "strided", "skips", "breaks", "continues", "dataBound", "returns", "wide", "forced"] as const;
type Rec = { n: number; h: number; w: number; m: number; s: number };
const REC: Rec = { n: 3, h: 3, w: 3, m: 8, s: 1 };

const file = kd.write("unroll.ts", KERNEL);
const module = kd.lower({ "unroll.ts": KERNEL }).module;
let counter = 0;
const spec = (name: string, rec: Partial<Rec> = {}): KFunction => {
  const fns = specialize(module, name, { ...REC, ...rec }, `${name}_s${counter++}`);
  expect(fns).toHaveLength(1);
  return fns[0];
};
const loops = (f: KFunction): number => stmts(f, "for").length;
const letNames = (f: KFunction): string[] => {
  const out: string[] = [];
  forEachStmt(f.body, (s) => { if (s.k === "let") out.push(s.name); });
  return out;
};

describe("unrolling during specialization", () => {
  it.each([0, 1, 3, MAX_TRIPS])("unrolls a loop of %i iterations into that many copies", (n) => {
    const f = spec("simple", { n });
    expect(loops(f)).toBe(0);
    expect(stmts(f, "store")).toHaveLength(n);
    if (n === 0) expect(f.body).toEqual([]);
    // The induction variable is gone; each copy's local has its own name.
    expect(letNames(f).sort()).toEqual(Array.from({ length: n }, (_, k) => (k === 0 ? "t" : `t_i${k}`)).sort());
    const indices = stmts(f, "store").map((s) => (s as Extract<Stmt, { k: "store" }>).index);
    expect(indices).toEqual(Array.from({ length: n }, (_, k) => ({ k: "const", type: "i32", value: k })));
  });

  it(`keeps a loop of ${MAX_TRIPS + 1} iterations`, () => {
    const f = spec("simple", { n: MAX_TRIPS + 1 });
    expect(loops(f)).toBe(1);
    expect(letNames(f).sort()).toEqual(["i", "t"]);
  });

  it("keeps a loop whose unrolled body would exceed the statement budget, and unrolls it below", () => {
    expect(loops(spec("wide", { n: MAX_TRIPS }))).toBe(1);
    const fits = Math.floor(MAX_UNROLLED_STATEMENTS / WIDE);
    const f = spec("wide", { n: fits });
    expect(loops(f)).toBe(0);
    expect(stmts(f, "store")).toHaveLength(fits * WIDE);
    // A loop that runs once becomes its body whatever its size.
    expect(loops(spec("wide", { n: 1 }))).toBe(0);
  });

  it("unrolls nested loops, giving every copy's locals unique names", () => {
    const f = spec("taps", { h: 3, w: 3 });
    expect(loops(f)).toBe(0);
    expect(stmts(f, "if")).toHaveLength(9);
    const names = letNames(f);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.startsWith("v"))).toHaveLength(9);
    // Inner loop too long: it stays, three times, inside the unrolled outer loop.
    const g = spec("taps", { h: 3, w: MAX_TRIPS + 1 });
    expect(loops(g)).toBe(3);
    const gNames = letNames(g);
    expect(new Set(gNames).size).toBe(gNames.length);
  });

  it("follows a counter declared before the loop: unrolls the rest loop, drops an empty one", () => {
    // 8 = two blocks of four (unrolled), nothing left: the second loop vanishes.
    expect(loops(spec("blocked", { m: 8 }))).toBe(0);
    // 40 = ten blocks (stays a loop, ending at k = 40), then nothing: the second loop vanishes.
    expect(loops(spec("blocked", { m: 40 }))).toBe(1);
    // 38 = nine blocks (a loop), then two single steps, unrolled.
    const f = spec("blocked", { m: 38 });
    expect(loops(f)).toBe(1);
    expect(stmts(f, "store")).toHaveLength(4 + 2 + 1);
  });

  it("knows a counter after an if only when both branches agree on it", () => {
    expect(loops(spec("branches", { n: 5, s: 2 }))).toBe(0);
    expect(loops(spec("branches", { n: 5, s: 1 }))).toBe(1);
  });

  it("unrolls downward loops with a step from the record", () => {
    expect(loops(spec("strided", { n: 7, s: 2 }))).toBe(0);
    expect(loops(spec("strided", { n: 30, s: 3 }))).toBe(1);
  });

  it("unrolls a @unroll N function's for-let loops of at most N trips whatever their size, and only those", () => {
    const f = spec("forced", { n: 12, m: MAX_TRIPS });
    expect(f.unroll).toBe(12);
    expect(loops(f)).toBe(1);
    expect(stmts(f, "store")).toHaveLength(12 * WIDE + WIDE);
    expect(loops(spec("forced", { n: 13, m: 1 }))).toBe(1);
    expect(loops(spec("forced", { n: 3, m: 1 }))).toBe(0);
  });

  it("keeps loops that assign their variable, break, continue or have a bound that is not constant", () => {
    for (const name of ["skips", "breaks", "continues", "dataBound"]) expect(loops(spec(name, { n: 3 })), name).toBe(1);
  });

  it("unrolls a loop that returns from inside", () => {
    const f = spec("returns", { n: 3 });
    expect(loops(f)).toBe(0);
    expect(stmts(f, "return")).toHaveLength(4);
  });

  it("computes what the TypeScript kernel computes (WASM, random records and inputs)", async () => {
    const ts = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, (p: Rec, a: Int32Array, out: Int32Array) => number | void>;
    let seed = 12345;
    const rand = (lo: number, hi: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return lo + (seed % (hi - lo + 1));
    };
    const A = 0;
    const OUT = 1024;
    for (let round = 0; round < 40; round++) {
      const rec: Rec = { n: rand(0, 10), h: rand(0, 4), w: rand(0, 4), m: rand(0, 13), s: rand(1, 3) };
      for (const name of FUNCTIONS) {
        const f = spec(name, rec);
        for (const optimize of [false, true]) {
          const inst = instantiate([f], [], optimize);
          const a = Int32Array.from({ length: 128 }, () => (rand(0, 3) === 0 ? rand(0, 1) * 7 : rand(-50, 50)));
          const want = new Int32Array(128);
          const wantRet = ts[name](rec, a, want);
          new Int32Array(inst.memory.buffer, A, 128).set(a);
          new Int32Array(inst.memory.buffer, OUT, 128).fill(0);
          const got = inst.f[f.name](A, OUT);
          const where = `${name} ${JSON.stringify(rec)} optimize=${optimize}`;
          expect([...new Int32Array(inst.memory.buffer, OUT, 128)], where).toEqual([...want]);
          if (wantRet !== undefined) expect(got, where).toBe(wantRet);
        }
      }
    }
  });
});
