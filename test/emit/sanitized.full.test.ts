/**
 * @fileoverview The generated C of every shared model (codegen and interpreter modes) and of every
 * golden-ops / golden-ops-2 case Mote lowers, built with the strict warnings (-Wall -Wextra
 * -Wconversion -Wcast-qual -Werror) and -fsanitize=address,undefined -fno-sanitize-recover, run on
 * all its golden inputs: no sanitizer report and every output bit-exact with TFLite Micro. The
 * five models in both modes also build as Cortex-M7 firmware with arm-none-eabi-gcc and the same
 * warnings. Figures in docs/reliability.md ("Generated C").
 */
import * as os from "node:os";
import * as path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, describe, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { buildFirmware } from "../../compiler/toolchain/firmware.ts";
import { DEFAULT_BOARD } from "../../compiler/toolchain/boards.ts";
import { goldenOpsCases } from "../support/golden_ops.ts";
import { expectSanitizedCase, expectSanitizedModel } from "../support/sanitized-golden.ts";
import { removeSanitizedWorkDir } from "../support/sanitized-build.ts";
import { MODEL_NAMES, needModels, needShared, needTools, sharedFile } from "../support/shared.ts";

const models = needModels(...MODEL_NAMES);
const gcc = needTools("gcc");
const arm = needTools("arm-none-eabi-gcc", "arm-none-eabi-readelf");
const MODES = ["codegen", "interpreter"] as const;
afterAll(removeSanitizedWorkDir);
const SAMPLES = [0, 1, 2, 3, 4, 5, 6, 7];

describe.skipIf(gcc.skip || models.skip)("shared models under ASan + UBSan, every golden input", () => {
  for (const model of MODEL_NAMES) {
    for (const mode of MODES) {
      it.concurrent(`${model} (${mode})`, async () => {
        await expectSanitizedModel(model, mode, SAMPLES);
      }, 900_000);
    }
  }
});

for (const suite of ["golden-ops", "golden-ops-2"] as const) {
  const ops = needShared(suite);
  describe.skipIf(gcc.skip || ops.skip)(`${suite} under ASan + UBSan, every sample`, () => {
    for (const c of ops.ok ? goldenOpsCases(suite) : []) {
      if (!c.supported) continue;
      it.concurrent(c.name, async () => {
        await expectSanitizedCase(c);
      }, 300_000);
    }
  });
}

describe.skipIf(arm.skip || models.skip)("shared models as Cortex-M7 firmware with the strict warnings", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "mote-strict-arm-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  for (const model of MODEL_NAMES) {
    for (const mode of MODES) {
      it.concurrent(`${model} (${mode}) builds for ${DEFAULT_BOARD}`, async () => {
        const program = buildFor(loadModel(sharedFile("models", `${model}.tflite`)), { mode }).program;
        const dir = path.join(work, `${model}-${mode}`);
        writeCLibrary(program, dir);
        await buildFirmware(dir, DEFAULT_BOARD, path.join(dir, "firmware.elf"));
      }, 600_000);
    }
  }
});
