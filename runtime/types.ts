/**
 * @fileoverview The machine scalar types for subset files in runtime/ (the same aliases as
 * kernels/types.ts, which docs/subset.md describes).
 */
export type { i8, i16, i32, u8, u16, u32, f32 } from "../kernels/types.ts";
