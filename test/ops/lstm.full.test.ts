/**
 * @fileoverview UNIDIRECTIONAL_SEQUENCE_LSTM on the simulated Cortex-M7 (QEMU; `npm run
 * test:full`), codegen and interpreter: TFLite Micro's unit-test vectors (int8, 16x8; see
 * test/ops/lstm-model.ts) give the same bytes as the TypeScript reference (which
 * test/ops/lstm.test.ts checks against TFLM's goldens), the golden-ops-2 lstm cases in
 * interpreter mode (codegen: conformance2.full.test.ts) with the multi-invoke case as three
 * invocations in one QEMU run, and a streamed model over four invocations.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runInvocations } from "../../compiler/run/targets.ts";
import { needShared, needTarget, readBytes } from "../support/shared.ts";
import { goldenOpsCases } from "../support/golden_ops.ts";
import { TFLM_INPUT, bytesOf, lstmGraph, quantize, tflmSpec } from "./lstm-model.ts";

const qemu = needTarget("qemu");
const ops = needShared("golden-ops-2");
const MODES = [{}, { mode: "interpreter" as const }];

describe.skipIf(qemu.skip)("LSTM on qemu", () => {
  for (const act of ["int8", "int16"] as const) {
    it(`TFLM's ${act} unit-test model, and 4 streamed invocations, equal the TypeScript reference in both modes`, async () => {
      const spec = tflmSpec(act);
      const graph = lstmGraph(spec, `tflm_lstm_${act}_qemu`);
      const x = bytesOf(quantize(TFLM_INPUT, spec.input.scale, spec.input.zeroPoint, act), act);
      const invocations = [[x], [x.slice().reverse()], [x], [x.map((b) => b ^ 0x55)]];
      const want = (await runInvocations(graph, invocations, "ts")).outputs;
      for (const mode of MODES) {
        expect((await runInvocations(graph, invocations, "qemu", mode)).outputs, mode.mode ?? "codegen").toEqual(want);
      }
    }, 600_000);
  }

  for (const c of ops.ok ? goldenOpsCases("golden-ops-2").filter((c) => c.name.startsWith("lstm")) : []) {
    it(`${c.name} (interpreter mode)`, async () => {
      const graph = loadModel(path.join(c.dir, "model.tflite"));
      const want = [0, 1, 2].map((k) => readBytes(path.join(c.dir, `output_0_${k}.bin`)));
      const samples = [0, 1, 2].map((k) => [readBytes(path.join(c.dir, `input_0_${k}.bin`))]);
      if (c.name.endsWith("multi_invoke")) {
        const got = (await runInvocations(graph, samples, "qemu", { mode: "interpreter" })).outputs;
        got.forEach((o, k) => expect(o[0], `invocation ${k}`).toEqual(want[k]));
      } else {
        for (let k = 0; k < 3; k++) {
          const got = (await runInvocations(graph, [samples[k]!], "qemu", { mode: "interpreter" })).outputs;
          expect(got[0]![0], `sample ${k}`).toEqual(want[k]);
        }
      }
    }, 600_000);
  }
});
