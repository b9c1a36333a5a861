/**
 * @fileoverview Property tests of the elementwise group (ADD, SUB, MUL, MAXIMUM, MINIMUM, int8):
 * fast-check draws random one-op graphs (shapes of rank 0..4 with one-sided, two-sided and
 * scalar broadcasting or equal shapes, constant or runtime second operand, scales, zero points,
 * fused activation, random or extreme inputs) and the TypeScript kernels, the WASM module and the
 * host-gcc C library must produce the same bytes. MAXIMUM/MINIMUM outputs are also checked
 * against a naive NumPy-style broadcast written here, which pins down the loop plan of
 * compiler/ops/broadcast.ts that every kernel of the group shares.
 *
 * Seeds are fixed per op; a failing spec is printed as JSON. The last suite covers lowering
 * errors (MoteError 3001 naming the problem).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph, Op, Tensor } from "../../../compiler/ir/graph.ts";
import { lowerGraph } from "../../../compiler/ops/index.ts";
import { runModel } from "../../../compiler/run/targets.ts";
import { GraphBuilder, int8Bytes, perTensor, prng, type Activation, type Fill } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, expectGraphAgree, seedOf, extremeParams, expectLowerError } from "./agree.ts";

type EwOp = "ADD" | "SUB" | "MUL" | "MAXIMUM" | "MINIMUM";
const OPS: readonly EwOp[] = ["ADD", "SUB", "MUL", "MAXIMUM", "MINIMUM"];

interface EwSpec {
  op: EwOp;
  seed: number;
  shape1: number[];
  shape2: number[];
  scale1: number;
  zp1: number;
  scale2: number;
  zp2: number;
  outScale: number;
  outZp: number;
  activation: Activation;
  /** Input 2 is a constant tensor in the model (otherwise a second graph input). */
  const2: boolean;
  fill: Fill;
}

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = caseCount(40); // full count in test:full (elementwise.full.test.ts), 40 % in npm test
const HOST_RUNS = caseCount(6);

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Right-aligned broadcast of two shapes (the arbitraries only produce compatible ones). */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[i - (rank - a.length)] ?? 1;
    const db = b[i - (rank - b.length)] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** A float32 2^e with e uniform in [lo, hi], times a float32 mantissa in [1, 2). */
const scaleArb = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0xffff })).map(([e, m]) =>
    Math.fround(2 ** e * (1 + m / 0x10000)));
const zpArb = fc.integer({ min: -128, max: 127 });

/**
 * Two broadcast-compatible shapes: a base shape of rank 0..4 (dims 1..6), then for each input a
 * suffix of it (possibly empty: a scalar) where each dimension is either kept or set to 1.
 */
const dropArb = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 2 });
const shapesArb: fc.Arbitrary<[number[], number[]]> = fc
  .noBias(fc.record({
    base: fc.oneof(
      { arbitrary: fc.constant<number[]>([]), weight: 1 },
      { arbitrary: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4, size: "max" }), weight: 8 },
    ),
    kind: fc.constantFrom("same", "same", "broadcast", "broadcast", "broadcast", "scalar"),
    drop1: dropArb,
    drop2: dropArb,
    mask1: fc.array(fc.boolean(), { minLength: 4, maxLength: 4, size: "max" }),
    mask2: fc.array(fc.boolean(), { minLength: 4, maxLength: 4, size: "max" }),
    swap: fc.boolean(),
  }))
  .map(({ base, kind, drop1, drop2, mask1, mask2, swap }): [number[], number[]] => {
    if (kind === "same") return [base, [...base]];
    let pair: [number[], number[]];
    if (kind === "scalar") {
      pair = [base, []];
    } else {
      const s1 = base.slice(Math.min(drop1, base.length)).map((d, i) => (mask1[i] ? d : 1));
      const s2 = base.slice(Math.min(drop2, base.length)).map((d, i) => (mask2[i] ? d : 1));
      pair = [s1, s2];
    }
    return swap ? [pair[1], pair[0]] : pair;
  });

const activationArb: fc.Arbitrary<Activation> = fc.oneof(
  { arbitrary: fc.constant<Activation>("NONE"), weight: 3 },
  { arbitrary: fc.constantFrom<Activation>("RELU", "RELU6", "RELU_N1_TO_1"), weight: 2 },
);
const fillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>("random"), weight: 6 },
  { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 2 },
  { arbitrary: fc.constant<Fill>("zero"), weight: 1 },
);

function specArb(op: EwOp): fc.Arbitrary<EwSpec> {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      shapes: shapesArb,
      scale1: scaleArb(-10, 0),
      ratio2: scaleArb(-5, 4),
      outFactor: scaleArb(-3, 4),
      mulOutFactor: scaleArb(-2, 10),
      zp1: zpArb,
      zp2: zpArb,
      outZp: zpArb,
      activation: activationArb,
      const2: fc.boolean(),
      fill: fillArb,
    })
    .map((r): EwSpec => {
      const [shape1, shape2] = r.shapes;
      const scale2 = Math.fround(r.scale1 * r.ratio2);
      const common = { op, seed: r.seed, shape1, shape2, const2: r.const2, fill: r.fill };
      if (op === "MAXIMUM" || op === "MINIMUM") {
        // TFLite keeps one quantization across MAXIMUM / MINIMUM; no fused activation.
        return { ...common, scale1: r.scale1, zp1: r.zp1, scale2: r.scale1, zp2: r.zp1, outScale: r.scale1, outZp: r.zp1, activation: "NONE" };
      }
      const outScale = op === "MUL"
        ? Math.fround(Math.fround(r.scale1 * scale2) * r.mulOutFactor)
        : Math.fround(Math.max(r.scale1, scale2) * r.outFactor);
      return { ...common, scale1: r.scale1, zp1: r.zp1, scale2, zp2: r.zp2, outScale, outZp: r.outZp, activation: r.activation };
    });
}

/** The one-op graph of a spec and its runtime inputs. */
function buildGraph(spec: EwSpec): { graph: Graph; inputs: Uint8Array[] } {
  const next = prng(spec.seed);
  const b = new GraphBuilder();
  const bytes1 = int8Bytes(product(spec.shape1), spec.fill, spec.zp1, next);
  const bytes2 = int8Bytes(product(spec.shape2), spec.fill, spec.zp2, next);
  const t1 = b.add("input1", "int8", spec.shape1, perTensor(spec.scale1, spec.zp1));
  const t2 = b.add("input2", "int8", spec.shape2, perTensor(spec.scale2, spec.zp2), spec.const2 ? bytes2 : undefined);
  const out = b.add("output", "int8", broadcastShape(spec.shape1, spec.shape2), perTensor(spec.outScale, spec.outZp));
  const options: Op["options"] = spec.op === "MAXIMUM" || spec.op === "MINIMUM" ? {} : { fusedActivationFunction: spec.activation };
  const op: Op = { index: 0, opcode: spec.op, version: 1, inputs: [t1, t2], outputs: [out], options };
  const graphInputs = spec.const2 ? [t1] : [t1, t2];
  return {
    graph: { name: `elementwise_${spec.op.toLowerCase()}`, tensors: b.tensors, ops: [op], inputs: graphInputs, outputs: [out] },
    inputs: spec.const2 ? [bytes1] : [bytes1, bytes2],
  };
}

/** Naive broadcast of MAXIMUM / MINIMUM over raw int8 values: the oracle for the loop plan. */
function naiveMaxMin(spec: EwSpec, a: Int8Array, b: Int8Array): Int8Array {
  const outShape = broadcastShape(spec.shape1, spec.shape2);
  const rank = outShape.length;
  const out = new Int8Array(product(outShape));
  const index = (shape: number[], coord: number[]): number => {
    let idx = 0;
    for (let i = 0; i < shape.length; i++) {
      const c = coord[i + rank - shape.length];
      idx = idx * shape[i] + (shape[i] === 1 ? 0 : c);
    }
    return idx;
  };
  for (let flat = 0; flat < out.length; flat++) {
    const coord: number[] = [];
    let rest = flat;
    for (let i = rank - 1; i >= 0; i--) {
      coord.unshift(rest % outShape[i]);
      rest = Math.floor(rest / outShape[i]);
    }
    const x = a[index(spec.shape1, coord)];
    const y = b[index(spec.shape2, coord)];
    out[flat] = spec.op === "MAXIMUM" ? Math.max(x, y) : Math.min(x, y);
  }
  return out;
}

async function check(spec: EwSpec, targets: readonly ("ts" | "wasm" | "host")[]): Promise<void> {
  const { graph, inputs } = buildGraph(spec);
  const label = JSON.stringify(spec);
  await expectGraphAgree(label, graph, inputs, targets);
  if (spec.op === "MAXIMUM" || spec.op === "MINIMUM") {
    const a = new Int8Array(inputs[0].buffer, inputs[0].byteOffset, inputs[0].length);
    const t2 = graph.tensors[graph.ops[0].inputs[1]];
    const bBytes = spec.const2 ? t2.data! : inputs[1];
    const b = new Int8Array(bBytes.buffer, bBytes.byteOffset, bBytes.length);
    const got = (await runModel(graph, inputs, "ts")).outputs[0];
    expect(Array.from(new Int8Array(got.buffer, got.byteOffset, got.length)), label).toEqual(Array.from(naiveMaxMin(spec, a, b)));
  }
}

const host = needTarget("host");

describe("elementwise differential: TS == WASM", () => {
  for (const op of OPS) {
    it(`${op}: ${WASM_RUNS} random graphs`, async () => {
      const arb = specArb(op);
      await fc.assert(fc.asyncProperty(arb, (spec) => check(spec, ["ts", "wasm"])), extremeParams(arb, seedOf(op, 11), WASM_RUNS));
    }, 120_000 * SCALE);
  }
});

describe.skipIf(host.skip)("elementwise differential: TS == WASM == host C", { concurrent: true }, () => {
  for (const op of OPS) {
    it(`${op}: ${HOST_RUNS} random graphs`, async () => {
      const arb = specArb(op);
      await fc.assert(fc.asyncProperty(arb, (spec) => check(spec, ["ts", "wasm", "host"])), extremeParams(arb, seedOf(op, 12), HOST_RUNS));
    }, 180_000 * SCALE);
  }
});

// ---------------------------------------------------------------------------------------------
// Lowering errors

function t(index: number, shape: number[], extra: Partial<Tensor> = {}): Tensor {
  return { index, name: `t${index}`, dtype: "int8", shape, isVariable: false, quant: perTensor(0.05, 3), ...extra };
}

function oneOp(opcode: string, tensors: Tensor[], options: Op["options"] = {}): Graph {
  const op: Op = { index: 0, opcode, version: 1, inputs: [0, 1], outputs: [2], options };
  return { name: "bad", tensors, ops: [op], inputs: [0, 1], outputs: [2] };
}

describe("elementwise lowering errors (3001)", () => {
  it("rejects non-int8 tensors, naming the dtype", () => {
    // int16 runs (add16) when every tensor is int16; a mix is named.
    expectLowerError(oneOp("ADD", [t(0, [4], { dtype: "int16" }), t(1, [4]), t(2, [4])]), /input2 .* is int8; Mote supports int16 here/);
    expectLowerError(oneOp("ADD", [t(0, [4], { dtype: "float32", quant: undefined }), t(1, [4]), t(2, [4])]), /input1 .* is float32; Mote supports int8 or int16/);
    expectLowerError(oneOp("MUL", [t(0, [4]), t(1, [4]), t(2, [4], { dtype: "float32", quant: undefined })]), /output .* is float32/);
  });

  it("rejects shapes that do not broadcast to the output", () => {
    expectLowerError(oneOp("SUB", [t(0, [2, 3]), t(1, [3, 2]), t(2, [3, 3])]), /do not broadcast to output \[3, 3\]/);
    expectLowerError(oneOp("ADD", [t(0, [2, 3]), t(1, [3]), t(2, [2, 1])]), /do not broadcast/);
  });

  it("rejects broadcasts that need more than four loops", () => {
    expectLowerError(
      oneOp("MAXIMUM", [t(0, [2, 1, 2, 1, 2]), t(1, [1, 2, 1, 2, 1]), t(2, [2, 2, 2, 2, 2])]),
      /needs 5 loops; Mote supports broadcasts that reduce to 4/,
    );
  });

  it("rejects MAXIMUM / MINIMUM whose quantizations differ", () => {
    expectLowerError(
      oneOp("MINIMUM", [t(0, [4]), t(1, [4], { quant: perTensor(0.1, 3) }), t(2, [4])]),
      /input2 quantization .* differs from the output's .* share one quantization/,
    );
  });

  it("rejects per-channel quantized operands", () => {
    const perChannel = { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0 };
    expectLowerError(oneOp("MUL", [t(0, [2]), t(1, [2], { quant: perChannel, data: new Uint8Array(2) }), t(2, [2])]), /per tensor/);
  });

  it("rejects an ADD whose output multiplier is not below 1 (TFLite Micro fails Prepare)", () => {
    expectLowerError(oneOp("ADD", [t(0, [4]), t(1, [4]), t(2, [4], { quant: perTensor(1e-9, 0) })]), /output multiplier .* not in \(0, 1\)/);
  });

  it("rejects unsupported fused activations", () => {
    expectLowerError(oneOp("ADD", [t(0, [4]), t(1, [4]), t(2, [4])], { fusedActivationFunction: "TANH" }), /fused activation TANH is not supported/);
  });

  it("accepts rank-6 shapes that collapse to four loops", () => {
    const calls = lowerGraph(oneOp("ADD", [t(0, [1, 2, 3, 1, 4, 5]), t(1, [5]), t(2, [1, 2, 3, 1, 4, 5])]));
    expect(calls[0].calls[0].params).toMatchObject({ broadcast: 1, d3: 5, d2: 24, a3: 1, b3: 1, b2: 0 });
    const same = lowerGraph(oneOp("MUL", [t(0, [1, 3, 4]), t(1, [3, 4]), t(2, [3, 4])]));
    expect(same[0].calls[0].params).toMatchObject({ broadcast: 0, size: 12 });
  });
});
