/**
 * @fileoverview Firmware for the real boards (STM32F746G-DISCO, NUCLEO-H743ZI): the generated
 * library + boards/common (startup, caches, DWT, harness, profile hooks) + the board's own file
 * (clock tree, UART) + a generated C array of the input (a board cannot read files) → an ELF,
 * its map, a .bin for st-flash, and where the linker put the stack and the arena.
 *
 * buildBoardFirmware(libDir, board, outDir, options?) → { elf, bin, map, sizes, binBytes,
 * placement } is the API the samples use; it compiles every source once to objects, then links
 * with boards/common/link.ld and a generated mote-memory.ld (FLASH, MOTE_STACK_RAM: the first
 * stackBytes of the board's stackMemory, MOTE_DATA_RAM: one of its dataMemories). The data
 * memories are tried in order (DTCM first); a candidate is dropped only when ld reports
 * "region `MOTE_DATA_RAM' overflowed by N bytes", so the exact shortfall is ld's own figure.
 * Flash overflow, or RAM overflow in the last candidate, is MOTE4002 naming the memory and the
 * bytes short. Nothing is written to outDir unless the link succeeded.
 */
import { statSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { fail } from "../diagnostics.ts";
import { type Board, type BoardMemory, isRealBoard, loadBoard } from "./boards.ts";

export { isRealBoard };
import { runProcess, summarizeCompilerErrors } from "./exec.ts";
import { FIRMWARE_CFLAGS, type FirmwareSizes, readSectionSizes, requireNewlibNano } from "./firmware.ts";
import { librarySources } from "./host.ts";
import { RUNTIME_DIR } from "../paths.ts";
import { makeRunDir, removeRunDir } from "./tensor-files.ts";
import { findTool } from "./tools.ts";

/** A RAM or flash region of the generated mote-memory.ld. */
export interface LinkRegion {
  /** board.json memory names, "+"-joined when contiguous memories form one region. */
  memory: string;
  origin: number;
  length: number;
}

export interface BoardPlacement {
  flash: LinkRegion;
  /** The stack: [origin, origin + stackBytes), the bottom of stackMemory. */
  stack: LinkRegion;
  /** Where .data and .bss (the arena) went, and the candidates before it that were too small. */
  data: LinkRegion;
  tried: { region: LinkRegion; shortBytes: number }[];
  /** mote_arena in the ELF, and the board memories it occupies (null if the library has none). */
  arena: { address: number; bytes: number; memories: string[] } | null;
}

export interface BoardFirmwareOptions {
  /** One byte array per model input, copied into mote_input(i) before mote_init(); none (the default) leaves them as they are. */
  inputs?: readonly Uint8Array[];
  /** What the input is, printed by the firmware ("zero-point" or a file name). */
  inputName?: string;
  /** Inferences the firmware times (default 5). */
  runs?: number;
  /** -DMOTE_PROFILE: per-layer cycles of the last run. */
  profile?: boolean;
  extraCflags?: readonly string[];
}

export interface BoardFirmwareResult {
  elf: string;
  bin: string;
  map: string;
  sizes: FirmwareSizes;
  /** Bytes of the .bin (what st-flash writes). */
  binBytes: number;
  placement: BoardPlacement;
  /** Board sources in link order before the library's (for report/linker-map.ts). */
  boardObjectCount: number;
}

/** The generated input file, compiled with the board's sources. */
export const INPUT_SOURCE = "mote_firmware_input.c";

function memoryRegion(board: Board, spec: string): LinkRegion {
  const file = path.join(board.dir, "board.json");
  const parts = spec.split("+").map((name) => {
    const m = board.memories.find((x) => x.name === name && x.kind === "ram");
    return m ?? fail(5008, file, `firmware names RAM memory "${name}", which "memories" does not list`);
  });
  parts.forEach((m: BoardMemory, i) => {
    const next = parts[i + 1];
    if (next && m.origin + m.length !== next.origin) fail(5008, file, `"${spec}": ${m.name} and ${next.name} are not contiguous`);
  });
  return { memory: spec, origin: parts[0]!.origin, length: parts.reduce((n, m) => n + m.length, 0) };
}

/** The stack region and the data candidates of a real board, as the linker will see them. */
export function boardRegions(board: Board): { flash: LinkRegion; stack: LinkRegion; data: LinkRegion[] } {
  const fw = board.firmware;
  const file = path.join(board.dir, "board.json");
  if (!fw?.dataMemories || !fw.stackMemory) return fail(5008, file, `"firmware" needs "stackMemory" and "dataMemories" on a real board`);
  const flashMem = board.memories.find((m) => m.kind === "flash") ?? fail(5008, file, "no flash memory");
  const stackMem = memoryRegion(board, fw.stackMemory);
  const stack: LinkRegion = { memory: fw.stackMemory, origin: stackMem.origin, length: board.stackBytes };
  const data = fw.dataMemories.map((spec) => {
    const r = memoryRegion(board, spec);
    // A data region that starts with the stack's memory begins after the stack.
    return r.origin === stack.origin ? { memory: spec, origin: r.origin + stack.length, length: r.length - stack.length } : r;
  });
  return { flash: { memory: flashMem.name, origin: flashMem.origin, length: flashMem.length }, stack, data };
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(8, "0")}`;

/** The text of mote-memory.ld for one placement. */
export function memoryScript(board: Board, flash: LinkRegion, stack: LinkRegion, data: LinkRegion): string {
  const row = (name: string, attrs: string, r: LinkRegion) =>
    `  ${name.padEnd(14)} (${attrs}) : ORIGIN = ${hex(r.origin)}, LENGTH = ${r.length} /* ${r.memory} */`;
  return [
    `/* Generated by mote for ${board.name} (compiler/toolchain/board-firmware.ts); included by link.ld. */`,
    "MEMORY",
    "{",
    row("FLASH", "rx", flash),
    row("MOTE_STACK_RAM", "rw", stack),
    row("MOTE_DATA_RAM", "rw", data),
    "}",
    "",
  ].join("\n");
}

/** C definitions of the compiled-in input (boards/common/mote_firmware_input.h). */
export function inputSource(inputs: readonly Uint8Array[], name: string, runs: number): string {
  const out = [`/* Generated by mote: the input the firmware runs (${name.replace(/\*\//g, "")}). */`, '#include "mote_firmware_input.h"', ""];
  inputs.forEach((bytes, i) => {
    const values: string[] = [];
    for (let k = 0; k < bytes.length; k += 24) values.push(`  ${Array.from(bytes.subarray(k, k + 24), (b) => `0x${b.toString(16).padStart(2, "0")}`).join(", ")},`);
    out.push(`static const uint8_t input_${i}[${Math.max(bytes.length, 1)}] = {`, ...(bytes.length > 0 ? values : ["  0"]), "};");
  });
  out.push(
    `const uint32_t mote_firmware_num_inputs = ${inputs.length}u;`,
    `const uint8_t *const mote_firmware_inputs[${Math.max(inputs.length, 1)}] = { ${inputs.length > 0 ? inputs.map((_, i) => `input_${i}`).join(", ") : "0"} };`,
    `const uint32_t mote_firmware_input_bytes[${Math.max(inputs.length, 1)}] = { ${inputs.length > 0 ? inputs.map((b) => `${b.length}u`).join(", ") : "0u"} };`,
    `const char mote_firmware_input_name[] = ${JSON.stringify(name.replace(/[^\x20-\x7e]/g, "?"))};`,
    `const uint32_t mote_firmware_runs = ${runs}u;`,
    "",
  );
  return out.join("\n");
}

/** Address and size of the static `mote_arena` (nm -S), with the board memories it overlaps. */
export async function arenaPlacement(board: Board, elf: string): Promise<BoardPlacement["arena"]> {
  const nm = await runProcess(findTool("arm-none-eabi-nm"), ["-S", elf]);
  if (nm.code !== 0) fail(5012, "arm-none-eabi-nm", elf, nm.stderr.trim());
  const m = /^([0-9a-f]+) ([0-9a-f]+) [bBdD] mote_arena$/m.exec(nm.stdout);
  if (!m) return null;
  const address = parseInt(m[1]!, 16);
  const bytes = parseInt(m[2]!, 16);
  const memories = board.memories
    .filter((x) => x.kind === "ram" && x.origin < address + bytes && address < x.origin + x.length)
    .map((x) => x.name);
  return { address, bytes, memories };
}

/** A copy of a build log that outlives the temporary build directory (for MOTE5010's hint). */
async function keptLog(board: Board, file: string): Promise<string> {
  const kept = path.join(tmpdir(), `mote-${board.name}-${path.basename(file)}`);
  await copyFile(file, kept);
  return kept;
}

/** Every "region `X' overflowed by N bytes" line of an ld log. */
export function regionOverflows(log: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const m of log.matchAll(/region [`'"]?(\w+)'? overflowed by (\d+) bytes?/g)) {
    found.set(m[1]!, Math.max(found.get(m[1]!) ?? 0, Number(m[2])));
  }
  return found;
}

async function compileObjects(board: Board, lib: string, work: string, options: BoardFirmwareOptions): Promise<{ objects: string[]; boardObjectCount: number }> {
  const fw = board.firmware!;
  const boardSources = [...fw.sources.map((s) => path.resolve(board.dir, s)), path.join(work, INPUT_SOURCE)];
  const sources = [...boardSources, ...librarySources(lib)];
  const objects = sources.map((s) => path.join(work, `${path.basename(s, ".c")}.o`));
  const clash = objects.find((o, i) => objects.indexOf(o) !== i);
  if (clash) fail(5010, board.name, `two sources compile to ${path.basename(clash)}; rename one`, "(none: nothing was compiled)");
  const armGcc = findTool("arm-none-eabi-gcc");
  await requireNewlibNano(armGcc);
  const args = [
    ...board.cflags,
    ...FIRMWARE_CFLAGS,
    ...(options.profile ? ["-DMOTE_PROFILE"] : []),
    ...(options.extraCflags ?? []),
    `-I${lib}`,
    `-I${RUNTIME_DIR}`,
    `-I${board.dir}`,
    `-I${path.join(board.dir, "..", "common")}`,
    "-c",
    ...sources,
  ];
  const result = await runProcess(armGcc, args, { cwd: work });
  await writeFile(path.join(work, "compile.log"), `${armGcc} ${args.join(" ")}\n${result.stdout}${result.stderr}`);
  if (result.code !== 0) fail(5010, board.name, summarizeCompilerErrors(result.stderr), await keptLog(board, path.join(work, "compile.log")));
  return { objects, boardObjectCount: boardSources.length };
}

/**
 * Builds `libDir` (model.h, model.c, ...) for a real board into outDir/firmware.elf, .bin and
 * .map. Fails with MOTE4002 when the firmware does not fit, MOTE5010 when gcc or ld fails.
 */
export async function buildBoardFirmware(
  libDir: string,
  board: string | Board,
  outDir: string,
  options: BoardFirmwareOptions = {},
): Promise<BoardFirmwareResult> {
  const spec = typeof board === "string" ? loadBoard(board) : board;
  if (!isRealBoard(spec)) return fail(5008, path.join(spec.dir, "board.json"), `"firmware" of a real board needs "dataMemories"`);
  const regions = boardRegions(spec);
  const lib = path.resolve(libDir);
  const work = await makeRunDir(`board-${spec.name}`);
  try {
    await writeFile(path.join(work, INPUT_SOURCE), inputSource(options.inputs ?? [], options.inputName ?? (options.inputs?.length ? "given" : "none (mote_input as found)"), options.runs ?? 5));
    const { objects, boardObjectCount } = await compileObjects(spec, lib, work, options);
    const armGcc = findTool("arm-none-eabi-gcc");
    const elf = path.join(work, "firmware.elf");
    const map = path.join(work, "firmware.map");
    const tried: BoardPlacement["tried"] = [];
    let placed: LinkRegion | undefined;
    for (const data of regions.data) {
      await writeFile(path.join(work, "mote-memory.ld"), memoryScript(spec, regions.flash, regions.stack, data));
      const args = [
        ...spec.cflags, ...objects, "-T", path.join(spec.dir, spec.firmware!.linkerScript), `-L${work}`,
        "--specs=nano.specs", "-nostartfiles", "-Wl,--gc-sections", `-Wl,-Map=${map}`,
        `-Wl,--defsym=__mote_stack_size=${spec.stackBytes}`, "-o", elf,
      ];
      const result = await runProcess(armGcc, args, { cwd: work });
      const log = `${armGcc} ${args.join(" ")}\n${result.stdout}${result.stderr}`;
      await writeFile(path.join(work, "link.log"), log);
      if (result.code === 0) {
        placed = data;
        break;
      }
      const over = regionOverflows(result.stderr);
      const flashShort = over.get("FLASH");
      if (flashShort !== undefined) {
        fail(4002, spec.name, `flash (${regions.flash.memory}, ${regions.flash.length} bytes at ${hex(regions.flash.origin)}): code + constants + .data image`, flashShort);
      }
      const dataShort = over.get("MOTE_DATA_RAM");
      if (dataShort === undefined) {
        const malloc = /undefined reference to `_sbrk'/.test(result.stderr) ? "the code calls malloc, but Mote firmware has no heap (undefined _sbrk) | " : "";
        fail(5010, spec.name, `${malloc}${summarizeCompilerErrors(result.stderr)}`, await keptLog(spec, path.join(work, "link.log")));
      }
      tried.push({ region: data, shortBytes: dataShort });
    }
    if (!placed) {
      const last = tried[tried.length - 1]!;
      const r = last.region;
      fail(4002, spec.name, `RAM ${r.memory} (${r.length} bytes at ${hex(r.origin)} for .data + .bss, the arena included; ${tried.length > 1 ? `${tried.slice(0, -1).map((t) => `${t.region.memory} was ${t.shortBytes} bytes short too; `).join("")}` : ""}the stack is in ${regions.stack.memory})`, last.shortBytes);
    }
    const bin = path.join(work, "firmware.bin");
    const objcopy = await runProcess(findTool("arm-none-eabi-objcopy"), ["-O", "binary", elf, bin]);
    if (objcopy.code !== 0) fail(5012, "arm-none-eabi-objcopy", elf, objcopy.stderr.trim());
    const sizes = await readSectionSizes(elf);
    const out = path.resolve(outDir);
    await mkdir(out, { recursive: true });
    const result: BoardFirmwareResult = {
      elf: path.join(out, "firmware.elf"),
      bin: path.join(out, "firmware.bin"),
      map: path.join(out, "firmware.map"),
      sizes,
      binBytes: 0,
      placement: { flash: regions.flash, stack: regions.stack, data: placed!, tried, arena: await arenaPlacement(spec, elf) },
      boardObjectCount,
    };
    for (const [from, to] of [[elf, result.elf], [bin, result.bin], [map, result.map], [path.join(work, "link.log"), `${result.elf}.log`]] as const) {
      await copyFile(from, to);
    }
    result.binBytes = statSync(result.bin).size;
    return result;
  } finally {
    await removeRunDir(work);
  }
}
