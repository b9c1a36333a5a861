/**
 * @fileoverview Random one-op graphs of the issue 15 int8 arithmetic ops (ABS, RSQRT,
 * L2_NORMALIZATION, REDUCE_MAX/MIN, CUMSUM, ADD_N, SQUARED_DIFFERENCE, DIV, LOG_SOFTMAX) for
 * fast-check: the spec arbitrary, the graph and input bytes of a spec, and whether it lowers.
 * Used by test/kernels/differential/arith_int8.test.ts and test/ops/arith-int8.full.test.ts.
 */
import fc from "fast-check";
import { MoteError } from "../../../compiler/diagnostics.ts";
import type { Graph, Op } from "../../../compiler/ir/graph.ts";
import { lowerGraph } from "../../../compiler/ops/index.ts";
import { GraphBuilder, int8Bytes, perTensor, prng, type Fill } from "../../support/synthetic.ts";

export const OPS = [
  "ABS", "RSQRT", "L2_NORMALIZATION", "REDUCE_MAX", "REDUCE_MIN", "CUMSUM", "ADD_N", "SQUARED_DIFFERENCE", "DIV", "LOG_SOFTMAX",
] as const;
export type ArithOp = (typeof OPS)[number];

export interface Spec {
  op: ArithOp;
  seed: number;
  shape: number[];
  scales: number[];
  zps: number[];
  outScale: number;
  outZp: number;
  /** Axis (CUMSUM) or reduced-axes mask (REDUCE_*). */
  axis: number;
  mask: boolean[];
  flags: [boolean, boolean];
  /** ADD_N inputs. */
  n: number;
  /** SQUARED_DIFFERENCE / DIV: input 2 keeps only the last dimension (broadcast) or the full shape. */
  broadcast: boolean;
  const2: boolean;
  fill: Fill;
}

const product = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);
const scaleArb = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0xffff })).map(([e, m]) => Math.fround(2 ** e * (1 + m / 0x10000)));

export const specArb = (op: ArithOp): fc.Arbitrary<Spec> =>
  fc.record({
    op: fc.constant(op),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    shape: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
    scales: fc.array(scaleArb(-8, -3), { minLength: 4, maxLength: 4 }),
    zps: fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 4, maxLength: 4 }),
    outScale: scaleArb(-8, -1),
    outZp: fc.integer({ min: -128, max: 127 }),
    axis: fc.integer({ min: -4, max: 3 }),
    mask: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    flags: fc.tuple(fc.boolean(), fc.boolean()),
    n: fc.integer({ min: 2, max: 4 }),
    broadcast: fc.boolean(),
    const2: fc.boolean(),
    fill: fc.constantFrom<Fill>("random", "random", "random", "min", "max", "zero"),
  });

export function buildGraph(s: Spec): { graph: Graph; inputs: Uint8Array[] } {
  const next = prng(s.seed);
  const b = new GraphBuilder();
  const rank = s.shape.length;
  const q = (i: number) => perTensor(s.scales[i], s.zps[i]);
  const runtime: number[] = [];
  const inputs: Uint8Array[] = [];
  const addInput = (name: string, shape: number[], quant = q(runtime.length), constant = false): number => {
    const bytes = int8Bytes(product(shape), s.fill, quant!.zeroPoint[0], next);
    const t = b.add(name, "int8", shape, quant, constant ? bytes : undefined);
    if (!constant) {
      runtime.push(t);
      inputs.push(bytes);
    }
    return t;
  };
  let opInputs: number[];
  let outShape = s.shape;
  let outQ = perTensor(s.outScale, s.outZp);
  const options: Op["options"] = {};
  switch (s.op) {
    case "ABS":
    case "RSQRT":
    case "L2_NORMALIZATION":
      opInputs = [addInput("in", s.shape)];
      break;
    case "LOG_SOFTMAX":
      opInputs = [addInput("in", s.shape)];
      outQ = perTensor(16 / 256, 127);
      break;
    case "REDUCE_MAX":
    case "REDUCE_MIN": {
      const input = addInput("in", s.shape);
      const axes = s.shape.flatMap((_, i) => (s.mask[i] ? [i] : []));
      const axisT = b.add("axes", "int32", [axes.length], undefined, new Uint8Array(Int32Array.from(axes).buffer));
      opInputs = [input, axisT];
      options.keepDims = s.flags[0];
      outShape = s.flags[0] ? s.shape.map((d, i) => (s.mask[i] ? 1 : d)) : s.shape.filter((_, i) => !s.mask[i]);
      outQ = q(0);
      break;
    }
    case "CUMSUM": {
      const input = addInput("in", s.shape);
      const axis = ((s.axis % rank) + rank) % rank - (s.axis < 0 ? rank : 0);
      const axisT = b.add("axis", "int32", [], undefined, new Uint8Array(Int32Array.of(axis).buffer));
      opInputs = [input, axisT];
      options.exclusive = s.flags[0];
      options.reverse = s.flags[1];
      break;
    }
    case "ADD_N":
      opInputs = Array.from({ length: s.n }, (_, i) => addInput(`in${i}`, s.shape, q(0)));
      break;
    case "SQUARED_DIFFERENCE":
    case "DIV": {
      const shape2 = s.broadcast ? s.shape.slice(-1) : s.shape;
      opInputs = [addInput("a", s.shape), addInput("b", shape2, q(1), s.const2)];
      if (s.op === "DIV") options.fusedActivationFunction = "NONE";
      break;
    }
  }
  const out = b.add("out", "int8", outShape, outQ);
  const op: Op = { index: 0, opcode: s.op, version: 1, inputs: opInputs, outputs: [out], options };
  return { graph: { name: `arith_${s.op.toLowerCase()}`, tensors: b.tensors, ops: [op], inputs: runtime, outputs: [out] }, inputs };
}

/** False (a skipped case) when TFLite Micro would reject the graph's quantization (3001). */
export function lowers(graph: Graph): boolean {
  try {
    lowerGraph(graph);
    return true;
  } catch (e) {
    if (e instanceof MoteError && e.code === 3001) return false;
    throw e;
  }
}

