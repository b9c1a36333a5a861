/**
 * @fileoverview The float32 ops TFLite Micro runs only on float32 (NEG, FLOOR, CEIL, ROUND, SQRT,
 * SQUARE, EXP; kernels/float_unary.ts), on single-op models built with test/import/tflite-builder.ts
 * (golden-ops-2 has no float cases). Expected values are computed here as TFLite Micro's float
 * kernels do (reference_ops: -x, std::floor, std::ceil, RoundToNearest with halves to even,
 * std::sqrt, x * x, std::exp, std::abs, 1.f / std::sqrt), each rounded to float32; EXP is compared within 2 ulp of the
 * correctly rounded e^x (TFLM's std::exp itself depends on the C library) and must be the same
 * bytes on every target. The float32 variants of L2_NORMALIZATION, DIV (with broadcast and fused
 * activations, NONE clamping infinities to +-FLT_MAX as TFLM's ActivationFunctionWithMinMax does)
 * SQUARED_DIFFERENCE, REDUCE_MAX/MIN (from -FLT_MAX/FLT_MAX), CUMSUM and ADD_N (f32 sums in
 * TFLM's order) are checked the same way, exactly. Then a model with a float head and tail (float input -> FLOOR ->
 * QUANTIZE -> RELU -> DEQUANTIZE -> EXP -> float output) passes the model check and gives the
 * same bytes on ts, wasm and host, in codegen and interpreter mode; int8 NEG/FLOOR/EXP, which
 * TFLite Micro rejects (golden-ops-2 skipped.json), are rejected with MOTE3001.
 */
import { describe, expect, it } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import type { Graph, Op } from "../../compiler/ir/graph.ts";
import { buildModel, oneOpModel, type ModelSpec } from "../import/tflite-builder.ts";
import { GraphBuilder } from "../support/synthetic.ts";
import { needTarget } from "../support/shared.ts";

const OPCODES = { ABS: 101, RSQRT: 76, NEG: 59, FLOOR: 8, EXP: 47, CEIL: 104, ROUND: 116, SQRT: 75, SQUARE: 92, QUANTIZE: 114, DEQUANTIZE: 6, RELU: 19 };
const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];

const f = Math.fround;
/** TFLM's RoundToNearest. */
function roundToNearest(x: number): number {
  const fl = Math.floor(x);
  const diff = f(x - fl);
  if (diff < 0.5 || (diff === 0.5 && fl % 2 === 0)) return fl;
  return f(fl + 1);
}
const EXPECTED: Record<string, (x: number) => number> = {
  NEG: (x) => -x,
  FLOOR: (x) => f(Math.floor(x)),
  CEIL: (x) => f(Math.ceil(x)),
  ROUND: (x) => (Number.isFinite(x) ? roundToNearest(x) : x),
  SQRT: (x) => f(Math.sqrt(x)),
  SQUARE: (x) => f(x * x),
  ABS: (x) => Math.abs(x),
  RSQRT: (x) => f(1 / f(Math.sqrt(x))),
};

function floatModel(opcode: number, n: number): Uint8Array {
  const spec: ModelSpec = {
    opcodes: [{ deprecated: opcode, code: opcode }],
    buffers: [{}],
    subgraphs: [{
      tensors: [{ shape: [n], type: 0, name: "in" }, { shape: [n], type: 0, name: "out" }],
      inputs: [0], outputs: [1], ops: [{ opcodeIndex: 0, inputs: [0], outputs: [1] }],
    }],
  };
  return buildModel(spec);
}

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer.slice(0));
const floatsOf = (b: Uint8Array): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/** Edge cases and a pseudo-random spread (xorshift32), all float32. */
function inputs(op: string): Float32Array {
  const xs = [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1, -1, 3.7, -3.7, 8388607.5, -8388607.5,
    16777216, -16777216, 1e30, -1e30, Infinity, -Infinity, NaN, 1e-40, -1e-40];
  let s = 0x51ed0001;
  for (let i = 0; i < 103; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    xs.push((((s >>> 0) / 2 ** 32) - 0.5) * (op === "EXP" ? 220 : 200));
  }
  if (op === "SQRT" || op === "RSQRT") return Float32Array.from(xs.map(Math.abs));
  return Float32Array.from(xs);
}

/** Distance in float32 ulps (same sign, finite). */
function ulps(a: number, b: number): number {
  const ia = new Int32Array(Float32Array.of(a).buffer)[0];
  const ib = new Int32Array(Float32Array.of(b).buffer)[0];
  return Math.abs(ia - ib);
}

describe("float32 ops", () => {
  for (const op of ["NEG", "FLOOR", "CEIL", "ROUND", "SQRT", "SQUARE", "EXP", "ABS", "RSQRT"] as const) {
    it.concurrent(`${op} matches TFLite Micro's float kernel on ${targets.join(", ")}`, async () => {
      const x = inputs(op);
      const graph = importTflite(floatModel(OPCODES[op], x.length), `float_${op.toLowerCase()}`);
      checkInt8(graph, opHandles);
      let first: Uint8Array | undefined;
      for (const target of targets) {
        const { outputs } = await runModel(graph, [bytesOf(x)], target);
        // NaN's sign and payload are not specified (C keeps an input NaN's sign through x * -1,
        // V8 stores the canonical NaN), so NaNs compare as NaNs and everything else by its bytes.
        const canon = Buffer.from(bytesOf(floatsOf(outputs[0]).map((v) => (Number.isNaN(v) ? NaN : v))));
        if (first === undefined) first = new Uint8Array(canon);
        else expect(canon.equals(Buffer.from(first)), `${op} on ${target} differs from ts`).toBe(true);
      }
      const got = floatsOf(first!);
      x.forEach((v, i) => {
        if (op === "EXP") {
          const want = f(Math.exp(v));
          if (Number.isNaN(want)) expect(got[i]).toBeNaN();
          else if (!Number.isFinite(want)) expect(got[i]).toBe(want);
          else if (want < 1.2e-38) expect(Math.abs(got[i] - want), `exp(${v}) (subnormal)`).toBeLessThanOrEqual(2.9e-45);
          else expect(ulps(got[i], want), `exp(${v}) = ${got[i]}, want ${want}`).toBeLessThanOrEqual(2);
        } else {
          const want = EXPECTED[op](v);
          expect(Object.is(got[i], want) || (Number.isNaN(want) && Number.isNaN(got[i])), `${op}(${v}) = ${got[i]}, want ${want}`).toBe(true);
        }
      });
    });
  }

  it.concurrent("a model with a float head and tail compiles and runs on every target, in both modes", async () => {
    const q = { scale: [0.05], zeroPoint: [-10] };
    const n = 16;
    const spec: ModelSpec = {
      opcodes: ["FLOOR", "QUANTIZE", "RELU", "DEQUANTIZE", "EXP"].map((k) => ({ deprecated: OPCODES[k as keyof typeof OPCODES], code: OPCODES[k as keyof typeof OPCODES] })),
      buffers: [{}],
      subgraphs: [{
        tensors: [
          { shape: [1, n], type: 0, name: "in" },
          { shape: [1, n], type: 0, name: "floored" },
          { shape: [1, n], type: 9, name: "q", quant: q },
          { shape: [1, n], type: 9, name: "relu", quant: q },
          { shape: [1, n], type: 0, name: "dq" },
          { shape: [1, n], type: 0, name: "out" },
        ],
        inputs: [0],
        outputs: [5],
        ops: [0, 1, 2, 3, 4].map((i) => ({ opcodeIndex: i, inputs: [i], outputs: [i + 1] })),
      }],
    };
    const graph = importTflite(buildModel(spec), "float_head_tail");
    checkInt8(graph, opHandles);
    const x = Float32Array.from({ length: n }, (_, i) => (i - 6) * 0.37);
    const ref = (await runModel(graph, [bytesOf(x)], "ts")).outputs[0];
    // floor -> quantize (scale 0.05, zp -10) -> relu -> dequantize -> exp, by hand.
    const want = Array.from(x, (v) => {
      const qv = Math.max(-128, Math.min(127, Math.round(Math.floor(v) / 0.05) - 10));
      return Math.exp(f(0.05) * (Math.max(qv, -10) + 10));
    });
    floatsOf(ref).forEach((g, i) => expect(ulps(g, f(want[i])), `element ${i}`).toBeLessThanOrEqual(2));
    for (const target of targets) {
      for (const mode of ["codegen", "interpreter"] as const) {
        const { outputs } = await runModel(graph, [bytesOf(x)], target, mode === "interpreter" ? { mode } : {});
        expect(Buffer.from(outputs[0]).equals(Buffer.from(ref)), `${target} ${mode}`).toBe(true);
      }
    }
  });

  it("int8 NEG, FLOOR and EXP are rejected as TFLite Micro rejects them (MOTE3001)", () => {
    for (const op of ["NEG", "FLOOR", "EXP"] as const) {
      const graph = importTflite(buildModel(oneOpModel({ deprecated: OPCODES[op], code: OPCODES[op] })), `int8_${op}`);
      let err: unknown;
      try {
        lowerGraph(graph);
      } catch (e) {
        err = e;
      }
      expect((err as { code?: number }).code).toBe(3001);
      expect(String((err as Error).message)).toContain(`${op} on int8 is not supported`);
    }
  });
});

describe("float32 variants of L2_NORMALIZATION, DIV, SQUARED_DIFFERENCE, REDUCE_MAX/MIN, CUMSUM and ADD_N", () => {
  const FLT_MAX = f(3.4028234663852886e38);
  const clamp = (x: number, lo: number, hi: number): number => {
    const y = x < lo ? lo : x;
    return hi < y ? hi : y;
  };
  function graphOf(opcode: string, shapes: number[][], options: Op["options"] = {}): Graph {
    const b = new GraphBuilder();
    const ins = shapes.slice(0, -1).map((s, i) => b.add(`in${i}`, "float32", s));
    const out = b.add("out", "float32", shapes[shapes.length - 1]);
    return { name: opcode.toLowerCase(), tensors: b.tensors, ops: [{ index: 0, opcode, version: 1, inputs: ins, outputs: [out], options }], inputs: [...ins], outputs: [out] };
  }
  async function agreeOn(graph: Graph, inputs: Float32Array[]): Promise<Float32Array> {
    checkInt8(graph, opHandles);
    let first: Buffer | undefined;
    for (const target of targets) {
      for (const mode of target === "wasm" ? (["codegen"] as const) : (["codegen", "interpreter"] as const)) {
        const { outputs } = await runModel(graph, inputs.map(bytesOf), target, mode === "interpreter" ? { mode } : {});
        const canon = Buffer.from(bytesOf(floatsOf(outputs[0]).map((v) => (Number.isNaN(v) ? NaN : v))));
        if (first === undefined) first = canon;
        else expect(canon.equals(first), `${graph.name} on ${target} ${mode}`).toBe(true);
      }
    }
    return floatsOf(new Uint8Array(first!));
  }
  const same = (got: Float32Array, want: number[]) => want.forEach((w, i) =>
    expect(Object.is(got[i], w) || (Number.isNaN(w) && Number.isNaN(got[i])), `element ${i}: ${got[i]}, want ${w}`).toBe(true));

  it.concurrent("L2_NORMALIZATION: sum of squares in order, sqrtf, epsilon 1e-6f, division", async () => {
    const x = Float32Array.from([-1.1, 0.6, 0.7, 1.2, -0.7, 0.1, 0, 0, 0, 0, 0, 0, 3e-7, -2e-7, 1e-8, 0, 5, 1e20]);
    const got = await agreeOn(graphOf("L2_NORMALIZATION", [[3, 6], [3, 6]], { fusedActivationFunction: "NONE" }), [x]);
    const want: number[] = [];
    for (let r = 0; r < 3; r++) {
      let sq = 0;
      for (let c = 0; c < 6; c++) sq = f(sq + f(x[r * 6 + c] * x[r * 6 + c]));
      let norm = f(Math.sqrt(sq));
      norm = norm < f(1e-6) ? f(1e-6) : norm;
      for (let c = 0; c < 6; c++) want.push(f(x[r * 6 + c] / norm));
    }
    same(got, want);
    // TFLM's l2norm_test.cc SimpleFloatTest: {-0.55, 0.3, 0.35, 0.6, -0.35, 0.05} within 1e-5.
    [-0.55, 0.3, 0.35, 0.6, -0.35, 0.05].forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThan(1e-5));
  });

  for (const act of ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"] as const) {
    it.concurrent(`DIV with ${act}, broadcast of a [4] divisor`, async () => {
      const a = Float32Array.from([1, -1, 7.5, -7.5, 0, 1e30, -1e30, 3, 0.5, -0.25, 1, 6.5, NaN, 2, -2, 100]);
      const b = Float32Array.from([3, 0, 1e-30, -0.5]);
      const got = await agreeOn(graphOf("DIV", [[4, 4], [4], [4, 4]], { fusedActivationFunction: act }), [a, b]);
      const [lo, hi] = act === "RELU" ? [0, FLT_MAX] : act === "RELU6" ? [0, 6] : act === "RELU_N1_TO_1" ? [-1, 1] : [-FLT_MAX, FLT_MAX];
      same(got, Array.from(a, (v, i) => clamp(f(v / b[i % 4]), lo, hi)));
    });
  }

  it.concurrent("SQUARED_DIFFERENCE, same shapes and broadcast", async () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => (i - 5) * 1.37);
    const b = Float32Array.from([0.5, -2, 1e20]);
    const got = await agreeOn(graphOf("SQUARED_DIFFERENCE", [[4, 3], [3], [4, 3]]), [a, b]);
    same(got, Array.from(a, (v, i) => { const d = f(v - b[i % 3]); return f(d * d); }));
  });

  const constI32 = (g: Graph, name: string, values: number[], shape: number[]): number => {
    const index = g.tensors.length;
    g.tensors.push({ index, name, dtype: "int32", shape, isVariable: false, data: new Uint8Array(Int32Array.from(values).buffer) });
    return index;
  };

  for (const isMax of [true, false]) {
    const opcode = isMax ? "REDUCE_MAX" : "REDUCE_MIN";
    it.concurrent(`${opcode} over axes [0, 2], keep_dims`, async () => {
      const g = graphOf(opcode, [[3, 2, 4], [1, 2, 1]], { keepDims: true });
      g.ops[0].inputs.push(constI32(g, "axes", [0, 2], [2]));
      const x = Float32Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5.5);
      x[3] = -Infinity;
      x[9] = Infinity;
      x[5] = -0;
      const got = await agreeOn(g, [x]);
      const want = [0, 1].map((h) => {
        let best = isMax ? -FLT_MAX : FLT_MAX;
        for (let n = 0; n < 3; n++) for (let c = 0; c < 4; c++) {
          const v = x[n * 8 + h * 4 + c];
          best = isMax ? (v > best ? v : best) : (v < best ? v : best);
        }
        return best;
      });
      same(got, want);
    });
  }

  for (const [exclusive, reverse] of [[false, false], [true, true]] as const) {
    it.concurrent(`CUMSUM along axis 1, exclusive ${exclusive}, reverse ${reverse}`, async () => {
      const g = graphOf("CUMSUM", [[2, 5, 3], [2, 5, 3]], { exclusive, reverse });
      g.ops[0].inputs.push(constI32(g, "axis", [1], []));
      const x = Float32Array.from({ length: 30 }, (_, i) => f(Math.sin(i) * 1e3) + (i === 7 ? 1e8 : 0));
      const got = await agreeOn(g, [x]);
      const want = new Array<number>(30);
      for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < 5; k++) {
          const d = reverse ? 4 - k : k;
          const i = n * 15 + d * 3 + c;
          if (exclusive) { want[i] = acc; acc = f(acc + x[i]); } else { acc = f(acc + x[i]); want[i] = acc; }
        }
      }
      same(got, want);
    });
  }

  it.concurrent("ADD_N of 3 inputs, summed in input order", async () => {
    const xs = [0, 1, 2].map((k) => Float32Array.from({ length: 8 }, (_, i) => f((i - 3) * 1.1e7 * (k === 1 ? -1 : 1) + k * 0.3)));
    const got = await agreeOn(graphOf("ADD_N", [[8], [8], [8], [8]]), xs);
    same(got, Array.from({ length: 8 }, (_, i) => f(f(f(0 + xs[0][i]) + xs[1][i]) + xs[2][i])));
  });
});
