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
 */
import type { KFunction, RecordType } from "../../ir/kir.ts";
import { scalarBytes } from "../../ir/kir.ts";
import { RECORD_RULES, type Factor, type KernelRules } from "./record-rules.ts";

/** The ModelProgram constant that holds the kernel table. */
export const KERNEL_TABLE_CONSTANT = "mote_kernel_table";

const RULE_RANGE = 1;
const RULE_NEED = 2;
const RULE_VALUES = 3;
const FACTOR_FIELD = 0;
const FACTOR_CONST = 1;
const FACTOR_FLAG = 2;

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
