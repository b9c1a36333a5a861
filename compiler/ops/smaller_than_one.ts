/**
 * @fileoverview TFLite's QuantizeMultiplierSmallerThanOneExp for the lowerings of CUMSUM, ADD_N
 * and SQUARED_DIFFERENCE: QuantizeMultiplier of a real multiplier TFLite Micro requires to lie
 * in (0, 1) with a shift <= 0 (a TFLITE_CHECK there, a 3001 error here).
 */
import type { Graph, Op } from "../ir/graph.ts";
import { opError } from "./operands.ts";
import { quantizeMultiplier, type QuantizedMultiplier } from "./quant.ts";

export function smallerThanOneExp(graph: Graph, op: Op, real: number, what: string): QuantizedMultiplier {
  if (!(real > 0 && real < 1)) {
    opError(graph, op, `the ${what} multiplier ${real} is not in (0, 1) (TFLite Micro requires it; check the tensors' scales)`);
  }
  const q = quantizeMultiplier(real);
  if (q.shift > 0) opError(graph, op, `the ${what} multiplier ${real} rounds to 1.0 (TFLite Micro requires less than 1)`);
  return q;
}
