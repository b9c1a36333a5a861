/**
 * @fileoverview The int16 LOGISTIC / TANH Prepare of TFLite Micro (logistic_common.cc,
 * tanh.cc at 90b983c2), shared by compiler/ops/logistic.ts and compiler/ops/tanh.ts: zero points
 * 0, the output scale 2^-15, and the input scaling: a power-of-two input scale whose left shift
 * (12 + log2 scale) is 0 (LOGISTIC) or 0 / 1 (TANH) takes multiplier 3 << shift and shift 0;
 * any other scale takes the multiplier int(scale * 4096 * 3) doubled (and the shift counted) up
 * to above 32767 / 2. Also the sigmoid table both kernels interpolate: TFLite's
 * sigmoid_table_uint16 (sigmoid(i / 24) in Q0.16, 256 entries; a table of numbers, as in
 * kernels/internal/common.h — no closed formula reproduces its rounding).
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import { opError } from "./operands.ts";
import { int16Quant } from "./int16.ts";
import { roundHalfAwayFromZero } from "./quant.ts";

/** TFLite's sigmoid_table_uint16. */
export const SIGMOID_TABLE_UINT16: readonly number[] = [
  32768,33451,34133,34813,35493,36169,36843,37513,38180,38841,39498,40149,40794,41432,42064,42688,
  43304,43912,44511,45102,45683,46255,46817,47369,47911,48443,48964,49475,49975,50464,50942,51409,
  51865,52311,52745,53169,53581,53983,54374,54755,55125,55485,55834,56174,56503,56823,57133,57433,
  57724,58007,58280,58544,58800,59048,59288,59519,59743,59959,60168,60370,60565,60753,60935,61110,
  61279,61441,61599,61750,61896,62036,62172,62302,62428,62549,62666,62778,62886,62990,63090,63186,
  63279,63368,63454,63536,63615,63691,63765,63835,63903,63968,64030,64090,64148,64204,64257,64308,
  64357,64405,64450,64494,64536,64576,64614,64652,64687,64721,64754,64786,64816,64845,64873,64900,
  64926,64950,64974,64997,65019,65039,65060,65079,65097,65115,65132,65149,65164,65179,65194,65208,
  65221,65234,65246,65258,65269,65280,65291,65301,65310,65319,65328,65337,65345,65352,65360,65367,
  65374,65381,65387,65393,65399,65404,65410,65415,65420,65425,65429,65433,65438,65442,65445,65449,
  65453,65456,65459,65462,65465,65468,65471,65474,65476,65479,65481,65483,65485,65488,65489,65491,
  65493,65495,65497,65498,65500,65501,65503,65504,65505,65507,65508,65509,65510,65511,65512,65513,
  65514,65515,65516,65517,65517,65518,65519,65520,65520,65521,65522,65522,65523,65523,65524,65524,
  65525,65525,65526,65526,65526,65527,65527,65528,65528,65528,65529,65529,65529,65529,65530,65530,
  65530,65530,65531,65531,65531,65531,65531,65532,65532,65532,65532,65532,65532,65533,65533,65533,
  65533,65533,65533,65533,65533,65534,65534,65534,65534,65534,65534,65534,65534,65534,65534,65535
];

/** TFLite's CheckedLog2(float): log2 rounded, and whether the scale is a power of two (within 1e-3). */
export function checkedLog2(x: number): { log2: number; pot: boolean } {
  const l = Math.fround(Math.fround(Math.log(x)) * Math.fround(1 / Math.fround(Math.log(2))));
  const r = roundHalfAwayFromZero(l);
  return { log2: r, pot: Math.abs(Math.fround(l - r)) < Math.fround(1e-3) };
}

/** The record fields of logistic16 / tanh16: input multiplier (<= 32767) and right shift. */
export function sigmoid16Scaling(graph: Graph, op: Op, input: Tensor, output: Tensor, tanh: boolean): { inputMultiplier: number; inputShift: number } {
  const inQ = int16Quant(graph, op, input, "input");
  const outQ = int16Quant(graph, op, output, "output");
  const out = checkedLog2(outQ.scale);
  if (!out.pot || out.log2 !== -15) opError(graph, op, `int16 output scale must be 2^-15 (TFLite Micro requires it), got ${outQ.scale}`);
  const inLog = checkedLog2(inQ.scale);
  let shift = 12 + inLog.log2;
  if (inLog.pot && (shift === 0 || (tanh && shift === 1))) return { inputMultiplier: 3 << shift, inputShift: 0 };
  let multiplier = inQ.scale * 4096.0 * 3.0;
  shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    shift++;
    multiplier *= 2.0;
  }
  if (multiplier > 32767) opError(graph, op, `input scale ${inQ.scale} is too large for the int16 kernel (multiplier ${multiplier} > 32767)`);
  return { inputMultiplier: Math.trunc(multiplier), inputShift: shift };
}
