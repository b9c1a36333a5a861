/**
 * @fileoverview The 16x8 (int16 activation) variants (issue 15): the model check lets ops with an
 * int16 variant through and still names the others (1011); kernels/common/wide.ts's 64-bit
 * requantization against BigInt arithmetic over its whole input range; every golden-ops-2 int16
 * case in interpreter mode on ts, wasm and host (codegen is test/ops/conformance2.test.ts); and a
 * property test per case: random int16 inputs over the full range, TS == WASM == host C, codegen
 * and interpreter; fullyConnected16's 64-bit accumulator over long rows against BigInt; TFLite
 * Micro's own 16x8 unit-test vectors (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV,
 * SOFTMAX, TANH; int16-vectors.ts, checked within its own tolerances) on ts, wasm and host (qemu,
 * both modes: int16.full.test.ts); and the lowering errors for what TFLite Micro rejects.
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
import { expectInt16Vector, INT16_VECTORS } from "./int16-vectors.ts";

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

describe("TFLite Micro's 16x8 unit-test vectors (int16-vectors.ts; qemu: int16.full.test.ts)", () => {
  for (const v of INT16_VECTORS) {
    it.concurrent(`${v.name} on ${targets.join(", ")}`, async () => {
      for (const target of targets) await expectInt16Vector(v, target);
    });
  }
});
