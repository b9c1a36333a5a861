/**
 * @fileoverview A ModelProgram spelled as a C library: model.h (the API) and model.c.
 *
 * model.c holds the constant data (flash), one static arena (.bss), the kernel functions the
 * program needs (specialized or generic), `mote_init()` (the program's init steps, run once:
 * the interpreter's image check) and `mote_invoke()`, a straight line of calls that returns 0,
 * or the nonzero status of a step that can fail (InvokeStep.status); it runs mote_init() first
 * while that has not succeeded; `mote_reset()` fills each variable tensor (ModelProgram.state:
 * streaming state, otherwise kept between invocations) with its reset byte, as TFLite Micro's
 * AllocateTensors / Reset() (an int8 state its zero point, any other 0), and `mote_invoke()`
 * resets the state first when that has not run yet, so it starts there whatever the arena held
 * (but for a variable tensor that is also a model input, which the caller has written).
 * The API is the same for every board and for the host, so the library drops into any Makefile,
 * CMake or IDE project together with runtime/mote_intrinsics.h. No malloc, no stdio.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelProgram, StateRange } from "../../ir/program.ts";
import { argExpr, C_TYPES, cSignature, emitFunction, emitRecordStruct } from "./function.ts";
import { cFloat, ioHeader, ioSource } from "./io.ts";
import { MOTE_VERSION, REPO_ROOT } from "../../paths.ts";
import { fail } from "../../diagnostics.ts";

export const INTRINSICS_HEADER = path.join(REPO_ROOT, "runtime", "mote_intrinsics.h");

/** The two files' contents (keys are logical: written as `libraryFiles(options)` names them). */
export interface CLibrary {
  "model.h": string;
  "model.c": string;
}

/**
 * How the library is named and placed (`mote compile --name`, `--arena-section`).
 *  - `name`: the prefix of every symbol the library exports or calls back: `<name>_invoke()`,
 *    `<name>_input()`, ..., the macros `<NAME>_NUM_INPUTS`, `<NAME>_INPUT0_SHAPE...` (NAME
 *    upper-cased), the header guard `<NAME>_MODEL_H`, the hooks `<name>_trace` and
 *    `<name>_profile_begin/_end`, and the file names `<name>.h` / `<name>.c`. Absent: "mote"
 *    and model.h / model.c, exactly the names of a library without the option. The types
 *    `mote_dtype` and `mote_tensor_info` and the MOTE_IO_* statuses are shared, defined once
 *    behind MOTE_SHARED_TYPES_H, so several libraries' headers compile in one file.
 *  - `arenaSection`: the linker section of the arena (`__attribute__((section(...)))`).
 */
export interface CLibraryOptions {
  name?: string;
  arenaSection?: string;
}

/** Symbol prefixes of a library. */
export interface CNames {
  /** Functions and hooks: `mote` -> mote_invoke. */
  fn: string;
  /** Macros and the guard: `MOTE` -> MOTE_NUM_INPUTS. */
  macro: string;
}

/** A C identifier that is not reserved (no leading underscore). */
const C_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A section name gcc and GNU ld take as is: letters, digits, '_', '.', '$'. */
const SECTION_NAME = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;

/** Checks the options (MOTE6040 / MOTE6041) and gives the library's prefixes. */
export function cNames(options: CLibraryOptions = {}): CNames {
  const name = options.name;
  if (name !== undefined && (!C_NAME.test(name) || name.length > 40)) {
    fail(6040, name, "it must be a C identifier of at most 40 characters starting with a letter (letters, digits, '_')");
  }
  const section = options.arenaSection;
  if (section !== undefined && (!SECTION_NAME.test(section) || section.length > 64)) {
    fail(6041, section, "a section name holds only letters, digits, '_', '.' and '$' (at most 64 characters)");
  }
  const fn = name ?? "mote";
  return { fn, macro: fn.toUpperCase() };
}

/** The header's and the source's file names. */
export function libraryFiles(options: CLibraryOptions = {}): { header: string; source: string } {
  return options.name === undefined ? { header: "model.h", source: "model.c" } : { header: `${options.name}.h`, source: `${options.name}.c` };
}

function header(program: ModelProgram, flashBytes: number): string[] {
  return [
    "/* GENERATED FILE. DO NOT EDIT. */",
    `/* Mote ${MOTE_VERSION}: model ${program.name} */`,
    `/* arena: ${program.arenaBytes} bytes (SRAM), constants: ${flashBytes} bytes (flash) */`,
  ];
}

function constBytes(program: ModelProgram): number {
  let n = 0;
  for (const c of program.constants) n += c.values.length * (c.elem === "i32" || c.elem === "f32" ? 4 : c.elem === "i16" || c.elem === "u16" ? 2 : 1);
  return n;
}

function emitModelH(program: ModelProgram, n: CNames): string {
  const guard = `${n.macro}_MODEL_H`;
  const f = n.fn;
  return [
    ...header(program, constBytes(program)),
    `#ifndef ${guard}`,
    `#define ${guard}`,
    "",
    "#include <stddef.h>",
    "#include <stdint.h>",
    "",
    "#ifdef __cplusplus",
    'extern "C" {',
    "#endif",
    "",
    `#define ${n.macro}_NUM_INPUTS ${program.inputs.length}`,
    `#define ${n.macro}_NUM_OUTPUTS ${program.outputs.length}`,
    `#define ${n.macro}_ARENA_BYTES ${program.arenaBytes}`,
    "",
    `/** Where to write input tensor \`index\` (raw bytes in the tensor's layout) before ${f}_invoke(). */`,
    `void *${f}_input(int index);`,
    `size_t ${f}_input_bytes(int index);`,
    `/** Output tensor \`index\`, valid after ${f}_invoke() until the next call. */`,
    `const void *${f}_output(int index);`,
    `size_t ${f}_output_bytes(int index);`,
    "/**",
    " * Checks the model once before the first inference (interpreter mode: the model image's magic,",
    " * version, checksum, every offset and access size, kernel id and record, as TFLite Micro",
    " * verifies a model and checks it in AllocateTensors). Returns MOTE_STATUS_OK (0) or a",
    " * MOTE_STATUS_* reason (with the step: MOTE_STATUS_STEP). Optional: " + f + "_invoke() runs it",
    " * first while it has not succeeded. Codegen mode: 0.",
    " */",
    `int ${f}_init(void);`,
    "/**",
    " * Runs one inference. Uses only the static arena; no allocation. Returns 0, or the nonzero",
    ` * status of ${f}_init() when the model cannot run (interpreter mode: its image is rejected`,
    " * before any layer runs; the outputs are then not written). Codegen mode always returns 0.",
    " */",
    `int ${f}_invoke(void);`,
    "/**",
    ` * The status of the last ${f}_init() (or the one ${f}_invoke() ran): 0, a MOTE_STATUS_* reason`,
    " * plus the step, or MOTE_STATUS_NOT_INITIALISED before either ran. Codegen mode: 0.",
    " */",
    `int ${f}_status(void);`,
    "/**",
    " * Resets the model's state (variable tensors, e.g. a streaming audio front end's history and",
    " * feature window, an SVDF or LSTM state) to its start value, as TFLite Micro's Reset(): an",
    " * int8 state to its zero point, any other to 0. Call it before a new stream. The state is",
    ` * otherwise kept from one ${f}_invoke() to the next; the first ${f}_invoke() resets it when`,
    " * this has not run (not a state that is also a model input: yours). No state: does nothing.",
    " */",
    `void ${f}_reset(void);`,
    "",
    ...ioHeader(program, n),
    "#ifdef __cplusplus",
    "}",
    "#endif",
    "",
    `#endif /* ${guard} */`,
    "",
  ].join("\n");
}

/**
 * The static arena, in `options.arenaSection` when given. gcc gives a named section of a
 * zero-initialized variable @progbits unless its name starts with .bss: a linker script
 * places it (NOLOAD for no image bytes). A section the start-up code does not zero is fine:
 * the state (variable tensors) is set by <name>_reset(), which the first invoke calls (its
 * flag is an ordinary zeroed static).
 */
function arenaLines(program: ModelProgram, options: CLibraryOptions): string[] {
  const size = Math.max(program.arenaBytes, 16);
  if (options.arenaSection === undefined) return [`static uint8_t mote_arena[${size}] __attribute__((aligned(16)));`];
  return [
    `/* The arena in section ${options.arenaSection} (--arena-section): place it in your linker script. */`,
    `static uint8_t mote_arena[${size}] __attribute__((aligned(16), section("${options.arenaSection}")));`,
  ];
}

/** C initializer lines; float32 data as exact float literals (cFloat: a double literal of a subnormal trips -Wfloat-conversion). */
function formatValues(values: ArrayLike<number>, perLine: number, isFloat: boolean): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) {
      const v = values[j];
      row.push(isFloat ? cFloat(v!) : v === -2147483648 ? "INT32_MIN" : String(v));
    }
    lines.push(`  ${row.join(", ")},`);
  }
  return lines.join("\n");
}

function emitModelC(program: ModelProgram, n: CNames, options: CLibraryOptions): string {
  const f = n.fn;
  const out: string[] = [...header(program, constBytes(program))];
  out.push(
    `#include "${libraryFiles(options).header}"`,
    '#include "mote_intrinsics.h"',
    "",
    "static inline int32_t mote_min(int32_t a, int32_t b) { return a < b ? a : b; }",
    "static inline int32_t mote_max(int32_t a, int32_t b) { return a > b ? a : b; }",
    "static inline int32_t mote_abs(int32_t a) { return a < 0 ? (int32_t)(0u - (uint32_t)a) : a; }",
    "",
    "#ifdef MOTE_TRACE",
    "/* Debug builds: called after every layer with each tensor it produced. */",
    `void ${f}_trace(int op_index, int tensor_index, const void *data, size_t bytes);`,
    `#define MOTE_TRACE_TENSOR(op, t, off, n) ${f}_trace((op), (t), mote_arena + (off), (n))`,
    "#else",
    "#define MOTE_TRACE_TENSOR(op, t, off, n) ((void)0)",
    "#endif",
    "",
    "#ifdef MOTE_PROFILE",
    `/* Profiling builds: called before and after every layer (${f}_invoke's steps: constant op`,
    " * indices; the interpreter's dispatch: run-time step keys). */",
    `void ${f}_profile_begin(int op_index);`,
    `void ${f}_profile_end(int op_index);`,
    "#if defined(__thumb2__)",
    "/* Thumb-2: the call sits in an asm that saves every register it may clobber, so the compiler sees",
    " * only a memory barrier and the layers' code (and instruction count) stays that of the plain build;",
    " * a plain call between inlined layers changes their register allocation (kws: +1.1 %). */",
    "#define MOTE_PROFILE_CALL(fn, op) __asm__ volatile(\"push {r0-r3, r12, lr}\\n\\tmovw r0, #:lower16:%c0\\n\\tmovt r0, #:upper16:%c0\\n\\tbl \" #fn \"\\n\\tpop {r0-r3, r12, lr}\" : : \"i\"(op) : \"memory\", \"cc\")",
    `#define MOTE_PROFILE_BEGIN(op) MOTE_PROFILE_CALL(${f}_profile_begin, op)`,
    `#define MOTE_PROFILE_END(op) MOTE_PROFILE_CALL(${f}_profile_end, op)`,
    "#else",
    `#define MOTE_PROFILE_BEGIN(op) ${f}_profile_begin(op)`,
    `#define MOTE_PROFILE_END(op) ${f}_profile_end(op)`,
    "#endif",
    `#define MOTE_PROFILE_STEP_BEGIN(key) ${f}_profile_begin(key)`,
    `#define MOTE_PROFILE_STEP_END(key) ${f}_profile_end(key)`,
    "#else",
    "#define MOTE_PROFILE_BEGIN(op) ((void)0)",
    "#define MOTE_PROFILE_END(op) ((void)0)",
    "#define MOTE_PROFILE_STEP_BEGIN(key) ((void)(key))",
    "#define MOTE_PROFILE_STEP_END(key) ((void)(key))",
    "#endif",
    "",
    ...arenaLines(program, options),
    "",
  );
  for (const r of program.records) out.push(emitRecordStruct(r), "");
  for (const c of program.constants) {
    const t = C_TYPES[c.elem];
    if (c.values.length === 0) continue;
    const perLine = c.elem === "i32" || c.elem === "f32" ? 8 : 24;
    out.push(`static const ${t} ${c.name}[${c.values.length}] __attribute__((aligned(16))) = {`, formatValues(c.values, perLine, c.elem === "f32"), "};");
  }
  out.push("");
  const noIpa = new Set([...(program.noIpa ?? []), ...program.functions.filter((f) => f.noipa && !f.inline).map((f) => f.name)]);
  if (program.functions.some((f) => f.noinline)) {
    out.push(
      "/* DSP kernel entries and @noinline functions (KFunction.noinline) stay calls: their loops get every register. */",
      "#if defined(__GNUC__)",
      "#define MOTE_NOINLINE __attribute__((noinline))",
      "#else",
      "#define MOTE_NOINLINE",
      "#endif",
      "",
    );
  }
  if (program.functions.some((f) => f.noschedule)) {
    out.push(
      "/* @noschedule functions (KFunction.noschedule): no scheduling before register allocation (gcc hoists loads and spills). */",
      "#if defined(__GNUC__) && !defined(__clang__)",
      "#define MOTE_NOSCHEDULE __attribute__((optimize(\"no-schedule-insns\")))",
      "#else",
      "#define MOTE_NOSCHEDULE",
      "#endif",
      "",
    );
  }
  if (noIpa.size > 0) {
    out.push(
      "/* Generic kernels stay generic, and @noipa functions (KFunction.noipa) keep their arguments: no inlining, cloning or constant propagation by the C compiler. */",
      "#if defined(__GNUC__) && !defined(__clang__)",
      "#define MOTE_NOIPA __attribute__((noipa))",
      "#elif defined(__clang__)",
      "#define MOTE_NOIPA __attribute__((noinline))",
      "#else",
      "#define MOTE_NOIPA",
      "#endif",
      "",
    );
  }
  // Callees before callers: emit in reverse discovery order with prototypes first.
  // Shared helpers (KFunction.inline) take mote_intrinsics.h's MOTE_INLINE (static inline, always_inline).
  const decl = (fn: (typeof program.functions)[number]): string =>
    (noIpa.has(fn.name) ? "static MOTE_NOIPA " : fn.inline ? "MOTE_INLINE " : fn.noinline ? "static MOTE_NOINLINE " : "static ") +
    (fn.noschedule && !fn.inline ? "MOTE_NOSCHEDULE " : "");
  for (const fn of program.functions) out.push(`${decl(fn)}${cSignature(fn)};`);
  out.push("");
  for (const fn of program.functions) out.push(emitFunction(fn, program.functions), "");

  const io = (kind: "input" | "output", list: ModelProgram["inputs"]) => {
    const cq = kind === "output" ? "const " : "";
    out.push(`${cq}void *${f}_${kind}(int index) {`);
    out.push(`  switch (index) {`);
    list.forEach((t, i) => out.push(`    case ${i}: return mote_arena + ${t.offset}; /* ${t.name.replace(/\*\//g, "* /")} */`));
    out.push("    default: return NULL;", "  }", "}", "");
    out.push(`size_t ${f}_${kind}_bytes(int index) {`);
    out.push(`  switch (index) {`);
    list.forEach((t, i) => out.push(`    case ${i}: return ${t.bytes};`));
    out.push("    default: return 0;", "  }", "}", "");
  };
  io("input", program.inputs);
  io("output", program.outputs);
  out.push(...ioSource(program, n));

  const init = program.init ?? [];
  if (init.length === 0) {
    out.push(`int ${f}_init(void) {`, "  return 0;", "}", "");
    out.push(`int ${f}_status(void) {`, "  return 0;", "}", "");
  } else {
    out.push(`/* -1: ${f}_init() has not run; else its status (0: the model can run). */`);
    out.push("static int mote_init_status = -1;", "");
    out.push(`int ${f}_init(void) {`);
    init.forEach((s, k) => {
      out.push(`  /* ${s.label.replace(/\*\//g, "* /")} */`);
      out.push(`  const int32_t init${k} = ${s.fn}(${s.args.map(argExpr).join(", ")});`);
      out.push(`  if (init${k} != 0) return mote_init_status = (int)init${k};`);
    });
    out.push("  return mote_init_status = 0;", "}", "");
    out.push(`int ${f}_status(void) {`, "  return mote_init_status < 0 ? MOTE_STATUS_NOT_INITIALISED : mote_init_status;", "}", "");
  }
  const state = program.state ?? [];
  const fill = (r: StateRange, indent: string): string =>
    `${indent}for (size_t i = 0; i < ${r.bytes}u; i++) mote_arena[${r.offset}u + i] = ${r.fill}u; /* ${r.name.replace(/\*\//g, "* /")} */`;
  // A variable tensor that is also a model input is the caller's to write before the first
  // invoke (as after TFLite Micro's AllocateTensors): the first invoke's reset leaves it alone.
  const inputs = new Set(program.inputs.map((t) => t.tensor));
  const own = state.filter((r) => !inputs.has(r.tensor));
  if (state.length > 0) {
    out.push(`/* 0 until ${f}_reset() has run: ${f}_invoke() resets the state first, so it starts at its reset values whatever the arena held. */`);
    out.push("static int mote_state_set = 0;", "");
  }
  out.push(`void ${f}_reset(void) {`);
  for (const r of state) out.push(fill(r, "  "));
  if (state.length > 0) out.push("  mote_state_set = 1;");
  out.push("}", "");
  out.push(`int ${f}_invoke(void) {`);
  if (init.length > 0) out.push(`  if (mote_init_status != 0 && ${f}_init() != 0) return mote_init_status;`);
  if (state.length > 0 && own.length === state.length) out.push(`  if (!mote_state_set) ${f}_reset();`);
  else if (state.length > 0) {
    out.push("  if (!mote_state_set) { /* not the variable tensors that are model inputs: the caller wrote them */");
    for (const r of own) out.push(fill(r, "    "));
    out.push("    mote_state_set = 1;", "  }");
  }
  program.steps.forEach((s, k) => {
    const call = `${s.fn}(${s.args.map(argExpr).join(", ")})`;
    out.push(`  /* ${s.label.replace(/\*\//g, "* /")} */`);
    out.push(`  MOTE_PROFILE_BEGIN(${s.opIndex});`);
    out.push(s.status ? `  const int32_t status${k} = ${call};` : `  ${call};`);
    out.push(`  MOTE_PROFILE_END(${s.opIndex});`);
    if (s.status) out.push(`  if (status${k} != 0) return (int)status${k};`);
    for (const p of s.produces ?? []) out.push(`  MOTE_TRACE_TENSOR(${s.opIndex}, ${p.tensor}, ${p.offset}, ${p.bytes});`);
  });
  out.push("  return 0;", "}", "");
  const text = out.join("\n");
  const section = options.arenaSection;
  // GNU as names a section's symbol after the section: one named like a symbol of the file clashes.
  const code = () => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  if (section !== undefined && /^[A-Za-z_]\w*$/.test(section) && new RegExp(`\\b${section}\\b`).test(code())) {
    fail(6041, section, "the library already has a symbol of that name (the assembler would clash); pick another, e.g. with a leading '.'");
  }
  return text;
}

/** The header and the source of `program` (options: cNames, MOTE6040 / MOTE6041). */
export function emitCLibrary(program: ModelProgram, options: CLibraryOptions = {}): CLibrary {
  const n = cNames(options);
  return { "model.h": emitModelH(program, n), "model.c": emitModelC(program, n, options) };
}

/**
 * Writes the header and the source (model.h and model.c, or `<name>.h` and `<name>.c`) and a
 * copy of the intrinsics header into `dir`; returns the two file names.
 */
export function writeCLibrary(program: ModelProgram, dir: string, options: CLibraryOptions = {}): { header: string; source: string } {
  const lib = emitCLibrary(program, options);
  const files = libraryFiles(options);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, files.header), lib["model.h"]);
  fs.writeFileSync(path.join(dir, files.source), lib["model.c"]);
  fs.copyFileSync(INTRINSICS_HEADER, path.join(dir, "mote_intrinsics.h"));
  return files;
}
