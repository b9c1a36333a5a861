/**
 * @fileoverview All five shared models build for both real boards (STM32F746G-DISCO,
 * NUCLEO-H743ZI) with -Wall -Wextra -Werror, each with the golden input_0 compiled in, a
 * profiling build (-DMOTE_PROFILE) of one, and every ELF passes the memory-map checks of
 * boards.test.ts (vector table, stack, arena, sections). Part of `npm run test:full`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { buildBoardFirmware } from "../../compiler/toolchain/board-firmware.ts";
import { loadBoard } from "../../compiler/toolchain/boards.ts";
import { MODEL_NAMES, needModels, needTools, readBytes, sharedFile } from "../support/shared.ts";
import { checkBoardElf, libraryOf, symbols } from "./support.ts";

const BOARDS = ["stm32f746g-disco", "nucleo-h743zi"] as const;
const models = needModels(...MODEL_NAMES);
const arm = needTools("arm-none-eabi-gcc", "arm-none-eabi-nm", "arm-none-eabi-readelf", "arm-none-eabi-objcopy");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-boards-full-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(models.skip || arm.skip)("every shared model on both real boards", () => {
  it.each(MODEL_NAMES)("%s", async (model) => {
    const { dir, graph } = libraryOf(model);
    try {
      const inputs = graph.inputs.map((_, i) => readBytes(sharedFile("golden", model, `input_${i}.bin`)));
      for (const name of BOARDS) {
        const board = loadBoard(name);
        const fw = await buildBoardFirmware(dir, board, path.join(tmp, model, name), { inputs, inputName: "input_0.bin" });
        checkBoardElf(board, fw);
        expect(symbols(fw.elf).has("mote_invoke")).toBe(true);
      }
      if (model === "kws_ref_model") {
        const fw = await buildBoardFirmware(dir, "nucleo-h743zi", path.join(tmp, model, "profile"), { inputs, profile: true });
        expect(symbols(fw.elf).has("mote_profile_report")).toBe(true);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
