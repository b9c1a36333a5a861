/**
 * @fileoverview One mutant through the compiler as `mote compile` takes it: read
 * (importTflite), check (checkInt8 with the op registry's types), lowering (lowerGraph) and,
 * when asked, the whole build and C emission (buildFresh + emitCLibrary, no C compiler). The
 * outcome is "accepted", "rejected" with its MOTE code, or "crash" (any other exception: an
 * internal error). `campaign` runs many mutants of one model (test/fuzz/model-fuzz.test.ts,
 * test/fuzz/sanitize.full.test.ts, scripts/fuzz.ts) and tallies them.
 */
import fc from "fast-check";
import { MoteError } from "../../compiler/diagnostics.ts";
import { emitCLibrary, type CLibrary } from "../../compiler/emit/c/model.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import { buildFresh } from "../../compiler/pipeline.ts";
import { applyMutations, modelSites, mutationsArb } from "./mutate.ts";

export interface Outcome {
  status: "accepted" | "rejected" | "crash";
  /** The MOTE code of a rejection. */
  code?: number;
  /** The stack of a crash. */
  error?: string;
  /** Wall time of the whole mutant, ms. */
  ms: number;
  /** CPU time of this process over the mutant, ms (what a hang is judged by on a loaded machine). */
  cpuMs: number;
  graph?: Graph;
  /** The emitted C (with `emit`). */
  library?: CLibrary;
}

/** Runs `bytes` through read, check, lowering and (with `emit`) the build and C emission. */
export function runMutant(bytes: Uint8Array, emit = false): Outcome {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cpu = (): number => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  let graph: Graph | undefined;
  try {
    graph = importTflite(bytes, "mutant.tflite");
    checkInt8(graph, opHandles);
    let library: CLibrary | undefined;
    if (emit) library = emitCLibrary(buildFresh(graph, { verify: false }).program);
    else lowerGraph(graph);
    return { status: "accepted", ms: performance.now() - t0, cpuMs: cpu(), graph, ...(library ? { library } : {}) };
  } catch (e) {
    const ms = performance.now() - t0;
    const cpuMs = cpu();
    if (e instanceof MoteError) return { status: "rejected", code: e.code, ms, cpuMs, ...(graph ? { graph } : {}) };
    return { status: "crash", error: e instanceof Error ? (e.stack ?? e.message) : String(e), ms, cpuMs };
  }
}

/** FNV-1a over bytes (constant data), for the fingerprint. */
function fnv(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * What the compiler sees of a graph: ops, tensors (types, shapes, quantization) and, unless
 * `data` is false, hashes of the constant data.
 */
export function fingerprint(g: Graph, data = true): string {
  const tensors = g.tensors.map((t) => [t.dtype, t.shape, t.quant, t.isVariable, t.data ? (data ? fnv(t.data) : 1) : null]);
  const ops = g.ops.map((op) => [op.opcode, op.inputs, op.outputs, op.options, op.version]);
  return JSON.stringify([tensors, ops, g.inputs, g.outputs]);
}

/** Campaign figures: mutants, rejections by code, acceptances, crashes, hangs, time. */
export interface Tally {
  mutants: number;
  accepted: number;
  acceptedChanged: number;
  rejected: Record<number, number>;
  crashes: { mutations: string; error: string }[];
  slow: { mutations: string; ms: number; cpuMs: number }[];
  maxMs: number;
  maxCpuMs: number;
  totalMs: number;
  /** Mutants also built and emitted as C, and their total wall time. */
  emitted: number;
  emitMs: number;
}

export function newTally(): Tally {
  return { mutants: 0, accepted: 0, acceptedChanged: 0, rejected: {}, crashes: [], slow: [], maxMs: 0, maxCpuMs: 0, totalMs: 0, emitted: 0, emitMs: 0 };
}

/**
 * Adds one outcome; `changed`: an accepted mutant whose graph differs from the model's. A mutant
 * whose CPU time passes `slowMs` is a hang (wall time varies with the machine's load).
 */
export function count(t: Tally, o: Outcome, mutations: string, changed: boolean, slowMs: number): void {
  t.mutants++;
  t.totalMs += o.ms;
  t.maxMs = Math.max(t.maxMs, o.ms);
  t.maxCpuMs = Math.max(t.maxCpuMs, o.cpuMs);
  if (o.cpuMs > slowMs) t.slow.push({ mutations, ms: o.ms, cpuMs: o.cpuMs });
  if (o.status === "accepted") {
    t.accepted++;
    if (changed) t.acceptedChanged++;
  } else if (o.status === "rejected") {
    t.rejected[o.code!] = (t.rejected[o.code!] ?? 0) + 1;
  } else {
    t.crashes.push({ mutations, error: o.error! });
  }
}

/** A campaign on one model: `mutants` mutants from `seed`, C emitted for the first `emit` changed ones. */
export interface CampaignOptions {
  mutants: number;
  seed: number;
  /** Accepted mutants with a changed graph whose whole build and C emission also run. */
  emit: number;
  /** A mutant slower than this (ms) is a hang. */
  slowMs: number;
  /** Called with each accepted mutant whose graph changed (the sanitizer test's sample). */
  onChanged?: (bytes: Uint8Array, mutations: string, outcome: Outcome) => void;
}

export function campaign(bytes: Uint8Array, opts: CampaignOptions): Tally {
  const sites = modelSites(bytes);
  const original = runMutant(bytes);
  if (original.status !== "accepted") throw new Error(`the model itself is not accepted: ${original.code ?? original.error}`);
  const base = fingerprint(original.graph!);
  const tally = newTally();
  let emitted = 0;
  // fc.sample draws lazily in chunks, so memory stays flat for long campaigns.
  const chunk = 500;
  for (let done = 0; done < opts.mutants; done += chunk) {
    const n = Math.min(chunk, opts.mutants - done);
    for (const ms of fc.sample(mutationsArb(sites), { numRuns: n, seed: opts.seed + done })) {
      const mutant = applyMutations(bytes, sites, ms);
      const label = JSON.stringify(ms);
      const o = runMutant(mutant);
      const changed = o.status === "accepted" && fingerprint(o.graph!) !== base;
      count(tally, o, label, changed, opts.slowMs);
      if (!changed) continue;
      let full = o;
      if (emitted < opts.emit) {
        // The whole build and C emission (timed apart: a build takes 0.2-2 s by design).
        emitted++;
        full = runMutant(mutant, true);
        tally.emitted++;
        tally.emitMs += full.ms;
        if (full.status === "crash") tally.crashes.push({ mutations: `${label} (build and C emission)`, error: full.error! });
        if (full.status !== "accepted") continue;
      }
      opts.onChanged?.(mutant, label, full);
    }
  }
  return tally;
}

/** One line of figures. */
export function summary(name: string, t: Tally): string {
  const codes = Object.entries(t.rejected).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}:${n}`).join(" ");
  const rejected = Object.values(t.rejected).reduce((a, b) => a + b, 0);
  return `${name}: ${t.mutants} mutants, ${rejected} rejected (${codes}), ${t.accepted} accepted (${t.acceptedChanged} with a changed graph), ` +
    `${t.crashes.length} crashes, ${t.slow.length} hangs, ${(t.totalMs / 1000).toFixed(1)} s (slowest ${t.maxMs.toFixed(0)} ms wall, ` +
    `${t.maxCpuMs.toFixed(0)} ms CPU); ${t.emitted} also built and emitted as C in ${(t.emitMs / 1000).toFixed(1)} s`;
}
