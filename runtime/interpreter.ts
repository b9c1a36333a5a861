/**
 * @fileoverview The interpreter: runs a model image (compiler/build/interpreter/image.ts describes the
 * format) step by step, as TFLite Micro's MicroInterpreter runs a flatbuffer: read the step table
 * at run time and dispatch each step to a generic (unspecialized) kernel.
 *
 * Written in the kernel subset (docs/subset.md), like the kernels: under Node this file is the
 * reference interpreter (`mote run --mode interpreter --target ts`), and the compiler lowers the
 * same source to C and WASM (`--mode interpreter`). `dispatch` is supplied by the compiler per
 * build (the kernels a model uses, as TFLM's op resolver holds them); runtime/dispatch.ts is its
 * TypeScript reference.
 *
 * Image header (i32 words): 0 magic "MOTE", 1 version, 2 arena bytes, 3 step count, 4 word index
 * of the first step, 5 image bytes, 6 inputs, 7 outputs, 8 checksum, 9 word index of the first
 * record, 10 byte offset of the data. A step is: kernel id, argument count, word index of its
 * record, record words, then (kind, byte offset, bytes) per array argument.
 *
 * The image is untrusted (it can be replaced in flash); the kernel table is the build's own
 * (compiler/build/interpreter/checks.ts: the image's size, the arena's, and per kernel its record
 * field count, its arrays' element sizes and its record rules). `imageStatus` checks the whole
 * image against it before any step runs; `interpret` runs no step of an image it rejects; its
 * nonzero status is what `mote_init()` / `mote_invoke()` return (compiler/build/interpreter/
 * status.ts turns it into MOTE5016/5017 on every target).
 */
import type { i32 } from "./types.ts";
import { dispatch, hasKernel } from "./dispatch.ts";

const MAGIC: i32 = 0x45544f4d;
const VERSION: i32 = 2;
const HEADER_WORDS: i32 = 12;
const CHECKSUM_WORD: i32 = 8;
const STEP_WORDS: i32 = 4;
const ARG_WORDS: i32 = 3;
const MAX_ARGS: i32 = 64;
const MAX_IO: i32 = 1024;
/** Status = reason + STEP_STATUS * (step + 1) for a problem found in a step. */
const STEP_STATUS: i32 = 16;
/** Reasons (compiler/build/interpreter/status.ts and the generated model.h agree). */
const BAD_MAGIC: i32 = 1;
const BAD_VERSION: i32 = 2;
const OUT_OF_BOUNDS: i32 = 3;
const UNKNOWN_KERNEL: i32 = 4;
const BAD_CHECKSUM: i32 = 5;
const BAD_RECORD: i32 = 6;
/** Kernel table: words before the per-kernel index, rule opcodes and factor kinds (checks.ts). */
const TABLE_HEADER: i32 = 3;
const RULE_RANGE: i32 = 1;
const RULE_NEED: i32 = 2;
const RULE_VALUES: i32 = 3;
const RULE_CHECK: i32 = 4;
const RULE_STRIDED: i32 = 5;
const FACTOR_FIELD: i32 = 0;
const FACTOR_FLAG: i32 = 2;
/** Expression opcodes (checks.ts): leaves, then operators on the top one, two or three values. */
const OP_FIELD: i32 = 0;
const OP_CONST: i32 = 1;
const OP_ELEMS: i32 = 2;
const OP_ADD: i32 = 3;
const OP_SUB: i32 = 4;
const OP_MUL: i32 = 5;
const OP_DIV: i32 = 6;
const OP_MOD: i32 = 7;
const OP_MIN: i32 = 8;
const OP_MAX: i32 = 9;
const OP_LT: i32 = 10;
const OP_LE: i32 = 11;
const OP_EQ: i32 = 12;
const OP_NE: i32 = 13;
const OP_AND: i32 = 14;
const OP_OR: i32 = 15;
const OP_SELECT: i32 = 16;
/** Every value of an expression stays within +-LIMIT (so no operation overflows); FAIL ends one. */
const LIMIT: i32 = 1073741823;
const FAIL: i32 = -2147483648;

/** FNV-1a over the first `words` words of `image`, the checksum word counted as 0. */
export function imageChecksum(image: Int32Array, words: i32): i32 {
  let h: i32 = -2128831035;
  for (let i: i32 = 0; i < words; i++) {
    let w: i32 = image[i];
    if (i === CHECKSUM_WORD) {
      w = 0;
    }
    h = Math.imul(h ^ w, 16777619);
  }
  return h;
}

/** 0 <= offset, 0 <= bytes and offset + bytes <= limit, without overflowing. */
function fits(offset: i32, bytes: i32, limit: i32): boolean {
  return offset >= 0 && bytes >= 0 && offset <= limit && bytes <= limit - offset;
}

/** Word index of kernel `kernel`'s entry in `table`, or 0 when the build has no such kernel. */
function kernelSpec(kernel: i32, table: Int32Array): i32 {
  const count: i32 = table[2];
  for (let k: i32 = 0; k < count; k++) {
    if (table[TABLE_HEADER + 2 * k] === kernel) {
      return table[TABLE_HEADER + 2 * k + 1];
    }
  }
  return 0;
}

/**
 * The value of the expression at word `e` of `table` (its token count, then (op, operand) per
 * token, in postfix order; at most 8 values deep, which checks.ts ensures) for the step at
 * `at` with its record at `record`, or FAIL when a value leaves +-LIMIT, a divisor is not
 * positive or the expression is malformed. Leaves: a record field, a constant, an argument's
 * element count (its bytes over its element size, from the spec at `spec`).
 */
function evaluate(image: Int32Array, at: i32, record: i32, table: Int32Array, spec: i32, e: i32): i32 {
  const n: i32 = table[e];
  let s0: i32 = 0;
  let s1: i32 = 0;
  let s2: i32 = 0;
  let s3: i32 = 0;
  let s4: i32 = 0;
  let s5: i32 = 0;
  let s6: i32 = 0;
  let s7: i32 = 0;
  let depth: i32 = 0;
  for (let t: i32 = 0; t < n; t++) {
    const op: i32 = table[e + 1 + 2 * t];
    const x: i32 = table[e + 2 + 2 * t];
    if (op <= OP_ELEMS) {
      let v: i32 = x;
      if (op === OP_FIELD) {
        v = image[record + x];
      } else if (op === OP_ELEMS) {
        v = (image[at + STEP_WORDS + ARG_WORDS * x + 2] / table[spec + 2 + x]) | 0;
      }
      if (v < -LIMIT || v > LIMIT || depth >= 8) {
        return FAIL;
      }
      s7 = s6;
      s6 = s5;
      s5 = s4;
      s4 = s3;
      s3 = s2;
      s2 = s1;
      s1 = s0;
      s0 = v;
      depth++;
    } else if (op === OP_SELECT) {
      if (depth < 3) {
        return FAIL;
      }
      s0 = s2 !== 0 ? s1 : s0;
      s1 = s3;
      s2 = s4;
      s3 = s5;
      s4 = s6;
      s5 = s7;
      depth = depth - 2;
    } else {
      if (depth < 2) {
        return FAIL;
      }
      const a: i32 = s1;
      const b: i32 = s0;
      let v: i32 = 0;
      if (op === OP_ADD) {
        v = a + b;
      } else if (op === OP_SUB) {
        v = a - b;
      } else if (op === OP_MUL) {
        if (a !== 0 && Math.abs(b) > ((LIMIT / Math.abs(a)) | 0)) {
          return FAIL;
        }
        v = a * b;
      } else if (op === OP_DIV || op === OP_MOD) {
        if (b <= 0) {
          return FAIL;
        }
        v = (a / b) | 0;
        if (op === OP_MOD) {
          v = a - v * b;
        }
      } else if (op === OP_MIN) {
        v = Math.min(a, b);
      } else if (op === OP_MAX) {
        v = Math.max(a, b);
      } else if (op === OP_LT) {
        v = a < b ? 1 : 0;
      } else if (op === OP_LE) {
        v = a <= b ? 1 : 0;
      } else if (op === OP_EQ) {
        v = a === b ? 1 : 0;
      } else if (op === OP_NE) {
        v = a !== b ? 1 : 0;
      } else if (op === OP_AND) {
        v = a !== 0 && b !== 0 ? 1 : 0;
      } else if (op === OP_OR) {
        v = a !== 0 || b !== 0 ? 1 : 0;
      } else {
        return FAIL;
      }
      if (v < -LIMIT || v > LIMIT) {
        return FAIL;
      }
      s0 = v;
      s1 = s2;
      s2 = s3;
      s3 = s4;
      s4 = s5;
      s5 = s6;
      s6 = s7;
      depth--;
    }
  }
  if (depth !== 1) {
    return FAIL;
  }
  return s0;
}

/**
 * True when the record at word `record` of the step at `at` passes the kernel's rules (spec at
 * `spec` in `table`): RANGE (field, lo, hi) keeps a field in [lo, hi]; NEED (argument, n, then n
 * (kind, value) factors) says the argument's bytes cover its element size times the product of
 * the factors (kind 0 a record field, which must not be negative; 1 a constant; 2 1 when a field
 * is nonzero, else 0); VALUES (argument, lo, hi) keeps every i32 of an image argument in range;
 * CHECK (guard, body) holds when the guard expression (`evaluate`) is 0 or the body is nonzero; STRIDED (argument, lo,
 * hi, then the expressions when, first, step) keeps the i32 at first, first + step, ... of an
 * image argument in range when `when` is nonzero.
 */
function recordPasses(image: Int32Array, at: i32, record: i32, table: Int32Array, spec: i32): boolean {
  const args: i32 = table[spec + 1];
  let r: i32 = spec + 2 + args;
  const rules: i32 = table[r];
  r++;
  for (let n: i32 = 0; n < rules; n++) {
    const op: i32 = table[r];
    if (op === RULE_RANGE) {
      const v: i32 = image[record + table[r + 1]];
      if (v < table[r + 2] || v > table[r + 3]) {
        return false;
      }
      r = r + 4;
    } else if (op === RULE_NEED) {
      const j: i32 = table[r + 1];
      const factors: i32 = table[r + 2];
      const have: i32 = image[at + STEP_WORDS + ARG_WORDS * j + 2];
      let need: i32 = table[spec + 2 + j];
      for (let f: i32 = 0; f < factors; f++) {
        const kind: i32 = table[r + 3 + 2 * f];
        const value: i32 = table[r + 4 + 2 * f];
        let x: i32 = value;
        if (kind === FACTOR_FIELD) {
          x = image[record + value];
        } else if (kind === FACTOR_FLAG) {
          x = image[record + value] !== 0 ? 1 : 0;
        }
        if (x < 0) {
          return false;
        }
        // need * x <= have, tested without forming a product that could overflow.
        if (x > 0 && need > ((have / x) | 0)) {
          return false;
        }
        need = need * x;
      }
      if (need > have) {
        return false;
      }
      r = r + 3 + 2 * factors;
    } else if (op === RULE_VALUES) {
      const w: i32 = at + STEP_WORDS + ARG_WORDS * table[r + 1];
      if (image[w] === 2) {
        const first: i32 = image[w + 1] >> 2;
        const count: i32 = image[w + 2] >> 2;
        for (let i: i32 = 0; i < count; i++) {
          const v: i32 = image[first + i];
          if (v < table[r + 2] || v > table[r + 3]) {
            return false;
          }
        }
      }
      r = r + 4;
    } else if (op === RULE_CHECK) {
      const body: i32 = r + 2 + 2 * table[r + 1];
      const guard: i32 = evaluate(image, at, record, table, spec, r + 1);
      if (guard === FAIL) {
        return false;
      }
      if (guard !== 0) {
        const v: i32 = evaluate(image, at, record, table, spec, body);
        if (v === FAIL || v === 0) {
          return false;
        }
      }
      r = body + 1 + 2 * table[body];
    } else if (op === RULE_STRIDED) {
      const w: i32 = at + STEP_WORDS + ARG_WORDS * table[r + 1];
      const lo: i32 = table[r + 2];
      const hi: i32 = table[r + 3];
      const e1: i32 = r + 4;
      const e2: i32 = e1 + 1 + 2 * table[e1];
      const e3: i32 = e2 + 1 + 2 * table[e2];
      const when: i32 = evaluate(image, at, record, table, spec, e1);
      if (when === FAIL) {
        return false;
      }
      if (when !== 0 && image[w] === 2) {
        const first: i32 = evaluate(image, at, record, table, spec, e2);
        const step: i32 = evaluate(image, at, record, table, spec, e3);
        if (first === FAIL || first < 0 || step === FAIL || step < 1) {
          return false;
        }
        const base: i32 = image[w + 1] >> 2;
        const count: i32 = image[w + 2] >> 2;
        for (let i: i32 = first; i < count; i = i + step) {
          const v: i32 = image[base + i];
          if (v < lo || v > hi) {
            return false;
          }
        }
      }
      r = e3 + 1 + 2 * table[e3];
    } else {
      return false;
    }
  }
  return true;
}

/**
 * 0 when `image` is a model image this build runs, else a nonzero status. Its reason (status
 * modulo 16): 1 not an image (magic), 2 another format version, 3 a size, step, record or
 * argument (offset and access size) outside the image or the arena, 4 a step names a kernel id
 * this build does not contain, 5 the checksum does not match, 6 a record or argument list that
 * does not fit its kernel (field or argument count, a field out of range, an argument smaller
 * than the shapes in the record make the kernel read). A problem found in step s adds
 * 16 * (s + 1), so the status names the step.
 */
export function imageStatus(image: Int32Array, table: Int32Array): i32 {
  if (image[0] !== MAGIC) {
    return BAD_MAGIC;
  }
  if (image[1] !== VERSION) {
    return BAD_VERSION;
  }
  const words: i32 = table[0];
  const arenaBytes: i32 = table[1];
  if (image[5] !== 4 * words) {
    return OUT_OF_BOUNDS;
  }
  if (imageChecksum(image, words) !== image[CHECKSUM_WORD]) {
    return BAD_CHECKSUM;
  }
  if (image[2] < 0 || image[2] > arenaBytes || image[6] < 0 || image[7] < 0 || image[6] > MAX_IO || image[7] > MAX_IO) {
    return OUT_OF_BOUNDS;
  }
  const steps: i32 = image[3];
  const io: i32 = image[6] + image[7];
  const firstRecord: i32 = image[9];
  const dataStart: i32 = image[10];
  const recordEnd: i32 = (dataStart / 4) | 0;
  if (image[4] !== HEADER_WORDS + 2 * io || steps < 0 || steps > words) {
    return OUT_OF_BOUNDS;
  }
  if (firstRecord < image[4] || firstRecord > words || dataStart < 4 * firstRecord || !fits(dataStart, 0, 4 * words)) {
    return OUT_OF_BOUNDS;
  }
  for (let k: i32 = 0; k < io; k++) {
    if (!fits(image[HEADER_WORDS + 2 * k], image[HEADER_WORDS + 2 * k + 1], image[2])) {
      return OUT_OF_BOUNDS;
    }
  }
  let at: i32 = image[4];
  // Records follow one another in step order (as the builder lays them out), so no step can
  // take another's record, or a record made of other data, as its own.
  let nextRecord: i32 = firstRecord;
  for (let s: i32 = 0; s < steps; s++) {
    const inStep: i32 = STEP_STATUS * (s + 1);
    if (at > firstRecord - STEP_WORDS) {
      return OUT_OF_BOUNDS + inStep;
    }
    const spec: i32 = kernelSpec(image[at], table);
    if (spec === 0 || !hasKernel(image[at])) {
      return UNKNOWN_KERNEL + inStep;
    }
    const args: i32 = image[at + 1];
    const record: i32 = image[at + 2];
    if (args !== table[spec + 1] || image[at + 3] !== table[spec] || args > MAX_ARGS) {
      return BAD_RECORD + inStep;
    }
    if (at + STEP_WORDS + ARG_WORDS * args > firstRecord || record !== nextRecord || !fits(record, image[at + 3], recordEnd)) {
      return OUT_OF_BOUNDS + inStep;
    }
    nextRecord = record + image[at + 3];
    for (let j: i32 = 0; j < args; j++) {
      const kind: i32 = image[at + STEP_WORDS + ARG_WORDS * j];
      const offset: i32 = image[at + STEP_WORDS + ARG_WORDS * j + 1];
      const bytes: i32 = image[at + STEP_WORDS + ARG_WORDS * j + 2];
      const align: i32 = table[spec + 2 + j];
      if (kind === 0) {
        if (offset !== 0 || bytes !== 0) {
          return OUT_OF_BOUNDS + inStep;
        }
      } else if (kind === 1) {
        if (!fits(offset, bytes, image[2]) || (offset & (align - 1)) !== 0) {
          return OUT_OF_BOUNDS + inStep;
        }
      } else if (kind === 2) {
        if (offset < dataStart || !fits(offset, bytes, 4 * words) || (offset & (align - 1)) !== 0) {
          return OUT_OF_BOUNDS + inStep;
        }
      } else {
        return OUT_OF_BOUNDS + inStep;
      }
    }
    if (!recordPasses(image, at, record, table, spec)) {
      return BAD_RECORD + inStep;
    }
    at = at + STEP_WORDS + ARG_WORDS * args;
  }
  if (at !== firstRecord) {
    return OUT_OF_BOUNDS;
  }
  return 0;
}

/**
 * Runs every step of `image` over `arena` (at least table[1] bytes) and returns 0; when
 * imageStatus rejects the image, returns that status without running any step.
 */
export function interpret(image: Int32Array, table: Int32Array, arena: Int8Array): i32 {
  const status: i32 = imageStatus(image, table);
  if (status !== 0) {
    return status;
  }
  runSteps(image, arena);
  return 0;
}

/**
 * Runs every step of an image imageStatus accepted, without checking it again: the C library
 * checks its constant image once (`mote_init()`, run by the first `mote_invoke()` if the
 * application did not), as TFLite Micro checks a model in AllocateTensors, not in every Invoke.
 */
export function runSteps(image: Int32Array, arena: Int8Array): void {
  const steps: i32 = image[3];
  let at: i32 = image[4];
  for (let s: i32 = 0; s < steps; s++) {
    dispatch(image[at], image, at, arena);
    at = at + STEP_WORDS + ARG_WORDS * image[at + 1];
  }
}
