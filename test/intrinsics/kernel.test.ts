/**
 * @fileoverview The DSP intrinsics and ld32/st32 end to end: a subset kernel that calls them
 * (test/fixtures/dsp/dsp_kernel.ts) is lowered by the real front end, verified, and run as
 * TypeScript (the reference), as WASM and as C on the host and on the Cortex-M7 in QEMU, each
 * both as lowered and after the specializer's unroll-and-fold; every result and every output byte
 * must agree. Arrays start at odd addresses and words are read at odd offsets (unaligned).
 * The M7 image must contain SMLAD, SMLADX, SXTB16 (both forms), SXTAB16, PKHBT, PKHTB, word
 * loads in the SMLAD loop, and no call for any of them (SPEED.md §1: gcc asks for none itself).
 * Under CI=true a missing gcc, ARM toolchain or QEMU fails instead of skipping.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emitFunction } from "../../compiler/emit/c/function.ts";
import type { KFunction } from "../../compiler/ir/kir.ts";
import { verifyModule } from "../../compiler/ir/verify.ts";
import { unrollAndFold } from "../../compiler/specialize/unroll.ts";
import { buildProgram } from "../../compiler/subset/program.ts";
import { formatSubsetDiagnostic } from "../../compiler/subset/source.ts";
import * as K from "../fixtures/dsp/dsp_kernel.ts";
import { instantiate } from "../emit/wasm/harness.ts";
import { needTools } from "../support/shared.ts";
import { headerPath, QEMU_PRELUDE, repoRoot, runHostProgram, runQemuProgram } from "./harness.ts";

const gcc = needTools("gcc");
const armGcc = needTools("arm-none-eabi-gcc");
const qemu = needTools("qemu-system-arm");

const FIXTURE = path.join(repoRoot, "test/fixtures/dsp/dsp_kernel.ts");
const A_LEN = 96;
const OUT_LEN = 160;

/** Inputs: random bytes with the edges -128, 127, -1, 0 sprinkled in (fixed seed). */
const edgeBytes = fc.oneof(fc.constantFrom(-128, 127, -1, 0, 1), fc.integer({ min: -128, max: 127 }));
const A = Int8Array.from(fc.sample(edgeBytes, { numRuns: A_LEN, seed: 11 }));
const B = Int8Array.from(fc.sample(edgeBytes, { numRuns: A_LEN, seed: 12 }));

/** What runs, in order: dot4 calls (start, n), then mix and copy16 into one output array. */
const DOTS: [number, number][] = [[0, 64], [1, 64], [3, 32], [2, 0], [5, 88]];
const MIX = { off: 3, words: 2 };
const COPY = { from: 7, to: 101 };

/** The results as the TypeScript kernel computes them: dot values, then every byte of out. */
function reference(): number[] {
  const out = new Int8Array(OUT_LEN);
  const dots = DOTS.map(([s, n]) => K.dot4(A, B, s, n));
  K.mix(A, out, MIX.off, MIX.words);
  K.copy16(A, out, COPY.from, COPY.to);
  return [...dots, ...out];
}

function lowered(): KFunction[] {
  const prog = buildProgram([FIXTURE]);
  expect(prog.diagnostics.map(formatSubsetDiagnostic)).toEqual([]);
  verifyModule(prog.module, { stage: "lower" });
  return [...prog.module.functions.values()];
}

const VARIANTS = [
  { name: "as lowered", fns: (): KFunction[] => lowered() },
  { name: "unrolled and folded", fns: (): KFunction[] => lowered().map(unrollAndFold) },
];

/** One C program running the plan and printing one number per line; `prelude` follows the includes. */
function cProgram(fns: KFunction[], prelude = ""): string {
  const bytes = (v: Int8Array): string => [...v].join(", ");
  // noinline: so the disassembly has each kernel as its own function.
  const bodies = fns.map((f) => emitFunction(f).replace(/^static /m, "__attribute__((noinline)) static "));
  const kir = (n: string): string => fns.find((f) => f.name === n || f.name.endsWith(`_${n}`))!.name;
  return [
    "#include <stdint.h>", "#include <stdio.h>", `#include "${headerPath}"`, prelude,
    // Odd base addresses: every word access below is unaligned somewhere.
    `static int8_t abuf[${A_LEN + 1}] = { 0, ${bytes(A)} };`,
    `static int8_t bbuf[${A_LEN + 3}] = { 0, 0, 0, ${bytes(B)} };`,
    `static int8_t obuf[${OUT_LEN + 2}];`,
    ...bodies,
    "int main(void) {",
    "  const int8_t *a = abuf + 1, *b = bbuf + 3;",
    "  int8_t *out = obuf + 2;",
    ...DOTS.map(([s, n]) => `  printf("%ld\\n", (long)${kir("dot4")}(a, b, ${s}, ${n}));`),
    `  ${kir("mix")}(a, out, ${MIX.off}, ${MIX.words});`,
    `  ${kir("copy16")}(a, out, ${COPY.from}, ${COPY.to});`,
    `  for (int i = 0; i < ${OUT_LEN}; i++) printf("%d\\n", out[i]);`,
    "  fflush(stdout);", "  return 0;", "}",
  ].join("\n") + "\n";
}

const numbers = (stdout: string): number[] => stdout.trim().split("\n").map(Number);

describe("a subset kernel using the DSP intrinsics and ld32/st32", () => {
  const want = reference();

  it("the TypeScript reference is what the intrinsics' definitions say", () => {
    // dot4 is a plain dot product, whatever the SIMD spelling.
    for (const [s, n] of DOTS) {
      let d = 0;
      for (let i = s; i < s + n; i++) d += A[i] * B[i];
      expect(K.dot4(A, B, s, n)).toBe(d);
    }
    expect(want.slice(DOTS.length + COPY.to, DOTS.length + COPY.to + 16)).toEqual([...A.slice(COPY.from, COPY.from + 16)]);
  });

  it("lowers to ld32/st32 KIR and intrinsic calls, and unrolls copy16", () => {
    const text = JSON.stringify(lowered());
    for (const k of ['"k":"ld32"', '"k":"st32"', '"name":"smlad"', '"name":"sxtb16r8"', '"name":"pkhtb"']) expect(text).toContain(k);
    const copy = lowered().map(unrollAndFold).find((f) => f.name.endsWith("copy16"))!;
    expect(copy.body.map((s) => s.k)).toEqual(["st32", "st32", "st32", "st32"]);
  });

  for (const v of VARIANTS) {
    for (const optimize of [false, true]) {
      it(`WASM (${v.name}${optimize ? ", optimized" : ""}) == TypeScript`, () => {
        const fns = v.fns();
        const inst = instantiate(fns, [], optimize);
        const mem = new Int8Array(inst.memory.buffer);
        const [pa, pb, po] = [1001, 2003, 3005]; // odd addresses
        mem.set(A, pa);
        mem.set(B, pb);
        mem.fill(0, po, po + OUT_LEN);
        const call = (n: string, ...args: number[]): number => {
          const name = fns.find((f) => f.name === n || f.name.endsWith(`_${n}`))!.name;
          return inst.f[name](...args) as number;
        };
        const dots = DOTS.map(([s, n]) => call("dot4", pa, pb, s, n));
        call("mix", pa, po, MIX.off, MIX.words);
        call("copy16", pa, po, COPY.from, COPY.to);
        expect([...dots, ...mem.slice(po, po + OUT_LEN)]).toEqual(want);
      });
    }

    it.skipIf(gcc.skip)(`host C (${v.name}) == TypeScript`, () => {
      expect(numbers(runHostProgram(cProgram(v.fns())))).toEqual(want);
    });

    it.skipIf(armGcc.skip || qemu.skip)(`C on the Cortex-M7 in QEMU (${v.name}) == TypeScript; the DSP instructions, no calls`, () => {
      let asm = "";
      const out = runQemuProgram(cProgram(v.fns(), QEMU_PRELUDE), (elf) => {
        asm = execFileSync("arm-none-eabi-objdump", ["-d", "--no-show-raw-insn", elf], { maxBuffer: 1 << 28 }).toString();
      });
      expect(numbers(out)).toEqual(want);
      const fn = (name: string): string => {
        const m = new RegExp(`^[0-9a-f]+ <(\\w*${name}[\\w.]*)>:\\n([\\s\\S]*?)(?=\\n\\n|\\n[0-9a-f]+ <)`, "m").exec(asm);
        expect(m, `${name} in the disassembly`).not.toBeNull();
        return m![2];
      };
      const dot = fn("dot4");
      expect(dot.match(/\tsmlad\t/g)?.length).toBe(2);
      expect(dot.match(/\tsxtb16\t[^\n]*ror #8/g)?.length).toBe(2);
      expect(dot.match(/\tsxtb16\t/g)?.length).toBe(4);
      expect(dot).toMatch(/\tldr(\.w)?\t/);
      expect(dot).not.toMatch(/\tldr(s)?b/); // words, not bytes
      const mix = fn("mix");
      for (const insn of ["smladx", "sxtab16", "pkhbt", "pkhtb", "smlad", "smlal"]) expect(mix, insn).toMatch(new RegExp(`\\t${insn}\\t`));
      for (const body of [dot, mix, fn("copy16")]) expect(body).not.toMatch(/\tbl?x?\t[^\n]*<(mote_|memcpy|__aeabi)/);
    });
  }
});
