/**
 * @fileoverview runtime/mote_intrinsics.h on Cortex-M7: it compiles warning-free with the
 * firmware flags (where __ARM_FEATURE_DSP/SAT select the SSAT paths), and, when QEMU is
 * installed, a batch of vectors and random cases runs on the simulated mps2-an500 and matches
 * the TypeScript reference. Skips with a message when the ARM toolchain or QEMU is absent.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INTRINSICS } from "../../compiler/ir/intrinsics.ts";
import { needTools } from "../support/shared.ts";
import { ARM_FLAGS, argsArb, baseName, type Case, EDGES, headerPath, runQemu } from "./harness.ts";

const armGcc = needTools("arm-none-eabi-gcc");
const qemu = needTools("qemu-system-arm");

/** One exported function per intrinsic, so nothing is folded away. */
function tinyProgram(): string {
  const fns = [...INTRINSICS.values()].map((info) => {
    const params = Array.from({ length: info.arity }, (_, i) => `int32_t a${i}`).join(", ");
    const args = Array.from({ length: info.arity }, (_, i) => `a${i}`).join(", ");
    return `int32_t use_${info.name}(${params});\nint32_t use_${info.name}(${params}) { return ${info.c}(${args}); }`;
  });
  // PKHBT/PKHTB with a literal shift (the kernels' case): the instruction, not the portable C.
  for (const [name, sh] of [["pkhbt", 16], ["pkhbt", 0], ["pkhtb", 16], ["pkhtb", 0]] as const) {
    const f = `use_${name}_${sh}`;
    fns.push(`int32_t ${f}(int32_t a, int32_t b);\nint32_t ${f}(int32_t a, int32_t b) { return mote_${name}(a, b, ${sh}); }`);
  }
  fns.push("int32_t use_ld32(const int8_t *a, int32_t i);\nint32_t use_ld32(const int8_t *a, int32_t i) { return mote_ld32(a, i); }");
  fns.push("void use_st32(int8_t *a, int32_t i, int32_t v);\nvoid use_st32(int8_t *a, int32_t i, int32_t v) { mote_st32(a, i, v); }");
  fns.push("void use_ld2(const int32_t *a, int32_t i, int32_t *lo, int32_t *hi);\n" +
    "void use_ld2(const int32_t *a, int32_t i, int32_t *lo, int32_t *hi) { mote_ld2(a, i, lo, hi); }");
  return [`#include "${headerPath}"`, ...fns].join("\n") + "\n";
}

describe.skipIf(armGcc.skip)("intrinsics on Cortex-M7 (arm-none-eabi-gcc)", () => {
  it("header compiles with -Wall -Wextra -Werror, with SSAT for the clamps", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mote-intrinsics-arm-"));
    try {
      const src = path.join(dir, "tiny.c");
      writeFileSync(src, tinyProgram());
      for (const std of ["-std=c99", "-std=c11"]) {
        execFileSync("arm-none-eabi-gcc", [...ARM_FLAGS, std, "-c", src, "-o", path.join(dir, "tiny.o")]);
      }
      // -O0 too: the PKHBT/PKHTB immediates and the unaligned word type must not depend on inlining.
      execFileSync("arm-none-eabi-gcc", [...ARM_FLAGS, "-O0", "-c", src, "-o", path.join(dir, "tiny0.o")]);
      const asm = execFileSync("arm-none-eabi-gcc", [...ARM_FLAGS, "-S", src, "-o", "-"]).toString();
      expect(asm).toMatch(/ssat\s+r\d+, #8,/);
      expect(asm).toMatch(/ssat\s+r\d+, #16,/);
      expect(asm).toMatch(/smlal\s/); // srdhm: nudge preloaded into the accumulator
      // The DSP intrinsics are the instructions themselves (SPEED.md: gcc 12 never forms them from C).
      expect(asm).toMatch(/\tsmmulr\s+r\d+, r\d+, r\d+/);
      expect(asm).toMatch(/\tsmlad\s+r\d+, r\d+, r\d+, r\d+/);
      expect(asm).toMatch(/\tsmladx\s+r\d+, r\d+, r\d+, r\d+/);
      expect(asm).toMatch(/\tsxtb16\s+r\d+, r\d+\n/);
      expect(asm).toMatch(/\tsxtb16\s+r\d+, r\d+, ror #8/);
      expect(asm).toMatch(/\tsxtab16\s+r\d+, r\d+, r\d+/);
      expect(asm).toMatch(/\tpkhbt\s+r\d+, r\d+, r\d+, lsl #16/);
      expect(asm).toMatch(/\tpkhtb\s+r\d+, r\d+, r\d+, asr #16/);
      expect(asm).toMatch(/\tldr\s+r\d+, \[r\d+, r\d+\]/); // mote_ld32: one LDR
      expect(asm).toMatch(/\tstr\s+r\d+, \[r\d+, r\d+\]/); // mote_st32: one STR
      expect(asm).not.toMatch(/\tbl\s+memcpy/);
      expect(asm).toMatch(/\tldrd\s+r\d+, r\d+, \[r\d+(, #\d+)?\]/); // mote_ld2: one LDRD
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(qemu.skip)("results on QEMU mps2-an500 equal the TypeScript reference", () => {
    const cases: Case[] = [];
    for (const [name, info] of INTRINSICS) {
      for (const args of fc.sample(argsArb(name), { numRuns: 400, seed: 7 + name.length })) cases.push({ name, args });
      // every edge value in every argument position (others 1 or a mid shift)
      for (let pos = 0; pos < info.arity; pos++) {
        for (const e of EDGES) {
          const args = Array.from({ length: info.arity }, (_, i) => (i === pos ? e : 1));
          if (name === "rdbpot" || name === "satLsh") args[1] = pos === 1 ? (e & 31) : 5;
          if (name === "mbqm") args[2] = pos === 2 ? (e % 32) : -7;
          if (name === "pkhbt" || name === "pkhtb") args[2] = pos === 2 ? (e & 31) : 16;
          cases.push({ name, args });
        }
      }
    }
    // PKHBT/PKHTB with literal shifts: every shift, edge and random halves.
    for (const name of ["pkhbt", "pkhtb"]) {
      for (let sh = 0; sh < 32; sh++) {
        for (const a of EDGES.filter((_, i) => i % 4 === 0)) cases.push({ name: `${name}#const`, args: [a, ~a ^ (sh << 9), sh] });
        for (const [a, b] of fc.sample(fc.tuple(fc.integer(), fc.integer()), { numRuns: 20, seed: sh })) {
          cases.push({ name: `${name}#const`, args: [a, b, sh] });
        }
      }
    }
    const got = runQemu(cases);
    const bad = cases.map((c, i) => ({ c, got: got[i], want: INTRINSICS.get(baseName(c.name))!.ts(...c.args) }))
      .filter((r) => r.got !== r.want)
      .map((r) => `${r.c.name}(${r.c.args.join(", ")}): arm ${r.got}, TS ${r.want}`);
    expect(bad.slice(0, 10)).toEqual([]);
    expect(cases.length).toBeGreaterThan(5000);
  });
});
