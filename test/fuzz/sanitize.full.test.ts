/**
 * @fileoverview The generated C of accepted mutants under the sanitizers (`npm run test:full`):
 * from a fuzz campaign on each shared model, 8 accepted mutants whose graph changed (those whose
 * types, shapes, quantization or ops changed first, then changed weights; MOTE_SANITIZE_PER_MODEL=40
 * gives the 200-mutant sample, ~15 min here), are built
 * and emitted as C, compiled at -O0 with gcc -fsanitize=address,undefined -fno-sanitize-recover -g
 * (test/support/sanitize.ts) and run on a pseudo-random input: each must run clean and give the
 * TypeScript reference's outputs bit for bit. Also RELU models at the edges of the multipliers
 * the reader accepts (shift 30, flushed to 0).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DTYPE_BYTES, type Graph } from "../../compiler/ir/graph.ts";
import { buildModel, oneOpModel } from "../../compiler/import/tflite/writer.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { campaign, fingerprint, runMutant } from "./harness.ts";
import { runSanitized } from "../support/sanitize.ts";
import { MODEL_NAMES, needShared, needTools, sharedFile } from "../support/shared.ts";

/** 8 per model in test:full (40 in all); MOTE_SANITIZE_PER_MODEL=40 runs the 200-mutant sample (docs/reliability.md). */
const PER_MODEL = Number(process.env.MOTE_SANITIZE_PER_MODEL ?? 8);
const shared = needShared(...MODEL_NAMES.map((n) => `models/${n}.tflite`));
const gcc = needTools("gcc");

/** A deterministic input per model input: random bytes; floats in [-1, 1]. */
function inputsFor(g: Graph, seed: number): Uint8Array[] {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x;
  };
  return g.inputs.map((i) => {
    const t = g.tensors[i]!;
    const n = t.shape.reduce((a, d) => a * d, 1);
    if (t.dtype === "float32") return new Uint8Array(Float32Array.from({ length: n }, () => (next() / 2 ** 31) - 1).buffer);
    return Uint8Array.from({ length: n * DTYPE_BYTES[t.dtype] }, () => next() & 0xff);
  });
}

describe.skipIf(gcc.skip)("the extreme multipliers the reader accepts, under ASan and UBSan", () => {
  // RELU requantizes by in/out: 2^29 is the largest ratio accepted (shift 30), 2^-40 flushes to 0.
  it.each([[2 ** 19, 2 ** -10], [2 ** -30, 2 ** 10], [1e-38, 1e-38]])("RELU with input scale %s, output scale %s", async (inScale, outScale) => {
    const spec = oneOpModel({ code: 19 });
    spec.subgraphs[0]!.tensors[0]!.quant = { scale: [inScale], zeroPoint: [-128] };
    spec.subgraphs[0]!.tensors[1]!.quant = { scale: [outScale], zeroPoint: [127] };
    const o = runMutant(buildModel(spec), true);
    expect(o.status, o.error ?? String(o.code)).toBe("accepted");
    const input = Uint8Array.from({ length: 4 }, (_, k) => [0x80, 0x7f, 0x00, 0x81][k]!);
    const got = await runSanitized(o.library!, [input], 1);
    expect([...got[0]!]).toEqual([...runTs(o.graph!, [input])[0]!]);
  });
});

describe.skipIf(shared.skip || gcc.skip)("accepted mutants' C under ASan and UBSan", () => {
  it.each(MODEL_NAMES.map((n, i) => [n, i] as const))(`%s: ${PER_MODEL} changed mutants run clean and match the TypeScript reference`, async (name, i) => {
    const bytes = new Uint8Array(readFileSync(sharedFile("models", `${name}.tflite`)));
    const structural: [Uint8Array, string][] = [];
    const weights: [Uint8Array, string][] = [];
    const base = fingerprint(runMutant(bytes).graph!, false);
    campaign(bytes, {
      mutants: 3000, seed: 77_000 + i, emit: 0, slowMs: 2000,
      onChanged: (m, label, o) => (fingerprint(o.graph!, false) !== base ? structural : weights).push([m, label]),
    });
    const sample = [...structural, ...weights].slice(0, PER_MODEL);
    expect(sample.length).toBe(PER_MODEL);
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < sample.length) {
        const k = next++;
        const [mutant, label] = sample[k]!;
        const o = runMutant(mutant, true);
        if (o.status !== "accepted") {
          failures.push(`${label}: the build ${o.status === "crash" ? `crashed: ${o.error}` : `failed with MOTE${o.code}`}`);
          continue;
        }
        const inputs = inputsFor(o.graph!, 1 + k);
        try {
          const got = await runSanitized(o.library!, inputs, o.graph!.outputs.length);
          const want = runTs(o.graph!, inputs);
          if (got.some((g, j) => Buffer.compare(Buffer.from(g), Buffer.from(want[j]!)) !== 0)) failures.push(`${label}: C outputs differ from the TypeScript reference`);
        } catch (e) {
          failures.push(`${label}: ${String(e).slice(0, 1500)}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    console.log(`${name}: ${sample.length} mutants (${Math.min(structural.length, PER_MODEL)} with changed types, shapes, quantization or ops) under ASan+UBSan, ${failures.length} failures`);
    expect(failures, failures.slice(0, 3).join("\n")).toHaveLength(0);
  }, 3_600_000);
});
