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
 */
import * as crypto from "node:crypto";
import type { Graph } from "../ir/graph.ts";
import type { KernelLoader } from "../ir/kernels.ts";
import { fail } from "../diagnostics.ts";
import { generate } from "./straight.ts";
import { generateInterpreter } from "./interpreter/program.ts";
import { MODES, type BuildOptions, type BuildResult } from "./types.ts";

export { MODES, type BuildOptions, type BuildResult, type Mode } from "./types.ts";

/** A short content hash of `graph` and `opts`: equal keys build equal programs. */
export function graphKey(graph: Graph, opts: object): string {
  const h = crypto.createHash("sha256");
  h.update(JSON.stringify({ name: graph.name, ops: graph.ops, inputs: graph.inputs, outputs: graph.outputs, opts }));
  for (const t of graph.tensors) {
    h.update(JSON.stringify({ s: t.shape, d: t.dtype, q: t.quant }));
    if (t.data) h.update(t.data);
  }
  return h.digest("hex").slice(0, 16);
}

/** Builds `graph` in the mode `opts.mode` names (default codegen). Not cached. */
export function build(graph: Graph, opts: BuildOptions, loadKernels: KernelLoader): BuildResult {
  const mode = opts.mode ?? "codegen";
  if (!(MODES as readonly string[]).includes(mode)) fail(6002, mode, MODES.join(", "));
  return mode === "interpreter"
    ? generateInterpreter(graph, { plan: opts.plan, reference: opts.reference }, loadKernels)
    : generate(graph, { plan: opts.plan, specialize: opts.specialize, inPlace: opts.inPlace, reference: opts.reference }, loadKernels);
}

const cache = new Map<string, BuildResult>();

/** build(), cached per graph content and the options that change the program. */
export function buildCached(graph: Graph, opts: BuildOptions, loadKernels: KernelLoader): BuildResult {
  const key = graphKey(graph, { plan: opts.plan, mode: opts.mode, specialize: opts.specialize, inPlace: opts.inPlace, reference: opts.reference });
  let r = cache.get(key);
  if (!r) {
    r = build(graph, opts, loadKernels);
    cache.set(key, r);
  }
  return r;
}
