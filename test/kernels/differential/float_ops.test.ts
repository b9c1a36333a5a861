/**
 * @fileoverview Property tests of the float32 kernels of issue 15 (kernels/float_unary.ts,
 * kernels/float_binary.ts, and the float entries of l2_normalization, reduce_max_min, cumsum and
 * add_n): fast-check draws float32 inputs (any bit pattern fc.float gives: NaN, infinities,
 * subnormals, -0) for one graph per op, and the TypeScript kernels, the WASM module and the
 * host-gcc C library must produce the same bytes (NaNs compared as NaNs: their sign and payload
 * are not specified). WASM gets many inputs per op, host C a few (one gcc build per graph).
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import type { Graph, Op } from "../../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import { GraphBuilder } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { firstDifference, seedOf } from "./agree.ts";

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = 30 * SCALE;
const HOST_RUNS = 3 * SCALE;
const N = 24;

function graphOf(opcode: string, inputs: number, options: Op["options"] = {}, axis?: number[]): Graph {
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

const GRAPHS: Record<string, () => Graph> = {
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

const floats = fc.array(fc.float(), { minLength: N, maxLength: N }).map((a) => Float32Array.from(a));
const canon = (b: Uint8Array): Uint8Array => {
  const f = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)).map((v) => (Number.isNaN(v) ? NaN : v));
  return new Uint8Array(f.buffer);
};

async function agree(graph: Graph, xs: Float32Array[], targets: readonly Target[]): Promise<void> {
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

const host = needTarget("host");

for (const [name, targets, runs, salt] of [
  ["TS == WASM", ["ts", "wasm"], WASM_RUNS, 21],
  ["TS == WASM == host C", ["ts", "wasm", "host"], HOST_RUNS, 22],
] as const) {
  describe.skipIf(targets.length === 3 && host.skip)(`float32 ops: ${name}`, { concurrent: targets.length === 3 }, () => {
    for (const [op, make] of Object.entries(GRAPHS)) {
      it(`${op}: ${runs} random inputs`, async () => {
        const graph = make();
        const arity = graph.inputs.length;
        await fc.assert(fc.asyncProperty(fc.array(floats, { minLength: arity, maxLength: arity }), (xs) => agree(graph, xs, targets)),
          { seed: seedOf(op, salt), numRuns: runs });
      }, 240_000 * SCALE);
    }
  });
}
