/**
 * @fileoverview One inference of a model on any target: ts (the kernels as TypeScript), wasm
 * (binaryen module in Node), host (generated C built with gcc) or qemu (firmware for the
 * simulated Cortex-M7, with its instruction count).
 *
 * `mote run` and the golden tests come through here, so every target is exercised the same way.
 * Built C libraries and executables are cached per (model bytes, options) in a temp directory
 * for the life of the process, so many inputs cost one build.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Graph } from "../ir/graph.ts";
import { generate, MODES, type CodegenOptions, type CodegenResult } from "../codegen.ts";
import { generateInterpreter } from "../interp/codegen.ts";
import { runInterpreterTs } from "../interp/run-ts.ts";
import { writeCLibrary } from "../emit/c/model.ts";
import { buildHost, runHost } from "../toolchain/host.ts";
import { buildFirmware, runQemu, type FirmwareSizes } from "../toolchain/firmware.ts";
import { DEFAULT_BOARD } from "../toolchain/boards.ts";
import { runProcess } from "../toolchain/exec.ts";
import { runTs } from "./ts.ts";
import { fail } from "../diagnostics.ts";

export const TARGETS = ["ts", "wasm", "host", "qemu"] as const;
export type Target = (typeof TARGETS)[number];

export interface RunOptions extends CodegenOptions {
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

const codegenCache = new Map<string, CodegenResult>();
const buildCache = new Map<string, Promise<{ path: string; sizes?: FirmwareSizes }>>();
let workDir: string | undefined;

function work(): string {
  if (!workDir) {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-run-"));
    process.once("exit", () => fs.rmSync(workDir!, { recursive: true, force: true }));
  }
  return workDir;
}

function graphKey(graph: Graph, opts: RunOptions): string {
  const h = crypto.createHash("sha256");
  h.update(JSON.stringify({ name: graph.name, ops: graph.ops, inputs: graph.inputs, outputs: graph.outputs, opts }));
  for (const t of graph.tensors) {
    h.update(JSON.stringify({ s: t.shape, d: t.dtype, q: t.quant }));
    if (t.data) h.update(t.data);
  }
  return h.digest("hex").slice(0, 16);
}

/** Codegen for `graph`, cached per graph content and options. */
export function codegenFor(graph: Graph, opts: RunOptions = {}): CodegenResult {
  const key = graphKey(graph, { plan: opts.plan, mode: opts.mode, specialize: opts.specialize, reference: opts.reference });
  let r = codegenCache.get(key);
  if (!r) {
    const mode = opts.mode ?? "codegen";
    if (!(MODES as readonly string[]).includes(mode)) fail(5002, "compile", `unknown mode '${mode}' (modes: ${MODES.join(", ")})`);
    const reference = opts.reference;
    r = mode === "interpreter" ? generateInterpreter(graph, { plan: opts.plan, reference }) : generate(graph, { plan: opts.plan, specialize: opts.specialize, reference });
    codegenCache.set(key, r);
  }
  return r;
}

async function built(graph: Graph, target: "host" | "qemu", opts: RunOptions): Promise<{ path: string; sizes?: FirmwareSizes }> {
  const key = `${target}-${graphKey(graph, opts)}`;
  let p = buildCache.get(key);
  if (!p) {
    p = (async () => {
      const dir = path.join(work(), key);
      writeCLibrary(codegenFor(graph, opts).program, dir);
      if (target === "host") {
        const exe = path.join(dir, "model_host");
        await buildHost(dir, exe, { extraCflags: opts.extraCflags });
        return { path: exe };
      }
      const elf = path.join(dir, "firmware.elf");
      const sizes = await buildFirmware(dir, opts.board ?? DEFAULT_BOARD, elf, { extraCflags: opts.extraCflags });
      return { path: elf, sizes };
    })();
    buildCache.set(key, p);
    p.catch(() => buildCache.delete(key));
  }
  return p;
}

/** Runs one inference of `graph` on `target`. `inputs[k]` is the raw bytes of model input k. */
export async function runModel(graph: Graph, inputs: Uint8Array[], target: Target, opts: RunOptions = {}): Promise<RunResult> {
  graph.inputs.forEach((t, k) => {
    const tensor = graph.tensors[t];
    const bytes = tensor.shape.reduce((a, b) => a * b, 1) * (tensor.dtype === "int8" || tensor.dtype === "uint8" ? 1 : tensor.dtype === "int16" ? 2 : 4);
    if (!inputs[k] || inputs[k].length !== bytes) fail(5005, k, bytes, t, tensor.name, inputs[k] ? inputs[k].length : "no input");
  });
  switch (target) {
    case "ts":
      if (opts.mode === "interpreter") return { outputs: await runInterpreterTs(graph, inputs, { plan: opts.plan, reference: opts.reference }) };
      return { outputs: runTs(graph, inputs, { reference: opts.reference }) };
    case "wasm":
    {
      // binaryen takes seconds to load: only the wasm target pays for it.
      const { runWasm } = await import("../emit/wasm/run.ts");
      return { outputs: await runWasm(codegenFor(graph, opts).program, inputs) };
    }
    case "host": {
      const b = await built(graph, "host", opts);
      return { outputs: await runHost(b.path, inputs, graph.outputs.length) };
    }
    case "qemu": {
      const b = await built(graph, "qemu", opts);
      const r = await runQemu(b.path, inputs, graph.outputs.length);
      return { outputs: r.outputs, instructions: r.instructions, stackBytes: r.stackBytes, sizes: b.sizes, elf: b.path };
    }
    default:
      return fail(5004, target);
  }
}

/**
 * Layer dumps from the generated C on the host: builds with -DMOTE_TRACE, runs once, and returns
 * every tensor each layer produced (by graph tensor index), as it was right after that layer.
 */
export async function traceHost(graph: Graph, inputs: Uint8Array[], opts: RunOptions = {}): Promise<Map<number, Uint8Array>> {
  const b = await built(graph, "host", { ...opts, extraCflags: [...(opts.extraCflags ?? []), "-DMOTE_TRACE"] });
  const dir = fs.mkdtempSync(path.join(work(), "trace-"));
  inputs.forEach((bytes, k) => fs.writeFileSync(path.join(dir, `input_${k}.bin`), bytes));
  const r = await runProcess(b.path, [dir], { timeoutMs: 60_000 });
  if (r.code !== 0) fail(5002, "traced host program", r.stderr.trim());
  const out = new Map<number, Uint8Array>();
  for (const f of fs.readdirSync(dir)) {
    const m = /^tensor_(\d+)\.bin$/.exec(f);
    if (m) out.set(Number(m[1]), new Uint8Array(fs.readFileSync(path.join(dir, f))));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
