/**
 * @fileoverview Operator order: among the topological orders of a graph, pick one whose peak of
 * live activation bytes is lowest, so the planner has less to fit.
 *
 * Liveness follows collectBuffers() (compiler/plan/lifetimes.ts) at op granularity: a non-constant
 * tensor is live from the op that produces it (graph inputs and unproduced tensors: from the
 * start) through its last consumer (graph outputs: to the end); while an op runs, its inputs and
 * its outputs are live. Bytes are rounded up to ALIGN as in lowerBound(). Scratch buffers and
 * in-place sharing are not modelled.
 *
 * Search: dynamic programming over the sets of executed ops (a set determines what is live), in
 * layers of equal size, keeping per set the order with the lowest peak so far (the "DP over
 * downsets" used for peak-memory scheduling, e.g. Ahn et al. 2020 "Ordering Chaos", Liberis &
 * Lane 2019 "Neural networks on microcontrollers: saving memory at inference via operator
 * reordering"). When that takes more than ORDER_STEP_BUDGET op steps (wide graphs) it falls back to
 * a greedy list schedule (ready op with the lowest peak, then lowest live bytes after it).
 *
 * Invariants: the result is a topological order (every op after the producers of its inputs;
 * ops touching a variable tensor keep their model order), op indices are unchanged, and its peak
 * is never above the model order's. When no order is strictly better, the graph is returned as is.
 */
import { isConstant, tensorBytes, type Graph, type Op } from "../ir/graph.ts";
import { ALIGN } from "./planner.ts";

/** Op steps the exact search may evaluate (sets x ready ops) before falling back to the greedy order. */
export const ORDER_STEP_BUDGET = 100000;

interface Deps {
  n: number;
  bytes: Map<number, number>;
  /** Per op position: distinct non-constant input tensors, output tensors, predecessor positions. */
  ins: number[][];
  outs: number[][];
  preds: number[][];
  /** Per tensor: positions of the ops that read it. */
  consumers: Map<number, number[]>;
  /** Live from the start: graph inputs and tensors no op produces. */
  initial: number[];
  keep: Set<number>;
}

function analyse(graph: Graph): Deps {
  const n = graph.ops.length;
  const bytes = new Map<number, number>();
  const arena = (t: number): boolean => {
    if (t < 0 || t >= graph.tensors.length || isConstant(graph.tensors[t])) return false;
    if (!bytes.has(t)) bytes.set(t, Math.ceil(tensorBytes(graph.tensors[t]) / ALIGN) * ALIGN);
    return true;
  };
  const producer = new Map<number, number>();
  graph.ops.forEach((op, i) => op.outputs.forEach((t) => { if (arena(t) && !producer.has(t)) producer.set(t, i); }));
  const consumers = new Map<number, number[]>();
  const ins: number[][] = [];
  const outs: number[][] = [];
  const preds: number[][] = [];
  let lastVariableOp = -1;
  graph.ops.forEach((op: Op, i) => {
    const myIns = [...new Set(op.inputs.filter(arena))];
    const myOuts = [...new Set(op.outputs.filter(arena))].filter((t) => producer.get(t) === i);
    const p = new Set<number>();
    for (const t of myIns) {
      const pr = producer.get(t);
      if (pr !== undefined && pr !== i) p.add(pr);
      if (!consumers.has(t)) consumers.set(t, []);
      consumers.get(t)!.push(i);
    }
    // Stateful ops (variable tensors) and tensors written by several ops keep the model's order.
    const stateful = [...op.inputs, ...op.outputs].some((t) => t >= 0 && t < graph.tensors.length && graph.tensors[t].isVariable)
      || op.outputs.some((t) => arena(t) && producer.get(t) !== i);
    if (stateful) {
      if (lastVariableOp >= 0) p.add(lastVariableOp);
      lastVariableOp = i;
    }
    ins.push(myIns);
    outs.push(myOuts);
    preds.push([...p].filter((x) => x !== i));
  });
  const keep = new Set(graph.outputs.filter(arena));
  const initial = [...bytes.keys()].filter((t) => !producer.has(t));
  return { n, bytes, ins, outs, preds, consumers, initial, keep };
}

/** Live bytes before any op runs. */
function initialLive(d: Deps): number {
  let s = 0;
  for (const t of d.initial) s += d.bytes.get(t)!;
  return s;
}

/** Runs op v after the ops in `done` (v not in it): live bytes during v and after it. */
function step(d: Deps, done: (i: number) => boolean, live: number, v: number): { during: number; after: number } {
  let during = live;
  for (const t of d.outs[v]) during += d.bytes.get(t)!;
  let after = during;
  const free = (t: number) => {
    if (d.keep.has(t)) return;
    const cs = d.consumers.get(t) ?? [];
    if (cs.every((c) => c === v || done(c))) after -= d.bytes.get(t)!;
  };
  for (const t of d.ins[v]) free(t);
  for (const t of d.outs[v]) if (!(d.consumers.get(t)?.length)) free(t);
  return { during, after };
}

/** Peak live bytes of running the ops in the given order of positions (model order by default). */
function peakOf(d: Deps, order: number[]): number {
  const done = new Uint8Array(d.n);
  let live = initialLive(d);
  let peak = live;
  for (const v of order) {
    const s = step(d, (i) => done[i] === 1, live, v);
    peak = Math.max(peak, s.during);
    live = s.after;
    done[v] = 1;
  }
  return peak;
}

/** Peak live activation bytes (ALIGN-rounded) of the graph's ops in their array order. */
export function peakLiveBytes(graph: Graph): number {
  const d = analyse(graph);
  const pos = new Map(graph.ops.map((op, i) => [op, i]));
  return peakOf(d, graph.ops.map((op) => pos.get(op)!));
}

interface State {
  mask: bigint;
  peak: number;
  live: number;
  prev: State | undefined;
  op: number;
}

/** Exact: DP over executed sets, layer by layer; undefined when over the state budget. */
function exactOrder(d: Deps): number[] | undefined {
  const bit = (i: number) => 1n << BigInt(i);
  let layer = new Map<bigint, State>([[0n, { mask: 0n, peak: initialLive(d), live: initialLive(d), prev: undefined, op: -1 }]]);
  let steps = 0;
  for (let k = 0; k < d.n; k++) {
    const next = new Map<bigint, State>();
    for (const s of layer.values()) {
      const done = (i: number) => (s.mask & bit(i)) !== 0n;
      for (let v = 0; v < d.n; v++) {
        if (done(v) || !d.preds[v].every(done)) continue;
        if (++steps > ORDER_STEP_BUDGET) return undefined;
        const r = step(d, done, s.live, v);
        const peak = Math.max(s.peak, r.during);
        const mask = s.mask | bit(v);
        const old = next.get(mask);
        if (!old || peak < old.peak) next.set(mask, { mask, peak, live: r.after, prev: s, op: v });
      }
    }
    if (next.size === 0) return undefined;
    layer = next;
  }
  const end = [...layer.values()][0];
  const order: number[] = [];
  for (let s: State | undefined = end; s && s.op >= 0; s = s.prev) order.push(s.op);
  return order.reverse();
}

/** Greedy list schedule: the ready op with the lowest peak while it runs, then the lowest live after. */
function greedyOrder(d: Deps): number[] {
  const done = new Uint8Array(d.n);
  const isDone = (i: number) => done[i] === 1;
  let live = initialLive(d);
  const order: number[] = [];
  for (let k = 0; k < d.n; k++) {
    let pick = -1;
    let pickStep = { during: Infinity, after: Infinity };
    for (let v = 0; v < d.n; v++) {
      if (done[v] || !d.preds[v].every(isDone)) continue;
      const s = step(d, isDone, live, v);
      if (s.during < pickStep.during || (s.during === pickStep.during && s.after < pickStep.after)) { pick = v; pickStep = s; }
    }
    if (pick < 0) return [...Array(d.n).keys()]; // a cycle: not a DAG, keep the model order
    order.push(pick);
    done[pick] = 1;
    live = pickStep.after;
  }
  return order;
}

/**
 * The graph with its ops reordered to a topological order of lowest peak live bytes (see the
 * header); the same graph object when the model order is already as good.
 */
export function orderGraph(graph: Graph): Graph {
  const d = analyse(graph);
  const model = [...Array(d.n).keys()];
  const modelPeak = peakOf(d, model);
  const order = exactOrder(d) ?? greedyOrder(d);
  if (peakOf(d, order) >= modelPeak) return graph;
  return { ...graph, ops: order.map((i) => graph.ops[i]) };
}
