/**
 * @fileoverview The float32 ops TFLite Micro runs only on float32 (NEG, FLOOR, CEIL, ROUND, SQRT,
 * SQUARE, EXP; kernels/float_unary.ts), on single-op models built with test/import/tflite-builder.ts
 * (golden-ops-2 has no float cases). Expected values are computed here as TFLite Micro's float
 * kernels do (reference_ops: -x, std::floor, std::ceil, RoundToNearest with halves to even,
 * std::sqrt, x * x, std::exp, std::abs, 1.f / std::sqrt), each rounded to float32; EXP is compared within 2 ulp of the
 * correctly rounded e^x (TFLM's std::exp itself depends on the C library) and must be the same
 * bytes on every target. Then a model with a float head and tail (float input -> FLOOR ->
 * QUANTIZE -> RELU -> DEQUANTIZE -> EXP -> float output) passes the model check and gives the
 * same bytes on ts, wasm and host, in codegen and interpreter mode; int8 NEG/FLOOR/EXP, which
 * TFLite Micro rejects (golden-ops-2 skipped.json), are rejected with MOTE3001.
 */
import { describe, expect, it } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { buildModel, oneOpModel, type ModelSpec } from "../import/tflite-builder.ts";
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
