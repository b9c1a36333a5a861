/**
 * @fileoverview What TFLite Micro rejects (../shared/golden-ops-2/skipped.json: the models its
 * generator could not run) is rejected by Mote with a named error: each such model is built here as
 * a .tflite (test/import/tflite-builder.ts, test/ops/lstm-model.ts), read back and put through the
 * model check and the lowering, as `mote build` does; the MOTE code and the one-line message are
 * checked. The table must name every case skipped.json lists. The two int8 DIV cases abort
 * TFLite Micro on a gemmlowp assert (RoundingDivideByPOT exponent <= 31) for inputs their
 * quantization allows; Mote rejects exactly such layers (compiler/ops/div.ts divShiftRange) and
 * lowers golden-ops-2's div_const_divisor_fine_out, which TFLite Micro runs.
 * Last, Prepare/Invoke checks of TFLite Micro found missing in the issue 15 audit (the others are
 * tested next to each op: movement2.test.ts, arith_int8.test.ts, int16.test.ts, lstm.test.ts).
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { importTflite, loadModel } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { LOWERINGS, lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { buildModel, oneOpModel, writeGraph } from "../import/tflite-builder.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { moteError } from "../import/mote-error.ts";
import { needShared, sharedFile } from "../support/shared.ts";
import { lstmGraph, tflmSpec } from "./lstm-model.ts";

const CODES: Record<string, number> = {
  EXP: 47, NEG: 59, FLOOR: 8, CEIL: 104, ROUND: 116, SQRT: 75, LOG: 73, SIN: 66, COS: 108, SQUARE: 92,
  DIV: 42, FLOOR_DIV: 90, FLOOR_MOD: 95, HARD_SWISH: 117,
};

/** A one-op model of `op`: int8 [1, 4] tensors (int16 with `int16`), two inputs when `binary`. */
function oneOp(op: string, opts: { binary?: boolean; int16?: boolean } = {}): Graph {
  const spec = oneOpModel({ deprecated: CODES[op], code: CODES[op] });
  const sg = spec.subgraphs[0]!;
  if (opts.binary) {
    sg.tensors.splice(1, 0, { shape: [1, 4], type: 9, name: "in2", quant: { scale: [0.5], zeroPoint: [-3] } });
    sg.inputs = [0, 1];
    sg.outputs = [2];
    sg.ops[0] = { ...sg.ops[0]!, inputs: [0, 1], outputs: [2] };
  }
  if (opts.int16) for (const t of sg.tensors) { t.type = 7; t.quant = { scale: [1 / 4096], zeroPoint: [0] }; }
  return importTflite(buildModel(spec), `${op}.tflite`);
}

/** Check and lowering, as the CLI runs them. */
function compile(graph: Graph): void {
  checkInt8(graph, opHandles);
  lowerGraph(graph);
}

interface Rejection { build: () => Graph; code: number; text: string }
const float32Only = (op: string, binary = false): Rejection => ({ build: () => oneOp(op, { binary }), code: 3001, text: `${op} on int8 is not supported: TFLite Micro runs ${op} on float32 only` });

/** skipped.json case -> how Mote rejects it. */
const REJECTED: Record<string, Rejection> = {
  lstm_projection: {
    build: () => lstmGraph({ ...tflmSpec("int8"), extra: [{ slot: 16 }] }, "lstm_projection"),
    code: 3020, text: "projection (input 16) is not supported by TFLite Micro's LSTM",
  },
  hard_swish_int16: { build: () => oneOp("HARD_SWISH", { int16: true }), code: 1011, text: "op 0 (HARD_SWISH) is int16" },
  neg: float32Only("NEG"),
  exp_int8: float32Only("EXP"),
  floor_int8: float32Only("FLOOR"),
  ceil_int8: float32Only("CEIL"),
  round_int8: float32Only("ROUND"),
  sqrt_int8: float32Only("SQRT"),
  square_int8: float32Only("SQUARE"),
  // LOG, SIN, COS, FLOOR_DIV and FLOOR_MOD run on float32 (test/ops/float-math.test.ts).
  log_int8: float32Only("LOG"),
  sin_int8: float32Only("SIN"),
  cos_int8: float32Only("COS"),
  floor_div_int8: float32Only("FLOOR_DIV", true),
  floor_mod_int8: float32Only("FLOOR_MOD", true),
  // x on [-1, 1], y on [0, 4] (zero point -128), output on [-4, 4]: x / y (multiplier 15.9) needs shift 7, gets 4.
  div: { build: () => divModel({ y: { scale: [4 / 255], zeroPoint: [-128] }, out: { scale: [8 / 255], zeroPoint: [0] } }), code: 3001, text: "needs an output shift of at least 7, and the output scale 0.0313726 gives 4" },
  // A constant divisor 1..20 (scale 0.25): the largest, 20, needs shift 4; the output scale 1/16 gives 0.
  div_const_divisor: {
    build: () => divModel({ y: { scale: [0.25], zeroPoint: [0] }, out: { scale: [1 / 16], zeroPoint: [0] }, divisor: Array.from({ length: 20 }, (_, i) => i + 1) }),
    code: 3001, text: "a divisor of 20 with a dividend at its zero point needs an output shift of at least 4",
  },
};

/** An int8 DIV of x (scale 2/255) by y, [1, 20] tensors; `divisor` makes y a constant. */
function divModel(q: { y: { scale: number[]; zeroPoint: number[] }; out: { scale: number[]; zeroPoint: number[] }; divisor?: number[] }): Graph {
  const x = { scale: [2 / 255], zeroPoint: [0] };
  const constant = q.divisor !== undefined;
  const bytes = buildModel({
    opcodes: [{ deprecated: CODES.DIV, code: CODES.DIV }],
    buffers: constant ? [{}, { data: new Uint8Array(Int8Array.from(q.divisor!).buffer) }] : [{}],
    subgraphs: [{
      tensors: [
        { shape: [1, 20], type: 9, name: "x", quant: x },
        { shape: [1, 20], type: 9, name: "y", quant: q.y, ...(constant ? { buffer: 1 } : {}) },
        { shape: [1, 20], type: 9, name: "out", quant: q.out },
      ],
      inputs: constant ? [0] : [0, 1],
      outputs: [2],
      ops: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
    }],
  });
  return importTflite(bytes, "div.tflite");
}

/** skipped.json cases Mote deliberately runs, with the reason (none today). */
const RUN_ANYWAY: Record<string, string> = {};

/**
 * SVDF lands from another branch (svdf); once it lowers, svdf_nobias is golden-ops-2's svdf_rank1
 * with its bias input removed (-1), written to .tflite and read back.
 */
const svdfOnMain = "SVDF" in LOWERINGS;
const svdfRank1 = needShared("golden-ops-2/svdf_rank1/model.tflite");
if (svdfOnMain && svdfRank1.ok) {
  REJECTED.svdf_nobias = {
    build: () => {
      const g = loadModel(sharedFile("golden-ops-2", "svdf_rank1", "model.tflite"));
      g.ops[0]!.inputs[3] = -1;
      return importTflite(writeGraph(g), "svdf_nobias.tflite");
    },
    code: 3001, text: "needs a bias",
  };
}

describe("what TFLite Micro rejects, Mote rejects with a named error", () => {
  for (const [name, r] of Object.entries(REJECTED)) {
    it(name, () => {
      const e = moteError(() => compile(r.build()), [r.code]);
      expect(e.message).toContain(r.text);
      expect(e.message.split("\n")).toHaveLength(1);
    });
  }

  if (!svdfOnMain) it.todo("svdf_nobias: SVDF lands from branch svdf");

  it("int8 DIV whose every quotient TFLite Micro can rescale lowers (output multiplier 2^9, as div_const_divisor_fine_out)", () => {
    expect(() => compile(divModel({ y: { scale: [4 / 255], zeroPoint: [-128] }, out: { scale: [(2 / 255) / (4 / 255) / 512], zeroPoint: [0] } }))).not.toThrow();
  });

  it("int8 DIV by a constant element at its zero point is a division by zero", () => {
    const e = moteError(() => compile(divModel({ y: { scale: [0.25], zeroPoint: [3] }, out: { scale: [1 / 4096], zeroPoint: [0] }, divisor: Array.from({ length: 20 }, (_, i) => i - 5) })), [3001]);
    expect(e.message).toContain("element 8 of the constant divisor (tensor 1, y) equals its zero point 3: a division by zero");
  });

  const skipped = needShared("golden-ops-2/skipped.json");
  it.skipIf(skipped.skip)("the table names every case of golden-ops-2/skipped.json", () => {
    const cases = (JSON.parse(fs.readFileSync(sharedFile("golden-ops-2", "skipped.json"), "utf8")) as { case: string }[]).map((c) => c.case);
    const known = new Set([...Object.keys(REJECTED), ...Object.keys(RUN_ANYWAY), ...(svdfOnMain ? [] : ["svdf_nobias"])]);
    expect(cases.filter((c) => !known.has(c))).toEqual([]);
  });
});

describe("TFLite Micro checks added by the issue 15 audit", () => {
  const binary = (opcode: string, a: number[], b: number[], out: number[]): Graph => {
    const g = new GraphBuilder();
    const q = perTensor(0.05, 3);
    const x = g.add("a", "int8", a, q);
    const y = g.add("b", "int8", b, q);
    const o = opcode === "LESS" ? g.add("out", "bool", out) : g.add("out", "int8", out, q);
    return { name: "bin", tensors: g.tensors, inputs: [x, y], outputs: [o], ops: [{ index: 0, opcode, version: 1, inputs: [x, y], outputs: [o], options: {} }] };
  };
  const comparison = (a: number[], b: number[], out: number[]): Graph => binary("LESS", a, b, out);
  it("a broadcast comparison above rank 4 (TFLM's 4-D slow path CHECK-fails)", () => {
    const e = moteError(() => lowerGraph(comparison([1, 1, 1, 2, 2], [1, 1, 1, 1, 2], [1, 1, 1, 2, 2])), [3001]);
    expect(e.message).toContain("rank 4 at most");
    expect(() => lowerGraph(comparison([1, 1, 1, 2, 2], [1, 1, 1, 2, 2], [1, 1, 1, 2, 2]))).not.toThrow();
    expect(() => lowerGraph(comparison([1, 1, 2, 2], [1, 1, 1, 2], [1, 1, 2, 2]))).not.toThrow();
  });
  it("a broadcast SQUARED_DIFFERENCE above rank 4 (BroadcastBinaryFunction4DSlow CHECK-fails)", () => {
    const e = moteError(() => lowerGraph(binary("SQUARED_DIFFERENCE", [1, 1, 1, 2, 2], [1, 1, 1, 1, 2], [1, 1, 1, 2, 2])), [3001]);
    expect(e.message).toContain("rank 4 at most");
    expect(() => lowerGraph(binary("SQUARED_DIFFERENCE", [1, 1, 1, 2, 2], [1, 1, 1, 2, 2], [1, 1, 1, 2, 2]))).not.toThrow();
  });
});
