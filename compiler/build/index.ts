/**
 * @fileoverview The build layer's entry: graph -> ModelProgram in any of the three modes
 * (specialized straight line, generic straight line, interpreter), cached per graph content and
 * options for the life of the process.
 *
 *   codegen + specialize (default)  straight.ts   one specialized function per (kernel, record)
 *   codegen, specialize off         straight.ts + generic.ts   generic kernels, constant records
 *   interpreter                     interpreter/  model image + runtime/interpreter.ts
 *
 * The kernels arrive through a KernelLoader (compiler/ir/kernels.ts), so this layer never loads
 * the subset front end itself; compiler/pipeline.ts passes the real one.
 *
 * Verification (compiler/ir/verify.ts) is switched here and nowhere else: `verifying()` decides,
 * the loader is wrapped to verify the lowered kernels, specialization verifies each function
 * before and after folding, and the finished program of every mode is verified last.
 */
import * as crypto from "node:crypto";
import type { Graph } from "../ir/graph.ts";
import type { KernelLoader } from "../ir/kernels.ts";
import { fail } from "../diagnostics.ts";
import { generate } from "./straight.ts";
import { verifyModule, verifyProgram } from "../ir/verify.ts";
import { GENERATED_LATER } from "./interpreter/dispatch.ts";
import { generateInterpreter, type InterpreterResult } from "./interpreter/program.ts";
import { MODES, type BuildOptions, type BuildResult } from "./types.ts";

export { MODES, type BuildOptions, type BuildResult, type Mode } from "./types.ts";
export type { InterpreterResult } from "./interpreter/program.ts";

/** A short content hash of `graph` and `opts`: equal keys build equal programs. */
export function graphKey(graph: Graph, opts: object): string {
  const h = crypto.createHash("sha256");
  h.update(JSON.stringify({ name: graph.name, ops: graph.ops, inputs: graph.inputs, outputs: graph.outputs, src: graph.sourceBytes, opts }));
  for (const t of graph.tensors) {
    h.update(JSON.stringify({ s: t.shape, d: t.dtype, q: t.quant }));
    if (t.data) h.update(t.data);
  }
  return h.digest("hex").slice(0, 16);
}

/** Whether a build verifies its passes: `opts.verify`, else the MOTE_VERIFY environment switch. */
export function verifying(opts: BuildOptions): boolean {
  return opts.verify ?? process.env.MOTE_VERIFY === "1";
}

/** `loadKernels`, verifying each module it returns (the interpreter's dispatch and hasKernel come later). */
function verifiedLoader(loadKernels: KernelLoader): KernelLoader {
  return (files) => {
    const lib = loadKernels(files);
    verifyModule(lib.module, { stage: "lower", later: GENERATED_LATER });
    return lib;
  };
}

/** Builds `graph` in the mode `opts.mode` names (default codegen). Not cached. */
export function build(graph: Graph, opts: BuildOptions, loadKernels: KernelLoader): BuildResult {
  const mode = opts.mode ?? "codegen";
  if (!(MODES as readonly string[]).includes(mode)) fail(6002, mode, MODES.join(", "));
  if (mode === "interpreter") return buildInterpreter(graph, opts, loadKernels);
  const verify = verifying(opts);
  const r = generate(graph, {
    plan: opts.plan, specialize: opts.specialize, inPlace: opts.inPlace, reference: opts.reference, verify,
    flashBudget: opts.flashBudget, flashLimit: opts.flashLimit, kernels: opts.kernels,
  },
    verify ? verifiedLoader(loadKernels) : loadKernels);
  if (verify) verifyProgram(r.program, opts.specialize === false ? "build (codegen, specialize off)" : "build (codegen)");
  return r;
}

/** Interpreter mode, with its image and kernel table (not cached). */
export function buildInterpreter(graph: Graph, opts: BuildOptions, loadKernels: KernelLoader): InterpreterResult {
  const verify = verifying(opts);
  const r = generateInterpreter(graph, { plan: opts.plan, reference: opts.reference, kernels: opts.kernels }, verify ? verifiedLoader(loadKernels) : loadKernels);
  if (verify) verifyProgram(r.program, "build (interpreter)");
  return r;
}

const cache = new Map<string, { result: BuildResult; verified: boolean }>();

/**
 * build(), cached per graph content and the options that change the program (verification
 * does not: a build that must be verified replaces a cached one that was not).
 */
export function buildCached(graph: Graph, opts: BuildOptions, loadKernels: KernelLoader): BuildResult {
  const key = graphKey(graph, {
    plan: opts.plan, mode: opts.mode, specialize: opts.specialize, inPlace: opts.inPlace, reference: opts.reference,
    flashBudget: opts.flashBudget, flashLimit: opts.flashLimit, kernels: opts.kernels?.key,
  });
  const verify = verifying(opts);
  let hit = cache.get(key);
  if (!hit || (verify && !hit.verified)) {
    hit = { result: build(graph, { ...opts, verify }, loadKernels), verified: verify };
    cache.set(key, hit);
  }
  return hit.result;
}
