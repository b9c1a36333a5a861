/**
 * @fileoverview TFLite's int16 table lookup with linear interpolation (LUTLookup(int16_t, const
 * int16_t*) in kernels/internal/common.h): a 513-entry table, the top 9 bits of the value pick the
 * entry, the low 7 bits interpolate towards the next one, rounding. The tables are computed at
 * compile time (compiler/ops/lut16.ts, TFLite's LUTPopulate<int16_t>). Subset code; inlined.
 */
import type { i32 } from "../types.ts";
import { toI16 } from "../intrinsics.ts";

/** lut[at .. at + 512] looked up at the int16 `value`. */
export function lutLookup16(value: i32, lut: Int16Array, at: i32): i32 {
  const index: i32 = at + 256 + (value >> 7);
  const offset: i32 = value & 0x7f;
  const base: i32 = lut[index];
  const slope: i32 = lut[index + 1] - base;
  const delta: i32 = (slope * offset + 64) >> 7;
  return toI16(base + delta);
}
