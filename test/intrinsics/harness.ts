/**
 * @fileoverview Test harness for the intrinsics: a BigInt oracle written straight from the
 * gemmlowp / TFLite definitions, a runner for the C header (one generated C program per batch,
 * compiled once with host gcc), a WASM instance of addWasmIntrinsics(), and edge-biased
 * fast-check arbitraries.
 *
 * Used by the test files beside it; not part of the compiler. The oracle is deliberately a
 * different formulation from kernels/intrinsics.ts (BigInt, truncating division with the
 * nudge, round-half-away from the mathematical definition), so agreement means something.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import binaryen from "binaryen";
import fc from "fast-check";
import { addWasmIntrinsics } from "../../compiler/emit/wasm/intrinsics.ts";
import { INTRINSICS } from "../../compiler/ir/intrinsics.ts";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const headerPath = path.join(repoRoot, "runtime/mote_intrinsics.h");

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Accumulator values for the edge grids of smlad/smladx (a third full EDGES axis is too many). */
export const ACC_EDGES = [0, 1, -1, INT32_MIN, INT32_MAX, 1 << 30, -(1 << 30), 0x7fff0001];

type Fn = (...a: number[]) => number;

// ---------------------------------------------------------------------------------------------
// Oracle (BigInt, literal definitions)

const big = BigInt;
const i32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

function oSrdhm(a: number, b: number): number {
  if (a === b && a === INT32_MIN) return INT32_MAX;
  const ab = big(a) * big(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, as C++
}

/** x / 2^e rounded to nearest, ties away from zero (the mathematical definition). */
function oRdbpot(x: number, e: number): number {
  if (e === 0) return x;
  const mag = x < 0 ? -big(x) : big(x);
  const q = (mag + (1n << big(e - 1))) >> big(e);
  return Number(x < 0 ? -q : q);
}

function oMbqm(x: number, m: number, s: number): number {
  const left = s > 0 ? s : 0;
  const right = s > 0 ? 0 : -s;
  return oRdbpot(oSrdhm(i32(big(x) << big(left)), m), right);
}

const clamp = (v: bigint, lo: bigint, hi: bigint): number => Number(v < lo ? lo : v > hi ? hi : v);

export const ORACLE: Record<string, Fn> = {
  srdhm: oSrdhm,
  rdbpot: oRdbpot,
  mbqm: oMbqm,
  sat8: (x) => clamp(big(x), -128n, 127n),
  sat16: (x) => clamp(big(x), -32768n, 32767n),
  toI8: (x) => Number(BigInt.asIntN(8, big(x))),
  toI16: (x) => Number(BigInt.asIntN(16, big(x))),
  mulHi: (a, b) => i32((big(a) * big(b)) >> 32n),
  mulLo: (a, b) => i32(big(a) * big(b)),
  satLsh: (x, n) => clamp(big(x) << big(n), big(INT32_MIN), big(INT32_MAX)),
  rdhm: (a, b) => i32((big(a) * big(b) + (1n << 30n)) >> 31n), // BigInt >> floors
  smmulr: (a, b) => i32((big(a) * big(b) + (1n << 31n)) >> 32n), // BigInt >> floors
  smlad: (x, y, acc) => i32(big(acc) + half(x, 0) * half(y, 0) + half(x, 1) * half(y, 1)),
  smladx: (x, y, acc) => i32(big(acc) + half(x, 0) * half(y, 1) + half(x, 1) * half(y, 0)),
  sxtb16: (x) => word(sbyte(x, 0), sbyte(x, 2)),
  sxtb16r8: (x) => word(sbyte(x, 1), sbyte(x, 3)),
  sxtab16: (a, x) => word(half(a, 0) + sbyte(x, 0), half(a, 1) + sbyte(x, 2)),
  pkhbt: (a, b, sh) => word(half(a, 0), half(i32(big(b) << big(sh)), 1)),
  pkhtb: (a, b, sh) => word(half(i32(big(b) >> big(sh)), 0), half(a, 1)),
};

/** Signed 16-bit half k (0 = low) of int32 x. */
function half(x: number, k: number): bigint {
  return BigInt.asIntN(16, BigInt.asUintN(32, big(x)) >> big(16 * k));
}
/** Signed byte k (0 = lowest) of int32 x. */
function sbyte(x: number, k: number): bigint {
  return BigInt.asIntN(8, BigInt.asUintN(32, big(x)) >> big(8 * k));
}
/** The int32 whose halves are lo and hi, each wrapped to 16 bits. */
function word(lo: bigint, hi: bigint): number {
  return i32((BigInt.asUintN(16, hi) << 16n) | BigInt.asUintN(16, lo));
}

// ---------------------------------------------------------------------------------------------
// Argument domains and arbitraries

/** Which arguments are shift counts, and their ranges; others are any int32. */
export const SHIFT_ARGS: Record<string, Record<number, [number, number]>> = {
  rdbpot: { 1: [0, 31] },
  mbqm: { 2: [-31, 31] },
  satLsh: { 1: [0, 31] },
  pkhbt: { 2: [0, 31] },
  pkhtb: { 2: [0, 31] },
};

/** DSP operands: words of 0x8000/0x7fff/0xffff/0/1 halves and of 0x80/0x7f/0xff/0 bytes, and a few more. */
export const DSP_WORDS: number[] = (() => {
  const s = new Set<number>([0, 1, -1, INT32_MIN, INT32_MAX, 127, 128, -128, 255, 256, 32767, 32768, -32768, 65535, 65536]);
  const halves = [0x8000, 0x7fff, 0xffff, 0, 1];
  for (const h of halves) for (const l of halves) s.add(((h << 16) | l) | 0);
  const bytes = [0x80, 0x7f, 0xff, 0];
  for (const b of bytes) for (const c of bytes) s.add(((b << 24) | (c << 16) | (b << 8) | c) | 0);
  return [...s];
})();

export const EDGES: number[] = (() => {
  const s = new Set<number>([0, 1, -1, 2, -2, INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1,
    127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536]);
  for (let k = 0; k < 31; k++) for (const d of [-1, 0, 1]) { s.add((1 << k) + d); s.add(-(1 << k) + d); }
  for (const w of DSP_WORDS) s.add(w);
  return [...s].filter((v) => v >= INT32_MIN && v <= INT32_MAX);
})();

/** Any int32, biased toward INT32_MIN/MAX, 0, +-1, powers of two and their neighbours. */
export const int32Arb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 4, arbitrary: fc.integer({ min: INT32_MIN, max: INT32_MAX }) },
  { weight: 2, arbitrary: fc.integer({ min: -70000, max: 70000 }) },
  // products landing exactly on rounding ties: k * 2^j
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -255, max: 255 }), fc.integer({ min: 0, max: 23 }))
    .map(([k, j]) => k * 2 ** j) },
);

/** Arguments for intrinsic `name`: shift counts within their domain, everything else int32Arb. */
export function argsArb(name: string): fc.Arbitrary<number[]> {
  const info = INTRINSICS.get(name)!;
  const shifts = SHIFT_ARGS[name] ?? {};
  const parts: fc.Arbitrary<number>[] = [];
  for (let i = 0; i < info.arity; i++) {
    const range = shifts[i];
    parts.push(range ? fc.integer({ min: range[0], max: range[1] }) : int32Arb);
  }
  // mbqm: also realistic multipliers in [2^30, 2^31) (what QuantizeMultiplier produces).
  if (name === "mbqm") {
    return fc.oneof(
      fc.tuple(...parts),
      fc.tuple(int32Arb, fc.integer({ min: 1 << 30, max: INT32_MAX }), fc.integer({ min: -31, max: 7 })),
    );
  }
  return fc.tuple(...parts);
}

// ---------------------------------------------------------------------------------------------
// C: one program per batch

/**
 * One call. `name` is a registry name, or `<name>#const` for pkhbt/pkhtb with the shift spelled as
 * a literal in C (a switch over 0..31), so the instruction path under __builtin_constant_p runs.
 */
export interface Case { name: string; args: number[] }

/** The registry name of a case name (`pkhbt#const` -> `pkhbt`). */
export const baseName = (name: string): string => name.split("#")[0];

/** C: `const_<name>(a, b, sh)` calling mote_<name> with a literal shift. */
function constShiftFunction(name: string): string {
  const arms = Array.from({ length: 32 }, (_, k) => `    case ${k}: return mote_${name}(a, b, ${k});`);
  return `static int32_t const_${name}(int32_t a, int32_t b, int32_t sh) {\n  switch (sh & 31) {\n` +
    `${arms.join("\n")}\n    default: return 0;\n  }\n}`;
}

/** The Cortex-M7 flags the brief fixes for firmware builds. */
export const ARM_FLAGS = ["-mcpu=cortex-m7", "-mthumb", "-mfpu=fpv5-d16", "-mfloat-abi=hard",
  "-O2", "-Wall", "-Wextra", "-Werror"];

/** Indices of `cases` per intrinsic, in first-appearance order (the order the C program prints). */
function groupCases(cases: readonly Case[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  cases.forEach((c, i) => { if (!groups.has(c.name)) groups.set(c.name, []); groups.get(c.name)!.push(i); });
  return groups;
}

/** C source printing one result per line, grouped per intrinsic (see groupCases). */
export function cProgram(cases: readonly Case[], prelude = ""): string {
  const lines = [`#include <stdio.h>`, `#include <inttypes.h>`, `#include "${headerPath}"`, prelude];
  const groups = groupCases(cases);
  const lit = (a: number): string => (a === INT32_MIN ? "INT32_MIN" : `${a}`);
  const id = (name: string): string => name.replace("#", "_");
  for (const [name, idx] of groups) {
    const arity = INTRINSICS.get(baseName(name))!.arity;
    const rows = idx.map((i) => `{${cases[i].args.map(lit).join(",")}}`);
    lines.push(`static const int32_t args_${id(name)}[${idx.length}][${arity}] = {\n  ${rows.join(",\n  ")}\n};`);
    if (name.endsWith("#const")) lines.push(constShiftFunction(baseName(name)));
  }
  lines.push(`int main(void) {`);
  for (const [name, idx] of groups) {
    const info = INTRINSICS.get(baseName(name))!;
    const fn = name.endsWith("#const") ? `const_${info.name}` : info.c;
    const call = `${fn}(${Array.from({ length: info.arity }, (_, j) => `args_${id(name)}[i][${j}]`).join(", ")})`;
    lines.push(`  for (int i = 0; i < ${idx.length}; i++) printf("%" PRId32 "\\n", ${call});`);
  }
  lines.push(`  fflush(stdout);`, `  return 0;`, `}`);
  return lines.join("\n") + "\n";
}

/** Compiles (gcc -O2, warnings as errors, plus extraFlags) and runs; results in case order. */
export function runC(cases: readonly Case[], extraFlags: string[] = []): number[] {
  return collect(cases, runHostProgram(cProgram(cases), extraFlags));
}

/** Compiles a C program with host gcc (-O2, warnings as errors, plus extraFlags), runs it, returns stdout. */
export function runHostProgram(source: string, extraFlags: string[] = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mote-intrinsics-"));
  try {
    const src = path.join(dir, "cases.c");
    const exe = path.join(dir, "cases");
    writeFileSync(src, source);
    execFileSync("gcc", ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", ...extraFlags, src, "-o", exe]);
    return execFileSync(exe, { maxBuffer: 1 << 28 }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Splits stdout into one number per line, into case order. */
function collect(cases: readonly Case[], stdout: string): number[] {
  const out = stdout.trim().split("\n").map(Number);
  if (out.length !== cases.length) throw new Error(`expected ${cases.length} results, got ${out.length}`);
  const results = new Array<number>(cases.length);
  let k = 0;
  for (const idx of groupCases(cases).values()) for (const i of idx) results[i] = out[k++];
  return results;
}

/**
 * Minimal bare-metal scaffolding for QEMU mps2-an500 (test only; real boards live in boards/):
 * a vector table whose reset handler enables the FPU (the hard-float newlib needs it) and enters
 * newlib's rdimon crt0, and a linker script with code in flash at 0 and data in SRAM.
 */
export const QEMU_PRELUDE = `
extern void _start(void);
extern char __stack[];
static void mote_test_hang(void) { for (;;) {} }
static void mote_test_reset(void) {
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: full access to CP10/CP11 */
  __asm__ volatile("dsb\\n isb");
  _start();
}
__attribute__((section(".vectors"), used)) static void (*const mote_test_vectors[16])(void) = {
  (void (*)(void))__stack, mote_test_reset, mote_test_hang, mote_test_hang, mote_test_hang,
  mote_test_hang, mote_test_hang, 0, 0, 0, 0, mote_test_hang, mote_test_hang, 0, mote_test_hang,
  mote_test_hang };
`;
const QEMU_LINKER_SCRIPT = `
MEMORY { FLASH (rx) : ORIGIN = 0x00000000, LENGTH = 4M
         RAM (rwx)  : ORIGIN = 0x20000000, LENGTH = 4M }
ENTRY(_start)
SECTIONS {
  .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) KEEP(*(.init)) KEEP(*(.fini))
            . = ALIGN(4); __init_array_start = .; KEEP(*(.init_array*)) __init_array_end = .;
            __preinit_array_start = .; __preinit_array_end = .;
            __fini_array_start = .; KEEP(*(.fini_array*)) __fini_array_end = .; } > FLASH
  .ARM.exidx : { *(.ARM.exidx*) } > FLASH
  .data : { *(.data*) } > RAM
  .bss (NOLOAD) : { __bss_start__ = .; *(.bss*) *(COMMON) . = ALIGN(8); __bss_end__ = .; } > RAM
  end = .; __end__ = .;
  __stack = ORIGIN(RAM) + LENGTH(RAM);
}
`;

/** Builds the batch for Cortex-M7 (ARM_FLAGS, DSP paths on) and runs it in QEMU mps2-an500. */
export function runQemu(cases: readonly Case[]): number[] {
  return collect(cases, runQemuProgram(cProgram(cases, QEMU_PRELUDE)));
}

/**
 * Builds a C program for Cortex-M7 (ARM_FLAGS) and runs it in QEMU mps2-an500; returns its stdout.
 * `source` must contain QEMU_PRELUDE after its includes (cProgram's prelude argument does that).
 * `onElf` gets the image path before the directory is removed (for objdump); `extraFlags` follow
 * ARM_FLAGS and -std=c11.
 */
export function runQemuProgram(source: string, onElf?: (elf: string) => void, extraFlags: readonly string[] = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mote-intrinsics-arm-"));
  try {
    const src = path.join(dir, "cases.c");
    const ld = path.join(dir, "mps2.ld");
    const elf = path.join(dir, "cases.elf");
    writeFileSync(src, source);
    writeFileSync(ld, QEMU_LINKER_SCRIPT);
    execFileSync("arm-none-eabi-gcc", [...ARM_FLAGS, "-std=c11", ...extraFlags, "--specs=rdimon.specs", "-T", ld, src, "-o", elf]);
    // QEMU makes its stdout non-blocking: writes into a full pipe are dropped, so use a file.
    const outPath = path.join(dir, "stdout.txt");
    const outFd = openSync(outPath, "w");
    try {
      execFileSync("qemu-system-arm", ["-M", "mps2-an500", "-nographic",
        "-semihosting-config", "enable=on,target=native", "-kernel", elf],
      { timeout: 60_000, stdio: ["ignore", outFd, "pipe"] });
    } finally {
      closeSync(outFd);
    }
    onElf?.(elf);
    return readFileSync(outPath, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let ubsan: string[] | undefined;
/** gcc flags for UBSan (trap on the first undefined operation), or none if it cannot link. Call it in a test, not at collect time. */
export function ubsanFlags(): string[] {
  if (ubsan) return ubsan;
  const flags = ["-fsanitize=undefined", "-fno-sanitize-recover=all"];
  try { runC([{ name: "mulLo", args: [1, 1] }], flags); ubsan = flags; } catch { ubsan = []; }
  return ubsan;
}

// ---------------------------------------------------------------------------------------------
// WASM

/** Instantiates a module holding every intrinsic, exported under its registry name. */
export function wasmIntrinsics(optimize: boolean): Record<string, Fn> {
  const m = new binaryen.Module();
  try {
    addWasmIntrinsics(m);
    for (const info of INTRINSICS.values()) m.addFunctionExport(info.wasm, info.name);
    if (!m.validate()) throw new Error("binaryen module does not validate");
    if (optimize) m.optimize();
    const inst = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(m.emitBinary())), {});
    return inst.exports as unknown as Record<string, Fn>;
  } finally {
    m.dispose();
  }
}
