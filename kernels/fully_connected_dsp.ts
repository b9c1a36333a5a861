/**
 * @fileoverview FULLY_CONNECTED with the Cortex-M7's dual 16-bit multiply-accumulate (SMLAD): the
 * fast sibling of kernels/fully_connected.ts, equal to its `fullyConnectedReference` bit for bit
 * (test/kernels/fully_connected_dsp.test.ts). compiler/ops/fully_connected.ts chooses it and its
 * variant from the layer's constants (record fields below) and re-lays out the weights at compile
 * time (compiler/ops/fully_connected_dsp.ts) in the exact order the loops read them.
 *
 * The input depth goes in groups of 4 (k = 4g..4g+3). Activations enter SMLAD as two int16 pairs
 * per group, xa = (x[4g], x[4g+2]) and xb = (x[4g+1], x[4g+3]) (lo half first): the SXTB16 and
 * SXTB16 ROR 8 split of one little-endian word. Either staged once per batch row in the scratch
 * `staged` (2 i32 per group, input offset added, tail group zero-padded; amortized over every
 * output row), or split from `ld32` words in the loop (only when no input offset remains).
 * Weights (`weights`, Int32Array): per pass of `rows` output rows, per group, per row, either one
 * word of 4 int8 (split with SXTB16 / SXTB16 ROR 8 to match xa, xb) or two words of int16 pairs
 * (filter offset included) in xa, xb order; the tail group is zero-padded; output rows left over
 * after the passes follow, one row per pass.
 *
 * Offset-binary int8 weights (WEIGHTS_INT8_OB, staged only, no input offset in the loop): a word
 * holds a+128, b, c+128, d (k = 4g..4g+3), so its signed halves are exactly H0 = a+128 + 256b and
 * H1 = c+128 + 256d, and the word AND 0x00ff00ff has halves (a+128, c+128). With the staged pairs
 * X = (x1 + 129, x3 + 129) against the word and Y = (256x0 - x1 + 127, 256x2 - x3 + 127) against
 * the AND (both fit int16 for every int8 x; X + Y = 256 (x0 + 1, x2 + 1)), the two SMLADs add
 * 256 * (a (x0 + 1) + b (x1 + 129) + c (x2 + 1) + d (x3 + 129)) + 128 * (halves of X and Y). The
 * accumulator starts at minus 128 times the sum of every staged half (from staging), ends at 256
 * times that shifted dot product and is shifted right by 8; the compiler subtracts the row's
 * even-k weight sum and 129 times its odd-k weight sum from the bias, and proves the shifted dot
 * product stays below 2^23 in magnitude (compiler/ops/fully_connected_dsp.ts). Staging is word
 * arithmetic on x + 128 (the word XOR 0x80808080), with no carry between halves.
 *
 * Requantization (`table`): the cheap one where the compiler proved it exact, from a per-channel
 * table (REQUANT_TABLE: kernels/common/requantize.ts requantizeTable, bias included) or, when
 * every channel has the same multiplier and shift (per-tensor weights), from the record's qMult,
 * qRound, qShift with `table` holding only each channel's bias (REQUANT_UNIFORM: the same
 * arithmetic with constants the specializer folds); else the general path (REQUANT_GENERAL)
 * with bias, multipliers and shifts.
 * Arrays: input [batches, accumDepth], weights (above), bias [outputDepth] (read only with
 * table 0 and hasBias not 0), multipliers, shifts [outputDepth] (table 0), table [4 *
 * outputDepth] (REQUANT_TABLE) or [outputDepth] (REQUANT_UNIFORM), staged scratch [2 * ceil(accumDepth / 4)] (staged 1), output
 * [batches, outputDepth]. Arrays a variant does not read may be empty.
 */
import type { i32 } from "./types.ts";
import { ld32, sat8, smlad, sxtab16, sxtb16, sxtb16r8 } from "./intrinsics.ts";
import { rdhmDoubled, requantize, requantizeTable, toOutput } from "./common/requantize.ts";
import { macGroup, macWord } from "./common/mac.ts";

/**
 * `weights16` values: 4 int8 weights per word (SXTB16 + SXTB16 ROR 8), 2 int16 weights per word,
 * or 4 int8 weights per word with bytes 0 and 2 offset binary (one AND per word, header).
 */
export const WEIGHTS_INT8: i32 = 0;
export const WEIGHTS_INT16: i32 = 1;
export const WEIGHTS_INT8_OB: i32 = 2;
/** `table` values (header). */
export const REQUANT_GENERAL: i32 = 0;
export const REQUANT_TABLE: i32 = 1;
export const REQUANT_UNIFORM: i32 = 2;
/** `hasBias` value of the folded bias (as kernels/fully_connected.ts BIAS_FOLDED). */
const BIAS_FOLDED: i32 = 2;

export interface FullyConnectedDspParams {
  batches: i32;
  accumDepth: i32;
  outputDepth: i32;
  /** -input_zero_point (not added when hasBias is 2: folded into the bias). */
  inputOffset: i32;
  outputOffset: i32;
  actMin: i32;
  actMax: i32;
  /** As kernels/fully_connected.ts (0 none, 1 model bias, 2 folded); read only with REQUANT_GENERAL. */
  hasBias: i32;
  /** Output rows per pass: 4 or 2 (rows left over go one at a time). */
  rows: i32;
  /** WEIGHTS_INT8, WEIGHTS_INT16 or WEIGHTS_INT8_OB. */
  weights16: i32;
  /** 1: activations staged as int16 pairs in `staged`; 0: ld32 + SXTB16 in the loop (input offset 0). */
  staged: i32;
  /** REQUANT_GENERAL, REQUANT_TABLE or REQUANT_UNIFORM. */
  table: i32;
  /** REQUANT_UNIFORM: every channel's multiplier, 2^(e-1) and right shift e (else 0). */
  qMult: i32;
  qRound: i32;
  qShift: i32;
  /** REQUANT_UNIFORM: 1 when qRound also holds outputOffset * 2^qShift (proven not to overflow), so the zero point costs nothing. */
  qZp: i32;
}

/** The int16 pair (lo, hi) of the tail group's activations at k = 4g + j and 4g + j + 2 (0 past the depth). */
function tailPair(p: FullyConnectedDspParams, input: Int8Array, inBase: i32, k: i32, xOff: i32): i32 {
  let lo: i32 = 0;
  let hi: i32 = 0;
  if (k < p.accumDepth) {
    lo = input[inBase + k] + xOff;
  }
  if (k + 2 < p.accumDepth) {
    hi = input[inBase + k + 2] + xOff;
  }
  return ((lo & 0xffff) | (hi << 16)) | 0;
}

/**
 * Stages batch row `inBase` as int16 pairs: staged[2g] = xa, staged[2g + 1] = xb, offset added;
 * for WEIGHTS_INT8_OB the pairs X, Y of the header instead. Returns the accumulators' start:
 * -128 * (sum of the staged halves) for WEIGHTS_INT8_OB, else 0.
 */
function stage(p: FullyConnectedDspParams, input: Int8Array, inBase: i32, xOff: i32, staged: Int32Array): i32 {
  const full: i32 = p.accumDepth >> 2;
  if (p.weights16 === WEIGHTS_INT8_OB) {
    // t: the sum of every staged half (SMLAD against (1, 1)).
    let t: i32 = 0;
    for (let g: i32 = 0; g < full; g++) {
      const w: i32 = ld32(input, inBase + 4 * g);
      // (x1 + 128, x3 + 128), each in 0..255.
      const u: i32 = ((w ^ 0x80808080) >> 8) & 0x00ff00ff;
      const x: i32 = (u + 0x00010001) | 0;
      // (256 x0, 256 x2) plus (127 - x1, 127 - x3) in 0..255: no carry out of a half.
      const y: i32 = (((w << 8) & 0xff00ff00) + (0x00ff00ff - u)) | 0;
      staged[2 * g] = x;
      staged[2 * g + 1] = y;
      t = smlad(x, 0x00010001, smlad(y, 0x00010001, t));
    }
    if ((p.accumDepth & 3) !== 0) {
      const k: i32 = inBase + 4 * full;
      const x0: i32 = input[k];
      let x1: i32 = 0;
      let x2: i32 = 0;
      if (4 * full + 1 < p.accumDepth) {
        x1 = input[k + 1];
      }
      if (4 * full + 2 < p.accumDepth) {
        x2 = input[k + 2];
      }
      const x: i32 = ((x1 + 129) | (129 << 16)) | 0;
      const y: i32 = (((256 * x0 - x1 + 127) & 0xffff) | ((256 * x2 + 127) << 16)) | 0;
      staged[2 * full] = x;
      staged[2 * full + 1] = y;
      t = smlad(x, 0x00010001, smlad(y, 0x00010001, t));
    }
    return (0 - (t << 7)) | 0;
  }
  if (xOff === 0) {
    for (let g: i32 = 0; g < full; g++) {
      const w: i32 = ld32(input, inBase + 4 * g);
      staged[2 * g] = sxtb16(w);
      staged[2 * g + 1] = sxtb16r8(w);
    }
  } else {
    const off2: i32 = ((xOff & 0xffff) | (xOff << 16)) | 0;
    for (let g: i32 = 0; g < full; g++) {
      const w: i32 = ld32(input, inBase + 4 * g);
      staged[2 * g] = sxtab16(off2, w);
      staged[2 * g + 1] = sxtab16(off2, w >> 8);
    }
  }
  if ((p.accumDepth & 3) !== 0) {
    staged[2 * full] = tailPair(p, input, inBase, 4 * full, xOff);
    staged[2 * full + 1] = tailPair(p, input, inBase, 4 * full + 1, xOff);
  }
  return 0;
}

/** A requantized value plus the output zero point, clamped (one SSAT when the range is all of int8). */
function clampOut(p: FullyConnectedDspParams, v: i32): i32 {
  return clampWith(p, v, p.outputOffset);
}

/** v + off clamped to the activation range. */
function clampWith(p: FullyConnectedDspParams, v: i32, off: i32): i32 {
  if (p.actMin === -128 && p.actMax === 127) {
    return sat8((v + off) | 0);
  }
  return toOutput(v, off, p.actMin, p.actMax);
}

/** The output value of channel `oc`'s accumulator: bias, requantization, zero point and clamp. */
function finish(
  p: FullyConnectedDspParams, acc: i32, oc: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array, table: Int32Array,
): i32 {
  let v: i32 = acc;
  if (p.weights16 === WEIGHTS_INT8_OB) {
    v = acc >> 8;
  }
  if (p.table === REQUANT_UNIFORM) {
    const q: i32 = rdhmDoubled((v + table[oc]) | 0, p.qMult);
    const r: i32 = ((((q + (q >> 31)) | 0) + p.qRound) | 0) >> p.qShift;
    if (p.qZp !== 0) {
      return clampWith(p, r, 0);
    }
    return clampOut(p, r);
  }
  if (p.table === REQUANT_TABLE) {
    return clampOut(p, requantizeTable(v, table, 4 * oc));
  }
  return clampOut(p, requantize(v, oc, p.hasBias, bias, multipliers, shifts));
}

/** xa of full group g: staged, or the SXTB16 of the input word. */
function pairA(stg: i32, input: Int8Array, inBase: i32, g: i32, staged: Int32Array): i32 {
  if (stg !== 0) {
    return staged[2 * g];
  }
  return unstagedA(input, inBase, g);
}

/** xb of full group g: staged, or the SXTB16 ROR 8 of the input word. */
function pairB(stg: i32, input: Int8Array, inBase: i32, g: i32, staged: Int32Array): i32 {
  if (stg !== 0) {
    return staged[2 * g + 1];
  }
  return unstagedB(input, inBase, g);
}

/** xa of full group g from the input word (no input offset left in the loop). */
function unstagedA(input: Int8Array, inBase: i32, g: i32): i32 {
  return sxtb16(ld32(input, inBase + 4 * g));
}

/** xb of full group g from the input word. */
function unstagedB(input: Int8Array, inBase: i32, g: i32): i32 {
  return sxtb16r8(ld32(input, inBase + 4 * g));
}

/**
 * Four output rows oc..oc+3 of batch row inBase with unstaged activations (p.staged 0: ld32 and
 * SXTB16 in the loop; staged layers take rows4Staged): their dot products over the groups (four
 * per iteration, then two, then one, then the tail group from bytes), requantized into `output`.
 * `fmt` (a WEIGHTS_* value) is passed as a constant by the entry.
 */
function rows4(
  p: FullyConnectedDspParams, fmt: i32, input: Int8Array, weights: Int32Array, bias: Int32Array, multipliers: Int32Array,
  shifts: Int32Array, table: Int32Array, output: Int8Array, inBase: i32, outBase: i32, oc: i32, wi0: i32,
  start: i32, loopGroups: i32, tail: i32,
): void {
  let wpg: i32 = 1;
  if (fmt === WEIGHTS_INT16) {
    wpg = 2;
  }
  let wi: i32 = wi0;
    let acc0: i32 = start;
    let acc1: i32 = start;
    let acc2: i32 = start;
    let acc3: i32 = start;
    // Four groups per iteration (one loop test per 64 MACs), then two, then one.
    let g: i32 = 0;
    while (g + 4 <= loopGroups) {
      const xa: i32 = unstagedA(input, inBase, g);
      const xb: i32 = unstagedB(input, inBase, g);
      const xc: i32 = unstagedA(input, inBase, g + 1);
      const xd: i32 = unstagedB(input, inBase, g + 1);
      const w2: i32 = wi + 4 * wpg;
      acc0 = macGroup(macGroup(acc0, weights, wi, fmt, xa, xb), weights, w2, fmt, xc, xd);
      acc1 = macGroup(macGroup(acc1, weights, wi + wpg, fmt, xa, xb), weights, w2 + wpg, fmt, xc, xd);
      acc2 = macGroup(macGroup(acc2, weights, wi + 2 * wpg, fmt, xa, xb), weights, w2 + 2 * wpg, fmt, xc, xd);
      acc3 = macGroup(macGroup(acc3, weights, wi + 3 * wpg, fmt, xa, xb), weights, w2 + 3 * wpg, fmt, xc, xd);
      const xe: i32 = unstagedA(input, inBase, g + 2);
      const xf: i32 = unstagedB(input, inBase, g + 2);
      const xg: i32 = unstagedA(input, inBase, g + 3);
      const xh: i32 = unstagedB(input, inBase, g + 3);
      const w4: i32 = wi + 8 * wpg;
      const w6: i32 = wi + 12 * wpg;
      acc0 = macGroup(macGroup(acc0, weights, w4, fmt, xe, xf), weights, w6, fmt, xg, xh);
      acc1 = macGroup(macGroup(acc1, weights, w4 + wpg, fmt, xe, xf), weights, w6 + wpg, fmt, xg, xh);
      acc2 = macGroup(macGroup(acc2, weights, w4 + 2 * wpg, fmt, xe, xf), weights, w6 + 2 * wpg, fmt, xg, xh);
      acc3 = macGroup(macGroup(acc3, weights, w4 + 3 * wpg, fmt, xe, xf), weights, w6 + 3 * wpg, fmt, xg, xh);
      wi += 16 * wpg;
      g += 4;
    }
    if (g + 2 <= loopGroups) {
      const xa: i32 = unstagedA(input, inBase, g);
      const xb: i32 = unstagedB(input, inBase, g);
      const xc: i32 = unstagedA(input, inBase, g + 1);
      const xd: i32 = unstagedB(input, inBase, g + 1);
      const w2: i32 = wi + 4 * wpg;
      acc0 = macGroup(macGroup(acc0, weights, wi, fmt, xa, xb), weights, w2, fmt, xc, xd);
      acc1 = macGroup(macGroup(acc1, weights, wi + wpg, fmt, xa, xb), weights, w2 + wpg, fmt, xc, xd);
      acc2 = macGroup(macGroup(acc2, weights, wi + 2 * wpg, fmt, xa, xb), weights, w2 + 2 * wpg, fmt, xc, xd);
      acc3 = macGroup(macGroup(acc3, weights, wi + 3 * wpg, fmt, xa, xb), weights, w2 + 3 * wpg, fmt, xc, xd);
      wi += 8 * wpg;
      g += 2;
    }
    // At most one group is left; an `if`, not a loop (gcc 12 read a loop here as running past
    // the weights on a path it could not rule out, -Waggressive-loop-optimizations).
    if (g < loopGroups) {
      const xa: i32 = unstagedA(input, inBase, g);
      const xb: i32 = unstagedB(input, inBase, g);
      acc0 = macGroup(acc0, weights, wi, fmt, xa, xb);
      acc1 = macGroup(acc1, weights, wi + wpg, fmt, xa, xb);
      acc2 = macGroup(acc2, weights, wi + 2 * wpg, fmt, xa, xb);
      acc3 = macGroup(acc3, weights, wi + 3 * wpg, fmt, xa, xb);
      wi += 4 * wpg;
      g += 1;
    }
    if (tail !== 0) {
      const ta: i32 = tailPair(p, input, inBase, 4 * loopGroups, 0);
      const tb: i32 = tailPair(p, input, inBase, 4 * loopGroups + 1, 0);
      acc0 = macGroup(acc0, weights, wi, fmt, ta, tb);
      acc1 = macGroup(acc1, weights, wi + wpg, fmt, ta, tb);
      acc2 = macGroup(acc2, weights, wi + 2 * wpg, fmt, ta, tb);
      acc3 = macGroup(acc3, weights, wi + 3 * wpg, fmt, ta, tb);
      wi += 4 * wpg;
    }
    output[outBase + oc] = finish(p, acc0, oc, bias, multipliers, shifts, table);
    output[outBase + oc + 1] = finish(p, acc1, oc + 1, bias, multipliers, shifts, table);
    output[outBase + oc + 2] = finish(p, acc2, oc + 2, bias, multipliers, shifts, table);
    output[outBase + oc + 3] = finish(p, acc3, oc + 3, bias, multipliers, shifts, table);
}

/**
 * rows4 for staged activations (p.staged 1, every default layer), written so that the C emitter
 * pairs its loads into LDRD (compiler/emit/c/function.ts pairedLoad: adjacent lets of a[e],
 * a[e + 1] on an Int32Array): each group's staged pair, and the int8 formats' four row words (two
 * by two; int16 rows pair inside macGroup). Same groups and order as rows4, so the same sums.
 * The `u` loops (four groups per iteration, then two) are written out by the specializer.
 * @unroll 4
 */
function rows4Staged(
  p: FullyConnectedDspParams, fmt: i32, weights: Int32Array, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array,
  table: Int32Array, staged: Int32Array, output: Int8Array, outBase: i32, oc: i32, wi0: i32, start: i32, loopGroups: i32,
): void {
  // Words per group and row; a group of four rows is 4 * wpg words.
  let wpg: i32 = 1;
  if (fmt === WEIGHTS_INT16) {
    wpg = 2;
  }
  let wi: i32 = wi0;
  let acc0: i32 = start;
  let acc1: i32 = start;
  let acc2: i32 = start;
  let acc3: i32 = start;
  let g: i32 = 0;
  while (g + 4 <= loopGroups) {
    for (let u: i32 = 0; u < 4; u++) {
      const xa: i32 = staged[2 * (g + u)];
      const xb: i32 = staged[2 * (g + u) + 1];
      const wo: i32 = wi + 4 * wpg * u;
      if (fmt === WEIGHTS_INT16) {
        acc0 = macGroup(acc0, weights, wo, fmt, xa, xb);
        acc1 = macGroup(acc1, weights, wo + 2, fmt, xa, xb);
        acc2 = macGroup(acc2, weights, wo + 4, fmt, xa, xb);
        acc3 = macGroup(acc3, weights, wo + 6, fmt, xa, xb);
      } else {
        const w0: i32 = weights[wo];
        const w1: i32 = weights[wo + 1];
        const w2: i32 = weights[wo + 2];
        const w3: i32 = weights[wo + 3];
        acc0 = macWord(acc0, w0, fmt, xa, xb);
        acc1 = macWord(acc1, w1, fmt, xa, xb);
        acc2 = macWord(acc2, w2, fmt, xa, xb);
        acc3 = macWord(acc3, w3, fmt, xa, xb);
      }
    }
    wi += 16 * wpg;
    g += 4;
  }
  if (g + 2 <= loopGroups) {
    for (let u: i32 = 0; u < 2; u++) {
      const xa: i32 = staged[2 * (g + u)];
      const xb: i32 = staged[2 * (g + u) + 1];
      const wo: i32 = wi + 4 * wpg * u;
      if (fmt === WEIGHTS_INT16) {
        acc0 = macGroup(acc0, weights, wo, fmt, xa, xb);
        acc1 = macGroup(acc1, weights, wo + 2, fmt, xa, xb);
        acc2 = macGroup(acc2, weights, wo + 4, fmt, xa, xb);
        acc3 = macGroup(acc3, weights, wo + 6, fmt, xa, xb);
      } else {
        const w0: i32 = weights[wo];
        const w1: i32 = weights[wo + 1];
        const w2: i32 = weights[wo + 2];
        const w3: i32 = weights[wo + 3];
        acc0 = macWord(acc0, w0, fmt, xa, xb);
        acc1 = macWord(acc1, w1, fmt, xa, xb);
        acc2 = macWord(acc2, w2, fmt, xa, xb);
        acc3 = macWord(acc3, w3, fmt, xa, xb);
      }
    }
    wi += 8 * wpg;
    g += 2;
  }
  if (g < loopGroups) {
    const xa: i32 = staged[2 * g];
    const xb: i32 = staged[2 * g + 1];
    const wo: i32 = wi;
    if (fmt === WEIGHTS_INT16) {
      acc0 = macGroup(acc0, weights, wo, fmt, xa, xb);
      acc1 = macGroup(acc1, weights, wo + 2, fmt, xa, xb);
      acc2 = macGroup(acc2, weights, wo + 4, fmt, xa, xb);
      acc3 = macGroup(acc3, weights, wo + 6, fmt, xa, xb);
    } else {
      const w0: i32 = weights[wo];
      const w1: i32 = weights[wo + 1];
      const w2: i32 = weights[wo + 2];
      const w3: i32 = weights[wo + 3];
      acc0 = macWord(acc0, w0, fmt, xa, xb);
      acc1 = macWord(acc1, w1, fmt, xa, xb);
      acc2 = macWord(acc2, w2, fmt, xa, xb);
      acc3 = macWord(acc3, w3, fmt, xa, xb);
    }
  }
  output[outBase + oc] = finish(p, acc0, oc, bias, multipliers, shifts, table);
  output[outBase + oc + 1] = finish(p, acc1, oc + 1, bias, multipliers, shifts, table);
  output[outBase + oc + 2] = finish(p, acc2, oc + 2, bias, multipliers, shifts, table);
  output[outBase + oc + 3] = finish(p, acc3, oc + 3, bias, multipliers, shifts, table);
}

export function fullyConnectedDsp(
  p: FullyConnectedDspParams,
  input: Int8Array,
  weights: Int32Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  table: Int32Array,
  staged: Int32Array,
  output: Int8Array,
): void {
  let xOff: i32 = p.inputOffset;
  if (p.hasBias === BIAS_FOLDED) {
    xOff = 0;
  }
  const groups: i32 = (p.accumDepth + 3) >> 2;
  // Groups the loops run: all when staged (the tail group is zero-padded), else the full ones;
  // then, unstaged, the tail group (tail 1) from bytes.
  let loopGroups: i32 = groups;
  let tail: i32 = 0;
  if (p.staged === 0) {
    loopGroups = p.accumDepth >> 2;
    tail = groups - loopGroups;
  }
  // Words per group and row.
  let wpg: i32 = 1;
  if (p.weights16 === WEIGHTS_INT16) {
    wpg = 2;
  }
  for (let b: i32 = 0; b < p.batches; b++) {
    const inBase: i32 = b * p.accumDepth;
    const outBase: i32 = b * p.outputDepth;
    let start: i32 = 0;
    if (p.staged !== 0) {
      start = stage(p, input, inBase, xOff, staged);
    }
    let oc: i32 = 0;
    if (p.rows === 4) {
      while (oc + 4 <= p.outputDepth) {
        // The weight format and staging as constants, so that even a generic build (no
        // specialization) runs loops without per-group branches.
        const wi: i32 = oc * groups * wpg;
        if (p.weights16 === WEIGHTS_INT8_OB) {
          rows4Staged(p, WEIGHTS_INT8_OB, weights, bias, multipliers, shifts, table, staged, output, outBase, oc, wi, start, loopGroups);
        } else if (p.staged !== 0) {
          if (p.weights16 === WEIGHTS_INT16) {
            rows4Staged(p, WEIGHTS_INT16, weights, bias, multipliers, shifts, table, staged, output, outBase, oc, wi, start, loopGroups);
          } else {
            rows4Staged(p, WEIGHTS_INT8, weights, bias, multipliers, shifts, table, staged, output, outBase, oc, wi, start, loopGroups);
          }
        } else if (p.weights16 === WEIGHTS_INT16) {
          rows4(p, WEIGHTS_INT16, input, weights, bias, multipliers, shifts, table, output, inBase, outBase, oc, wi, start, loopGroups, tail);
        } else {
          rows4(p, WEIGHTS_INT8, input, weights, bias, multipliers, shifts, table, output, inBase, outBase, oc, wi, start, loopGroups, tail);
        }
        oc += 4;
      }
    }
    let wi: i32 = oc * groups * wpg;
    if (p.rows !== 4) {
      while (oc + 2 <= p.outputDepth) {
        let acc0: i32 = start;
        let acc1: i32 = start;
        for (let g: i32 = 0; g < loopGroups; g++) {
          const xa: i32 = pairA(p.staged, input, inBase, g, staged);
          const xb: i32 = pairB(p.staged, input, inBase, g, staged);
          acc0 = macGroup(acc0, weights, wi, p.weights16, xa, xb);
          acc1 = macGroup(acc1, weights, wi + wpg, p.weights16, xa, xb);
          wi += 2 * wpg;
        }
        if (tail !== 0) {
          const ta: i32 = tailPair(p, input, inBase, 4 * loopGroups, 0);
          const tb: i32 = tailPair(p, input, inBase, 4 * loopGroups + 1, 0);
          acc0 = macGroup(acc0, weights, wi, p.weights16, ta, tb);
          acc1 = macGroup(acc1, weights, wi + wpg, p.weights16, ta, tb);
          wi += 2 * wpg;
        }
        output[outBase + oc] = finish(p, acc0, oc, bias, multipliers, shifts, table);
        output[outBase + oc + 1] = finish(p, acc1, oc + 1, bias, multipliers, shifts, table);
        oc += 2;
      }
    }
    while (oc < p.outputDepth) {
      let acc: i32 = start;
      for (let g: i32 = 0; g < loopGroups; g++) {
        acc = macGroup(acc, weights, wi, p.weights16, pairA(p.staged, input, inBase, g, staged), pairB(p.staged, input, inBase, g, staged));
        wi += wpg;
      }
      if (tail !== 0) {
        const ta: i32 = tailPair(p, input, inBase, 4 * loopGroups, 0);
        const tb: i32 = tailPair(p, input, inBase, 4 * loopGroups + 1, 0);
        acc = macGroup(acc, weights, wi, p.weights16, ta, tb);
        wi += wpg;
      }
      output[outBase + oc] = finish(p, acc, oc, bias, multipliers, shifts, table);
      oc++;
    }
  }
}
