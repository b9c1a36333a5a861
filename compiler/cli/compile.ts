/**
 * @fileoverview `mote compile MODEL [--board NAME] [--out DIR]`: the C library, firmware and a
 * report (report.json for programs, report.md for people).
 *
 * Steps, each announced on stderr: import and check the model, lower + plan + specialize
 * (compiler/codegen.ts), check the plan against the board's memories, write model.h/model.c,
 * build the firmware ELF with arm-none-eabi-gcc and read its section sizes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fail } from "../diagnostics.ts";
import { loadModel } from "../import/tflite/import.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { type CodegenResult, type Mode } from "../codegen.ts";
import { tensorBytes, type Graph } from "../ir/graph.ts";
import { codegenFor } from "../run/targets.ts";
import { writeCLibrary } from "../emit/c/model.ts";
import { buildFirmware, type FirmwareSizes } from "../toolchain/firmware.ts";
import { flashBytes, largestRamRegion, loadBoard, type Board } from "../toolchain/boards.ts";

export interface CompileFlags {
  out: string;
  board: string;
  plan: string;
  mode: Mode;
  firmware: boolean;
}

function step(msg: string): void {
  process.stderr.write(`• ${msg}\n`);
}

function constantBytes(r: CodegenResult): number {
  const size = { i8: 1, u8: 1, bool: 1, i16: 2, u16: 2, i32: 4, f32: 4 } as const;
  return r.program.constants.reduce((n, c) => n + c.values.length * size[c.elem], 0);
}

interface LayerRow {
  op: number;
  opcode: string;
  /** The specialized C function (codegen) or the generic kernel it dispatches to (interpreter). */
  fn: string;
  macs: number;
  outputBytes: number[];
}

/** One row per kernel call, in execution order (the step indices buffer lifetimes use). */
function layerRows(graph: Graph, r: CodegenResult, mode: Mode): LayerRow[] {
  const rows: LayerRow[] = [];
  for (const { op, calls } of r.lowered) {
    calls.forEach((c, k) => {
      const step = r.program.steps[rows.length];
      const last = k === calls.length - 1;
      rows.push({
        op: op.index,
        opcode: op.opcode,
        fn: mode === "interpreter" || !step ? `${c.kernel}.${c.fn} (generic)` : step.fn,
        macs: c.macs,
        outputBytes: last ? op.outputs.filter((t) => t >= 0).map((t) => tensorBytes(graph.tensors[t])) : [],
      });
    });
  }
  return rows;
}

/** The op whose step has the most live buffer bytes (the peak layer). */
function peakOp(r: CodegenResult, rows: LayerRow[]): { op: number; opcode: string; bytes: number } {
  let best = { op: 0, opcode: "", bytes: -1 };
  rows.forEach((s, i) => {
    const live = r.buffers.filter((b) => b.first <= i && i <= b.last).reduce((n, b) => n + b.bytes, 0);
    if (live > best.bytes) best = { op: s.op, opcode: s.opcode, bytes: live };
  });
  return best;
}

function checkFit(board: Board, r: CodegenResult, rows: LayerRow[]): void {
  const ram = largestRamRegion(board);
  if (r.placement.arenaBytes > ram.length) {
    const peak = peakOp(r, rows);
    fail(4001, board.name, `the arena (in ${ram.name})`, r.placement.arenaBytes, ram.length, r.placement.arenaBytes - ram.length, peak.op, peak.opcode);
  }
  const flash = flashBytes(board);
  const consts = constantBytes(r);
  if (consts > flash) fail(4001, board.name, "the constant data (in flash)", consts, flash, consts - flash, "-", "weights");
}

function reportMarkdown(report: Record<string, unknown>, layers: LayerRow[]): string {
  const rows = layers.map((l) =>
    `| ${l.op} | ${l.opcode} | \`${l.fn}\` | ${l.macs.toLocaleString("en")} | ${l.outputBytes.join(", ")} |`);
  const fmt = (v: unknown) => (typeof v === "number" ? v.toLocaleString("en") : String(v ?? "—"));
  return [
    `# Mote report: ${report.model}`,
    "",
    `Board: ${report.board}. Mode: ${report.mode}. Planner: ${report.plan}.`,
    "",
    "| figure | bytes |",
    "|---|---:|",
    `| arena (SRAM, static) | ${fmt(report.arena_bytes)} |`,
    `| lower bound (most bytes live at one step) | ${fmt(report.lower_bound_bytes)} |`,
    `| .data | ${fmt(report.data_bytes)} |`,
    `| .bss (includes the arena) | ${fmt(report.bss_bytes)} |`,
    `| flash (.text + .rodata + .data) | ${fmt(report.flash_bytes)} |`,
    `| constants (weights, multipliers) | ${fmt(report.constant_bytes)} |`,
    "",
    `MACs per inference: ${fmt(report.macs)}. Stack and instructions are measured by \`mote run --target qemu\`.`,
    "",
    "| op | kind | function | MACs | output bytes |",
    "|---:|---|---|---:|---:|",
    ...rows,
    "",
  ].join("\n");
}

export async function compileCommand(model: string, flags: CompileFlags): Promise<void> {
  step(`importing ${model}`);
  const graph = loadModel(model);
  checkInt8(graph);
  const board = loadBoard(flags.board);
  const mode = flags.mode ?? "codegen";
  step(mode === "interpreter"
    ? `lowering ${graph.ops.length} ops, planning the arena (${flags.plan}), writing the model image for the interpreter`
    : `lowering ${graph.ops.length} ops, planning the arena (${flags.plan}), specializing kernels`);
  const r = codegenFor(graph, { plan: flags.plan, mode });
  const layers = layerRows(graph, r, mode);
  checkFit(board, r, layers);
  const out = path.resolve(flags.out);
  writeCLibrary(r.program, out);
  step(`wrote ${path.join(flags.out, "model.h")}, model.c, mote_intrinsics.h (${r.program.functions.length} functions, arena ${r.placement.arenaBytes} bytes)`);

  let sizes: FirmwareSizes | undefined;
  if (flags.firmware) {
    if (!board.firmware) fail(5007, board.name, "qemu-mps2-an500");
    step(`building firmware for ${board.name} with arm-none-eabi-gcc`);
    sizes = await buildFirmware(out, board, path.join(out, "firmware.elf"));
    step(`wrote ${path.join(flags.out, "firmware.elf")}`);
  }
  const report = {
    model: graph.name,
    board: board.name,
    mode,
    plan: flags.plan,
    arena_bytes: r.placement.arenaBytes,
    lower_bound_bytes: r.lowerBoundBytes,
    constant_bytes: constantBytes(r),
    text_bytes: sizes?.text ?? null,
    rodata_bytes: sizes?.rodata ?? null,
    data_bytes: sizes?.data ?? null,
    bss_bytes: sizes?.bss ?? null,
    flash_bytes: sizes ? sizes.text + sizes.rodata + sizes.data : null,
    macs: r.macs,
    ops: layers.map((l) => ({ op: l.op, opcode: l.opcode, function: l.fn, macs: l.macs, output_bytes: l.outputBytes })),
  };
  fs.writeFileSync(path.join(out, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(out, "report.md"), reportMarkdown(report, layers));
  process.stdout.write(
    `${graph.name}: arena ${report.arena_bytes} B, flash ${report.flash_bytes ?? "n/a"} B, ${layers.length} layers (${mode}), ${report.macs.toLocaleString("en")} MACs\n` +
      `report: ${path.join(flags.out, "report.md")}\n`,
  );
}
