/**
 * @fileoverview Codegen mode: a graph becomes a straight line of kernel calls (one `mote_invoke()`
 * step per call), with each call's kernel specialized for its constant record, or, with
 * `specialize: false`, calling the generic kernels with their records as constants (generic.ts).
 *
 * Steps: order the ops (compiler/plan/order.ts), lower them to kernel calls (compiler/ops/), let
 * in-place execution and fusion rewrite the calls (compiler/plan/inplace.ts), plan the arena
 * (compiler/plan/planner.ts), then specialize one function per distinct (kernel, record)
 * (compiler/specialize/) and collect the constant data. The emitters (compiler/emit/c,
 * compiler/emit/wasm) spell the ModelProgram this returns.
 */
import { isConstant, tensorBytes, type Graph, type Tensor } from "../ir/graph.ts";
import { scratchId } from "../ir/calls.ts";
import type { KFunction } from "../ir/kir.ts";
import type { KernelLoader } from "../ir/kernels.ts";
import type { ConstantData, InvokeStep, ModelProgram, StepArg } from "../ir/program.ts";
import { kernelFile, stemIdentifier } from "../paths.ts";
import { reachable, specialize } from "../specialize/specialize.ts";
import { lowerBound } from "../plan/planner.ts";
import { collectBuffers, placeMembers } from "../plan/lifetimes.ts";
import { bestInPlace } from "../plan/inplace.ts";
import { orderGraph } from "../plan/order.ts";
import { lowerWeighted } from "./weights.ts";
import { GenericCalls } from "./generic.ts";
import { elemOf, ioTensors, stateRanges, tensorValues } from "./tensors.ts";
import { addIoConversions, ioKernelStems } from "./io.ts";
import { planArena, type BuildOptions, type BuildResult } from "./types.ts";

function cName(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}

export function generate(graph: Graph, opts: BuildOptions, loadKernels: KernelLoader): BuildResult {
  graph = orderGraph(graph); // lowest-peak topological order (compiler/plan/order.ts)
  // int8 or int16 weights per layer under the flash budget (compiler/build/weights.ts).
  const { lowered: plainLowered, weights } = lowerWeighted(graph, opts);
  // The layer-wise bound of plain planning (every tensor its own buffer), what in-place beats.
  const plainBuffers = collectBuffers(graph, plainLowered);
  const plainBound = lowerBound(plainBuffers);
  const best = !opts.reference && (opts.inPlace ?? (opts.plan !== "naive")) ? bestInPlace(graph, plainLowered, plainBound) : undefined;
  const inPlace = best?.r;
  const lowered = inPlace?.lowered ?? plainLowered;
  const buffers = best?.buffers ?? plainBuffers;
  const placement = planArena(buffers, opts.plan);
  if (inPlace) placeMembers(placement, inPlace.groups);

  const inputs = ioTensors(graph, placement, graph.inputs);
  const outputs = ioTensors(graph, placement, graph.outputs);
  // The kernels of the steps, then those of the I/O conversions (compiler/build/io.ts).
  const stems = [...new Set([...lowered.flatMap((l) => l.calls.map((c) => c.kernel)), ...ioKernelStems(inputs, outputs)])];
  const kernels = loadKernels(stems.map(kernelFile));
  const module = kernels.module;

  const constants: ConstantData[] = [];
  const constOfTensor = new Map<number, string>();
  const tensorConst = (t: Tensor): string => {
    let name = constOfTensor.get(t.index);
    if (!name) {
      name = `mote_t${t.index}`;
      constants.push({ name, elem: elemOf(t), values: tensorValues(t) });
      constOfTensor.set(t.index, name);
    }
    return name;
  };

  const generic = opts.specialize === false ? new GenericCalls(kernels, constants) : undefined;
  const specialized = new Map<string, string>();
  const roots: KFunction[] = [];
  const steps: InvokeStep[] = [];
  const counters = new Map<string, number>();
  let stepIndex = 0;
  let macs = 0;
  for (const { op, calls } of lowered) {
    if (calls.length === 0 && steps.length > 0) {
      // An alias (in-place RESHAPE): its output's bytes exist once the previous step is done.
      const prev = steps[steps.length - 1];
      for (const t of op.outputs) {
        const offset = placement.offsets.get(`t${t}`);
        if (t >= 0 && offset !== undefined) (prev.produces ??= []).push({ tensor: t, offset, bytes: tensorBytes(graph.tensors[t]) });
      }
    }
    for (const call of calls) {
      const args: StepArg[] = call.args.map((a, i): StepArg => {
        switch (a.kind) {
          case "tensor": {
            if (a.tensor < 0) return { k: "null", elem: "i8" };
            const t = graph.tensors[a.tensor];
            if (isConstant(t)) return { k: "const", name: tensorConst(t), elem: elemOf(t) };
            return { k: "arena", offset: placement.offsets.get(`t${a.tensor}`)!, elem: elemOf(t) };
          }
          case "const": {
            const name = `mote_c${stepIndex}_${i}_${cName(a.name)}`;
            constants.push({ name, elem: a.elem, values: a.data });
            return { k: "const", name, elem: a.elem };
          }
          case "scratch":
            return { k: "arena", offset: placement.offsets.get(scratchId(call, stepIndex, i))!, elem: a.elem };
        }
      });
      const entryName = kernels.kirName(call.kernel, call.fn);
      const kernelFn = module.functions.get(entryName);
      if (!kernelFn) throw new Error(`kernel function ${call.fn} not found in kernels/${call.kernel}.ts`);
      const key = `${entryName}:${JSON.stringify(call.params)}`;
      let fname = generic ? generic.step(call, entryName, args) : specialized.get(key);
      if (!fname) {
        const n = counters.get(call.kernel) ?? 0;
        counters.set(call.kernel, n + 1);
        fname = `${stemIdentifier(call.kernel)}_${n}`;
        specialized.set(key, fname);
        roots.push(...specialize(module, entryName, call.params, fname, { verify: opts.verify }));
      }
      const produces = op.outputs
        .filter((t) => t >= 0 && placement.offsets.has(`t${t}`))
        .map((t) => ({ tensor: t, offset: placement.offsets.get(`t${t}`)!, bytes: tensorBytes(graph.tensors[t]) }));
      steps.push({
        fn: fname,
        args,
        label: `op ${op.index} ${op.opcode}${calls.length > 1 ? ` (call ${calls.indexOf(call) + 1}/${calls.length})` : ""}`,
        opIndex: op.index,
        produces: call === calls[calls.length - 1] ? produces : [],
        macs: call.macs,
      });
      macs += call.macs;
      stepIndex++;
    }
  }

  // mote_quantize_input() / mote_dequantize_output(): the quantize and dequantize kernels, one
  // record per I/O tensor, specialized or generic as the steps are.
  addIoConversions(inputs, outputs, kernels, constants, (call, entryName, args, name) => {
    if (generic) return generic.step(call, entryName, args);
    roots.push(...specialize(module, entryName, call.params, name, { verify: opts.verify }));
    return name;
  });

  const program: ModelProgram = {
    name: graph.name,
    arenaBytes: placement.arenaBytes,
    constants,
    functions: generic ? generic.functions() : reachable(roots, module),
    records: generic ? generic.records() : [],
    ...(generic ? { noIpa: generic.entries() } : {}),
    steps,
    inputs,
    outputs,
    state: stateRanges(graph, placement),
  };
  return {
    program, lowered, buffers, placement, macs, ...(weights ? { weights } : {}),
    lowerBoundBytes: plainBound, plannedBoundBytes: lowerBound(buffers), inPlaceNotes: inPlace?.notes ?? [],
  };
}
