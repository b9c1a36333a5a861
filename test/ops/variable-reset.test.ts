/**
 * @fileoverview Variable tensors start, and restart after mote_reset(), at TFLite Micro's reset
 * value (MicroInterpreterGraph::ResetTensorData: an int8 tensor with quantization filled with its
 * zero point, any other with 0 bytes; compiler/ir/graph.ts `resetByte`), on every target and in
 * both modes, and the kernels keep TFLM's state values (no offset storage):
 *  - resetByte's rule, and the program's state ranges carry it (`fill`);
 *  - an SVDF with an int8 state at zero point -50 whose state is also a model output: after one
 *    invocation of a fresh instance the slots the shift did not overwrite hold -50 on ts, wasm and
 *    host C, codegen and interpreter;
 *  - host C, both modes, for that SVDF and for an int8 LSTM (hidden state zero point -21): garbage
 *    written into the state before the first mote_invoke() is replaced (the first invoke resets),
 *    mote_reset() leaves every state byte at its reset value, and the first output after a reset
 *    is the first output ever (the reference's, a fresh ts run);
 *  - a variable tensor that is also a model input keeps what the caller wrote before the first
 *    invocation (TFLM resets in AllocateTensors, before inputs can be written);
 *  - a variable tensor's buffer in the .tflite file is ignored, as TFLite Micro ignores it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resetByte, type Graph, type Tensor } from "../../compiler/ir/graph.ts";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { writeGraph } from "../../compiler/import/tflite/writer.ts";
import { runInvocations, type Target } from "../../compiler/run/targets.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { RUNTIME_DIR } from "../../compiler/paths.ts";
import { needTarget, needTools } from "../support/shared.ts";
import { asBytes, svdfGraph, type SvdfSpec } from "../support/svdf.ts";
import { lstmGraph, tflmSpec } from "./lstm-model.ts";

const host = needTarget("host");
const gcc = needTools("gcc");
const targets: Target[] = host.ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];
const STATE_ZP = -50;

/** xorshift32 int8 values. */
function noise(seed: number, n: number): Int8Array {
  let x = seed >>> 0 || 1;
  return Int8Array.from({ length: n }, () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return (x & 0xff) - 128;
  });
}

const SPEC: SvdfSpec = {
  batches: 1, inputSize: 5, units: 2, rank: 2, memory: 4, state: "int8",
  inScale: 0.05, inZp: 3, wfScale: 0.01, wtScale: 0.02, stScale: 0.1, outScale: 0.05, outZp: -7, stZp: STATE_ZP,
  wf: noise(11, 4 * 5), wt: noise(12, 4 * 4), bias: Int32Array.from([1200, -800]),
};

/** The SVDF graph with its state as model output 1 as well (read after each invocation). */
function svdfWithState(): Graph {
  const g = svdfGraph(SPEC);
  const state = g.tensors.findIndex((t) => t.isVariable);
  return { ...g, name: "svdf_state_out", outputs: [...g.outputs, state] };
}

const inputs = (n: number, count: number, seed: number): Uint8Array[][] =>
  Array.from({ length: count }, (_, k) => [asBytes(noise(seed + k, n))]);

describe("resetByte: TFLite Micro's ResetTensorData", () => {
  const t = (dtype: Tensor["dtype"], zp?: number): Tensor => ({
    index: 0, name: "s", dtype, shape: [4], isVariable: true,
    ...(zp === undefined ? {} : { quant: { scale: [0.1], zeroPoint: [zp], quantizedDimension: 0 } }),
  });
  it("int8 with quantization: its zero point's byte; int8 without, int16 with a zero point, float32: 0", () => {
    expect(resetByte(t("int8", -50))).toBe(206);
    expect(resetByte(t("int8", 7))).toBe(7);
    expect(resetByte(t("int8"))).toBe(0);
    expect(resetByte(t("int16", 5))).toBe(0);
    expect(resetByte(t("float32"))).toBe(0);
  });
  it("the program's state ranges carry it, in both modes", () => {
    for (const mode of ["codegen", "interpreter"] as const) {
      const state = buildFor(svdfWithState(), { mode }).program.state ?? [];
      expect(state.map((r) => r.fill), mode).toEqual([STATE_ZP & 0xff]);
    }
  });
});

describe("an int8 SVDF state starts at its zero point", () => {
  it("after one invocation of a fresh instance the unshifted slots hold the zero point (every target, both modes)", async () => {
    const graph = svdfWithState();
    const xs = inputs(SPEC.inputSize, 1, 0x5e7);
    const ref = (await runInvocations(graph, xs, "ts")).outputs[0]!;
    const state = new Int8Array(ref[1]!.buffer, ref[1]!.byteOffset, ref[1]!.length);
    const filters = SPEC.units * SPEC.rank;
    for (let f = 0; f < filters; f++) {
      for (let m = 0; m < SPEC.memory - 1; m++) expect(state[f * SPEC.memory + m], `filter ${f} slot ${m}`).toBe(STATE_ZP);
    }
    for (const mode of ["codegen", "interpreter"] as const) {
      for (const target of targets) {
        if (target === "ts" && mode === "codegen") continue;
        const got = (await runInvocations(graph, xs, target, { mode })).outputs[0]!;
        expect(got, `${target} ${mode}`).toEqual(ref);
      }
    }
  }, 120_000);
});

describe("a variable tensor that is also a model input", () => {
  it("holds what the caller wrote at the first invocation (the first invoke's reset leaves it alone), every target and mode", async () => {
    const g = svdfGraph(SPEC);
    const state = g.tensors.findIndex((t) => t.isVariable);
    const graph: Graph = { ...g, name: "svdf_state_in", inputs: [...g.inputs, state] };
    const xs = [[asBytes(noise(0x1a, SPEC.inputSize)), asBytes(noise(0x1b, SPEC.units * SPEC.rank * SPEC.memory))]];
    const ref = (await runInvocations(graph, xs, "ts")).outputs;
    expect(ref).not.toEqual((await runInvocations(g, [[xs[0]![0]!]], "ts")).outputs);
    for (const mode of ["codegen", "interpreter"] as const) {
      for (const target of targets) {
        if (target === "ts" && mode === "codegen") continue;
        expect((await runInvocations(graph, xs, target, { mode })).outputs, `${target} ${mode}`).toEqual(ref);
      }
    }
  }, 120_000);
});

/**
 * Builds `graph` as a host C library with a main that writes garbage into output 1 (a variable
 * tensor) before the first invoke, runs `xs`, then mote_reset(), prints the state, and runs `xs`
 * again; returns the printed lines (each output 0, "state: ..." after the reset).
 */
function hostResetRun(graph: Graph, mode: "codegen" | "interpreter", xs: Uint8Array[][]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-varreset-"));
  try {
    writeCLibrary(buildFor(graph, { mode }).program, dir);
    const n = xs[0]![0]!.length;
    const array = (b: Uint8Array): string => `{${Array.from(b).join(", ")}}`;
    fs.writeFileSync(path.join(dir, "main.c"), [
      "#include <stdio.h>", "#include <stdint.h>", "#include <string.h>", '#include "model.h"',
      `static const uint8_t in[${xs.length}][${n}] = {${xs.map((x) => array(x[0]!)).join(", ")}};`,
      "static void run(int k) {",
      `  memcpy(mote_input(0), in[k], ${n});`,
      "  if (mote_invoke() != 0) { printf(\"invoke failed\\n\"); return; }",
      "  const int8_t *o = mote_output(0);",
      "  for (size_t i = 0; i < mote_output_bytes(0); i++) printf(\"%d%c\", o[i], i + 1 == mote_output_bytes(0) ? '\\n' : ' ');",
      "}",
      "int main(void) {",
      "  uint8_t *state = (uint8_t *)(uintptr_t)mote_output(1);",
      "  for (size_t i = 0; i < mote_output_bytes(1); i++) state[i] = (uint8_t)(i * 37u + 11u); /* garbage, no mote_reset() */",
      `  for (int k = 0; k < ${xs.length}; k++) run(k);`,
      "  mote_reset();",
      "  printf(\"state:\");",
      "  for (size_t i = 0; i < mote_output_bytes(1); i++) printf(\" %u\", state[i]);",
      "  printf(\"\\n\");",
      `  for (int k = 0; k < ${xs.length}; k++) run(k);`,
      "  return 0;",
      "}",
    ].join("\n"));
    const exe = path.join(dir, "reset");
    execFileSync("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", `-I${dir}`, `-I${RUNTIME_DIR}`, path.join(dir, "main.c"), path.join(dir, "model.c"), "-o", exe]);
    return execFileSync(exe, { encoding: "utf8" }).trim().split("\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Output 0 of each invocation as host C prints it (signed bytes). */
const printed = (outs: Uint8Array[][]): string[] => outs.map((o) => Array.from(new Int8Array(o[0]!.buffer, o[0]!.byteOffset, o[0]!.length)).join(" "));

describe.skipIf(gcc.skip)("host C: the first invoke and mote_reset() put the state at its reset value", () => {
  const lstm = (): { graph: Graph; hidden: Tensor } => {
    const spec = { ...tflmSpec("int8"), timeMajor: true, batches: 1, steps: 2 };
    const g = lstmGraph(spec, "lstm_state_out");
    const hidden = g.tensors.find((t) => t.name === "output_state")!;
    return { graph: { ...g, outputs: [...g.outputs, hidden.index] }, hidden };
  };
  for (const mode of ["codegen", "interpreter"] as const) {
    it(`SVDF, int8 state at zero point ${STATE_ZP} (${mode})`, async () => {
      const graph = svdfWithState();
      const xs = inputs(SPEC.inputSize, 3, 0x5e70);
      const want = printed((await runInvocations(graph, xs, "ts")).outputs);
      const bytes = SPEC.units * SPEC.rank * SPEC.memory;
      const state = `state:${` ${STATE_ZP & 0xff}`.repeat(bytes)}`;
      expect(hostResetRun(graph, mode, xs)).toEqual([...want, state, ...want]);
    }, 120_000);
    it(`LSTM, int8 hidden state at its zero point (${mode})`, async () => {
      const { graph, hidden } = lstm();
      const zp = hidden.quant!.zeroPoint[0]!;
      expect(zp).not.toBe(0);
      const n = graph.tensors[graph.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
      const xs = inputs(n, 3, 0x1570);
      const want = printed((await runInvocations(graph, xs, "ts")).outputs);
      const bytes = hidden.shape.reduce((a, b) => a * b, 1);
      expect(hostResetRun(graph, mode, xs)).toEqual([...want, `state:${` ${zp & 0xff}`.repeat(bytes)}`, ...want]);
    }, 120_000);
  }
});

describe("a variable tensor's buffer in the file", () => {
  it("ignores a variable tensor's buffer in the file (TFLite Micro never reads it): the same outputs as without one", async () => {
    const plain = svdfGraph(SPEC);
    const withData: Graph = {
      ...plain,
      tensors: plain.tensors.map((t) => (t.isVariable ? { ...t, data: Uint8Array.from({ length: 16 }, (_, i) => i * 13 + 1) } : t)),
    };
    const read = importTflite(writeGraph(withData), "svdf_state_buffer");
    const state = read.tensors.find((t) => t.isVariable)!;
    expect(state.data).toBeUndefined();
    const xs = inputs(SPEC.inputSize, 2, 0xb0f);
    const want = (await runInvocations(plain, xs, "ts")).outputs;
    for (const target of ["ts", "wasm"] as const) {
      expect((await runInvocations(read, xs, target)).outputs, target).toEqual(want);
    }
  }, 60_000);
});
