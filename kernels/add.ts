/**
 * @fileoverview ADD and SUB, int8, with TFLite Micro's reference semantics
 * (reference_integer_ops::AddFunc, reference_ops::SubElementwise / BroadcastQuantSubSlow): each
 * input gets its offset (-zero point), is shifted left by `leftShift` (20 for int8) and rescaled
 * by its own multiplier (input scale / twice the larger input scale, a right shift only); the
 * two are added (or subtracted when `subtract` is 1), rescaled to the output, offset, clamped.
 * Every rescale is MultiplyByQuantizedMultiplierSmallerThanOneExp (double rounding), i.e. mbqm
 * with a shift <= 0.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/add.ts computes the multipliers
 * in double at compile time and compiler/ops/broadcast.ts the loops. `broadcast` 0 is the fast
 * path for same-shape operands (one flat loop); otherwise four nested loops over the output with
 * per-input strides (0 along a broadcast dimension). Arrays: ADD_SLOTS in compiler/ops/add.ts.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

/** `subtract` values: ADD (input1 + input2), SUB (input1 - input2). */
export const SUBTRACT_NONE: i32 = 0;
export const SUBTRACT_INPUT2: i32 = 1;
/** `broadcast` values (compiler/ops/broadcast.ts): same shapes, one flat loop; four strided loops. */
export const BROADCAST_NONE: i32 = 0;
export const BROADCAST_LOOPS: i32 = 1;

export interface AddParams {
  /** SUBTRACT_INPUT2 for SUB, SUBTRACT_NONE for ADD. */
  subtract: i32;
  broadcast: i32;
  size: i32;
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  a0: i32;
  a1: i32;
  a2: i32;
  a3: i32;
  b0: i32;
  b1: i32;
  b2: i32;
  b3: i32;
  leftShift: i32;
  /** -zero point of each input; output zero point. */
  input1Offset: i32;
  input2Offset: i32;
  outputOffset: i32;
  input1Multiplier: i32;
  input1Shift: i32;
  input2Multiplier: i32;
  input2Shift: i32;
  outputMultiplier: i32;
  outputShift: i32;
  actMin: i32;
  actMax: i32;
}

const HALF_Q31: i32 = 1073741824;

/*
 * Input rescale: MultiplyByQuantizedMultiplierSmallerThanOneExp((v + offset) << leftShift, m,
 * shift). The input with the larger scale always has the multiplier 0.5 (2^30, shift 0); then,
 * as the shifted value is even (leftShift >= 1), the doubling high multiply is exactly a halving
 * and the rescale is one shift by leftShift - 1 (with constant arguments after specialization the
 * branch folds away). Shared with the residual ADD fused into CONV_2D (kernels/conv_2d.ts).
 */
export function addRescale(x: i32, offset: i32, leftShift: i32, multiplier: i32, shift: i32): i32 {
  let scaled: i32 = 0;
  if (multiplier === HALF_Q31 && shift === 0 && leftShift >= 1) {
    scaled = (x + offset) << (leftShift - 1);
  } else {
    scaled = mbqm((x + offset) << leftShift, multiplier, shift);
  }
  return scaled;
}

function scaleInput1(p: AddParams, x: i32): i32 {
  return addRescale(x, p.input1Offset, p.leftShift, p.input1Multiplier, p.input1Shift);
}

function scaleInput2(p: AddParams, y: i32): i32 {
  return addRescale(y, p.input2Offset, p.leftShift, p.input2Multiplier, p.input2Shift);
}

/** One output element from two input elements. */
function addElement(p: AddParams, x: i32, y: i32): i32 {
  const scaled1: i32 = scaleInput1(p, x);
  const scaled2: i32 = scaleInput2(p, y);
  let raw: i32 = 0;
  if (p.subtract !== SUBTRACT_NONE) {
    raw = scaled1 - scaled2;
  } else {
    raw = scaled1 + scaled2;
  }
  let out: i32 = mbqm(raw, p.outputMultiplier, p.outputShift) + p.outputOffset;
  out = Math.max(out, p.actMin);
  out = Math.min(out, p.actMax);
  return out;
}

export function add(p: AddParams, input1: Int8Array, input2: Int8Array, output: Int8Array): void {
  if (p.broadcast === BROADCAST_NONE) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = addElement(p, input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = addElement(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}

/**
 * ADD and SUB with int16 inputs and output: TFLite Micro runs the int8 arithmetic on int16_t
 * (reference_ops::AddGeneralParamScale / SubElementwise / their broadcasts, left shift 15), so
 * this is `add` over Int16Array, element by element the same addElement.
 */
export function add16(p: AddParams, input1: Int16Array, input2: Int16Array, output: Int16Array): void {
  if (p.broadcast === BROADCAST_NONE) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = addElement(p, input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = addElement(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
