/**
 * @fileoverview One wrong kernel and its fix for every subset diagnostic (MOTE2001..MOTE2030).
 *
 * Each `wrong` is a small, complete kernel file (importing from "./types.ts" and
 * "./intrinsics.ts" as a file in kernels/ would) whose FIRST diagnostic is `code`, at
 * `line`:`col`; each `fix` is the corrected file and checks clean. scripts/gen-subset-doc.ts
 * turns this table into docs/subset.md, and test/frontend/examples.test.ts holds it to its word
 * (the table covers every 2xxx code of compiler/diagnostics.ts; every wrong/fix pair behaves as
 * stated; every fix also type-checks with tsc --strict). `checkKernelSource` is the one way both
 * run the checker on a snippet: it writes it next to copies of kernels/types.ts and
 * kernels/intrinsics.ts so the imports resolve exactly as they do in kernels/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkFiles } from "./program.ts";
import { KERNELS_DIR } from "../paths.ts";
import type { SubsetDiagnostic } from "./source.ts";

export interface SubsetExample {
  code: number;
  /** Short heading for docs/subset.md. */
  title: string;
  /** A kernel file whose first diagnostic is `code`. */
  wrong: string;
  /** Where that first diagnostic points (1-based). */
  line: number;
  col: number;
  /** The corrected kernel file: no diagnostics. */
  fix: string;
  /** True when tsc --strict rejects `wrong` too; every other `wrong` is valid TypeScript. */
  tscError?: boolean;
}

export const SUBSET_EXAMPLES: readonly SubsetExample[] = [
  {
    code: 2001,
    title: "Classes",
    line: 8,
    col: 1,
    wrong: `import type { i32 } from "./types.ts";
import { sat8 } from "./intrinsics.ts";

export interface ScaleParams {
  size: i32;
}

export class Scaler {
  factor: i32 = 2;
  run(p: ScaleParams, data: Int8Array): void {
    for (let i: i32 = 0; i < p.size; i++) data[i] = sat8(data[i] * this.factor);
  }
}
`,
    fix: `import type { i32 } from "./types.ts";
import { sat8 } from "./intrinsics.ts";

export interface ScaleParams {
  size: i32;
  factor: i32;
}

export function scale(p: ScaleParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) data[i] = sat8(data[i] * p.factor);
}
`,
  },
  {
    code: 2002,
    title: "Closures and arrow functions",
    line: 9,
    col: 17,
    wrong: `import type { i32 } from "./types.ts";

export interface ReluParams {
  size: i32;
  zeroPoint: i32;
}

export function relu(p: ReluParams, data: Int8Array): void {
  const clamp = (x: i32): i32 => (x < p.zeroPoint ? p.zeroPoint : x);
  for (let i: i32 = 0; i < p.size; i++) data[i] = clamp(data[i]);
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface ReluParams {
  size: i32;
  zeroPoint: i32;
}

function clampBelow(x: i32, lo: i32): i32 {
  return x < lo ? lo : x;
}

export function relu(p: ReluParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) data[i] = clampBelow(data[i], p.zeroPoint);
}
`,
  },
  {
    code: 2003,
    title: "Strings",
    line: 9,
    col: 18,
    wrong: `import type { i32 } from "./types.ts";

export interface ActParams {
  size: i32;
}

export function activate(p: ActParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const kind = "relu";
    if (kind === "relu" && data[i] < 0) data[i] = 0;
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

const ACT_NONE: i32 = 0;
const ACT_RELU: i32 = 1;

export interface ActParams {
  size: i32;
  /** ACT_NONE or ACT_RELU, chosen by op lowering. */
  activation: i32;
}

export function activate(p: ActParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    if (p.activation === ACT_RELU && data[i] < 0) data[i] = 0;
  }
}
`,
  },
  {
    code: 2004,
    title: "Exceptions",
    line: 10,
    col: 5,
    wrong: `import type { i32 } from "./types.ts";

export interface DivParams {
  size: i32;
  divisor: i32;
}

export function divideAll(p: DivParams, data: Int32Array): void {
  if (p.divisor === 0) {
    throw new Error("division by zero");
  }
  for (let i: i32 = 0; i < p.size; i++) data[i] = (data[i] / p.divisor) | 0;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface DivParams {
  size: i32;
  /** Never 0: op lowering rejects such a model at compile time. */
  divisor: i32;
}

export function divideAll(p: DivParams, data: Int32Array): void {
  if (p.divisor === 0) {
    return;
  }
  for (let i: i32 = 0; i < p.size; i++) data[i] = (data[i] / p.divisor) | 0;
}
`,
  },
  {
    code: 2005,
    title: "Recursion",
    line: 3,
    col: 1,
    wrong: `import type { i32 } from "./types.ts";

function sumTo(n: i32): i32 {
  if (n <= 0) return 0;
  return n + sumTo(n - 1);
}

export interface TriangleParams {
  n: i32;
}

export function triangle(p: TriangleParams, out: Int32Array): void {
  out[0] = sumTo(p.n);
}
`,
    fix: `import type { i32 } from "./types.ts";

function sumTo(n: i32): i32 {
  let sum: i32 = 0;
  for (let k: i32 = 1; k <= n; k++) sum += k;
  return sum;
}

export interface TriangleParams {
  n: i32;
}

export function triangle(p: TriangleParams, out: Int32Array): void {
  out[0] = sumTo(p.n);
}
`,
  },
  {
    code: 2006,
    title: "Allocation",
    line: 9,
    col: 15,
    wrong: `import type { i32 } from "./types.ts";

export interface PrefixParams {
  size: i32;
}

/** Running sums of data into out. */
export function prefixSums(p: PrefixParams, data: Int8Array, out: Int32Array): void {
  const acc = new Int32Array(p.size);
  let sum: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) {
    sum += data[i];
    acc[i] = sum;
  }
  for (let i: i32 = 0; i < p.size; i++) out[i] = acc[i];
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface PrefixParams {
  size: i32;
}

/** Running sums of data into out (out is the scratch: the planner gives it arena space). */
export function prefixSums(p: PrefixParams, data: Int8Array, out: Int32Array): void {
  let sum: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) {
    sum += data[i];
    out[i] = sum;
  }
}
`,
  },
  {
    code: 2007,
    title: "Loose equality",
    line: 10,
    col: 17,
    wrong: `import type { i32 } from "./types.ts";

export interface CountParams {
  size: i32;
}

export function countZeros(p: CountParams, data: Int8Array, out: Int32Array): void {
  let zeros: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) {
    if (data[i] == 0) zeros++;
  }
  out[0] = zeros;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface CountParams {
  size: i32;
}

export function countZeros(p: CountParams, data: Int8Array, out: Int32Array): void {
  let zeros: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) {
    if (data[i] === 0) zeros++;
  }
  out[0] = zeros;
}
`,
  },
  {
    code: 2008,
    title: "Division",
    line: 11,
    col: 12,
    wrong: `import type { i32 } from "./types.ts";

export interface MeanParams {
  size: i32;
}

export function mean(p: MeanParams, data: Int8Array, out: Int8Array): void {
  let sum: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) sum += data[i];
  // JavaScript's / is a float division: -7 / 2 is -3.5, not C's -3.
  out[0] = sum / p.size;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface MeanParams {
  size: i32;
}

export function mean(p: MeanParams, data: Int8Array, out: Int8Array): void {
  let sum: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) sum += data[i];
  // Truncates toward zero, exactly as C's integer division.
  out[0] = (sum / p.size) | 0;
}
`,
  },
  {
    code: 2009,
    title: "Missing or unsupported types",
    line: 7,
    col: 43,
    wrong: `import type { i32 } from "./types.ts";

export interface SumParams {
  size: i32;
}

export function sum(p: SumParams, values: i32[], out: Int32Array): void {
  let total: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) total = (total + values[i]) | 0;
  out[0] = total;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface SumParams {
  size: i32;
}

export function sum(p: SumParams, values: Int32Array, out: Int32Array): void {
  let total: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) total = (total + values[i]) | 0;
  out[0] = total;
}
`,
  },
  {
    code: 2010,
    title: "Float arithmetic",
    line: 8,
    col: 51,
    wrong: `import type { f32, i32 } from "./types.ts";

export interface ScaleParams {
  size: i32;
}

export function scaleAll(p: ScaleParams, data: Float32Array, scale: f32): void {
  for (let i: i32 = 0; i < p.size; i++) data[i] = data[i] * scale;
}
`,
    fix: `import type { f32, i32 } from "./types.ts";

export interface ScaleParams {
  size: i32;
}

export function scaleAll(p: ScaleParams, data: Float32Array, scale: f32): void {
  // Rounded to single precision in the TypeScript reference too, so TS, C and WASM agree.
  for (let i: i32 = 0; i < p.size; i++) data[i] = Math.fround(data[i] * scale);
}
`,
  },
  {
    code: 2011,
    title: "Array length",
    line: 8,
    col: 28,
    wrong: `import type { i32 } from "./types.ts";

export interface NegateParams {
  zeroPoint: i32;
}

export function negate(p: NegateParams, data: Int32Array): void {
  for (let i: i32 = 0; i < data.length; i++) data[i] = 2 * p.zeroPoint - data[i];
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface NegateParams {
  zeroPoint: i32;
  /** Element count, filled by op lowering from the tensor shape. */
  size: i32;
}

export function negate(p: NegateParams, data: Int32Array): void {
  for (let i: i32 = 0; i < p.size; i++) data[i] = 2 * p.zeroPoint - data[i];
}
`,
  },
  {
    code: 2012,
    title: "Implicit narrowing",
    line: 11,
    col: 19,
    wrong: `import type { i8, i32 } from "./types.ts";
import { sat8 } from "./intrinsics.ts";

export interface OffsetParams {
  size: i32;
  offset: i32;
}

export function addOffset(p: OffsetParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const q: i8 = data[i] + p.offset;
    data[i] = sat8(q);
  }
}
`,
    fix: `import type { i8, i32 } from "./types.ts";
import { sat8 } from "./intrinsics.ts";

export interface OffsetParams {
  size: i32;
  offset: i32;
}

export function addOffset(p: OffsetParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const q: i8 = sat8(data[i] + p.offset);
    data[i] = q;
  }
}
`,
  },
  {
    code: 2013,
    title: "Unknown functions and globals",
    line: 9,
    col: 23,
    wrong: `import type { i32 } from "./types.ts";

export interface ShiftParams {
  size: i32;
  shift: i32;
}

export function scaleByShift(p: ShiftParams, data: Int32Array): void {
  const factor: i32 = Math.pow(2, p.shift);
  for (let i: i32 = 0; i < p.size; i++) data[i] = Math.imul(data[i], factor);
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface ShiftParams {
  size: i32;
  /** 0..30 */
  shift: i32;
}

export function scaleByShift(p: ShiftParams, data: Int32Array): void {
  const factor: i32 = 1 << p.shift;
  for (let i: i32 = 0; i < p.size; i++) data[i] = Math.imul(data[i], factor);
}
`,
  },
  {
    code: 2014,
    title: "Non-boolean conditions",
    line: 10,
    col: 9,
    wrong: `import type { i32 } from "./types.ts";

export interface BiasParams {
  size: i32;
  hasBias: i32;
}

export function addBias(p: BiasParams, acc: Int32Array, bias: Int32Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    if (p.hasBias) acc[i] = (acc[i] + bias[i]) | 0;
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface BiasParams {
  size: i32;
  hasBias: i32;
}

export function addBias(p: BiasParams, acc: Int32Array, bias: Int32Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    if (p.hasBias !== 0) acc[i] = (acc[i] + bias[i]) | 0;
  }
}
`,
  },
  {
    code: 2015,
    title: "var",
    line: 8,
    col: 3,
    wrong: `import type { i32 } from "./types.ts";

export interface MaxParams {
  size: i32;
}

export function maxOf(p: MaxParams, data: Int8Array, out: Int8Array): void {
  var best: i32 = -128;
  for (let i: i32 = 0; i < p.size; i++) best = Math.max(best, data[i]);
  out[0] = best;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface MaxParams {
  size: i32;
}

export function maxOf(p: MaxParams, data: Int8Array, out: Int8Array): void {
  let best: i32 = -128;
  for (let i: i32 = 0; i < p.size; i++) best = Math.max(best, data[i]);
  out[0] = best;
}
`,
  },
  {
    code: 2016,
    title: "Increment inside an expression",
    line: 12,
    col: 11,
    wrong: `import type { i32 } from "./types.ts";

export interface CompactParams {
  size: i32;
}

/** Copies the non-zero elements of data to the front of out. */
export function compact(p: CompactParams, data: Int8Array, out: Int8Array): void {
  let n: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) {
    if (data[i] !== 0) {
      out[n++] = data[i];
    }
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface CompactParams {
  size: i32;
}

/** Copies the non-zero elements of data to the front of out. */
export function compact(p: CompactParams, data: Int8Array, out: Int8Array): void {
  let n: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) {
    if (data[i] !== 0) {
      out[n] = data[i];
      n++;
    }
  }
}
`,
  },
  {
    code: 2017,
    title: "for-of, for-in and do-while loops",
    line: 9,
    col: 3,
    wrong: `import type { i32 } from "./types.ts";

export interface SumParams {
  size: i32;
}

export function sumAll(p: SumParams, data: Int8Array, out: Int32Array): void {
  let sum: i32 = 0;
  for (const v of data) sum += v;
  out[0] = sum;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface SumParams {
  size: i32;
}

export function sumAll(p: SumParams, data: Int8Array, out: Int32Array): void {
  let sum: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) sum += data[i];
  out[0] = sum;
}
`,
  },
  {
    code: 2018,
    title: "Imports from outside the kernels",
    line: 1,
    col: 20,
    wrong: `import assert from "node:assert";
import type { i32 } from "./types.ts";

export interface CopyParams {
  size: i32;
}

export function copy(p: CopyParams, input: Int8Array, output: Int8Array): void {
  assert(p.size >= 0);
  for (let i: i32 = 0; i < p.size; i++) output[i] = input[i];
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface CopyParams {
  /** Validated by op lowering at compile time. */
  size: i32;
}

export function copy(p: CopyParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) output[i] = input[i];
}
`,
  },
  {
    code: 2019,
    title: "Object and array literals",
    line: 9,
    col: 16,
    wrong: `import type { i32 } from "./types.ts";

export interface BlurParams {
  size: i32;
}

/** out[i] = (data[i-1] + 2*data[i] + data[i+1]) / 4 on the interior points. */
export function blur(p: BlurParams, data: Int8Array, out: Int8Array): void {
  const taps = [1, 2, 1];
  for (let i: i32 = 1; i < p.size - 1; i++) {
    let acc: i32 = 0;
    for (let k: i32 = 0; k < 3; k++) acc += taps[k] * data[i + k - 1];
    out[i] = acc >> 2;
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface BlurParams {
  size: i32;
}

/** out[i] = (data[i-1] + 2*data[i] + data[i+1]) / 4 on the interior points. */
export function blur(p: BlurParams, data: Int8Array, taps: Int8Array, out: Int8Array): void {
  // taps = [1, 2, 1] is a constant array that op lowering places in flash.
  for (let i: i32 = 1; i < p.size - 1; i++) {
    let acc: i32 = 0;
    for (let k: i32 = 0; k < 3; k++) acc += taps[k] * data[i + k - 1];
    out[i] = acc >> 2;
  }
}
`,
  },
  {
    code: 2020,
    title: "switch",
    line: 15,
    col: 5,
    wrong: `import type { i32 } from "./types.ts";

const ACT_RELU: i32 = 1;
const ACT_RELU6: i32 = 3;

export interface ActParams {
  size: i32;
  activation: i32;
  six: i32;
}

export function activate(p: ActParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const x: i32 = data[i];
    switch (p.activation) {
      case ACT_RELU:
        data[i] = Math.max(x, 0);
        break;
      case ACT_RELU6:
        data[i] = Math.min(Math.max(x, 0), p.six);
        break;
    }
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

const ACT_RELU: i32 = 1;
const ACT_RELU6: i32 = 3;

export interface ActParams {
  size: i32;
  activation: i32;
  six: i32;
}

export function activate(p: ActParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const x: i32 = data[i];
    if (p.activation === ACT_RELU) {
      data[i] = Math.max(x, 0);
    } else if (p.activation === ACT_RELU6) {
      data[i] = Math.min(Math.max(x, 0), p.six);
    }
  }
}
`,
  },
  {
    code: 2021,
    title: "Plain number",
    line: 7,
    col: 60,
    wrong: `import type { i32 } from "./types.ts";

export interface FillParams {
  size: i32;
}

export function fill(p: FillParams, out: Int8Array, value: number): void {
  for (let i: i32 = 0; i < p.size; i++) out[i] = value;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface FillParams {
  size: i32;
}

export function fill(p: FillParams, out: Int8Array, value: i32): void {
  for (let i: i32 = 0; i < p.size; i++) out[i] = value;
}
`,
  },
  {
    code: 2022,
    title: "Other unsupported syntax",
    line: 11,
    col: 3,
    wrong: `import type { i32 } from "./types.ts";

export interface FindParams {
  rows: i32;
  cols: i32;
}

/** Index of the first zero of a rows x cols matrix, or -1. */
export function findZero(p: FindParams, data: Int8Array, out: Int32Array): void {
  out[0] = -1;
  search: for (let r: i32 = 0; r < p.rows; r++) {
    for (let c: i32 = 0; c < p.cols; c++) {
      if (data[r * p.cols + c] === 0) {
        out[0] = r * p.cols + c;
        break search;
      }
    }
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface FindParams {
  rows: i32;
  cols: i32;
}

/** Index of the first zero of a rows x cols matrix, or -1. */
export function findZero(p: FindParams, data: Int8Array, out: Int32Array): void {
  out[0] = -1;
  let found: boolean = false;
  for (let r: i32 = 0; r < p.rows && !found; r++) {
    for (let c: i32 = 0; c < p.cols; c++) {
      if (data[r * p.cols + c] === 0) {
        out[0] = r * p.cols + c;
        found = true;
        break;
      }
    }
  }
}
`,
  },
  {
    code: 2023,
    title: "Integer literals out of range",
    line: 8,
    col: 19,
    wrong: `import type { i32 } from "./types.ts";

export interface MinParams {
  size: i32;
}

export function maxValue(p: MinParams, data: Int32Array, out: Int32Array): void {
  let best: i32 = -2147483649;
  for (let i: i32 = 0; i < p.size; i++) best = Math.max(best, data[i]);
  out[0] = best;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface MinParams {
  size: i32;
}

export function maxValue(p: MinParams, data: Int32Array, out: Int32Array): void {
  let best: i32 = -2147483648;
  for (let i: i32 = 0; i < p.size; i++) best = Math.max(best, data[i]);
  out[0] = best;
}
`,
  },
  {
    code: 2024,
    title: "Arrays and records as values",
    line: 11,
    col: 33,
    wrong: `import type { i32 } from "./types.ts";

export interface SelectParams {
  size: i32;
  fromA: i32;
}

/** Copies a or b into out, as the record says. */
export function select(p: SelectParams, a: Int8Array, b: Int8Array, out: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const src = p.fromA !== 0 ? a : b;
    out[i] = src[i];
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface SelectParams {
  size: i32;
  fromA: i32;
}

function copy(size: i32, src: Int8Array, out: Int8Array): void {
  for (let i: i32 = 0; i < size; i++) out[i] = src[i];
}

/** Copies a or b into out, as the record says. */
export function select(p: SelectParams, a: Int8Array, b: Int8Array, out: Int8Array): void {
  if (p.fromA !== 0) copy(p.size, a, out);
  else copy(p.size, b, out);
}
`,
  },
  {
    code: 2025,
    title: "Argument count",
    line: 9,
    col: 14,
    wrong: `import type { i32 } from "./types.ts";

export interface ClampParams {
  size: i32;
}

export function clamp3(p: ClampParams, a: Int8Array, b: Int8Array, c: Int8Array, out: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    out[i] = Math.max(a[i], b[i], c[i]);
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface ClampParams {
  size: i32;
}

export function clamp3(p: ClampParams, a: Int8Array, b: Int8Array, c: Int8Array, out: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    out[i] = Math.max(Math.max(a[i], b[i]), c[i]);
  }
}
`,
  },
  {
    code: 2026,
    title: "Undeclared names",
    tscError: true,
    line: 12,
    col: 12,
    wrong: `import type { i32 } from "./types.ts";

export interface FirstParams {
  size: i32;
}

/** Position of the first negative element (size when there is none). */
export function firstNegative(p: FirstParams, data: Int8Array, out: Int32Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    if (data[i] < 0) break;
  }
  out[0] = i;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface FirstParams {
  size: i32;
}

/** Position of the first negative element (size when there is none). */
export function firstNegative(p: FirstParams, data: Int8Array, out: Int32Array): void {
  let i: i32 = 0;
  for (; i < p.size; i++) {
    if (data[i] < 0) break;
  }
  out[0] = i;
}
`,
  },
  {
    code: 2027,
    title: "Mismatched types",
    tscError: true,
    line: 10,
    col: 50,
    wrong: `import type { i32 } from "./types.ts";

export interface CountParams {
  size: i32;
  threshold: i32;
}

export function countAbove(p: CountParams, data: Int8Array, out: Int32Array): void {
  let count: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) count += data[i] > p.threshold;
  out[0] = count;
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface CountParams {
  size: i32;
  threshold: i32;
}

export function countAbove(p: CountParams, data: Int8Array, out: Int32Array): void {
  let count: i32 = 0;
  for (let i: i32 = 0; i < p.size; i++) count += data[i] > p.threshold ? 1 : 0;
  out[0] = count;
}
`,
  },
  {
    code: 2028,
    title: "Unknown record fields",
    tscError: true,
    line: 9,
    col: 30,
    wrong: `import type { i32 } from "./types.ts";

export interface ChannelParams {
  channels: i32;
}

export function channelSums(p: ChannelParams, data: Int8Array, out: Int32Array): void {
  let sum: i32 = 0;
  for (let c: i32 = 0; c < p.chanels; c++) {
    sum += data[c];
    out[c] = sum;
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface ChannelParams {
  channels: i32;
}

export function channelSums(p: ChannelParams, data: Int8Array, out: Int32Array): void {
  let sum: i32 = 0;
  for (let c: i32 = 0; c < p.channels; c++) {
    sum += data[c];
    out[c] = sum;
  }
}
`,
  },
  {
    code: 2029,
    title: "Missing return types",
    line: 3,
    col: 10,
    wrong: `import type { i32 } from "./types.ts";

function clamp(x: i32, lo: i32, hi: i32) {
  return x < lo ? lo : x > hi ? hi : x;
}

export interface ClampParams {
  size: i32;
  lo: i32;
  hi: i32;
}

export function clampAll(p: ClampParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) data[i] = clamp(data[i], p.lo, p.hi);
}
`,
    fix: `import type { i32 } from "./types.ts";

function clamp(x: i32, lo: i32, hi: i32): i32 {
  return x < lo ? lo : x > hi ? hi : x;
}

export interface ClampParams {
  size: i32;
  lo: i32;
  hi: i32;
}

export function clampAll(p: ClampParams, data: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) data[i] = clamp(data[i], p.lo, p.hi);
}
`,
  },
  {
    code: 2030,
    title: "Assigning to records and arrays",
    line: 10,
    col: 5,
    wrong: `import type { i32 } from "./types.ts";

export interface DrainParams {
  size: i32;
}

export function drain(p: DrainParams, data: Int8Array): void {
  while (p.size > 0) {
    data[p.size - 1] = 0;
    p.size = p.size - 1;
  }
}
`,
    fix: `import type { i32 } from "./types.ts";

export interface DrainParams {
  size: i32;
}

export function drain(p: DrainParams, data: Int8Array): void {
  let n: i32 = p.size;
  while (n > 0) {
    data[n - 1] = 0;
    n = n - 1;
  }
}
`,
  },
];

/**
 * Runs the subset checker on `source` as if it were a file of kernels/: it is written as
 * `<dir>/<fileName>` next to copies of kernels/types.ts and kernels/intrinsics.ts. Diagnostics
 * name files by their base name (`fileName`), independent of where the directory is. The directory is removed afterwards unless `keepDir` is given (then
 * the file is written into that existing directory).
 */
export function checkKernelSource(source: string, fileName = "kernel.ts", keepDir?: string): SubsetDiagnostic[] {
  const dir = keepDir ?? makeKernelDir();
  try {
    const file = path.join(dir, fileName);
    fs.writeFileSync(file, source);
    return checkFiles([file]).map((d) => ({ ...d, file: path.basename(d.file) }));
  } finally {
    if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh temporary directory holding copies of kernels/types.ts and kernels/intrinsics.ts. */
export function makeKernelDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-subset-"));
  for (const f of ["types.ts", "intrinsics.ts"]) fs.copyFileSync(path.join(KERNELS_DIR, f), path.join(dir, f));
  return dir;
}
