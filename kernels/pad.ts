/**
 * @fileoverview PAD and PADV2, int8, with TFLite Micro's reference semantics
 * (reference_ops::PadImpl): the shape is extended to 5 dimensions at the front, every output
 * element whose position lies in a left or right padding of any dimension gets the pad value,
 * every other element takes the next input element in row-major order. PAD pads with the
 * output zero point, PADV2 with its constant value (same quantization as the output), so there
 * is no requantization.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/pad.ts fills the record.
 * Array order: input (row-major, the product of (hiK - loK) elements), output [d0..d4].
 */
import type { i32 } from "./types.ts";

export interface PadParams {
  /** Output dimensions, rank padded to 5 at the front with 1. */
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  d4: i32;
  /** Left padding per dimension: input data starts at output index loK. */
  lo0: i32;
  lo1: i32;
  lo2: i32;
  lo3: i32;
  lo4: i32;
  /** loK + input dimension K: input data ends (exclusive) at output index hiK. */
  hi0: i32;
  hi1: i32;
  hi2: i32;
  hi3: i32;
  hi4: i32;
  /** The int8 pad value (output zero point, or PADV2's constant). */
  padValue: i32;
}

function inside(x: i32, lo: i32, hi: i32): boolean {
  return x >= lo && x < hi;
}

export function pad(p: PadParams, input: Int8Array, output: Int8Array): void {
  let o: i32 = 0;
  let i: i32 = 0;
  for (let a: i32 = 0; a < p.d0; a++) {
    const inA: boolean = inside(a, p.lo0, p.hi0);
    for (let b: i32 = 0; b < p.d1; b++) {
      const inB: boolean = inA && inside(b, p.lo1, p.hi1);
      for (let c: i32 = 0; c < p.d2; c++) {
        const inC: boolean = inB && inside(c, p.lo2, p.hi2);
        for (let e: i32 = 0; e < p.d3; e++) {
          if (inC && inside(e, p.lo3, p.hi3)) {
            // A row that carries input: left padding, the input row, right padding.
            for (let x: i32 = 0; x < p.lo4; x++) output[o + x] = p.padValue;
            for (let x: i32 = p.lo4; x < p.hi4; x++) output[o + x] = input[i + x - p.lo4];
            for (let x: i32 = p.hi4; x < p.d4; x++) output[o + x] = p.padValue;
            i += p.hi4 - p.lo4;
          } else {
            for (let x: i32 = 0; x < p.d4; x++) output[o + x] = p.padValue;
          }
          o += p.d4;
        }
      }
    }
  }
}
