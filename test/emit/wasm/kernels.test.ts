/**
 * @fileoverview Integration: real subset kernels (kernels/*.ts, lowered to KIR by
 * compiler/subset/) run as WASM through a hand-assembled ModelProgram, compared byte for byte
 * with the same kernels called directly in TypeScript. FULLY_CONNECTED (with a bias, and with the
 * bias absent: a null argument) feeds SOFTMAX, which exercises the fixed-point helper calls.
 */
import { describe, expect, it } from "vitest";
import { loadKernels } from "../../../compiler/subset/program.ts";
import type { ModelProgram } from "../../../compiler/ir/program.ts";
import { runWasm } from "../../../compiler/emit/wasm/run.ts";
import { fullyConnected, type FullyConnectedParams } from "../../../kernels/fully_connected.ts";
import { softmax, type SoftmaxParams } from "../../../kernels/softmax.ts";
import { tensorInfo } from "../../../compiler/ir/io.ts";

const BATCHES = 3;
const DEPTH = 16;
const OUT = 8;

/** Deterministic pseudo-random integers in [lo, hi]. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (lo: number, hi: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (s % (hi - lo + 1));
  };
}

function fields<T extends object>(names: string[], rec: T): number[] {
  return names.map((n) => (rec as Record<string, number>)[n]);
}

describe("real kernels as WASM match the TypeScript reference", () => {
  const kernels = loadKernels(["fully_connected", "softmax"]);
  const fcRec = kernels.records.get("FullyConnectedParams")!;
  const smRec = kernels.records.get("SoftmaxParams")!;

  function build(seed: number, withBias: boolean) {
    const r = lcg(seed);
    const fcParams: FullyConnectedParams = {
      batches: BATCHES, accumDepth: DEPTH, outputDepth: OUT, inputOffset: 5, filterOffset: 0, outputOffset: -3,
      actMin: -128, actMax: 127, hasBias: withBias ? 1 : 0,
    };
    const smParams: SoftmaxParams = { outer: BATCHES, depth: OUT, inputMultiplier: 2 ** 30, inputLeftShift: 25, diffMin: -62 };
    const filter = Int8Array.from({ length: OUT * DEPTH }, () => r(-128, 127));
    const bias = Int32Array.from({ length: OUT }, () => r(-5000, 5000));
    const multipliers = Int32Array.from({ length: OUT }, () => r(1 << 30, 2 ** 31 - 1));
    const shifts = Int32Array.from({ length: OUT }, () => r(-9, -6));
    const input = Int8Array.from({ length: BATCHES * DEPTH }, () => r(-128, 127));

    const program: ModelProgram = {
      name: `fc_softmax_${seed}`,
      arenaBytes: 128,
      constants: [
        { name: "fc_params", elem: "i32", values: fields(fcRec.fields, fcParams) },
        { name: "sm_params", elem: "i32", values: fields(smRec.fields, smParams) },
        { name: "filter", elem: "i8", values: filter },
        { name: "bias", elem: "i32", values: bias },
        { name: "multipliers", elem: "i32", values: multipliers },
        { name: "shifts", elem: "i32", values: shifts },
      ],
      functions: [...kernels.functions.values()],
      records: [...kernels.records.values()],
      steps: [
        {
          fn: "fullyConnected",
          args: [
            { k: "const", name: "fc_params", elem: "i32" },
            { k: "arena", offset: 0, elem: "i8" },
            { k: "const", name: "filter", elem: "i8" },
            withBias ? { k: "const", name: "bias", elem: "i32" } : { k: "null", elem: "i32" },
            { k: "const", name: "multipliers", elem: "i32" },
            { k: "const", name: "shifts", elem: "i32" },
            { k: "arena", offset: 48, elem: "i8" },
          ],
          label: "op 0 FULLY_CONNECTED",
          opIndex: 0,
        },
        {
          fn: "softmax",
          args: [{ k: "const", name: "sm_params", elem: "i32" }, { k: "arena", offset: 48, elem: "i8" }, { k: "arena", offset: 80, elem: "i8" }],
          label: "op 1 SOFTMAX",
          opIndex: 1,
        },
      ],
      inputs: [{ name: "input", offset: 0, bytes: BATCHES * DEPTH, tensor: 0, info: tensorInfo({ index: 0, name: "input", dtype: "int8", shape: [BATCHES * DEPTH], isVariable: false }) }],
      outputs: [
        { name: "logits", offset: 48, bytes: BATCHES * OUT, tensor: 1, info: tensorInfo({ index: 1, name: "logits", dtype: "int8", shape: [BATCHES * OUT], isVariable: false }) },
        { name: "probs", offset: 80, bytes: BATCHES * OUT, tensor: 2, info: tensorInfo({ index: 2, name: "probs", dtype: "int8", shape: [BATCHES * OUT], isVariable: false }) },
      ],
    };
    const logits = new Int8Array(BATCHES * OUT);
    const probs = new Int8Array(BATCHES * OUT);
    fullyConnected(fcParams, input, filter, withBias ? bias : new Int32Array(0), multipliers, shifts, logits);
    softmax(smParams, logits, probs);
    return { program, input, logits, probs };
  }

  const u8 = (a: Int8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

  it.each([
    { seed: 1, withBias: true },
    { seed: 2, withBias: true },
    { seed: 3, withBias: false },
  ])("fullyConnected -> softmax (seed $seed, bias $withBias)", async ({ seed, withBias }) => {
    const { program, input, logits, probs } = build(seed, withBias);
    // The data must not be degenerate (all logits saturated would hide arithmetic errors).
    expect(new Set(logits).size).toBeGreaterThan(4);
    const [gotLogits, gotProbs] = await runWasm(program, [u8(input)]);
    expect([...new Int8Array(gotLogits.buffer)]).toEqual([...logits]);
    expect([...new Int8Array(gotProbs.buffer)]).toEqual([...probs]);
  });
});
