/**
 * @fileoverview The compile pipeline in one call: the build layer (compiler/build/) with the
 * subset front end (compiler/subset/) as its kernel loader. Everything that turns a graph into a
 * program without caring how (the run targets, the CLI, reports, bench, profile, tests) comes
 * through here; the layers below never import the front end or ts-morph.
 */
import type { Graph } from "./ir/graph.ts";
import type { KernelLoader } from "./ir/kernels.ts";
import {
  build, buildCached, buildInterpreter as buildInterpreterWith, type BuildOptions, type BuildResult, type InterpreterResult,
} from "./build/index.ts";
import { loadProgram } from "./subset/program.ts";

/** The subset front end as the build layer's kernel loader. */
export const loadKernels: KernelLoader = loadProgram;

/** The program of `graph` for `opts`, cached per graph content and options. */
export function buildFor(graph: Graph, opts: BuildOptions = {}): BuildResult {
  return buildCached(graph, opts, loadKernels);
}

/** An uncached build (tests that mutate the result, or compare two builds). */
export function buildFresh(graph: Graph, opts: BuildOptions = {}): BuildResult {
  return build(graph, opts, loadKernels);
}

/** Interpreter mode, with its image and kernel table (uncached). */
export function buildInterpreter(graph: Graph, opts: BuildOptions = {}): InterpreterResult {
  return buildInterpreterWith(graph, opts, loadKernels);
}
