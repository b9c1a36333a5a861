/**
 * @fileoverview `mote bench`: every model × every configuration (compiler/bench/configs.ts) on
 * the simulated Cortex-M7, side by side with TFLite Micro's figures from ../shared/anchors.json.
 *
 * Per model and configuration: one firmware build (compiler/run/targets.ts, target qemu), one
 * QEMU run per golden input.
 *
 * Any model runs: golden data is ../shared/golden/<model>/ when present (or the folder
 * BenchOptions.golden names). Without it the figures come from one run on the inputs given
 * (BenchOptions.inputs) or on an all-zero-point input (report.ts zeroPointInputs, as `mote compile`
 * measures), the row says where (`measured_on`), and its `bit_exact` is null: not checked. The figures come from the run on golden input_3 (the input the
 * anchors were measured on): instructions (SysTick, GUIDE §5) and the painted stack. Bit-exactness
 * is checked on QEMU for EVERY golden input_k/output_k pair of the model (k = 0..7, plus the real
 * photos 8 and 9 where present), not only input_3: the configurations differ in the C they run,
 * so each is checked where it is measured. Any mismatch makes the row `bit_exact: false` and the
 * bench fail (BenchResult.failures) after writing the results.
 *
 * Sizes are the model library's alone, as in the compile report (compiler/report/report.ts):
 * text/rodata/data/bss from the linker map (compiler/report/linker-map.ts, firmware harness
 * excluded, bss includes the arena); peak_sram_bytes = data + bss + stack; flash_bytes = text +
 * rodata + data. The report measures its stack on an all-zero-point input; the bench on input_3.
 *
 * Invariant: rows are in (model order given, CONFIGS order, then the two anchor rows) order and
 * every number is deterministic (no timestamps), so two runs give identical results.json files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fail } from "../diagnostics.ts";
import { REPO_ROOT } from "../paths.ts";
import { loadModel } from "../import/tflite/import.ts";
import { checkInt8 } from "../import/tflite/check.ts";
import { opHandles } from "../ops/index.ts";
import { librarySizes } from "../report/linker-map.ts";
import { zeroPointInputs } from "../report/report.ts";
import { tensorBytes, type Graph } from "../ir/graph.ts";
import { buildFor } from "../pipeline.ts";
import type { UserKernels } from "../ops/types.ts";
import { runModel } from "../run/targets.ts";
import { DEFAULT_BOARD, loadBoard } from "../toolchain/boards.ts";
import { mapFileFor } from "../toolchain/firmware.ts";
import { librarySources } from "../toolchain/host.ts";
import { ANCHOR_CONFIGS, CONFIGS, type BenchConfig } from "./configs.ts";

/** Where the shared models, golden data and anchors are: $MOTE_SHARED or ../shared. */
export const SHARED_DIR = process.env.MOTE_SHARED ?? path.resolve(REPO_ROOT, "../shared");
/** The five MLPerf Tiny models, in the order the table lists them. */
export const BENCH_MODELS = ["kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "ad01_int8", "str_ww_ref_model"];
/** The golden input the figures are measured on (the anchors use the same one). */
export const MEASURED_INPUT = 3;

export interface BenchRow {
  model: string;
  config: string;
  instructions: number;
  arena_bytes: number;
  stack_bytes: number;
  text_bytes: number;
  rodata_bytes: number;
  data_bytes: number;
  bss_bytes: number;
  peak_sram_bytes: number;
  flash_bytes: number;
  macs: number;
  macs_per_instruction: number;
  /** null: the model has no golden data, its outputs were not checked. */
  bit_exact: boolean | null;
  /** What the figures were measured on when not golden input_<measured_input> (e.g. "all zero points"). */
  measured_on?: string;
  /** Golden inputs whose output was compared on QEMU (anchor rows: as stated by anchors.json). */
  inputs_checked: number[];
  /** Golden inputs whose output differed (empty when bit_exact). */
  mismatches: number[];
  /** "mote" (measured by this bench) or "anchors.json". */
  source: "mote" | "anchors.json";
}

export interface BenchResults {
  board: string;
  measured_input: number;
  configs: { name: string; changes: string }[];
  anchors_method: string | null;
  rows: BenchRow[];
}

export interface BenchOptions {
  /** Model names (in SHARED_DIR/models) or paths to .tflite files; default BENCH_MODELS. */
  models?: string[];
  /** Configurations to run, in order (default: CONFIGS, the ablation). */
  configs?: readonly BenchConfig[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** The int8/int16 weight choice's flash budget (BuildOptions.flashBudget; default its estimate). */
  flashBudget?: number;
  /** A user's kernels (`--kernels DIR`; compiler/ops/types.ts UserKernels). */
  kernels?: UserKernels;
  /** Raw input files (once per model input) to measure on instead of golden input_3 or zero points. */
  inputs?: string[];
  /** A folder of golden input_<k>.bin / output_<k>.bin pairs (default ../shared/golden/<model>/). */
  golden?: string;
}

interface ModelFiles {
  name: string;
  file: string;
  golden: string;
  /** Golden pairs k (input_k.bin with output_k.bin); empty: outputs not checked. */
  inputs: number[];
  /** The golden input the figures come from (MEASURED_INPUT when present, else the first). */
  measured: number;
}

function modelFiles(spec: string, goldenDir?: string): ModelFiles {
  const isPath = spec.endsWith(".tflite") || spec.includes("/");
  const name = path.basename(spec, ".tflite");
  const file = isPath ? path.resolve(spec) : path.join(SHARED_DIR, "models", `${name}.tflite`);
  if (!fs.existsSync(file)) fail(1001, file, isPath ? "no such file" : `no such model (models: ${BENCH_MODELS.join(", ")}, in ${path.join(SHARED_DIR, "models")}; set MOTE_SHARED to move it)`);
  const golden = goldenDir !== undefined ? path.resolve(goldenDir) : path.join(SHARED_DIR, "golden", name);
  const inputs = fs.existsSync(golden)
    ? fs.readdirSync(golden).flatMap((f) => {
      const m = /^input_(\d+)\.bin$/.exec(f);
      return m && fs.existsSync(path.join(golden, `output_${m[1]}.bin`)) ? [Number(m[1])] : [];
    }).sort((a, b) => a - b)
    : [];
  if (goldenDir !== undefined && inputs.length === 0) fail(6010, name, path.join(golden, `input_${MEASURED_INPUT}.bin`));
  return { name, file, golden, inputs, measured: inputs.includes(MEASURED_INPUT) ? MEASURED_INPUT : inputs[0] ?? -1 };
}

const read = (f: string): Uint8Array => new Uint8Array(fs.readFileSync(f));
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);

type AnchorFigures = Record<string, number>;
interface Anchors {
  method?: string;
  models: Record<string, Record<string, AnchorFigures>>;
}

export function loadAnchors(): Anchors | undefined {
  const f = path.join(SHARED_DIR, "anchors.json");
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, "utf8")) as Anchors) : undefined;
}

function anchorRow(model: string, config: string, a: AnchorFigures): BenchRow {
  return {
    model,
    config,
    instructions: a.instructions ?? 0,
    arena_bytes: a.arena_bytes ?? 0,
    stack_bytes: a.stack_bytes ?? 0,
    text_bytes: a.text_bytes ?? 0,
    rodata_bytes: a.rodata_bytes ?? 0,
    data_bytes: a.data_bytes ?? 0,
    bss_bytes: a.bss_bytes ?? 0,
    peak_sram_bytes: a.peak_sram_bytes ?? 0,
    flash_bytes: a.flash_bytes ?? 0,
    macs: a.macs ?? 0,
    macs_per_instruction: a.macs_per_instruction ?? ratio(a.macs ?? 0, a.instructions ?? 0),
    // anchors.json's method: "outputs equal golden" (on input_3).
    bit_exact: true,
    inputs_checked: [MEASURED_INPUT],
    mismatches: [],
    source: "anchors.json",
  };
}

/** The inputs the figures are measured on, and how the row names them when they are not golden input_3. */
function measuredInputs(graph: Graph, m: ModelFiles, files?: string[]): { inputs: Uint8Array[]; on?: string } {
  if (files && files.length > 0) {
    if (files.length !== graph.inputs.length) fail(6006, graph.inputs.length, `${files.length} --input file(s)`);
    const inputs = files.map((f) => {
      try {
        return read(f);
      } catch (e) {
        return fail(6009, f, (e as Error).message);
      }
    });
    inputs.forEach((bytes, i) => {
      const t = graph.tensors[graph.inputs[i]!]!;
      if (bytes.length !== tensorBytes(t)) fail(5005, i, tensorBytes(t), t.name, `${t.dtype} [${t.shape.join(", ")}]`, bytes.length);
    });
    return { inputs, on: files.map((f) => path.basename(f)).join(", ") };
  }
  if (m.measured >= 0) {
    return { inputs: [read(path.join(m.golden, `input_${m.measured}.bin`))], ...(m.measured !== MEASURED_INPUT ? { on: `golden input_${m.measured}` } : {}) };
  }
  return { inputs: zeroPointInputs(graph), on: "all zero points" };
}

async function measure(m: ModelFiles, config: BenchConfig, log: (l: string) => void, flashBudget?: number, files?: string[], kernels?: UserKernels): Promise<BenchRow> {
  const graph = loadModel(m.file);
  checkInt8(graph, opHandles);
  const opts = { ...config.options, board: DEFAULT_BOARD, ...(flashBudget !== undefined ? { flashBudget } : {}), kernels };
  const r = buildFor(graph, opts);
  const input = (k: number) => read(path.join(m.golden, `input_${k}.bin`));
  const expected = (k: number) => read(path.join(m.golden, `output_${k}.bin`));
  const measured = measuredInputs(graph, m, files);
  const golden = measured.on === undefined || measured.on.startsWith("golden ");

  const main = await runModel(graph, measured.inputs, "qemu", opts);
  if (main.instructions === undefined || main.stackBytes === undefined || !main.elf) throw new Error("bench: the qemu run reported no figures");
  const board = loadBoard(DEFAULT_BOARD);
  const lib = await librarySizes(main.elf, mapFileFor(main.elf), board.firmware!.sources.length, librarySources(path.dirname(main.elf)).length);
  const mismatches: number[] = [];
  if (golden && !same(main.outputs[0], expected(m.measured))) mismatches.push(m.measured);
  for (const k of m.inputs) {
    if (golden && k === m.measured) continue;
    const { outputs } = await runModel(graph, [input(k)], "qemu", opts);
    if (!same(outputs[0], expected(k))) mismatches.push(k);
  }
  mismatches.sort((a, b) => a - b);
  log(`  ${main.instructions.toLocaleString("en")} instructions, stack ${main.stackBytes} B, ` +
    `${m.inputs.length === 0 ? "outputs not checked (no golden data)" : mismatches.length === 0 ? `bit-exact on ${m.inputs.length} golden inputs` : `MISMATCH on input(s) ${mismatches.join(", ")}`}`);
  return {
    model: m.name,
    config: config.name,
    instructions: main.instructions,
    arena_bytes: r.placement.arenaBytes,
    stack_bytes: main.stackBytes,
    text_bytes: lib.text,
    rodata_bytes: lib.rodata,
    data_bytes: lib.data,
    bss_bytes: lib.bss,
    peak_sram_bytes: lib.data + lib.bss + main.stackBytes,
    flash_bytes: lib.text + lib.rodata + lib.data,
    macs: r.macs,
    macs_per_instruction: ratio(r.macs, main.instructions),
    bit_exact: m.inputs.length === 0 ? null : mismatches.length === 0,
    ...(measured.on !== undefined ? { measured_on: measured.on } : {}),
    inputs_checked: m.inputs,
    mismatches,
    source: "mote",
  };
}

/** Runs the bench; never throws on a mismatch (see `failures`). */
export async function runBench(opts: BenchOptions = {}): Promise<BenchResults> {
  const log = opts.log ?? (() => {});
  const models = (opts.models && opts.models.length > 0 ? opts.models : BENCH_MODELS).map((spec) => modelFiles(spec, opts.golden));
  const anchors = loadAnchors();
  const configs = opts.configs ?? CONFIGS;
  const rows: BenchRow[] = [];
  const total = models.length * configs.length;
  let n = 0;
  for (const m of models) {
    for (const config of configs) {
      n++;
      log(m.inputs.length > 0
        ? `[${n}/${total}] ${m.name} ${config.name}: build, run golden input_${m.measured} and check ${m.inputs.length} golden outputs on qemu`
        : `[${n}/${total}] ${m.name} ${config.name}: build and run on qemu (no golden data: outputs not checked)`);
      rows.push(await measure(m, config, log, opts.flashBudget, opts.inputs, opts.kernels));
    }
    for (const a of ANCHOR_CONFIGS) {
      const figures = anchors?.models[m.name]?.[a.name];
      if (figures) rows.push(anchorRow(m.name, a.name, figures));
    }
  }
  return {
    board: DEFAULT_BOARD,
    measured_input: MEASURED_INPUT,
    configs: [...configs.map((c) => ({ name: c.name, changes: c.changes })), ...ANCHOR_CONFIGS.map((c) => ({ name: c.name, changes: c.changes }))],
    anchors_method: anchors?.method ?? null,
    rows,
  };
}

/** One line per Mote row that is not bit-exact (empty: all good). */
export function failures(results: BenchResults): string[] {
  return results.rows
    .filter((r) => r.source === "mote" && r.bit_exact === false)
    .map((r) => `${r.model} ${r.config}: output differs from golden on input(s) ${r.mismatches.join(", ")}`);
}
