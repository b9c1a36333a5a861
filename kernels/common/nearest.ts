/**
 * @fileoverview The nearest integer to an f32, halves away from zero, with f32 operations only:
 * the `k` of a Cody-Waite range reduction (kernels/float_unary.ts EXP, kernels/sin_cos.ts).
 */
import type { f32, i32 } from "../types.ts";

/** round(x), halves away from zero, for |x| < 2^31 (truncate, then step by the fraction). */
export function nearestInt(x: f32): i32 {
  let k: i32 = Math.trunc(x);
  const frac: f32 = Math.fround(x - Math.fround(k));
  if (frac >= Math.fround(0.5)) {
    k++;
  } else if (frac <= Math.fround(-0.5)) {
    k--;
  }
  return k;
}
