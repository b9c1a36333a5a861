/**
 * @fileoverview The real boards (STM32F746G-DISCO, NUCLEO-H743ZI), without the boards: kws_ref_model
 * builds for both with -Wall -Wextra -Werror, and each ELF's vector table, stack, arena and
 * sections sit where the board's memory map says; RAM placement falls back from DTCM to the next
 * RAM; a firmware that does not fit fails with MOTE4002 and the linker's exact shortfall (flash
 * and RAM); `mote compile --board` writes ELF, .bin and the placement in the report and prints how
 * to flash; a failed compile leaves no half-written folder; the serial-log parser reads a
 * captured log. All five models: boards.full.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { buildBoardFirmware, boardRegions, memoryScript, regionOverflows, type BoardFirmwareResult } from "../../compiler/toolchain/board-firmware.ts";
import { loadBoard, type Board } from "../../compiler/toolchain/boards.ts";
import { FIRMWARE_CFLAGS } from "../../compiler/toolchain/firmware.ts";
import { flashBoard, flashCommands, flashInstructions } from "../../compiler/toolchain/flash.ts";
import { parseSerialLog, summarizeSerialLog } from "../../compiler/toolchain/serial-log.ts";
import { opNames, serialLogCommand, serialLogText } from "../../compiler/cli/board.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { moteIn } from "../support/cli.ts";
import { fixture } from "../support/fixtures.ts";
import { REPO, needModels, needTools, sharedFile } from "../support/shared.ts";
import { checkBoardElf, libraryOf, symbols, zeroPoints } from "./support.ts";

const BOARDS = ["stm32f746g-disco", "nucleo-h743zi"] as const;
const kws = needModels("kws_ref_model");
const arm = needTools("arm-none-eabi-gcc", "arm-none-eabi-nm", "arm-none-eabi-readelf", "arm-none-eabi-objcopy");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-boards-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A board with some memories resized (a description of a smaller part). */
function resized(name: string, lengths: Record<string, number>): Board {
  const board = loadBoard(name);
  return { ...board, memories: board.memories.map((m) => (lengths[m.name] !== undefined ? { ...m, length: lengths[m.name]! } : m)) };
}

describe("board descriptions", () => {
  it.each(BOARDS)("%s places the stack at the bottom of DTCM and .data/.bss after it", (name) => {
    const board = loadBoard(name);
    const r = boardRegions(board);
    expect(r.stack).toEqual({ memory: "dtcm", origin: 0x20000000, length: board.stackBytes });
    expect(r.data[0]!.origin).toBe(0x20000000 + board.stackBytes);
    expect(r.flash.origin).toBe(0x08000000);
    expect(board.firmware?.uart).toMatch(/115200 8N1/);
  });

  it("the F746's DTCM continues into SRAM1 and SRAM2; the H743 tries DTCM, then AXI SRAM", () => {
    expect(boardRegions(loadBoard("stm32f746g-disco")).data.map((d) => [d.memory, d.length])).toEqual([["dtcm+sram1+sram2", 320 * 1024 - 8192]]);
    expect(boardRegions(loadBoard("nucleo-h743zi")).data.map((d) => [d.memory, d.origin, d.length])).toEqual([
      ["dtcm", 0x20002000, 128 * 1024 - 8192],
      ["axi-sram", 0x24000000, 512 * 1024],
    ]);
    expect(memoryScript(loadBoard("nucleo-h743zi"), ...(() => { const r = boardRegions(loadBoard("nucleo-h743zi")); return [r.flash, r.stack, r.data[1]!] as const; })()))
      .toMatch(/MOTE_DATA_RAM +\(rw\) : ORIGIN = 0x24000000, LENGTH = 524288/);
  });

  it("reads ld's overflow lines", () => {
    const log = "ld: firmware.elf section `.bss' will not fit in region `MOTE_DATA_RAM'\nld: region `MOTE_DATA_RAM' overflowed by 4660 bytes\nld: region `FLASH' overflowed by 12 bytes\n";
    expect([...regionOverflows(log)]).toEqual([["MOTE_DATA_RAM", 4660], ["FLASH", 12]]);
  });

  it("prints st-flash and OpenOCD lines with the board's address and config", () => {
    const board = loadBoard("nucleo-h743zi");
    expect(flashCommands(board, "out/firmware.elf")).toEqual({
      "st-flash": ["--reset", "write", "out/firmware.bin", "0x08000000"],
      openocd: ["-f", "board/st_nucleo_h743zi.cfg", "-c", "program out/firmware.elf verify reset exit"],
    });
    expect(flashInstructions(loadBoard("stm32f746g-disco"), "out/firmware.elf").join("\n")).toMatch(/openocd -f board\/stm32f746g-disco.cfg -c "program out\/firmware.elf verify reset exit"/);
  });
});

describe("mote flash without a board", () => {
  const elf = path.join(tmp, "fake", "firmware.elf");
  const saved = process.env.PATH;
  beforeAll(() => {
    fs.mkdirSync(path.dirname(elf), { recursive: true });
    fs.writeFileSync(elf, "");
    fs.writeFileSync(path.join(tmp, "fake", "firmware.bin"), "");
  });
  afterAll(() => {
    process.env.PATH = saved;
  });

  it("names both tools to install when neither st-flash nor openocd is there", async () => {
    process.env.PATH = path.join(tmp, "empty-path");
    await expect(flashBoard(loadBoard("stm32f746g-disco"), elf)).rejects.toMatchObject({
      code: 5001, message: "st-flash or openocd not found", hint: expect.stringMatching(/stlink-tools.*openocd/),
    });
  });

  it("says no probe answered when st-flash finds no ST-LINK", async () => {
    const bin = path.join(tmp, "fake-bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "st-flash"), "#!/bin/sh\necho 'st-flash 1.7.0'\necho \"Couldn't find any ST-Link devices\" >&2\nexit 255\n", { mode: 0o755 });
    process.env.PATH = bin;
    await expect(flashBoard(loadBoard("nucleo-h743zi"), elf)).rejects.toMatchObject({
      code: 5030, message: expect.stringMatching(/^st-flash could not flash .*firmware.elf: no ST-LINK probe answered: Couldn't find any ST-Link devices$/),
    });
  });
});

describe.skipIf(kws.skip || arm.skip)("kws_ref_model firmware for both boards", () => {
  let lib = "";
  let graph: Graph;
  const built = new Map<string, BoardFirmwareResult>();
  beforeAll(async () => {
    ({ dir: lib, graph } = libraryOf("kws_ref_model"));
    for (const name of BOARDS) built.set(name, await buildBoardFirmware(lib, name, path.join(tmp, name), { inputs: zeroPoints(graph) }));
  }, 120_000);
  afterAll(() => fs.rmSync(lib, { recursive: true, force: true }));

  it("builds with -Wall -Wextra -Werror", () => {
    expect(FIRMWARE_CFLAGS).toEqual(expect.arrayContaining(["-Wall", "-Wextra", "-Werror"]));
    for (const name of BOARDS) expect(fs.existsSync(built.get(name)!.elf) && fs.existsSync(built.get(name)!.bin)).toBe(true);
  });

  it.each(BOARDS)("%s: vector table, stack, arena and sections inside the board's memory map", (name) => {
    const fw = built.get(name)!;
    checkBoardElf(loadBoard(name), fw);
    expect(fw.placement.stack.memory).toBe("dtcm");
    expect(fw.placement.arena?.memories).toEqual(["dtcm"]); // kws's 8,800-byte arena fits DTCM
    expect(fw.placement.tried).toEqual([]);
  });

  it("the H743 moves .data/.bss to AXI SRAM when DTCM is too small, naming how short DTCM was", async () => {
    const fw = built.get("nucleo-h743zi")!;
    const sym = symbols(fw.elf);
    const used = sym.get("__bss_end")! - sym.get("__data_start")!;
    const board = resized("nucleo-h743zi", { dtcm: 8192 + 4096 });
    const moved = await buildBoardFirmware(lib, board, path.join(tmp, "moved")); // no input compiled in: the simplest call
    checkBoardElf(board, moved);
    expect(moved.placement.data.memory).toBe("axi-sram");
    expect(moved.placement.arena?.memories).toEqual(["axi-sram"]);
    expect(moved.placement.tried.map((t) => [t.region.memory, t.shortBytes])).toEqual([["dtcm", used - 4096]]);
  }, 60_000);

  it("fails with MOTE4002 and the exact shortfall when RAM or flash is too small", async () => {
    const h7 = built.get("nucleo-h743zi")!;
    const sym = symbols(h7.elf);
    const used = sym.get("__bss_end")! - sym.get("__data_start")!;
    const tinyRam = resized("nucleo-h743zi", { dtcm: 8192 + 1024, "axi-sram": 2048 });
    await expect(buildBoardFirmware(lib, tinyRam, path.join(tmp, "tiny-ram"), { inputs: zeroPoints(graph) })).rejects.toMatchObject({
      code: 4002,
      message: expect.stringMatching(new RegExp(`RAM axi-sram \\(2048 bytes at 0x24000000.*dtcm was ${used - 1024} bytes short too.* is ${used - 2048} bytes short$`)),
    });
    const f7 = built.get("stm32f746g-disco")!;
    const smallFlash = resized("stm32f746g-disco", { flash: f7.binBytes - 1234 });
    await expect(buildBoardFirmware(lib, smallFlash, path.join(tmp, "small-flash"), { inputs: zeroPoints(graph) })).rejects.toMatchObject({
      code: 4002,
      message: expect.stringMatching(/^firmware does not fit stm32f746g-disco: flash \(flash, \d+ bytes at 0x08000000\).* is 1234 bytes short$/),
    });
    expect(fs.existsSync(path.join(tmp, "tiny-ram")) || fs.existsSync(path.join(tmp, "small-flash"))).toBe(false);
  }, 60_000);
});

describe.skipIf(kws.skip || arm.skip)("mote compile --board (a real board)", () => {
  /** In-process (test/support/cli.ts): the command line and output of the process, without its start-up. */
  const mote = (...args: string[]) => moteIn(args);

  it("writes firmware.elf and firmware.bin, the placement in the report, and how to flash and read it", async () => {
    const out = path.join(tmp, "cli-h743");
    const r = await mote("compile", sharedFile("models", "kws_ref_model.tflite"), "--board", "nucleo-h743zi", "--out", out, "--runs", "3");
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["firmware.elf", "firmware.bin", "firmware.map", "model.c", "report.json", "report.md"]) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
    expect(report.board_firmware).toMatchObject({ stack: { memory: "dtcm", from: "0x20000000" }, arena: { memories: ["dtcm"] }, runs: 3, input: "zero-point", clock_hz: 480_000_000 });
    expect(report.board_firmware.estimate_note).toMatch(/^estimate: .* 1 cycle per instruction/);
    expect(fs.readFileSync(path.join(out, "report.md"), "utf8")).toMatch(/## Board firmware[\s\S]*stack: dtcm, 0x20000000-0x20002000/);
    expect(r.stdout).toContain(`st-flash --reset write ${path.join(out, "firmware.bin")} 0x08000000`);
    expect(r.stdout).toMatch(/openocd -f board\/st_nucleo_h743zi.cfg/);
    expect(fs.readdirSync(tmp).filter((n) => n.includes(".partial-"))).toEqual([]);
  }, 180_000);

  it("rejects an input file of the wrong size, and --input on the QEMU board", async () => {
    const { compileCommand } = await import("../../compiler/cli/compile.ts");
    const bad = path.join(tmp, "bad.bin");
    fs.writeFileSync(bad, new Uint8Array(3));
    const flags = { out: path.join(tmp, "bad"), board: "stm32f746g-disco", plan: "search", mode: "codegen" as const, firmware: true, input: [bad] };
    await expect(compileCommand(sharedFile("models", "kws_ref_model.tflite"), flags)).rejects.toMatchObject({ code: 5005, message: expect.stringMatching(/^input 0 \(.*bad\.bin\): expected 490 bytes/) });
    expect(fs.existsSync(path.join(tmp, "bad"))).toBe(false);
    await expect(compileCommand(sharedFile("models", "kws_ref_model.tflite"), { ...flags, board: "qemu-mps2-an500" })).rejects.toMatchObject({ code: 6008 });
  }, 60_000);
});

describe.skipIf(kws.skip)("a failed compile leaves no half-written output folder", () => {
  it("keeps --out as it was and removes the staging folder", async () => {
    vi.resetModules();
    vi.doMock("../../compiler/cli/compile-board.ts", () => ({
      buildForBoard: async () => {
        const { fail } = await import("../../compiler/diagnostics.ts");
        return fail(4002, "nucleo-h743zi", "RAM axi-sram (for the test)", 99);
      },
    }));
    const { compileCommand } = await import("../../compiler/cli/compile.ts");
    const out = path.join(tmp, "kept");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "old.txt"), "from before");
    const flags = { out, board: "nucleo-h743zi", plan: "search", mode: "codegen" as const, firmware: true };
    await expect(compileCommand(sharedFile("models", "kws_ref_model.tflite"), flags)).rejects.toMatchObject({ code: 4002 });
    expect(fs.readdirSync(out)).toEqual(["old.txt"]);
    await expect(compileCommand(sharedFile("models", "kws_ref_model.tflite"), { ...flags, out: path.join(tmp, "never") })).rejects.toMatchObject({ code: 4002 });
    expect(fs.existsSync(path.join(tmp, "never"))).toBe(false);
    expect(fs.readdirSync(tmp).filter((n) => n.includes(".partial-"))).toEqual([]);
    vi.doUnmock("../../compiler/cli/compile-board.ts");
  }, 60_000);
});

describe("serial log", () => {
  const text = fs.readFileSync(fixture("boards/f746-kws.log"), "latin1");

  it("reads the last report of a captured log, skipping noise and an earlier reset", () => {
    const log = parseSerialLog(text);
    expect(log).toMatchObject({ board: "stm32f746g-disco", clockHz: 216_000_000, input: "yes_1s.bin", runsPlanned: 5, stackBytes: 252, done: true, errors: [] });
    expect(log.runs).toEqual([2160500, 2052000, 2051990, 2052010, 2052004]);
    expect(log.layers).toEqual([{ key: 0, cycles: 512000 }, { key: 1, cycles: 300000 }, { key: 12, cycles: 1200000 }]);
    expect(Array.from(log.outputs[0]!)).toEqual([0x80, 0x80, 0x7f, 0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
  });

  it("gives cycles per inference and milliseconds at the reported clock", () => {
    const s = summarizeSerialLog(parseSerialLog(text), "f746-kws.log");
    expect(s).toMatchObject({ runs: 5, firstCycles: 2160500, medianCycles: 2052002, minCycles: 2051990, maxCycles: 2052010 });
    expect(s.medianMs).toBeCloseTo(2052002 / 216_000, 9);
    const shown = serialLogText(parseSerialLog(text), "f746-kws.log");
    expect(shown).toMatch(/^stm32f746g-disco at 216 MHz/);
    expect(shown).toContain("cycles per inference (DWT CYCCNT, measured on the board): 2,052,002 = 9.500 ms");
    expect(shown).toContain("layer 12: 1,200,000 cycles (59.6 %)");
    expect(shown).toContain("output 0: 12 bytes, as int8: -128 -128 127 10 -128");
  });

  it("a fault or an empty log is MOTE5031 quoting the firmware", () => {
    const fault = parseSerialLog(fs.readFileSync(fixture("boards/h743-fault.log"), "latin1"));
    expect(() => summarizeSerialLog(fault, "h743-fault.log")).toThrow(/MOTE5031|HardFault at pc=0x08001234/);
    expect(() => summarizeSerialLog(parseSerialLog("hello\n"), "x.log")).toThrow(/no "mote: board" line/);
    const bad = parseSerialLog("mote: board b\nmote: clock_hz 1000\nmote: run 1 cycles x\n");
    expect(bad.errors).toEqual(["malformed line: run 1 cycles x"]);
  });

  it("mote serial-log prints the figures of a log file", async () => {
    const r = await moteIn(["serial-log", fixture("boards/f746-kws.log")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("9.500 ms");
    expect(r.stdout).toContain("run 1, cold caches: 2,160,500 = 10.002 ms");
  }, 60_000);

  it("names each layer's op from the build's report.json", () => {
    const report = path.join(tmp, "report.json");
    fs.writeFileSync(report, JSON.stringify({ mode: "codegen", ops: [{ op: 0, opcode: "CONV_2D" }, { op: 12, opcode: "SOFTMAX" }] }));
    const shown = serialLogText(parseSerialLog(text), "f746-kws.log", opNames(report));
    expect(shown).toContain("layer 0 (CONV_2D): 512,000 cycles");
    expect(shown).toContain("layer 1: 300,000 cycles");
    expect(shown).toContain("layer 12 (SOFTMAX): 1,200,000 cycles");
  });

  it("a missing log file is MOTE5031", async () => {
    await expect(serialLogCommand(path.join(tmp, "none.log"), { timeout: "1" })).rejects.toMatchObject({
      code: 5031, message: expect.stringMatching(/^cannot read the serial log .*none.log: no such file$/),
    });
  });
});
