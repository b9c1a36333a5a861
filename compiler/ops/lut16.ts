/**
 * @fileoverview TFLite's LUTPopulate<int16_t> (kernels/internal/common.h, tflite-micro 90b983c2)
 * at compile time: the 513-entry int16 table of a float function, sampled at 512 steps over the
 * input range with TFLite's midpoint-error bias, every step in float32 arithmetic (Math.fround
 * after each operation; std::round is half away from zero). The kernels look it up with
 * kernels/common/lut16.ts. `expF32` stands for the float std::exp the tables are built with.
 */
import { roundHalfAwayFromZero } from "./quant.ts";

const f = Math.fround;

/** float std::exp(float): the double exponential rounded to float32. */
export function expF32(x: number): number {
  return f(Math.exp(x));
}

/** LUTPopulateInt16<float>(inputScale, inputZeroPoint, outputScale, outputZeroPoint, transform). */
export function lutPopulateInt16(
  inputScale: number, inputZeroPoint: number, outputScale: number, outputZeroPoint: number, transform: (x: number) => number,
): number[] {
  const round = (x: number): number => roundHalfAwayFromZero(x);
  const inputMin = f(f(inputScale) * f(-32768 - inputZeroPoint));
  const inputMax = f(f(inputScale) * f(32767 - inputZeroPoint));
  const outputMin = f(f(outputScale) * f(-32768 - outputZeroPoint));
  const outputMax = f(f(outputScale) * f(32767 - outputZeroPoint));
  const steps = 512;
  const step = f(f(inputMax - inputMin) / steps);
  const halfStep = f(step / 2);
  const scalingInv = f(65536 / f(outputMax - outputMin));
  const clamp = (x: number): number => Math.trunc(Math.min(Math.max(x, -32768), 32767));
  const lut: number[] = [];
  for (let i = 0; i < steps; i++) {
    const x = f(inputMin + f(i * step));
    const val = transform(x);
    const valMid = transform(f(x + halfStep));
    const valNext = transform(f(inputMin + f((i + 1) * step)));
    const sample = round(f(val * scalingInv));
    const interp = round(f(f(f(valNext * scalingInv) + round(f(val * scalingInv))) / 2));
    const mid = round(f(valMid * scalingInv));
    const err = f(interp - mid);
    const bias = round(f(err / 2));
    lut.push(clamp(f(sample - bias)));
  }
  lut.push(clamp(round(f(transform(inputMax) * scalingInv))));
  return lut;
}
