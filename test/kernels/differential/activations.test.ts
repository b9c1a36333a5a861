/**
 * @fileoverview Property tests of the activations and quantization group (QUANTIZE float32 ->
 * int8 and int8 -> int8, DEQUANTIZE, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH, PRELU,
 * ELU): fast-check draws random one-op graphs (shapes of rank 1..4, scales, zero points, alpha,
 * PRELU's broadcast alpha, random or extreme inputs) and the TypeScript kernels, the WASM module
 * and the host-gcc C library must produce the same bytes.
 *
 * QUANTIZE float32 -> int8 and DEQUANTIZE are the first kernels using the subset's f32 division
 * and f32 -> i32 truncation, so their inputs include halfway values, -0, subnormals, huge values,
 * infinities and NaN, and their TypeScript outputs are also checked against an independent
 * oracle (TFLM's formulas in plain JS: std::round of the float32 quotient, float32 of the double
 * product). Seeds are fixed per op; a failing spec is printed as JSON. The last suite covers
 * lowering errors (MoteError 3001 naming the problem).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph, Op, Tensor } from "../../../compiler/ir/graph.ts";
import { runModel } from "../../../compiler/run/targets.ts";
import { GraphBuilder, int8Bytes, perTensor, prng, type Fill } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, expectGraphAgree, seedOf, extremeParams, expectLowerError } from "./agree.ts";

type ActOp =
  | "QUANTIZE_F32" | "QUANTIZE_I8" | "DEQUANTIZE" | "LOGISTIC" | "TANH" | "RELU" | "RELU6"
  | "LEAKY_RELU" | "HARD_SWISH" | "PRELU" | "ELU";
const OPS: readonly ActOp[] = [
  "QUANTIZE_F32", "QUANTIZE_I8", "DEQUANTIZE", "LOGISTIC", "TANH", "RELU", "RELU6", "LEAKY_RELU", "HARD_SWISH", "PRELU", "ELU",
];

interface ActSpec {
  op: ActOp;
  seed: number;
  shape: number[];
  inScale: number;
  inZp: number;
  outScale: number;
  outZp: number;
  fill: Fill;
  /** LEAKY_RELU's alpha option. */
  alpha: number;
  /** PRELU's alpha tensor: shape (broadcasts against `shape`), quantization, constant or input. */
  alphaShape: number[];
  alphaScale: number;
  alphaZp: number;
  alphaConst: boolean;
}

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = caseCount(40); // full count in test:full (activations.full.test.ts), 40 % in npm test
const HOST_RUNS = caseCount(6);
const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** A float32 2^e with e uniform in [lo, hi], times a float32 mantissa in [1, 2). */
const scaleArb = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0xffff })).map(([e, m]) =>
    Math.fround(2 ** e * (1 + m / 0x10000)));
const zpArb = fc.integer({ min: -128, max: 127 });
const fillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>("random"), weight: 6 },
  { arbitrary: fc.constantFrom<Fill>("min", "max"), weight: 2 },
  { arbitrary: fc.constant<Fill>("zero"), weight: 1 },
);

function specArb(op: ActOp): fc.Arbitrary<ActSpec> {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
      inScale: scaleArb(-10, 1),
      ratio: scaleArb(-4, 4),
      inZp: zpArb,
      outZp: zpArb,
      fill: fillArb,
      alpha: fc.oneof(
        fc.constantFrom(0, 0.2, 1, -0.5),
        fc.float({ min: -3, max: 3, noNaN: true }),
      ).map(Math.fround),
      alphaMask: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      alphaDrop: fc.integer({ min: 0, max: 3 }),
      alphaScale: scaleArb(-9, -5),
      alphaZp: fc.integer({ min: -20, max: 20 }),
      alphaConst: fc.boolean(),
    })
    .map((r): ActSpec => {
      // ELU and HARD_SWISH see larger inputs, to reach their curved parts (HARD_SWISH also keeps
      // small scales, whose reluish multiplier shifts right).
      const inScale = op === "ELU" ? Math.fround(r.inScale * 2 ** 4) : op === "HARD_SWISH" ? Math.fround(r.inScale * 4) : r.inScale;
      let outScale = Math.fround(inScale * r.ratio);
      let outZp = r.outZp;
      if (op === "LOGISTIC") [outScale, outZp] = [1 / 256, -128];
      if (op === "TANH") [outScale, outZp] = [1 / 128, 0];
      if (op === "RELU6") [outScale, outZp] = [inScale, r.inZp];
      // TFLM requires input scale / (128 * output scale) < 1; odd seeds push the output exponent
      // below -15, where gemmlowp's int16 RoundingDivideByPOT narrows its mask.
      if (op === "HARD_SWISH") outScale = Math.fround(inScale * Math.fround(r.ratio / 4) * (r.seed % 2 === 0 ? 1 : 2 ** 12));
      const alphaShape = r.shape.slice(Math.min(r.alphaDrop, r.shape.length - 1)).map((d, i) => (r.alphaMask[i] ? d : 1));
      return {
        op, seed: r.seed, shape: r.shape, inScale, inZp: r.inZp, outScale, outZp, fill: r.fill, alpha: r.alpha,
        alphaShape, alphaScale: r.alphaScale, alphaZp: r.alphaZp, alphaConst: r.alphaConst,
      };
    });
}

/** Float inputs of QUANTIZE: across the output range, on halfway points, and special values. */
function floatInputs(spec: ActSpec, n: number, next: () => number): Float32Array {
  const out = new Float32Array(n);
  const lo = spec.outScale * (-128 - spec.outZp);
  const hi = spec.outScale * (127 - spec.outZp);
  const special = [0, -0, 1e-45, -1e-45, 1e-38, 3e38, -3e38, Infinity, -Infinity, NaN, 2 ** 31, -(2 ** 31), 1e10, -1e10];
  for (let i = 0; i < n; i++) {
    if (spec.fill === "min" || spec.fill === "max") {
      out[i] = spec.fill === "min" ? lo * 1.5 : hi * 1.5;
      continue;
    }
    const kind = next() % 8;
    const k = (next() % 400) - 200;
    if (kind === 0) out[i] = special[next() % special.length];
    else if (kind <= 2) out[i] = (k + 0.5) * spec.outScale; // halfway between two steps
    else out[i] = lo * 1.5 + ((hi - lo) * 1.5 * (next() % 65536)) / 65535;
  }
  return out;
}

/** The one-op graph of a spec and its runtime inputs. */
function buildGraph(spec: ActSpec): { graph: Graph; inputs: Uint8Array[] } {
  const next = prng(spec.seed);
  const b = new GraphBuilder();
  const n = product(spec.shape);
  const inQ = perTensor(spec.inScale, spec.inZp);
  const outQ = perTensor(spec.outScale, spec.outZp);
  let opcode: string = spec.op;
  let options: Op["options"] = {};
  let input: number;
  let inputBytes: Uint8Array;
  if (spec.op === "QUANTIZE_F32") {
    opcode = "QUANTIZE";
    input = b.add("input", "float32", spec.shape);
    inputBytes = new Uint8Array(floatInputs(spec, n, next).buffer);
  } else {
    input = b.add("input", "int8", spec.shape, inQ);
    inputBytes = int8Bytes(n, spec.fill, spec.inZp, next);
  }
  if (spec.op === "QUANTIZE_I8") opcode = "QUANTIZE";
  if (spec.op === "LEAKY_RELU") options = { alpha: spec.alpha };
  const graphInputs = [input];
  const inputs = [inputBytes];
  const opInputs = [input];
  if (spec.op === "PRELU") {
    const alphaBytes = int8Bytes(product(spec.alphaShape), "random", spec.alphaZp, next);
    const alpha = b.add("alpha", "int8", spec.alphaShape, perTensor(spec.alphaScale, spec.alphaZp), spec.alphaConst ? alphaBytes : undefined);
    opInputs.push(alpha);
    if (!spec.alphaConst) {
      graphInputs.push(alpha);
      inputs.push(alphaBytes);
    }
  }
  const output = spec.op === "DEQUANTIZE"
    ? b.add("output", "float32", spec.shape)
    : b.add("output", "int8", spec.shape, outQ);
  const op: Op = { index: 0, opcode, version: 1, inputs: opInputs, outputs: [output], options };
  return {
    graph: { name: `act_${spec.op.toLowerCase()}`, tensors: b.tensors, ops: [op], inputs: graphInputs, outputs: [output] },
    inputs,
  };
}

/** std::round (halves away from zero) of a double. */
const roundAway = (x: number): number => (x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5));

/** TFLM's AffineQuantize / Dequantize formulas in plain JS (the oracle for the f32 subset steps). */
function oracle(spec: ActSpec, input: Uint8Array): Uint8Array | undefined {
  if (spec.op === "QUANTIZE_F32") {
    const x = new Float32Array(input.buffer.slice(input.byteOffset, input.byteOffset + input.length));
    const out = new Int8Array(x.length);
    x.forEach((v, i) => {
      const q = Math.fround(v / Math.fround(spec.outScale));
      // Out of range or NaN is undefined in C++; Mote saturates (NaN to the minimum).
      const r = Number.isNaN(q) ? -1e9 : roundAway(q);
      out[i] = Math.max(-128, Math.min(127, r + spec.outZp));
    });
    return new Uint8Array(out.buffer);
  }
  if (spec.op === "DEQUANTIZE") {
    const x = new Int8Array(input.buffer, input.byteOffset, input.length);
    const out = new Float32Array(x.length);
    x.forEach((v, i) => { out[i] = Math.fround(spec.inScale * (v - spec.inZp)); });
    return new Uint8Array(out.buffer);
  }
  return undefined;
}

async function check(spec: ActSpec, targets: readonly ("ts" | "wasm" | "host")[]): Promise<void> {
  const { graph, inputs } = buildGraph(spec);
  const label = JSON.stringify(spec);
  await expectGraphAgree(label, graph, inputs, targets);
  const want = oracle(spec, inputs[0]);
  if (want !== undefined) {
    const got = (await runModel(graph, inputs, "ts")).outputs[0];
    expect(Array.from(got), label).toEqual(Array.from(want));
  }
}

const host = needTarget("host");

describe("activations differential: TS == WASM", () => {
  for (const op of OPS) {
    it(`${op}: ${WASM_RUNS} random graphs`, async () => {
      const arb = specArb(op);
      await fc.assert(fc.asyncProperty(arb, (spec) => check(spec, ["ts", "wasm"])), extremeParams(arb, seedOf(op, 21), WASM_RUNS));
    }, 120_000 * SCALE);
  }
});

describe.skipIf(host.skip)("activations differential: TS == WASM == host C", { concurrent: true }, () => {
  for (const op of OPS) {
    it(`${op}: ${HOST_RUNS} random graphs`, async () => {
      const arb = specArb(op);
      await fc.assert(fc.asyncProperty(arb, (spec) => check(spec, ["ts", "wasm", "host"])), extremeParams(arb, seedOf(op, 22), HOST_RUNS));
    }, 180_000 * SCALE);
  }
});

// ---------------------------------------------------------------------------------------------
// Lowering errors

function t(index: number, shape: number[], extra: Partial<Tensor> = {}): Tensor {
  return { index, name: `t${index}`, dtype: "int8", shape, isVariable: false, quant: perTensor(0.05, 3), ...extra };
}

function oneOp(opcode: string, tensors: Tensor[], options: Op["options"] = {}): Graph {
  const ins = tensors.slice(0, -1).map((x) => x.index);
  const out = tensors[tensors.length - 1].index;
  const op: Op = { index: 0, opcode, version: 1, inputs: ins, outputs: [out], options };
  return { name: "bad", tensors, ops: [op], inputs: ins, outputs: [out] };
}

describe("activations lowering errors (3001)", () => {
  it("rejects QUANTIZE variants other than float32/int8/int16 -> int8/int16 and int8/int16 -> int32, naming the dtype", () => {
    expectLowerError(oneOp("QUANTIZE", [t(0, [4], { dtype: "float32" }), t(1, [4], { dtype: "int32" })]), /output .* is int32; Mote supports int8 or int16/);
    expectLowerError(oneOp("QUANTIZE", [t(0, [4], { dtype: "int32" }), t(1, [4])]), /input .* is int32; Mote supports float32 or int8 or int16/);
  });

  it("rejects a per-channel QUANTIZE output (TFLM requires one scale)", () => {
    const perChannel = { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0 };
    expectLowerError(oneOp("QUANTIZE", [t(0, [2], { dtype: "float32", quant: undefined }), t(1, [2], { quant: perChannel })]), /per tensor/);
  });

  it("rejects DEQUANTIZE to anything but float32", () => {
    expectLowerError(oneOp("DEQUANTIZE", [t(0, [4]), t(1, [4])]), /output .* is int8; Mote supports float32/);
  });

  it("rejects float32 tensors on the int8 activations", () => {
    for (const opcode of ["RELU", "TANH", "ELU", "HARD_SWISH"]) {
      expectLowerError(oneOp(opcode, [t(0, [4], { dtype: "float32", quant: undefined }), t(1, [4])]), /input .* is float32; Mote supports int8/);
    }
  });

  it("rejects outputs with a different element count", () => {
    expectLowerError(oneOp("RELU6", [t(0, [2, 3]), t(1, [5])]), /different element counts/);
  });

  it("rejects a LOGISTIC output zero point other than -128", () => {
    expectLowerError(oneOp("LOGISTIC", [t(0, [4]), t(1, [4], { quant: perTensor(1 / 256, 0) })]), /zero point -128 .* got zero point 0/);
  });

  it("rejects input scales LOGISTIC / TANH cannot scale into Q4.27", () => {
    expectLowerError(oneOp("TANH", [t(0, [4], { quant: perTensor(1e-10, 0) }), t(1, [4])]), /input scale .* too small/);
  });

  it("rejects a HARD_SWISH output scale below input scale / 128 (TFLM's limit)", () => {
    expectLowerError(oneOp("HARD_SWISH", [t(0, [4], { quant: perTensor(1, 0) }), t(1, [4], { quant: perTensor(0.001, 0) })]), /output scale .* too small/);
  });

  it("rejects a PRELU alpha that is not int8 or does not broadcast", () => {
    expectLowerError(oneOp("PRELU", [t(0, [2, 4]), t(1, [4], { dtype: "int16" }), t(2, [2, 4])]), /alpha .* is int16; Mote supports int8/);
    expectLowerError(oneOp("PRELU", [t(0, [2, 4]), t(1, [3]), t(2, [2, 4])]), /do not broadcast/);
  });

  it("rejects a non-numeric LEAKY_RELU alpha", () => {
    expectLowerError(oneOp("LEAKY_RELU", [t(0, [4]), t(1, [4])], { alpha: "x" }), /option alpha = x/);
  });
});
