/**
 * @fileoverview The subset kernels called directly on tiny hand-worked cases: the behaviours the
 * golden suites exercise only implicitly (average-pool rounding of negative sums and in-bounds
 * tap counting, grouped convolution, depth multiplier channel order, bias skipped when absent,
 * accumulator wrap-around, RESHAPE copy).
 */
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

function convParams(over: Partial<Conv2dParams>): Conv2dParams {
  return {
    batches: 1, inH: 1, inW: 1, inC: 1, outH: 1, outW: 1, outC: 1, filterH: 1, filterW: 1, filterInC: 1,
    filtersPerGroup: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padH: 0, padW: 0,
    inputOffset: 0, outputOffset: 0, actMin: -128, actMax: 127, hasBias: 0, ...over,
  };
}

describe("conv2d", () => {
  it("grouped convolution reads its own group's input channels", () => {
    // 4 input channels, 2 groups of 2, one filter per group: out0 = in0 + in1, out1 = in2 - in3
    const out = new Int8Array(2);
    conv2d(
      convParams({ inC: 4, outC: 2, filterInC: 2, filtersPerGroup: 1 }),
      Int8Array.from([1, 2, 10, 3]), Int8Array.from([1, 1, 1, -1]), new Int32Array(0),
      Int32Array.from([ONE.m, ONE.m]), Int32Array.from([ONE.s, ONE.s]), out,
    );
    expect(Array.from(out)).toEqual([3, 7]);
  });
  it("applies input offset, bias when present, multiplier and output offset", () => {
    const out = new Int8Array(1);
    const p = convParams({ inputOffset: 3, outputOffset: -7, hasBias: 1 });
    // (5 + 3) * 2 + 10 = 26 -> * 0.5 = 13 -> -7 = 6
    conv2d(p, Int8Array.from([5]), Int8Array.from([2]), Int32Array.from([10]), Int32Array.from([HALF.m]), Int32Array.from([HALF.s]), out);
    expect(out[0]).toBe(6);
    conv2d({ ...p, hasBias: 0 }, Int8Array.from([5]), Int8Array.from([2]), Int32Array.from([10]), Int32Array.from([HALF.m]), Int32Array.from([HALF.s]), out);
    expect(out[0]).toBe(1);
  });
  it("skips taps outside the image (padding with the zero point)", () => {
    // 3x3 SAME on a 1x1 image: only the centre tap (index 4) counts
    const out = new Int8Array(1);
    conv2d(
      convParams({ filterH: 3, filterW: 3, padH: 1, padW: 1, inputOffset: 100 }),
      Int8Array.from([1]), Int8Array.from([9, 9, 9, 9, 1, 9, 9, 9, 9]), new Int32Array(0),
      Int32Array.from([ONE.m]), Int32Array.from([ONE.s]), out,
    );
    expect(out[0]).toBe(101);
  });
});

describe("depthwiseConv2d", () => {
  it("orders output channels as inChannel * depthMultiplier + m", () => {
    const p: DepthwiseConv2dParams = {
      batches: 1, inH: 1, inW: 1, inC: 2, outH: 1, outW: 1, outC: 4, depthMultiplier: 2, filterH: 1, filterW: 1,
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padH: 0, padW: 0, inputOffset: 0, outputOffset: 0,
      actMin: -128, actMax: 127, hasBias: 1,
    };
    const out = new Int8Array(4);
    depthwiseConv2d(
      p, Int8Array.from([3, 5]), Int8Array.from([1, 2, 3, 4]), Int32Array.from([0, 0, 0, 1]),
      Int32Array.from([ONE.m, ONE.m, ONE.m, ONE.m]), Int32Array.from([ONE.s, ONE.s, ONE.s, ONE.s]), out,
    );
    expect(Array.from(out)).toEqual([3, 6, 15, 21]);
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
