/**
 * @fileoverview Generated C under AddressSanitizer and UndefinedBehaviorSanitizer, the fast
 * version (the whole set is sanitized.full.test.ts): one shared model in both modes and a handful
 * of golden-ops cases (int8, 16x8, float, SVDF state over three invocations) built with the strict warnings
 * (-Wall -Wextra -Wconversion -Wcast-qual -Werror) and -fsanitize=address,undefined
 * -fno-sanitize-recover, run on their golden inputs: clean, and bit-exact with TFLite Micro.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HOST_CFLAGS, STRICT_WARNINGS } from "../../compiler/toolchain/host.ts";
import { FIRMWARE_CFLAGS } from "../../compiler/toolchain/firmware.ts";
import type { GoldenOpsCase } from "../support/golden_ops.ts";
import { expectSanitizedCase, expectSanitizedModel } from "../support/sanitized-golden.ts";
import { removeSanitizedWorkDir } from "../support/sanitized-build.ts";
import { needModels, needShared, needTools, sharedFile } from "../support/shared.ts";

const kws = needModels("kws_ref_model");
const ops = needShared("golden-ops", "golden-ops-2");
const gcc = needTools("gcc");
afterAll(removeSanitizedWorkDir);

const CASES: Record<string, string[]> = {
  "golden-ops": ["conv_3x3_s2_same_relu6", "softmax_2d_beta05", "resize_bilinear_half_pixel"],
  "golden-ops-2": ["conv16x8_3x3_s1_same", "svdf_rank1_multi_invoke", "log_softmax", "tanh_int16_nonpot", "dequantize_int16_to_f32"],
};

it("every host and firmware build treats the strict warnings as errors", () => {
  for (const flag of ["-Wall", "-Wextra", "-Wconversion", "-Wcast-qual", "-Werror"]) {
    expect(STRICT_WARNINGS).toContain(flag);
    expect(HOST_CFLAGS).toContain(flag);
    expect(FIRMWARE_CFLAGS).toContain(flag);
  }
});

describe.skipIf(gcc.skip)("generated C under ASan + UBSan (a sample)", () => {
  describe.skipIf(kws.skip)("kws_ref_model", () => {
    for (const mode of ["codegen", "interpreter"] as const) {
      it.concurrent(`${mode}: golden inputs 0-1 run clean and match TFLite Micro`, async () => {
        await expectSanitizedModel("kws_ref_model", mode, [0, 1]);
      });
    }
  });
  describe.skipIf(ops.skip)("golden-ops cases", () => {
    for (const [suite, names] of Object.entries(CASES)) {
      for (const name of names) {
        it.concurrent(`${suite}/${name}`, async () => {
          // Built here: goldenOpsCases would lower all ~200 cases to find these few.
          const dir = sharedFile(suite, name);
          const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8")) as { multi_invoke?: { invocations: number } };
          const c: GoldenOpsCase = { name, dir, ops: [], supported: true, invocations: meta.multi_invoke?.invocations };
          await expectSanitizedCase(c);
        });
      }
    }
  });
});
