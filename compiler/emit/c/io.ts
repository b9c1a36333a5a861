/**
 * @fileoverview The model's interface in the C library: model.h's I/O constants
 * (MOTE_INPUT0_DIM0..., a `mote_dtype` enum with TfLiteType's values), the `mote_tensor_info`
 * table behind mote_input_info() / mote_output_info(), and mote_quantize_input() /
 * mote_dequantize_output(); with `--name kws` (IoNames) kws_input_info(), KWS_INPUT0_DIM0, ...
 * The dtype enum, the table type and the MOTE_IO_* statuses are shared by every library,
 * defined once behind MOTE_SHARED_TYPES_H.
 *
 * The two helpers only dispatch: they check the index, the dtype and the count, then call the
 * conversion the build compiled from kernels/quantize.ts or kernels/dequantize.ts for that
 * tensor (IoTensor.convert, compiler/build/io.ts), so their arithmetic is the kernels' (TFLite's
 * AffineQuantize and Dequantize), specialized or generic like the model's own steps. The table
 * comes from compiler/ir/io.ts, the same one report.json shows.
 */
import type { DType } from "../../ir/graph.ts";
import type { ModelProgram, IoTensor } from "../../ir/program.ts";
import { argExpr } from "./function.ts";

/** The library's prefixes (model.ts CNames): `fn` for functions, `macro` for macros. */
export interface IoNames {
  fn: string;
  macro: string;
}

/** TfLiteType's value of each dtype (tensorflow/lite/core/c/c_api_types.h). */
const DTYPE_CODES: Record<DType, number> = { float32: 1, int32: 2, uint8: 3, int64: 4, bool: 6, int16: 7, int8: 9 };

const dtypeConstant = (d: DType): string => `MOTE_DTYPE_${d.toUpperCase()}`;

/**
 * A float32 value as a C float literal that converts to exactly that float: 9 significant digits
 * are within 2^-27 (relative) of it, far inside its rounding interval, so no double rounding.
 */
export function cFloat(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new Error(`non-finite scale ${v}`);
  if (f === 0) return "0.0f";
  let s = f.toPrecision(9).replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, ".0$1");
  if (!/[.e]/.test(s)) s += ".0";
  if (Math.fround(Number(s)) !== f) throw new Error(`internal: ${s} is not the float ${f}`);
  return `${s}f`;
}

/** `s` as a C string literal (UTF-8; quotes, backslashes, '?' and non-printable bytes escaped). */
export function cString(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    if (c === '"' || c === "\\" || c === "?") out += `\\${c}`;
    else if (b >= 0x20 && b < 0x7f) out += c;
    else out += `\\${b.toString(8).padStart(3, "0")}`;
  }
  return `"${out}"`;
}

const comment = (s: string): string => s.replace(/\*\//g, "* /").replace(/[\r\n]/g, " ");
const num = (n: number): string => (n < 0 ? `(${n})` : String(n));

function tensorMacros(prefix: string, kind: string, k: number, t: IoTensor): string[] {
  const i = t.info;
  const p = `${prefix}${k}`;
  return [
    `/* ${kind} ${k}: ${comment(i.name)} (tensor ${i.tensor}), ${i.dtype} [${i.shape.join(", ")}]` +
      (i.scale !== 0 ? `, scale ${cFloat(i.scale).slice(0, -1)}, zero point ${i.zeroPoint} */` : i.perChannel ? ", per-channel quantization */" : " */"),
    `#define ${p}_DTYPE ${dtypeConstant(i.dtype)}`,
    `#define ${p}_RANK ${i.shape.length}`,
    ...i.shape.map((d, j) => `#define ${p}_DIM${j} ${d}`),
    `#define ${p}_ELEMENTS ${i.elements}`,
    `#define ${p}_BYTES ${i.bytes}`,
    `#define ${p}_SCALE ${cFloat(i.scale)}`,
    `#define ${p}_ZERO_POINT ${num(i.zeroPoint)}`,
    `#define ${p}_QUANTIZED ${i.quantized ? 1 : 0}`,
    "",
  ];
}

/**
 * Statuses of <name>_init() / <name>_invoke() / <name>_status(): runtime/interpreter.ts
 * `imageStatus`'s reasons (compiler/build/interpreter/status.ts), plus 16 x (step + 1) when a
 * step of the model image is at fault, and NOT_INITIALISED from <name>_status() alone.
 */
const STATUS_LINES = [
  "/*",
  " * Statuses of <name>_init() and <name>_invoke() (0: ok). Interpreter mode checks the model",
  " * image before the first inference; a nonzero status is MOTE_STATUS_REASON(s), and when a step",
  " * of the image is at fault, MOTE_STATUS_STEP(s) is that step (else -1). Codegen mode: the",
  " * compiler made these checks, so init and invoke return 0.",
  " */",
  "#define MOTE_STATUS_OK 0",
  "/** not a model image (magic) */",
  "#define MOTE_STATUS_BAD_MAGIC 1",
  "/** a model image of another format version */",
  "#define MOTE_STATUS_BAD_VERSION 2",
  "/** a size, offset or access size outside the image or the arena */",
  "#define MOTE_STATUS_OUT_OF_RANGE 3",
  "/** a step names a kernel this build does not contain */",
  "#define MOTE_STATUS_UNKNOWN_KERNEL 4",
  "/** the image's checksum does not match (damaged or edited) */",
  "#define MOTE_STATUS_BAD_CHECKSUM 5",
  "/** a step's record or arguments do not fit its kernel */",
  "#define MOTE_STATUS_BAD_RECORD 6",
  "/** <name>_status() before <name>_init() or <name>_invoke() ran */",
  "#define MOTE_STATUS_NOT_INITIALISED 7",
  "#define MOTE_STATUS_REASON(s) ((s) % 16)",
  "#define MOTE_STATUS_STEP(s) ((s) / 16 - 1)",
];

/**
 * The types and statuses every library shares: defined once behind MOTE_SHARED_TYPES_H, so the
 * headers of several libraries (mote compile --name) compile in one file.
 */
function sharedTypes(): string[] {
  return [
    "/* Shared by every Mote library (the same in each header): defined once. */",
    "#ifndef MOTE_SHARED_TYPES_H",
    "#define MOTE_SHARED_TYPES_H",
    "",
    "/** Element types (TfLiteType's values). Enum constants: compare the *_DTYPE macros in C, not in #if (*_QUANTIZED is a plain 0/1). */",
    "typedef enum mote_dtype {",
    ...Object.entries(DTYPE_CODES).sort((a, b) => a[1] - b[1]).map(([d, code], j, all) =>
      `  ${dtypeConstant(d as DType)} = ${code}${j < all.length - 1 ? "," : ""}`),
    "} mote_dtype;",
    "",
    "/**",
    " * One input or output tensor. A quantized tensor holds q with real = scale * (q - zero_point);",
    " * scale 0 and zero_point 0: not quantized per tensor (as TfLiteQuantizationParams).",
    " */",
    "typedef struct mote_tensor_info {",
    "  const char *name;",
    "  mote_dtype dtype;",
    "  int rank;",
    "  /** rank dimensions (NULL when rank is 0) */",
    "  const int32_t *shape;",
    "  float scale;",
    "  int32_t zero_point;",
    "  size_t elements;",
    "  size_t bytes;",
    "  /** 1: int8 per-tensor quantized, converted by <name>_quantize_input / <name>_dequantize_output (name: mote unless compiled with --name) */",
    "  int quantized;",
    "} mote_tensor_info;",
    "",
    "/* Results of the quantize / dequantize helpers. */",
    "#define MOTE_IO_OK 0",
    "#define MOTE_IO_BAD_INDEX 1",
    "/** count is not the tensor's number of elements */",
    "#define MOTE_IO_BAD_COUNT 2",
    "/** the tensor is not int8 with one scale (see mote_tensor_info.quantized) */",
    "#define MOTE_IO_NOT_QUANTIZED 3",
    "#define MOTE_IO_NULL 4",
    "",
    ...STATUS_LINES,
    "",
    "#endif /* MOTE_SHARED_TYPES_H */",
    "",
  ];
}

/** model.h's part: the shared types, each tensor's constants and the helpers. */
export function ioHeader(program: ModelProgram, n: IoNames): string[] {
  const f = n.fn;
  return [
    "/* ---- The model's interface: each input's and output's shape, dtype and quantization ---- */",
    "",
    ...sharedTypes(),
    ...program.inputs.flatMap((t, k) => tensorMacros(`${n.macro}_INPUT`, "input", k, t)),
    ...program.outputs.flatMap((t, k) => tensorMacros(`${n.macro}_OUTPUT`, "output", k, t)),
    `/** Input or output \`index\` (0 <= index < ${n.macro}_NUM_INPUTS / ${n.macro}_NUM_OUTPUTS), or NULL. */`,
    `const mote_tensor_info *${f}_input_info(int index);`,
    `const mote_tensor_info *${f}_output_info(int index);`,
    "",
    "/**",
    " * Quantizes `count` floats (the input's elements, in its layout) into input `index`, as TFLite's",
    " * QUANTIZE does: q = round(value / scale) + zero_point (halves away from zero), clamped to int8.",
    ` * Call before ${f}_invoke(). Returns MOTE_IO_OK or the reason nothing was written.`,
    " */",
    `int ${f}_quantize_input(int index, const float *values, size_t count);`,
    "/**",
    ` * Dequantizes output \`index\` after ${f}_invoke() into \`count\` floats (its elements), as TFLite's`,
    " * DEQUANTIZE does: value = scale * (q - zero_point). Returns MOTE_IO_OK or the reason nothing was written.",
    " */",
    `int ${f}_dequantize_output(int index, float *values, size_t count);`,
    "",
  ];
}

function table(out: string[], f: string, prefix: string, kind: "input" | "output", list: IoTensor[]): void {
  if (list.length === 0) {
    out.push(`const mote_tensor_info *${f}_${kind}_info(int index) {`, "  (void)index;", "  return NULL;", "}", "");
    return;
  }
  list.forEach((t, k) => {
    if (t.info.shape.length > 0) out.push(`static const int32_t mote_${kind}${k}_shape[${t.info.shape.length}] = { ${t.info.shape.join(", ")} };`);
  });
  out.push(`static const mote_tensor_info mote_${kind}_infos[${list.length}] = {`);
  list.forEach((t, k) => {
    const p = `${prefix}${k}`;
    const shape = t.info.shape.length > 0 ? `mote_${kind}${k}_shape` : "NULL";
    out.push(`  { ${cString(t.info.name)}, ${p}_DTYPE, ${p}_RANK, ${shape}, ${p}_SCALE, ${p}_ZERO_POINT, ${p}_ELEMENTS, ${p}_BYTES, ${p}_QUANTIZED },`);
  });
  out.push("};", "");
  out.push(`const mote_tensor_info *${f}_${kind}_info(int index) {`);
  out.push(`  return index >= 0 && index < ${list.length} ? &mote_${kind}_infos[index] : NULL;`, "}", "");
}

function helper(out: string[], prefix: string, list: IoTensor[], signature: string): void {
  out.push(`${signature} {`);
  // No quantized tensor of this kind: the parameters are unused.
  if (!list.some((t) => t.convert)) out.push("  (void)values;", "  (void)count;");
  out.push("  switch (index) {");
  list.forEach((t, k) => {
    out.push(`    case ${k}:`);
    if (!t.convert) {
      out.push("      return MOTE_IO_NOT_QUANTIZED;");
      return;
    }
    out.push(
      "      if (values == NULL) return MOTE_IO_NULL;",
      `      if (count != ${prefix}${k}_ELEMENTS) return MOTE_IO_BAD_COUNT;`,
      `      ${t.convert.fn}(${t.convert.args.map(argExpr).join(", ")});`,
      "      return MOTE_IO_OK;",
    );
  });
  out.push("    default:", "      return MOTE_IO_BAD_INDEX;", "  }", "}", "");
}

/** model.c's part: the table, <name>_input_info / <name>_output_info and the two helpers. */
export function ioSource(program: ModelProgram, n: IoNames): string[] {
  const out: string[] = [];
  const f = n.fn;
  table(out, f, `${n.macro}_INPUT`, "input", program.inputs);
  table(out, f, `${n.macro}_OUTPUT`, "output", program.outputs);
  helper(out, `${n.macro}_INPUT`, program.inputs, `int ${f}_quantize_input(int index, const float *values, size_t count)`);
  helper(out, `${n.macro}_OUTPUT`, program.outputs, `int ${f}_dequantize_output(int index, float *values, size_t count)`);
  return out;
}
