/**
 * @fileoverview Four multiply-accumulates with the Cortex-M7's SMLAD: one group of four int8
 * weights against two int16 activation pairs, for every weight format of the DSP kernels
 * (kernels/fully_connected_dsp.ts; its header explains the formats and the pairs).
 *
 * Written in the kernel subset (docs/subset.md). As every kernels/common/ helper it takes
 * scalars and arrays, not a record, and C always inlines it (KFunction.inline): the format is a
 * constant at every call, so even a generic build keeps no branch in its loops.
 */
import type { i32 } from "../types.ts";
import { smlad, sxtb16, sxtb16r8 } from "../intrinsics.ts";

/** The weight formats (kernels/fully_connected_dsp.ts WEIGHTS_INT8, WEIGHTS_INT16, WEIGHTS_INT8_OB). */
const INT16: i32 = 1;
const INT8_OB: i32 = 2;

/**
 * acc plus the 4 MACs of the weight group at word `at` of `weights` with the activation pairs
 * xa, xb: int8 (one word, SXTB16 and SXTB16 ROR 8), int16 (two words of pairs) or offset-binary
 * int8 (one word and its AND 0x00ff00ff).
 */
export function macGroup(acc: i32, weights: Int32Array, at: i32, format: i32, xa: i32, xb: i32): i32 {
  if (format === INT16) {
    // Adjacent lets: one LDRD in C (compiler/emit/c/function.ts pairedLoad).
    const lo: i32 = weights[at];
    const hi: i32 = weights[at + 1];
    return smlad(hi, xb, smlad(lo, xa, acc));
  }
  return macWord(acc, weights[at], format, xa, xb);
}

/** acc plus the 4 MACs of one int8 weight word `w` (format int8 or offset-binary int8) with xa, xb. */
export function macWord(acc: i32, w: i32, format: i32, xa: i32, xb: i32): i32 {
  if (format === INT8_OB) {
    return smlad(w & 0x00ff00ff, xb, smlad(w, xa, acc));
  }
  return smlad(sxtb16r8(w), xb, smlad(sxtb16(w), xa, acc));
}
