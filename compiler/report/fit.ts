/**
 * @fileoverview Does a compiled model fit a board? Checks RAM (arena + the library's other
 * statics + stack) against the board's largest contiguous RAM range and the library's flash
 * bytes against its largest contiguous flash range, and fails with MOTE4001 naming the memory,
 * the bytes needed and available, how many bytes short, and the peak layer.
 *
 * Contiguous ranges: adjacent regions in board.json (origin + length == next origin) are one
 * range, as a linker script would declare them (the STM32F746's DTCM + SRAM1 + SRAM2 are 320 KB
 * at 0x20000000). Everything static and the stack go to one range, as the firmware's link.ld
 * places them. Before the firmware is built the figures are estimates: statics are the arena
 * alone, the stack is the board's reserved stackBytes, flash is the constant data alone; after a
 * QEMU run they are the measured ones (buildReport passes them).
 *
 * The peak layer is the step (kernel call) with the most buffer bytes live (its op index and
 * opcode); for flash it is the op with the most constant bytes.
 */
import { fail } from "../diagnostics.ts";
import type { BuildResult } from "../build/index.ts";
import { isConstant, tensorBytes, type Graph } from "../ir/graph.ts";
import type { Board, BoardMemory } from "../toolchain/boards.ts";

export interface MemoryRange {
  /** Region names joined with "+" (e.g. "dtcm+sram1+sram2"). */
  name: string;
  origin: number;
  length: number;
}

/** The board's memories of one kind merged into contiguous ranges, largest first. */
export function contiguousRanges(board: Board, kind: BoardMemory["kind"]): MemoryRange[] {
  const regions = board.memories.filter((m) => m.kind === kind).sort((a, b) => a.origin - b.origin);
  const ranges: MemoryRange[] = [];
  for (const m of regions) {
    const last = ranges[ranges.length - 1];
    if (last && last.origin + last.length === m.origin) {
      last.name += `+${m.name}`;
      last.length += m.length;
    } else {
      ranges.push({ name: m.name, origin: m.origin, length: m.length });
    }
  }
  return ranges.sort((a, b) => b.length - a.length);
}

export interface PeakStep {
  /** Step (kernel call) index in execution order. */
  step: number;
  op: number;
  opcode: string;
  /** Buffer bytes live at that step (the lower bound is the largest of these). */
  liveBytes: number;
}

/** Buffer bytes live at each step (kernel call), from the BuildResult's buffer lifetimes. */
export function liveBytesPerStep(r: BuildResult): number[] {
  const steps = r.lowered.reduce((n, l) => n + l.calls.length, 0);
  const live = new Array<number>(steps).fill(0);
  for (const b of r.buffers) for (let s = b.first; s <= b.last && s < steps; s++) live[s]! += b.bytes;
  return live;
}

/** The step with the most live bytes (the first such), with its op. */
export function peakStep(r: BuildResult): PeakStep {
  const live = liveBytesPerStep(r);
  let step = 0;
  live.forEach((bytes, s) => {
    if (bytes > live[step]!) step = s;
  });
  let k = 0;
  for (const { op, calls } of r.lowered) {
    if (step < k + calls.length) return { step, op: op.index, opcode: op.opcode, liveBytes: live[step] ?? 0 };
    k += calls.length;
  }
  return { step: 0, op: 0, opcode: "none", liveBytes: 0 };
}

/** The op whose constant inputs (weights, biases) take the most bytes. */
export function heaviestOp(graph: Graph, r: BuildResult): { op: number; opcode: string; bytes: number } {
  let best = { op: 0, opcode: "none", bytes: -1 };
  for (const { op } of r.lowered) {
    const bytes = op.inputs
      .filter((t) => t >= 0 && isConstant(graph.tensors[t]!))
      .reduce((n, t) => n + tensorBytes(graph.tensors[t]!), 0);
    if (bytes > best.bytes) best = { op: op.index, opcode: op.opcode, bytes };
  }
  return best;
}

export interface MemoryNeeds {
  arenaBytes: number;
  /** The library's .data + .bss other than the arena (0 before the firmware is built). */
  otherStaticBytes: number;
  stackBytes: number;
  /** "measured" (painted in QEMU) or "reserved" (board.json stackBytes, before a run). */
  stackSource: "measured" | "reserved";
  flashBytes: number;
  /** "library" (.text + .rodata + .data from the ELF) or "constants" (weights alone, before a build). */
  flashSource: "library" | "constants";
}

/** One memory's side of a fit: the contiguous range, what the model needs there and what is left. */
export interface MemoryFit {
  memory: string;
  need_bytes: number;
  available_bytes: number;
  /** available - need: negative when it does not fit (that many bytes short). */
  margin_bytes: number;
  fits: boolean;
  /** How the need is made up, in words (the MOTE4001 message's "what"). */
  what: string;
}

/** `needs` against `board`'s largest contiguous RAM and flash ranges (MOTE5008 for a board without either). */
export function fitOf(board: Board, needs: MemoryNeeds): { ram: MemoryFit; flash: MemoryFit } {
  const ram = contiguousRanges(board, "ram")[0];
  const flash = contiguousRanges(board, "flash")[0];
  if (!ram || !flash) return fail(5008, `${board.dir}/board.json`, "needs at least one ram and one flash memory");
  const side = (range: MemoryRange, need: number, what: string): MemoryFit => ({
    memory: range.name, need_bytes: need, available_bytes: range.length, margin_bytes: range.length - need, fits: need <= range.length, what,
  });
  return {
    ram: side(ram, needs.arenaBytes + needs.otherStaticBytes + needs.stackBytes,
      `RAM (${ram.name}): arena ${needs.arenaBytes} + other statics ${needs.otherStaticBytes} + stack ${needs.stackBytes} (${needs.stackSource})`),
    flash: side(flash, needs.flashBytes,
      `flash (${flash.name}): ${needs.flashSource === "library" ? "library .text + .rodata + .data" : "constant data"}`),
  };
}

/** MOTE4001 unless `needs` fit `board`'s largest contiguous RAM and flash ranges. */
export function checkFit(board: Board, graph: Graph, r: BuildResult, needs: MemoryNeeds): void {
  const { ram, flash } = fitOf(board, needs);
  if (!ram.fits) {
    const peak = peakStep(r);
    fail(4001, board.name, ram.what, ram.need_bytes, ram.available_bytes, -ram.margin_bytes, peak.op, `${peak.opcode}, ${peak.liveBytes} bytes live`);
  }
  if (!flash.fits) {
    const heavy = heaviestOp(graph, r);
    fail(4001, board.name, flash.what, flash.need_bytes, flash.available_bytes, -flash.margin_bytes, heavy.op, `${heavy.opcode}, ${heavy.bytes} bytes of weights`);
  }
}
