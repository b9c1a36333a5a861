/**
 * @fileoverview The 16x8 (int16 activation) variants (issue 15): the model check lets ops with an
 * int16 variant through and still names the others (1011); kernels/common/wide.ts's 64-bit
 * requantization against BigInt arithmetic over its whole input range; every golden-ops-2 int16
 * case in interpreter mode on ts, wasm and host (codegen is test/ops/conformance2.test.ts); and a
 * property test per case: random int16 inputs over the full range, TS == WASM == host C, codegen
 * and interpreter; fullyConnected16's 64-bit accumulator over long rows against BigInt; TFLite
 * Micro's own 16x8 unit-test vectors (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV,
 * SOFTMAX, TANH; numbers from its *_test.cc at 90b983c2, checked within its own tolerances) on ts,
 * wasm and host; and the lowering errors for what TFLite Micro rejects.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { importTflite, loadModel } from "../../compiler/import/tflite/import.ts";
import { lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { ltu, mbqm64 } from "../../kernels/common/wide.ts";
import { buildModel, oneOpModel, optionsTable } from "../import/tflite-builder.ts";
import { moteError } from "../import/mote-error.ts";
import { goldenOpsCases } from "../support/golden_ops.ts";
import { needShared, needTarget, readBytes, sameBytes } from "../support/shared.ts";
import { expectGraphAgree, seedOf } from "../kernels/differential/agree.ts";

/** TFLite's MultiplyByQuantizedMultiplier(int64_t x, int32_t m, int shift), in BigInt. */
function mbqm64Reference(x: bigint, m: number, shift: number): number {
  const reduced = m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff;
  const total = BigInt(15 - shift);
  const r = (x * BigInt(reduced) + (1n << (total - 1n))) >> total;
  return Number(BigInt.asIntN(32, r));
}

describe("kernels/common/wide.ts", () => {
  it("ltu is the unsigned comparison", () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (a, b) => {
      expect(ltu(a, b)).toBe((a >>> 0) < (b >>> 0) ? 1 : 0);
    }), { seed: 16, numRuns: 2000 });
  });

  it("mbqm64 equals TFLite's int64 MultiplyByQuantizedMultiplier for |x| < 2^47", () => {
    const x = fc.bigInt({ min: -(1n << 47n), max: (1n << 47n) - 1n });
    const m = fc.oneof(fc.integer({ min: 1 << 30, max: 2 ** 31 - 1 }), fc.constantFrom(0, 1 << 30, 0x7fff0000, 0x7fff8000, 2 ** 31 - 1));
    const shift = fc.integer({ min: -31, max: 7 });
    fc.assert(fc.property(x, m, shift, (xv, mv, sv) => {
      const want = mbqm64Reference(xv, mv, sv);
      // Only where the result fits an int32 (TFLite's assumption).
      const exact = ((xv * BigInt(mv < 0x7fff0000 ? (mv + 32768) >> 16 : 0x7fff)) >> BigInt(15 - sv));
      fc.pre(exact >= -(1n << 31n) && exact < (1n << 31n));
      const hi = Number(BigInt.asIntN(32, xv >> 32n));
      const lo = Number(BigInt.asIntN(32, xv));
      expect(mbqm64(hi, lo, mv, sv)).toBe(want);
    }), { seed: 47, numRuns: 5000 });
  });
});

describe("the model check and 16x8 models", () => {
  const int16Op = (code: number) => {
    const spec = oneOpModel({ deprecated: code, code });
    for (const t of spec.subgraphs[0]!.tensors) {
      t.type = 7; // INT16
      t.quant = { scale: [1 / 4096], zeroPoint: [0] };
    }
    return importTflite(buildModel(spec), "m16.tflite");
  };

  it("lets an op with an int16 variant through (RELU) and still names one without (HARD_SWISH, 1011)", () => {
    expect(() => checkInt8(int16Op(19), opHandles)).not.toThrow();
    const e = moteError(() => checkInt8(int16Op(117), opHandles), [1011]);
    expect(e.message).toContain("op 0 (HARD_SWISH)");
    expect(e.hint).toContain("docs/operators.md");
  });

  const ops = needShared("golden-ops-2");
  it.skipIf(ops.skip)("passes every golden-ops-2 16x8 model of the ops with int16 variants", () => {
    for (const c of goldenOpsCases("golden-ops-2").filter(isInt16Case)) {
      expect(() => checkInt8(loadModel(path.join(c.dir, "model.tflite")), opHandles), c.name).not.toThrow();
    }
  });
});

/** The golden-ops-2 cases of this part: int16 activations, except the LSTM (issue 15's stateful part). */
function isInt16Case(c: { name: string }): boolean {
  return /16x8|int16/.test(c.name) && !c.name.startsWith("lstm");
}

const ops = needShared("golden-ops-2");
const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];

describe.skipIf(ops.skip)("golden-ops-2 16x8 cases in interpreter mode (ts, wasm, host)", () => {
  for (const c of ops.ok ? goldenOpsCases("golden-ops-2").filter(isInt16Case) : []) {
    it.concurrent(c.name, async () => {
      expect(c.supported, c.reason).toBe(true);
      const graph = loadModel(path.join(c.dir, "model.tflite"));
      const samples = fs.readdirSync(c.dir).filter((f) => /^input_0_\d+\.bin$/.test(f)).map((f) => /_(\d+)\.bin$/.exec(f)![1]);
      for (const target of targets) {
        for (const k of samples) {
          const inputs = graph.inputs.map((_, i) => readBytes(path.join(c.dir, `input_${i}_${k}.bin`)));
          const { outputs } = await runModel(graph, inputs, target, { mode: "interpreter" });
          outputs.forEach((got, o) => {
            expect(sameBytes(got, readBytes(path.join(c.dir, `output_${o}_${k}.bin`))), `${c.name} sample ${k} output ${o} on ${target}`).toBe(true);
          });
        }
      }
    });
  }
});

describe.skipIf(ops.skip)("16x8 kernels over the full int16 range: TS == WASM == host, codegen == interpreter", () => {
  for (const c of ops.ok ? goldenOpsCases("golden-ops-2").filter(isInt16Case) : []) {
    it.concurrent(c.name, async () => {
      const graph = loadModel(path.join(c.dir, "model.tflite"));
      const sizes = graph.inputs.map((t) => graph.tensors[t]!);
      const inputsOf = (seed: number): Uint8Array[] => sizes.map((t, i) => {
        const bytes = new Uint8Array(t.shape.reduce((a, b) => a * b, 1) * (t.dtype === "int16" ? 2 : t.dtype === "int8" ? 1 : 4));
        let s = (seed * 2654435761 + i * 40503 + 1) >>> 0;
        if (t.dtype === "float32") {
          // QUANTIZE f32 -> int16: values around the output range, beyond it too.
          const v = new Float32Array(bytes.buffer);
          for (let j = 0; j < v.length; j++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; v[j] = ((s >>> 8) / 2 ** 24 - 0.5) * 4 * 32768 * (t.quant?.scale[0] ?? 1); }
        } else {
          for (let j = 0; j < bytes.length; j++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; bytes[j] = s >>> 24; }
        }
        return bytes;
      });
      await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 30 }), async (seed) => {
        const inputs = inputsOf(seed);
        await expectGraphAgree(`${c.name} seed ${seed}`, graph, inputs, targets);
        const codegen = (await runModel(graph, inputs, "ts")).outputs;
        const interp = (await runModel(graph, inputs, "ts", { mode: "interpreter" })).outputs;
        codegen.forEach((o, k) => expect(sameBytes(o, interp[k]), `${c.name}: codegen vs interpreter`).toBe(true));
      }), { seed: seedOf(c.name, 16), numRuns: 3 });
    });
  }
});

describe("fullyConnected16's 64-bit accumulator over long rows (blocks of 128 taps)", () => {
  it("equals an int64 BigInt reference of TFLite's int16 FullyConnected at full-range inputs", async () => {
    const { fullyConnected16 } = await import("../../kernels/fully_connected.ts");
    fc.assert(fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer(), (depth, units, extreme, seed) => {
      let s = seed >>> 0;
      const next = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
      const input = Int16Array.from({ length: depth }, () => (extreme ? -32768 : (next() >> 16) - 32768));
      const filter = Int8Array.from({ length: units * depth }, () => (extreme ? -128 : (next() >>> 24) - 128));
      const bias64 = Array.from({ length: units }, () => BigInt(next() - 2 ** 31) * 4096n);
      const bias = Int32Array.from(bias64.flatMap((b) => [Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n))]));
      const multipliers = Int32Array.from({ length: units }, () => (1 << 30) + (next() >>> 2));
      const shifts = Int32Array.from({ length: units }, () => -20 - (next() % 6));
      const output = new Int16Array(units);
      fullyConnected16({ batches: 1, accumDepth: depth, outputDepth: units, filterOffset: 0, actMin: -32768, actMax: 32767, hasBias: 1, bias64: 1 },
        input, filter, bias, multipliers, shifts, output);
      for (let u = 0; u < units; u++) {
        let acc = bias64[u];
        for (let d = 0; d < depth; d++) acc += BigInt(filter[u * depth + d] * input[d]);
        const want = Math.min(32767, Math.max(-32768, mbqm64Reference(acc, multipliers[u], shifts[u])));
        expect(output[u], `unit ${u} depth ${depth}`).toBe(want);
      }
    }), { seed: 700, numRuns: 300 });
  });
});

/**
 * TFLite Micro's fully_connected_test.cc 16x8 vectors (SimpleTestQuantizedInt16 and
 * SimpleTestPerChannelQuantizedInt16): input [2, 10] and output scale 128/65536, weights 1..10
 * per row (scale 1, or 0.2 / 0.25 / 0.5 per channel), bias {1, 2, 3} as int64, golden
 * {24, 25, 26, 58, 59, 60}. TFLM's test allows 1 quantum of error; the per-tensor case is exact
 * arithmetic (multiplier 1: acc * 2^14 + 2^13 >> 14), so it must match exactly there.
 */
describe("TFLite Micro's FULLY_CONNECTED 16x8 unit-test vectors", () => {
  const S = 128 / 65536;
  const x = [1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10];
  const golden = [24, 25, 26, 58, 59, 60];
  const build = (wScales: number[]) => {
    const w = new Int8Array(30);
    for (let u = 0; u < 3; u++) for (let d = 0; d < 10; d++) w[u * 10 + d] = Math.round((d + 1) / wScales[u % wScales.length]);
    const bias = new BigInt64Array([1, 2, 3].map((b, u) => BigInt(Math.round(b / (S * wScales[u % wScales.length])))));
    const graph = importTflite(buildModel({
      opcodes: [{ deprecated: 9, code: 9 }],
      buffers: [{}, { data: new Uint8Array(w.buffer) }, { data: new Uint8Array(bias.buffer) }],
      subgraphs: [{
        tensors: [
          { shape: [2, 10], type: 7, name: "in", quant: { scale: [S], zeroPoint: [0] } },
          { shape: [3, 10], type: 9, name: "w", buffer: 1, quant: { scale: wScales, zeroPoint: wScales.map(() => 0) } },
          { shape: [3], type: 4, name: "b", buffer: 2, quant: { scale: wScales.map((s) => S * s), zeroPoint: wScales.map(() => 0) } },
          { shape: [2, 3], type: 7, name: "out", quant: { scale: [S], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [3],
        ops: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 8, options: optionsTable([[0, "i8", 0]]) }],
      }],
    }), "fc16x8.tflite");
    return graph;
  };
  const input = new Uint8Array(Int16Array.from(x.map((v) => Math.round(v / S))).buffer);
  for (const [name, scales, tolerance] of [["per tensor", [1], 0], ["per channel", [0.2, 0.25, 0.5], 1]] as const) {
    it.concurrent(`${name} on ${targets.join(", ")}`, async () => {
      const graph = build([...scales]);
      for (const target of targets) {
        const out = new Int16Array((await runModel(graph, [input], target)).outputs[0].slice().buffer);
        golden.forEach((g, i) => expect(Math.abs(out[i] - Math.round(g / S)), `${name} output ${i} on ${target}`).toBeLessThanOrEqual(tolerance));
      }
    });
  }
});

describe("16x8 lowerings reject what TFLite Micro rejects (MOTE3001)", () => {
  const q = (scale: number, zp = 0) => ({ scale: [scale], zeroPoint: [zp] });
  const unary = (code: number, inQ: ReturnType<typeof q>, outQ: ReturnType<typeof q>, optionsType?: number, options?: ReturnType<typeof optionsTable>) =>
    importTflite(buildModel({
      opcodes: [{ deprecated: code, code }],
      buffers: [{}],
      subgraphs: [{
        tensors: [{ shape: [1, 8], type: 7, name: "in", quant: inQ }, { shape: [1, 8], type: 7, name: "out", quant: outQ }],
        inputs: [0], outputs: [1],
        ops: [{ opcodeIndex: 0, inputs: [0], outputs: [1], optionsType, options }],
      }],
    }), "r.tflite");

  it("SOFTMAX int16 with an output scale other than 1/32768", () => {
    const e = moteError(() => lowerGraph(unary(25, q(1 / 4096), q(1 / 256), 9, optionsTable([[0, "f32", 1]]))), [3001]);
    expect(e.message).toContain("1/32768");
  });
  it("LOGISTIC / TANH int16 with an output scale other than 2^-15", () => {
    expect(moteError(() => lowerGraph(unary(14, q(1 / 4096), q(1 / 256))), [3001]).message).toContain("2^-15");
    expect(moteError(() => lowerGraph(unary(28, q(1 / 4096), q(1 / 256))), [3001]).message).toContain("2^-15");
  });
  // The reader rejects a non-zero int16 activation zero point first (1019, validate.ts); the
  // lowerings keep their own check.
  it("RELU int16 with a non-zero zero point", () => {
    expect(moteError(() => lowerGraph(unary(19, q(1 / 4096, 5), q(1 / 4096))), [1019]).message).toContain("zero point");
  });
  it("MUL int16 with a non-zero zero point", () => {
    const g = () => importTflite(buildModel({
      opcodes: [{ deprecated: 18, code: 18 }],
      buffers: [{}],
      subgraphs: [{
        tensors: [
          { shape: [1, 8], type: 7, name: "a", quant: q(1 / 4096, 3) },
          { shape: [1, 8], type: 7, name: "b", quant: q(1 / 4096) },
          { shape: [1, 8], type: 7, name: "out", quant: q(1 / 4096) },
        ],
        inputs: [0, 1], outputs: [2],
        ops: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2], optionsType: 21, options: optionsTable([[0, "i8", 0]]) }],
      }],
    }), "mul.tflite");
    expect(moteError(() => lowerGraph(g()), [1019]).message).toContain("zero point 3 is outside the required 0");
  });
});

/**
 * TFLite Micro's conv_test.cc 16x8 vectors (SimpleTestQuantized16x8PerChannel64bBias and
 * ...32bBias): input [2, 2, 4, 1] at scale 0.5, filter [3, 2, 2, 1] quantized symmetric per
 * channel (scale max|w| / 127, as its test helper does), bias {1, 2, 3} at input * filter scale,
 * output scale 1, VALID, stride 2; golden {18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3}. TFLM's test
 * allows 1 quantum of error; Mote must stay within it on every target.
 */
describe("TFLite Micro's CONV_2D 16x8 unit-test vectors", () => {
  const x = [1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4];
  const w = [1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1];
  const golden = [18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3];
  const build = (bias64: boolean) => {
    const scales = [0, 1, 2].map((c) => Math.fround(Math.max(...w.slice(4 * c, 4 * c + 4).map(Math.abs)) / 127));
    const wq = Int8Array.from(w, (v, i) => Math.round(v / scales[Math.floor(i / 4)]));
    const bq = [1, 2, 3].map((b, c) => Math.round(b / (0.5 * scales[c])));
    const bias = bias64 ? new Uint8Array(BigInt64Array.from(bq.map(BigInt)).buffer) : new Uint8Array(Int32Array.from(bq).buffer);
    return importTflite(buildModel({
      opcodes: [{ deprecated: 3, code: 3 }],
      buffers: [{}, { data: new Uint8Array(wq.buffer) }, { data: bias }],
      subgraphs: [{
        tensors: [
          { shape: [2, 2, 4, 1], type: 7, name: "in", quant: { scale: [0.5], zeroPoint: [0] } },
          { shape: [3, 2, 2, 1], type: 9, name: "w", buffer: 1, quant: { scale: scales, zeroPoint: [0, 0, 0] } },
          { shape: [3], type: bias64 ? 4 : 2, name: "b", buffer: 2, quant: { scale: scales.map((s) => 0.5 * s), zeroPoint: [0, 0, 0] } },
          { shape: [2, 1, 2, 3], type: 7, name: "out", quant: { scale: [1], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [3],
        ops: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1, options: optionsTable([[0, "i8", 1], [1, "i32", 2], [2, "i32", 2], [3, "i8", 0]]) }],
      }],
    }), "conv16x8.tflite");
  };
  const input = new Uint8Array(Int16Array.from(x.map((v) => v * 2)).buffer);
  for (const bias64 of [true, false]) {
    it.concurrent(`${bias64 ? "int64" : "int32"} bias on ${targets.join(", ")}`, async () => {
      const graph = build(bias64);
      for (const target of targets) {
        const out = new Int16Array((await runModel(graph, [input], target)).outputs[0].slice().buffer);
        golden.forEach((g, i) => expect(Math.abs(out[i] - g), `output ${i} on ${target}: ${out[i]} vs ${g}`).toBeLessThanOrEqual(1));
      }
    });
  }
});

/**
 * TFLite Micro's tanh_test.cc TestTanhInt16WideRange (test/fixtures/tflm/tanh_int16_wide_range.json:
 * 177 inputs over [-20, 20] at scale 32/65536 and their tanh at 2/65536, TFLM's tolerance 16
 * quanta): the power-of-two path with a left shift of 1.
 */
describe("TFLite Micro's TANH int16 unit-test vector (wide range)", () => {
  it.concurrent(`on ${targets.join(", ")}`, async () => {
    const fx = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/tflm/tanh_int16_wide_range.json"), "utf8")) as { input: number[]; output: number[] };
    const n = fx.input.length;
    const inScale = 32 / 65536;
    const outScale = 2 / 65536;
    const clamp16 = (v: number) => Math.min(32767, Math.max(-32768, v));
    const graph = importTflite(buildModel({
      opcodes: [{ deprecated: 28, code: 28 }],
      buffers: [{}],
      subgraphs: [{
        tensors: [
          { shape: [1, n], type: 7, name: "in", quant: { scale: [inScale], zeroPoint: [0] } },
          { shape: [1, n], type: 7, name: "out", quant: { scale: [outScale], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [1],
        ops: [{ opcodeIndex: 0, inputs: [0], outputs: [1] }],
      }],
    }), "tanh16.tflite");
    const input = new Uint8Array(Int16Array.from(fx.input, (v) => clamp16(Math.round(v / inScale))).buffer);
    for (const target of targets) {
      const out = new Int16Array((await runModel(graph, [input], target)).outputs[0].slice().buffer);
      fx.output.forEach((y, i) => expect(Math.abs(out[i] - clamp16(Math.round(y / outScale))), `element ${i} on ${target}`).toBeLessThanOrEqual(16));
    }
  });
});

/**
 * TFLite Micro's softmax_test.cc Softmax1D/2DQuantizedInt16ShouldMatchGolden: input scale 0.1,
 * output scale 1/32768, beta 1, golden probabilities from its test; its tolerance is 1 quantum.
 */
describe("TFLite Micro's SOFTMAX int16 unit-test vectors", () => {
  const p = [0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647];
  const cases = [
    { name: "1D", shape: [1, 5], x: [1, 2, 3, 4, 5], golden: p },
    { name: "2D", shape: [2, 5], x: [1, 2, 3, 4, 5, -1, -2, -3, -4, -5], golden: [...p, ...[...p].reverse()] },
  ];
  for (const c of cases) {
    it.concurrent(`${c.name} on ${targets.join(", ")}`, async () => {
      const graph = importTflite(buildModel({
        opcodes: [{ deprecated: 25, code: 25 }],
        buffers: [{}],
        subgraphs: [{
          tensors: [
            { shape: c.shape, type: 7, name: "in", quant: { scale: [0.1], zeroPoint: [0] } },
            { shape: c.shape, type: 7, name: "out", quant: { scale: [1 / 32768], zeroPoint: [0] } },
          ],
          inputs: [0], outputs: [1],
          ops: [{ opcodeIndex: 0, inputs: [0], outputs: [1], optionsType: 9, options: optionsTable([[0, "f32", 1]]) }],
        }],
      }), "softmax16.tflite");
      const input = new Uint8Array(Int16Array.from(c.x, (v) => Math.round(v / Math.fround(0.1))).buffer);
      for (const target of targets) {
        const out = new Int16Array((await runModel(graph, [input], target)).outputs[0].slice().buffer);
        c.golden.forEach((g, i) => expect(Math.abs(out[i] - Math.round(g * 32768)), `element ${i} on ${target}: ${out[i]}`).toBeLessThanOrEqual(1));
      }
    });
  }
});

/**
 * TFLite Micro's transpose_conv_test.cc SimpleTestQuantized16x8PerChannel: input [1, 4, 4, 2]
 * = 1..32 at scale 1, filter [1, 3, 3, 2] = 1..18 quantized symmetric per channel (18 / 127),
 * int64 bias 0, SAME, stride 1, output scale 1; golden from its test, its tolerance 4 quanta.
 */
describe("TFLite Micro's TRANSPOSE_CONV 16x8 unit-test vector", () => {
  it.concurrent(`on ${targets.join(", ")}`, async () => {
    const golden = [184, 412, 568, 528, 678, 1347, 1689, 1434, 1494, 2715, 3057, 2442, 1968, 3352, 3652, 2760];
    const scale = Math.fround(18 / 127);
    const w = Int8Array.from({ length: 18 }, (_, i) => Math.round((i + 1) / scale));
    const { optionsTypeId } = await import("../../compiler/import/tflite/schema.ts");
    const graph = importTflite(buildModel({
      opcodes: [{ deprecated: 67, code: 67 }],
      buffers: [{}, { data: new Uint8Array(Int32Array.from([1, 4, 4, 1]).buffer) }, { data: new Uint8Array(w.buffer) }, { data: new Uint8Array(8) }],
      subgraphs: [{
        tensors: [
          { shape: [4], type: 2, name: "shape", buffer: 1 },
          { shape: [1, 3, 3, 2], type: 9, name: "w", buffer: 2, quant: { scale: [scale], zeroPoint: [0] } },
          { shape: [1, 4, 4, 2], type: 7, name: "in", quant: { scale: [1], zeroPoint: [0] } },
          { shape: [1], type: 4, name: "b", buffer: 3, quant: { scale: [scale], zeroPoint: [0] } },
          { shape: [1, 4, 4, 1], type: 7, name: "out", quant: { scale: [1], zeroPoint: [0] } },
        ],
        inputs: [2], outputs: [4],
        ops: [{
          opcodeIndex: 0, inputs: [0, 1, 2, 3], outputs: [4],
          optionsType: optionsTypeId("TransposeConvOptions"), options: optionsTable([[0, "i8", 0], [1, "i32", 1], [2, "i32", 1], [3, "i8", 0]]),
        }],
      }],
    }), "tconv16x8.tflite");
    const input = new Uint8Array(Int16Array.from({ length: 32 }, (_, i) => i + 1).buffer);
    for (const target of targets) {
      const out = new Int16Array((await runModel(graph, [input], target)).outputs[0].slice().buffer);
      golden.forEach((g, i) => expect(Math.abs(out[i] - g), `element ${i} on ${target}: ${out[i]}`).toBeLessThanOrEqual(4));
    }
  });
});

/**
 * TFLite Micro's depthwise_conv_test.cc SimpleTestQuantizedPerChannelInt16InputInt8Filter: input
 * [1, 3, 2, 2] at scale 0.5 (the first 12 of its values), filter [1, 2, 2, 4] quantized symmetric
 * per channel (max|w| / 127), int64 bias {1, 2, 3, 4}, stride 1, VALID, depth multiplier 2,
 * output scale 1; golden from its test, its tolerance 1 quantum.
 */
describe("TFLite Micro's DEPTHWISE_CONV_2D 16x8 unit-test vector", () => {
  it.concurrent(`on ${targets.join(", ")}`, async () => {
    const x = [-547, 108, -682, 540, -161, -539, 9, -482, -859, 84, 153, -726];
    const w = [1, 2, 3, 4, -9, 10, -11, 12, 5, 6, 7, 8, 13, -14, 15, -16];
    const golden = [4894, -9009, -16596, 10268, -2564, -7483, -6599, 4356];
    const scales = [0, 1, 2, 3].map((c) => Math.fround(Math.max(...[0, 1, 2, 3].map((t) => Math.abs(w[t * 4 + c]))) / 127));
    const wq = Int8Array.from(w, (v, i) => Math.round(v / scales[i % 4]));
    const bias = BigInt64Array.from([1, 2, 3, 4].map((b, c) => BigInt(Math.round(b / (0.5 * scales[c])))));
    const { optionsTypeId } = await import("../../compiler/import/tflite/schema.ts");
    const graph = importTflite(buildModel({
      opcodes: [{ deprecated: 4, code: 4 }],
      buffers: [{}, { data: new Uint8Array(wq.buffer) }, { data: new Uint8Array(bias.buffer) }],
      subgraphs: [{
        tensors: [
          { shape: [1, 3, 2, 2], type: 7, name: "in", quant: { scale: [0.5], zeroPoint: [0] } },
          { shape: [1, 2, 2, 4], type: 9, name: "w", buffer: 1, quant: { scale: scales, zeroPoint: [0, 0, 0, 0], quantizedDimension: 3 } },
          { shape: [4], type: 4, name: "b", buffer: 2, quant: { scale: scales.map((s) => 0.5 * s), zeroPoint: [0, 0, 0, 0] } },
          { shape: [1, 2, 1, 4], type: 7, name: "out", quant: { scale: [1], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [3],
        ops: [{
          opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: optionsTypeId("DepthwiseConv2DOptions"),
          options: optionsTable([[0, "i8", 1], [1, "i32", 1], [2, "i32", 1], [3, "i32", 2], [4, "i8", 0]]),
        }],
      }],
    }), "dw16x8.tflite");
    const input = new Uint8Array(Int16Array.from(x, (v) => Math.round(v / 0.5)).buffer);
    for (const target of targets) {
      const out = new Int16Array((await runModel(graph, [input], target)).outputs[0].slice().buffer);
      golden.forEach((g, i) => expect(Math.abs(out[i] - g), `element ${i} on ${target}: ${out[i]}`).toBeLessThanOrEqual(1));
    }
  });
});
