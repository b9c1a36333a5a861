/**
 * @fileoverview The subset kernels called directly on tiny hand-worked cases: the behaviours the
 * golden suites exercise only implicitly (average-pool rounding of negative sums and in-bounds
 * tap counting, grouped convolution, depth multiplier channel order, bias skipped when absent,
 * accumulator wrap-around, RESHAPE copy).
 */
import { add } from "../../kernels/add.ts";
import { describe, expect, it } from "vitest";
import { averagePool2d } from "../../kernels/average_pool_2d.ts";
import { conv2d, type Conv2dParams } from "../../kernels/conv_2d.ts";
import { depthwiseConv2d, type DepthwiseConv2dParams } from "../../kernels/depthwise_conv_2d.ts";
import { fullyConnected } from "../../kernels/fully_connected.ts";
import { reshape } from "../../kernels/reshape.ts";

const ONE = { m: 1073741824, s: 1 }; // multiplier 1.0 as (2^30, shift 1)
const HALF = { m: 1073741824, s: 0 }; // 0.5

describe("averagePool2d", () => {
  const pool = (input: number[], filterW: number, padW: number, outW: number) => {
    const out = new Int8Array(outW);
    averagePool2d(
      { batches: 1, inH: 1, inW: input.length, channels: 1, outH: 1, outW, filterH: 1, filterW, strideH: 1, strideW: 1, padH: 0, padW, actMin: -128, actMax: 127 },
      Int8Array.from(input), out,
    );
    return Array.from(out);
  };
  it("rounds halves away from zero", () => {
    expect(pool([1, 2], 2, 0, 1)).toEqual([2]); // 1.5 -> 2
    expect(pool([-1, -2], 2, 0, 1)).toEqual([-2]); // -1.5 -> -2
    expect(pool([-1, -1, -1, -2], 4, 0, 1)).toEqual([-1]); // -1.25 -> -1
    expect(pool([-3, -3, -3, -1], 4, 0, 1)).toEqual([-3]); // -2.5 -> -3
  });
  it("counts only in-bounds taps at the border", () => {
    // width 3 window, pad 1: first output averages [4, 8] -> 6, not 12/3 = 4
    expect(pool([4, 8, 10], 3, 1, 3)).toEqual([6, 7, 9]);
  });
  it("clamps to the activation range", () => {
    const out = new Int8Array(1);
    averagePool2d(
      { batches: 1, inH: 1, inW: 2, channels: 1, outH: 1, outW: 1, filterH: 1, filterW: 2, strideH: 1, strideW: 1, padH: 0, padW: 0, actMin: -5, actMax: 5 },
      Int8Array.from([100, 100]), out,
    );
    expect(out[0]).toBe(5);
  });
});

const NONE8 = new Int8Array(0);

function convParams(over: Partial<Conv2dParams>): Conv2dParams {
  return {
    batches: 1, inH: 1, inW: 1, inC: 1, outH: 1, outW: 1, outC: 1, filterH: 1, filterW: 1, filterInC: 1,
    filtersPerGroup: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padH: 0, padW: 0,
    inputOffset: 0, outputOffset: 0, actMin: -128, actMax: 127, hasBias: 0,
    inPlace: 0, fuseAdd: 0, addLeftShift: 0, addSkipOffset: 0, addSkipMultiplier: 0, addSkipShift: 0,
    addConvOffset: 0, addConvMultiplier: 0, addConvShift: 0, addOutputOffset: 0, addOutputMultiplier: 0,
    addOutputShift: 0, addActMin: -128, addActMax: 127, cheapRequant: 0, int16Weights: 0, ...over,
  };
}

describe("conv2d", () => {
  it("grouped convolution reads its own group's input channels", () => {
    // 4 input channels, 2 groups of 2, one filter per group: out0 = in0 + in1, out1 = in2 - in3
    const out = new Int8Array(2);
    conv2d(
      convParams({ inC: 4, outC: 2, filterInC: 2, filtersPerGroup: 1 }),
      Int8Array.from([1, 2, 10, 3]), Int8Array.from([1, 1, 1, -1]), new Int32Array(0),
      Int32Array.from([ONE.m, ONE.m]), Int32Array.from([ONE.s, ONE.s]), NONE8, NONE8, out,
    );
    expect(Array.from(out)).toEqual([3, 7]);
  });
  it("applies input offset, bias when present, multiplier and output offset", () => {
    const out = new Int8Array(1);
    const p = convParams({ inputOffset: 3, outputOffset: -7, hasBias: 1 });
    // (5 + 3) * 2 + 10 = 26 -> * 0.5 = 13 -> -7 = 6
    conv2d(p, Int8Array.from([5]), Int8Array.from([2]), Int32Array.from([10]), Int32Array.from([HALF.m]), Int32Array.from([HALF.s]), NONE8, NONE8, out,
);
    expect(out[0]).toBe(6);
    conv2d({ ...p, hasBias: 0 }, Int8Array.from([5]), Int8Array.from([2]), Int32Array.from([10]), Int32Array.from([HALF.m]), Int32Array.from([HALF.s]), NONE8, NONE8, out,
);
    expect(out[0]).toBe(1);
  });
  it("skips taps outside the image (padding with the zero point)", () => {
    // 3x3 SAME on a 1x1 image: only the centre tap (index 4) counts
    const out = new Int8Array(1);
    conv2d(
      convParams({ filterH: 3, filterW: 3, padH: 1, padW: 1, inputOffset: 100 }),
      Int8Array.from([1]), Int8Array.from([9, 9, 9, 9, 1, 9, 9, 9, 9]), new Int32Array(0),
      Int32Array.from([ONE.m]), Int32Array.from([ONE.s]), NONE8, NONE8, out,
    );
    expect(out[0]).toBe(101);
  });
});

describe("depthwiseConv2d", () => {
  it("orders output channels as inChannel * depthMultiplier + m", () => {
    const p: DepthwiseConv2dParams = {
      batches: 1, inH: 1, inW: 1, inC: 2, outH: 1, outW: 1, outC: 4, depthMultiplier: 2, filterH: 1, filterW: 1,
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padH: 0, padW: 0, inputOffset: 0, outputOffset: 0,
      actMin: -128, actMax: 127, hasBias: 1, inPlace: 0, dsp: 0, cheapRequant: 0,
    };
    const out = new Int8Array(4);
    depthwiseConv2d(
      p, Int8Array.from([3, 5]), Int8Array.from([1, 2, 3, 4]), Int32Array.from([0, 0, 0, 1]),
      Int32Array.from([ONE.m, ONE.m, ONE.m, ONE.m]), Int32Array.from([ONE.s, ONE.s, ONE.s, ONE.s]), NONE8, out,
    );
    expect(Array.from(out)).toEqual([3, 6, 15, 21]);
  });
});

/** A deterministic int8 array of n elements. */
function bytes(n: number, seed: number): Int8Array {
  const a = new Int8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    a[i] = x >> 24;
  }
  return a;
}

describe("in-place variants give the out-of-place bytes when the output overwrites the input", () => {
  const mults = (n: number) => Int32Array.from({ length: n }, (_, i) => 1_200_000_000 + 10_000_000 * i);
  const shifts = (n: number) => Int32Array.from({ length: n }, (_, i) => -7 - (i % 3));

  it("depthwise, stride 2 SAME 3x3, several batches", () => {
    const [b, h, w, c] = [2, 7, 6, 3];
    const p: DepthwiseConv2dParams = {
      batches: b, inH: h, inW: w, inC: c, outH: 4, outW: 3, outC: c, depthMultiplier: 1, filterH: 3, filterW: 3,
      strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, padH: 1, padW: 1, inputOffset: 5, outputOffset: -2,
      actMin: -128, actMax: 127, hasBias: 1, inPlace: 0, dsp: 0, cheapRequant: 0,
    };
    const input = bytes(b * h * w * c, 1);
    const args = [bytes(9 * c, 2), Int32Array.from([100, -50, 7]), mults(c), shifts(c)] as const;
    const want = new Int8Array(b * 4 * 3 * c);
    depthwiseConv2d(p, input, ...args, NONE8, want);
    const shared = input.slice();
    depthwiseConv2d({ ...p, inPlace: 1 }, shared, ...args, new Int8Array(h * w), shared);
    expect(Array.from(shared.subarray(0, want.length))).toEqual(Array.from(want));
  });

  it("pointwise, narrowing (forward) and widening (backward), the input at the start of the shared buffer", () => {
    for (const [inC, outC] of [[6, 4], [4, 6], [5, 5]]) {
      const pixels = 9;
      const p = convParams({ inH: 3, inW: 3, outH: 3, outW: 3, inC, outC, filterInC: inC, filtersPerGroup: outC, inputOffset: -3, outputOffset: 4 });
      const input = bytes(pixels * inC, inC);
      const args = [bytes(outC * inC, 7), new Int32Array(0), mults(outC), shifts(outC)] as const;
      const want = new Int8Array(pixels * outC);
      conv2d(p, input, ...args, NONE8, NONE8, want);
      const shared = new Int8Array(Math.max(pixels * inC, pixels * outC));
      shared.set(input, 0);
      conv2d({ ...p, inPlace: outC > inC ? 2 : 1 }, shared, ...args, NONE8, new Int8Array(inC), shared);
      expect(Array.from(shared.subarray(0, want.length)), `${inC} -> ${outC}`).toEqual(Array.from(want));
    }
  });

  it("row by row, the output starting before the input where later rows still need it", () => {
    // 3x3 stride 1 SAME, 6 -> 9 channels on 5x4: the output rows are wider than the input's.
    const p = convParams({ inH: 5, inW: 4, outH: 5, outW: 4, inC: 6, outC: 9, filterH: 3, filterW: 3, filterInC: 6, filtersPerGroup: 9, padH: 1, padW: 1, inputOffset: 2 });
    const input = bytes(5 * 4 * 6, 11);
    const args = [bytes(9 * 9 * 6, 12), new Int32Array(0), mults(9), shifts(9)] as const;
    const want = new Int8Array(5 * 4 * 9);
    conv2d(p, input, ...args, NONE8, NONE8, want);
    // compiler/plan/inplace.ts's rule: delta = min over oy of inRow * firstRow(oy + 1) - outRow * (oy + 1).
    let delta = 0;
    for (let oy = 0; oy + 1 < 5; oy++) delta = Math.min(delta, 24 * Math.max(0, oy + 1 - 1) - 36 * (oy + 1));
    const shared = new Int8Array(Math.max(-delta + input.length, want.length));
    shared.set(input, -delta);
    conv2d({ ...p, inPlace: 3 }, shared.subarray(-delta), ...args, NONE8, new Int8Array(4 * 9), shared);
    expect(Array.from(shared.subarray(0, want.length))).toEqual(Array.from(want));
  });

  it("a fused residual ADD equals ADD after the convolution, written over the skip input", () => {
    const p = convParams({ inH: 2, inW: 2, outH: 2, outW: 2, inC: 3, outC: 2, filterInC: 3, filtersPerGroup: 2, inputOffset: 1 });
    const input = bytes(12, 3);
    const args = [bytes(6, 4), new Int32Array(0), mults(2), shifts(2)] as const;
    const conv = new Int8Array(8);
    conv2d(p, input, ...args, NONE8, NONE8, conv);
    const skip = bytes(8, 5);
    const addP = {
      subtract: 0, broadcast: 0, size: 8, d0: 1, d1: 1, d2: 1, d3: 8, a0: 0, a1: 0, a2: 0, a3: 1, b0: 0, b1: 0, b2: 0, b3: 1,
      leftShift: 20, input1Offset: 3, input2Offset: -1, outputOffset: 2, input1Multiplier: 1 << 30, input1Shift: 0,
      input2Multiplier: 1_500_000_000, input2Shift: -1, outputMultiplier: 1_800_000_000, outputShift: -19, actMin: -100, actMax: 100,
    };
    const want = new Int8Array(8);
    add(addP, skip, conv, want);
    const fused = convParams({
      ...p, fuseAdd: 1, addLeftShift: 20, addSkipOffset: 3, addSkipMultiplier: 1 << 30, addSkipShift: 0,
      addConvOffset: -1, addConvMultiplier: 1_500_000_000, addConvShift: -1, addOutputOffset: 2,
      addOutputMultiplier: 1_800_000_000, addOutputShift: -19, addActMin: -100, addActMax: 100,
    });
    const shared = skip.slice();
    conv2d(fused, input, ...args, shared, NONE8, shared);
    expect(Array.from(shared)).toEqual(Array.from(want));
  });
});

describe("fullyConnected", () => {
  it("wraps the i32 accumulator like C's int32", () => {
    // bias 2^31 - 1 plus 1*1 wraps to INT32_MIN; * 2^-31 -> -1 (a non-wrapping sum would give +1)
    const out = new Int8Array(1);
    fullyConnected(
      { batches: 1, accumDepth: 1, outputDepth: 1, inputOffset: 0, filterOffset: 0, outputOffset: 0, actMin: -128, actMax: 127, hasBias: 1 },
      Int8Array.from([1]), Int8Array.from([1]), Int32Array.from([2147483647]), Int32Array.from([1073741824]), Int32Array.from([-30]), out,
    );
    expect(out[0]).toBe(-1);
  });
  it("handles batches and a filter offset (per-tensor asymmetric weights)", () => {
    const out = new Int8Array(2);
    fullyConnected(
      { batches: 2, accumDepth: 2, outputDepth: 1, inputOffset: 0, filterOffset: 1, outputOffset: 0, actMin: -128, actMax: 127, hasBias: 0 },
      Int8Array.from([1, 2, 3, 4]), Int8Array.from([0, 1]), new Int32Array(0), Int32Array.from([ONE.m]), Int32Array.from([ONE.s]), out,
    );
    expect(Array.from(out)).toEqual([1 * 1 + 2 * 2, 3 * 1 + 4 * 2]);
  });
});

describe("reshape", () => {
  it("copies bytes", () => {
    const out = new Int8Array(3);
    reshape({ bytes: 3 }, Int8Array.from([-1, 0, 7]), out);
    expect(Array.from(out)).toEqual([-1, 0, 7]);
  });
});
