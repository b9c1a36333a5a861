/**
 * @fileoverview Interpreter mode (`--mode interpreter`): a graph becomes a model image plus a
 * generic runtime instead of specialized straight-line code.
 *
 * The ModelProgram it returns holds one constant (the image, compiler/build/interpreter/image.ts), the
 * interpreter (runtime/interpreter.ts), a generated dispatch over the kernels the model uses
 * (compiler/build/interpreter/dispatch.ts) and those kernels unspecialized: every shape, stride and
 * quantization constant is read from the image at run time, as in TFLite Micro. `mote_init()`
 * checks the constant image once against the build's kernel table (checks.ts; `imageStatus`, as
 * TFLM verifies a model and checks it in AllocateTensors) and
 * returns its status (0, or the reason for rejecting the image: compiler/build/interpreter/
 * status.ts); `mote_invoke()` runs that check first if it has not succeeded yet, then
 * `runSteps(image, arena)`. The arena is planned at
 * compile time by the same planners (TFLM plans at init; the result is the same kind of offsets).
 */
import * as path from "node:path";
import type { Graph } from "../../ir/graph.ts";
import type { KFunction, RecordType } from "../../ir/kir.ts";
import type { KernelLoader } from "../../ir/kernels.ts";
import type { ConstantData, ModelProgram } from "../../ir/program.ts";
import type { KernelCall } from "../../ir/calls.ts";
import { forEachExpr, markWrittenArrays } from "../../ir/walk.ts";
import { lowerGraph } from "../../ops/index.ts";
import { kernelFile, RUNTIME_DIR } from "../../paths.ts";
import { lowerBound } from "../../plan/planner.ts";
import { collectBuffers } from "../../plan/lifetimes.ts";
import { orderGraph } from "../../plan/order.ts";
import { reachable } from "../../specialize/specialize.ts";
import { ioTensors, stateRanges } from "../tensors.ts";
import { addIoConversions, ioKernelStems } from "../io.ts";
import { GenericCalls } from "../generic.ts";
import { planArena, type BuildOptions, type BuildResult } from "../types.ts";
import { buildDispatch, buildHasKernel } from "./dispatch.ts";
import { buildImage, IMAGE_CONSTANT } from "./image.ts";
import { buildKernelTable, KERNEL_TABLE_CONSTANT } from "./checks.ts";
import { kernelId } from "./registry.ts";

export const INTERPRETER_FILE = path.join(RUNTIME_DIR, "interpreter.ts");
export { IMAGE_CONSTANT } from "./image.ts";

export interface InterpreterResult extends BuildResult {
  image: Int32Array;
  /** The build's kernel table, which the image check reads (checks.ts). */
  table: Int32Array;
  /** The kernels this build dispatches to, by id, with their generic KIR entry functions. */
  kernels: { id: number; kernel: string; fn: string; entry: KFunction }[];
}

export function generateInterpreter(graph: Graph, opts: BuildOptions, loadKernels: KernelLoader): InterpreterResult {
  graph = orderGraph(graph); // lowest-peak topological order (compiler/plan/order.ts)
  const lowered = lowerGraph(graph, { reference: opts.reference, kernels: opts.kernels });
  const buffers = collectBuffers(graph, lowered);
  const placement = planArena(buffers, opts.plan);

  const calls = lowered.flatMap((l) => l.calls);
  const inputs = ioTensors(graph, placement, graph.inputs);
  const outputs = ioTensors(graph, placement, graph.outputs);
  const stems = [...new Set([...calls.map((c) => c.kernel), ...ioKernelStems(inputs, outputs)])].sort();
  const prog = loadKernels([INTERPRETER_FILE, ...stems.map(kernelFile)]);
  const { module } = prog;
  const entry = (kernel: string, fn: string): KFunction => {
    const f = module.functions.get(prog.kirName(kernel, fn));
    if (!f) throw new Error(`kernel function ${fn} not found in kernels/${kernel}.ts`);
    return f;
  };
  const recordOf = (kernel: string, fn: string): RecordType => {
    const p = entry(kernel, fn).params[0];
    const rec = p?.type.kind === "record" ? module.records.get(p.type.name) : undefined;
    if (!rec) throw new Error(`interpreter: kernels/${kernel}.ts ${fn} does not take a params record first`);
    return rec;
  };

  const image = buildImage(graph, lowered, placement, recordOf, opts.kernels?.ids);

  const used = new Map<number, InterpreterResult["kernels"][number]>();
  const idOf = (c: KernelCall): number => kernelId(c.kernel, c.fn, opts.kernels?.ids);
  for (const c of calls) used.set(idOf(c), { id: idOf(c), kernel: c.kernel, fn: c.fn, entry: entry(c.kernel, c.fn) });
  const kernels = [...used.values()].sort((a, b) => a.id - b.id);
  const dispatch = buildDispatch(kernels.map((k) => ({ id: k.id, fn: k.entry })));
  module.functions.set(dispatch.name, dispatch);
  const hasKernel = buildHasKernel(kernels.map((k) => k.id));
  module.functions.set(hasKernel.name, hasKernel);
  markWrittenArrays(module);
  const check = module.functions.get(prog.kirName("interpreter", "imageStatus"))!;
  const run = module.functions.get(prog.kirName("interpreter", "runSteps"))!;
  // mote_quantize_input() / mote_dequantize_output(): the generic quantize and dequantize kernels
  // with a record constant per I/O tensor (compiler/build/io.ts), renamed below like the others.
  const table = buildKernelTable(kernels, module.records, image.length, placement.arenaBytes);
  const constants: ConstantData[] = [
    { name: IMAGE_CONSTANT, elem: "i32", values: image },
    { name: KERNEL_TABLE_CONSTANT, elem: "i32", values: table },
  ];
  const ioCalls = new GenericCalls(prog, constants);
  const ioEntries: KFunction[] = [];
  addIoConversions(inputs, outputs, prog, constants, (call, entryName, args) => {
    ioEntries.push(module.functions.get(entryName)!);
    return ioCalls.step(call, entryName, args);
  });
  const functions = reachable([check, run, ...ioEntries], module);
  // Generic kernels keep their source names (conv2d, tanhInt8, ...): prefix them so no C name
  // can collide with the C library or the firmware.
  const renamed = new Map(functions.map((f) => [f.name, `mote_${f.name}`]));
  for (const f of functions) {
    f.name = renamed.get(f.name)!;
    forEachExpr(f.body, (e) => { if (e.k === "call") e.fn = renamed.get(e.fn) ?? e.fn; });
  }
  const recordNames = new Set(functions.flatMap((f) => f.params.flatMap((p) => (p.type.kind === "record" ? [p.type.name] : []))));

  const program: ModelProgram = {
    name: graph.name,
    arenaBytes: placement.arenaBytes,
    constants,
    functions,
    records: [...recordNames].sort().map((n) => module.records.get(n)!),
    // Kernels are separate functions the dispatch calls, as in TFLite Micro (registered function
    // pointers): gcc must not inline or clone them into dispatch, where it would see no constants
    // anyway but would compile them differently from build to build (profiling builds included).
    noIpa: kernels.map((k) => k.entry.name),
    // The constant image is checked once (mote_init), then every invoke runs its steps.
    init: [{
      fn: check.name,
      args: [{ k: "const", name: IMAGE_CONSTANT, elem: "i32" }, { k: "const", name: KERNEL_TABLE_CONSTANT, elem: "i32" }],
      label: "interpreter: check the model image (header, checksum, bounds, kernel ids, records)",
      opIndex: -1,
      status: true,
    }],
    steps: [{
      fn: run.name,
      args: [{ k: "const", name: IMAGE_CONSTANT, elem: "i32" }, { k: "arena", offset: 0, elem: "i8" }],
      label: `interpreter: ${calls.length} kernel calls read from the model image`,
      opIndex: -1,
      macs: calls.reduce((n, c) => n + c.macs, 0),
    }],
    inputs,
    outputs,
    state: stateRanges(graph, placement),
  };
  const macs = calls.reduce((n, c) => n + c.macs, 0);
  return { program, lowered, buffers, placement, lowerBoundBytes: lowerBound(buffers), macs, image, table, kernels };
}
