/**
 * @fileoverview `--specialize off` (codegen mode, generic kernels called with constant records,
 * compiler/build/generic.ts) is bit-exact with TFLite Micro: golden inputs 0..3 of ad01_int8 and
 * kws_ref_model on ts, wasm and host C (ts runs the kernels directly whatever the setting; it is
 * here so all three targets are checked in both settings), and the generic kernels are emitted
 * MOTE_NOIPA. qemu in this setting is covered by the bench (compiler/bench/), which fails on any
 * mismatch.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import { needModels, needTarget, sharedFile } from "../support/shared.ts";
import { goldenMismatches } from "../support/golden.ts";

const MODELS = ["ad01_int8", "kws_ref_model"];
const SAMPLES = [0, 1, 2, 3];

const data = needModels(...MODELS);
const host = needTarget("host");

describe.skipIf(data.skip)("--specialize off: golden outputs", () => {
  for (const model of MODELS) {
    it(`${model}: steps call generic kernels with record constants`, () => {
      const graph = loadModel(sharedFile("models", `${model}.tflite`));
      const { program } = buildFor(graph, { specialize: false });
      expect(program.records.length).toBeGreaterThan(0);
      for (const s of program.steps) {
        expect(s.args[0].k, s.label).toBe("record");
        expect(program.functions.some((f) => f.name === s.fn), s.fn).toBe(true);
      }
      // gcc must not inline or constant-propagate the records into them: they stay generic (the
      // steps' kernels and those of mote_quantize_input / mote_dequantize_output).
      const conversions = [...program.inputs, ...program.outputs].flatMap((t) => (t.convert ? [t.convert.fn] : []));
      expect(conversions).toEqual(["mote_quantize", "mote_dequantize"]);
      expect(program.noIpa).toEqual([...new Set([...program.steps.map((s) => s.fn), ...conversions])].sort());
      const modelC = emitCLibrary(program)["model.c"];
      for (const fn of program.noIpa!) expect(modelC).toMatch(new RegExp(`static MOTE_NOIPA void ${fn}\\(`));
      const specialized = buildFor(graph, { specialize: true }).program;
      expect(specialized.noIpa).toBeUndefined();
      expect(specialized.steps.every((s) => s.args.every((a) => a.k !== "record"))).toBe(true);
    });
    for (const target of ["ts", "wasm", "host"] as const) {
      it.skipIf(target === "host" && host.skip)(`${model} on ${target}`, async () => {
        const graph = loadModel(sharedFile("models", `${model}.tflite`));
        const mismatches = await goldenMismatches(graph, model, SAMPLES, target, { specialize: false });
        expect(mismatches, "inputs whose output differs from golden").toEqual([]);
      }, 300_000);
    }
  }
});
