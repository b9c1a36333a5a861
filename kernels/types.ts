/**
 * @fileoverview Machine scalar types of the kernel subset.
 *
 * They are plain `number` to TypeScript, so kernels run unchanged under Node; the subset compiler
 * reads the alias name written in the source to know the machine type (int8_t, int32_t, ...).
 * i32 arithmetic must stay in range or be wrapped explicitly (`| 0`, `Math.imul`), so the
 * TypeScript reference, C and WASM agree. See docs/subset.md.
 */
export type i8 = number;
export type i16 = number;
export type i32 = number;
export type u8 = number;
export type u16 = number;
export type u32 = number;
export type f32 = number;
