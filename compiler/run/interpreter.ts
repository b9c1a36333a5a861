/**
 * @fileoverview Interpreter mode on the TypeScript target: runs runtime/interpreter.ts as
 * TypeScript over the model image, with runtime/dispatch.ts calling the kernels of kernels/*.ts.
 * The reference for `--mode interpreter` on the C and WASM targets, which compile the same
 * interpreter source. A nonzero status from `interpret` (the image check rejected the image; no
 * step ran) is the same user error as on the other targets (compiler/build/interpreter/status.ts).
 */
import { fail } from "../diagnostics.ts";
import type { Graph } from "../ir/graph.ts";
import type { BuildOptions } from "../build/index.ts";
import type { InterpreterResult } from "../build/interpreter/program.ts";
import { failImageStatus } from "../build/interpreter/status.ts";
import { buildInterpreter } from "../pipeline.ts";
import { kernelFunction } from "./ts.ts";
import type { UserKernels } from "../ops/types.ts";
import { installDispatch, type DispatchEntry } from "../../runtime/dispatch.ts";
import { interpret } from "../../runtime/interpreter.ts";

export async function runInterpreterTs(graph: Graph, inputs: Uint8Array[], opts: BuildOptions = {}): Promise<Uint8Array[]> {
  return runImageTs(buildInterpreter(graph, opts), inputs, opts.kernels);
}

/** Several invocations on one arena (variable tensors keep their state); outputs per invocation. */
export async function runInterpreterTsInvocations(graph: Graph, invocations: Uint8Array[][], opts: BuildOptions = {}): Promise<Uint8Array[][]> {
  return runImageTsInvocations(buildInterpreter(graph, opts), invocations, opts.kernels);
}

/** The kernels of an interpreter build as runtime/dispatch.ts's table (installDispatch). */
export function dispatchTable(build: InterpreterResult, user?: UserKernels): Map<number, DispatchEntry> {
  const records = new Map(build.program.records.map((r) => [r.name, r.fields]));
  const table = new Map<number, DispatchEntry>();
  for (const k of build.kernels) {
    const fn = kernelFunction(k.kernel, k.fn, user);
    const rec = k.entry.params[0].type;
    table.set(k.id, {
      fn: fn as DispatchEntry["fn"],
      fields: rec.kind === "record" ? records.get(rec.name)! : [],
      elems: k.entry.params.slice(1).map((p) => (p.type.kind === "array" ? p.type.elem : "i8")),
    });
  }
  return table;
}

/** Runs the image of an interpreter build (as built, or edited by a test) as TypeScript. */
export async function runImageTs(build: InterpreterResult, inputs: Uint8Array[], user?: UserKernels): Promise<Uint8Array[]> {
  return (await runImageTsInvocations(build, [inputs], user))[0];
}

/**
 * Runs the image once per invocation on one arena; `invocations[n][k]` is input k of invocation
 * n. The arena starts zeroed but for the variable tensors, at their reset bytes (program.state).
 */
export async function runImageTsInvocations(build: InterpreterResult, invocations: Uint8Array[][], user?: UserKernels): Promise<Uint8Array[][]> {
  const { program, image, table: kernelTable } = build;
  const table = dispatchTable(build, user);
  const arena = new Int8Array(Math.max(program.arenaBytes, 16));
  const arenaBytes = new Uint8Array(arena.buffer);
  for (const r of program.state ?? []) arenaBytes.fill(r.fill, r.offset, r.offset + r.bytes);
  return invocations.map((inputs) => {
    program.inputs.forEach((t, k) => {
      const given = inputs[k];
      if (given === undefined || given.length !== t.bytes) fail(5005, k, t.bytes, t.tensor, t.name, given === undefined ? "no input" : given.length);
      arenaBytes.set(given, t.offset);
    });
    installDispatch(table);
    const status = interpret(image, kernelTable, arena);
    if (status !== 0) failImageStatus(status, image);
    return program.outputs.map((t) => arenaBytes.slice(t.offset, t.offset + t.bytes));
  });
}
