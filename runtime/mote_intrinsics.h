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
 *
 * The DSP (SIMD within a register) intrinsics use the instructions themselves under MOTE_DSP
 * (__ARM_FEATURE_DSP and __ARM_FEATURE_SIMD32: ACLE __smlad/__smladx/__sxtb16/__sxtab16, inline
 * asm for SXTB16 ROR #8 and for PKHBT/PKHTB with a constant shift), because gcc 12 does not
 * recognise any of them in plain C. Elsewhere (the host) they are portable C with the same
 * results. The Q flag SMLAD may set is never read: results wrap in int32.
 * mote_ld32/mote_st32 move a little-endian word of int8 data through a 1-byte-aligned, may_alias
 * uint32_t (gcc/clang; a 4-byte memcpy elsewhere): one LDR/STR on a Cortex-M7 (which allows
 * unaligned word access) and one MOV on x86 at every optimisation level, never a libc call;
 * byte accesses on cores without unaligned access (gcc knows).
 */
#ifndef MOTE_INTRINSICS_H
#define MOTE_INTRINSICS_H

#include <stdint.h>
#if !defined(__GNUC__)
#include <string.h>
#include <math.h>
#endif

/* The Cortex-M DSP extension (M4/M7/M33...): SMLAD, SXTB16, PKHBT... through <arm_acle.h>. */
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#define MOTE_DSP 1
#endif

#if defined(__ARM_FEATURE_SAT) || defined(MOTE_DSP)
#include <arm_acle.h>
#endif

#ifndef MOTE_INLINE
#if defined(__GNUC__)
#define MOTE_INLINE static inline __attribute__((always_inline))
#else
#define MOTE_INLINE static inline
#endif
#endif

/* The correctly rounded f32 square root (Math.fround(Math.sqrt(x)) in kernel TypeScript): one
 * VSQRT.F32 on the Cortex-M7 FPU, SQRTSS on x86-64. The builds pass -fno-math-errno, so gcc
 * emits no errno check and no libm call around it (compiler/toolchain/host.ts, firmware.ts). */
MOTE_INLINE float mote_sqrtf(float x) {
#if defined(__GNUC__)
  return __builtin_sqrtf(x);
#else
  return sqrtf(x);
#endif
}

/* TFLite's FloorDiv on floats (Math.fround(Math.floor(x / y)) in kernel TypeScript):
 * float(floor(double(a) / double(b))). The division and both conversions are exact IEEE double
 * operations (libgcc's soft double on a single-precision FPU); floor is written out rather than
 * taken from libm (the firmware links none): below 2^52 in magnitude, truncation through int64 and
 * one step down for a negative fraction; zeros (keeping their sign), larger values, infinities and
 * NaN are already integral. */
MOTE_INLINE float mote_floordivf(float a, float b) {
  double q = (double)a / (double)b;
  if (q != 0.0 && q < 4503599627370496.0 && q > -4503599627370496.0) {
    double t = (double)(int64_t)q;
    if (t > q) t -= 1.0;
    q = t;
  }
  return (float)q;
}

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
  /* The builtin behind ACLE's __ssat, cast: gcc 12's __ssat macro assigns the builtin's unsigned
     result to an int32_t, which -Wconversion reports at every use. Same SSAT instruction. */
  return (int32_t)__builtin_arm_ssat(x, 8);
#else
  return x < -128 ? -128 : (x > 127 ? 127 : x);
#endif
}

/* Clamp to [-32768, 32767]. */
MOTE_INLINE int32_t mote_sat16(int32_t x) {
#if defined(__ARM_FEATURE_SAT)
  return (int32_t)__builtin_arm_ssat(x, 16);
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

/* Doubling high multiply, rounded, no saturation: floor((a*b + 2^30) / 2^31) wrapped to int32.
 * gcc -O2 on the M7: MOV/MOVS of the nudge, one SMLAL, LSRS, ORR. */
MOTE_INLINE int32_t mote_rdhm(int32_t a, int32_t b) {
  int64_t acc = ((int64_t)1 << 30) + (int64_t)a * (int64_t)b;
  return (int32_t)(uint32_t)((uint64_t)acc >> 31);
}

/* ---- DSP: halves are the signed 16-bit halves of a word (lo = bits 0-15), byte k = bits 8k..8k+7. */

/* Sign-extended low half / byte k of x, without implementation-defined narrowing conversions. */
#define MOTE_LO16(x) ((int32_t)(((uint32_t)(x) & 0xFFFFu) ^ 0x8000u) - 0x8000)
#define MOTE_BYTE(x, k) ((int32_t)((((uint32_t)(x) >> (8 * (k))) & 0xFFu) ^ 0x80u) - 0x80)

/* SMMULR: floor((a*b + 2^31) / 2^32), the rounded high word of the product (always in int32).
 * gcc 12 forms no SMMULR from the C form (it uses SMULL and an ADDS/ADC pair): inline asm. */
MOTE_INLINE int32_t mote_smmulr(int32_t a, int32_t b) {
#if defined(MOTE_DSP) && defined(__GNUC__)
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return (int32_t)((((int64_t)a * (int64_t)b) + ((int64_t)1 << 31)) >> 32);
#endif
}

/* SMLAD: acc + lo(x)*lo(y) + hi(x)*hi(y), wrapping. */
MOTE_INLINE int32_t mote_smlad(int32_t x, int32_t y, int32_t acc) {
#if defined(MOTE_DSP)
  return __smlad(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(MOTE_LO16(x) * MOTE_LO16(y)) + (uint32_t)((x >> 16) * (y >> 16)));
#endif
}

/* SMLADX: acc + lo(x)*hi(y) + hi(x)*lo(y), wrapping. */
MOTE_INLINE int32_t mote_smladx(int32_t x, int32_t y, int32_t acc) {
#if defined(MOTE_DSP)
  return __smladx(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(MOTE_LO16(x) * (y >> 16)) + (uint32_t)((x >> 16) * MOTE_LO16(y)));
#endif
}

/* SXTB16: lo = byte 0 of x, hi = byte 2, each sign-extended to 16 bits. */
MOTE_INLINE int32_t mote_sxtb16(int32_t x) {
#if defined(MOTE_DSP)
  return __sxtb16(x);
#else
  return (int32_t)(((uint32_t)MOTE_BYTE(x, 2) << 16) | ((uint32_t)MOTE_BYTE(x, 0) & 0xFFFFu));
#endif
}

/* SXTB16 ROR #8: lo = byte 1, hi = byte 3 (gcc 12's ACLE has no rotate form: inline asm). */
MOTE_INLINE int32_t mote_sxtb16r8(int32_t x) {
#if defined(MOTE_DSP) && defined(__GNUC__)
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
#else
  return (int32_t)(((uint32_t)MOTE_BYTE(x, 3) << 16) | ((uint32_t)MOTE_BYTE(x, 1) & 0xFFFFu));
#endif
}

/* SXTAB16: lo = lo(a) + byte 0 of x, hi = hi(a) + byte 2 of x, each half wrapping. */
MOTE_INLINE int32_t mote_sxtab16(int32_t a, int32_t x) {
#if defined(MOTE_DSP)
  return __sxtab16(a, x);
#else
  const uint32_t lo = ((uint32_t)a + (uint32_t)MOTE_BYTE(x, 0)) & 0xFFFFu;
  const uint32_t hi = ((uint32_t)a >> 16) + (uint32_t)MOTE_BYTE(x, 2);
  return (int32_t)((hi << 16) | lo);
#endif
}

/* PKHBT: lo half of a, hi half of b << sh; sh 0..31. gcc 12 emits no PKHBT for the C form, so a
 * compile-time constant sh (the kernels' case, after inlining) uses the instruction. */
MOTE_INLINE int32_t mote_pkhbt(int32_t a, int32_t b, int32_t sh) {
#if defined(MOTE_DSP) && defined(__GNUC__)
  if (__builtin_constant_p(sh) && sh >= 0 && sh <= 31) {
    int32_t r;
    __asm__("pkhbt %0, %1, %2, lsl %3" : "=r"(r) : "r"(a), "r"(b), "n"(sh));
    return r;
  }
#endif
  return (int32_t)(((uint32_t)a & 0xFFFFu) | (((uint32_t)b << (sh & 31)) & 0xFFFF0000u));
}

/* PKHTB: hi half of a, lo half of b >> sh (arithmetic); sh 0..31 (PKHTB encodes 1..31; 0 is
 * PKHBT with the operands exchanged). */
MOTE_INLINE int32_t mote_pkhtb(int32_t a, int32_t b, int32_t sh) {
#if defined(MOTE_DSP) && defined(__GNUC__)
  if (__builtin_constant_p(sh) && sh >= 1 && sh <= 31) {
    int32_t r;
    __asm__("pkhtb %0, %1, %2, asr %3" : "=r"(r) : "r"(a), "r"(b), "n"(sh));
    return r;
  }
  if (__builtin_constant_p(sh) && sh == 0) {
    int32_t r;
    __asm__("pkhbt %0, %1, %2" : "=r"(r) : "r"(b), "r"(a));
    return r;
  }
#endif
  return (int32_t)(((uint32_t)a & 0xFFFF0000u) | ((uint32_t)(b >> (sh & 31)) & 0xFFFFu));
}

/* ---- Paired word loads. The C emitter spells `let x = a[e]; let y = a[e + 1];` on an int32
 * array as mote_ld2 (compiler/emit/c/function.ts). On Thumb-2 it is one LDRD (word alignment
 * suffices on the M7; every int32_t array is word-aligned), which gcc 12 -O2 never forms from two
 * LDRs. The asm reads its memory operand through a may_alias type, so no store to the array is
 * moved across it; the "m" operand of a DImode object only takes addresses LDRD can encode. */
#if defined(__GNUC__) && defined(__thumb2__)
typedef uint64_t __attribute__((aligned(4), may_alias)) mote_u64_words;
#endif

MOTE_INLINE void mote_ld2(const int32_t *a, int32_t i, int32_t *lo, int32_t *hi) {
#if defined(__GNUC__) && defined(__thumb2__)
  int32_t l, h;
  __asm__("ldrd %0, %1, %2" : "=r"(l), "=r"(h) : "m"(*(const mote_u64_words *)(const void *)(a + i)));
  *lo = l;
  *hi = h;
#else
  *lo = a[i];
  *hi = a[i + 1];
#endif
}

/* ---- Word access to int8 data (kernels/intrinsics.ts ld32/st32; KIR ld32/st32). */

#if defined(__GNUC__)
typedef uint32_t __attribute__((aligned(1), may_alias)) mote_u32_unaligned;
#endif

/* The little-endian word a[i..i+3] (byte 0 = a[i]); i need not be a multiple of 4. */
MOTE_INLINE int32_t mote_ld32(const int8_t *a, int32_t i) {
#if defined(__GNUC__)
  uint32_t v = *(const mote_u32_unaligned *)(const void *)(a + i);
#else
  uint32_t v;
  memcpy(&v, a + i, 4);
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return (int32_t)v;
}

/* Stores v little-endian into a[i..i+3]. */
MOTE_INLINE void mote_st32(int8_t *a, int32_t i, int32_t v) {
  uint32_t u = (uint32_t)v;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  u = __builtin_bswap32(u);
#endif
#if defined(__GNUC__)
  *(mote_u32_unaligned *)(void *)(a + i) = u;
#else
  memcpy(a + i, &u, 4);
#endif
}

#endif /* MOTE_INTRINSICS_H */
