/**
 * @fileoverview EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL on int8 inputs, bool
 * output (one byte, 0 or 1), with TFLite Micro's reference semantics (comparisons.cc with
 * reference_ops::ComparisonWithScaling / BroadcastComparison4DSlowWithScaling): each input gets
 * its offset (-zero point), is shifted left by `leftShift` (8) and rescaled by
 * MultiplyByQuantizedMultiplierSmallerThanOneExp with a multiplier from its own scale alone; the
 * two rescaled values are compared.
 *
 * `scaled` 0 is the fast path: the lowering (compiler/ops/comparisons.ts) takes it only when both
 * inputs share one quantization whose rescale is strictly increasing over all 256 int8 values
 * (checked at compile time), so comparing the raw values gives the same bits. `broadcast` 0 is
 * one flat loop over same-shape operands; otherwise four nested loops with per-input strides
 * (compiler/ops/broadcast.ts). Written in the kernel subset (docs/subset.md).
 * Array order: input1, input2 (int8), output (bool bytes).
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

/** `cmp` values. */
export const CMP_EQUAL: i32 = 0;
export const CMP_NOT_EQUAL: i32 = 1;
export const CMP_GREATER: i32 = 2;
export const CMP_GREATER_EQUAL: i32 = 3;
export const CMP_LESS: i32 = 4;
export const CMP_LESS_EQUAL: i32 = 5;

export interface ComparisonParams {
  cmp: i32;
  /** 0: compare raw values (proved equivalent at compile time); 1: TFLM's rescale first. */
  scaled: i32;
  broadcast: i32;
  size: i32;
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  a0: i32;
  a1: i32;
  a2: i32;
  a3: i32;
  b0: i32;
  b1: i32;
  b2: i32;
  b3: i32;
  leftShift: i32;
  input1Offset: i32;
  input1Multiplier: i32;
  input1Shift: i32;
  input2Offset: i32;
  input2Multiplier: i32;
  input2Shift: i32;
}

function test(cmp: i32, x: i32, y: i32): i32 {
  let r: boolean = false;
  if (cmp === CMP_EQUAL) r = x === y;
  else if (cmp === CMP_NOT_EQUAL) r = x !== y;
  else if (cmp === CMP_GREATER) r = x > y;
  else if (cmp === CMP_GREATER_EQUAL) r = x >= y;
  else if (cmp === CMP_LESS) r = x < y;
  else r = x <= y;
  return r ? 1 : 0;
}

function one(p: ComparisonParams, x: i32, y: i32): i32 {
  let r: i32 = 0;
  if (p.scaled === 0) {
    r = test(p.cmp, x, y);
  } else {
    const sx: i32 = mbqm((x + p.input1Offset) << p.leftShift, p.input1Multiplier, p.input1Shift);
    const sy: i32 = mbqm((y + p.input2Offset) << p.leftShift, p.input2Multiplier, p.input2Shift);
    r = test(p.cmp, sx, sy);
  }
  return r;
}

export function comparison(p: ComparisonParams, input1: Int8Array, input2: Int8Array, output: Uint8Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) output[i] = one(p, input1[i], input2[i]);
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = one(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
