/**
 * @fileoverview int8 or int16 weights per layer under a flash budget (compiler/build/weights.ts):
 * the choice is deterministic, stays within the budget (tiny budget: every layer int8; huge:
 * every layer int16; in between: by instructions saved per extra byte), a shared record counts
 * a new function, the default budget is the model file + the smallest TFLM runtime, and a build
 * with int16 layers chosen by the budget (not the test override) equals the reference kernels
 * on ts, wasm and host C, with the format and bytes in the compile report.
 */
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import type { KernelCall, LoweredOp } from "../../compiler/ir/calls.ts";
import {
  CODE_BASE_BYTES, CODE_PER_FUNCTION_BYTES, CODE_PER_GEMM_FUNCTION_BYTES, chooseWeightFormats, defaultFlashBudget, flashEstimate, lowerWeighted, SAVING_PER_MAC, TFLM_RUNTIME_BYTES,
} from "../../compiler/build/weights.ts";
import { buildFresh } from "../../compiler/pipeline.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { buildReport, layerRows, reportMarkdown } from "../../compiler/report/report.ts";
import fc from "fast-check";
import {
  convSpecArb, fullyConnectedSpecArb, syntheticGraph, syntheticInputs, type ConvSpec, type FullyConnectedSpec,
} from "../support/synthetic.ts";
import { needModels, needTarget, sharedFile } from "../support/shared.ts";

const EMPTY: Graph = { name: "t", tensors: [], ops: [], inputs: [], outputs: [] };

/** A lowered op with one DSP call: `words` packed int8 words, `macs`, a record made distinct by `op` unless `shared`. */
function layer(op: number, kernel: "conv_2d_dsp" | "fully_connected_dsp", words: number, macs: number, shared = false): LoweredOp {
  const conv = kernel === "conv_2d_dsp";
  const call: KernelCall = {
    kernel, fn: conv ? "conv2dDsp" : "fullyConnectedDsp",
    params: conv ? { int16Weights: 0, id: shared ? -1 : op } : { weights16: 2, id: shared ? -1 : op },
    args: [{ kind: "const", name: "w", elem: "i32", data: new Array<number>(words).fill(0) }],
    slots: [conv ? "filter" : "weights"],
    macs,
  };
  return { op: { index: op, opcode: conv ? "CONV_2D" : "FULLY_CONNECTED", version: 1, inputs: [], outputs: [], options: {} }, calls: [call] };
}

// gain per byte: op 0 conv 100 pixels (0.16 * 100 / 4 per word), op 1 conv 10 pixels, op 2 FC (0.14 / 4).
const LOWERED = [layer(0, "conv_2d_dsp", 100, 40_000), layer(1, "conv_2d_dsp", 1000, 40_000), layer(2, "fully_connected_dsp", 50, 200)];
const BASE = CODE_BASE_BYTES + 2 * CODE_PER_GEMM_FUNCTION_BYTES + CODE_PER_FUNCTION_BYTES + 4 * 1150;

describe("chooseWeightFormats", () => {
  it("estimates code per distinct record plus constants", () => {
    expect(flashEstimate(EMPTY, LOWERED)).toBe(BASE);
  });

  it("a tiny budget keeps every layer int8", () => {
    expect(chooseWeightFormats(EMPTY, LOWERED, 1).int16).toEqual([]);
    expect(chooseWeightFormats(EMPTY, LOWERED, BASE).int16).toEqual([]);
  });

  it("a huge budget makes every layer int16", () => {
    const { int16, gains } = chooseWeightFormats(EMPTY, LOWERED, 1e9);
    expect(int16).toEqual([0, 1, 2]);
    expect(gains.get(0)).toBeCloseTo(40_000 * SAVING_PER_MAC.conv);
    expect(gains.get(2)).toBeCloseTo(200 * SAVING_PER_MAC.fcOffsetBinary);
  });

  it("in between, layers go int16 by gain per extra byte, skipping one that does not fit", () => {
    expect(chooseWeightFormats(EMPTY, LOWERED, BASE + 400).int16).toEqual([0]);
    // op 1 (4000 bytes) does not fit in 400 + 3999; op 2 (200 bytes, less gain per byte) does.
    expect(chooseWeightFormats(EMPTY, LOWERED, BASE + 400 + 3999).int16).toEqual([0, 2]);
    expect(chooseWeightFormats(EMPTY, LOWERED, BASE + 400 + 4000).int16).toEqual([0, 1]);
    expect(chooseWeightFormats(EMPTY, LOWERED, BASE + 4600).int16).toEqual([0, 1, 2]);
  });

  it("is deterministic: the same answer for the same lowering, whatever the op order given", () => {
    const a = chooseWeightFormats(EMPTY, LOWERED, BASE + 4400);
    const b = chooseWeightFormats(EMPTY, [...LOWERED].reverse(), BASE + 4400);
    expect(b.int16).toEqual(a.int16);
    // Equal gain per byte: the lower op index first.
    const twins = [layer(5, "conv_2d_dsp", 100, 1000), layer(3, "conv_2d_dsp", 100, 1000)];
    expect(chooseWeightFormats(EMPTY, twins, flashEstimate(EMPTY, twins) + 400).int16).toEqual([3]);
  });

  it("a layer sharing its record with another also pays for a new function", () => {
    const twins = [layer(0, "conv_2d_dsp", 100, 1000, true), layer(1, "conv_2d_dsp", 100, 1000, true)];
    const base = flashEstimate(EMPTY, twins);
    expect(base).toBe(CODE_BASE_BYTES + CODE_PER_GEMM_FUNCTION_BYTES + 800);
    expect(chooseWeightFormats(EMPTY, twins, base + 400).int16).toEqual([]);
    expect(chooseWeightFormats(EMPTY, twins, base + 400 + CODE_PER_GEMM_FUNCTION_BYTES).int16).toEqual([0]);
  });

  it("an explicit moteFcWeights option is never changed", () => {
    const fc = layer(0, "fully_connected_dsp", 50, 200);
    fc.op.options = { moteFcWeights: 0 };
    expect(chooseWeightFormats(EMPTY, [fc], 1e9).int16).toEqual([]);
  });

  it("the default budget is the model file + the smallest TFLM+CMSIS-NN runtime", () => {
    expect(defaultFlashBudget({ ...EMPTY, sourceBytes: 100_000 })).toBe(100_000 + TFLM_RUNTIME_BYTES);
  });
});

/** The first sampled spec whose layer takes the DSP kernel (so the budget has a choice to make). */
function dspSpec<T extends ConvSpec | FullyConnectedSpec>(arb: fc.Arbitrary<T>, seed: number): T {
  for (const spec of fc.sample(arb, { seed, numRuns: 200 })) {
    const kernel = lowerWeighted(syntheticGraph(spec), { flashBudget: 1 }).lowered[0]?.calls[0]?.kernel;
    if (kernel === "conv_2d_dsp" || kernel === "fully_connected_dsp") return spec;
  }
  throw new Error("no DSP layer sampled");
}
const conv = dspSpec(convSpecArb.map((c) => ({ ...c, groups: 1, inC: 6, outC: 5, filterScales: [c.filterScales[0]!] })), 11);
const fcSpec = dspSpec(fullyConnectedSpecArb, 12);

describe("int16 layers chosen by the budget equal the reference kernels", () => {
  const host = needTarget("host");
  for (const spec of [conv, fcSpec]) {
    const graph = syntheticGraph(spec);
    const inputs = syntheticInputs(spec);
    it(`${spec.op}: a huge budget lowers int16, a tiny one int8, and the report says so`, () => {
      const big = lowerWeighted(graph, { flashBudget: 1e9 });
      const small = lowerWeighted(graph, { flashBudget: 1 });
      expect(big.lowered[0]!.calls[0]!.variant).toMatch(/int16 w/);
      expect(small.lowered[0]!.calls[0]!.variant).toMatch(/int8( offset-binary)? w/);
      expect(big.weights!.layers.map((l) => l.format)).toEqual(["int16"]);
      expect(big.weights!.layers[0]!.bytes).toBe(2 * small.weights!.layers[0]!.bytes);
      const r = buildFresh(graph, { flashBudget: 1e9 });
      const report = buildReport({ graph, r, board: "qemu-mps2-an500", mode: "codegen", plan: "greedy", layers: layerRows(graph, r, "codegen") });
      expect(report.flash_budget).toMatchObject({ budget_bytes: 1e9, source: "--flash-budget", int16_layers: 1 });
      expect(report.ops[0]).toMatchObject({ weight_format: "int16", weight_bytes: big.weights!.layers[0]!.bytes });
      expect(reportMarkdown(report)).toMatch(/Weights: 1 layer\(s\) int16-pre-extended.*flash budget of 1,000,000,000 bytes/);
    });
    for (const target of ["ts", "wasm", "host"] as Target[]) {
      it.skipIf(target === "host" && host.skip)(`${spec.op} on ${target}`, async () => {
        const want = (await runModel(graph, inputs, "ts", { reference: true })).outputs[0];
        for (const flashBudget of [1, 1e9]) {
          expect((await runModel(graph, inputs, target, { flashBudget })).outputs[0], `budget ${flashBudget}`).toEqual(want);
        }
      }, 120_000);
    }
  }
});

describe("an audio front end and the default flash budget", () => {
  const models = needModels("str_ww_ref_model", "kws_ref_model");
  it.skipIf(models.skip)("its tables come on top: the model behind it keeps the weight layouts it has alone", async () => {
    const { loadModel } = await import("../../compiler/import/tflite/import.ts");
    const { attachAudioFrontEnd } = await import("../../compiler/ops/audio/attach.ts");
    const { lowerWeighted, signalFlashBytes } = await import("../../compiler/build/weights.ts");
    for (const [name, preset] of [["str_ww_ref_model", "sww-log-mel"], ["kws_ref_model", "kws-mfcc"]] as const) {
      const model = loadModel(sharedFile("models", `${name}.tflite`));
      const alone = lowerWeighted(model, {}).weights!;
      const composed = lowerWeighted(attachAudioFrontEnd(model, preset), {});
      const tables = signalFlashBytes(composed.lowered);
      expect(tables).toBeGreaterThan(1000);
      expect(composed.weights!.budgetBytes).toBe(alone.budgetBytes + tables);
      expect(composed.weights!.int16).toEqual(alone.int16);
    }
  });
});
