/**
 * @fileoverview The real-board half of `mote compile --board stm32f746g-disco|nucleo-h743zi`:
 * builds the board firmware (compiler/toolchain/board-firmware.ts: ELF, .bin, map; the exact fit
 * against the board's memories, MOTE4002), reads the library's own sizes from the map, measures
 * the stack and instruction count with the QEMU build of the same library (a real board cannot
 * run here; the report says so), checks the measured stack against the stack the linker script
 * reserves, and gives the report's "board_firmware" part.
 */
import * as path from "node:path";

import { fail } from "../diagnostics.ts";
import type { Graph } from "../ir/graph.ts";
import type { ModelProgram } from "../ir/program.ts";
import { failInvokeStatus } from "../build/interpreter/status.ts";
import { buildBoardFirmware, type BoardFirmwareResult } from "../toolchain/board-firmware.ts";
import { DEFAULT_BOARD, loadBoard, type Board } from "../toolchain/boards.ts";
import { buildFirmware, runQemu } from "../toolchain/firmware.ts";
import { librarySources } from "../toolchain/host.ts";
import { makeRunDir, removeRunDir } from "../toolchain/tensor-files.ts";
import { findTool } from "../toolchain/tools.ts";
import { librarySizes } from "../report/linker-map.ts";
import type { BoardFirmwareReport, Measured } from "../report/report.ts";

export interface BoardBuildFlags {
  /** Inputs compiled into the firmware (zero points unless --input). */
  inputs: Uint8Array[];
  inputName: string;
  runs: number;
  profile: boolean;
  /** The library the firmware links (default names: the harness calls mote_*), when not `out`. */
  libDir?: string;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

/** Stack and instructions of one inference of the library `out`, built for QEMU in a scratch dir. */
async function measureInQemu(graph: Graph, program: ModelProgram, out: string, inputs: Uint8Array[]): Promise<{ stackBytes: number; instructions: number } | undefined> {
  try {
    findTool("qemu-system-arm");
  } catch {
    return undefined;
  }
  const dir = await makeRunDir("qemu-stack");
  try {
    const qemu = loadBoard(DEFAULT_BOARD);
    const elf = path.join(dir, "firmware.elf");
    await buildFirmware(out, qemu, elf);
    const run = await runQemu(elf, inputs, graph.outputs.length, { invokeStatus: (status) => failInvokeStatus(program, status) });
    return { stackBytes: run.stackBytes, instructions: run.instructions };
  } finally {
    await removeRunDir(dir);
  }
}

/**
 * Builds the real board's firmware into `out` (which holds the library, or flags.libDir) and measures what can be
 * measured here; `shown` is the output folder as the user named it (for the report's paths).
 */
export async function buildForBoard(
  graph: Graph,
  program: ModelProgram,
  board: Board,
  out: string,
  flags: BoardBuildFlags,
  step: (msg: string) => void,
): Promise<{ measured?: Measured; report: BoardFirmwareReport; firmware: BoardFirmwareResult }> {
  step(`building firmware for ${board.name} (${board.clockHz / 1e6} MHz) with arm-none-eabi-gcc, checking it against the board's memories`);
  const lib = flags.libDir ?? out;
  const fw = await buildBoardFirmware(lib, board, out, { inputs: flags.inputs, inputName: flags.inputName, runs: flags.runs, profile: flags.profile });
  const library = await librarySizes(fw.elf, fw.map, fw.boardObjectCount, librarySources(lib).length);
  const p = fw.placement;
  step(`wrote firmware.elf, firmware.bin (${fw.binBytes} bytes), firmware.map: stack in ${p.stack.memory}, .data + .bss in ${p.data.memory}` +
    (p.arena ? ` (arena ${p.arena.bytes} bytes in ${p.arena.memories.join(" + ")})` : ""));
  step("measuring the stack and instructions with the QEMU build of the same library (mps2-an500): a real board cannot run here");
  const q = await measureInQemu(graph, program, lib, flags.inputs);
  if (q && q.stackBytes > board.stackBytes) {
    fail(4002, board.name, `the stack (${p.stack.memory}, stackBytes ${board.stackBytes} reserved; one inference used ${q.stackBytes} in the QEMU build)`, q.stackBytes - board.stackBytes);
  }
  const measured: Measured | undefined = q ? { library, firmware: fw.sizes, stackBytes: q.stackBytes, instructions: q.instructions } : undefined;
  const mhz = board.clockHz / 1e6;
  const report: BoardFirmwareReport = {
    elf: "firmware.elf",
    bin: "firmware.bin",
    bin_bytes: fw.binBytes,
    clock_hz: board.clockHz,
    stack: { memory: p.stack.memory, from: hex(p.stack.origin), to: hex(p.stack.origin + p.stack.length), reserved_bytes: p.stack.length },
    data_region: { memory: p.data.memory, from: hex(p.data.origin), to: hex(p.data.origin + p.data.length) },
    arena: p.arena ? { memories: p.arena.memories, from: hex(p.arena.address), bytes: p.arena.bytes } : null,
    ram_tried: p.tried.map((t) => ({ memory: t.region.memory, short_bytes: t.shortBytes })),
    measured_with: q
      ? `stack_bytes and instructions are measured with the QEMU build of the same library (mps2-an500, painted stack, ${flags.inputName} input); on the board the firmware prints its own painted stack and DWT cycles over the UART (mote serial-log)`
      : "qemu-system-arm not found: stack and instructions not measured (apt-get install qemu-system-arm); the board prints its own over the UART (mote serial-log)",
    estimated_ms: q ? Math.round((q.instructions / board.clockHz) * 1e6) / 1e3 : null,
    estimate_note: q
      ? `estimate: ${q.instructions.toLocaleString("en")} QEMU instructions at ${mhz} MHz and 1 cycle per instruction = ${(q.instructions / board.clockHz * 1e3).toFixed(3)} ms (not a measurement: the Cortex-M7 dual-issues some instructions and stalls on others; the board's DWT cycles are the real figure)`
      : "no estimate (not measured in QEMU)",
    input: flags.inputName,
    runs: flags.runs,
    profile: flags.profile,
  };
  return { ...(measured ? { measured } : {}), report, firmware: fw };
}
