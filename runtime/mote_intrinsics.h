/**
 * @fileoverview Mote fixed-point intrinsics in C: the C twin of kernels/intrinsics.ts.
 *
 * Generated kernel C includes this header and calls mote_<name>() wherever a kernel calls an
 * intrinsic (the mapping is compiler/ir/intrinsics.ts). Every function is `static inline`, takes
 * and returns int32_t, and must give bit for bit the same result as the TypeScript reference
 * and the WASM version (compiler/emit/wasm/intrinsics.ts); test/intrinsics/ checks that on the
 * host. Semantics: TFLite Micro 90b983c2 common.{h,cc} (double rounding) and gemmlowp
 * fixedpoint.h; see docs/intrinsics.md.
 *
 * Portable C99 with no undefined behaviour for any int32 argument in the documented domain
 * (wrapping is done in uint32_t). Right shifts of negative values assume an arithmetic shift
 * (true of gcc and clang on every target Mote supports). When compiling for a core with the
 * saturation extension (Cortex-M3/M4/M7: __ARM_FEATURE_SAT) the clamps use SSAT through
 * <arm_acle.h>, so they stay one instruction at any optimisation level. The 64-bit products are
 * written so that arm-none-eabi-gcc -O2 already emits the best Cortex-M7 sequence (srdhm: one
 * SMLAL with the 2^30 nudge preloaded, LSRS/ORR, one conditional SUB; mulHi: one SMULL);
 * hand-written SMMUL/SMULL asm would not be faster and would block constant folding.
 * Conversions of out-of-range uint32_t to int32_t are implementation-defined in C99; gcc and
 * clang define them as modulo 2^32, which is what is meant.
 */
#ifndef MOTE_INTRINSICS_H
#define MOTE_INTRINSICS_H

#include <stdint.h>

#if defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
#endif

#ifndef MOTE_INLINE
#if defined(__GNUC__)
#define MOTE_INLINE static inline __attribute__((always_inline))
#else
#define MOTE_INLINE static inline
#endif
#endif

/* SaturatingRoundingDoublingHighMul: round(a*b / 2^31), ties toward +inf; only
 * INT32_MIN*INT32_MIN saturates (to INT32_MAX).
 * gemmlowp's trunc((ab + nudge) / 2^31) equals floor((ab + 2^30) / 2^31) for every ab; that
 * floor form is one SMLAL plus a 64-bit shift, and its int32 truncation is INT32_MIN exactly in
 * the one saturating case (2^62 + 2^30 >> 31 = 2^31), which no other product can reach. */
MOTE_INLINE int32_t mote_srdhm(int32_t a, int32_t b) {
  int64_t acc = ((int64_t)1 << 30) + (int64_t)a * (int64_t)b;
  int32_t r = (int32_t)(uint32_t)((uint64_t)acc >> 31);
  /* INT32_MIN here means +2^31: saturate to INT32_MAX by subtracting one (wraps). */
  return (int32_t)((uint32_t)r - (uint32_t)(r == INT32_MIN));
}

/* RoundingDivideByPOT: x / 2^exponent, to nearest, ties away from zero; exponent 0..31. */
MOTE_INLINE int32_t mote_rdbpot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)((UINT32_C(1) << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier (int32 x, double rounding); shift -31..31. */
MOTE_INLINE int32_t mote_mbqm(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  const int32_t scaled = (int32_t)((uint32_t)x << left);
  return mote_rdbpot(mote_srdhm(scaled, multiplier), right);
}

/* Clamp to [-128, 127]. */
MOTE_INLINE int32_t mote_sat8(int32_t x) {
#if defined(__ARM_FEATURE_SAT)
  return __ssat(x, 8);
#else
  return x < -128 ? -128 : (x > 127 ? 127 : x);
#endif
}

/* Clamp to [-32768, 32767]. */
MOTE_INLINE int32_t mote_sat16(int32_t x) {
#if defined(__ARM_FEATURE_SAT)
  return __ssat(x, 16);
#else
  return x < -32768 ? -32768 : (x > 32767 ? 32767 : x);
#endif
}

/* Wrapping narrow to int8, sign-extended (compilers emit SXTB / movsx). */
MOTE_INLINE int32_t mote_toI8(int32_t x) {
  return (int32_t)(((uint32_t)x & 0xFFu) ^ 0x80u) - 0x80;
}

/* Wrapping narrow to int16, sign-extended (SXTH / movsx). */
MOTE_INLINE int32_t mote_toI16(int32_t x) {
  return (int32_t)(((uint32_t)x & 0xFFFFu) ^ 0x8000u) - 0x8000;
}

/* High 32 bits of the signed 64-bit product. gcc emits one SMULL for this on Cortex-M (as
 * cheap as SMMUL there), so no inline asm: asm would only block constant folding. */
MOTE_INLINE int32_t mote_mulHi(int32_t a, int32_t b) {
  return (int32_t)(uint32_t)((uint64_t)((int64_t)a * (int64_t)b) >> 32);
}

/* Low 32 bits of the product (wrapping multiply). */
MOTE_INLINE int32_t mote_mulLo(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a * (uint32_t)b);
}

/* x * 2^n clamped to int32; n 0..31. */
MOTE_INLINE int32_t mote_satLsh(int32_t x, int32_t n) {
  const int32_t limit = INT32_MAX >> n;
  if (x > limit) return INT32_MAX;
  if (x < ~limit) return INT32_MIN; /* ~limit == INT32_MIN >> n */
  return (int32_t)((uint32_t)x << n);
}

#endif /* MOTE_INTRINSICS_H */
