/**
 * @fileoverview A ModelProgram spelled as a C library: model.h (the API) and model.c.
 *
 * model.c holds the constant data (flash), one static arena (.bss), the kernel functions the
 * program needs (specialized or generic), `mote_init()` (the program's init steps, run once:
 * the interpreter's image check) and `mote_invoke()`, a straight line of calls that returns 0,
 * or the nonzero status of a step that can fail (InvokeStep.status); it runs mote_init() first
 * while that has not succeeded; `mote_reset()` zeroes the variable tensors (ModelProgram.state:
 * streaming state, otherwise kept between invocations). The API is the same for every board and for the host, so the library drops into any Makefile,
 * CMake or IDE project together with runtime/mote_intrinsics.h. No malloc, no stdio.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelProgram } from "../../ir/program.ts";
import { argExpr, C_TYPES, cSignature, emitFunction, emitRecordStruct } from "./function.ts";
import { ioHeader, ioSource } from "./io.ts";
import { MOTE_VERSION, REPO_ROOT } from "../../paths.ts";

export const INTRINSICS_HEADER = path.join(REPO_ROOT, "runtime", "mote_intrinsics.h");

export interface CLibrary {
  "model.h": string;
  "model.c": string;
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

function emitModelH(program: ModelProgram): string {
  const guard = "MOTE_MODEL_H";
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
    `#define MOTE_NUM_INPUTS ${program.inputs.length}`,
    `#define MOTE_NUM_OUTPUTS ${program.outputs.length}`,
    `#define MOTE_ARENA_BYTES ${program.arenaBytes}`,
    "",
    "/** Where to write input tensor `index` (raw bytes in the tensor's layout) before mote_invoke(). */",
    "void *mote_input(int index);",
    "size_t mote_input_bytes(int index);",
    "/** Output tensor `index`, valid after mote_invoke() until the next call. */",
    "const void *mote_output(int index);",
    "size_t mote_output_bytes(int index);",
    "/**",
    " * Checks the model once before the first inference (interpreter mode: the model image, as",
    " * TFLite Micro checks a model in AllocateTensors). Returns 0, or nonzero when the model cannot",
    " * run. Optional: mote_invoke() runs it first while it has not succeeded. Codegen mode: 0.",
    " */",
    "int mote_init(void);",
    "/**",
    " * Runs one inference. Uses only the static arena; no allocation. Returns 0, or nonzero when",
    " * the model cannot run (interpreter mode: its image is rejected before any layer runs; the",
    " * outputs are then not written). Codegen mode always returns 0.",
    " */",
    "int mote_invoke(void);",
    "/**",
    " * Zeroes the model's state (variable tensors, e.g. a streaming audio front end's history and",
    " * feature window), as at start-up: call it before a new stream. The state is otherwise kept",
    " * from one mote_invoke() to the next. No state: does nothing.",
    " */",
    "void mote_reset(void);",
    "",
    ...ioHeader(program),
    "#ifdef __cplusplus",
    "}",
    "#endif",
    "",
    `#endif /* ${guard} */`,
    "",
  ].join("\n");
}

function formatValues(values: ArrayLike<number>, perLine: number): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) {
      const v = values[j];
      row.push(v === -2147483648 ? "INT32_MIN" : String(v));
    }
    lines.push(`  ${row.join(", ")},`);
  }
  return lines.join("\n");
}

function emitModelC(program: ModelProgram): string {
  const out: string[] = [...header(program, constBytes(program))];
  out.push(
    '#include "model.h"',
    '#include "mote_intrinsics.h"',
    "",
    "static inline int32_t mote_min(int32_t a, int32_t b) { return a < b ? a : b; }",
    "static inline int32_t mote_max(int32_t a, int32_t b) { return a > b ? a : b; }",
    "static inline int32_t mote_abs(int32_t a) { return a < 0 ? (int32_t)(0u - (uint32_t)a) : a; }",
    "",
    "#ifdef MOTE_TRACE",
    "/* Debug builds: called after every layer with each tensor it produced. */",
    "void mote_trace(int op_index, int tensor_index, const void *data, size_t bytes);",
    "#define MOTE_TRACE_TENSOR(op, t, off, n) mote_trace((op), (t), mote_arena + (off), (n))",
    "#else",
    "#define MOTE_TRACE_TENSOR(op, t, off, n) ((void)0)",
    "#endif",
    "",
    "#ifdef MOTE_PROFILE",
    "/* Profiling builds: called before and after every layer (mote_invoke's steps: constant op",
    " * indices; the interpreter's dispatch: run-time step keys). */",
    "void mote_profile_begin(int op_index);",
    "void mote_profile_end(int op_index);",
    "#if defined(__thumb2__)",
    "/* Thumb-2: the call sits in an asm that saves every register it may clobber, so the compiler sees",
    " * only a memory barrier and the layers' code (and instruction count) stays that of the plain build;",
    " * a plain call between inlined layers changes their register allocation (kws: +1.1 %). */",
    "#define MOTE_PROFILE_CALL(fn, op) __asm__ volatile(\"push {r0-r3, r12, lr}\\n\\tmovw r0, #:lower16:%c0\\n\\tmovt r0, #:upper16:%c0\\n\\tbl \" #fn \"\\n\\tpop {r0-r3, r12, lr}\" : : \"i\"(op) : \"memory\", \"cc\")",
    "#define MOTE_PROFILE_BEGIN(op) MOTE_PROFILE_CALL(mote_profile_begin, op)",
    "#define MOTE_PROFILE_END(op) MOTE_PROFILE_CALL(mote_profile_end, op)",
    "#else",
    "#define MOTE_PROFILE_BEGIN(op) mote_profile_begin(op)",
    "#define MOTE_PROFILE_END(op) mote_profile_end(op)",
    "#endif",
    "#define MOTE_PROFILE_STEP_BEGIN(key) mote_profile_begin(key)",
    "#define MOTE_PROFILE_STEP_END(key) mote_profile_end(key)",
    "#else",
    "#define MOTE_PROFILE_BEGIN(op) ((void)0)",
    "#define MOTE_PROFILE_END(op) ((void)0)",
    "#define MOTE_PROFILE_STEP_BEGIN(key) ((void)(key))",
    "#define MOTE_PROFILE_STEP_END(key) ((void)(key))",
    "#endif",
    "",
    `static uint8_t mote_arena[${Math.max(program.arenaBytes, 16)}] __attribute__((aligned(16)));`,
    "",
  );
  for (const r of program.records) out.push(emitRecordStruct(r), "");
  for (const c of program.constants) {
    const t = C_TYPES[c.elem];
    if (c.values.length === 0) continue;
    const perLine = c.elem === "i32" || c.elem === "f32" ? 8 : 24;
    out.push(`static const ${t} ${c.name}[${c.values.length}] __attribute__((aligned(16))) = {`, formatValues(c.values, perLine), "};");
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
  for (const fn of program.functions) out.push(emitFunction(fn), "");

  const io = (kind: "input" | "output", list: ModelProgram["inputs"]) => {
    const cq = kind === "output" ? "const " : "";
    out.push(`${cq}void *mote_${kind}(int index) {`);
    out.push(`  switch (index) {`);
    list.forEach((t, i) => out.push(`    case ${i}: return mote_arena + ${t.offset}; /* ${t.name.replace(/\*\//g, "* /")} */`));
    out.push("    default: return NULL;", "  }", "}", "");
    out.push(`size_t mote_${kind}_bytes(int index) {`);
    out.push(`  switch (index) {`);
    list.forEach((t, i) => out.push(`    case ${i}: return ${t.bytes};`));
    out.push("    default: return 0;", "  }", "}", "");
  };
  io("input", program.inputs);
  io("output", program.outputs);
  out.push(...ioSource(program));

  const init = program.init ?? [];
  if (init.length === 0) {
    out.push("int mote_init(void) {", "  return 0;", "}", "");
  } else {
    out.push("/* -1: mote_init() has not run; else its status (0: the model can run). */");
    out.push("static int mote_init_status = -1;", "");
    out.push("int mote_init(void) {");
    init.forEach((s, k) => {
      out.push(`  /* ${s.label.replace(/\*\//g, "* /")} */`);
      out.push(`  const int32_t init${k} = ${s.fn}(${s.args.map(argExpr).join(", ")});`);
      out.push(`  if (init${k} != 0) return mote_init_status = (int)init${k};`);
    });
    out.push("  return mote_init_status = 0;", "}", "");
  }
  out.push("void mote_reset(void) {");
  for (const r of program.state ?? []) {
    out.push(`  for (size_t i = 0; i < ${r.bytes}u; i++) mote_arena[${r.offset}u + i] = 0u; /* ${r.name.replace(/\*\//g, "* /")} */`);
  }
  out.push("}", "");
  out.push("int mote_invoke(void) {");
  if (init.length > 0) out.push("  if (mote_init_status != 0 && mote_init() != 0) return mote_init_status;");
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
  return out.join("\n");
}

export function emitCLibrary(program: ModelProgram): CLibrary {
  return { "model.h": emitModelH(program), "model.c": emitModelC(program) };
}

/** Writes model.h, model.c and a copy of the intrinsics header into `dir`. */
export function writeCLibrary(program: ModelProgram, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const lib = emitCLibrary(program);
  fs.writeFileSync(path.join(dir, "model.h"), lib["model.h"]);
  fs.writeFileSync(path.join(dir, "model.c"), lib["model.c"]);
  fs.copyFileSync(INTRINSICS_HEADER, path.join(dir, "mote_intrinsics.h"));
}
