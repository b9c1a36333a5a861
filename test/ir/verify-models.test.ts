/**
 * @fileoverview The KIR verifier (compiler/ir/verify.ts) after every pass of real builds: the five
 * shared models and every supported golden-ops case, in all three modes (codegen, codegen with
 * specialization off, interpreter), build only. A build with `verify: true` verifies the
 * lowered kernels, each specialized function before and after folding and the final program
 * (compiler/build/index.ts); the last tests show each of those checkpoints firing on a kernel
 * module corrupted on purpose. Every kernel file, used by a model or not, lowers to verified KIR.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Expr, KFunction } from "../../compiler/ir/kir.ts";
import type { KernelLoader } from "../../compiler/ir/kernels.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { build, verifying, type BuildOptions } from "../../compiler/build/index.ts";
import { loadKernels } from "../../compiler/pipeline.ts";
import { VerifyError, verifyModule } from "../../compiler/ir/verify.ts";
import { GENERATED_LATER } from "../../compiler/build/interpreter/dispatch.ts";
import { INTERPRETER_FILE } from "../../compiler/build/interpreter/program.ts";
import { KERNELS_DIR, kernelFile } from "../../compiler/paths.ts";
import { goldenOpsCases } from "../support/golden_ops.ts";
import { MODEL_NAMES, needModels, needShared, sharedFile } from "../support/shared.ts";
import { syntheticGraph, type ConvSpec } from "../support/synthetic.ts";

const MODELS = MODEL_NAMES;
const models = needModels(...MODEL_NAMES);
const goldenOps = needShared("golden-ops");
const MODES: [string, BuildOptions][] = [
  ["codegen", { mode: "codegen" }],
  ["codegen, specialize off", { mode: "codegen", specialize: false }],
  ["interpreter", { mode: "interpreter" }],
];

/** One test per mode: `file` builds with verification on. */
function verifiesInEveryMode(name: string, file: string): void {
  let graph: ReturnType<typeof loadModel> | undefined; // loaded by the first test that runs
  for (const [mode, opts] of MODES) {
    it(`${name} (${mode}) verifies after every pass`, () => {
      graph ??= loadModel(file);
      build(graph, { ...opts, verify: true }, loadKernels);
    });
  }
}

describe.skipIf(models.skip)("KIR verifier on the shared models", () => {
  for (const model of MODELS) verifiesInEveryMode(model, sharedFile("models", `${model}.tflite`));
});

describe.skipIf(goldenOps.skip)("KIR verifier on the golden-ops cases", () => {
  const cases = goldenOps.ok ? goldenOpsCases().filter((c) => c.supported) : []; // read only when there
  it("there are cases", () => expect(cases.length).toBeGreaterThan(50));
  for (const c of cases) verifiesInEveryMode(c.name, `${c.dir}/model.tflite`);
});

describe("KIR verifier on every kernel file", () => {
  it("kernels/*.ts and runtime/interpreter.ts lower to verified KIR", () => {
    const stems = fs.readdirSync(KERNELS_DIR).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
    expect(stems.length).toBeGreaterThan(25);
    const lib = loadKernels([INTERPRETER_FILE, ...stems.map(kernelFile)]);
    verifyModule(lib.module, { stage: "lower", later: GENERATED_LATER });
    expect(lib.module.functions.size).toBeGreaterThan(50);
  });
});

// ---- the checkpoints fire ---------------------------------------------------------------------------

const conv: ConvSpec = {
  op: "CONV_2D", seed: 1, inputScale: 0.5, inputZeroPoint: -3, inputFill: "random",
  outputScale: 0.25, outputZeroPoint: 5, activation: "NONE", filterScales: [0.01, 0.02],
  weightFill: "random", hasBias: true, biasRange: 100,
  batches: 1, inH: 5, inW: 5, inC: 2, outC: 2, groups: 1, filterH: 3, filterW: 3,
  strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padding: "SAME",
};

/** The real loader, with `edit` applied to every function that takes a record and writes an i8 array. */
function corrupting(edit: (fn: KFunction, record: { param: string; field: string }, out: string) => void): KernelLoader {
  return (files) => {
    const lib = loadKernels(files);
    for (const fn of lib.module.functions.values()) {
      const rec = fn.params.find((p) => p.type.kind === "record");
      const out = fn.params.find((p) => p.type.kind === "array" && p.written && p.type.elem === "i8");
      if (rec?.type.kind !== "record" || !out) continue;
      edit(fn, { param: rec.name, field: lib.module.records.get(rec.type.name)!.fields[0] }, out.name);
    }
    return lib;
  };
}

function errorOf(run: () => void): string {
  try {
    run();
  } catch (e) {
    if (e instanceof VerifyError) return e.message;
    throw e;
  }
  return "no VerifyError";
}

describe("KIR verifier checkpoints", () => {
  const graph = syntheticGraph(conv);

  it("verifies the lowered kernels", () => {
    const loader = corrupting((fn) => fn.body.unshift({ k: "assign", name: "late", value: { k: "const", type: "i32", value: 0 } }));
    expect(errorOf(() => build(graph, { verify: true }, loader))).toMatch(/^KIR verify \[declared-before-use\] \w+: 'late' assigned but never declared \(after lower\)$/);
  });

  it("verifies each specialized function after folding", () => {
    // out[(p.f - p.f) - 1]: not a constant index until specialization and folding make it -1.
    const loader = corrupting((fn, rec, out) => {
      const f: Expr = { k: "field", record: rec.param, field: rec.field, type: "i32" };
      const sub = (a: Expr, b: Expr): Expr => ({ k: "binary", op: "sub", a, b, type: "i32" });
      const index = sub(sub(f, f), { k: "const", type: "i32", value: 1 });
      fn.body.unshift({ k: "store", array: out, elem: "i8", index, value: { k: "const", type: "i32", value: 0 } });
    });
    expect(errorOf(() => build(graph, { verify: true }, loader)))
      .toMatch(/^KIR verify \[array-bounds\] \w+: store \w+\[-1\]: constant index -1 < 0 \(after unroll and fold conv_2d(?:_dsp)?_0\)$/);
    // Without verification the same build goes through: nothing else looks.
    expect(() => build(graph, { verify: false }, loader)).not.toThrow();
  });

  it("verifies the final program", () => {
    // A constant index far past every array the steps pass: fine in each function, not in the program.
    const loader = corrupting((fn, _rec, out) => {
      const arr = fn.params.find((p) => p.type.kind === "array" && !p.written && p.type.elem === "i8");
      if (!arr) return;
      const value: Expr = { k: "load", array: arr.name, elem: "i8", index: { k: "const", type: "i32", value: 1 << 20 }, type: "i32" };
      fn.body.unshift({ k: "store", array: out, elem: "i8", index: { k: "const", type: "i32", value: 0 }, value });
    });
    expect(errorOf(() => build(graph, { verify: true }, loader)))
      .toMatch(/^KIR verify \[array-bounds\] step 0 \(op 0 CONV_2D\) -> conv_2d(?:_dsp)?_0: argument \d \(\w+\) for '\w+': constant index 1048576 .* \(after build \(codegen\)\)$/);
    expect(errorOf(() => build(graph, { verify: true, specialize: false }, loader)))
      .toMatch(/^KIR verify \[array-bounds\] step 0 .* \(after build \(codegen, specialize off\)\)$/);
  });

  it("is switched by BuildOptions.verify, else MOTE_VERIFY=1", () => {
    const saved = process.env.MOTE_VERIFY;
    try {
      process.env.MOTE_VERIFY = "1";
      expect([verifying({}), verifying({ verify: false })]).toEqual([true, false]);
      delete process.env.MOTE_VERIFY;
      expect([verifying({}), verifying({ verify: true })]).toEqual([false, true]);
    } finally {
      if (saved === undefined) delete process.env.MOTE_VERIFY;
      else process.env.MOTE_VERIFY = saved;
    }
  });
});
