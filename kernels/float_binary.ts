/**
 * @fileoverview The float32 binary elementwise ops: the float variants of DIV and
 * SQUARED_DIFFERENCE (their int8 kernels are kernels/div.ts and kernels/squared_difference.ts) and
 * FLOOR_DIV and FLOOR_MOD (TFLite Micro registers those for float32 only), one entry, the op chosen
 * by the record field `fn` (specialization folds the branch), with TFLite Micro's reference
 * semantics at 90b983c2:
 *  - DIV: a / b then ActivationFunctionWithMinMax, std::min(std::max(x, lo), hi), where NONE is
 *    [lowest, max] (so it turns infinities into -FLT_MAX / FLT_MAX, as TFLM does), RELU [0, max],
 *    RELU6 [0, 6], RELU_N1_TO_1 [-1, 1];
 *  - SQUARED_DIFFERENCE: (a - b) * (a - b);
 *  - FLOOR_DIV (reference_ops::FloorDiv<float>): float(std::floor(double(a) / double(b))), which
 *    the subset writes as Math.fround(Math.floor(a / b)) of two f32s, the `floordiv` builtin
 *    (compiler/ir/intrinsics.ts): JS divides and floors in double as TFLM does, C calls
 *    mote_floordivf (runtime/mote_intrinsics.h), WASM f64.div, f64.floor and f32.demote_f64, each
 *    an exact IEEE step. TFLM fails Invoke when a divisor is 0; the lowering rejects a constant
 *    zero divisor, and a zero at run time gives floor(+-inf) = +-infinity or NaN;
 *  - FLOOR_MOD (reference_ops::FloorMod): t = std::fmod(a, b) (exact: kernels/common/fmod.ts),
 *    then t + b when t is non-zero and its sign differs from b's, else t.
 * Every step is exact or one f32 operation, so all targets agree with TFLM bit for bit (NaNs
 * aside, whose sign and payload are not specified). Broadcasting as kernels/add.ts
 * (compiler/ops/broadcast.ts).
 * Arrays: input1, input2, output (float32).
 */
import type { f32, i32 } from "./types.ts";
import { fmodF32 } from "./common/fmod.ts";

/** `fn` values. */
export const FLOAT_DIV: i32 = 0;
export const FLOAT_SQUARED_DIFFERENCE: i32 = 1;
export const FLOAT_FLOOR_DIV: i32 = 2;
export const FLOAT_FLOOR_MOD: i32 = 3;
/** `activation` values (TFLite's fused activations Mote lowers). */
export const FLOAT_ACT_NONE: i32 = 0;
export const FLOAT_ACT_RELU: i32 = 1;
export const FLOAT_ACT_RELU6: i32 = 2;
export const FLOAT_ACT_RELU_N1_TO_1: i32 = 3;

export interface FloatBinaryParams {
  fn: i32;
  activation: i32;
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
}

/** std::min(std::max(x, lo), hi): max(x, lo) = x < lo ? lo : x; min(y, hi) = hi < y ? hi : y. */
function clampF32(x: f32, lo: f32, hi: f32): f32 {
  const y: f32 = x < lo ? lo : x;
  return hi < y ? hi : y;
}

function activate(p: FloatBinaryParams, x: f32): f32 {
  const flMax: f32 = Math.fround(3.4028234663852886e38);
  if (p.activation === FLOAT_ACT_RELU) {
    return clampF32(x, Math.fround(0), flMax);
  }
  if (p.activation === FLOAT_ACT_RELU6) {
    return clampF32(x, Math.fround(0), Math.fround(6));
  }
  if (p.activation === FLOAT_ACT_RELU_N1_TO_1) {
    return clampF32(x, Math.fround(-1), Math.fround(1));
  }
  return clampF32(x, Math.fround(-3.4028234663852886e38), flMax);
}

/** TFLM's FloorMod: fmod, then b added when the remainder is non-zero and its sign differs from b's. */
function floorModF32(a: f32, b: f32): f32 {
  const t: f32 = fmodF32(a, b);
  const zero: f32 = Math.fround(0);
  if (t !== zero && (b < zero) !== (t < zero)) {
    return Math.fround(t + b);
  }
  return t;
}

function element(p: FloatBinaryParams, a: f32, b: f32): f32 {
  if (p.fn === FLOAT_DIV) {
    return activate(p, Math.fround(a / b));
  }
  if (p.fn === FLOAT_FLOOR_DIV) {
    return Math.fround(Math.floor(a / b));
  }
  if (p.fn === FLOAT_FLOOR_MOD) {
    return floorModF32(a, b);
  }
  const d: f32 = Math.fround(a - b);
  return Math.fround(d * d);
}

export function floatBinary(p: FloatBinaryParams, input1: Float32Array, input2: Float32Array, output: Float32Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = element(p, input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = element(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
