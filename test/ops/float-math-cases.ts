/**
 * @fileoverview Inputs and models shared by test/ops/float-math.test.ts (ts, wasm, host) and
 * float-math.full.test.ts (qemu): one-op float32 .tflite models of FLOOR_DIV, FLOOR_MOD, LOG,
 * SIN, COS, and their edge-case inputs.
 */
import { importTflite } from "../../compiler/import/tflite/import.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { buildModel, type ModelSpec, type TensorSpec } from "../import/tflite-builder.ts";

export const CODES = { FLOOR_DIV: 90, FLOOR_MOD: 95, LOG: 73, SIN: 66, COS: 108 } as const;
export type MathOp = keyof typeof CODES;
const f = Math.fround;
const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer.slice(0));

/** xorshift32 floats in [lo, hi). */
export function spread(seed: number, n: number, lo: number, hi: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return f(lo + (hi - lo) * ((s >>> 0) / 2 ** 32));
  });
}

/** A one-op float32 .tflite model; `input2` of another shape broadcasts, `constant2` makes it a constant. */
export function mathModel(op: MathOp, shape: number[], opts: { shape2?: number[]; constant2?: Float32Array; type?: number; type2?: number } = {}): Graph {
  const type = opts.type ?? 0;
  const binary = op === "FLOOR_DIV" || op === "FLOOR_MOD";
  const tensors: TensorSpec[] = [{ shape, type, name: "in1" }];
  const buffers: ModelSpec["buffers"] = [{}];
  if (binary) {
    const t: TensorSpec = { shape: opts.shape2 ?? shape, type: opts.type2 ?? type, name: "in2" };
    if (opts.constant2) {
      buffers.push({ data: bytesOf(opts.constant2) });
      t.buffer = 1;
    }
    tensors.push(t);
  }
  tensors.push({ shape, type, name: "out" });
  const out = tensors.length - 1;
  const inputs = binary ? [0, 1] : [0];
  const spec: ModelSpec = {
    opcodes: [{ deprecated: CODES[op], code: CODES[op] }],
    buffers,
    subgraphs: [{ tensors, inputs: binary && opts.constant2 ? [0] : inputs, outputs: [out], ops: [{ opcodeIndex: 0, inputs, outputs: [out] }] }],
  };
  return importTflite(buildModel(spec), `${op.toLowerCase()}.tflite`);
}

const EDGES = [0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 3, -3, 7, -7, 1e-40, -1e-40, 1e-45, 3e38, -3e38, 16777215, 16777217, Infinity, -Infinity, NaN];

/** Dividend/divisor pairs: every edge against every edge, then quotients near integers and midpoints. */
export function divisionPairs(): [number[], number[]] {
  const a: number[] = [];
  const b: number[] = [];
  for (const x of EDGES) for (const y of EDGES) { a.push(f(x)); b.push(f(y)); }
  const divisors = spread(0xd1, 24, 0.01, 1000);
  const quotients = [3, 255, 4097, 2 ** 24 - 1, 2 ** 24 + 1, 2 ** 25 + 3, 2 ** 29 + 7, 2 ** 31 - 5, 2 ** 40 + 13, 2 ** 50 + 1];
  divisors.forEach((d, i) => {
    for (const q of quotients) {
      // a = the float nearest q * d and its two neighbours: a / d falls just below, on, or just
      // above the integer q (or, for large q, near a float32 midpoint), with either sign.
      const sign = i % 2 === 0 ? 1 : -1;
      const c = f(q * d);
      for (const x of [c, f(c * (1 - 2 ** -24)), f(c * (1 + 2 ** -23))]) { a.push(sign * x); b.push(d); }
    }
  });
  return [a, b];
}

/** Inputs for LOG/SIN/COS through the pipeline: edge cases and a spread. */
export function unaryInputs(op: "LOG" | "SIN" | "COS"): number[] {
  const edges = [0, -0, 1, -1, 0.5, 2, 1e-45, -1e-45, 1e-40, 1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38, Infinity, -Infinity, NaN,
    f(Math.PI), f(-Math.PI), f(Math.PI / 2), f(Math.PI / 4), 16384, -16384, 16384.001953125, 1e6, -1e20, 0.9999999403953552, 1.0000001192092896];
  if (op === "LOG") return [...edges, ...spread(11, 60, 0, 100), ...spread(12, 30, 0.999, 1.001), ...spread(13, 30, 1e-30, 1e-25)];
  return [...edges, ...spread(21, 60, -10, 10), ...spread(22, 40, -16384, 16384), ...spread(23, 20, -1e-3, 1e-3)];
}
