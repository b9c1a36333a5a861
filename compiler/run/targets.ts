/**
 * @fileoverview One inference of a model on any target: ts (the kernels as TypeScript), wasm
 * (binaryen module in Node), host (generated C built with gcc) or qemu (firmware for the
 * simulated Cortex-M7, with its instruction count).
 *
 * `mote run` and the golden tests come through here, so every target is exercised the same way.
 * Built C libraries and executables are cached per (program, target, board, C flags) in a temp
 * directory for the life of the process, so many inputs cost one build (programs are cached per
 * graph content and options by the build layer, compiler/build/index.ts). A nonzero status from
 * `mote_invoke()` (an interpreter image rejected before it runs) is the program's user error on
 * every target (compiler/build/interpreter/status.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tensorBytes, type Graph } from "../ir/graph.ts";
import type { ModelProgram } from "../ir/program.ts";
import type { BuildOptions } from "../build/index.ts";
import { failInvokeStatus } from "../build/interpreter/status.ts";
import { buildFor } from "../pipeline.ts";
import { runInterpreterTs, runInterpreterTsInvocations } from "./interpreter.ts";
import { writeCLibrary } from "../emit/c/model.ts";
import { buildHost, invokeStatusOf, runHost } from "../toolchain/host.ts";
import { buildFirmware, runQemu, type FirmwareSizes } from "../toolchain/firmware.ts";
import { DEFAULT_BOARD } from "../toolchain/boards.ts";
import { runProcess } from "../toolchain/exec.ts";
import { runTs, runTsInvocations } from "./ts.ts";
import { fail } from "../diagnostics.ts";
import type { Target } from "./target-names.ts";

export { TARGETS, type Target } from "./target-names.ts";

export interface RunOptions extends BuildOptions {
  board?: string;
  /** Host/qemu builds: extra C flags (e.g. -DMOTE_TRACE). */
  extraCflags?: string[];
}

export interface RunResult {
  outputs: Uint8Array[];
  instructions?: number;
  stackBytes?: number;
  sizes?: FirmwareSizes;
  /** qemu: the firmware ELF that ran (its linker map is beside it, mapFileFor). */
  elf?: string;
}

interface Built {
  path: string;
  sizes?: FirmwareSizes;
}

const buildCache = new WeakMap<ModelProgram, Map<string, Promise<Built>>>();
let builds = 0;
let workDir: string | undefined;

function work(): string {
  if (!workDir) {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-run-"));
    process.once("exit", () => fs.rmSync(workDir!, { recursive: true, force: true }));
  }
  return workDir;
}

async function built(program: ModelProgram, target: "host" | "qemu", opts: RunOptions): Promise<Built> {
  const key = JSON.stringify([target, opts.board ?? DEFAULT_BOARD, opts.extraCflags ?? []]);
  let perProgram = buildCache.get(program);
  if (!perProgram) buildCache.set(program, (perProgram = new Map()));
  let p = perProgram.get(key);
  if (!p) {
    p = (async () => {
      const dir = path.join(work(), `${target}-${++builds}`);
      writeCLibrary(program, dir);
      if (target === "host") {
        const exe = path.join(dir, "model_host");
        await buildHost(dir, exe, { extraCflags: opts.extraCflags });
        return { path: exe };
      }
      const elf = path.join(dir, "firmware.elf");
      const sizes = await buildFirmware(dir, opts.board ?? DEFAULT_BOARD, elf, { extraCflags: opts.extraCflags });
      return { path: elf, sizes };
    })();
    perProgram.set(key, p);
    p.catch(() => perProgram.delete(key));
  }
  return p;
}

/** Runs one inference of `graph` on `target`. `inputs[k]` is the raw bytes of model input k. */
export async function runModel(graph: Graph, inputs: Uint8Array[], target: Target, opts: RunOptions = {}): Promise<RunResult> {
  graph.inputs.forEach((t, k) => {
    const tensor = graph.tensors[t];
    const bytes = tensorBytes(tensor);
    if (!inputs[k] || inputs[k].length !== bytes) fail(5005, k, bytes, t, tensor.name, inputs[k] ? inputs[k].length : "no input");
  });
  switch (target) {
    case "ts":
      if (opts.mode === "interpreter") return { outputs: await runInterpreterTs(graph, inputs, { plan: opts.plan, reference: opts.reference, kernels: opts.kernels }) };
      return { outputs: runTs(graph, inputs, { reference: opts.reference, flashBudget: opts.flashBudget, flashLimit: opts.flashLimit, kernels: opts.kernels }) };
    case "wasm":
    case "host":
    case "qemu":
      return runProgram(buildFor(graph, opts).program, inputs, target, opts);
    default:
      return fail(5004, target);
  }
}

/**
 * Runs one inference of an already built `program` on wasm, host or qemu (runModel builds it
 * from a graph; tests may pass an edited one). `inputs[k]` is the raw bytes of input k.
 */
export async function runProgram(program: ModelProgram, inputs: Uint8Array[], target: "wasm" | "host" | "qemu", opts: RunOptions = {}): Promise<RunResult> {
  const invokeStatus = (status: number): never => failInvokeStatus(program, status);
  switch (target) {
    case "wasm": {
      // binaryen takes seconds to load: only the wasm target pays for it.
      const { runWasm } = await import("../emit/wasm/run.ts");
      return { outputs: await runWasm(program, inputs) };
    }
    case "host": {
      const b = await built(program, "host", opts);
      return { outputs: await runHost(b.path, inputs, program.outputs.length, { invokeStatus }) };
    }
    case "qemu": {
      const b = await built(program, "qemu", opts);
      const r = await runQemu(b.path, inputs, program.outputs.length, { invokeStatus });
      return { outputs: r.outputs, instructions: r.instructions, stackBytes: r.stackBytes, sizes: b.sizes, elf: b.path };
    }
  }
}

/**
 * Layer dumps from the generated C on the host: builds with -DMOTE_TRACE, runs once, and returns
 * every tensor each layer produced (by graph tensor index), as it was right after that layer.
 */
export async function traceHost(graph: Graph, inputs: Uint8Array[], opts: RunOptions = {}): Promise<Map<number, Uint8Array>> {
  const program = buildFor(graph, opts).program;
  const b = await built(program, "host", { ...opts, extraCflags: [...(opts.extraCflags ?? []), "-DMOTE_TRACE"] });
  const dir = fs.mkdtempSync(path.join(work(), "trace-"));
  inputs.forEach((bytes, k) => fs.writeFileSync(path.join(dir, `input_${k}.bin`), bytes));
  const r = await runProcess(b.path, [dir], { timeoutMs: 60_000 });
  if (r.code !== 0) {
    const status = invokeStatusOf(r.stderr);
    if (status !== undefined) failInvokeStatus(program, status);
    fail(5011, `${path.basename(b.path)} (traced)`, r.stderr.trim().split("\n").join(" | "));
  }
  const out = new Map<number, Uint8Array>();
  for (const f of fs.readdirSync(dir)) {
    const m = /^tensor_(\d+)\.bin$/.exec(f);
    if (m) out.set(Number(m[1]), new Uint8Array(fs.readFileSync(path.join(dir, f))));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

export interface InvocationsResult {
  /** `outputs[n][k]`: output k of invocation n. */
  outputs: Uint8Array[][];
  /** qemu: instructions of each invocation. */
  instructions?: number[];
  /** qemu: stack high-water mark over all invocations. */
  stackBytes?: number;
  sizes?: FirmwareSizes;
  elf?: string;
}

/** Splits a concatenation of `count` equal chunks. */
function chunks(bytes: Uint8Array, count: number): Uint8Array[] {
  const size = bytes.length / count;
  return Array.from({ length: count }, (_, n) => bytes.slice(n * size, (n + 1) * size));
}

/**
 * Runs several invocations of `graph` on one instance of `target` (`invocations[n][k]`: input k
 * of invocation n), keeping the arena between them, so variable tensors (streaming state: an
 * audio front end's history, a recurrent op's state) carry over as on a device. One process
 * (host) or one QEMU run (qemu) for all of them.
 */
export async function runInvocations(graph: Graph, invocations: Uint8Array[][], target: Target, opts: RunOptions = {}): Promise<InvocationsResult> {
  if (invocations.length === 0) return { outputs: [] };
  for (const inputs of invocations) {
    graph.inputs.forEach((t, k) => {
      const tensor = graph.tensors[t];
      const bytes = tensorBytes(tensor);
      if (!inputs[k] || inputs[k].length !== bytes) fail(5005, k, bytes, t, tensor.name, inputs[k] ? inputs[k].length : "no input");
    });
  }
  const n = invocations.length;
  const joined = graph.inputs.map((_, k) => {
    const all = new Uint8Array(invocations.reduce((a, inv) => a + inv[k].length, 0));
    let at = 0;
    for (const inv of invocations) { all.set(inv[k], at); at += inv[k].length; }
    return all;
  });
  const program = () => buildFor(graph, opts).program;
  switch (target) {
    case "ts":
      if (opts.mode === "interpreter") return { outputs: await runInterpreterTsInvocations(graph, invocations, { plan: opts.plan, reference: opts.reference, kernels: opts.kernels }) };
      return { outputs: runTsInvocations(graph, invocations, { reference: opts.reference, flashBudget: opts.flashBudget, flashLimit: opts.flashLimit, kernels: opts.kernels }) };
    case "wasm": {
      const { runWasmInvocations } = await import("../emit/wasm/run.ts");
      return { outputs: await runWasmInvocations(program(), invocations) };
    }
    case "host": {
      const p = program();
      const b = await built(p, "host", opts);
      const outs = await runHost(b.path, joined, p.outputs.length, { invokeStatus: (status) => failInvokeStatus(p, status), timeoutMs: 60_000 + 100 * n });
      const split = outs.map((o) => chunks(o, n));
      return { outputs: Array.from({ length: n }, (_, i) => split.map((s) => s[i])) };
    }
    case "qemu": {
      const p = program();
      const b = await built(p, "qemu", opts);
      const r = await runQemu(b.path, joined, p.outputs.length, { invokeStatus: (status) => failInvokeStatus(p, status), timeoutMs: 60_000 + 500 * n });
      const split = r.outputs.map((o) => chunks(o, n));
      return {
        outputs: Array.from({ length: n }, (_, i) => split.map((s) => s[i])),
        instructions: r.instructionsPerInvocation, stackBytes: r.stackBytes, sizes: b.sizes, elf: b.path,
      };
    }
    default:
      return fail(5004, target);
  }
}
