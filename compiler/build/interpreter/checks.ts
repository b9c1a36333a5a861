/**
 * @fileoverview The kernel table of an interpreter build: what runtime/interpreter.ts
 * `imageStatus` checks a model image against. It is the build's own constant (flash, next to
 * the code), not part of the image, so replacing the image cannot change it.
 *
 * Layout (i32 words): 0 image words, 1 arena bytes (the build's), 2 kernel count K, then K pairs
 * (kernel id, word index of its entry); an entry: record field count, array argument count A,
 * the element size of each of the A arrays, rule count, then the rules (record-rules.ts):
 *   RANGE 1, field, lo, hi                    lo <= record[field] <= hi
 *   NEED  2, arg, n, n x (kind, value)        bytes(arg) >= element size x product of factors;
 *                                             kind 0 record[value] (must be >= 0), 1 the
 *                                             constant value, 2 record[value] != 0 ? 1 : 0
 *   VALUES 3, arg, lo, hi                     every i32 of an image argument in [lo, hi]
 *   CHECK 4, expr guard, expr body            when guard is nonzero: body is nonzero
 *   STRIDED 5, arg, lo, hi, expr when, expr first, expr step
 *                                             when nonzero: the i32 at first, first + step, ...
 *                                             of an image argument in [lo, hi]
 * An expression: its token count n, then n (op, operand) pairs in postfix order (OPS below;
 * operand used by the leaves: field index, constant, argument index), at most MAX_DEPTH values
 * deep; the device evaluates it with every value within +-(2^30 - 1) or rejects the record.
 */
import type { KFunction, RecordType } from "../../ir/kir.ts";
import { scalarBytes } from "../../ir/kir.ts";
import { RECORD_RULES, type Expr, type Factor, type Guarded, type KernelRules } from "./record-rules.ts";

/** The ModelProgram constant that holds the kernel table. */
export const KERNEL_TABLE_CONSTANT = "mote_kernel_table";

const RULE_RANGE = 1;
const RULE_NEED = 2;
const RULE_VALUES = 3;
const RULE_CHECK = 4;
const RULE_STRIDED = 5;
const FACTOR_FIELD = 0;
const FACTOR_CONST = 1;
const FACTOR_FLAG = 2;

/** Expression opcodes; runtime/interpreter.ts OP_* agree. 0..2 are leaves. */
const OP_FIELD = 0;
const OP_CONST = 1;
const OP_ELEMS = 2;
const OPS: Record<string, number> = {
  "+": 3, "-": 4, "*": 5, "/": 6, "%": 7, min: 8, max: 9, "<": 10, "<=": 11, "==": 12, "!=": 13, "&&": 14, "||": 15, "?": 16,
};
/** The device's expression stack (runtime/interpreter.ts `evaluate`: eight locals). */
export const MAX_DEPTH = 8;

/** Postfix tokens of `e` and the stack depth they need. */
function encodeExpr(key: string, e: Expr, field: (name: string) => number, arrays: number): { tokens: number[]; depth: number } {
  if (typeof e === "number") return { tokens: [OP_CONST, e], depth: 1 };
  if (typeof e === "string") return { tokens: [OP_FIELD, field(e)], depth: 1 };
  if (!Array.isArray(e)) {
    if (e.elems < 0 || e.elems >= arrays) throw new Error(`interpreter: record rules of ${key} name array ${e.elems}; it takes ${arrays}`);
    return { tokens: [OP_ELEMS, e.elems], depth: 1 };
  }
  const [op, ...args] = e;
  const code = OPS[op];
  if (code === undefined) throw new Error(`interpreter: record rules of ${key}: unknown operator ${op}`);
  const parts = args.map((a) => encodeExpr(key, a, field, arrays));
  if (op === "?") {
    if (parts.length !== 3) throw new Error(`interpreter: record rules of ${key}: ? takes 3 operands`);
    return { tokens: [...parts[0].tokens, ...parts[1].tokens, ...parts[2].tokens, code, 0], depth: Math.max(parts[0].depth, 1 + parts[1].depth, 2 + parts[2].depth) };
  }
  if (parts.length < 2) throw new Error(`interpreter: record rules of ${key}: ${op} takes 2 operands or more`);
  if (parts.length > 2 && !["+", "*", "min", "max", "&&", "||"].includes(op)) throw new Error(`interpreter: record rules of ${key}: ${op} takes 2 operands`);
  // Folded to the left: ((a op b) op c) ...
  let tokens = parts[0].tokens;
  let depth = parts[0].depth;
  for (const p of parts.slice(1)) {
    tokens = [...tokens, ...p.tokens, code, 0];
    depth = Math.max(depth, 1 + p.depth);
  }
  return { tokens, depth };
}

/** An expression's table words: its token count, then its tokens. */
function exprWords(key: string, e: Expr, field: (name: string) => number, arrays: number): number[] {
  const { tokens, depth } = encodeExpr(key, e, field, arrays);
  if (depth > MAX_DEPTH) throw new Error(`interpreter: record rules of ${key}: an expression ${depth} values deep (at most ${MAX_DEPTH}): reorder it`);
  return [tokens.length / 2, ...tokens];
}

export interface TableKernel {
  id: number;
  kernel: string;
  fn: string;
  entry: KFunction;
}

function encodeRules(key: string, rules: KernelRules, fields: string[], arrays: number): number[] {
  const field = (name: string): number => {
    const k = fields.indexOf(name);
    if (k < 0) throw new Error(`interpreter: record rules of ${key} name field ${name}, which its record lacks`);
    return k;
  };
  const factor = (f: Factor): number[] => {
    if (typeof f === "number") return [FACTOR_CONST, f];
    if (f.startsWith("?")) return [FACTOR_FLAG, field(f.slice(1))];
    return [FACTOR_FIELD, field(f)];
  };
  const out: number[] = [];
  let count = 0;
  for (const [name, lo, hi] of rules.ranges ?? []) {
    out.push(RULE_RANGE, field(name), lo, hi);
    count++;
  }
  for (const [arg, ...factors] of rules.needs ?? []) {
    if (arg < 0 || arg >= arrays) throw new Error(`interpreter: record rules of ${key} name array ${arg}; it takes ${arrays}`);
    out.push(RULE_NEED, arg, factors.length, ...factors.flatMap(factor));
    count++;
  }
  for (const [arg, lo, hi] of rules.values ?? []) {
    if (arg < 0 || arg >= arrays) throw new Error(`interpreter: record rules of ${key} name array ${arg}; it takes ${arrays}`);
    out.push(RULE_VALUES, arg, lo, hi);
    count++;
  }
  for (const c of rules.checks ?? []) {
    const [guard, body]: [Expr, Expr] = typeof c === "object" && !Array.isArray(c) && "then" in c ? [(c as Guarded).if, (c as Guarded).then] : [1, c as Expr];
    out.push(RULE_CHECK, ...exprWords(key, guard, field, arrays), ...exprWords(key, body, field, arrays));
    count++;
  }
  for (const [arg, lo, hi, when, first, step] of rules.strided ?? []) {
    if (arg < 0 || arg >= arrays) throw new Error(`interpreter: record rules of ${key} name array ${arg}; it takes ${arrays}`);
    out.push(RULE_STRIDED, arg, lo, hi, ...exprWords(key, when, field, arrays), ...exprWords(key, first, field, arrays), ...exprWords(key, step, field, arrays));
    count++;
  }
  return [count, ...out];
}

/** The kernel table of a build: its image's word count, its arena's bytes and its kernels. */
export function buildKernelTable(
  kernels: TableKernel[],
  records: ReadonlyMap<string, RecordType>,
  imageWords: number,
  arenaBytes: number,
): Int32Array {
  const index: number[] = [];
  const entries: number[] = [];
  const base = 3 + 2 * kernels.length;
  for (const k of kernels) {
    const [rec, ...arrays] = k.entry.params;
    const fields = rec.type.kind === "record" ? records.get(rec.type.name)?.fields ?? [] : [];
    const elems = arrays.map((p) => (p.type.kind === "array" ? scalarBytes(p.type.elem) : 4));
    const key = `${k.kernel}.${k.fn}`;
    index.push(k.id, base + entries.length);
    entries.push(fields.length, elems.length, ...elems, ...encodeRules(key, RECORD_RULES[key] ?? {}, fields, elems.length));
  }
  return Int32Array.from([imageWords, arenaBytes, kernels.length, ...index, ...entries]);
}

/** The kernels (`stem.fn`) that have record rules; the others are checked by size and checksum. */
export function kernelsWithRules(): string[] {
  return Object.keys(RECORD_RULES).sort();
}
