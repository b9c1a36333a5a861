/**
 * @fileoverview FILL and ZEROS_LIKE, int8, with TFLite Micro's reference semantics (fill.cc:
 * every output element = the scalar value tensor's element; zeros_like.cc: every output element
 * = 0, the raw integer 0, not the zero point).
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/fill.ts fills the records.
 * Array order: fill: value (1 byte), output (size bytes); zeros: output (size bytes).
 */
import type { i32 } from "./types.ts";

export interface FillParams {
  /** Output elements. */
  size: i32;
}

export function fill(p: FillParams, value: Int8Array, output: Int8Array): void {
  const v: i32 = value[0];
  for (let i: i32 = 0; i < p.size; i++) output[i] = v;
}

export function zeros(p: FillParams, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) output[i] = 0;
}
