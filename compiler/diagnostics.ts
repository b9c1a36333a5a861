/**
 * @fileoverview Every error Mote reports to a user, in one table with stable codes.
 *
 * Ranges by phase: 1xxx model import, 2xxx kernel-subset check, 3xxx specialization and op
 * lowering, 4xxx memory planning, 5xxx emission, toolchains and boards. A code never changes
 * meaning once released; docs/subset.md and tests quote them. Raise errors only through
 * `fail(code, ...args)` (a user error: exit status 1, one line) so the text lives here.
 */

export interface DiagnosticInfo {
  /** Message template; {0}, {1}, ... are replaced by the arguments. */
  message: string;
  /** What the user should do instead (shown after the message). */
  hint?: string;
}

export const DIAGNOSTICS = {
  // 1xxx: model import
  1001: { message: "cannot read model file {0}: {1}" },
  1002: { message: "{0} is not a TFLite flatbuffer: {1}", hint: "pass an int8 .tflite file (identifier TFL3)" },
  1003: { message: "model file is truncated or corrupt: {0}", hint: "re-export the model; the file may be cut short or damaged" },
  1004: { message: "model has {0} subgraphs; Mote compiles models with exactly one subgraph" },
  1005: { message: "unsupported tensor type {0} for tensor {1} ({2})" },
  1006: { message: "model is not int8-quantized: {0}", hint: "quantize the model to int8 (full-integer post-training quantization) before compiling" },
  1007: { message: "model uses an unknown operator code {0} at op index {1}" },
  1008: { message: "unsupported operator{0}: {1}. Supported: {2}" },
  1009: { message: "invalid model: {0}" },

  // 2xxx: kernel-subset check (compiler/subset/). Each has a wrong example and the fix in docs/subset.md.
  2001: { message: "class declarations are not in the kernel subset", hint: "write plain functions that take a params record" },
  2002: { message: "closures, arrow functions and nested functions are not allowed", hint: "declare a top-level function and call it" },
  2003: { message: "strings are not allowed in kernels", hint: "use integer codes in the params record" },
  2004: { message: "exceptions (try/throw) are not allowed", hint: "return early; invalid models are rejected at compile time by op lowering" },
  2005: { message: "recursion is not allowed: {0}", hint: "rewrite it as a loop" },
  2006: { message: "allocation ({0}) is not allowed in kernels", hint: "take the buffer as a typed-array parameter; the planner places it in the arena" },
  2007: { message: "loose equality '{0}'", hint: "use === or !==" },
  2008: { message: "integer division must truncate explicitly", hint: "write (a / b) | 0 or Math.trunc(a / b)" },
  2009: { message: "missing or unsupported type for {0}", hint: "annotate it with i8, i16, i32, u8, u16, f32, boolean, a typed array or a params interface" },
  2010: { message: "float arithmetic must be rounded to f32 explicitly", hint: "wrap the operation in Math.fround(...); convert integers with Math.fround(i)" },
  2011: { message: "'.length' of an array is not available after lowering", hint: "pass the size in the params record" },
  2012: { message: "implicit narrowing from i32 to {0}", hint: "convert explicitly: toI8(x) / sat8(x) (or toI16 / sat16)" },
  2013: { message: "unknown function or global '{0}'", hint: "call a subset function, an intrinsic from kernels/intrinsics.ts, or Math.imul/min/max/abs/trunc/fround" },
  2014: { message: "condition must be a boolean expression", hint: "compare explicitly, e.g. if (n !== 0)" },
  2015: { message: "'var' declarations are not allowed", hint: "use let or const" },
  2016: { message: "'{0}' inside an expression", hint: "increment in its own statement (i++;) or in a for-loop step" },
  2017: { message: "{0} loops are not allowed", hint: "use for (let i: i32 = 0; i < n; i++)" },
  2018: { message: "import from '{0}' is not in the kernel subset", hint: "import only from ./types.ts, ./intrinsics.ts and other kernel files" },
  2019: { message: "object and array literals are not allowed", hint: "pass data as typed-array parameters or record fields" },
  2020: { message: "'switch' is not supported", hint: "use if / else if" },
  2021: { message: "plain 'number' has no machine type", hint: "use a machine type alias: i32, i16, i8, u8, u16 or f32" },
  2022: { message: "unsupported syntax: {0}", hint: "see docs/subset.md for what kernels may use" },
  2023: { message: "integer literal {0} does not fit in i32", hint: "integer constants are 32-bit signed" },
  2024: { message: "array or record '{0}' used as a value", hint: "index the array (a[i]) or read a field (p.x); arrays can only be passed to calls" },
  2025: { message: "wrong number of arguments to {0}: expected {1}, got {2}", hint: "pass exactly the parameters the function declares; Math.min/max take two, nest them for more" },
  2026: { message: "'{0}' is not declared", hint: "declare it with let/const in an enclosing block, or as a top-level const of this file; a for-loop variable ends with its loop" },
  2027: { message: "mismatched types: {0}", hint: "both sides must be i32, f32 or boolean; convert explicitly" },
  2028: { message: "record {1} has no field '{0}'", hint: "fix its spelling, or add the field to the params interface and have op lowering fill it" },
  2029: { message: "function '{0}' must declare its return type", hint: "add ': void' or ': i32'" },
  2030: { message: "cannot assign to '{0}'", hint: "only local variables, scalar parameters and array elements can be assigned" },

  // 3xxx: specialization and op lowering
  3001: { message: "op {0} ({1}) at index {2}: {3}" },

  // 4xxx: memory planning
  4001: { message: "model does not fit {0}: {1} needs {2} bytes, {3} available ({4} bytes short); peak at op {5} ({6})" },

  // 5xxx: emission, toolchains, boards
  5001: { message: "{0} not found", hint: "install it: {1}" },
  5002: { message: "{0} failed: {1}" },
  5003: { message: "unknown board {0}. Boards: {1}" },
  5004: { message: "unknown target {0}. Targets: ts, wasm, host, qemu" },
  5005: { message: "input {0}: expected {1} bytes for tensor {2} ({3}), got {4}" },
  5006: { message: "firmware did not finish: {0}" },
  5007: { message: "board {0} has no firmware support yet (description only)", hint: "use --board {1}, optionally with {0}'s memory limits" },
  5008: { message: "invalid board description {0}: {1}" },
} satisfies Record<number, DiagnosticInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;

/** A user error: bad input, missing tool, model that does not fit. The CLI exits 1 on it. */
export class MoteError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "MoteError";
  }

  /** One line for the terminal: `error MOTE1003: ... (hint)`. */
  oneLine(): string {
    return `error MOTE${this.code}: ${this.message}${this.hint ? ` (${this.hint})` : ""}`;
  }
}

export function formatDiagnostic(code: DiagnosticCode, args: readonly unknown[]): string {
  const info: DiagnosticInfo = DIAGNOSTICS[code];
  return info.message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
}

/** Throws the user error `code` with its message filled from `args`. */
export function fail(code: DiagnosticCode, ...args: unknown[]): never {
  const info: DiagnosticInfo = DIAGNOSTICS[code];
  let hint = info.hint;
  if (hint) hint = hint.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
  throw new MoteError(code, formatDiagnostic(code, args), hint);
}
