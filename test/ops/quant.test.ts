/**
 * @fileoverview Compile-time quantization arithmetic against hand-checked values: TFLite's
 * QuantizeMultiplier (incl. the q == 2^31 and shift < -31 corner cases and ties), the float32
 * vs double scale products, CalculateActivationRangeQuantized and TFLite's padding.
 * Expected numbers were worked out by hand / with Python's math.frexp, independently of quant.ts.
 */
import { describe, expect, it } from "vitest";
import {
  frexp, perChannelMultipliers, perChannelScale, perTensorConvScale, quantizeMultiplier, roundHalfAwayFromZero,
} from "../../compiler/ops/quant.ts";
import { activationRange } from "../../compiler/ops/activation.ts";
import { computeOutSize, computePaddingHeightWidth } from "../../compiler/ops/padding.ts";

describe("quantizeMultiplier", () => {
  const cases: Array<[number, number, number]> = [
    [0, 0, 0],
    [0.5, 1073741824, 0],
    [1.0, 1073741824, 1],
    [0.75, 1610612736, 0],
    [3.0, 1610612736, 2],
    [0.0072474, 1992150143, -7],
    [1.5e-5, 2111062325, -16],
    // smallest exponent kept: 2^-32 = 0.5 * 2^-31
    [2 ** -32, 1073741824, -31],
    // shift < -31: flushed to zero
    [2 ** -33, 0, 0],
    [1e-20, 0, 0],
    // fraction 1 - 2^-33 rounds to 2^31: halved, shift + 1
    [1 - 2 ** -33, 1073741824, 1],
    // exact ties round away from zero (Math.round would give ...736 for the negative one)
    [1610612736.5 / 2 ** 31, 1610612737, 0],
    [-1610612736.5 / 2 ** 31, -1610612737, 0],
  ];
  for (const [real, multiplier, shift] of cases) {
    it(`${real} -> (${multiplier}, ${shift})`, () => {
      expect(quantizeMultiplier(real)).toEqual({ multiplier, shift });
    });
  }

  it("frexp splits exactly, subnormals included", () => {
    expect(frexp(8)).toEqual({ fraction: 0.5, exponent: 4 });
    expect(frexp(0.1)).toEqual({ fraction: 0.8, exponent: -3 });
    expect(frexp(-3)).toEqual({ fraction: -0.75, exponent: 2 });
    expect(frexp(5e-324)).toEqual({ fraction: 0.5, exponent: -1073 });
  });

  it("rounds halves away from zero", () => {
    expect([2.5, -2.5, 0.5, -0.5, 1.4999999999999998, 0.49999999999999994].map(roundHalfAwayFromZero)).toEqual([
      3, -3, 1, -1, 1, 0,
    ]);
  });
});

describe("effective scales", () => {
  // conv_3x3_nobias channel 0: input 0.09027006477117538, filter 0.004058703314512968,
  // output 0.26900747418403625 (all float32 values).
  const inS = 0.09027006477117538;
  const fS = 0.004058703314512968;
  const outS = 0.26900747418403625;

  it("per-channel: double product, then divide (TFLM PopulateConvolutionQuantizationParams)", () => {
    expect(perChannelScale(inS, fS, outS)).toBe(0.0013619674033198738);
    expect(quantizeMultiplier(perChannelScale(inS, fS, outS))).toEqual({ multiplier: 1497498997, shift: -9 });
  });

  it("per-tensor FC: float32 product, then double divide (GetQuantizedConvolutionMultipler)", () => {
    expect(perTensorConvScale(inS, fS, outS)).toBe(0.0013619674348671169);
    expect(quantizeMultiplier(perTensorConvScale(inS, fS, outS))).toEqual({ multiplier: 1497499031, shift: -9 });
  });

  it("broadcasts a single filter scale over the channels", () => {
    const r = perChannelMultipliers(inS, [fS], outS, 3);
    expect(r.multipliers).toEqual([1497498997, 1497498997, 1497498997]);
    expect(r.shifts).toEqual([-9, -9, -9]);
  });
});

describe("activationRange", () => {
  it("NONE is the int8 range", () => {
    expect(activationRange("NONE", 0.05, -10)).toEqual({ min: -128, max: 127 });
  });
  it("RELU clamps at the zero point", () => {
    expect(activationRange("RELU", 0.05, -10)).toEqual({ min: -10, max: 127 });
    expect(activationRange("RELU", 0.05, -200)).toEqual({ min: -128, max: 127 });
  });
  it("RELU6: 6 / float(0.05) = 119.99999821 rounds to 120", () => {
    expect(activationRange("RELU6", 0.05, -10)).toEqual({ min: -10, max: 110 });
    // 6 / (6/255) -> 255 steps above -128 = 127 (within range)
    expect(activationRange("RELU6", 6 / 255, -128)).toEqual({ min: -128, max: 127 });
    expect(activationRange("RELU6", 0.01, 0)).toEqual({ min: 0, max: 127 });
  });
  it("RELU_N1_TO_1", () => {
    expect(activationRange("RELU_N1_TO_1", 0.25, 3)).toEqual({ min: -1, max: 7 });
  });
});

describe("padding (TFLite ComputePaddingHeightWidth)", () => {
  it("SAME stride 2 on an even size puts the odd pixel after", () => {
    expect(computePaddingHeightWidth(2, 2, 1, 1, 12, 12, 3, 3, "SAME")).toEqual({
      outH: 6, outW: 6, padH: 0, padW: 0, padHOffset: 1, padWOffset: 1,
    });
  });
  it("SAME with dilation 2 pads by the effective filter", () => {
    expect(computePaddingHeightWidth(1, 1, 2, 2, 10, 10, 3, 3, "SAME")).toEqual({
      outH: 10, outW: 10, padH: 2, padW: 2, padHOffset: 0, padWOffset: 0,
    });
  });
  it("VALID with dilation", () => {
    expect(computeOutSize("VALID", 13, 5, 1, 2)).toBe(5);
    expect(computeOutSize("VALID", 11, 3, 2, 1)).toBe(5);
    expect(computeOutSize("VALID", 2, 5, 1, 1)).toBe(null);
  });
  it("1-pixel input with a 3x3 SAME kernel", () => {
    expect(computePaddingHeightWidth(1, 1, 1, 1, 1, 1, 3, 3, "SAME")).toMatchObject({ outH: 1, outW: 1, padH: 1, padW: 1 });
  });
});
