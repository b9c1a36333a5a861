/**
 * @fileoverview Both audio front ends, composed with their models, build as firmware for both
 * real boards (STM32F746G-DISCO, NUCLEO-H743ZI; the boards' flags with -Wall -Wextra -Werror),
 * and the front ends' float code is what the agreement bound assumes: the square root is
 * VSQRT.F32 (kws-mfcc), nothing calls sqrtf or another libm function, no fused multiply-add
 * (VFMA/VFMS/VFNMA/VFNMS) and no double-precision instruction.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { buildBoardFirmware } from "../../compiler/toolchain/board-firmware.ts";
import { needShared, needTools, sharedFile } from "../support/shared.ts";

const need = needShared("models/kws_ref_model.tflite", "models/str_ww_ref_model.tflite");
const arm = needTools("arm-none-eabi-gcc", "arm-none-eabi-objdump", "arm-none-eabi-objcopy", "arm-none-eabi-readelf", "arm-none-eabi-nm");
const CASES = [["kws_ref_model", "kws-mfcc"], ["str_ww_ref_model", "sww-log-mel"]] as const;
const BOARDS = ["stm32f746g-disco", "nucleo-h743zi"] as const;

describe.skipIf(need.skip || arm.skip)("audio front ends on the real boards' firmware", () => {
  for (const [model, preset] of CASES) {
    for (const board of BOARDS) {
      it(`${model} + ${preset} for ${board}`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-signal-board-"));
        try {
          const lib = path.join(dir, "lib");
          writeCLibrary(buildFor(attachAudioFrontEnd(loadModel(sharedFile(`models/${model}.tflite`)), preset)).program, lib);
          const r = await buildBoardFirmware(lib, board, path.join(dir, "out"));
          const asm = execFileSync("arm-none-eabi-objdump", ["-d", r.elf], { maxBuffer: 1 << 28 }).toString();
          if (preset === "kws-mfcc") expect(asm).toMatch(/\tvsqrt\.f32\t/);
          expect(asm).not.toMatch(/\tbl?\t[^\n]*<(sqrtf|logf|log10f|__errno)>/);
          expect(asm).not.toMatch(/\tvfn?m[as]\./);
          expect(asm).not.toMatch(/\.f64\t/);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
