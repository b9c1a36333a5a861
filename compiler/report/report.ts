/**
 * @fileoverview The compile report: the figures of report.json and their readable report.md.
 *
 * Definitions (also written into report.json "definitions" and README "mote compile"), chosen to
 * be comparable with TFLite Micro's figures in ../shared/anchors.json:
 *  - arena_bytes: the planned arena (MOTE_ARENA_BYTES; `mote_arena` in model.c's .bss);
 *  - lower_bound_bytes: the most bytes live at one step for this op order, every tensor its own
 *    buffer (BuildResult.lowerBoundBytes; in-place execution can beat it);
 *  - planned_bound_bytes: the same over the buffers actually planned, when codegen reports it;
 *  - data_bytes / bss_bytes / text_bytes / rodata_bytes: the model library alone (model.c and
 *    any other library .c, plus the libc/libgcc members they pulled in), from the linker map
 *    (compiler/report/linker-map.ts); the harness (startup, semihosting, timer, main) is not
 *    counted. bss includes the arena;
 *  - stack_bytes: the high-water mark of one mote_invoke() measured by painting the stack in
 *    QEMU (boards/qemu-mps2-an500/main.c), on an input of all zero points;
 *  - peak_sram_bytes = data_bytes + bss_bytes + stack_bytes (TFLM's: static RAM of runtime +
 *    arena without the benchmark harness + stack high-water of Invoke);
 *  - flash_bytes = text_bytes + rodata_bytes + data_bytes of the library, harness excluded;
 *    `firmware` holds the whole ELF's sizes, harness included;
 *  - io: the model's inputs and outputs (compiler/ir/io.ts), the table model.h gives;
 *  - flash_budget: the budget of the per-layer int8/int16 weight choice (compiler/build/weights.ts),
 *    where it comes from, and the flash estimates with every layer int8 and with the choice; each
 *    op row of a DSP layer carries its weight format and packed weight bytes.
 * Without firmware (--no-firmware, or a board that has none) the measured fields are null.
 */
import { tensorBytes, type Graph } from "../ir/graph.ts";
import type { BuildResult, Mode } from "../build/index.ts";
import type { FirmwareSizes } from "../toolchain/firmware.ts";
import type { Board } from "../toolchain/boards.ts";
import { peakStep, type MemoryNeeds } from "./fit.ts";

export const DEFINITIONS = {
  arena_bytes: "the static arena planned for all activations and scratch (mote_arena in model.c, in .bss)",
  lower_bound_bytes: "the layer-wise lower bound: the most bytes live at one step for this op order when every tensor has its own buffer (in-place execution can go below it)",
  planned_bound_bytes: "the most bytes live at one step of the buffers actually planned (tensors sharing memory in place count once); null when codegen does not report it",
  data_bytes: "model library .data (library objects and the libc/libgcc members they pulled in; harness excluded)",
  bss_bytes: "model library .bss, arena included (harness excluded)",
  stack_bytes: "stack high-water mark of one mote_invoke() on QEMU, by painting the stack, input all zero points",
  peak_sram_bytes: "data_bytes + bss_bytes + stack_bytes: static RAM of the library with its arena plus the stack of one inference, without the benchmark harness (as TFLM's peak_sram_bytes in anchors.json)",
  flash_bytes: "text_bytes + rodata_bytes + data_bytes of the model library (code, weights, .data load image); the benchmark harness is not included (firmware.flash_bytes includes it)",
  io: "the model's inputs, then its outputs, as model.h's MOTE_INPUT<i>_* / MOTE_OUTPUT<i>_* constants and mote_tensor_info table give them: name, shape, dtype, scale (the float32; 0 when not quantized per tensor), zero point, bytes, and whether mote_quantize_input / mote_dequantize_output convert it (int8 with one scale)",
  flash_budget: "the flash the per-layer choice of int8 or int16-pre-extended weights may fill, its source, and the estimates (code per kernel call + constants) with every layer int8 and with the choice",
} as const;

export interface LayerRow {
  op: number;
  opcode: string;
  /** The specialized C function (codegen) or the generic kernel it dispatches to (interpreter). */
  fn: string;
  macs: number;
  outputBytes: number[];
}

/** One row per kernel call, in execution order (the step indices buffer lifetimes use). */
export function layerRows(graph: Graph, r: BuildResult, mode: Mode): LayerRow[] {
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
        outputBytes: last ? op.outputs.filter((t) => t >= 0).map((t) => tensorBytes(graph.tensors[t]!)) : [],
      });
    });
  }
  return rows;
}

/**
 * Bytes of the program's constant data, without the constants only the I/O conversions use (their
 * scales and records: a firmware that never calls mote_quantize_input / mote_dequantize_output
 * does not link them).
 */
export function constantBytes(r: BuildResult): number {
  const size = { i8: 1, u8: 1, bool: 1, i16: 2, u16: 2, i32: 4, f32: 4 } as const;
  const p = r.program;
  const named = (args: readonly { k: string; name?: string }[]) => args.flatMap((a) => (a.name !== undefined ? [a.name] : []));
  const used = new Set([...p.steps, ...(p.init ?? [])].flatMap((s) => named(s.args)));
  const ioOnly = new Set([...p.inputs, ...p.outputs].flatMap((t) => named(t.convert?.args ?? [])).filter((n) => !used.has(n)));
  return p.constants.reduce((n, c) => n + (ioOnly.has(c.name) ? 0 : c.values.length * size[c.elem]), 0);
}

/**
 * What the model needs of `board` before any firmware exists (the first fit check of `mote
 * compile`, and `mote analyze`): the arena as the only static, the board's reserved stack, and the
 * constant data as flash.
 */
export function estimatedNeeds(board: Board, r: BuildResult): MemoryNeeds {
  return {
    arenaBytes: r.placement.arenaBytes,
    otherStaticBytes: 0,
    stackBytes: board.stackBytes,
    stackSource: "reserved",
    flashBytes: constantBytes(r),
    flashSource: "constants",
  };
}

/**
 * One input per model input, every element its tensor's zero point (the golden input_0): what
 * compile measures the stack on, and what bench runs on a model without golden data.
 */
export function zeroPointInputs(graph: Graph): Uint8Array[] {
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

/** What a firmware build and one QEMU run measured. */
export interface Measured {
  /** The model library alone (linker map). */
  library: FirmwareSizes;
  /** The whole ELF, harness included. */
  firmware: FirmwareSizes;
  stackBytes: number;
  instructions: number;
}

/** A real board's firmware (mote compile --board stm32f746g-disco|nucleo-h743zi): report.json "board_firmware". */
export interface BoardFirmwareReport {
  elf: string;
  bin: string;
  bin_bytes: number;
  clock_hz: number;
  /** The stack: the memory and addresses the linker script gave it, and the reserved bytes. */
  stack: { memory: string; from: string; to: string; reserved_bytes: number };
  /** Where .data and .bss went (the arena's own memories from its symbol), and RAMs too small for them. */
  data_region: { memory: string; from: string; to: string };
  arena: { memories: string[]; from: string; bytes: number } | null;
  ram_tried: { memory: string; short_bytes: number }[];
  /** How stack_bytes and instructions were measured, in words. */
  measured_with: string;
  /** instructions / clock, 1 cycle per instruction assumed: an estimate, labelled as one. */
  estimated_ms: number | null;
  estimate_note: string;
  input: string;
  runs: number;
  profile: boolean;
}

export interface ReportInput {
  graph: Graph;
  r: BuildResult;
  board: string;
  mode: Mode;
  plan: string;
  layers: LayerRow[];
  measured?: Measured;
  /** File name of the timeline SVG next to report.md. */
  timeline?: string;
  boardFirmware?: BoardFirmwareReport;
}

/** The most bytes live at one step of the buffers actually planned, when codegen reports it (in place). */
function plannedBound(r: BuildResult): number | null {
  const v = (r as { plannedBoundBytes?: unknown }).plannedBoundBytes;
  return typeof v === "number" ? v : null;
}

/** One row of the I/O table (report.json `io`), from compiler/ir/io.ts as model.h's constants. */
export interface IoRow {
  kind: "input" | "output";
  /** Its index among the inputs or outputs (mote_input(index), MOTE_INPUT<index>_...). */
  index: number;
  tensor: number;
  name: string;
  shape: number[];
  dtype: string;
  /** The float32 scale (exactly, as a double); 0 when the tensor is not quantized per tensor. */
  scale: number;
  zero_point: number;
  bytes: number;
  /** int8 with one scale: mote_quantize_input / mote_dequantize_output convert it. */
  quantized: boolean;
}

/** The model's inputs, then its outputs, as model.h's I/O table gives them. */
export function ioRows(r: BuildResult): IoRow[] {
  const row = (kind: IoRow["kind"]) => (t: BuildResult["program"]["inputs"][number], index: number): IoRow => ({
    kind, index, tensor: t.info.tensor, name: t.info.name, shape: t.info.shape, dtype: t.info.dtype,
    scale: t.info.scale, zero_point: t.info.zeroPoint, bytes: t.info.bytes, quantized: t.info.quantized,
  });
  return [...r.program.inputs.map(row("input")), ...r.program.outputs.map(row("output"))];
}

export type Report = ReturnType<typeof buildReport>;

export function buildReport(input: ReportInput) {
  const { graph, r, measured: m } = input;
  const lib = m?.library;
  const peak = peakStep(r);
  const w = r.weights;
  const weightOf = new Map((w?.layers ?? []).map((l) => [l.op, l]));
  return {
    model: graph.name,
    board: input.board,
    mode: input.mode,
    plan: input.plan,
    arena_bytes: r.placement.arenaBytes,
    lower_bound_bytes: r.lowerBoundBytes,
    planned_bound_bytes: plannedBound(r),
    stack_bytes: m ? m.stackBytes : null,
    data_bytes: lib ? lib.data : null,
    bss_bytes: lib ? lib.bss : null,
    peak_sram_bytes: lib && m ? lib.data + lib.bss + m.stackBytes : null,
    flash_bytes: lib ? lib.text + lib.rodata + lib.data : null,
    text_bytes: lib ? lib.text : null,
    rodata_bytes: lib ? lib.rodata : null,
    constant_bytes: constantBytes(r),
    instructions: m ? m.instructions : null,
    macs: r.macs,
    io: ioRows(r),
    peak_layer: { step: peak.step, op: peak.op, opcode: peak.opcode, live_bytes: peak.liveBytes },
    flash_budget: w
      ? { budget_bytes: w.budgetBytes, source: w.budgetSource, int8_estimate_bytes: w.int8EstimateBytes, estimate_bytes: w.estimateBytes, int16_layers: w.int16.length }
      : null,
    firmware: m
      ? {
          includes_harness: true,
          text_bytes: m.firmware.text,
          rodata_bytes: m.firmware.rodata,
          data_bytes: m.firmware.data,
          bss_bytes: m.firmware.bss,
          flash_bytes: m.firmware.text + m.firmware.rodata + m.firmware.data,
        }
      : null,
    board_firmware: input.boardFirmware ?? null,
    memory_timeline: input.timeline ?? null,
    definitions: DEFINITIONS,
    ops: input.layers.map((l) => ({
      op: l.op, opcode: l.opcode, function: l.fn, macs: l.macs, output_bytes: l.outputBytes,
      weight_format: weightOf.get(l.op)?.format ?? null, weight_bytes: weightOf.get(l.op)?.bytes ?? null,
    })),
  };
}

/** The "Board firmware" lines of report.md (real boards only). */
function boardFirmwareMarkdown(b: BoardFirmwareReport | null, fmt: (v: unknown) => string): string[] {
  if (!b) return [];
  const arena = b.arena ? `the arena (${fmt(b.arena.bytes)} bytes at ${b.arena.from}) is in ${b.arena.memories.join(" + ")}` : "the library has no arena";
  const tried = b.ram_tried.map((t) => `${t.memory} was ${fmt(t.short_bytes)} bytes short`).join(", ");
  return [
    "## Board firmware",
    "",
    `\`${b.elf}\` and \`${b.bin}\` (${fmt(b.bin_bytes)} bytes to flash), core clock ${fmt(b.clock_hz / 1e6)} MHz, input ${b.input}, ${b.runs} timed run(s)${b.profile ? ", per-layer cycles (-DMOTE_PROFILE)" : ""}.`,
    "",
    `- stack: ${b.stack.memory}, ${b.stack.from}-${b.stack.to} (${fmt(b.stack.reserved_bytes)} bytes reserved)`,
    `- .data + .bss: ${b.data_region.memory} from ${b.data_region.from}; ${arena}${tried ? ` (${tried}, so the next RAM was used)` : ""}`,
    `- ${b.measured_with}`,
    `- ${b.estimate_note}`,
    "",
  ];
}

export function reportMarkdown(report: Report): string {
  const fmt = (v: unknown) => (typeof v === "number" ? v.toLocaleString("en") : v === null || v === undefined ? "—" : String(v));
  const rows = report.ops.map((l) =>
    `| ${l.op} | ${l.opcode} | \`${l.function}\` | ${fmt(l.macs)} | ${l.output_bytes.join(", ")} | ${l.weight_format === null ? "—" : `${l.weight_format}, ${fmt(l.weight_bytes)}`} |`);
  const fb = report.flash_budget;
  const fw = report.firmware;
  const measuredNote = report.stack_bytes === null
    ? "No firmware was built (--no-firmware, or the board has none): stack, .data/.bss, peak SRAM and flash are not measured."
    : report.board_firmware
      ? `Stack and instructions measured by one run of the QEMU build (mps2-an500) of the same library, input ${report.board_firmware.input}: ${fmt(report.instructions)} instructions (a real board cannot run here).`
      : `Stack and instructions measured by one run in QEMU (mps2-an500) on an all-zero-point input: ${fmt(report.instructions)} instructions.`;
  const ioLines = report.io.map((t) =>
    `| ${t.kind} ${t.index} | \`${t.name.replace(/\|/g, "\\|")}\` | [${t.shape.join(", ")}] | ${t.dtype} | ${t.scale === 0 ? "—" : Number(t.scale.toPrecision(9))} | ${t.scale === 0 ? "—" : t.zero_point} | ${fmt(t.bytes)} |`);
  return [
    `# Mote report: ${report.model}`,
    "",
    `Board: ${report.board}. Mode: ${report.mode}. Planner: ${report.plan}.`,
    "",
    "## Inputs and outputs",
    "",
    "As model.h gives them (MOTE_INPUT<i>_* / MOTE_OUTPUT<i>_*, mote_input_info(), mote_output_info()); real value = scale × (q − zero point).",
    "",
    "| tensor | name | shape | dtype | scale | zero point | bytes |",
    "|---|---|---|---|---:|---:|---:|",
    ...ioLines,
    "",
    "## Memory",
    "",
    "| figure | bytes | what it is |",
    "|---|---:|---|",
    `| arena (SRAM, static) | ${fmt(report.arena_bytes)} | ${DEFINITIONS.arena_bytes} |`,
    `| lower bound | ${fmt(report.lower_bound_bytes)} | ${DEFINITIONS.lower_bound_bytes} |`,
    ...(report.planned_bound_bytes !== null ? [`| planned bound | ${fmt(report.planned_bound_bytes)} | ${DEFINITIONS.planned_bound_bytes} |`] : []),
    `| stack (high-water) | ${fmt(report.stack_bytes)} | ${DEFINITIONS.stack_bytes} |`,
    `| .data | ${fmt(report.data_bytes)} | ${DEFINITIONS.data_bytes} |`,
    `| .bss | ${fmt(report.bss_bytes)} | ${DEFINITIONS.bss_bytes} |`,
    `| **peak SRAM** | **${fmt(report.peak_sram_bytes)}** | ${DEFINITIONS.peak_sram_bytes} |`,
    `| **flash** | **${fmt(report.flash_bytes)}** | ${DEFINITIONS.flash_bytes} |`,
    `| constants | ${fmt(report.constant_bytes)} | weights, biases and requantization tables (part of .rodata) |`,
    ...(fw ? [`| whole firmware flash | ${fmt(fw.flash_bytes)} | .text ${fmt(fw.text_bytes)} + .rodata ${fmt(fw.rodata_bytes)} + .data ${fmt(fw.data_bytes)} of the ELF, harness included (.bss ${fmt(fw.bss_bytes)}) |`] : []),
    "",
    measuredNote,
    "",
    ...boardFirmwareMarkdown(report.board_firmware, fmt),
    `Peak layer: op ${report.peak_layer.op} (${report.peak_layer.opcode}), step ${report.peak_layer.step}, ${fmt(report.peak_layer.live_bytes)} bytes live.`,
    "",
    ...(report.memory_timeline ? [`![memory timeline: each buffer is a block over the steps it lives (x) and its arena bytes (y)](${report.memory_timeline})`, ""] : []),
    "## Layers",
    "",
    `MACs per inference: ${fmt(report.macs)}.`,
    "",
    ...(fb ? [
      `Weights: ${fb.int16_layers} layer(s) int16-pre-extended, the others int8, under a flash budget of ${fmt(fb.budget_bytes)} bytes ` +
        `(${fb.source}); flash estimate ${fmt(fb.estimate_bytes)} bytes (${fmt(fb.int8_estimate_bytes)} with every layer int8).`,
      "",
    ] : []),
    "| op | kind | function | MACs | output bytes | weights (format, bytes) |",
    "|---:|---|---|---:|---:|---|",
    ...rows,
    "",
  ].join("\n");
}
