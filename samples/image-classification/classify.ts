/**
 * @fileoverview The image-classification sample: person detection (vww_96_int8) and CIFAR-10
 * (pretrainedResnet_quant, top-3) on every photo in ../shared/data/images, each model compiled
 * once for the simulated Cortex-M7 and run in QEMU per image, with the instructions counted and
 * milliseconds at the real boards' clocks given as an estimate. The photos are decoded, centre
 * cropped, area-average resized and quantized on the host by compiler/inputs/ (as the golden
 * input_8/input_9 were made). `--board NAME` builds the firmware for a real board instead, through
 * `mote compile --board NAME`. Run it with `npm run sample:image` (README.md beside this file).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fail, MoteError } from "../../compiler/diagnostics.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { imageFormat } from "../../compiler/inputs/image.ts";
import { imageInput } from "../../compiler/inputs/preprocess.ts";
import { dequantize, topK } from "../../compiler/inputs/quant.ts";
import { sharedData } from "../../compiler/inputs/shared.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { runProgram, runModel, TARGETS, type Target } from "../../compiler/run/targets.ts";
import type { FirmwareSizes } from "../../compiler/toolchain/firmware.ts";
import { DEFAULT_BOARD, listBoards, loadBoard } from "../../compiler/toolchain/boards.ts";
import { flashOptions } from "../../compiler/cli/flash-budget.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, "../..");

/** The two models, their labels (output index order) and how many classes to print. */
export const MODELS = [
  { name: "vww_96_int8", task: "person detection", labels: ["no person", "person"], top: 1 },
  {
    name: "pretrainedResnet_quant",
    task: "CIFAR-10",
    labels: ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
    top: 3,
  },
] as const;

/** The real boards whose clocks the estimate uses (their board.json holds clockHz). */
export const REAL_BOARDS = ["stm32f746g-disco", "nucleo-h743zi"] as const;

/** Cycles per instruction assumed by the millisecond estimate (README.md: why 1). */
export const DEFAULT_CPI = 1;

export interface Classified {
  model: string;
  image: string;
  /** The top classes, best first, with their dequantized scores (softmax probabilities). */
  top: { label: string; index: number; score: number }[];
  instructions?: number;
  stackBytes?: number;
  /** qemu: the firmware's sections (flash = text + rodata + data; RAM = data + bss, arena included). */
  sizes?: FirmwareSizes;
}

export interface SampleOptions {
  target?: Target;
  /** Folder of images (default ../shared/data/images). */
  images?: string;
  /** Progress lines (default: stderr). */
  progress?: (line: string) => void;
}

/** The image files of `dir` that compiler/inputs can decode (by signature), sorted by name. */
export function imageFiles(dir: string): string[] {
  return fs.readdirSync(dir).sort().filter((f) => {
    const p = path.join(dir, f);
    if (!fs.statSync(p).isFile()) return false;
    const head = new Uint8Array(8);
    const fd = fs.openSync(p, "r");
    try {
      fs.readSync(fd, head, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
    return imageFormat(head) !== undefined;
  });
}

/** Classifies every image with both models on `target` (qemu: one firmware build per model). */
export async function classifyAll(opts: SampleOptions = {}): Promise<Classified[]> {
  const target = opts.target ?? "qemu";
  const say = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = opts.images ?? sharedData("data", "images");
  if (!fs.existsSync(dir)) fail(6107, dir);
  const files = imageFiles(dir);
  if (files.length === 0) fail(6107, `images in ${dir}`);
  const results: Classified[] = [];
  for (const m of MODELS) {
    const started = Date.now();
    say(`• ${m.name} (${m.task}): importing ${path.relative(process.cwd(), sharedData("models", `${m.name}.tflite`))}`);
    const graph = loadModel(sharedData("models", `${m.name}.tflite`));
    checkInt8(graph);
    const runOpts = { board: DEFAULT_BOARD, ...flashOptions(undefined, DEFAULT_BOARD) };
    let program;
    if (target !== "ts") {
      say(`• ${m.name}: lowering ${graph.ops.length} ops, planning the arena, specializing kernels`);
      program = buildFor(graph, runOpts).program;
    }
    if (target === "qemu") say(`• ${m.name}: writing C and building the firmware for ${DEFAULT_BOARD} (arm-none-eabi-gcc), then running ${files.length} images in QEMU`);
    else say(`• ${m.name}: running ${files.length} images on ${target}`);
    const output = graph.tensors[graph.outputs[0]];
    for (const f of files) {
      const input = imageInput(graph, path.join(dir, f)).bytes;
      const r = program ? await runProgram(program, [input], target as Exclude<Target, "ts">, runOpts) : await runModel(graph, [input], "ts", runOpts);
      const scores = dequantize(output, r.outputs[0]);
      const top = topK(scores, m.top).map((i) => ({ label: m.labels[i] ?? `class ${i}`, index: i, score: scores[i] }));
      results.push({ model: m.name, image: f, top, instructions: r.instructions, stackBytes: r.stackBytes, sizes: r.sizes });
      say(`  ${f}: ${top[0].label}`);
    }
    say(`• ${m.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return results;
}

const group = (n: number): string => n.toLocaleString("en-US");

/** The printed table of one model's results, with the estimate columns for each real board. */
export function formatResults(results: Classified[], cpi = DEFAULT_CPI): string {
  const clocks = REAL_BOARDS.map((b) => ({ board: b, mhz: loadBoard(b).clockHz / 1e6 }));
  const lines: string[] = [];
  for (const m of MODELS) {
    const rows = results.filter((r) => r.model === m.name);
    if (rows.length === 0) continue;
    const counted = rows.some((r) => r.instructions !== undefined);
    lines.push("", `${m.name} — ${m.task}${m.top > 1 ? ` (top ${m.top})` : ""}`);
    const answer = (r: Classified): string => r.top.map((t) => `${t.label} ${t.score.toFixed(2)}`).join(", ");
    const width = Math.max(...rows.map((r) => answer(r).length), 6);
    const head = [`${"image".padEnd(16)}${"answer".padEnd(width + 2)}`];
    if (counted) head.push("instructions".padStart(12), ...clocks.map((c) => `est. ms @${c.mhz} MHz`.padStart(19)));
    lines.push(head.join("").trimEnd());
    for (const r of rows) {
      const cells = [`${r.image.padEnd(16)}${answer(r).padEnd(width + 2)}`];
      if (r.instructions !== undefined) {
        cells.push(group(r.instructions).padStart(12), ...clocks.map((c) => ((r.instructions! * cpi) / (c.mhz * 1000)).toFixed(1).padStart(19)));
      }
      lines.push(cells.join("").trimEnd());
    }
    const sized = rows.find((r) => r.sizes && r.stackBytes !== undefined);
    if (sized) {
      const z = sized.sizes!;
      lines.push(`firmware: flash ${group(z.text + z.rodata + z.data)} B (harness included), RAM ${group(z.data + z.bss)} B static + ${group(sized.stackBytes!)} B stack`);
    }
  }
  if (results.some((r) => r.instructions !== undefined)) {
    lines.push(
      "",
      "instructions: counted by QEMU (mps2-an500, Cortex-M7) for one inference, mote_invoke() only.",
      `est. ms: an ESTIMATE, not a measurement: instructions × ${cpi} cycle(s) per instruction ÷ the board's clock`,
      `(${clocks.map((c) => `${c.board} ${c.mhz} MHz`).join(", ")}). Real boards report DWT cycles over UART.`,
    );
  }
  return lines.join("\n");
}

/** `--board NAME`: the firmware of both models for that board, through `mote compile --board NAME`. */
function buildForBoard(board: string): void {
  loadBoard(board); // MOTE5003 for an unknown board, before anything runs
  const dir = sharedData("data", "images");
  const outRoot = path.join(REPO, "out", "image-classification", board);
  for (const m of MODELS) {
    const model = sharedData("models", `${m.name}.tflite`);
    const out = path.join(outRoot, m.name);
    process.stderr.write(`• ${m.name}: mote compile --board ${board} --out ${path.relative(process.cwd(), out)}\n`);
    const r = spawnSync(process.execPath, [path.join(REPO, "bin", "mote.js"), "compile", model, "--board", board, "--out", out], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1); // mote printed its one-line error
    // The preprocessed photos beside the firmware, as raw input tensors.
    const graph = loadModel(model);
    const inputs = path.join(out, "inputs");
    fs.mkdirSync(inputs, { recursive: true });
    for (const f of imageFiles(dir)) fs.writeFileSync(path.join(inputs, `${path.parse(f).name}.bin`), imageInput(graph, path.join(dir, f)).bytes);
    process.stderr.write(`• ${m.name}: the photos' input tensors are in ${path.relative(process.cwd(), inputs)}/\n`);
  }
}

interface Args {
  board?: string;
  target: Target;
  cpi: number;
  images?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { target: "qemu", cpi: DEFAULT_CPI };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => argv[++i] ?? fail(6001, `${a} needs a value`);
    if (a === "--board") args.board = value();
    else if (a === "--target") {
      const t = value();
      if (!(TARGETS as readonly string[]).includes(t)) fail(5004, t);
      args.target = t as Target;
    } else if (a === "--cpi") {
      const v = value();
      args.cpi = Number(v);
      if (!(args.cpi > 0)) fail(6005, "--cpi", "a positive number of cycles per instruction", v);
    } else if (a === "--images") args.images = value();
    else if (a === "--help" || a === "-h") {
      process.stdout.write("usage: npm run sample:image -- [--board NAME] [--target ts|wasm|host|qemu] [--cpi N] [--images DIR]\n");
      process.stdout.write(`  --board NAME  build the firmware for a real board instead (${listBoards().filter((b) => b !== DEFAULT_BOARD).join(", ")})\n`);
      process.exit(0);
    } else fail(6001, `unknown option '${a}' (try --help)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.board && args.board !== DEFAULT_BOARD) return buildForBoard(args.board);
  const where = args.target === "qemu" ? "on the simulated Cortex-M7 (QEMU mps2-an500)" : `on the ${args.target} target`;
  process.stderr.write(`Image classification ${where}, photos from ${args.images ?? path.relative(process.cwd(), sharedData("data", "images"))}\n`);
  const results = await classifyAll({ target: args.target, images: args.images });
  process.stdout.write(`${formatResults(results, args.cpi)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    if (e instanceof MoteError) {
      process.stderr.write(`${e.oneLine()}\n`);
      process.exit(1);
    }
    throw e;
  });
}
