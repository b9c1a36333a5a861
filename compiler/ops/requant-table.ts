/**
 * @fileoverview The compile-time proof and table of the cheap requantization
 * (kernels/common/requantize.ts requantizeTable) for one layer of CONV_2D, DEPTHWISE_CONV_2D or
 * FULLY_CONNECTED.
 *
 * The cheap form equals TFLite's MultiplyByQuantizedMultiplier bit for bit when (../shared/
 * SPEED.md section 4, and test/kernels/requantize.test.ts):
 *  - every channel's shift is a right shift (TFLite shift < 0) or its multiplier is 0 (then the
 *    result is 0 whatever e is; e = 1 is used);
 *  - no multiplier is INT32_MIN (rdhm does not saturate);
 *  - the rounding sum s + 2^(e-1) cannot overflow, s = rdhm(acc + bias, multiplier): acc + bias
 *    is, exactly, sum of filter * (x + inputOffset) over the taps plus the model's bias (the
 *    input-offset folding does not change the final value, only how it is summed), so it is
 *    bounded by B = max|x + inputOffset| * sum|filter| + |bias| with x in [-128, 127] (padding
 *    taps contribute 0); with B < 2^31 (no wrap), |s| <= floor((B * |multiplier| + 2^30) / 2^31),
 *    and that plus 2^(e-1) must stay below 2^31. (B < 2^30, the bound first used, implies it:
 *    |s| <= 2^29 + 1 then. The exact one also accepts layers whose bias alone is near 2^30 but
 *    whose multiplier is small, as vww's dead channels.)
 * `cheapRequantTable` checks all three for the layer and returns null when any fails: the kernel
 * then keeps the general path.
 *
 * The table holds each multiplier m doubled and wrapped (m2 = 2m - 2^32), which the kernels
 * multiply with one SMMULR and an add (kernels/common/requantize.ts rdhmDoubled, exact for m in
 * [2^30, 2^31): TFLite's QuantizeMultiplier makes no other nonzero multiplier; a layer with
 * another one keeps the general path). A channel whose multiplier is 0 gets m2 = 0, 2^(e-1) =
 * 2^30 and e = 31, which gives 0 for |v| < 2^30 - 1; its bias leaves the model's bias out (the
 * output does not depend on it), so v is the bare dot product, below max|x + inputOffset| *
 * sum|filter| (checked, else the general path).
 */

/** Largest |acc + bias| the cheap requantization is taken for (exclusive): no i32 wrap. */
export const CHEAP_REQUANT_BOUND = 2 ** 31;
/** The same for a channel whose multiplier is 0 (its table row gives 0 below it, module header). */
export const ZERO_CHANNEL_BOUND = 2 ** 30 - 1;

/** Whether s + 2^(e-1) stays below 2^31 for every |acc + bias| <= bound (exact, in BigInt). */
function roundingFits(bound: number, multiplier: number, e: number): boolean {
  const sMax = (BigInt(bound) * BigInt(Math.abs(multiplier)) + (1n << 30n)) >> 31n;
  return sMax + (1n << BigInt(e - 1)) < 1n << 31n;
}

export interface ChannelWeights {
  /** Sum of |filter| over output channel oc's taps. */
  absSum: (oc: number) => number;
}

/**
 * {bias, m2, 2^(e-1), e} per output channel (4 * outC i32), or null when the cheap
 * requantization is not proven exact for this layer. `bias` is what the kernel adds to its
 * accumulator (the model's bias, the folded bias, or zeros: the model's bias plus terms the
 * kernel's accumulator leaves out); `modelBias` is the model's bias, that part of `bias`
 * (zeros when none), used for the bound; `absSum(oc)` is the sum of |filter| of channel oc.
 */
export function cheapRequantTable(
  outC: number,
  bias: (oc: number) => number,
  modelBias: (oc: number) => number,
  absSum: (oc: number) => number,
  inputOffset: number,
  multipliers: readonly number[],
  shifts: readonly number[],
): number[] | null {
  const maxX = Math.max(Math.abs(-128 + inputOffset), Math.abs(127 + inputOffset));
  const table: number[] = [];
  for (let oc = 0; oc < outC; oc++) {
    const m = multipliers[oc];
    const shift = shifts[oc];
    const bound = maxX * absSum(oc) + Math.abs(modelBias(oc));
    if (m === 0) {
      // The output is 0 whatever the sum, so the row leaves the model's bias out (vww's dead
      // channels carry biases near 2^30): acc + (bias - model bias) is the bare dot product.
      if (maxX * absSum(oc) >= ZERO_CHANNEL_BOUND) return null;
      table.push((bias(oc) - modelBias(oc)) | 0, 0, 2 ** 30, 31);
      continue;
    }
    if (m < 2 ** 30 || shift >= 0) return null;
    const e = -shift;
    if (bound >= CHEAP_REQUANT_BOUND || !roundingFits(bound, m, e)) return null;
    table.push(bias(oc) | 0, (2 * m) | 0, 2 ** (e - 1) | 0, e);
  }
  return table;
}

/**
 * `table` (cheapRequantTable's) with each rounding constant 2^(e-1) replaced by K = 2^(e-1) +
 * outputOffset * 2^e, or null when that could overflow: ((s + (s < 0) + 2^(e-1)) >> e) + offset
 * equals (s + (s < 0) + K) >> e (floor division by 2^e), exact while the sum stays in i32 for
 * every s in [-sMax, sMax], |s| bounded as in roundingFits. A multiplier-0 row (s is the bare dot
 * product, below max|x + inputOffset| * sum|filter|) gets the smallest e with |s| < 2^(e-1): its
 * value is then exactly the offset. The kernels then add no output zero point
 * (kernels/conv_2d_dsp.ts cheapRequant 2, the depthwise table, the FC's uniform constants).
 * `multipliers` are the layer's, not the table's m2.
 */
export function foldOutputOffset(
  table: readonly number[], outputOffset: number, multipliers: readonly number[],
  modelBias: (oc: number) => number, absSum: (oc: number) => number, inputOffset: number,
): number[] | null {
  const maxX = BigInt(Math.max(Math.abs(-128 + inputOffset), Math.abs(127 + inputOffset)));
  const off = BigInt(outputOffset);
  const out = [...table];
  for (let at = 0; at < table.length; at += 4) {
    const oc = at / 4;
    const m = BigInt(multipliers[oc]);
    let e = table[at + 3];
    let sMax: bigint;
    if (m === 0n) {
      sMax = maxX * BigInt(absSum(oc));
      e = 1;
      while ((1n << BigInt(e - 1)) <= sMax) e++;
    } else {
      sMax = ((maxX * BigInt(absSum(oc)) + BigInt(Math.abs(modelBias(oc)))) * (m < 0n ? -m : m) + (1n << 30n)) >> 31n;
    }
    const k = (1n << BigInt(e - 1)) + off * (1n << BigInt(e));
    // s + (s >> 31) + K over s in [-sMax, sMax], with one more of margin below.
    if (e > 31 || sMax + k >= 1n << 31n || k - sMax - 2n < -(1n << 31n)) return null;
    out[at + 2] = Number(k);
    out[at + 3] = e;
  }
  return out;
}

/** absSum for an int8 filter laid out [outC, size] (OHWI conv, [out, in] fully connected). */
export function rowAbsSums(filter: Uint8Array, size: number, outC: number): (oc: number) => number {
  const f = new Int8Array(filter.buffer, filter.byteOffset, size * outC);
  const sums: number[] = [];
  for (let oc = 0; oc < outC; oc++) {
    let s = 0;
    for (let t = 0; t < size; t++) s += Math.abs(f[oc * size + t]);
    sums.push(s);
  }
  return (oc) => sums[oc];
}

/** The i32 little-endian bias bytes as a function of the channel (0 when absent). */
export function biasOf(bias: Uint8Array | undefined, outC: number): (oc: number) => number {
  if (bias === undefined) return () => 0;
  const v = new DataView(bias.buffer, bias.byteOffset, outC * 4);
  return (oc) => v.getInt32(oc * 4, true);
}
