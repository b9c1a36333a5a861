/**
 * @fileoverview CONV_2D (one group) as a GEMM on the Cortex-M7's DSP instructions: the sibling of
 * kernels/conv_2d.ts's `conv2d`, equal to `conv2dReference` bit for bit (test/kernels/
 * conv_2d_dsp.test.ts). compiler/ops/conv_2d_dsp.ts chooses it for a layer and fills the record.
 *
 * Two output pixels at a time are staged into `staged` (Int32Array scratch, 2 * k4 / 2 words) as
 * int16 pairs: for each block of 4 taps t..t+3 (k = filterH * filterW * inC taps in OHWI order,
 * padded with zero weights to k4, a multiple of 4), the word sxtb16 (taps t, t+2) then the word
 * sxtb16r8 (taps t+1, t+3). Then one micro-kernel runs 2 pixels x 2 output channels with 4
 * accumulators and SMLAD, the staging amortized over all output channels. The weights are an
 * Int32Array made at compile time in the order the inner loop reads them (`filter`):
 *  - int8 (int16Weights 0): per channel pair, per block, the pair's two words of 4 int8 taps
 *    (split with sxtb16 / sxtb16r8 like the activations); a last odd channel's words follow alone.
 *    outC * k4 / 4 words: the filter's flash.
 *  - int16 (int16Weights 1): the same with each word already split, 2 words per channel per block
 *    (twice the flash, no split in the loop).
 * Staging (kernels/conv_2d_dsp_stage.ts): a 1x1 unpadded layer reads its input pixel directly;
 * any other takes the pixel's receptive field (im2col), through `column` (k4 bytes) when inC is
 * not a multiple of 4 and the window is not wholly in the image. Taps outside the image take the
 * input zero point (-inputOffset): the lowering uses this kernel only with the input offset
 * folded into the bias (BIAS_FOLDED) or a zero input offset, so every tap is uniform.
 * Small K (k4 <= NARROW_TAPS, e.g. 1x1 layers of 8 or 16 input channels, 3x3 of 3) takes another
 * shape, `narrowBlock`: 1024 / (2 * k4) pixels staged, output channel outer, the channel's
 * weights (up to 4 blocks) and requantization constants in registers across those pixels.
 *
 * Requantization: with `cheapRequant` 1 the lowering proved the table form exact
 * (compiler/ops/requant-table.ts) and `table` holds {bias, m2, 2^(e-1), e} per channel (2: each
 * rounding constant also holds the output zero point times 2^e, added before the shift for free);
 * otherwise the general path with `bias`, `multipliers`, `shifts`. The fused residual ADD and the
 * in-place variants are those of conv2d (kernels/conv_2d.ts header): pixel in place forward or
 * backward stages both pixels of a pair before writing either (pairs go backward for 2); row by
 * row (INPLACE_ROWS) pairs pixels only within a row and writes the row to `pixel` first.
 */
import type { i32 } from "./types.ts";
import { mbqm, sat8, smlad, sxtb16, sxtb16r8 } from "./intrinsics.ts";
import { rdhmConst, requantize, requantizeCheap, requantizeTable, toOutput } from "./common/requantize.ts";
import type { Conv2dParams } from "./conv_2d.ts";
import { copyRow, stagePixel } from "./conv_2d_dsp_stage.ts";

const INPLACE_PIXEL_BACKWARD: i32 = 2;
const INPLACE_ROWS: i32 = 3;
const HALF_Q31: i32 = 1073741824;
/** Layers with at most this many padded taps (k4) take the small-K shape (`narrowBlock`). */
export const NARROW_TAPS: i32 = 28;
/** Bytes of staged pixels per block of the small-K shape: NARROW_STAGED_BYTES / (2 * k4) pixels. */
export const NARROW_STAGED_BYTES: i32 = 1024;
/** Blocks of 4 taps whose split weights the small-K shape keeps in registers (more: read per pixel). */
const REG_BLOCKS: i32 = 4;
/**
 * Padded tap counts above NARROW_REG_TAPS and up to NARROW_GEMM_TAPS take the 2 x 2 GEMM instead
 * (measured: vww's 16-tap layer 569,440 instructions there, 589,120 in the small-K shape; its
 * 8-tap layer 895,160 vs 747,920, its 28-tap one 1,518,760 vs 1,238,360).
 */
export const NARROW_REG_TAPS: i32 = 8;
export const NARROW_GEMM_TAPS: i32 = 16;

/** The requantized, clamped (and optionally ADD-fused) output of channel oc, stored at `at` or in the row buffer. */
function put(
  p: Conv2dParams, acc: i32, oc: i32, at: i32, ox: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array,
  table: Int32Array, skip: Int8Array, pixel: Int8Array, output: Int8Array,
): void {
  let v: i32 = 0;
  if (p.cheapRequant !== 0) {
    v = requantizeTable(acc, table, oc * 4);
  } else {
    v = requantize(acc, oc, p.hasBias, bias, multipliers, shifts);
  }
  v = toOutput(v, p.outputOffset, p.actMin, p.actMax);
  if (p.fuseAdd !== 0) {
    v = addFused(p, skip[at], v);
  }
  if (p.inPlace === INPLACE_ROWS) {
    pixel[ox * p.outC + oc] = v;
  } else {
    output[at] = v;
  }
}

/**
 * MultiplyByQuantizedMultiplier(x, m, shift), by the cheap rounding when shift is a right shift
 * (and m > 0): exact for |x| < 2^29 (rdhm needs m not INT32_MIN; |rdhm| + 2^30 < 2^31), which
 * every caller below guarantees: an ADD input (int8 + offset) << 20 is below 255 * 2^20 < 2^28 in
 * magnitude, so each rescaled input is too, and their sum is below 2^29.
 */
function rescaleCheap(x: i32, m: i32, shift: i32): i32 {
  if (shift < 0 && m > 0) {
    const s: i32 = rdhmConst(x, m);
    return (s + (s >> 31) + (1 << (-shift - 1))) >> -shift;
  }
  return mbqm(x, m, shift);
}

/** One ADD input rescaled (kernels/add.ts addRescale, with rescaleCheap). */
function addInput(x: i32, offset: i32, leftShift: i32, m: i32, shift: i32): i32 {
  if (m === HALF_Q31 && shift === 0 && leftShift >= 1) {
    return (x + offset) << (leftShift - 1);
  }
  return rescaleCheap((x + offset) << leftShift, m, shift);
}

/** The fused residual ADD (kernels/add.ts arithmetic, TFLite's) of the skip value s and the convolution's int8 output v. */
function addFused(p: Conv2dParams, s: i32, v: i32): i32 {
  const s1: i32 = addInput(s, p.addSkipOffset, p.addLeftShift, p.addSkipMultiplier, p.addSkipShift);
  const s2: i32 = addInput(v, p.addConvOffset, p.addLeftShift, p.addConvMultiplier, p.addConvShift);
  let r: i32 = rescaleCheap(s1 + s2, p.addOutputMultiplier, p.addOutputShift) + p.addOutputOffset;
  r = Math.max(r, p.addActMin);
  return Math.min(r, p.addActMax);
}

/** A requantized value's output: + the output zero point, clamped, the fused ADD with skip[at] if any. */
function fin(p: Conv2dParams, v: i32, skip: Int8Array, at: i32): i32 {
  // cheapRequant 2: the table's rounding constants already hold the output zero point.
  const offset: i32 = p.cheapRequant === 2 ? 0 : p.outputOffset;
  const out: i32 = clamp(p, (v + offset) | 0);
  if (p.fuseAdd !== 0) {
    return addFused(p, skip[at], out);
  }
  return out;
}

/** Stores v at `at` of the row buffer (INPLACE_ROWS) or of the output. */
function store(p: Conv2dParams, pixel: Int8Array, output: Int8Array, at: i32, v: i32): void {
  if (p.inPlace === INPLACE_ROWS) {
    pixel[at] = v;
  } else {
    output[at] = v;
  }
}

/** v clamped to the activation range: one SSAT when it is all of int8. */
function clamp(p: Conv2dParams, v: i32): i32 {
  if (p.actMin === -128 && p.actMax === 127) {
    return sat8(v);
  }
  return Math.min(Math.max(v, p.actMin), p.actMax);
}

/**
 * Output channel pairs (and a last odd channel) of the two staged pixels n0 and n1 (n1 only when
 * `two`). Kept out of line in C: its inner loop needs every register (inlined, gcc spills).
 * The K loop runs 8 or 12 blocks of 4 taps per iteration as straight-line code (the `for (let u`
 * loops unroll: the unroll tag), then the rest of the blocks, unrolled too. Each block reads its two
 * weight words (int8: one LDRD, then 4 SXTB16) or four (int16: two LDRDs), then each pixel's
 * staged pair (one LDRD) right before its 4 SMLADs: 4 accumulators, 2 indices, 4 weight halves
 * and 2 activations fit r0-r12 + lr (gcc -O2: 15 instructions per 16 MACs with int8 weights).
 * @noinline
 * @noipa
 * @unroll 12
 * @noschedule
 */
function gemm(
  p: Conv2dParams, filter: Int32Array, staged: Int32Array, table: Int32Array, output: Int8Array, n0: i32, n1: i32, two: boolean,
  skip: Int8Array, pixel: Int8Array, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array,
): void {
  const k4: i32 = (p.filterH * p.filterW * p.inC + 3) & -4;
  const half: i32 = k4 >> 1;
  const out0: i32 = n0 * p.outC;
  const out1: i32 = n1 * p.outC;
  const ox0: i32 = n0 % p.outW;
  const ox1: i32 = n1 % p.outW;
  const perChannel: i32 = p.int16Weights !== 0 ? half : k4 >> 2;
  // Weight words per staged word of a pixel: a block is 2 staged words per pixel, 2 (int8) or 4 (int16) weight words per pair.
  const ws: i32 = p.int16Weights !== 0 ? 2 : 1;
  // Staged words per K-loop iteration: 8 blocks, or 12 when that divides K into 2 or more iterations
  // (resnet's 3x3 layers: 1-2 % fewer instructions). Measured: 4 blocks cost kws 1 % more, the
  // whole K as straight-line code (one iteration) 6 % more, and 12 blocks with a rest cost vww 1 %.
  const chunk: i32 = half % 24 === 0 && half >= 48 ? 24 : 16;
  const rest: i32 = half - half % chunk;
  // The common case written in place (kernels/common/ is always inlined; put() is a call in C).
  const inlined: boolean = p.cheapRequant !== 0;
  // Where outputs go: the row buffer (INPLACE_ROWS, indexed by ox) or the output.
  const rows: boolean = p.inPlace === INPLACE_ROWS;
  const at0: i32 = rows ? ox0 * p.outC : out0;
  const at1: i32 = rows ? ox1 * p.outC : out1;
  // Without a fused ADD (no skip read), pixel 1's outputs are always written, first: without a
  // second pixel to pixel 0's places, which pixel 0's outputs then overwrite (no test per output).
  const always: boolean = p.fuseAdd === 0;
  const at1w: i32 = two ? at1 : at0;
  let oc: i32 = 0;
  while (oc + 2 <= p.outC) {
    const wi: i32 = oc * perChannel;
    let acc00: i32 = 0;
    let acc01: i32 = 0;
    let acc10: i32 = 0;
    let acc11: i32 = 0;
    let j: i32 = 0;
    while (j < rest) {
      for (let u: i32 = 0; u < chunk; u += 2) {
        const x: i32 = j + u;
        const at: i32 = wi + x * ws;
        let f0e: i32 = 0;
        let f0o: i32 = 0;
        let f1e: i32 = 0;
        let f1o: i32 = 0;
        if (p.int16Weights !== 0) {
          const h0: i32 = filter[at];
          const h1: i32 = filter[at + 1];
          const h2: i32 = filter[at + 2];
          const h3: i32 = filter[at + 3];
          f0e = h0;
          f0o = h1;
          f1e = h2;
          f1o = h3;
        } else {
          const w0: i32 = filter[at];
          const w1: i32 = filter[at + 1];
          f0e = sxtb16(w0);
          f1e = sxtb16(w1);
          f0o = sxtb16r8(w0);
          f1o = sxtb16r8(w1);
        }
        const x0e: i32 = staged[x];
        const x0o: i32 = staged[x + 1];
        acc00 = smlad(x0e, f0e, acc00);
        acc01 = smlad(x0e, f1e, acc01);
        acc00 = smlad(x0o, f0o, acc00);
        acc01 = smlad(x0o, f1o, acc01);
        const x1e: i32 = staged[half + x];
        const x1o: i32 = staged[half + x + 1];
        acc10 = smlad(x1e, f0e, acc10);
        acc11 = smlad(x1e, f1e, acc11);
        acc10 = smlad(x1o, f0o, acc10);
        acc11 = smlad(x1o, f1o, acc11);
      }
      j += chunk;
    }
    // The last half % chunk staged words (the same block, with constant offsets).
    for (let x: i32 = rest; x < half; x += 2) {
      const at: i32 = wi + x * ws;
      let f0e: i32 = 0;
      let f0o: i32 = 0;
      let f1e: i32 = 0;
      let f1o: i32 = 0;
      if (p.int16Weights !== 0) {
        const h0: i32 = filter[at];
        const h1: i32 = filter[at + 1];
        const h2: i32 = filter[at + 2];
        const h3: i32 = filter[at + 3];
        f0e = h0;
        f0o = h1;
        f1e = h2;
        f1o = h3;
      } else {
        const w0: i32 = filter[at];
        const w1: i32 = filter[at + 1];
        f0e = sxtb16(w0);
        f1e = sxtb16(w1);
        f0o = sxtb16r8(w0);
        f1o = sxtb16r8(w1);
      }
      const x0e: i32 = staged[x];
      const x0o: i32 = staged[x + 1];
      acc00 = smlad(x0e, f0e, acc00);
      acc01 = smlad(x0e, f1e, acc01);
      acc00 = smlad(x0o, f0o, acc00);
      acc01 = smlad(x0o, f1o, acc01);
      const x1e: i32 = staged[half + x];
      const x1o: i32 = staged[half + x + 1];
      acc10 = smlad(x1e, f0e, acc10);
      acc11 = smlad(x1e, f1e, acc11);
      acc10 = smlad(x1o, f0o, acc10);
      acc11 = smlad(x1o, f1o, acc11);
    }
    if (inlined) {
      // Each channel's table entries loaded once (two LDRDs) for both pixels.
      const b0: i32 = table[oc * 4];
      const m0: i32 = table[oc * 4 + 1];
      const r0: i32 = table[oc * 4 + 2];
      const e0: i32 = table[oc * 4 + 3];
      if (always) {
        store(p, pixel, output, at1w + oc, fin(p, requantizeCheap(acc10, b0, m0, r0, e0), skip, out1 + oc));
      }
      store(p, pixel, output, at0 + oc, fin(p, requantizeCheap(acc00, b0, m0, r0, e0), skip, out0 + oc));
      if (!always && two) {
        store(p, pixel, output, at1 + oc, fin(p, requantizeCheap(acc10, b0, m0, r0, e0), skip, out1 + oc));
      }
      const b1: i32 = table[oc * 4 + 4];
      const m1: i32 = table[oc * 4 + 5];
      const r1: i32 = table[oc * 4 + 6];
      const e1: i32 = table[oc * 4 + 7];
      if (always) {
        store(p, pixel, output, at1w + oc + 1, fin(p, requantizeCheap(acc11, b1, m1, r1, e1), skip, out1 + oc + 1));
      }
      store(p, pixel, output, at0 + oc + 1, fin(p, requantizeCheap(acc01, b1, m1, r1, e1), skip, out0 + oc + 1));
      if (!always && two) {
        store(p, pixel, output, at1 + oc + 1, fin(p, requantizeCheap(acc11, b1, m1, r1, e1), skip, out1 + oc + 1));
      }
    } else {
      put(p, acc00, oc, out0 + oc, ox0, bias, multipliers, shifts, table, skip, pixel, output);
      put(p, acc01, oc + 1, out0 + oc + 1, ox0, bias, multipliers, shifts, table, skip, pixel, output);
      if (two) {
        put(p, acc10, oc, out1 + oc, ox1, bias, multipliers, shifts, table, skip, pixel, output);
        put(p, acc11, oc + 1, out1 + oc + 1, ox1, bias, multipliers, shifts, table, skip, pixel, output);
      }
    }
    oc += 2;
  }
  if (oc < p.outC) {
    let wi: i32 = oc * perChannel;
    let acc0: i32 = 0;
    let acc1: i32 = 0;
    for (let j: i32 = 0; j < half; j += 2) {
      let fe: i32 = 0;
      let fo: i32 = 0;
      if (p.int16Weights !== 0) {
        fe = filter[wi];
        fo = filter[wi + 1];
        wi += 2;
      } else {
        const w: i32 = filter[wi];
        fe = sxtb16(w);
        fo = sxtb16r8(w);
        wi += 1;
      }
      acc0 = smlad(staged[j], fe, acc0);
      acc0 = smlad(staged[j + 1], fo, acc0);
      acc1 = smlad(staged[half + j], fe, acc1);
      acc1 = smlad(staged[half + j + 1], fo, acc1);
    }
    if (inlined) {
      store(p, pixel, output, at0 + oc, fin(p, requantizeTable(acc0, table, oc * 4), skip, out0 + oc));
      if (two) {
        store(p, pixel, output, at1 + oc, fin(p, requantizeTable(acc1, table, oc * 4), skip, out1 + oc));
      }
    } else {
      put(p, acc0, oc, out0 + oc, ox0, bias, multipliers, shifts, table, skip, pixel, output);
      if (two) {
        put(p, acc1, oc, out1 + oc, ox1, bias, multipliers, shifts, table, skip, pixel, output);
      }
    }
  }
}

/** The split weights (taps t, t+2 of a block) of the word at filter[wi]: int16 words are already split. */
function weightE(p: Conv2dParams, filter: Int32Array, wi: i32): i32 {
  return p.int16Weights !== 0 ? filter[wi] : sxtb16(filter[wi]);
}

/** The split weights (taps t+1, t+3) of the block at filter[wi]. */
function weightO(p: Conv2dParams, filter: Int32Array, wi: i32): i32 {
  return p.int16Weights !== 0 ? filter[wi + 1] : sxtb16r8(filter[wi]);
}

/**
 * The small-K shape (k4 <= NARROW_TAPS): `count` pixels staged at staged[i * half] (pixel first + i,
 * or first - i going backward), output channel outer, one pixel per step: the channel's split
 * weights (at most 4 blocks) and its table entries stay in registers across the block's pixels.
 * Weights as `gemm` reads them: channel oc's block b at (oc & -2) * perChannel + b * step + (oc & 1) * perBlock.
 * `@noipa`, not only `@noinline`: host gcc 12 -O2 (x86-64) dropped the call to its constant-propagated
 * clone altogether once ivopts had rewritten the output stores through the staged pointer
 * (golden-ops graph_inverted_residual wrong on host C; right with -fno-ipa-cp,
 * -fno-tree-loop-optimize or -fwrapv, and on the M7).
 * @noinline
 * @noipa
 */
function narrowBlock(
  p: Conv2dParams, filter: Int32Array, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array, table: Int32Array,
  skip: Int8Array, pixel: Int8Array, staged: Int32Array, output: Int8Array, first: i32, count: i32,
): void {
  const k4: i32 = (p.filterH * p.filterW * p.inC + 3) & -4;
  const half: i32 = k4 >> 1;
  const blocks: i32 = k4 >> 2;
  const perChannel: i32 = p.int16Weights !== 0 ? half : blocks;
  const perBlock: i32 = p.int16Weights !== 0 ? 2 : 1;
  const pairs: i32 = p.outC & -2;
  const back: boolean = p.inPlace === INPLACE_PIXEL_BACKWARD;
  const rows: boolean = p.inPlace === INPLACE_ROWS;
  const step: i32 = back ? -p.outC : p.outC;
  const ox0: i32 = first % p.outW;
  for (let oc: i32 = 0; oc < p.outC; oc++) {
    const lone: boolean = oc >= pairs;
    const ws: i32 = lone ? perBlock : 2 * perBlock;
    const wi: i32 = (oc & -2) * perChannel + (lone ? 0 : (oc & 1) * perBlock);
    let f0e: i32 = 0;
    let f0o: i32 = 0;
    let f1e: i32 = 0;
    let f1o: i32 = 0;
    let f2e: i32 = 0;
    let f2o: i32 = 0;
    let f3e: i32 = 0;
    let f3o: i32 = 0;
    if (blocks <= REG_BLOCKS) {
      f0e = weightE(p, filter, wi);
      f0o = weightO(p, filter, wi);
    }
    if (blocks > 1 && blocks <= REG_BLOCKS) {
      f1e = weightE(p, filter, wi + ws);
      f1o = weightO(p, filter, wi + ws);
    }
    if (blocks > 2 && blocks <= REG_BLOCKS) {
      f2e = weightE(p, filter, wi + 2 * ws);
      f2o = weightO(p, filter, wi + 2 * ws);
    }
    if (blocks > 3 && blocks <= REG_BLOCKS) {
      f3e = weightE(p, filter, wi + 3 * ws);
      f3o = weightO(p, filter, wi + 3 * ws);
    }
    // The cheap requantization's constants, the bias folded into the accumulator's start.
    const cheap: boolean = p.cheapRequant !== 0;
    const b: i32 = cheap ? table[oc * 4] : 0;
    const m2: i32 = cheap ? table[oc * 4 + 1] : 0;
    const round: i32 = cheap ? table[oc * 4 + 2] : 0;
    const e: i32 = cheap ? table[oc * 4 + 3] : 0;
    for (let i: i32 = 0; i < count; i++) {
      const x: i32 = i * half;
      let acc: i32 = b;
      if (blocks <= REG_BLOCKS) {
        const x0: i32 = staged[x];
        const x1: i32 = staged[x + 1];
        acc = smlad(x0, f0e, acc);
        acc = smlad(x1, f0o, acc);
        if (blocks > 1) {
          const x2: i32 = staged[x + 2];
          const x3: i32 = staged[x + 3];
          acc = smlad(x2, f1e, acc);
          acc = smlad(x3, f1o, acc);
        }
        if (blocks > 2) {
          const x4: i32 = staged[x + 4];
          const x5: i32 = staged[x + 5];
          acc = smlad(x4, f2e, acc);
          acc = smlad(x5, f2o, acc);
        }
        if (blocks > 3) {
          const x6: i32 = staged[x + 6];
          const x7: i32 = staged[x + 7];
          acc = smlad(x6, f3e, acc);
          acc = smlad(x7, f3o, acc);
        }
      } else {
        // More blocks than registers: the weights are read again for each pixel.
        for (let j: i32 = 0; j < half; j += 2) {
          const xe: i32 = staged[x + j];
          const xo: i32 = staged[x + j + 1];
          const wj: i32 = wi + (j >> 1) * ws;
          acc = smlad(xe, weightE(p, filter, wj), acc);
          acc = smlad(xo, weightO(p, filter, wj), acc);
        }
      }
      const at: i32 = first * p.outC + step * i + oc;
      const ox: i32 = ox0 + i;
      if (cheap) {
        // requantizeTable (kernels/common/requantize.ts) with the bias already in acc.
        store(p, pixel, output, rows ? ox * p.outC + oc : at, fin(p, requantizeCheap(acc, 0, m2, round, e), skip, at));
      } else {
        put(p, acc, oc, at, ox, bias, multipliers, shifts, table, skip, pixel, output);
      }
    }
  }
}

export function conv2dDsp(
  p: Conv2dParams,
  input: Int8Array,
  filter: Int32Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  table: Int32Array,
  skip: Int8Array,
  pixel: Int8Array,
  column: Int8Array,
  staged: Int32Array,
  output: Int8Array,
): void {
  const k4: i32 = (p.filterH * p.filterW * p.inC + 3) & -4;
  const half: i32 = k4 >> 1;
  const pixels: i32 = p.batches * p.outH * p.outW;
  const rows: boolean = p.inPlace === INPLACE_ROWS;
  const back: boolean = p.inPlace === INPLACE_PIXEL_BACKWARD;
  let n: i32 = 0;
  if (k4 <= NARROW_REG_TAPS || (k4 > NARROW_GEMM_TAPS && k4 <= NARROW_TAPS)) {
    // Blocks of pixels (within one row for INPLACE_ROWS), all staged before any is written.
    while (n < pixels) {
      let count: i32 = Math.min((NARROW_STAGED_BYTES / (2 * k4)) | 0, pixels - n);
      if (rows) {
        count = Math.min(count, p.outW - n % p.outW);
      }
      const first: i32 = back ? pixels - 1 - n : n;
      for (let i: i32 = 0; i < count; i++) {
        stagePixel(p, input, column, staged, back ? first - i : first + i, i * half);
      }
      narrowBlock(p, filter, bias, multipliers, shifts, table, skip, pixel, staged, output, first, count);
      n += count;
      if (rows && n % p.outW === 0) {
        copyRow(p, pixel, output, n - 1);
      }
    }
  } else {
    while (n < pixels) {
      let n0: i32 = n;
      let n1: i32 = n + 1;
      let two: boolean = n + 1 < pixels;
      if (rows) {
        two = two && n1 % p.outW !== 0;
      }
      if (back) {
        n0 = pixels - 1 - n;
        n1 = n0 - 1;
      }
      stagePixel(p, input, column, staged, n0, 0);
      if (two) {
        stagePixel(p, input, column, staged, n1, half);
      }
      gemm(p, filter, staged, table, output, n0, n1, two, skip, pixel, bias, multipliers, shifts);
      const last: i32 = two ? n1 : n0;
      if (rows && last % p.outW === p.outW - 1) {
        copyRow(p, pixel, output, last);
      }
      n += two ? 2 : 1;
    }
  }
}
