/**
 * @fileoverview The float32 UNIDIRECTIONAL_SEQUENCE_LSTM on the simulated Cortex-M7 (QEMU; `npm
 * run test:full`), codegen and interpreter: TFLite Micro's float unit-test model and a time-major
 * model with a cell clip, each over three invocations on one instance, give the bytes the
 * TypeScript reference gives (which lstm-float.test.ts checks against TFLM's goldens and its float
 * steps). Also runs lstm-float.test.ts with its full case counts (caseCount).
 */
import { describe, expect, it } from "vitest";
import { runInvocations } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { TFLM_INPUT, lstmFloatGraph, tflmFloatSpec, type FloatLstmSpec } from "./lstm-model.ts";
import "./lstm-float.test.ts";

const qemu = needTarget("qemu");
const MODES = [{}, { mode: "interpreter" as const }];
const f = Math.fround;

function timeMajorSpec(): FloatLstmSpec {
  let s = 4242;
  const next = (scale: number) => { s = (Math.imul(s, 1103515245) + 12345) | 0; return f(((s >>> 8) / 2 ** 24 - 0.5) * 2 * scale); };
  const mat = (n: number, scale: number) => Array.from({ length: 4 }, () => Array.from({ length: n }, () => next(scale)));
  return { batches: 2, steps: 3, inputSize: 3, units: 3, timeMajor: true, cellClip: 0.5, w: mat(9, 3), rw: mat(9, 3), b: mat(3, 1) };
}

describe.skipIf(qemu.skip)("float32 LSTM on qemu", () => {
  for (const [name, spec] of [["TFLM's float unit-test model", tflmFloatSpec()], ["a time-major model with cell clip 0.5", timeMajorSpec()]] as const) {
    it(`${name}: three invocations equal the TypeScript reference in both modes`, async () => {
      const graph = lstmFloatGraph(spec, `lstm_float_qemu_${spec.timeMajor ? "tm" : "bm"}`);
      const n = spec.batches * spec.steps * spec.inputSize;
      const x = Float32Array.from({ length: n }, (_, i) => TFLM_INPUT[i % TFLM_INPUT.length]! * (1 + (i % 3)));
      const invocations = [x, x.slice().reverse(), x.map((v) => v * -2.5)].map((v) => [new Uint8Array(v.buffer.slice(0))]);
      const want = (await runInvocations(graph, invocations, "ts")).outputs;
      for (const mode of MODES) {
        expect((await runInvocations(graph, invocations, "qemu", mode)).outputs, mode.mode ?? "codegen").toEqual(want);
      }
    }, 600_000);
  }
});
