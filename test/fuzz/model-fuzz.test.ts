/**
 * @fileoverview The model mutation fuzzer in `npm test`: 2,000 mutants of each shared model
 * (test/fuzz/mutate.ts) through read, check and lowering (test/fuzz/harness.ts), the first
 * accepted mutant with a changed graph per model also through the whole build and C emission (a
 * build takes seconds; test:full builds 200). Each must end accepted or with a MOTE error: no
 * other exception, none over 2 s of CPU. A fixed
 * seed per model (MOTE_FUZZ_SEED adds to it, MOTE_FUZZ_MUTANTS changes the count); `npm run fuzz`
 * runs longer campaigns with random seeds.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { campaign, summary } from "./harness.ts";
import { MODEL_NAMES, needShared, sharedFile } from "../support/shared.ts";

const MUTANTS = Number(process.env.MOTE_FUZZ_MUTANTS ?? 2000);
const SEED = Number(process.env.MOTE_FUZZ_SEED ?? 0);
const shared = needShared(...MODEL_NAMES.map((n) => `models/${n}.tflite`));

describe.skipIf(shared.skip)("model mutation fuzzer", () => {
  it.each(MODEL_NAMES.map((n, i) => [n, i] as const))(`%s: ${MUTANTS} mutants end accepted or with a MOTE error, none over 2 s of CPU`, (name, i) => {
    const bytes = new Uint8Array(readFileSync(sharedFile("models", `${name}.tflite`)));
    const t = campaign(bytes, { mutants: MUTANTS, seed: 1000 * (i + 1) + SEED, emit: 1, slowMs: 2000 });
    console.log(summary(name, t));
    const show = (xs: { mutations: string }[]) => xs.slice(0, 3).map((x) => JSON.stringify(x).slice(0, 2000)).join("\n");
    expect(t.crashes, show(t.crashes)).toHaveLength(0);
    expect(t.slow, show(t.slow)).toHaveLength(0);
    expect(t.mutants).toBe(MUTANTS);
    expect(t.accepted).toBeGreaterThan(0);
  }, 240_000);
});
