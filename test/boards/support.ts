/**
 * @fileoverview Helpers of the real-board tests: the C library of a shared model in a temporary
 * folder, and the checks of a board ELF against the board's memory map (vector table from the
 * .bin, which starts at the flash origin; symbols from arm-none-eabi-nm; sections from readelf).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "vitest";

import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { tensorBytes, type Graph } from "../../compiler/ir/graph.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import type { Board } from "../../compiler/toolchain/boards.ts";
import type { BoardFirmwareResult } from "../../compiler/toolchain/board-firmware.ts";
import { sharedFile } from "../support/shared.ts";

/** Writes `model`'s C library (codegen, default plan) into a fresh temp folder. */
export function libraryOf(model: string): { dir: string; graph: Graph } {
  const graph = loadModel(sharedFile("models", `${model}.tflite`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mote-boards-${model}-`));
  writeCLibrary(buildFor(graph, {}).program, dir);
  return { dir, graph };
}

/** One input per model input, every byte the zero point. */
export function zeroPoints(graph: Graph): Uint8Array[] {
  return graph.inputs.map((t) => new Uint8Array(tensorBytes(graph.tensors[t]!)).fill((graph.tensors[t]!.quant?.zeroPoint[0] ?? 0) & 0xff));
}

/** Symbol name → address (arm-none-eabi-nm). */
export function symbols(elf: string): Map<string, number> {
  const out = spawnSync("arm-none-eabi-nm", [elf], { encoding: "utf8" }).stdout;
  const map = new Map<string, number>();
  for (const m of out.matchAll(/^([0-9a-f]{8}) \w (\S+)$/gm)) map.set(m[2]!, parseInt(m[1]!, 16));
  return map;
}

/** Allocated sections: name, address, size (readelf -S). */
export function sections(elf: string): { name: string; addr: number; size: number }[] {
  const out = spawnSync("arm-none-eabi-readelf", ["-S", "-W", elf], { encoding: "utf8" }).stdout;
  return [...out.matchAll(/^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]{8})\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+(\S*A\S*)\s/gm)].map((m) => ({
    name: m[1]!, addr: parseInt(m[2]!, 16), size: parseInt(m[3]!, 16),
  }));
}

const inside = (board: Board, kind: "flash" | "ram", from: number, to: number) =>
  board.memories.some((m) => m.kind === kind && m.origin <= from && to <= m.origin + m.length);

/** The checks every board ELF passes: vector table, stack, arena and sections in the board's memories. */
export function checkBoardElf(board: Board, fw: BoardFirmwareResult): void {
  const sym = symbols(fw.elf);
  const bin = fs.readFileSync(fw.bin);
  const flash = board.memories.find((m) => m.kind === "flash")!;
  const sp = bin.readUInt32LE(0);
  const reset = bin.readUInt32LE(4);
  // Initial SP = top of the stack, which the linker script put at the bottom of DTCM.
  const dtcm = board.memories.find((m) => m.name === "dtcm")!;
  expect(sym.get("__stack_bottom")).toBe(dtcm.origin);
  expect(sp).toBe(sym.get("__stack_top"));
  expect(sp).toBe(dtcm.origin + board.stackBytes);
  expect(sp % 8).toBe(0);
  // Reset vector: Reset_Handler in flash, Thumb bit set.
  expect(reset & 1).toBe(1);
  expect(reset - 1).toBe(sym.get("Reset_Handler"));
  expect(inside(board, "flash", reset - 1, reset)).toBe(true);
  expect(sym.get("mote_vector_table")).toBe(flash.origin);
  // .data, .bss (the arena) in RAM after the stack; everything allocated inside a memory of the board.
  const arena = sym.get("mote_arena");
  if (arena !== undefined) expect(inside(board, "ram", arena, arena + 1)).toBe(true);
  expect(sym.get("__data_start")).toBe(fw.placement.data.origin);
  expect(sym.get("__data_start")!).toBeGreaterThanOrEqual(sym.get("__stack_top")!);
  expect(inside(board, "ram", sym.get("__bss_start")!, sym.get("__bss_end")!)).toBe(true);
  for (const s of sections(fw.elf)) {
    const kind = s.name === ".stack" || s.name === ".data" || s.name === ".bss" ? "ram" : "flash";
    expect(inside(board, kind, s.addr, s.addr + s.size), `${s.name} at 0x${s.addr.toString(16)}`).toBe(true);
  }
  expect(fw.binBytes).toBe(bin.length);
  expect(bin.length).toBeLessThanOrEqual(flash.length);
}
