/**
 * @fileoverview Property tests of issue 15's int8 arithmetic ops (ABS, RSQRT, L2_NORMALIZATION,
 * REDUCE_MAX, REDUCE_MIN, CUMSUM, ADD_N, SQUARED_DIFFERENCE, DIV, LOG_SOFTMAX): fast-check draws
 * random one-op graphs (shapes of rank 1..4, scales, zero points, axes, options, broadcast
 * shapes, random or extreme inputs) and the TypeScript kernels, the WASM module and the host-gcc
 * C library must produce the same bytes; a few graphs per op also in interpreter mode. Graphs
 * whose quantization TFLite Micro itself rejects (lowering error 3001) are skipped by fc.pre; the
 * last suite checks those rejections (what TFLite Micro's Prepare refuses, Mote refuses by name).
 * Bit-exactness with TFLite Micro is the golden-ops-2 conformance test's job.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoteError } from "../../../compiler/diagnostics.ts";
import type { Graph, Op } from "../../../compiler/ir/graph.ts";
import { lowerGraph } from "../../../compiler/ops/index.ts";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import { GraphBuilder, int8Bytes, perTensor, prng, type Fill } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { expectGraphAgree, expectLowerError, firstDifference, seedOf } from "./agree.ts";
import { divShiftGraph } from "./div_shift.ts";

const OPS = [
  "ABS", "RSQRT", "L2_NORMALIZATION", "REDUCE_MAX", "REDUCE_MIN", "CUMSUM", "ADD_N", "SQUARED_DIFFERENCE", "DIV", "LOG_SOFTMAX",
] as const;
type ArithOp = (typeof OPS)[number];

interface Spec {
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

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = 20 * SCALE;
const HOST_RUNS = 4 * SCALE;

const product = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);
const scaleArb = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0xffff })).map(([e, m]) => Math.fround(2 ** e * (1 + m / 0x10000)));

const specArb = (op: ArithOp): fc.Arbitrary<Spec> =>
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

function buildGraph(s: Spec): { graph: Graph; inputs: Uint8Array[] } {
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
function lowers(graph: Graph): boolean {
  try {
    lowerGraph(graph);
    return true;
  } catch (e) {
    if (e instanceof MoteError && e.code === 3001) return false;
    throw e;
  }
}

async function check(s: Spec, targets: readonly Target[]): Promise<void> {
  const { graph, inputs } = buildGraph(s);
  fc.pre(lowers(graph));
  await expectGraphAgree(JSON.stringify(s), graph, inputs, targets);
}

const host = needTarget("host");

describe("issue 15 int8 arithmetic ops: TS == WASM", () => {
  for (const op of OPS) {
    it(`${op}: ${WASM_RUNS} random graphs`, async () => {
      await fc.assert(fc.asyncProperty(specArb(op), (s) => check(s, ["ts", "wasm"])), { seed: seedOf(op, 15), numRuns: WASM_RUNS });
    }, 180_000 * SCALE);
  }
});

describe.skipIf(host.skip)("issue 15 int8 arithmetic ops: TS == WASM == host C, and interpreter mode", { concurrent: true }, () => {
  for (const op of OPS) {
    it(`${op}: ${HOST_RUNS} random graphs`, async () => {
      await fc.assert(fc.asyncProperty(specArb(op), (s) => check(s, ["ts", "wasm", "host"])), { seed: seedOf(op, 16), numRuns: HOST_RUNS });
      const [s] = fc.sample(specArb(op).filter((x) => lowers(buildGraph(x).graph)), { seed: seedOf(op, 17), numRuns: 1 });
      const { graph, inputs } = buildGraph(s);
      const want = (await runModel(graph, inputs, "ts")).outputs[0];
      for (const target of ["ts", "host"] as const) {
        const got = (await runModel(graph, inputs, target, { mode: "interpreter" })).outputs[0];
        if (firstDifference(want, got) >= 0) throw new Error(`${op} interpreter on ${target} differs from codegen ts\nspec: ${JSON.stringify(s)}`);
      }
    }, 240_000 * SCALE);
  }
});

describe("issue 15 int8 arithmetic ops: lowering errors (3001) where TFLite Micro fails Prepare", () => {
  const base = (op: ArithOp, over: Partial<Spec> = {}): Spec => ({
    op, seed: 1, shape: [2, 3, 4], scales: [0.02, 0.03, 0.04, 0.05], zps: [1, -2, 3, -4], outScale: 0.1, outZp: 0,
    axis: 1, mask: [false, true, false, false], flags: [true, false], n: 3, broadcast: false, const2: false, fill: "random", ...over,
  });
  const graphOf = (s: Spec): Graph => buildGraph(s).graph;

  it("REDUCE_MAX/MIN with different input and output quantization", () => {
    const g = graphOf(base("REDUCE_MAX"));
    g.tensors[g.ops[0].outputs[0]].quant = perTensor(0.5, 0);
    expectLowerError(g, /quantization differ.*TFLite Micro requires them equal/);
  });
  it("LOG_SOFTMAX whose output is not scale 16/256, zero point 127", () => {
    const g = graphOf(base("LOG_SOFTMAX"));
    g.tensors[g.ops[0].outputs[0]].quant = perTensor(1 / 256, -128);
    expectLowerError(g, /scale 16\/256 and zero point 127/);
  });
  it("L2_NORMALIZATION with a fused activation", () => {
    const g = graphOf(base("L2_NORMALIZATION"));
    g.ops[0].options.fusedActivationFunction = "RELU";
    expectLowerError(g, /fused activation is not supported/);
  });
  it("CUMSUM with an axis tensor of two elements", () => {
    const g = graphOf(base("CUMSUM"));
    const axis = g.tensors[g.ops[0].inputs[1]];
    axis.shape = [2];
    axis.data = new Uint8Array(Int32Array.of(0, 1).buffer);
    expectLowerError(g, /exactly 1/);
  });
  it("ADD_N with inputs of different quantization, and with more inputs than the kernel takes", () => {
    const g = graphOf(base("ADD_N"));
    g.tensors[g.ops[0].inputs[1]].quant = perTensor(0.07, 1);
    expectLowerError(g, /input1 quantization differs/);
    const five = graphOf(base("ADD_N", { n: 4 }));
    five.ops[0].inputs.push(five.ops[0].inputs[0]);
    expectLowerError(five, /at most 4/);
  });
  it("DIV whose output multiplier would make TFLite Micro's kernel assert", () => {
    const g = graphOf(base("DIV"));
    g.tensors[g.ops[0].outputs[0]].quant = perTensor(1e-9, 0);
    expectLowerError(g, /negative exponent/);
  });
  it("int8 RSQRT with a float32 output", () => {
    const g = graphOf(base("RSQRT"));
    g.tensors[g.ops[0].outputs[0]].dtype = "float32";
    expectLowerError(g, /int8/);
  });
});

describe("DIV with a final shift beyond 31 bits", () => {
  it("rounds those quotients to 0, the same on ts, wasm and host", async () => {
    const { graph, inputs, want } = divShiftGraph();
    for (const target of (host.ok ? ["ts", "wasm", "host"] : ["ts", "wasm"]) as Target[]) {
      const out = (await runModel(graph, inputs, target)).outputs[0];
      expect(Array.from(new Int8Array(out.buffer, out.byteOffset, out.length)), target).toEqual(want);
    }
  });
});
