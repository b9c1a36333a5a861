/**
 * @fileoverview UNIDIRECTIONAL_SEQUENCE_LSTM (issue 15) on the fast targets (ts, wasm, host C),
 * in both modes (codegen and interpreter):
 *  - TFLite Micro's own unit test (unidirectional_sequence_lstm_test.cc, TestUnidirectionalLSTMInt8
 *    and TestUnidirectionalLSTMInt16 at 90b983c2, data from testdata/lstm_test_data.cc): the
 *    float goldens, checked within TFLM's own tolerances (1e-2 int8, 1e-3 16x8) on the
 *    dequantized outputs, and every target and mode giving the same bytes;
 *  - the golden-ops-2 lstm cases in interpreter mode (codegen: test/ops/conformance2.test.ts),
 *    the multi-invoke one as three invocations on one instance;
 *  - streaming: several invocations give the same outputs everywhere, and after the state is
 *    reset (each range filled with its reset byte, as mote_reset() does: the int8 hidden state
 *    with its zero point, the cell state with 0) the first output comes back: in WASM by filling
 *    the program's state ranges, in the C library by mote_reset() itself (boards/host/serve.c's
 *    reset flag);
 *  - a property test TS == WASM == host C over small shapes and quantization parameters, all equal
 *    to referenceLstm (test/ops/lstm-model.ts: TFLM's LstmStep restated plainly in JS, BigInt
 *    accumulators, the hidden state kept as its value), which checks the kernel's folded input
 *    offsets and its hidden state bit for bit;
 *  - what TFLite Micro rejects (projection, peephole, layer norm, CIFG, a non-int16 cell state,
 *    a cell activation other than TANH), with MOTE3020 (float32: lstm-float.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { runInvocations, runModel, type Target } from "../../compiler/run/targets.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { compiledWasm } from "../../compiler/emit/wasm/run.ts";
import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { buildHost } from "../../compiler/toolchain/host.ts";
import { HostWorker } from "../../server/worker.ts";
import { SIGMOID_TABLE_UINT16 } from "../../compiler/ops/sigmoid16.ts";
import { moteError } from "../import/mote-error.ts";
import { needShared, needTarget, readBytes } from "../support/shared.ts";
import { goldenOpsCases } from "../support/golden_ops.ts";
import {
  TFLM_EXPECTED_HIDDEN, TFLM_EXPECTED_OUTPUT, TFLM_INPUT, bytesOf, lstmGraph, quantize, referenceLstm, tflmSpec, valuesOf,
  type GateQ, type LstmModelSpec,
} from "./lstm-model.ts";

const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];
const MODES = [{}, { mode: "interpreter" as const }];

async function allRuns(graph: Graph, invocations: Uint8Array[][]): Promise<Uint8Array[][]> {
  let ref: Uint8Array[][] | undefined;
  for (const target of targets) {
    for (const mode of MODES) {
      const got = (await runInvocations(graph, invocations, target, mode)).outputs;
      if (ref === undefined) ref = got;
      else expect(got, `${target} ${mode.mode ?? "codegen"}`).toEqual(ref);
    }
  }
  return ref!;
}

describe("TFLite Micro's LSTM unit test vectors (unidirectional_sequence_lstm_test.cc)", () => {
  for (const [act, tolerance] of [["int8", 1e-2], ["int16", 1e-3]] as const) {
    it(`${act === "int8" ? "TestUnidirectionalLSTMInt8" : "TestUnidirectionalLSTMInt16"}: within TFLM's tolerance ${tolerance}, the same bytes everywhere`, async () => {
      const spec = tflmSpec(act);
      const graph = lstmGraph(spec, `tflm_lstm_${act}`);
      const input = bytesOf(quantize(TFLM_INPUT, spec.input.scale, spec.input.zeroPoint, act), act);
      const [[out]] = await allRuns(graph, [[input]]);
      expect(out, "the plain JS restatement of TFLM's LstmStep").toEqual(referenceLstm(spec, [input], SIGMOID_TABLE_UINT16)[0]);
      const deq = valuesOf(out!, act).map((v) => (v - spec.hidden.zeroPoint) * spec.hidden.scale);
      // TFLM checks the first batch_size * state_dimension outputs and the final hidden state
      // (the last step's outputs of each batch); every output is within the tolerance here.
      deq.forEach((v, i) => expect(Math.abs(v - TFLM_EXPECTED_OUTPUT[i]!), `output ${i}: ${v}`).toBeLessThanOrEqual(tolerance));
      [4, 5, 10, 11].forEach((i, k) => expect(Math.abs(deq[i]! - TFLM_EXPECTED_HIDDEN[k]!)).toBeLessThanOrEqual(tolerance));
    }, 120_000);
  }
});

const ops = needShared("golden-ops-2");
describe.skipIf(ops.skip)("golden-ops-2 lstm cases in interpreter mode", () => {
  for (const c of ops.ok ? goldenOpsCases("golden-ops-2").filter((c) => c.name.startsWith("lstm")) : []) {
    it(c.name, async () => {
      const graph = loadModel(path.join(c.dir, "model.tflite"));
      const samples = [0, 1, 2].map((k) => [readBytes(path.join(c.dir, `input_0_${k}.bin`))]);
      const want = [0, 1, 2].map((k) => readBytes(path.join(c.dir, `output_0_${k}.bin`)));
      for (const target of targets) {
        if (c.name.endsWith("multi_invoke")) {
          const got = (await runInvocations(graph, samples, target, { mode: "interpreter" })).outputs;
          got.forEach((o, k) => expect(o[0], `${target} invocation ${k}`).toEqual(want[k]));
        } else {
          for (let k = 0; k < 3; k++) {
            expect((await runModel(graph, samples[k]!, target, { mode: "interpreter" })).outputs[0], `${target} sample ${k}`).toEqual(want[k]);
          }
        }
      }
    }, 180_000);
  }
});

/** xorshift32 bytes, the golden-ops input generator. */
function noise(n: number, seed: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe("streaming", () => {
  for (const act of ["int8", "int16"] as const) {
    it(`${act}: 4 invocations agree on every target and mode; state carries over; zeroing the state (reset) restores the first output`, async () => {
      const spec = { ...tflmSpec(act), timeMajor: true, batches: 1, steps: 2 };
      const graph = lstmGraph(spec, `stream_${act}`);
      const size = (act === "int8" ? 1 : 2) * spec.steps * spec.batches * spec.inputSize;
      const xs = [1, 2, 3, 4].map((k) => [noise(size, 0x51ed0000 + k)]);
      const outs = await allRuns(graph, xs);
      // The second invocation of x1 after x1 differs from a fresh x1: the state carried over.
      const again = await allRuns(graph, [xs[0]!, xs[0]!]);
      expect(again[0]).toEqual(outs[0]);
      expect(again[1]).not.toEqual(outs[0]);
      // mote_reset() fills the program's state ranges: the hidden state with its zero point
      // (int8; 16x8: 0) and the cell state with 0.
      const program = buildFor(graph, {}).program;
      const fills = Object.fromEntries((program.state ?? []).map((r) => [r.name, r.fill]));
      const hiddenZp = graph.tensors.find((t) => t.name === "output_state")!.quant!.zeroPoint[0]!;
      expect(fills).toEqual({ cell_state: 0, output_state: act === "int8" ? hiddenZp & 0xff : 0 });
      // WASM: run, fill those ranges as mote_reset() does, run x1 again.
      const { module, build } = await compiledWasm(program);
      const instance = await WebAssembly.instantiate(module, {});
      const memory = instance.exports.memory as WebAssembly.Memory;
      const invoke = instance.exports.invoke as () => number;
      const run = (x: Uint8Array): Uint8Array => {
        new Uint8Array(memory.buffer).set(x, build.inputAddresses[0]!);
        expect(invoke()).toBe(0);
        return new Uint8Array(memory.buffer).slice(build.outputAddresses[0]!, build.outputAddresses[0]! + outs[0]![0]!.length);
      };
      xs.forEach((x, k) => expect(run(x[0]!)).toEqual(outs[k]![0]));
      for (const r of program.state ?? []) new Uint8Array(memory.buffer).fill(r.fill, build.arenaBase + r.offset, build.arenaBase + r.offset + r.bytes);
      expect(run(xs[0]![0]!)).toEqual(outs[0]![0]);
    }, 180_000);
  }
});

describe.skipIf(!needTarget("host").ok)("mote_reset() in the C library (boards/host/serve.c)", () => {
  for (const mode of ["codegen", "interpreter"] as const) {
    it(`${mode}: state kept between mote_invoke() calls; after mote_reset() the first output comes back`, async () => {
      const spec = { ...tflmSpec("int8"), timeMajor: true, batches: 1, steps: 2 };
      const graph = lstmGraph(spec, `reset_${mode}`);
      const size = spec.steps * spec.batches * spec.inputSize;
      const xs = [1, 2, 3].map((k) => [noise(size, 0x51ed0100 + k)]);
      const want = (await runInvocations(graph, xs, "ts")).outputs;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-lstm-reset-"));
      const program = buildFor(graph, { mode }).program;
      writeCLibrary(program, dir);
      const exe = path.join(dir, "model_serve");
      await buildHost(dir, exe, { harness: "serve.c" });
      const outBytes = want[0]![0]!.length;
      const worker = new HostWorker(exe, { inputBytes: [size], outputBytes: [outBytes] });
      try {
        expect((await worker.run(xs, false)).outputs).toEqual(want);
        // Without a reset the state goes on: x1 now gives another output.
        expect((await worker.run([xs[0]!], false)).outputs[0]).not.toEqual(want[0]);
        // mote_reset(), then the three invocations again from the start.
        expect((await worker.run(xs, true)).outputs).toEqual(want);
      } finally {
        await worker.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  }
});

/** A random small LSTM: shapes, scales, zero points, weights and biases. */
const specArb = fc.record({
  act: fc.constantFrom("int8" as const, "int16" as const),
  batches: fc.integer({ min: 1, max: 2 }),
  steps: fc.integer({ min: 1, max: 3 }),
  inputSize: fc.integer({ min: 1, max: 5 }),
  units: fc.integer({ min: 1, max: 4 }),
  timeMajor: fc.boolean(),
  clip: fc.constantFrom(0, 0.5, 3, 1e-4),
  inScaleExp: fc.double({ min: -9, max: -1, noNaN: true }),
  hScaleExp: fc.double({ min: -9, max: -1, noNaN: true }),
  cellExp: fc.integer({ min: -15, max: -9 }),
  zp: fc.integer({ min: -128, max: 127 }),
  hzp: fc.integer({ min: -128, max: 127 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

function fromArb(r: { act: "int8" | "int16"; batches: number; steps: number; inputSize: number; units: number; timeMajor: boolean; clip: number;
  inScaleExp: number; hScaleExp: number; cellExp: number; zp: number; hzp: number; seed: number }): LstmModelSpec {
  const wide = r.act === "int16";
  const bytes = noise(1000, r.seed);
  let at = 0;
  const int8s = (n: number) => Array.from({ length: n }, () => ((bytes[at++ % bytes.length]! << 24) >> 24) || 1);
  const inScale = Math.fround(2 ** r.inScaleExp);
  const hScale = Math.fround(2 ** r.hScaleExp);
  const gates = [0, 1, 2, 3].map((): GateQ => {
    const wScale = Math.fround(0.01 + (bytes[at++ % bytes.length]! / 255) * 0.1);
    return {
      w: int8s(r.units * r.inputSize), wScale, rw: int8s(r.units * r.units), rwScale: wScale,
      b: int8s(r.units).map((v) => v * 37), bScale: Math.fround(inScale * wScale),
    };
  }) as LstmModelSpec["gates"];
  return {
    act: r.act, batches: r.batches, steps: r.steps, inputSize: r.inputSize, units: r.units, timeMajor: r.timeMajor, cellClip: r.clip,
    input: { scale: inScale, zeroPoint: wide ? 0 : r.zp }, hidden: { scale: hScale, zeroPoint: wide ? 0 : r.hzp },
    cellScale: Math.fround(2 ** r.cellExp), gates,
  };
}

describe("property: TS == WASM == host C == a plain JS restatement of TFLM's LstmStep", () => {
  it("random small LSTMs (int8 and 16x8, nonzero zero points), two invocations, both modes", async () => {
    await fc.assert(fc.asyncProperty(specArb, async (r) => {
      const spec = fromArb(r);
      const graph = lstmGraph(spec, "lstm_prop");
      const size = (spec.act === "int8" ? 1 : 2) * spec.steps * spec.batches * spec.inputSize;
      const xs = [noise(size, r.seed ^ 0x1234), noise(size, r.seed ^ 0x4321)];
      const outs = await allRuns(graph, xs.map((x) => [x]));
      expect(outs.map((o) => o[0]), JSON.stringify(r)).toEqual(referenceLstm(spec, xs, SIGMOID_TABLE_UINT16));
    }), { seed: 1515, numRuns: 6 });
  }, 600_000);

  it("the TypeScript kernel equals the restatement on 60 more random LSTMs (three invocations)", async () => {
    await fc.assert(fc.asyncProperty(specArb, async (r) => {
      const spec = fromArb(r);
      const graph = lstmGraph(spec, "lstm_prop_ts");
      const size = (spec.act === "int8" ? 1 : 2) * spec.steps * spec.batches * spec.inputSize;
      const xs = [1, 2, 3].map((k) => noise(size, r.seed + k));
      const outs = (await runInvocations(graph, xs.map((x) => [x]), "ts")).outputs;
      expect(outs.map((o) => o[0]), JSON.stringify(r)).toEqual(referenceLstm(spec, xs, SIGMOID_TABLE_UINT16));
    }), { seed: 1516, numRuns: 60 });
  }, 300_000);
});

describe("what TFLite Micro's LSTM rejects: MOTE3020", () => {
  const base = tflmSpec("int8");
  const cases: [string, Partial<LstmModelSpec>, string][] = [
    ["projection", { extra: [{ slot: 16 }] }, "projection"],
    ["peephole", { extra: [{ slot: 9 }] }, "peephole"],
    ["layer norm", { extra: [{ slot: 20 }] }, "layer normalization"],
    ["int8 cell state", { cellDType: "int8" }, "int16 cell state"],
    ["RELU cell activation", { activation: "RELU" }, "TANH"],
  ];
  for (const [name, over, text] of cases) {
    it(name, () => {
      const graph = lstmGraph({ ...base, ...over }, `reject_${name}`);
      const e = moteError(() => lowerGraph(graph), [3020]);
      expect(e.message).toContain(text);
      expect(e.message.split("\n")).toHaveLength(1);
    });
  }

  it("CIFG (no input gate weights)", () => {
    const graph = lstmGraph(base, "cifg");
    graph.ops[0]!.inputs[1] = -1;
    expect(moteError(() => lowerGraph(graph), [3020]).message).toContain("CIFG");
  });
});
