/**
 * @fileoverview The compile-time side of DEPTHWISE_CONV_2D's SIMD variant
 * (kernels/depthwise_conv_2d_dsp.ts): which layers take it (`dspMode`), the per-channel table it
 * reads in place of the bias (folded bias, requantization constants, taps packed as int16 pairs
 * in the order the inner loop reads them: `dspTable`, with the output offset folded into the
 * cheap rounding constant where that is proven not to overflow: `foldOutputOffset`) and the size
 * of its padded planes (`dspPlaneBytes`). The geometry here mirrors the kernel's, field for field.
 */
import { DSP_COLUMNS, DSP_NONE, DSP_ROWS, type DepthwiseConv2dParams } from "../../kernels/depthwise_conv_2d.ts";
import { cheapRequantTable, foldOutputOffset } from "./requant-table.ts";

/**
 * The SIMD variant's mode for a layer, or DSP_NONE: depth multiplier 1, dilation 1, and a 3x3
 * filter with stride 1 or 2 (both ways), a k x 1 filter (transposed plane, stride 1 or 2 along
 * H) or a 1 x k filter (stride 1 or 2 along W), k at most 16.
 */
export function dspMode(p: DepthwiseConv2dParams): number {
  if (p.depthMultiplier !== 1 || p.dilationH !== 1 || p.dilationW !== 1) return DSP_NONE;
  const s2 = (s: number) => s === 1 || s === 2;
  if (p.filterH === 3 && p.filterW === 3 && p.strideH === p.strideW && s2(p.strideW)) return DSP_ROWS;
  if (p.filterW === 1 && p.filterH >= 2 && p.filterH <= 16 && s2(p.strideH)) return DSP_COLUMNS;
  if (p.filterH === 1 && p.filterW >= 2 && p.filterW <= 16 && s2(p.strideW)) return DSP_ROWS;
  return DSP_NONE;
}

/** The plane's shape: rows (filter rows), run length, input pixels per run, taps per run, quads of taps and words per quad (kernel header). */
function geometry(p: DepthwiseConv2dParams): { kr: number; kc: number; rows: number; runLen: number; colsIn: number; quads: number; nw: number } {
  const cols = p.dsp === DSP_COLUMNS;
  const kr = cols ? p.filterW : p.filterH;
  const kc = cols ? p.filterH : p.filterW;
  const sc = cols ? p.strideH : p.strideW;
  const rows = ((cols ? p.outW : p.outH) - 1) * (cols ? p.strideW : p.strideH) + kr;
  const nc = cols ? p.outH : p.outW;
  const runLen = (nc - 1) * sc + kc;
  const small = kc <= 3 && kr <= 3;
  const colsIn = Math.min(cols ? p.inH : p.inW, runLen - (cols ? p.padH : p.padW));
  return { kr, kc, rows, runLen, colsIn, quads: (kc + 4) >> 2, nw: small ? 1 : kc > 3 && sc === 1 && nc > 1 ? 3 : 2 };
}

/** Bytes of the padded planes (one per channel of a group), each with the 8 bytes the last word loads may read past it. */
export function dspPlaneBytes(p: DepthwiseConv2dParams): number {
  const g = geometry(p);
  // Four planes, word-aligned, when the channel count is a multiple of 4 (the kernel's `group`).
  return (p.inC % 4 === 0 && g.colsIn >= 4 ? 4 : 1) * ((g.rows * g.runLen + 8 + 3) & ~3);
}

const pack = (lo: number, hi: number): number => ((lo & 0xffff) | (hi << 16)) | 0;

/**
 * The per-channel table (kernel header: requantization constants, 4 words when cheap (the output
 * offset folded, `foldOutputOffset`) else 3, then the taps, as int8 words or
 * int16 pairs in the order the inner loop reads them) and whether its cheap requantization is proven exact.
 * filter: int8 [filterH, filterW, outC] bytes; foldedBias[oc] = bias + inputOffset * sum of taps;
 * modelBias(oc) the model's bias (0 when none), for the bound of cheapRequantTable.
 */
export function dspTable(
  p: DepthwiseConv2dParams, filter: Uint8Array, foldedBias: readonly number[], modelBias: (oc: number) => number,
  multipliers: readonly number[], shifts: readonly number[],
): { table: number[]; cheap: boolean } {
  const f = new Int8Array(filter.buffer, filter.byteOffset, p.filterH * p.filterW * p.outC);
  const g = geometry(p);
  const cols = p.dsp === DSP_COLUMNS;
  // Tap t of plane row r of channel oc (0 outside the filter).
  const tap = (oc: number, r: number, t: number): number => {
    if (t < 0 || t >= g.kc) return 0;
    const [fy, fx] = cols ? [t, r] : [r, t];
    return f[(fy * p.filterW + fx) * p.outC + oc];
  };
  const absSum = (oc: number): number => {
    let s = 0;
    for (let t = 0; t < p.filterH * p.filterW; t++) s += Math.abs(f[t * p.outC + oc]);
    return s;
  };
  const proven = cheapRequantTable(p.outC, (oc) => foldedBias[oc], modelBias, absSum, p.inputOffset, multipliers, shifts);
  const cheap = proven === null ? null : foldOutputOffset(proven, p.outputOffset, multipliers, modelBias, absSum, p.inputOffset);
  const table: number[] = [];
  for (let oc = 0; oc < p.outC; oc++) {
    if (cheap !== null) table.push(cheap[4 * oc], cheap[4 * oc + 1], cheap[4 * oc + 2], cheap[4 * oc + 3]);
    else table.push(foldedBias[oc] | 0, multipliers[oc], shifts[oc]);
    for (let r = 0; r < g.kr; r++) {
      for (let q = 0; q < g.quads; q++) {
        const w = (k: number) => tap(oc, r, 4 * q + k);
        if (g.nw === 1) {
          table.push(((w(0) & 255) | ((w(1) & 255) << 8) | ((w(2) & 255) << 16) | (w(3) << 24)) | 0);
        } else {
          table.push(pack(w(0), w(2)), pack(w(1), w(3)));
          if (g.nw === 3) table.push(pack(w(-1), w(1)));
        }
      }
    }
  }
  return { table, cheap: cheap !== null };
}

/** A short name of the variant, for KernelCall.variant. */
export function dspVariantName(p: DepthwiseConv2dParams): string {
  const shape = `${p.filterH}x${p.filterW} stride ${p.strideH === p.strideW ? p.strideH : `${p.strideH},${p.strideW}`}`;
  const plane = p.dsp === DSP_COLUMNS ? "transposed plane" : "plane";
  return `smlad ${shape}, ${plane}, ${p.cheapRequant ? "cheap requant" : "general requant"}`;
}
