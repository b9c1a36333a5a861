/**
 * @fileoverview MUL, int8, with TFLite Micro's reference semantics
 * (reference_integer_ops::MulElementwise / BroadcastMul6DSlow): the product of the two offset
 * inputs (offset = -zero point; |product| <= 256 * 256) is rescaled by one multiplier
 * (input1 scale * input2 scale / output scale, MultiplyByQuantizedMultiplier with double
 * rounding: mbqm, any shift sign), offset by the output zero point and clamped.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/mul.ts fills the record and
 * compiler/ops/broadcast.ts the loops. `broadcast` 0 is the fast path for same-shape operands
 * (one flat loop); otherwise four nested loops over the output with per-input strides (0 along
 * a broadcast dimension). Array order: input1, input2, output.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

export interface MulParams {
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
  /** -zero point of each input; output zero point. */
  input1Offset: i32;
  input2Offset: i32;
  outputOffset: i32;
  outputMultiplier: i32;
  outputShift: i32;
  actMin: i32;
  actMax: i32;
}

/** One output element from two input elements. */
function mulElement(p: MulParams, x: i32, y: i32): i32 {
  const prod: i32 = (x + p.input1Offset) * (y + p.input2Offset);
  let out: i32 = mbqm(prod, p.outputMultiplier, p.outputShift) + p.outputOffset;
  out = Math.max(out, p.actMin);
  out = Math.min(out, p.actMax);
  return out;
}

export function mul(p: MulParams, input1: Int8Array, input2: Int8Array, output: Int8Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = mulElement(p, input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = mulElement(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}

/**
 * MUL with int16 inputs and output (zero points 0, as TFLite Micro requires): its
 * MulElementwise<int16_t> is the int8 arithmetic (|product| <= 2^30 fits the i32), so this is
 * `mul` over Int16Array with the same mulElement.
 */
export function mul16(p: MulParams, input1: Int16Array, input2: Int16Array, output: Int16Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = mulElement(p, input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = mulElement(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
