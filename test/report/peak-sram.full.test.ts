/**
 * @fileoverview Issue 4's bar: on each of the five shared models, the default compile's peak SRAM
 * (library .data + .bss, arena included, + painted stack; compiler/report/) is at most 0.6x
 * TFLite Micro + CMSIS-NN's `peak_sram_bytes` in ../shared/anchors.json, measured the same way.
 * One firmware build and QEMU run per model, so it runs in `npm run test:full`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { compileCommand } from "../../compiler/cli/compile.ts";
import { DEFAULT_PLAN } from "../../compiler/plan/planner.ts";
import { DEFAULT_BOARD } from "../../compiler/toolchain/boards.ts";
import { needShared, needTools, sharedFile } from "../support/shared.ts";

const MODELS = ["ad01_int8", "kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "str_ww_ref_model"];
const tools = needTools("arm-none-eabi-gcc", "arm-none-eabi-readelf", "arm-none-eabi-nm", "qemu-system-arm");
const data = needShared("anchors.json", ...MODELS.map((m) => `models/${m}.tflite`));

describe.skipIf(tools.skip || data.skip)("peak SRAM <= 0.6x TFLM + CMSIS-NN", () => {
  const anchors = data.ok ? JSON.parse(fs.readFileSync(sharedFile("anchors.json"), "utf8")) : { models: {} };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-peak-"));
  for (const model of MODELS) {
    it(model, async () => {
      const out = path.join(tmp, model);
      const write = process.stderr.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        await compileCommand(sharedFile("models", `${model}.tflite`), { out, board: DEFAULT_BOARD, plan: DEFAULT_PLAN, mode: "codegen", firmware: true });
      } finally {
        process.stderr.write = write;
      }
      const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
      const tflm = anchors.models[model].tflm_cmsis_nn.peak_sram_bytes as number;
      console.log(`${model}: peak SRAM ${report.peak_sram_bytes} B = ${(report.peak_sram_bytes / tflm).toFixed(2)}x TFLM+CMSIS-NN (${tflm} B)`);
      expect(report.peak_sram_bytes).toBeLessThanOrEqual(0.6 * tflm);
    }, 300_000);
  }
});
