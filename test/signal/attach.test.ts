/**
 * @fileoverview attachAudioFrontEnd (compiler/ops/audio/attach.ts) and the front ends' place in
 * the subset: the composed graph's shape (PCM input, the pseudo-op first, variable state
 * tensors), the one-line errors MOTE6011 and MOTE3002, the tables' basic properties, kernel
 * stems under signal/, and every signal/ file within the subset.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { bitReversal, dctMatrix, hannPeriodic, melTable } from "../../compiler/ops/audio/tables.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { kernelFile, REPO_ROOT, SIGNAL_DIR, stemIdentifier } from "../../compiler/paths.ts";
import { checkFiles } from "../../compiler/subset/program.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";

function model(shape: number[], dtype: "int8" | "float32" = "int8"): Graph {
  const b = new GraphBuilder();
  const x = b.add("features", dtype, shape, dtype === "int8" ? perTensor(0.5, 3) : undefined);
  return { name: "m", tensors: b.tensors, inputs: [x], outputs: [x], ops: [] };
}

function errorOf(f: () => unknown): MoteError {
  try {
    f();
  } catch (e) {
    if (e instanceof MoteError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("attachAudioFrontEnd", () => {
  it("kws-mfcc: int16 [1, 16000] in, MOTE_MFCC first, writing the model's input", () => {
    const g = attachAudioFrontEnd(model([1, 49, 10, 1]), "kws-mfcc");
    const pcm = g.tensors[g.inputs[0]];
    expect([pcm.dtype, pcm.shape, g.inputs.length]).toEqual(["int16", [1, 16000], 1]);
    expect(g.ops[0].opcode).toBe("MOTE_MFCC");
    expect(g.ops[0].outputs).toEqual([0]);
    const [call] = lowerGraph(g)[0].calls;
    expect(call.kernel).toBe("signal/mfcc");
    expect(call.params).toMatchObject({ frames: 49, coefficients: 10, fftSize: 512, bins: 257, outputZeroPoint: 3 });
  });

  it("sww-log-mel: int16 [1, 512] in, two zero-initialized variable state tensors", () => {
    const g = attachAudioFrontEnd(model([1, 30, 40]), "sww-log-mel");
    const op = g.ops[0];
    expect(op.opcode).toBe("MOTE_LOG_MEL");
    expect(g.tensors[g.inputs[0]].shape).toEqual([1, 512]);
    const state = op.inputs.slice(1).map((i) => g.tensors[i]);
    expect(state.map((t) => [t.dtype, t.shape, t.isVariable, t.data])).toEqual([["float32", [513], true, undefined], ["int8", [1200], true, undefined]]);
  });

  it("an unknown preset is MOTE6011, a model it does not fit MOTE3002 (one line each)", () => {
    const unknown = errorOf(() => attachAudioFrontEnd(model([1, 49, 10, 1]), "mfcc"));
    expect(unknown.code).toBe(6011);
    expect(unknown.message).toContain("kws-mfcc, sww-log-mel");
    for (const [m, preset] of [[model([1, 30, 40]), "kws-mfcc"], [model([1, 49, 10, 1], "float32"), "kws-mfcc"], [model([1, 49, 10, 1]), "sww-log-mel"]] as const) {
      const e = errorOf(() => attachAudioFrontEnd(m, preset));
      expect(e.code).toBe(3002);
      expect(e.message).not.toContain("\n");
    }
  });
});

describe("front-end tables", () => {
  it("windows, bit reversal, mel filters and the DCT", () => {
    const hann = hannPeriodic(480);
    expect([hann[0], hann[240]]).toEqual([0, 1]);
    expect(bitReversal(8)).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    const mel = melTable(40, 257, 16000, 20, 4000);
    expect(mel.first.length).toBe(40);
    expect(mel.weights.length).toBe(mel.count.reduce((a, b) => a + b, 0));
    expect(mel.count.every((c) => c > 0)).toBe(true);
    expect(mel.first[0]).toBeGreaterThanOrEqual(1); // DC is left out
    // Row 0 of TensorFlow's DCT-II (times 1/sqrt(2N)) is 2/sqrt(80) everywhere.
    expect(dctMatrix(40, 10, 1 / Math.sqrt(80))[0]).toBe(Math.fround(2 / Math.sqrt(80)));
  });
});

describe("signal/ as subset code", () => {
  it("kernel stems signal/<name> resolve beside kernels/, with C-safe names", () => {
    expect(kernelFile("signal/mfcc")).toBe(path.join(REPO_ROOT, "signal", "mfcc.ts"));
    expect(kernelFile("add")).toBe(path.join(REPO_ROOT, "kernels", "add.ts"));
    expect(stemIdentifier("signal/log_mel")).toBe("signal_log_mel");
  });

  it("every file of signal/ is within the kernel subset", () => {
    const files = fs.readdirSync(SIGNAL_DIR).filter((f) => f.endsWith(".ts")).map((f) => path.join(SIGNAL_DIR, f));
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(checkFiles(files)).toEqual([]);
  });
});
