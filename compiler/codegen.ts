/**
 * @fileoverview From a graph to a ModelProgram: lower ops to kernel calls, plan the arena,
 * specialize each call's kernel for its record, and collect the constant data.
 *
 * This is the middle of the pipeline (docs/architecture.md): compiler/ops/ says what each op
 * computes, compiler/plan/ says where every buffer lives, compiler/specialize/ makes one
 * function per distinct (kernel, record), and the emitters (compiler/emit/c, compiler/emit/wasm)
 * spell the result.
 */
import { isConstant, tensorBytes, type Graph, type Tensor } from "./ir/graph.ts";
import type { KFunction, Scalar } from "./ir/kir.ts";
import type { ConstantData, InvokeStep, IoTensor, ModelProgram, StepArg } from "./ir/program.ts";
import { lowerGraph, type LoweredOp } from "./ops/index.ts";
import * as path from "node:path";
import { KERNELS_DIR, loadProgram } from "./frontend/program.ts";
import { reachable, specialize } from "./specialize/specialize.ts";
import { ALIGN, DEFAULT_PLAN, PLANNERS, lowerBound, type Buffer, type Placement } from "./plan/planner.ts";
import { orderGraph } from "./plan/order.ts";
import { applyInPlace, type InPlaceResult, type Membership } from "./memory/inplace.ts";
import { fail } from "./diagnostics.ts";
import { GenericCalls } from "./unspecialized.ts";

export const MODES = ["codegen", "interpreter"] as const;
export type Mode = (typeof MODES)[number];

export interface CodegenOptions {
  /** Memory planner name (compiler/plan/planner.ts PLANNERS). */
  plan?: string;
  /**
   * codegen (default): specialized straight-line code; interpreter: a model image read at run
   * time by runtime/interpreter.ts and generic kernels (compiler/interp/).
   */
  mode?: Mode;
  /**
   * Codegen mode only. true (default): one specialized function per (kernel, record); false:
   * the same straight line calling the generic kernels with constant records (compiler/unspecialized.ts).
   */
  specialize?: boolean;
  /**
   * Codegen mode only: in-place execution and fusion (compiler/memory/inplace.ts). Default: on,
   * except with the naive plan (the no-reuse baseline) and with `reference`.
   */
  inPlace?: boolean;
  /**
   * Test infrastructure (compiler/ops/types.ts LowerOptions): lower CONV_2D, DEPTHWISE_CONV_2D and
   * FULLY_CONNECTED to their plain reference kernels. Implies no in-place execution or fusion:
   * the reference kernels have no such variants.
   */
  reference?: boolean;
}

export interface CodegenResult {
  program: ModelProgram;
  lowered: LoweredOp[];
  buffers: Buffer[];
  placement: Placement;
  /**
   * The layer-wise lower bound of plain planning: the most bytes live at one step when every
   * tensor has its own buffer (in the chosen op order). In-place execution can go below it.
   */
  lowerBoundBytes: number;
  /** The most bytes live at one step of the buffers actually planned (groups when in place). */
  plannedBoundBytes?: number;
  /** In-place and fusion decisions (compiler/memory/inplace.ts), one line each; empty if off. */
  inPlaceNotes?: string[];
  macs: number;
}

const ELEM_OF_DTYPE: Record<string, Scalar> = {
  int8: "i8",
  uint8: "u8",
  int16: "i16",
  int32: "i32",
  float32: "f32",
  bool: "u8",
};

export function elemOf(t: Tensor): Scalar {
  const e = ELEM_OF_DTYPE[t.dtype];
  if (!e) fail(1005, t.dtype, t.index, t.name);
  return e;
}

/** Element values of a constant tensor's little-endian bytes. */
export function tensorValues(t: Tensor): ArrayLike<number> {
  const d = t.data!;
  const copy = new Uint8Array(tensorBytes(t));
  copy.set(d.subarray(0, copy.length));
  switch (t.dtype) {
    case "int8": return new Int8Array(copy.buffer);
    case "uint8": case "bool": return copy;
    case "int16": return new Int16Array(copy.buffer);
    case "int32": return new Int32Array(copy.buffer);
    case "float32": return new Float32Array(copy.buffer);
    default: return fail(1005, t.dtype, t.index, t.name);
  }
}

function cName(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * Buffers (arena tensors and scratch) with their lifetimes over steps. With `groups`
 * (compiler/memory/inplace.ts), tensors that share memory become one buffer `g<root>` spanning
 * their members (placeMembers then gives each member its offset).
 */
export function collectBuffers(graph: Graph, lowered: LoweredOp[], groups?: Map<number, Membership>): Buffer[] {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (t: number, step: number): void => {
    if (t < 0 || isConstant(graph.tensors[t])) return;
    if (!first.has(t)) first.set(t, step);
    first.set(t, Math.min(first.get(t)!, step));
    last.set(t, Math.max(last.get(t) ?? step, step));
  };
  const buffers: Buffer[] = [];
  let step = 0;
  for (const t of graph.inputs) touch(t, 0);
  for (const { op, calls } of lowered) {
    const written = new Set<number>();
    for (const call of calls) {
      for (const a of call.args) {
        if (a.kind === "tensor") { touch(a.tensor, step); written.add(a.tensor); }
        if (a.kind === "scratch") buffers.push({ id: `s${step}`, bytes: a.bytes, first: step, last: step });
      }
      step++;
    }
    // An output no call writes (a fused op's intermediate, an alias) takes no memory here.
    for (const t of op.outputs) if (written.has(t)) touch(t, Math.max(0, step - 1));
  }
  const end = Math.max(0, step - 1);
  for (const t of graph.outputs) touch(t, end);
  const grouped = new Map<number, Buffer>();
  for (const [t, f] of first) {
    const m = groups?.get(t);
    const bytes = tensorBytes(graph.tensors[t]);
    if (!m) {
      buffers.push({ id: `t${t}`, bytes, first: f, last: last.get(t)! });
      continue;
    }
    const g = grouped.get(m.root) ?? { id: `g${m.root}`, bytes: 0, first: f, last: last.get(t)!, segments: [] };
    g.bytes = Math.max(g.bytes, m.offset + bytes);
    g.first = Math.min(g.first, f);
    g.last = Math.max(g.last, last.get(t)!);
    // Each member occupies its own part of the group only while it lives (a staircase).
    g.segments!.push({ first: f, last: last.get(t)!, lo: m.offset, hi: m.offset + bytes });
    grouped.set(m.root, g);
  }
  buffers.push(...grouped.values());
  return buffers;
}

/**
 * In-place execution with and without groups that grow (compiler/memory/inplace.ts), keeping the
 * variant with the smaller layer-wise bound; none at all when neither beats plain planning.
 */
function bestInPlace(graph: Graph, lowered: LoweredOp[], plainBound: number): { r: InPlaceResult; buffers: Buffer[] } | undefined {
  let best: { r: InPlaceResult; buffers: Buffer[]; bound: number } | undefined;
  // Simplest first: a later variant must be strictly smaller to be kept.
  const variants = [{ allowGrowth: true, rows: false }, { allowGrowth: true, rows: true }, { allowGrowth: false, rows: false }, { allowGrowth: false, rows: true }];
  for (const v of variants) {
    const r = applyInPlace(graph, lowered, v);
    const buffers = collectBuffers(graph, r.lowered, r.groups);
    const bound = lowerBound(buffers);
    if (!best || bound < best.bound) best = { r, buffers, bound };
  }
  return best && best.bound <= plainBound ? best : undefined;
}

/** Arena place of each model input or output tensor in `list`; an error for a constant or unused one. */
export function ioTensors(graph: Graph, placement: Placement, list: number[]): IoTensor[] {
  return list.map((t) => {
    const tensor = graph.tensors[t];
    const offset = placement.offsets.get(`t${t}`);
    if (offset === undefined) fail(1009, `model input/output tensor ${t} (${tensor.name}) is constant or unused`);
    return { name: tensor.name, offset, bytes: tensorBytes(tensor), tensor: t };
  });
}

/** Adds `t<i>` offsets for every grouped tensor: its group's offset plus its place in the group. */
export function placeMembers(placement: Placement, groups: Map<number, Membership>): void {
  for (const [t, m] of groups) {
    const base = placement.offsets.get(`g${m.root}`);
    if (base !== undefined) placement.offsets.set(`t${t}`, base + m.offset);
  }
}

export function generate(graph: Graph, opts: CodegenOptions = {}): CodegenResult {
  graph = orderGraph(graph); // lowest-peak topological order (compiler/plan/order.ts)
  const plainLowered = lowerGraph(graph, { reference: opts.reference });
  // The layer-wise bound of plain planning (every tensor its own buffer), what in-place beats.
  const plainBuffers = collectBuffers(graph, plainLowered);
  const plainBound = lowerBound(plainBuffers);
  const best = !opts.reference && (opts.inPlace ?? (opts.plan !== "naive")) ? bestInPlace(graph, plainLowered, plainBound) : undefined;
  const inPlace = best?.r;
  const lowered = inPlace?.lowered ?? plainLowered;
  const buffers = best?.buffers ?? plainBuffers;
  const planner = PLANNERS[opts.plan ?? DEFAULT_PLAN];
  if (!planner) fail(5002, "planning", `unknown plan '${opts.plan}' (plans: ${Object.keys(PLANNERS).join(", ")})`);
  const placement = planner(buffers, ALIGN);
  if (inPlace) placeMembers(placement, inPlace.groups);

  const stems = [...new Set(lowered.flatMap((l) => l.calls.map((c) => c.kernel)))];
  const kernels = loadProgram(stems.map((s) => path.join(KERNELS_DIR, `${s}.ts`)));
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
            return { k: "arena", offset: placement.offsets.get(`s${stepIndex}`)!, elem: a.elem };
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
        fname = `${call.kernel}_${n}`;
        specialized.set(key, fname);
        roots.push(...specialize(module, entryName, call.params, fname));
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

  const io = (list: number[]) => ioTensors(graph, placement, list);

  const program: ModelProgram = {
    name: graph.name,
    arenaBytes: placement.arenaBytes,
    constants,
    functions: generic ? generic.functions() : reachable(roots, module),
    records: generic ? generic.records() : [],
    ...(generic ? { noIpa: generic.entries() } : {}),
    steps,
    inputs: io(graph.inputs),
    outputs: io(graph.outputs),
  };
  return {
    program, lowered, buffers, placement, macs,
    lowerBoundBytes: plainBound, plannedBoundBytes: lowerBound(buffers), inPlaceNotes: inPlace?.notes ?? [],
  };
}
