/**
 * @fileoverview Helpers of test/kernels/differential.test.ts: run one synthetic spec
 * (test/support/synthetic.ts) on several targets through compiler/run/targets.ts and throw a
 * readable error, with the spec as JSON, when their output bytes differ; plus the fast-check
 * settings every differential property shares (fixed seed, the all -128 / all 127 examples).
 *
 * Invariant: the first target listed is the reference (the TypeScript kernels); every other
 * target must reproduce its bytes exactly.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { MoteError } from "../../../compiler/diagnostics.ts";
import { lowerGraph } from "../../../compiler/ops/index.ts";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import type { Graph } from "../../../compiler/ir/graph.ts";
import { syntheticGraph, syntheticInput, type Fill, type OpSpec } from "../../support/synthetic.ts";

/** Index of the first differing byte (a length mismatch counts at the shorter length), or -1. */
/**
 * How many random cases a property test runs: `full` in `npm run test:full` (MOTE_FULL=1, where the
 * *.full.test.ts twins of the slow property files import them), `full * 0.4` in `npm test` so it
 * stays within its time budget; MOTE_DIFF_SCALE=K runs K times `full`. Seeds do not depend on the
 * count, so the quick run is a prefix of the full one.
 */
export function caseCount(full: number): number {
  const scale = Number(process.env.MOTE_DIFF_SCALE ?? "") || (process.env.MOTE_FULL ? 1 : 0.4);
  return Math.max(1, Math.round(full * scale));
}

export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const asInt8 = (bytes: Uint8Array, from: number, to: number): number[] =>
  Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice(from, to));

/** Runs `spec` on every target; throws naming the spec and the first differing byte. */
export async function expectTargetsAgree(spec: OpSpec, targets: readonly Target[]): Promise<void> {
  const graph = syntheticGraph(spec);
  const input = syntheticInput(spec);
  const outputs: Uint8Array[] = [];
  for (const target of targets) {
    try {
      outputs.push((await runModel(graph, [input], target)).outputs[0]);
    } catch (e) {
      throw new Error(`${spec.op} on ${target} failed: ${(e as Error).message}\nspec: ${JSON.stringify(spec)}`);
    }
  }
  const [ref, ...rest] = outputs;
  rest.forEach((got, k) => {
    const at = firstDifference(ref, got);
    if (at < 0) return;
    const target = targets[k + 1];
    throw new Error(
      `${spec.op}: ${target} differs from ${targets[0]} at byte ${at} of ${ref.length}` +
        ` (${targets[0]} [${asInt8(ref, at, at + 8).join(", ")}...] vs ${target} [${asInt8(got, at, at + 8).join(", ")}...],` +
        ` lengths ${ref.length}/${got.length})\nspec: ${JSON.stringify(spec)}`,
    );
  });
}

/**
 * Examples fast-check runs before its random cases: two specs drawn from `arb` with the input
 * all -128 and all 127, so every run covers both extremes whatever the seed draws.
 */
export function extremeExamples<S extends OpSpec>(arb: fc.Arbitrary<S>, seed: number): [S][] {
  const [a, b] = fc.sample(arb, { seed: seed ^ 0x7e57, numRuns: 2 });
  const fills: Fill[] = ["min", "max"];
  return [a, b].map((s, i): [S] => [{ ...s, inputFill: fills[i] }]);
}

/** fast-check parameters of one differential property: fixed seed, N runs, the extremes. */
export function propertyParams<S extends OpSpec>(arb: fc.Arbitrary<S>, seed: number, numRuns: number): fc.Parameters<[S]> {
  return { seed, numRuns, examples: extremeExamples(arb, seed) };
}

/**
 * Runs any `graph` with `inputs` on every target and throws, naming `label` (print the spec that
 * built the graph there) and the first differing byte of the first differing output, when a
 * target's bytes differ from the first target's. For property tests of ops whose specs live
 * outside test/support/synthetic.ts.
 */
export async function expectGraphAgree(label: string, graph: Graph, inputs: Uint8Array[], targets: readonly Target[]): Promise<void> {
  const results: Uint8Array[][] = [];
  for (const target of targets) {
    try {
      results.push((await runModel(graph, inputs, target)).outputs);
    } catch (e) {
      throw new Error(`${graph.name} on ${target} failed: ${(e as Error).message}\nspec: ${label}`);
    }
  }
  const [ref, ...rest] = results;
  rest.forEach((outs, k) => {
    outs.forEach((got, o) => {
      const want = ref[o];
      const at = firstDifference(want, got);
      if (at < 0) return;
      const target = targets[k + 1];
      throw new Error(
        `${graph.name}: output ${o} on ${target} differs from ${targets[0]} at byte ${at} of ${want.length}` +
          ` (${targets[0]} [${asInt8(want, at, at + 8).join(", ")}...] vs ${target} [${asInt8(got, at, at + 8).join(", ")}...],` +
          ` lengths ${want.length}/${got.length})\nspec: ${label}`,
      );
    });
  });
}

/** A fixed seed per op name and salt (FNV-1a), so every run draws the same cases. */
export function seedOf(op: string, salt: number): number {
  return [...op].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261 ^ salt) & 0x7fffffff;
}

/**
 * fast-check parameters for specs with a `fill` field: fixed seed, N runs, and two examples
 * drawn from `arb` with all -128 and all 127 inputs (propertyParams for synthetic.ts specs).
 */
export function extremeParams<S extends { fill: string }>(arb: fc.Arbitrary<S>, seed: number, numRuns: number): fc.Parameters<[S]> {
  const [a, b] = fc.sample(arb, { seed: seed ^ 0x7e57, numRuns: 2 });
  return { seed, numRuns, examples: [[{ ...a, fill: "min" }], [{ ...b, fill: "max" }]] };
}

/** The MoteError that lowering `graph` raises; fails the test when it lowers or throws otherwise. */
export function loweringError(graph: Graph): MoteError {
  try {
    lowerGraph(graph);
  } catch (e) {
    if (e instanceof MoteError) return e;
    throw e;
  }
  throw new Error("expected a MoteError");
}

/** Lowering `graph` fails with the op error 3001 and a message matching `pattern`. */
export function expectLowerError(graph: Graph, pattern: RegExp): void {
  const err = loweringError(graph);
  expect(err.code).toBe(3001);
  expect(err.message).toMatch(pattern);
}
