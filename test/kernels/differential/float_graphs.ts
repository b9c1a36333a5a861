/**
 * @fileoverview One graph per float32 kernel of issue 15 (GRAPHS; MATH_GRAPHS for FLOOR_DIV,
 * FLOOR_MOD, LOG, SIN, COS), fast-check float32 inputs, and the agreement check (NaNs compared as
 * NaNs) for test/kernels/differential/float_ops.test.ts, float_math.test.ts and
 * test/ops/float-ops.full.test.ts, float-math.full.test.ts (qemu).
 */
import fc from "fast-check";
import type { Graph, Op } from "../../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import { GraphBuilder } from "../../support/synthetic.ts";
import { firstDifference } from "./agree.ts";

export const N = 24;

export function graphOf(opcode: string, inputs: number, options: Op["options"] = {}, axis?: number[]): Graph {
  const b = new GraphBuilder();
  const shape = opcode === "REDUCE_MAX" || opcode === "REDUCE_MIN" || opcode === "CUMSUM" ? [2, 3, 4] : [N];
  const ins = Array.from({ length: inputs }, (_, i) => b.add(`in${i}`, "float32", shape));
  const outShape = opcode === "REDUCE_MAX" || opcode === "REDUCE_MIN" ? [2, 4] : shape;
  const out = b.add("out", "float32", outShape);
  const opInputs = [...ins];
  if (axis) opInputs.push(b.add("axis", "int32", opcode === "CUMSUM" ? [] : [axis.length], undefined, new Uint8Array(Int32Array.from(axis).buffer)));
  const op: Op = { index: 0, opcode, version: 1, inputs: opInputs, outputs: [out], options };
  return { name: `float_${opcode.toLowerCase()}`, tensors: b.tensors, ops: [op], inputs: ins, outputs: [out] };
}

export const GRAPHS: Record<string, () => Graph> = {
  NEG: () => graphOf("NEG", 1), FLOOR: () => graphOf("FLOOR", 1), CEIL: () => graphOf("CEIL", 1), ROUND: () => graphOf("ROUND", 1),
  SQRT: () => graphOf("SQRT", 1), SQUARE: () => graphOf("SQUARE", 1), EXP: () => graphOf("EXP", 1), ABS: () => graphOf("ABS", 1),
  RSQRT: () => graphOf("RSQRT", 1),
  L2_NORMALIZATION: () => graphOf("L2_NORMALIZATION", 1, { fusedActivationFunction: "NONE" }),
  DIV: () => graphOf("DIV", 2, { fusedActivationFunction: "RELU6" }),
  SQUARED_DIFFERENCE: () => graphOf("SQUARED_DIFFERENCE", 2),
  REDUCE_MAX: () => graphOf("REDUCE_MAX", 1, { keepDims: false }, [1]),
  REDUCE_MIN: () => graphOf("REDUCE_MIN", 1, { keepDims: false }, [1]),
  CUMSUM: () => graphOf("CUMSUM", 1, { exclusive: true, reverse: true }, [2]),
  ADD_N: () => graphOf("ADD_N", 3),
};

/** The float32 ops TFLite Micro computes with libm or double (kernels/float_binary.ts FLOAT_FLOOR_DIV/MOD, log.ts, sin_cos.ts). */
export const MATH_GRAPHS: Record<string, () => Graph> = {
  FLOOR_DIV: () => graphOf("FLOOR_DIV", 2), FLOOR_MOD: () => graphOf("FLOOR_MOD", 2),
  LOG: () => graphOf("LOG", 1), SIN: () => graphOf("SIN", 1), COS: () => graphOf("COS", 1),
};

export const floats = fc.array(fc.float(), { minLength: N, maxLength: N }).map((a) => Float32Array.from(a));
export const canon = (b: Uint8Array): Uint8Array => {
  const f = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)).map((v) => (Number.isNaN(v) ? NaN : v));
  return new Uint8Array(f.buffer);
};

export async function agree(graph: Graph, xs: Float32Array[], targets: readonly Target[]): Promise<void> {
  const bytes = xs.map((x) => new Uint8Array(x.buffer.slice(0)));
  let ref: Uint8Array | undefined;
  for (const target of targets) {
    const got = canon((await runModel(graph, bytes, target)).outputs[0]);
    if (ref === undefined) ref = got;
    else if (firstDifference(ref, got) >= 0) {
      throw new Error(`${graph.name}: ${target} differs from ${targets[0]} at byte ${firstDifference(ref, got)}; inputs ${JSON.stringify(xs.map((x) => Array.from(x)))}`);
    }
  }
}

