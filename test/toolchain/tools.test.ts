/**
 * @fileoverview Tests compiler/toolchain/tools.ts, boards.ts and the pure helpers of
 * exec.ts/firmware.ts: missing tools name their Debian package, board descriptions load with
 * the memories of GUIDE §6, unknown boards list the known ones, readelf output is classified.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { MoteError } from "../../compiler/diagnostics.ts";
import { DEFAULT_BOARD, flashBytes, largestRamRegion, listBoards, loadBoard, ramBytes, isRealBoard } from "../../compiler/toolchain/boards.ts";
import { summarizeCompilerErrors } from "../../compiler/toolchain/exec.ts";
import { classifySections } from "../../compiler/toolchain/firmware.ts";
import { findTool } from "../../compiler/toolchain/tools.ts";

function thrown(action: () => unknown): MoteError {
  try {
    action();
  } catch (error) {
    if (error instanceof MoteError) return error;
    throw error;
  }
  throw new Error("expected a MoteError");
}

describe("findTool", () => {
  it("missing arm-none-eabi-gcc is error 5001 naming the Debian package", () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "mote-empty-path-"));
    try {
      const error = thrown(() => findTool("arm-none-eabi-gcc", empty));
      expect(error.code).toBe(5001);
      expect(error.oneLine()).toBe(
        "error MOTE5001: arm-none-eabi-gcc not found (install it: apt-get install gcc-arm-none-eabi)",
      );
      expect(thrown(() => findTool("qemu-system-arm", empty)).hint).toBe("install it: apt-get install qemu-system-arm");
      expect(thrown(() => findTool("arm-none-eabi-readelf", empty)).hint).toContain("binutils-arm-none-eabi");
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it("finds an executable on the given PATH and ignores non-executable files", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mote-fake-path-"));
    const other = mkdtempSync(path.join(os.tmpdir(), "mote-fake-path-"));
    try {
      writeFileSync(path.join(other, "gcc"), "not executable");
      writeFileSync(path.join(dir, "gcc"), "#!/bin/sh\n");
      chmodSync(path.join(dir, "gcc"), 0o755);
      expect(findTool("gcc", [other, dir].join(path.delimiter))).toBe(path.join(dir, "gcc"));
      expect(thrown(() => findTool("gcc", other)).code).toBe(5001);
    } finally {
      rmSync(dir, { recursive: true });
      rmSync(other, { recursive: true });
    }
  });
});

describe("boards", () => {
  it("lists the three boards", () => {
    expect(listBoards()).toEqual(["nucleo-h743zi", "qemu-mps2-an500", "stm32f746g-disco"]);
  });

  it("qemu-mps2-an500 matches QEMU's memory map and builds firmware", () => {
    const board = loadBoard(DEFAULT_BOARD);
    expect(board.core).toBe("cortex-m7");
    expect(board.cflags).toEqual(["-mcpu=cortex-m7", "-mthumb", "-mfpu=fpv5-d16", "-mfloat-abi=hard", "-O2"]);
    expect(board.memories.map((m) => [m.kind, m.origin, m.length])).toEqual([
      ["flash", 0x0, 4 * 1024 * 1024],
      ["ram", 0x20000000, 4 * 1024 * 1024],
    ]);
    expect(board.firmware?.sources).toContain("main.c");
    expect(board.simulated).toBe(true);
  });

  it("real boards carry GUIDE §6's clocks and memory totals", () => {
    const f746 = loadBoard("stm32f746g-disco");
    expect(f746.clockHz).toBe(216_000_000);
    expect(ramBytes(f746)).toBe(320 * 1024);
    expect(flashBytes(f746)).toBe(1024 * 1024);
    expect(largestRamRegion(f746).name).toBe("sram1");
    const h743 = loadBoard("nucleo-h743zi");
    expect(h743.clockHz).toBe(480_000_000);
    expect(ramBytes(h743)).toBe((128 + 512 + 288 + 64) * 1024);
    expect(flashBytes(h743)).toBe(2 * 1024 * 1024);
    expect(largestRamRegion(h743)).toMatchObject({ name: "axi-sram", origin: 0x24000000 });
    for (const board of [f746, h743]) {
      expect(isRealBoard(board)).toBe(true);
      expect(board.firmware).toMatchObject({ linkerScript: "../common/link.ld", stackMemory: "dtcm", flashAddress: 0x08000000 });
    }
    expect(isRealBoard(loadBoard("qemu-mps2-an500"))).toBe(false);
  });

  it("unknown board is error 5003 listing the boards", () => {
    const error = thrown(() => loadBoard("esp32"));
    expect(error.code).toBe(5003);
    expect(error.message).toBe("unknown board esp32. Boards: nucleo-h743zi, qemu-mps2-an500, stm32f746g-disco");
  });
});

describe("section sizes", () => {
  it("classifies readelf -S output into text, rodata, data and bss", () => {
    const readelf = `
  [Nr] Name              Type            Addr     Off    Size   ES Flg Lk Inf Al
  [ 0]                   NULL            00000000 000000 000000 00      0   0  0
  [ 1] .isr_vector       PROGBITS        00000000 001000 0000c0 00   A  0   0  4
  [ 2] .text             PROGBITS        000000c0 0010c0 00095c 00  AX  0   0 64
  [ 3] .rodata           PROGBITS        00000a1c 001a1c 00020c 00   A  0   0  4
  [ 4] .data             PROGBITS        20000000 001c28 000010 00  WA  0   0  8
  [ 5] .bss              NOBITS          20000010 002000 000050 00  WA  0   0 16
  [ 6] .stack            NOBITS          203f0000 002000 010000 00  WA  0   0  1
  [ 7] .comment          PROGBITS        00000000 001c28 000026 01  MS  0   0  1
  [ 8] .ARM.attributes   ARM_ATTRIBUTES  00000000 001c4e 000030 00      0   0  1
`;
    expect(classifySections(readelf)).toEqual({ text: 0xc0 + 0x95c, rodata: 0x20c, data: 0x10, bss: 0x50 });
  });

  it("summarizes compiler errors on one line", () => {
    const log = "model.c: In function 'f':\nmodel.c:3:5: error: unknown type name 'foo'\nnote: x\nld: undefined reference to `_sbrk'\n";
    expect(summarizeCompilerErrors(log)).toBe("model.c:3:5: error: unknown type name 'foo' | ld: undefined reference to `_sbrk'");
  });
});
