/**
 * @fileoverview Builds Cortex-M firmware from a generated model library and runs it in QEMU.
 *
 * buildFirmware compiles the library's C files together with the board's startup, semihosting
 * and harness sources (board.json "firmware") in one arm-none-eabi-gcc call: the board's cflags
 * plus -std=c11, the strict warnings (-Wall -Wextra -Wconversion -Wcast-qual -Werror), -ffunction-sections -fdata-sections, newlib-nano for
 * memcpy/memset, -nostartfiles, --gc-sections, the board's linker script and stack size. It
 * writes <elf>.map (and <elf>.log, the full compiler output) beside the ELF and returns the
 * section sizes from the ELF's section headers. There is no _sbrk, so a model that calls
 * malloc fails to link (MOTE5010 says so). The real boards (stm32f746g-disco, nucleo-h743zi) are
 * built by board-firmware.ts; buildFirmware, which feeds QEMU, refuses them with MOTE5032.
 *
 * runQemu runs the ELF under `qemu-system-arm -M mps2-an500 -icount shift=0` with
 * semihosting in a temporary directory holding input_<i>.bin and reads back output_<i>.bin
 * plus the "instructions: N" / "stack: N" lines the harness prints (boards/qemu-mps2-an500/
 * main.c). QEMU 7.2 writes the semihosting console to stderr; both streams are collected.
 * A timeout, non-zero exit or missing result is MOTE5006 with the firmware's error line; a
 * nonzero mote_invoke() status goes to the caller's `invokeStatus` first (as in host.ts).
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { fail } from "../diagnostics.ts";
import { type Board, DEFAULT_BOARD, isRealBoard, loadBoard } from "./boards.ts";
import { runProcess, summarizeCompilerErrors } from "./exec.ts";
import { invokeStatusOf, librarySources, STRICT_WARNINGS } from "./host.ts";
import { BOARDS_DIR, RUNTIME_DIR } from "../paths.ts";
import { makeRunDir, readOutputs, removeRunDir, writeInputs } from "./tensor-files.ts";
import { findTool } from "./tools.ts";

/** Bytes per ELF section class. flash = text + rodata + data; static RAM = data + bss. */
export interface FirmwareSizes {
  /** Executable code, including the vector table. */
  text: number;
  /** Read-only data (weights and other constants). */
  rodata: number;
  /** Initialized RAM data (stored in flash too, copied at reset). */
  data: number;
  /** Zero-initialized RAM, including the model's arena (the reserved stack is not counted). */
  bss: number;
}

/**
 * Warnings are errors for board and generated code alike. -ffp-contract=off (implied by -std=c11,
 * explicit here: no VFMA for a*b + c) and -fno-math-errno (sqrtf is one VSQRT.F32, no errno path)
 * keep f32 kernel code bit-exact with TypeScript and WASM.
 */
export const FIRMWARE_CFLAGS = [
  "-std=c11", "-ffp-contract=off", "-fno-math-errno", ...STRICT_WARNINGS, "-ffunction-sections", "-fdata-sections",
] as const;

export interface FirmwareBuildOptions {
  /** Extra compiler flags, e.g. -DMOTE_PROFILE or -DMOTE_SYSTICK_RELOAD=0xFFu. */
  extraCflags?: readonly string[];
}

let newlibNanoChecked = false;

/** MOTE5001 unless newlib-nano's nano.specs is installed for arm-none-eabi-gcc. */
export async function requireNewlibNano(armGcc: string): Promise<void> {
  if (newlibNanoChecked) return;
  const result = await runProcess(armGcc, ["-print-file-name=nano.specs"]);
  const found = result.stdout.trim();
  if (result.code !== 0 || !path.isAbsolute(found) || !existsSync(found)) {
    fail(5001, "newlib-nano (nano.specs for arm-none-eabi-gcc)", "apt-get install libnewlib-arm-none-eabi");
  }
  newlibNanoChecked = true;
}

/** Path of the linker map written beside an ELF. */
export function mapFileFor(elf: string): string {
  return elf.replace(/\.elf$/, "") + ".map";
}

/** Compiles `libDir` for `board` into `outElf`; returns its section sizes. */
export async function buildFirmware(
  libDir: string,
  board: string | Board,
  outElf: string,
  options: FirmwareBuildOptions = {},
): Promise<FirmwareSizes> {
  const spec = typeof board === "string" ? loadBoard(board) : board;
  if (!spec.firmware) return fail(5007, spec.name, DEFAULT_BOARD);
  if (isRealBoard(spec)) return fail(5032, spec.name, DEFAULT_BOARD);
  const armGcc = findTool("arm-none-eabi-gcc");
  await requireNewlibNano(armGcc);
  const lib = path.resolve(libDir);
  const elf = path.resolve(outElf);
  await mkdir(path.dirname(elf), { recursive: true });
  const args = [
    ...spec.cflags,
    ...FIRMWARE_CFLAGS,
    ...(options.extraCflags ?? []),
    `-I${lib}`,
    `-I${RUNTIME_DIR}`,
    `-I${spec.dir}`,
    ...spec.firmware.sources.map((source) => path.join(spec.dir, source)),
    ...librarySources(lib),
    "-T",
    path.join(spec.dir, spec.firmware.linkerScript),
    "--specs=nano.specs",
    "-nostartfiles",
    "-Wl,--gc-sections",
    `-Wl,-Map=${mapFileFor(elf)}`,
    `-Wl,--defsym=__mote_stack_size=${spec.stackBytes}`,
    "-o",
    elf,
  ];
  const result = await runProcess(armGcc, args);
  await writeFile(`${elf}.log`, `${armGcc} ${args.join(" ")}\n${result.stdout}${result.stderr}`);
  if (result.code !== 0) {
    const malloc = /undefined reference to `_sbrk'/.test(result.stderr)
      ? "the code calls malloc or another heap function, but Mote firmware has no heap (undefined _sbrk) | "
      : "";
    fail(5010, spec.name, `${malloc}${summarizeCompilerErrors(result.stderr)}`, `${elf}.log`);
  }
  return readSectionSizes(elf);
}

const harnessSizeCache = new Map<string, FirmwareSizes>();

/**
 * Section sizes of the board's firmware around a null model (boards/null-model: 1-byte arena,
 * empty mote_invoke): the harness's own text/rodata/data/bss, to subtract from a model's
 * FirmwareSizes when comparing with anchors.md ("less the harness"). Cached per board.
 */
export async function harnessSizes(board: string | Board): Promise<FirmwareSizes> {
  const spec = typeof board === "string" ? loadBoard(board) : board;
  const cached = harnessSizeCache.get(spec.name);
  if (cached) return cached;
  const dir = await makeRunDir("harness");
  try {
    const sizes = await buildFirmware(path.join(BOARDS_DIR, "null-model"), spec, path.join(dir, "harness.elf"));
    harnessSizeCache.set(spec.name, sizes);
    return sizes;
  } finally {
    await removeRunDir(dir);
  }
}

/** Section sizes of an ELF, classified from `readelf -S` by type and flags. */
export async function readSectionSizes(elf: string): Promise<FirmwareSizes> {
  const readelf = findTool("arm-none-eabi-readelf");
  const result = await runProcess(readelf, ["-S", "-W", elf]);
  if (result.code !== 0) fail(5012, "arm-none-eabi-readelf", elf, result.stderr.trim());
  return classifySections(result.stdout);
}

/**
 * Sums `readelf -S -W` section sizes: allocated NOBITS → bss (except the reserved .stack),
 * allocated executable or the vector table → text, allocated writable → data, other
 * allocated → rodata. Non-allocated sections (debug info, symbols) are ignored.
 */
export function classifySections(readelfOutput: string): FirmwareSizes {
  const sizes: FirmwareSizes = { text: 0, rodata: 0, data: 0, bss: 0 };
  const row = /^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+\d+\s*$/;
  for (const line of readelfOutput.split("\n")) {
    const match = row.exec(line);
    if (!match) continue;
    const [, name, type, sizeHex, flags] = match as unknown as [string, string, string, string, string];
    if (!flags.includes("A")) continue;
    const size = parseInt(sizeHex, 16);
    if (type === "NOBITS") {
      if (name !== ".stack") sizes.bss += size;
    } else if (flags.includes("X") || name === ".isr_vector") {
      sizes.text += size;
    } else if (flags.includes("W")) {
      sizes.data += size;
    } else {
      sizes.rodata += size;
    }
  }
  return sizes;
}

export interface QemuRunOptions {
  /** Kill QEMU after this long (default 60 s); MOTE5006. */
  timeoutMs?: number;
  /** QEMU machine (default mps2-an500). */
  machine?: string;
  /** Raises the user error for a nonzero mote_invoke() status (HostRunOptions.invokeStatus). */
  invokeStatus?: (status: number) => never;
}

export interface QemuRunResult {
  /** Each output's bytes, one chunk per invocation back to back. */
  outputs: Uint8Array[];
  /** Instructions executed by the first mote_invoke (SysTick ticks × 40, resolution 40). */
  instructions: number;
  /** Instructions of every invocation, in order (one entry for a single inference). */
  instructionsPerInvocation: number[];
  /** Stack high-water mark of mote_invoke in bytes (painted stack). */
  stackBytes: number;
  /** Everything the firmware and QEMU printed (stdout, then stderr). */
  stdout: string;
}

/** The value of a "name: N" line the harness printed, or undefined. */
function reportedNumber(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}: (\\d+)\\s*$`, "m").exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The firmware's "error: ..." lines (or QEMU's own last lines) for a failure message. */
function failureReason(text: string, fallback: string): string {
  const errors = text.split("\n").filter((line) => line.startsWith("error:")).map((line) => line.slice(6).trim());
  if (errors.length > 0) return errors.join(" | ");
  const tail = text.trim().split("\n").slice(-3).join(" | ");
  return tail === "" ? fallback : `${fallback}: ${tail}`;
}

/**
 * Runs firmware built by buildFirmware once in QEMU on `inputs`. Each input may hold several
 * invocations' worth of bytes back to back (the same count for every input): the harness then
 * invokes once per chunk on one arena, state kept, and each output holds one chunk per invocation.
 */
export async function runQemu(
  elf: string,
  inputs: readonly Uint8Array[],
  numOutputs: number,
  options: QemuRunOptions = {},
): Promise<QemuRunResult> {
  const qemu = findTool("qemu-system-arm");
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dir = await makeRunDir("qemu");
  try {
    await writeInputs(dir, inputs);
    const args = [
      "-M",
      options.machine ?? "mps2-an500",
      "-nographic",
      "-semihosting-config",
      "enable=on,target=native",
      "-kernel",
      path.resolve(elf),
      "-icount",
      "shift=0",
    ];
    const result = await runProcess(qemu, args, { cwd: dir, timeoutMs });
    const text = result.stdout + result.stderr;
    if (result.timedOut) {
      fail(5006, `no exit after ${timeoutMs} ms (the firmware hangs, or needs a longer timeout)`);
    }
    if (result.code !== 0) {
      const status = invokeStatusOf(text);
      if (status !== undefined && options.invokeStatus) options.invokeStatus(status);
      fail(5006, failureReason(text, `qemu-system-arm exited with status ${result.code ?? result.signal}`));
    }
    const instructionsPerInvocation = [...text.matchAll(/^instructions: (\d+)\s*$/gm)].map((m) => Number(m[1]));
    const instructions = instructionsPerInvocation[0];
    const stackBytes = reportedNumber(text, "stack");
    if (instructions === undefined || stackBytes === undefined) {
      fail(5006, failureReason(text, "the firmware printed no instructions/stack report"));
    }
    const outputs = await readOutputs(dir, numOutputs);
    if (!Array.isArray(outputs)) fail(5006, `the firmware did not write output_${outputs.missing}.bin`);
    return { outputs, instructions, instructionsPerInvocation, stackBytes, stdout: text };
  } finally {
    await removeRunDir(dir);
  }
}
