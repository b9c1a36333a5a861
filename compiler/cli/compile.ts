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
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { type Mode } from "../build/index.ts";
import { tensorBytes, type Graph } from "../ir/graph.ts";
import { buildFor } from "../pipeline.ts";
import type { ModelProgram } from "../ir/program.ts";
import { failInvokeStatus } from "../build/interpreter/status.ts";
import { writeCLibrary } from "../emit/c/model.ts";
import { buildFirmware, mapFileFor, runQemu } from "../toolchain/firmware.ts";
import { loadBoard, type Board } from "../toolchain/boards.ts";
import { librarySources } from "../toolchain/host.ts";
import { findTool } from "../toolchain/tools.ts";
import { checkFit } from "../report/fit.ts";
import { librarySizes } from "../report/linker-map.ts";
import { buildReport, constantBytes, layerRows, reportMarkdown, type Measured } from "../report/report.ts";
import { memoryTimelineSvg } from "../report/timeline.ts";
import { flashOptions } from "./flash.ts";
import { withAudio } from "./audio.ts";

/** The memory timeline plot, next to report.md (which links it). */
export const TIMELINE_FILE = "memory-timeline.svg";

export interface CompileFlags {
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
}

function step(msg: string): void {
  process.stderr.write(`• ${msg}\n`);
}

/** One input per model input, every element its tensor's zero point (the golden input_0). */
function zeroPointInputs(graph: Graph): Uint8Array[] {
  return graph.inputs.map((t) => {
    const tensor = graph.tensors[t]!;
    const bytes = new Uint8Array(tensorBytes(tensor));
    const zp = tensor.quant?.zeroPoint[0] ?? 0;
    if (tensor.dtype === "int8" || tensor.dtype === "uint8") bytes.fill(zp & 0xff);
    else if (tensor.dtype === "int16") new Int16Array(bytes.buffer).fill(zp);
    else if (tensor.dtype === "int32") new Int32Array(bytes.buffer).fill(zp);
    return bytes;
  });
}

/** Builds the firmware, reads the library's sizes from the map and runs it once in QEMU. */
async function measure(graph: Graph, program: ModelProgram, board: Board, out: string, flags: CompileFlags): Promise<Measured | undefined> {
  if (!board.firmware) fail(5007, board.name, "qemu-mps2-an500");
  step(`building firmware for ${board.name} with arm-none-eabi-gcc`);
  const elf = path.join(out, "firmware.elf");
  const firmware = await buildFirmware(out, board, elf);
  const library = await librarySizes(elf, mapFileFor(elf), board.firmware.sources.length, librarySources(out).length);
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
  step(`importing ${model}`);
  const model0 = loadModel(model);
  checkInt8(model0); // the model itself; a front end's state may be float
  const graph = withAudio(model0, flags.audio);
  const board = loadBoard(flags.board);
  const mode = flags.mode ?? "codegen";
  step(mode === "interpreter"
    ? `lowering ${graph.ops.length} ops, planning the arena (${flags.plan}), writing the model image for the interpreter`
    : `lowering ${graph.ops.length} ops, planning the arena (${flags.plan}), ${flags.specialize === "off" ? "generic kernels (--specialize off)" : "specializing kernels"}`);
  const r = buildFor(graph, { plan: flags.plan, mode, specialize: flags.specialize !== "off", ...flashOptions(flags.flashBudget, flags.board) });
  const layers = layerRows(graph, r, mode);
  // Before building anything: arena + the board's reserved stack vs RAM, weights vs flash.
  checkFit(board, graph, r, {
    arenaBytes: r.placement.arenaBytes,
    otherStaticBytes: 0,
    stackBytes: board.stackBytes,
    stackSource: "reserved",
    flashBytes: constantBytes(r),
    flashSource: "constants",
  });
  const out = path.resolve(flags.out);
  writeCLibrary(r.program, out);
  step(`wrote ${path.join(flags.out, "model.h")}, model.c, mote_intrinsics.h (${r.program.functions.length} functions, arena ${r.placement.arenaBytes} bytes)`);
  fs.writeFileSync(path.join(out, TIMELINE_FILE), await memoryTimelineSvg(r, { graph, title: `${graph.name}: arena over time (${flags.plan})` }));

  const measured = flags.firmware ? await measure(graph, r.program, board, out, flags) : undefined;
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
  const report = buildReport({ graph, r, board: board.name, mode, plan: flags.plan, layers, measured, timeline: TIMELINE_FILE });
  fs.writeFileSync(path.join(out, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(out, "report.md"), reportMarkdown(report));
  const b = (v: number | null) => (v === null ? "n/a" : `${v} B`);
  process.stdout.write(
    `${graph.name}: arena ${report.arena_bytes} B (lower bound ${report.lower_bound_bytes} B), stack ${b(report.stack_bytes)}, ` +
      `peak SRAM ${b(report.peak_sram_bytes)}, flash ${b(report.flash_bytes)}, ${layers.length} layers (${mode}), ${report.macs.toLocaleString("en")} MACs\n` +
      `report: ${path.join(flags.out, "report.md")}\n`,
  );
}
