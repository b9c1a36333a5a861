/**
 * @fileoverview `mote profile`: per-layer instructions of one inference on the simulated
 * Cortex-M7, for the codegen build and the interpreter build alike.
 *
 * Two firmware builds of the same program run on the same input: the plain one (its
 * "instructions:" line is the whole-inference count `mote run` reports) and one with
 * -DMOTE_PROFILE, whose hooks (boards/qemu-mps2-an500/profile.c) read SysTick around every layer
 * and print "layer <key>: <instructions>". Keys: codegen mode, the graph op index (model.c's
 * MOTE_PROFILE_BEGIN(op)); interpreter mode, the word index of the step in the model image (the
 * dispatch's hooks, compiler/build/interpreter/dispatch.ts), mapped back here to the step's graph op.
 * Negative keys are wrappers (interpreter mode's single `interpret()` step) and are not layers.
 *
 * Each layer shows its MACs per instruction and the kernel variant its lowering chose
 * (KernelCall.variant, "-" when the kernel has one variant); the totals give MACs per instruction
 * of the whole inference and of the layer sum.
 *
 * Invariants: each layer's MACs are the sum of its kernel calls' `macs` (compiler/ops); the
 * layer sum is compared with the unprofiled whole count (`sumVsWholePercent`), and the profiled
 * whole count minus the layer sum (`unattributed`) is what runs outside every layer: the hooks
 * themselves, and in interpreter mode the image check, step loop and dispatch chain.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Graph } from "../ir/graph.ts";
import { tensorBytes } from "../ir/graph.ts";
import type { Mode } from "../build/index.ts";
import type { InterpreterResult } from "../build/interpreter/program.ts";
import { ARG_WORDS, STEP_WORDS } from "../build/interpreter/image.ts";
import { failInvokeStatus } from "../build/interpreter/status.ts";
import { buildFor } from "../pipeline.ts";
import { writeCLibrary } from "../emit/c/model.ts";
import { buildFirmware, runQemu } from "../toolchain/firmware.ts";
import { DEFAULT_BOARD } from "../toolchain/boards.ts";
import { fail } from "../diagnostics.ts";
import type { UserKernels } from "../ops/types.ts";

export interface ProfileOptions {
  mode?: Mode;
  plan?: string;
  specialize?: boolean;
  board?: string;
  /** Raw bytes per model input; default all-zero bytes (kernel timing barely depends on data). */
  inputs?: Uint8Array[];
  /** How many layers `top` lists (default 5). */
  top?: number;
  /** The int8/int16 weight choice's budget and the board's flash (BuildOptions). */
  flashBudget?: number;
  flashLimit?: number;
  /** A user's kernels (`--kernels DIR`; compiler/ops/types.ts UserKernels). */
  kernels?: UserKernels;
}

export interface LayerProfile {
  /** Graph op index. */
  op: number;
  opcode: string;
  /** Kernel calls (steps) of this op. */
  steps: number;
  /** Instructions inside this op's steps (SysTick ticks x 40; resolution 40 per step). */
  instructions: number;
  /** Percent of the layer sum. */
  share: number;
  macs: number;
  /** MACs per instruction, null when the layer ran no measured instructions. */
  macsPerInstruction: number | null;
  /** The kernel variants its calls chose (KernelCall.variant, distinct, "; "-joined), "-" when none says. */
  variant: string;
}

export interface ProfileReport {
  model: string;
  mode: Mode;
  plan: string;
  specialize: boolean;
  board: string;
  /** Every op with kernel calls, in op order. */
  layers: LayerProfile[];
  /** The `top` layers by instructions, largest first. */
  top: LayerProfile[];
  /** Sum of `layers[].instructions`. */
  layerSum: number;
  /** Whole-inference count of the plain (unprofiled) build: what `mote run` reports. */
  wholeInstructions: number;
  /** Whole-inference count of the profiling build (includes the hooks). */
  wholeProfiled: number;
  /** wholeProfiled - layerSum: hooks, and in interpreter mode the interpreter's own loop and dispatch. */
  unattributed: number;
  /** (layerSum - wholeInstructions) / wholeInstructions x 100. */
  sumVsWholePercent: number;
  macs: number;
  /** macs / wholeInstructions. */
  macsPerInstruction: number;
}

/** The "layer <key>: N" lines of a profiling firmware's console, summed per key, in first-seen order. */
export function parseLayerLines(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of text.matchAll(/^layer (-?\d+): (\d+)\s*$/gm)) {
    const key = Number(m[1]);
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

/**
 * The graph op of every profiling key of a build: codegen keys are op indices already;
 * interpreter keys are step word indices, walked from the image header (word 3 step count, word 4
 * first step; a step is STEP_WORDS words plus ARG_WORDS per argument) in the order buildImage wrote the calls.
 */
export function keyToOp(result: ReturnType<typeof buildFor>, mode: Mode): Map<number, number> {
  const map = new Map<number, number>();
  if (mode !== "interpreter") {
    for (const s of result.program.steps) if (s.opIndex >= 0) map.set(s.opIndex, s.opIndex);
    return map;
  }
  const image = (result as InterpreterResult).image;
  const callOps = result.lowered.flatMap((l) => l.calls.map(() => l.op.index));
  if (image[3] !== callOps.length) throw new Error(`profile: image has ${image[3]} steps, the graph lowers to ${callOps.length} calls`);
  let at = image[4];
  for (const op of callOps) {
    map.set(at, op);
    at += STEP_WORDS + ARG_WORDS * image[at + 1];
  }
  return map;
}

let workDir: string | undefined;
function work(): string {
  if (!workDir) {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-profile-"));
    process.once("exit", () => fs.rmSync(workDir!, { recursive: true, force: true }));
  }
  return workDir;
}

async function runFirmware(result: ReturnType<typeof buildFor>, board: string, cflags: string[], inputs: Uint8Array[]) {
  const dir = path.join(work(), crypto.randomBytes(6).toString("hex"));
  writeCLibrary(result.program, dir);
  const elf = path.join(dir, "firmware.elf");
  await buildFirmware(dir, board, elf, { extraCflags: cflags });
  return runQemu(elf, inputs, result.program.outputs.length, {
    timeoutMs: 300_000,
    invokeStatus: (status) => failInvokeStatus(result.program, status),
  });
}

/** Profiles one inference of `graph` in QEMU (two builds: plain and -DMOTE_PROFILE). */
export async function profileModel(graph: Graph, opts: ProfileOptions = {}): Promise<ProfileReport> {
  const mode: Mode = opts.mode ?? "codegen";
  const board = opts.board ?? DEFAULT_BOARD;
  const result = buildFor(graph, { mode, plan: opts.plan, specialize: opts.specialize, flashBudget: opts.flashBudget, flashLimit: opts.flashLimit, kernels: opts.kernels });
  const inputs = opts.inputs ?? graph.inputs.map((t) => new Uint8Array(tensorBytes(graph.tensors[t])));

  const plain = await runFirmware(result, board, [], inputs);
  const profiled = await runFirmware(result, board, ["-DMOTE_PROFILE"], inputs);
  const errors = profiled.stdout.split("\n").filter((l) => l.startsWith("error:"));
  if (errors.length > 0) fail(5006, `profiling build: ${errors.join(" | ")}`);

  const keys = keyToOp(result, mode);
  const perOp = new Map<number, number>();
  for (const [key, n] of parseLayerLines(profiled.stdout)) {
    if (key < 0) continue;
    const op = keys.get(key);
    if (op === undefined) throw new Error(`profile: the firmware reported layer key ${key}, which is no step of this build`);
    perOp.set(op, (perOp.get(op) ?? 0) + n);
  }
  const layers: LayerProfile[] = result.lowered
    .filter((l) => l.calls.length > 0)
    .map((l) => {
      const instructions = perOp.get(l.op.index) ?? 0;
      const macs = l.calls.reduce((s, c) => s + c.macs, 0);
      return {
        op: l.op.index, opcode: l.op.opcode, steps: l.calls.length, instructions, share: 0, macs,
        macsPerInstruction: instructions > 0 ? macs / instructions : null, variant: variantOf(l.calls),
      };
    });
  const layerSum = layers.reduce((s, l) => s + l.instructions, 0);
  for (const l of layers) l.share = layerSum > 0 ? (100 * l.instructions) / layerSum : 0;
  const top = [...layers].sort((a, b) => b.instructions - a.instructions || a.op - b.op).slice(0, opts.top ?? 5);
  const macs = layers.reduce((s, l) => s + l.macs, 0);
  return {
    model: graph.name,
    mode,
    plan: opts.plan ?? "default",
    specialize: mode === "codegen" ? opts.specialize !== false : false,
    board,
    layers,
    top,
    layerSum,
    wholeInstructions: plain.instructions,
    wholeProfiled: profiled.instructions,
    unattributed: profiled.instructions - layerSum,
    sumVsWholePercent: (100 * (layerSum - plain.instructions)) / plain.instructions,
    macs,
    macsPerInstruction: macs / plain.instructions,
  };
}

/** The distinct variants of an op's calls, "; "-joined, or "-" when no call names one. */
export function variantOf(calls: readonly { variant?: string }[]): string {
  const names = [...new Set(calls.map((c) => c.variant).filter((v): v is string => v !== undefined))];
  return names.length > 0 ? names.join("; ") : "-";
}

const pad = (s: string, n: number, right = false): string => (right ? s.padEnd(n) : s.padStart(n));

/** The report as a text table (what `mote profile` prints without --json). */
export function formatProfile(r: ProfileReport): string {
  const lines: string[] = [];
  lines.push(`model ${r.model}, mode ${r.mode}${r.mode === "codegen" ? `, specialize ${r.specialize ? "on" : "off"}` : ""}, plan ${r.plan}, board ${r.board}`);
  lines.push("instructions executed on QEMU -icount (SysTick ticks x 40), per layer from a -DMOTE_PROFILE build");
  lines.push("");
  const head = `${pad("op", 4)}  ${pad("opcode", 20, true)} ${pad("instructions", 13)} ${pad("share", 7)} ${pad("MACs", 11)} ${pad("MACs/instr", 10)}  variant`;
  lines.push(head, "-".repeat(head.length));
  const row = (l: LayerProfile): string =>
    `${pad(String(l.op), 4)}  ${pad(l.opcode, 20, true)} ${pad(String(l.instructions), 13)} ${pad(l.share.toFixed(1) + "%", 7)} ${pad(String(l.macs), 11)} ${pad(l.macsPerInstruction === null ? "-" : l.macsPerInstruction.toFixed(3), 10)}  ${l.variant}`;
  for (const l of r.layers) lines.push(row(l));
  lines.push("");
  lines.push(`top ${r.top.length} layers: ${r.top.map((l) => `op ${l.op} ${l.opcode} ${l.share.toFixed(1)}%`).join(", ")}`);
  lines.push(`layer sum          ${pad(String(r.layerSum), 12)}`);
  lines.push(`whole inference    ${pad(String(r.wholeInstructions), 12)}  (plain build; the profiling build: ${r.wholeProfiled})`);
  lines.push(`sum vs whole       ${pad((r.sumVsWholePercent >= 0 ? "+" : "") + r.sumVsWholePercent.toFixed(2) + "%", 12)}`);
  lines.push(`outside layers     ${pad(String(r.unattributed), 12)}  (${r.mode === "interpreter" ? "interpreter loop, dispatch and hooks" : "hooks"}, profiling build)`);
  lines.push(`MACs ${r.macs}, ${r.macsPerInstruction.toFixed(3)} MACs/instruction (whole inference), ${(r.layerSum > 0 ? r.macs / r.layerSum : 0).toFixed(3)} in the layers`);
  return lines.join("\n") + "\n";
}
