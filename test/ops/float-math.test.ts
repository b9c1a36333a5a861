/**
 * @fileoverview The float32 ops FLOOR_DIV, FLOOR_MOD, LOG, SIN and COS (kernels/float_binary.ts,
 * log.ts, sin_cos.ts; TFLite Micro registers all five for float32 only) on
 * single-op .tflite models built with test/import/tflite-builder.ts, run through the pipeline on
 * ts, wasm and host C, in codegen and interpreter mode: every target and mode gives the same bytes
 * (NaNs compared as NaNs), and the values are checked against references computed here in double:
 *  - FLOOR_DIV exactly: Math.fround(Math.floor(a / b)) is TFLM's float(std::floor(double(a) /
 *    double(b))) (JS numbers are doubles), on edge values and on quotients near integers and near
 *    float32 rounding midpoints up to 2^50, where the double rounding of a / b decides the floor;
 *    plus floor_div_test.cc's three vectors.
 *  - FLOOR_MOD exactly: t = a % b (JS's % is the exact fmod, as std::fmod), then t + b rounded to
 *    float32 when t is non-zero with a sign unlike b's (TFLM's reference_ops::FloorMod); plus
 *    floor_mod_test.cc's three vectors.
 *  - LOG within 1 ulp and SIN, COS within 2 ulp of Math.log/sin/cos (double) rounded to float32,
 *    special values exactly (log(+-0) = -inf, log(-1) = NaN, sin(-0) = -0, sin(inf) = NaN, ...);
 *    elementwise_test.cc's Sin/Cos/Log vectors within 1e-5; SIN/COS beyond |x| > 16384 (outside
 *    the documented accuracy range) only within [-1, 1]. A wider sweep calls the TypeScript kernels
 *    directly (the targets agree with them bit for bit: test/kernels/differential/float_math.test.ts).
 * And the rejections with MOTE3001: int8 and int32 (TFLM's Eval takes float32 only), mixed types,
 * a constant FLOOR_DIV divisor holding 0 (TFLM fails Invoke), a broadcast above rank 4.
 */
import { describe, expect, it } from "vitest";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { logFloat } from "../../kernels/log.ts";
import { COS_FN, SIN_FN, sinCos } from "../../kernels/sin_cos.ts";
import { CODES, divisionPairs, mathModel, spread, unaryInputs, type MathOp } from "./float-math-cases.ts";
import { needTarget } from "../support/shared.ts";

const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];
const f = Math.fround;

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer.slice(0));
const floatsOf = (b: Uint8Array): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const bitsOf = (x: number): number => new Int32Array(Float32Array.of(x).buffer)[0];

/** Distance in float32 ulps between two finite values of the same sign (0 for equal values). */
function ulps(a: number, b: number): number {
  return a === b ? 0 : Math.abs(bitsOf(a) - bitsOf(b));
}

/** Runs `graph` on every target in both modes; all must give the same bytes. Returns them as floats. */
async function agreeEverywhere(graph: Graph, inputs: Float32Array[]): Promise<Float32Array> {
  checkInt8(graph, opHandles);
  let first: Buffer | undefined;
  for (const target of targets) {
    for (const mode of ["codegen", "interpreter"] as const) {
      const { outputs } = await runModel(graph, inputs.map(bytesOf), target, mode === "interpreter" ? { mode } : {});
      // NaN's sign and payload are not specified: NaNs compare as NaNs, everything else by its bytes.
      const canon = Buffer.from(bytesOf(floatsOf(outputs[0]).map((v) => (Number.isNaN(v) ? NaN : v))));
      if (first === undefined) first = canon;
      else expect(canon.equals(first), `${graph.name} on ${target} ${mode} differs from ts`).toBe(true);
    }
  }
  return floatsOf(new Uint8Array(first!));
}

const same = (got: number, want: number): boolean => Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got));

/** TFLM's FloorDiv<float>: std::floor of the double quotient, stored as float. */
const floorDiv = (a: number, b: number): number => f(Math.floor(a / b));
/** TFLM's FloorMod<float>: std::fmod (exact: JS's %), then + b when the signs differ. */
function floorMod(a: number, b: number): number {
  const t = f(a % b);
  return t !== 0 && (b < 0) !== (t < 0) ? f(t + b) : t;
}

describe("FLOOR_DIV and FLOOR_MOD (float32)", () => {
  for (const op of ["FLOOR_DIV", "FLOOR_MOD"] as const) {
    const ref = op === "FLOOR_DIV" ? floorDiv : floorMod;
    it.concurrent(`${op}: ${targets.join(", ")} in both modes equal TFLite Micro's double/fmod arithmetic exactly`, async () => {
      const [a, b] = divisionPairs();
      // FLOOR_MOD: also dividends far above their divisors (the exact fmod's longest loops).
      if (op === "FLOOR_MOD") for (const [x, y] of [[3e38, 1e-45], [-3e38, 7e-45], [1e30, -3.3], [16777217, 0.1]]) { a.push(f(x)); b.push(f(y)); }
      const got = await agreeEverywhere(mathModel(op, [a.length]), [Float32Array.from(a), Float32Array.from(b)]);
      a.forEach((x, i) => expect(same(got[i], ref(x, b[i])), `${op}(${x}, ${b[i]}) = ${got[i]}, want ${ref(x, b[i])}`).toBe(true));
    });

    it.concurrent(`${op}: TFLite Micro's test vectors, same shapes and broadcast of a [1] divisor`, async () => {
      const vectors = op === "FLOOR_DIV"
        ? [[[10.05, 9.09, 11.9, 3.01], [2.05, 2.03, 3.03, 4.03], [4, 4, 3, 0]], [[10.03, -9.9, -11.0, 7.0], [2.0, 2.3, -3.0, -4.1], [5, -5, 3, -2]],
          [[10.03, -9.9, -11.0, 7.0], [-3.3], [-4, 2, 3, -3]]]
        : [[[10, 9, 11, 3], [2, 2, 3, 4], [0, 1, 2, 3]], [[10, -9, -11, 7], [2, 2, -3, -4], [0, 1, -2, -1]], [[10, -9, -11, 7], [-3], [-2, 0, -2, -2]]];
      for (const [x, y, want] of vectors) {
        const graph = mathModel(op, [1, 2, 2, 1], y.length === 1 ? { shape2: [1] } : {});
        checkInt8(graph, opHandles);
        for (const target of targets) {
          const got = floatsOf((await runModel(graph, [bytesOf(Float32Array.from(x)), bytesOf(Float32Array.from(y))], target)).outputs[0]);
          // Compared as C's == does (TFLM's EXPECT_EQ): FLOOR_MOD(-9, -3) is fmod's -0, TFLM's too.
          want.forEach((w, i) => expect(got[i] === w, `${op}(${x[i]}, ${y[y.length === 1 ? 0 : i]}) on ${target}: ${got[i]}, want ${w}`).toBe(true));
        }
      }
    });
  }

  it.concurrent("FLOOR_DIV and FLOOR_MOD broadcast [2, 1, 3] against [4, 1] to [2, 4, 3], and take a constant divisor", async () => {
    const a = Float32Array.from(spread(7, 6, -50, 50));
    const b = Float32Array.from([3, -0.7, 1e-3, -11]);
    for (const op of ["FLOOR_DIV", "FLOOR_MOD"] as const) {
      const ref = op === "FLOOR_DIV" ? floorDiv : floorMod;
      const graph = mathModel(op, [2, 4, 3], { shape2: [4, 1] });
      graph.tensors[graph.inputs[0]].shape = [2, 1, 3]; // mathModel gives in1 the output's shape
      const got = await agreeEverywhere(graph, [a, b]);
      const want: number[] = [];
      for (let n = 0; n < 2; n++) for (let h = 0; h < 4; h++) for (let c = 0; c < 3; c++) want.push(ref(a[n * 3 + c], b[h]));
      want.forEach((w, i) => expect(same(got[i], w), `${op} element ${i}: ${got[i]}, want ${w}`).toBe(true));
      const constant = mathModel(op, [4], { constant2: Float32Array.from([2, -3, 0.25, 5]) });
      checkInt8(constant, opHandles);
      const x = Float32Array.from([7, 7, -7, -0.5]);
      const out = floatsOf((await runModel(constant, [bytesOf(x)], "wasm")).outputs[0]);
      expect(Array.from(out)).toEqual([2, -3, 0.25, 5].map((y, i) => ref(x[i], y)));
    }
  });
});

/** The accuracy every LOG/SIN/COS value must meet (see the file comment). */
function expectAccurate(op: "LOG" | "SIN" | "COS", x: number, got: number): void {
  const exact = op === "LOG" ? Math.log(x) : op === "SIN" ? Math.sin(x) : Math.cos(x);
  const want = f(exact);
  if (op !== "LOG" && Math.abs(x) > 16384) {
    if (Number.isFinite(x)) expect(Math.abs(got), `${op}(${x}) = ${got} (beyond the accuracy range: in [-1, 1])`).toBeLessThanOrEqual(1);
    else expect(got, `${op}(${x})`).toBeNaN();
    return;
  }
  if (!Number.isFinite(want) || want === 0 || x === 0) {
    expect(same(got, want), `${op}(${x}) = ${got}, want ${want}`).toBe(true);
    return;
  }
  expect(ulps(got, want), `${op}(${x}) = ${got}, want ${want}`).toBeLessThanOrEqual(op === "LOG" ? 1 : 2);
}

describe("LOG, SIN and COS (float32)", () => {
  for (const op of ["LOG", "SIN", "COS"] as const) {
    it.concurrent(`${op}: ${targets.join(", ")} in both modes agree, within ${op === "LOG" ? 1 : 2} ulp of Math.${op.toLowerCase()} in double`, async () => {
      const x = Array.from(Float32Array.from(unaryInputs(op)));
      const got = await agreeEverywhere(mathModel(op, [x.length]), [Float32Array.from(x)]);
      x.forEach((v, i) => expectAccurate(op, v, got[i]));
      // elementwise_test.cc's vectors (TFLM compares within 1e-5).
      const tflm: [number[], number[]] = op === "LOG" ? [[1, 2.7182818, 0.5, 2], [0, 1, -0.6931472, 0.6931472]]
        : op === "SIN" ? [[0, 3.1415926, -3.1415926, 1], [0, 0, 0, 0.84147]] : [[0, 3.1415926, -3.1415926, 1], [1, -1, -1, 0.5403]];
      const ref = floatsOf((await runModel(mathModel(op, [4]), [bytesOf(Float32Array.from(tflm[0]))], "ts")).outputs[0]);
      tflm[1].forEach((w, i) => expect(Math.abs(ref[i] - w), `${op}(${tflm[0][i]})`).toBeLessThan(1e-5));
    });
  }

  it("the TypeScript kernels over wide sweeps: LOG within 1 ulp on positive floats of every binade, SIN and COS within 2 ulp on |x| <= 16384", () => {
    // Bit patterns of positive floats (subnormals to FLT_MAX), and values near 1.
    let s = 0x1badf00d;
    const n = 200_000;
    const logIn = new Float32Array(n);
    const pattern = new Int32Array(logIn.buffer);
    for (let i = 0; i < n; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; pattern[i] = (s >>> 1) % 0x7f800000; }
    for (let i = 0; i < 20_000; i++) logIn[i] = f(1 + (i - 10_000) * 2 ** -23);
    const logOut = new Float32Array(n);
    logFloat({ size: n }, logIn, logOut);
    logIn.forEach((v, i) => expectAccurate("LOG", v, logOut[i]));
    // Uniform over [-16384, 16384], small values, and the floats nearest k pi/2 (|r| tiny).
    const trig = [...spread(31, 150_000, -16384, 16384), ...spread(32, 20_000, -4, 4), ...spread(33, 5_000, -1e-30, 1e-30)];
    for (let k = 1; k < 10_430; k += 3) { const c = f((k * Math.PI) / 2); trig.push(c, -c, f(c * (1 + 2 ** -23))); }
    const trigIn = Float32Array.from(trig);
    for (const [op, fn] of [["SIN", SIN_FN], ["COS", COS_FN]] as const) {
      const out = new Float32Array(trigIn.length);
      sinCos({ fn, size: trigIn.length }, trigIn, out);
      trigIn.forEach((v, i) => expectAccurate(op, v, out[i]));
    }
  });
});

describe("FLOOR_DIV, FLOOR_MOD, LOG, SIN, COS rejections (MOTE3001)", () => {
  function codeOf(graph: Graph): [number | undefined, string] {
    try {
      checkInt8(graph, opHandles);
      lowerGraph(graph);
    } catch (e) {
      return [(e as { code?: number }).code, String((e as Error).message)];
    }
    return [undefined, "lowered"];
  }

  it("int8 and int32 (TFLite Micro's Eval runs float32 only), and mixed types", () => {
    for (const op of Object.keys(CODES) as MathOp[]) {
      for (const [type, name] of [[2, "int32"], [9, "int8"]] as const) {
        const graph = mathModel(op, [4], { type });
        if (type === 9) for (const t of graph.tensors) t.quant = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
        const [code, message] = codeOf(graph);
        expect(code, `${op} ${name}: ${message}`).toBe(3001);
        expect(message).toContain(`${op} on ${name} is not supported: TFLite Micro runs ${op} on float32 only`);
      }
    }
    const [code, message] = codeOf(mathModel("FLOOR_MOD", [4], { type2: 2 }));
    expect(code).toBe(3001);
    expect(message).toContain("TFLite Micro's FLOOR_MOD requires one type");
  });

  it("a constant FLOOR_DIV divisor holding 0 or -0 (TFLite Micro fails Invoke: Division by 0)", () => {
    for (const zero of [0, -0]) {
      const [code, message] = codeOf(mathModel("FLOOR_DIV", [3], { constant2: Float32Array.from([1, zero, 2]) }));
      expect(code).toBe(3001);
      expect(message).toContain("holds 0 at element 1");
    }
    // FLOOR_MOD has no such check in TFLM: fmod(x, 0) is NaN.
    expect(codeOf(mathModel("FLOOR_MOD", [3], { constant2: Float32Array.from([1, 0, 2]) }))[0]).toBeUndefined();
  });

  it("a broadcast above rank 4 (TFLite Micro's 4-D slow broadcast)", () => {
    const graph = mathModel("FLOOR_DIV", [2, 1, 1, 1, 3], { shape2: [3] });
    const [code, message] = codeOf(graph);
    expect(code).toBe(3001);
    expect(message).toContain("handles rank 4 at most");
  });
});
