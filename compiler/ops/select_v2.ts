/**
 * @fileoverview Lowers SELECT_V2 (bool condition, int8 x and y) to kernels/select_v2.ts, doing
 * TFLite Micro's select.cc Prepare at compile time: condition bool, x and y of one type, the
 * three shapes broadcast (NumPy rules, right-aligned) to the output shape, TFLM's limit being
 * rank 5. Here the broadcast is planned into at most four loops: output dimensions of 1 are
 * dropped and neighbours with the same broadcast pattern for all three operands merge.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import type { SelectV2Params } from "../../kernels/select_v2.ts";
import { inputTensor, opError, outputTensor, product, requireDType } from "./operands.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import { rowStrides } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const SELECT_SLOTS = ["condition", "x", "y", "output"] as const;
const LOOPS = 4;

/**
 * Loops over `out` with each operand's element strides (0 where it broadcasts), at most LOOPS
 * of them, or undefined when they do not reduce that far. An error when a shape does not broadcast.
 */
export function planLoops(graph: Graph, op: Op, shapes: readonly (readonly number[])[], out: readonly number[]): { dims: number[]; strides: number[][] } | undefined {
  const rank = out.length;
  const ext = shapes.map((s) => {
    if (s.length > rank) opError(graph, op, `an operand of shape [${s.join(", ")}] has a higher rank than the output [${out.join(", ")}]`);
    return [...Array<number>(rank - s.length).fill(1), ...s];
  });
  ext.forEach((s, j) => s.forEach((d, k) => {
    if (d !== out[k] && d !== 1) opError(graph, op, `operand ${j} of shape [${shapes[j].join(", ")}] does not broadcast to [${out.join(", ")}]`);
  }));
  const dims: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  const full: boolean[][] = [];
  for (let k = 0; k < rank; k++) {
    if (out[k] === 1) continue;
    const pattern = ext.map((s) => s[k] !== 1);
    const last = full.length - 1;
    if (last >= 0 && pattern.every((f, j) => f === full[last][j])) {
      // Same pattern as the previous kept dimension: merge (strides are row-major, so contiguous).
      dims[last] *= out[k];
      strides.forEach((s, j) => { if (pattern[j]) s[last] = rowStrides(ext[j])[k]; });
      continue;
    }
    dims.push(out[k]);
    full.push(pattern);
    strides.forEach((s, j) => s.push(pattern[j] ? rowStrides(ext[j])[k] : 0));
  }
  if (dims.length > LOOPS) return undefined;
  while (dims.length < LOOPS) {
    dims.unshift(1);
    strides.forEach((s) => s.unshift(0));
  }
  return { dims, strides };
}

function lowerSelectV2(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 3) opError(graph, op, `expects 3 inputs (condition, x, y), got ${op.inputs.length}`);
  const cond = inputTensor(graph, op, 0, "condition");
  const x = inputTensor(graph, op, 1, "x");
  const y = inputTensor(graph, op, 2, "y");
  const out = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, cond, "condition", "bool");
  requireDType(graph, op, x, "x", "int8");
  requireDType(graph, op, y, "y", "int8");
  requireDType(graph, op, out, "output", "int8");
  if (out.shape.length > 5) opError(graph, op, `output has rank ${out.shape.length}; TFLite Micro selects up to rank 5`);
  const plan = planLoops(graph, op, [cond.shape, x.shape, y.shape], out.shape);
  if (plan === undefined) opError(graph, op, `the broadcast of [${cond.shape.join(", ")}], [${x.shape.join(", ")}], [${y.shape.join(", ")}] needs more than ${LOOPS} loops`);
  const { dims: d, strides: [c, a, b] } = plan;
  const size = product(out.shape);
  const same = [cond, x, y].every((t) => product(t.shape) === size);
  const params: SelectV2Params = {
    broadcast: same ? 0 : 1, size,
    d0: d[0], d1: d[1], d2: d[2], d3: d[3],
    c0: c[0], c1: c[1], c2: c[2], c3: c[3],
    a0: a[0], a1: a[1], a2: a[2], a3: a[3],
    b0: b[0], b1: b[1], b2: b[2], b3: b[3],
  };
  return [kernelCall("select_v2", "selectV2", SELECT_SLOTS, params, {
    condition: { kind: "tensor", tensor: cond.index },
    x: { kind: "tensor", tensor: x.index },
    y: { kind: "tensor", tensor: y.index },
    output: { kind: "tensor", tensor: out.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "select_v2", fn: "selectV2", slots: SELECT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { SELECT_V2: lowerSelectV2 };

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { SELECT_V2: ["bool"] };

export const NOTES: Record<string, string> = {
  SELECT_V2: "bool condition, int8 x and y (bytes copied, quantization not compared), broadcasting that reduces to four loops.",
};
