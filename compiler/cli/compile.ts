/**
 * @fileoverview `mote compile MODEL [--board NAME] [--out DIR]`: the C library, firmware and a
 * report (report.json for programs, report.md for people, memory-timeline.svg linked from it).
 *
 * Steps, each announced on stderr: import and check the model, lower + plan + specialize
 * (compiler/build/straight.ts), check the plan against the board's memories (arena + the board's
 * reserved stack vs RAM, weights vs flash: works with --no-firmware), write model.h/model.c and
 * the timeline, then with firmware: build the ELF and its map, read the library's own section
 * sizes from the map, run it once in QEMU on an all-zero-point input for the painted stack and
 * the instruction count, check the fit again with those measured figures, and write the report
 * (figures and definitions: compiler/report/report.ts).
 *
 * A real board (stm32f746g-disco, nucleo-h743zi) takes compile-board.ts instead of the QEMU
 * firmware: ELF + .bin with the input compiled in (--input FILE, else zero points), the exact
 * fit from the linker, the stack measured with the QEMU build, and how to flash it.
 *
 * --name PREFIX names the library's symbols and files (kws_invoke(), KWS_NUM_INPUTS, kws.h,
 * kws.c) so several models link into one firmware; --arena-section NAME puts the arena in a
 * linker section (compiler/emit/c/model.ts CLibraryOptions). The firmware compile builds links
 * the same program under the default names and placement (its harness calls mote_*()).
 *
 * Everything is written into a temporary folder beside --out and moved into --out only when the
 * whole compile succeeded: a failure leaves --out as it was (or absent), never half-written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import type { QuantizeFlags } from "./quantize.ts";
import type { UserKernels } from "../ops/types.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { opHandles } from "../ops/index.ts";
import { type Mode } from "../build/index.ts";
import type { Graph } from "../ir/graph.ts";
import { buildFor } from "../pipeline.ts";
import type { ModelProgram } from "../ir/program.ts";
import { failInvokeStatus } from "../build/interpreter/status.ts";
import { cNames, writeCLibrary, type CLibraryOptions } from "../emit/c/model.ts";
import { buildFirmware, mapFileFor, runQemu } from "../toolchain/firmware.ts";
import { loadBoard, type Board } from "../toolchain/boards.ts";
import { librarySources } from "../toolchain/host.ts";
import { findTool } from "../toolchain/tools.ts";
import { checkFit } from "../report/fit.ts";
import { librarySizes } from "../report/linker-map.ts";
import { buildReport, estimatedNeeds, layerRows, zeroPointInputs, reportMarkdown, type Measured } from "../report/report.ts";
import { memoryTimelineSvg } from "../report/timeline.ts";
import { flashOptions } from "./flash-budget.ts";
import { checkInputSizes, count, readInput } from "./run.ts";
import { buildForBoard } from "./compile-board.ts";
import { isRealBoard } from "../toolchain/board-firmware.ts";
import { flashInstructions } from "../toolchain/flash.ts";
import type { BoardFirmwareReport } from "../report/report.ts";
import { withAudio } from "./audio.ts";
import { progress } from "./progress.ts";
import { checkUserFile, READ_AS, reason, stageDir } from "../files.ts";

/** The memory timeline plot, next to report.md (which links it). */
export const TIMELINE_FILE = "memory-timeline.svg";

export interface CompileFlags extends QuantizeFlags {
  /** --kernels DIR, loaded (compiler/cli/main.ts). */
  kernels?: UserKernels;
  out: string;
  board: string;
  plan: string;
  mode: Mode;
  firmware: boolean;
  /** "off": generic kernels with constant records instead of specialized ones (codegen mode). */
  specialize?: "on" | "off";
  /** --flash-budget (bytes), parsed. */
  flashBudget?: number;
  /** --audio PRESET: an audio front end compiled in front of the model (raw PCM in). */
  audio?: string;
  /** Real boards: raw input files compiled into the firmware (once per model input). */
  input?: string[];
  /** Real boards: inferences the firmware times (parsed). */
  runs?: number;
  /** Real boards: per-layer cycles (-DMOTE_PROFILE). */
  profile?: boolean;
  /** --name: the prefix of the library's symbols and its file names (CLibraryOptions.name). */
  name?: string;
  /** --arena-section: the arena's linker section (CLibraryOptions.arenaSection). */
  arenaSection?: string;
}

const steps = progress({ log: true });

function step(msg: string): void {
  steps.step(msg);
}

/** Builds the firmware (the library in `lib`), reads the library's sizes from the map and runs it once in QEMU. */
async function measure(graph: Graph, program: ModelProgram, board: Board, out: string, lib: string, flags: CompileFlags): Promise<Measured | undefined> {
  if (!board.firmware) fail(5007, board.name, "qemu-mps2-an500");
  step(`building firmware for ${board.name} with arm-none-eabi-gcc`);
  const elf = path.join(out, "firmware.elf");
  const firmware = await buildFirmware(lib, board, elf);
  const library = await librarySizes(elf, mapFileFor(elf), board.firmware.sources.length, librarySources(lib).length);
  step(`wrote ${path.join(flags.out, "firmware.elf")} and firmware.map (library: .text ${library.text}, .rodata ${library.rodata}, .data ${library.data}, .bss ${library.bss} bytes)`);
  try {
    findTool("qemu-system-arm");
  } catch {
    step("qemu-system-arm not found: stack and peak SRAM are not measured (apt-get install qemu-system-arm)");
    return undefined;
  }
  step(`running it once in QEMU (${board.qemuMachine ?? "mps2-an500"}) on an all-zero-point input to measure the stack`);
  const run = await runQemu(elf, zeroPointInputs(graph), graph.outputs.length, {
    ...(board.qemuMachine ? { machine: board.qemuMachine } : {}),
    invokeStatus: (status) => failInvokeStatus(program, status),
  });
  return { library, firmware, stackBytes: run.stackBytes, instructions: run.instructions };
}

export async function compileCommand(model: string, flags: CompileFlags): Promise<void> {
  // Every path before any work (compiler/files.ts); --out is staged beside itself.
  checkUserFile(model, READ_AS.model);
  for (const f of flags.input ?? []) checkUserFile(f, READ_AS.input);
  const staged = stageDir(flags.out, "--out");
  try {
    await compileInto(model, flags, staged.dir);
  } catch (error) {
    staged.abort();
    // A write into the staging folder that failed (no space, ...) is --out's error.
    const e = error as NodeJS.ErrnoException;
    if (typeof e.path === "string" && path.resolve(e.path).startsWith(staged.dir)) fail(6602, "--out", flags.out, reason(e, e.path, true));
    throw error;
  }
  staged.commit();
}

/** Compiles into `out` (the staging folder); messages name flags.out. */
async function compileInto(model: string, flags: CompileFlags, out: string): Promise<void> {
  const libOptions: CLibraryOptions = {
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.arenaSection !== undefined ? { arenaSection: flags.arenaSection } : {}),
  };
  cNames(libOptions); // MOTE6040 / 6041 before any work
  step(`importing ${model}`);
  // A TF.js model.json: quantized in memory with --calibration, then read back as its .tflite.
  const model0 = /\.json$/i.test(model) ? (await import("./quantize.ts")).tfjsModel(model, flags, "mote compile") : loadModel(model);
  checkInt8(model0, opHandles); // the model itself; a front end's state may be float
  const graph = withAudio(model0, flags.audio);
  const board = loadBoard(flags.board);
  const mode = flags.mode ?? "codegen";
  step(mode === "interpreter"
    ? `lowering ${graph.ops.length} ops, planning the arena (${flags.plan}), writing the model image for the interpreter`
    : `lowering ${graph.ops.length} ops, planning the arena (${flags.plan}), ${flags.specialize === "off" ? "generic kernels (--specialize off)" : "specializing kernels"}`);
  const r = buildFor(graph, { plan: flags.plan, mode, specialize: flags.specialize !== "off", ...flashOptions(flags.flashBudget, flags.board), kernels: flags.kernels });
  const layers = layerRows(graph, r, mode);
  // Before building anything: arena + the board's reserved stack vs RAM, weights vs flash.
  checkFit(board, graph, r, estimatedNeeds(board, r));
  const real = isRealBoard(board);
  if (!real && (flags.input?.length || flags.profile || flags.runs !== undefined)) {
    fail(6008, "--input/--runs/--profile of mote compile", `--board ${board.name}`, "they set up real-board firmware (stm32f746g-disco, nucleo-h743zi); for QEMU use mote run or mote profile");
  }
  if (flags.input?.length && flags.input.length !== graph.inputs.length) fail(6006, count(graph.inputs.length, "input"), count(flags.input.length, "--input file"));
  const inputs = flags.input?.length ? flags.input.map(readInput) : zeroPointInputs(graph);
  if (flags.input?.length) checkInputSizes(graph, flags.input, inputs);
  const files = writeCLibrary(r.program, out, libOptions);
  step(`wrote ${path.join(flags.out, files.header)}, ${files.source}, mote_intrinsics.h (${r.program.functions.length} functions, arena ${r.placement.arenaBytes} bytes` +
    `${libOptions.arenaSection !== undefined ? ` in section ${libOptions.arenaSection}` : ""})`);
  // The firmware's harness calls mote_*() and its linker script knows .bss: with --name or
  // --arena-section it links the same program under the default names, from a scratch folder.
  const custom = libOptions.name !== undefined || libOptions.arenaSection !== undefined;
  const lib = custom ? path.join(out, ".firmware-library") : out;
  if (custom && flags.firmware) writeCLibrary(r.program, lib);
  fs.writeFileSync(path.join(out, TIMELINE_FILE), await memoryTimelineSvg(r, { graph, title: `${graph.name}: arena over time (${flags.plan})` }));

  let boardReport: BoardFirmwareReport | undefined;
  let measured: Measured | undefined;
  if (flags.firmware && real) {
    const built = await buildForBoard(graph, r.program, board, out, {
      inputs,
      inputName: flags.input?.length ? flags.input.map((f) => path.basename(f)).join(", ") : "zero-point",
      runs: flags.runs ?? 5,
      profile: flags.profile === true,
      libDir: lib,
    }, step);
    measured = built.measured;
    boardReport = built.report;
  } else if (flags.firmware) {
    measured = await measure(graph, r.program, board, out, lib, flags);
  }
  if (custom) fs.rmSync(lib, { recursive: true, force: true });
  if (measured) {
    // With the library's real statics and the measured stack.
    checkFit(board, graph, r, {
      arenaBytes: r.placement.arenaBytes,
      otherStaticBytes: Math.max(0, measured.library.data + measured.library.bss - r.placement.arenaBytes),
      stackBytes: measured.stackBytes,
      stackSource: "measured",
      flashBytes: measured.library.text + measured.library.rodata + measured.library.data,
      flashSource: "library",
    });
  }
  const report = buildReport({ graph, r, board: board.name, mode, plan: flags.plan, layers, measured, timeline: TIMELINE_FILE, ...(boardReport ? { boardFirmware: boardReport } : {}) });
  fs.writeFileSync(path.join(out, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(out, "report.md"), reportMarkdown(report));
  steps.end();
  const b = (v: number | null) => (v === null ? "n/a" : `${v} B`);
  process.stdout.write(
    `${graph.name}: arena ${report.arena_bytes} B (lower bound ${report.lower_bound_bytes} B), stack ${b(report.stack_bytes)}, ` +
      `peak SRAM ${b(report.peak_sram_bytes)}, flash ${b(report.flash_bytes)}, ${layers.length} layers (${mode}), ${report.macs.toLocaleString("en")} MACs\n` +
      `report: ${path.join(flags.out, "report.md")}\n` +
      (boardReport ? `${flashInstructions(board, path.join(flags.out, "firmware.elf")).join("\n")}\n` : ""),
  );
}
