/**
 * @fileoverview `mote analyze`'s figures (compiler/report/analysis.ts, compiler/cli/analyze.ts)
 * equal `mote compile`'s report.json where both give them (arena, lower bound, MACs, per-layer
 * MACs, constant bytes, the flash budget, the I/O table, the peak layer), on a model the test
 * builds (outside ../shared) and on the five shared models; every problem of a model that cannot
 * compile is listed with its op and a next step; the fit against a board is the pre-build check
 * of `mote compile` (a model that does not fit is short by the bytes MOTE4001 names).
 *
 * In-process: compile (--no-firmware) and analyze share the build cache, so each model is built once.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { compileCommand } from "../../compiler/cli/compile.ts";
import { analyzeFile, analysisText, type AnalyzeFlags } from "../../compiler/cli/analyze.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { operatorRow } from "../../compiler/report/analysis.ts";
import { DEFAULT_PLAN } from "../../compiler/plan/planner.ts";
import { DEFAULT_BOARD } from "../../compiler/toolchain/boards.ts";
import { buildModel, oneOpModel } from "../import/tflite-builder.ts";
import { fcReluSpec, problemsSpec, writeModel } from "../support/analyze-models.ts";
import { MODEL_NAMES, needModels, sharedFile } from "../support/shared.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-analysis-"));
const flags = (extra: Partial<AnalyzeFlags> = {}): AnalyzeFlags => ({ board: DEFAULT_BOARD, plan: DEFAULT_PLAN, mode: "codegen", ...extra });

/** `mote compile --no-firmware` in-process; its report.json. */
async function compileReport(model: string, f: AnalyzeFlags): Promise<Record<string, any>> {
  const out = fs.mkdtempSync(path.join(tmp, "out-"));
  const write = { err: process.stderr.write, out: process.stdout.write };
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await compileCommand(model, { out, board: f.board, plan: f.plan, mode: f.mode, firmware: false, ...(f.specialize ? { specialize: f.specialize } : {}), ...(f.audio ? { audio: f.audio } : {}) });
  } finally {
    process.stderr.write = write.err;
    process.stdout.write = write.out;
  }
  return JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
}

/** analyze's figures against compile's report of the same model and flags. */
async function expectSameFigures(model: string, f: AnalyzeFlags): Promise<void> {
  const report = await compileReport(model, f);
  const { analysis: a, error } = analyzeFile(model, f);
  expect(error).toBeUndefined();
  expect(a.compiles).toBe(true);
  const m = a.memory!;
  expect(m.arena_bytes).toBe(report.arena_bytes);
  expect(m.lower_bound_bytes).toBe(report.lower_bound_bytes);
  expect(m.planned_bound_bytes).toBe(report.planned_bound_bytes);
  expect(m.constant_bytes).toBe(report.constant_bytes);
  expect(m.flash_budget).toEqual(report.flash_budget);
  expect(m.peak_layer).toEqual(report.peak_layer);
  expect(a.totals.macs).toBe(report.macs);
  expect(a.io).toEqual(report.io);
  // report.json has one row per kernel call; analyze one per op with the calls' MACs summed.
  const perOp = new Map<number, number>();
  for (const row of report.ops as { op: number; macs: number }[]) perOp.set(row.op, (perOp.get(row.op) ?? 0) + row.macs);
  for (const l of a.layers) expect(l.macs, `op ${l.op}`).toBe(perOp.get(l.op) ?? 0);
  expect(a.layers.map((l) => l.op).sort((x, y) => x - y)).toEqual(a.layers.map((_, i) => i));
  for (const row of report.ops as { op: number; weight_format: string | null; weight_bytes: number | null }[]) {
    const l = a.layers.find((x) => x.op === row.op)!;
    expect(l.weight_format).toBe(row.weight_format);
    expect(l.packed_weight_bytes).toBe(row.weight_bytes);
  }
  expect(m.estimated_peak_sram_bytes).toBe(report.arena_bytes + m.stack_reserved_bytes);
}

describe("mote analyze on a model built by the test (no golden data, outside ../shared)", () => {
  const model = writeModel(tmp, "fc_relu.tflite", fcReluSpec());

  it("gives the I/O table, per-layer shapes, MACs, weights, activations and variants", () => {
    const { analysis: a } = analyzeFile(model, flags());
    expect(a.io.map((t) => [t.kind, t.name, t.shape, t.dtype, t.scale, t.zero_point, t.bytes])).toEqual([
      ["input", "features", [1, 8], "int8", 0.5, -3, 8],
      ["output", "scores", [1, 4], "int8", 1, 2, 4],
    ]);
    const [fc, relu] = a.layers;
    expect(fc).toMatchObject({ op: 0, opcode: "FULLY_CONNECTED", macs: 32, weight_bytes: 32 + 16, activation_bytes: 4, supported: true });
    expect(fc!.inputs.map((t) => t.shape)).toEqual([[1, 8], [4, 8], [4]]);
    expect(fc!.variant).toMatch(/\S/);
    expect(relu).toMatchObject({ op: 1, opcode: "RELU", macs: 0 });
    expect(a.totals).toEqual({ ops: 2, macs: 32, weight_bytes: 48, activation_bytes: 8 });
    expect(a.memory!.fit.fits).toBe(true);
    const text = analysisText(a);
    expect(text).toMatch(/input 0 +features +\[1,8\] +int8 +0\.5 +-3 +8/);
    expect(text).toMatch(/FULLY_CONNECTED +\[1,8\] -> \[1,4\] +32 +48 +4/);
  });

  it.each([["codegen", "on"], ["codegen", "off"], ["interpreter", "on"]] as const)("equals compile's report.json (%s, specialize %s)", async (mode, specialize) => {
    await expectSameFigures(model, flags({ mode, specialize }));
  });

  it("estimates the fit for each board as compile's pre-build check does", async () => {
    const big = oneOpModel({ deprecated: 19, code: 19 });
    for (const t of big.subgraphs[0]!.tensors) t.shape = [1, 400_000];
    const file = path.join(tmp, "big_relu.tflite");
    fs.writeFileSync(file, buildModel(big));
    const { analysis: a } = analyzeFile(file, flags({ board: "stm32f746g-disco" }));
    const ram = a.memory!.fit.ram;
    expect(ram).toMatchObject({ memory: "dtcm+sram1+sram2", available_bytes: 320 * 1024, fits: false });
    expect(a.memory!.fit.fits).toBe(false);
    expect(analysisText(a)).toContain(`DOES NOT FIT, ${(-ram.margin_bytes).toLocaleString("en")} B short`);
    const e = await compileReport(file, flags({ board: "stm32f746g-disco" })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MoteError);
    expect((e as MoteError).code).toBe(4001);
    expect((e as MoteError).message).toContain(`needs ${ram.need_bytes} bytes, ${ram.available_bytes} available (${-ram.margin_bytes} bytes short)`);
  });
});

describe("mote analyze lists every problem, each with its op and a next step", () => {
  it("an op without a lowering, a custom op and a layer its lowering rejects, all at once", () => {
    const model = writeModel(tmp, "problems.tflite", problemsSpec());
    const { analysis: a, error } = analyzeFile(model, flags());
    expect(a.compiles).toBe(false);
    expect(a.memory).toBeNull();
    expect(a.problems.map((p) => [p.op, p.opcode, p.kind, p.code])).toEqual([
      [1, "LSTM", "unsupported-op", 1008],
      [2, "CUSTOM:MyOp", "custom-op", 1010],
      [3, "HARD_SWISH", "int16-activations", 1011],
    ]);
    for (const p of a.problems) expect(p.next_step).toMatch(/re-export/);
    for (const p of a.problems.slice(0, 2)) expect(p.next_step).toContain("--kernels DIR");
    expect(a.problems[2]!.message).toMatch(/int16/);
    // The operators table (docs/operators.md) as analyze reads it: HARD_SWISH lowers, int8 only.
    expect(a.problems[0]!.operator).toBeUndefined();
    expect(a.problems[2]!.operator).toMatchObject({ int8: true, int16: false });
    expect(a.problems[2]!.next_step).toMatch(/HARD_SWISH has no int16 variant/);
    expect(operatorRow("FULLY_CONNECTED")).toMatchObject({ int8: true, int16: true, float32: false });
    expect(analysisText(a)).toMatch(/op 3 HARD_SWISH: .*\n +operators table: int8 yes, int16 no, float32 no; supports .*\n +next step: /);
    expect(a.layers.map((l) => l.supported)).toEqual([true, false, false, false]);
    expect(a.layers[0]!.macs).toBe(0); // ops that lower on their own still get their figures
    expect(error?.code).toBe(6201);
    expect(error?.oneLine()).toMatch(/^error MOTE6201: problems\.tflite cannot be compiled as it is: 3 problems: LSTM \(op #1\), CUSTOM:MyOp \(op #2\), HARD_SWISH \(op #3\) \(/);
  });

  it("a float model: one problem for the model, with the quantization step", () => {
    const spec = oneOpModel({ deprecated: 9, code: 9 }); // FULLY_CONNECTED on float tensors
    for (const t of spec.subgraphs[0]!.tensors) {
      t.type = 0;
      delete t.quant;
    }
    const { analysis: a, error } = analyzeFile(writeModel(tmp, "float.tflite", spec), flags());
    expect(a.problems).toHaveLength(1);
    expect(a.problems[0]).toMatchObject({ op: null, kind: "float", code: 1012 });
    expect(a.problems[0]!.next_step).toMatch(/quantize the model to int8/);
    expect(error?.code).toBe(6201);
  });

  it("a missing file is the import's own error", () => {
    expect(() => analyzeFile(path.join(tmp, "absent.tflite"), flags())).toThrow(/cannot read model file/);
  });
});

describe("mote analyze equals compile's report on the shared models", () => {
  for (const name of MODEL_NAMES) {
    const need = needModels(name);
    it.skipIf(need.skip)(name, async () => {
      await expectSameFigures(sharedFile("models", `${name}.tflite`), flags());
    }, 300_000);
  }
  const kws = needModels("kws_ref_model");
  it.skipIf(kws.skip)("kws_ref_model with its MFCC front end (--audio kws-mfcc)", async () => {
    await expectSameFigures(sharedFile("models", "kws_ref_model.tflite"), flags({ audio: "kws-mfcc" }));
  }, 300_000);
  const sww = needModels("str_ww_ref_model");
  it.skipIf(sww.skip)("str_ww_ref_model with its log-mel front end, whose float state is no problem (--audio sww-log-mel)", async () => {
    await expectSameFigures(sharedFile("models", "str_ww_ref_model.tflite"), flags({ audio: "sww-log-mel" }));
  }, 300_000);
});
