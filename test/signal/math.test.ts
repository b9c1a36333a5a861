/**
 * @fileoverview The subset's f32 extensions the audio front ends use, on every target:
 * `Math.fround(Math.sqrt(x))` (KIR builtin sqrt) and signal/math.ts's lnF32, run by the fixture
 * kernel test/fixtures/signal/probe.ts as TypeScript (the reference), as WASM (plain and
 * optimized), as host C and as C on the Cortex-M7 in QEMU, with the builds' float flags
 * (-ffp-contract=off -fno-math-errno). Every result must agree bit for bit; lnF32 stays within a
 * few ulps of Math.log, and the M7 code takes the root with VSQRT.F32, calls no libm function and
 * fuses no multiply-add.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { emitFunction } from "../../compiler/emit/c/function.ts";
import type { KFunction } from "../../compiler/ir/kir.ts";
import { verifyModule } from "../../compiler/ir/verify.ts";
import { unrollAndFold } from "../../compiler/specialize/unroll.ts";
import { buildProgram } from "../../compiler/subset/program.ts";
import { formatSubsetDiagnostic } from "../../compiler/subset/source.ts";
import { FIRMWARE_CFLAGS } from "../../compiler/toolchain/firmware.ts";
import { HOST_CFLAGS } from "../../compiler/toolchain/host.ts";
import * as P from "../fixtures/signal/probe.ts";
import { instantiate } from "../emit/wasm/harness.ts";
import { needTools } from "../support/shared.ts";
import { headerPath, QEMU_PRELUDE, repoRoot, runHostProgram, runQemuProgram } from "../intrinsics/harness.ts";

const gcc = needTools("gcc");
const armGcc = needTools("arm-none-eabi-gcc");
const qemu = needTools("qemu-system-arm");

const FIXTURE = path.join(repoRoot, "test/fixtures/signal/probe.ts");
const FLOAT_FLAGS = ["-ffp-contract=off", "-fno-math-errno"];

/** Values: a log-spaced sweep over the front ends' range, edges of lnF32's reduction, a few negatives. */
const X = Float32Array.from((() => {
  const v: number[] = [];
  for (let i = 0; i <= 1200; i++) v.push(1e-30 * Math.pow(1e37 / 1e-30, i / 1200) * (1 + 0.37 * Math.sin(i)));
  for (let e = -100; e <= 100; e += 7) for (const m of [1, Math.SQRT2, 1.5, 1.9999999]) v.push(m * Math.pow(2, e));
  for (const s of [Math.SQRT2, 1, 2, 65536, 1 / 65536]) for (let k = -3; k <= 3; k++) v.push(s * (1 + k * 2 ** -23));
  v.push(1e-6, 1e-30, 3.4e38, 0, -1, -2.5);
  return v.map(Math.fround);
})());

function reference(): Uint32Array {
  const out = new Float32Array(2 * X.length);
  P.probe(X, out, X.length);
  return new Uint32Array(out.buffer);
}

function lowered(): KFunction[] {
  const prog = buildProgram([FIXTURE]);
  expect(prog.diagnostics.map(formatSubsetDiagnostic)).toEqual([]);
  verifyModule(prog.module, { stage: "lower" });
  return [...prog.module.functions.values()];
}

function cProgram(fns: KFunction[], prelude = ""): string {
  const bits = [...new Uint32Array(X.buffer)].map((b) => `0x${b.toString(16)}u`);
  return [
    "#include <stdint.h>", "#include <stdio.h>", "#include <inttypes.h>", "#include <string.h>", `#include "${headerPath}"`, prelude,
    // Callees first: lnF32, then probe.
    ...[...fns].sort((a, b) => Number(a.name === "probe") - Number(b.name === "probe"))
      .map((f) => emitFunction(f).replace(/^static /m, "__attribute__((noinline)) static ")),
    `static const uint32_t xbits[${X.length}] = { ${bits.join(", ")} };`,
    `static float xs[${X.length}];`, `static float out[${2 * X.length}];`,
    "int main(void) {",
    "  memcpy(xs, xbits, sizeof xs);",
    `  probe(xs, out, ${X.length});`,
    `  for (int i = 0; i < ${2 * X.length}; i++) { uint32_t b; memcpy(&b, &out[i], 4); printf("%" PRIu32 "\\n", b); }`,
    "  fflush(stdout);", "  return 0;", "}",
  ].join("\n") + "\n";
}

const words = (stdout: string): number[] => stdout.trim().split("\n").map(Number);

describe("f32 sqrt and lnF32 agree bit for bit on every target", () => {
  const want = [...reference()];

  it("the builds' C flags keep f32 arithmetic exact (no FMA contraction, no errno path)", () => {
    for (const f of FLOAT_FLAGS) {
      expect(HOST_CFLAGS).toContain(f);
      expect(FIRMWARE_CFLAGS).toContain(f);
    }
  });

  it("lnF32 is within 4 ulps of Math.log (1e-7 absolute where ln x is near 0); sqrt is correctly rounded", () => {
    const out = new Float32Array(new Uint32Array(want).buffer);
    let worst = 0;
    for (let i = 0; i < X.length; i++) {
      if (!(X[i] > 0)) continue;
      const exact = Math.log(X[i]);
      const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(exact), 2 ** -126))) - 23);
      const err = Math.abs(out[2 * i] - exact);
      if (Math.abs(exact) >= 0.25) worst = Math.max(worst, err / ulp);
      expect(err <= 4 * ulp || err <= 1e-7, `lnF32(${X[i]}) = ${out[2 * i]}, ln = ${exact}`).toBe(true);
      expect(out[2 * i + 1]).toBe(Math.fround(Math.sqrt(X[i])));
    }
    console.log(`lnF32: worst ${worst.toFixed(2)} ulps (|ln x| >= 0.25) over ${X.length} values`);
  });

  for (const [name, fns] of [["as lowered", lowered], ["unrolled and folded", () => lowered().map(unrollAndFold)]] as const) {
    for (const optimize of [false, true]) {
      it(`WASM (${name}${optimize ? ", optimized" : ""}) == TypeScript`, () => {
        const inst = instantiate(fns(), [], optimize);
        const px = 1024;
        const po = px + 4 * X.length + 64;
        new Float32Array(inst.memory.buffer, px, X.length).set(X);
        inst.f.probe(px, po, X.length);
        expect([...new Uint32Array(inst.memory.buffer, po, 2 * X.length)]).toEqual(want);
      });
    }
    it.skipIf(gcc.skip)(`host C (${name}) == TypeScript`, () => {
      expect(words(runHostProgram(cProgram(fns()), FLOAT_FLAGS))).toEqual(want);
    });
  }

  it.skipIf(armGcc.skip || qemu.skip)("C on the Cortex-M7 in QEMU == TypeScript; VSQRT.F32, no libm call, no VFMA", () => {
    let asm = "";
    const out = runQemuProgram(cProgram(lowered(), QEMU_PRELUDE), (elf) => {
      asm = execFileSync("arm-none-eabi-objdump", ["-d", "--no-show-raw-insn", elf], { maxBuffer: 1 << 28 }).toString();
    }, FLOAT_FLAGS);
    expect(words(out)).toEqual(want);
    const body = (fn: string): string => {
      const m = new RegExp(`^[0-9a-f]+ <(\\w*${fn}[\\w.]*)>:\\n([\\s\\S]*?)(?=\\n\\n|\\n[0-9a-f]+ <)`, "m").exec(asm);
      expect(m, `${fn} in the disassembly`).not.toBeNull();
      return m![2];
    };
    const probe = body("probe");
    const ln = body("lnF32");
    expect(probe).toMatch(/\tvsqrt\.f32\t/);
    for (const b of [probe, ln]) {
      expect(b).not.toMatch(/\tbl?\t[^\n]*<(sqrtf|logf|__errno|__aeabi)/);
      expect(b).not.toMatch(/\tvfn?m[as]\./);
    }
  });
});
