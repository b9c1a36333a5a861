/**
 * @fileoverview Board descriptions: reads boards/<name>/board.json into a typed Board (core,
 * clock, compiler flags, memories with numeric origins, optional firmware sources) and lists
 * the boards there are. An unknown name is MOTE5003 (listing the boards), a malformed file
 * MOTE5008. Consumers: firmware.ts (flags, sources, linker script, stack size) and the memory
 * planner / report (ramBytes, flashBytes). DEFAULT_BOARD is the simulated QEMU board.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { fail } from "../diagnostics.ts";
import { BOARDS_DIR } from "../paths.ts";

/** The board used when none is named: QEMU's mps2-an500 (Cortex-M7). */
export const DEFAULT_BOARD = "qemu-mps2-an500";

export interface BoardMemory {
  name: string;
  /** flash holds code and constants; ram holds .data, .bss (arena) and the stack. */
  kind: "flash" | "ram";
  origin: number;
  length: number;
  note?: string;
}

/** How to build firmware for a board (absent on description-only boards). */
export interface BoardFirmware {
  /** C sources relative to the board directory (startup, semihosting, harness main). */
  sources: string[];
  /** Linker script relative to the board directory. */
  linkerScript: string;
  /**
   * Real boards (board-firmware.ts): the memory whose first stackBytes hold the stack, and the
   * memories tried in order for .data + .bss ("a+b" joins contiguous memories into one region).
   */
  stackMemory?: string;
  dataMemories?: string[];
  /** Real boards: where st-flash writes the .bin, and OpenOCD's board config. */
  flashAddress?: number;
  openocdConfig?: string;
  /** Real boards: the UART the harness prints on, for people. */
  uart?: string;
}

export interface Board {
  name: string;
  description: string;
  core: string;
  fpu?: string;
  clockHz: number;
  /** True for boards run in QEMU (instructions are counted, not timed). */
  simulated: boolean;
  qemuMachine?: string;
  memories: BoardMemory[];
  /** Bytes reserved for the stack at the top of RAM. */
  stackBytes: number;
  /** arm-none-eabi-gcc flags for the core: -mcpu, -mthumb, -mfpu, -mfloat-abi, -O. */
  cflags: string[];
  firmware?: BoardFirmware;
  /** Absolute path of boards/<name>/. */
  dir: string;
}

/** Names of the boards in boards/ that have a board.json (host harness excluded). */
export function listBoards(): string[] {
  return readdirSync(BOARDS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(BOARDS_DIR, entry.name, "board.json")))
    .map((entry) => entry.name)
    .sort();
}

function parseAddress(value: unknown, where: string, file: string): number {
  const parsed = typeof value === "string" ? Number(value) : value;
  if (typeof parsed !== "number" || !Number.isInteger(parsed) || parsed < 0) {
    return fail(5008, file, `${where} must be a non-negative integer or hex string, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function requireField<T>(ok: boolean, value: T, what: string, file: string): T {
  if (!ok) return fail(5008, file, what);
  return value;
}

/** Reads boards/<name>/board.json; MOTE5003 if there is no such board. */
export function loadBoard(name: string): Board {
  const boards = listBoards();
  if (!boards.includes(name)) return fail(5003, name, boards.join(", "));
  const dir = path.join(BOARDS_DIR, name);
  const file = path.join(dir, "board.json");
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    return fail(5008, file, (error as Error).message);
  }
  const str = (key: string): string =>
    requireField(typeof raw[key] === "string", raw[key] as string, `"${key}" must be a string`, file);
  const memories = requireField(Array.isArray(raw.memories), raw.memories as unknown[], `"memories" must be a list`, file).map(
    (entry, i): BoardMemory => {
      const m = entry as Record<string, unknown>;
      const kind = requireField(m.kind === "flash" || m.kind === "ram", m.kind as "flash" | "ram", `memories[${i}].kind must be "flash" or "ram"`, file);
      return {
        name: requireField(typeof m.name === "string", m.name as string, `memories[${i}].name must be a string`, file),
        kind,
        origin: parseAddress(m.origin, `memories[${i}].origin`, file),
        length: parseAddress(m.length, `memories[${i}].length`, file),
        ...(typeof m.note === "string" ? { note: m.note } : {}),
      };
    },
  );
  const cflags = requireField(
    Array.isArray(raw.cflags) && raw.cflags.every((flag) => typeof flag === "string"),
    raw.cflags as string[],
    `"cflags" must be a list of strings`,
    file,
  );
  let firmware: BoardFirmware | undefined;
  if (raw.firmware !== undefined) {
    const fw = raw.firmware as Record<string, unknown>;
    firmware = {
      sources: requireField(Array.isArray(fw.sources), fw.sources as string[], `"firmware.sources" must be a list`, file),
      linkerScript: requireField(typeof fw.linkerScript === "string", fw.linkerScript as string, `"firmware.linkerScript" must be a string`, file),
    };
    if (typeof fw.stackMemory === "string") firmware.stackMemory = fw.stackMemory;
    if (Array.isArray(fw.dataMemories)) firmware.dataMemories = fw.dataMemories.map(String);
    const flash = fw.flash as Record<string, unknown> | undefined;
    if (flash?.address !== undefined) firmware.flashAddress = parseAddress(flash.address, "firmware.flash.address", file);
    if (typeof flash?.openocdConfig === "string") firmware.openocdConfig = flash.openocdConfig;
    if (typeof fw.uart === "string") firmware.uart = fw.uart;
  }
  const board: Board = {
    name: str("name"),
    description: str("description"),
    core: str("core"),
    clockHz: parseAddress(raw.clockHz, "clockHz", file),
    simulated: raw.simulated === true,
    memories,
    stackBytes: parseAddress(raw.stackBytes, "stackBytes", file),
    cflags,
    dir,
  };
  if (typeof raw.fpu === "string") board.fpu = raw.fpu;
  if (typeof raw.qemuMachine === "string") board.qemuMachine = raw.qemuMachine;
  if (firmware) board.firmware = firmware;
  if (board.name !== name) return fail(5008, file, `"name" is ${board.name} but the directory is ${name}`);
  return board;
}

/** True for real hardware with firmware support (board-firmware.ts builds it; QEMU cannot run it). */
export function isRealBoard(board: Board): boolean {
  return !board.simulated && board.firmware?.dataMemories !== undefined;
}

/** Total bytes of the board's memories of one kind. */
function totalBytes(board: Board, kind: BoardMemory["kind"]): number {
  return board.memories.filter((m) => m.kind === kind).reduce((sum, m) => sum + m.length, 0);
}

/** All RAM on the board, in bytes (the sum of its RAM regions; they need not be contiguous). */
export function ramBytes(board: Board): number {
  return totalBytes(board, "ram");
}

/** All flash on the board, in bytes. */
export function flashBytes(board: Board): number {
  return totalBytes(board, "flash");
}

/** The largest single RAM region: the most a single static arena can occupy on this board. */
export function largestRamRegion(board: Board): BoardMemory {
  const rams = board.memories.filter((m) => m.kind === "ram");
  if (rams.length === 0) return fail(5008, path.join(board.dir, "board.json"), "no ram memory");
  return rams.reduce((best, m) => (m.length > best.length ? m : best));
}
