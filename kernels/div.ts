/**
 * @fileoverview DIV, int8, with TFLite Micro's reference kernel (reference_ops::DivElementwise at
 * 90b983c2): a = x + offset1, b = y + offset2 (signs flipped together when b < 0); the Q0.31
 * reciprocal of b (GetReciprocal with 31 integer digits: num_bits_over_unit = 31 - clz(b)); a
 * normalised by its leading sign bits, multiplied by the reciprocal (SRDHM), then rescaled by the
 * output multiplier with shift output_shift - recip_shift - headroom, offset, clamped to the
 * activation range. b = 0 is undefined in TFLM (a DCHECK); Mote gives the activation maximum
 * for a >= 0 and the minimum otherwise. A total shift below -31 (small |a|, large b, a coarse
 * output scale) is outside TFLM's RoundingDivideByPOT: the lowering rejects quantization that
 * allows it (compiler/ops/div.ts), so only an edited interpreter image gets here, and the
 * quotient rounds to 0.
 * Broadcasting as kernels/add.ts.
 * Arrays: input1, input2, output.
 */
import type { i32 } from "./types.ts";
import { mbqm, srdhm } from "./intrinsics.ts";
import { countLeadingZeros, getReciprocal } from "./fixedpoint.ts";

export interface DivParams {
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
  input1Offset: i32;
  input2Offset: i32;
  outputOffset: i32;
  outputMultiplier: i32;
  outputShift: i32;
  actMin: i32;
  actMax: i32;
}

function element(p: DivParams, x: i32, y: i32): i32 {
  let a: i32 = x + p.input1Offset;
  let b: i32 = y + p.input2Offset;
  if (b === 0) {
    return a >= 0 ? p.actMax : p.actMin;
  }
  if (b < 0) {
    a = -a;
    b = -b;
  }
  const recipShift: i32 = 31 - countLeadingZeros(b);
  const inverse: i32 = getReciprocal(b);
  // CountLeadingSignBits (31 for 0).
  const headroom: i32 = a >= 0 ? countLeadingZeros(a) - 1 : countLeadingZeros(~a) - 1;
  const unscaled: i32 = srdhm(a << headroom, inverse);
  const totalShift: i32 = p.outputShift - recipShift - headroom;
  // Below -31 TFLM's RoundingDivideByPOT leaves its domain (an assert in debug builds; in release
  // the shift count wraps, differently on x86 and Arm); every |value| < 2^31 divided by 2^32 or
  // more rounds to 0, which Mote gives on every target.
  let out: i32 = p.outputOffset;
  if (totalShift >= -31) {
    out = mbqm(unscaled, p.outputMultiplier, totalShift) + p.outputOffset;
  }
  out = Math.max(out, p.actMin);
  out = Math.min(out, p.actMax);
  return out;
}

export function div(p: DivParams, input1: Int8Array, input2: Int8Array, output: Int8Array): void {
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
