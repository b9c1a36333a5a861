/**
 * @fileoverview The generated C of accepted mutants under the sanitizers (`npm run test:full`):
 * the 200-mutant sample of docs/reliability.md ("Model files"). From a fuzz campaign on each
 * shared model (3000 mutants), 40 accepted mutants whose graph changed (those whose types,
 * shapes, quantization or ops changed first, then changed weights) and whose generated C is
 * byte-for-byte distinct from the others' (a mutant whose C repeats one already built is skipped
 * and counted) are built and emitted as C, compiled at -O0 with gcc -fsanitize=address,undefined
 * -fno-sanitize-recover -g (test/support/sanitize.ts: two builds at a time, the harness compiled
 * once per model.h) and run on a pseudo-random input: each must run clean and give the
 * TypeScript reference's outputs bit for bit. Each model prints its figures (distinct builds,
 * duplicates skipped, clean runs, time in emission, gcc, runs); MOTE_SANITIZE_PER_MODEL=N
 * changes the 40. Also RELU models at the edges of the multipliers the reader accepts
 * (shift 30, flushed to 0).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { DTYPE_BYTES, type Graph } from "../../compiler/ir/graph.ts";
import { buildModel, oneOpModel } from "../../compiler/import/tflite/writer.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { campaign, fingerprint, runMutant } from "./harness.ts";
import { SanitizedLibraries, libraryHash } from "../support/sanitize.ts";
import { MODEL_NAMES, needShared, needTools, sharedFile } from "../support/shared.ts";

/** 40 distinct builds per model: the 200-mutant sample (docs/reliability.md). */
const PER_MODEL = Number(process.env.MOTE_SANITIZE_PER_MODEL ?? 40);
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
    const libs = new SanitizedLibraries();
    try {
      const { run } = await libs.run(o.library!, [input], 1);
      expect(run.kind, "report" in run ? run.report : "").toBe("ok");
      if (run.kind === "ok") expect([...run.outputs[0]!]).toEqual([...runTs(o.graph!, [input])[0]!]);
    } finally {
      await libs.close();
    }
  });
});

describe.skipIf(shared.skip || gcc.skip)("accepted mutants' C under ASan and UBSan", () => {
  const libs = new SanitizedLibraries();
  const total = { built: 0, clean: 0, duplicates: 0, ms: 0 };
  afterAll(async () => {
    await libs.close();
    console.log(`sanitized mutants: ${total.built} distinct generated C built, ${total.clean} ran clean and matched the TypeScript reference, ` +
      `${total.duplicates} mutants skipped as repeats of a built one, ${(total.ms / 1000).toFixed(0)} s`);
  });

  it.each(MODEL_NAMES.map((n, i) => [n, i] as const))(`%s: ${PER_MODEL} changed mutants with distinct C run clean and match the TypeScript reference`, async (name, i) => {
    const t0 = performance.now();
    const bytes = new Uint8Array(readFileSync(sharedFile("models", `${name}.tflite`)));
    // Each changed mutant with what the compiler sees of it (data hashes included): mutants
    // with equal fingerprints give the same C, so only the first of them is emitted.
    const structural: [Uint8Array, string, string][] = [];
    const weights: [Uint8Array, string, string][] = [];
    const base = fingerprint(runMutant(bytes).graph!, false);
    campaign(bytes, {
      mutants: 3000, seed: 77_000 + i, emit: 0, slowMs: 2000,
      onChanged: (m, label, o) => (fingerprint(o.graph!, false) !== base ? structural : weights).push([m, label, fingerprint(o.graph!)]),
    });
    const campaignMs = performance.now() - t0;
    const failures: string[] = [];
    const seen = new Set<string>();
    const figures = { built: 0, structural: 0, clean: 0, duplicates: 0, emitMs: 0, tsMs: 0, buildMs: 0, runMs: 0 };
    // Emission and the TypeScript reference run here (synchronous); gcc and the sanitized
    // programs run as child processes, two at a time.
    const inflight = new Set<Promise<void>>();
    const candidates = [...structural.map((c) => [...c, true] as const), ...weights.map((c) => [...c, false] as const)];
    const seenGraphs = new Set<string>();
    for (const [mutant, label, graph, changedGraph] of candidates) {
      if (figures.built === PER_MODEL) break;
      if (seenGraphs.has(graph)) {
        figures.duplicates++;
        continue;
      }
      seenGraphs.add(graph);
      const te = performance.now();
      const o = runMutant(mutant, true);
      figures.emitMs += performance.now() - te;
      if (o.status !== "accepted") {
        failures.push(`${label}: the build ${o.status === "crash" ? `crashed: ${o.error}` : `failed with MOTE${o.code}`}`);
        continue;
      }
      const hash = libraryHash(o.library!);
      if (seen.has(hash)) {
        figures.duplicates++;
        continue;
      }
      seen.add(hash);
      figures.built++;
      if (changedGraph) figures.structural++;
      const inputs = inputsFor(o.graph!, 1 + figures.built);
      const job = libs.run(o.library!, inputs, o.graph!.outputs.length).then(
        ({ run, buildMs, runMs }) => {
          figures.buildMs += buildMs;
          figures.runMs += runMs;
          if (run.kind !== "ok") {
            failures.push(`${label}: the sanitized run ended with ${run.kind}: ${run.report.slice(0, 1500)}`);
            return;
          }
          const tt = performance.now();
          const want = runTs(o.graph!, inputs);
          figures.tsMs += performance.now() - tt;
          if (run.outputs.some((g, j) => Buffer.compare(Buffer.from(g), Buffer.from(want[j]!)) !== 0)) failures.push(`${label}: C outputs differ from the TypeScript reference`);
          else figures.clean++;
        },
      ).catch((e: unknown) => { failures.push(`${label}: ${String(e).slice(0, 1500)}`); });
      inflight.add(job);
      void job.finally(() => inflight.delete(job));
      if (inflight.size >= 2) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    const ms = performance.now() - t0;
    total.built += figures.built;
    total.clean += figures.clean;
    total.duplicates += figures.duplicates;
    total.ms += ms;
    const s = (x: number): string => (x / 1000).toFixed(1);
    console.log(`${name}: ${figures.built} distinct generated C (${figures.structural} with changed types, shapes, quantization or ops; ` +
      `${figures.duplicates} mutants skipped as repeats: the same graph or byte-identical C as one built) under ASan+UBSan, ${figures.clean} clean and equal to the TypeScript reference, ` +
      `${failures.length} failures; ${s(ms)} s: campaign ${s(campaignMs)} s, emission ${s(figures.emitMs)} s, reference ${s(figures.tsMs)} s, ` +
      `gcc ${s(figures.buildMs)} s and runs ${s(figures.runMs)} s (two at a time)`);
    expect(failures, failures.slice(0, 3).join("\n")).toHaveLength(0);
    expect(figures.built, `only ${figures.built} of ${candidates.length} changed mutants had distinct C`).toBe(PER_MODEL);
  }, 3_600_000);
});
