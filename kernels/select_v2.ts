/**
 * @fileoverview SELECT_V2, bool condition, int8 values, with TFLite Micro's reference semantics
 * (select.cc: reference_ops::Select for same-shape operands, BroadcastSelect5DSlow otherwise):
 * output = condition ? x : y, element by element, the three operands broadcast to the output
 * shape. Bytes are copied (the lowering does not compare quantization, nor does TFLM).
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/select_v2.ts fills the record.
 * `broadcast` 0 is one flat loop over same-shape operands; otherwise four nested loops over the
 * output with per-operand element strides (0 along a broadcast dimension).
 * Array order: condition (bool bytes), x, y, output (int8).
 */
import type { i32 } from "./types.ts";

export interface SelectV2Params {
  broadcast: i32;
  size: i32;
  /** Loop extents, outermost first. */
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  /** Condition strides per loop. */
  c0: i32;
  c1: i32;
  c2: i32;
  c3: i32;
  /** x strides per loop. */
  a0: i32;
  a1: i32;
  a2: i32;
  a3: i32;
  /** y strides per loop. */
  b0: i32;
  b1: i32;
  b2: i32;
  b3: i32;
}

export function selectV2(p: SelectV2Params, condition: Uint8Array, x: Int8Array, y: Int8Array, output: Int8Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      if (condition[i] !== 0) output[i] = x[i];
      else output[i] = y[i];
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const bc: i32 = i0 * p.c0 + i1 * p.c1 + i2 * p.c2;
          const bx: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const by: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            if (condition[bc + i3 * p.c3] !== 0) output[o] = x[bx + i3 * p.a3];
            else output[o] = y[by + i3 * p.b3];
            o++;
          }
        }
      }
    }
  }
}
