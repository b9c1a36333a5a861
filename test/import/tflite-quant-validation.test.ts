/**
 * @fileoverview Quantization parameters validated where the model is read (1018 scales, 1019
 * zero points, compiler/import/tflite/validate.ts), multipliers no kernel can apply (1020, the
 * lowering invariant of compiler/ops/quant.ts) and Mote's size limits (1021): each rejection
 * names the tensor and the op, and nothing allocates from a huge shape first.
 */
import { describe, expect, it } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { LIMITS } from "../../compiler/import/tflite/validate.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { inspectModel } from "../../compiler/report/analysis.ts";
import { quantizeMultiplier, SHIFT_MAX, UnrepresentableMultiplier } from "../../compiler/ops/quant.ts";
import { buildModel, oneOpModel, type ModelSpec } from "./tflite-builder.ts";
import { moteError } from "./mote-error.ts";

const load = (spec: ModelSpec) => importTflite(buildModel(spec), "m.tflite");
const RELU = { code: 19 };
type TensorSpec = ModelSpec["subgraphs"][number]["tensors"][number];

/** A RELU model whose input (0) and output (1) tensors are changed by `edit`. */
function relu(edit: (input: TensorSpec, output: TensorSpec) => void): ModelSpec {
  const spec = oneOpModel(RELU);
  const [input, output] = spec.subgraphs[0]!.tensors;
  input!.quant = { scale: [0.5], zeroPoint: [-3] };
  output!.quant = { scale: [0.5], zeroPoint: [-3] };
  edit(input!, output!);
  return spec;
}

describe("quantization scales (1018)", () => {
  it.each([0, -0.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects scale %s naming the tensor and the op", (scale) => {
    const e = moteError(() => load(relu((i) => { i.quant!.scale = [scale]; })), [1018]);
    expect(e.message).toContain("tensor 0 (in), an input of op 0 (RELU)");
  });
  it("rejects a bad per-channel scale of a filter, and ignores one on a tensor nothing uses (TFLite Micro never reads it)", () => {
    const spec = relu(() => {});
    spec.subgraphs[0]!.tensors.push({ shape: [2], type: 9, name: "unused", quant: { scale: [0, Number.NaN], zeroPoint: [1 << 20, 0] } });
    expect(load(spec).tensors).toHaveLength(3);
    const out = moteError(() => load(relu((_, o) => { o.quant!.scale = [-1]; })), [1018]);
    expect(out.message).toContain("tensor 1 (out), the output of op 0 (RELU)");
  });
});

describe("zero points (1019)", () => {
  it.each([128, -129, 2 ** 40, -(2 ** 40)])("rejects int8 zero point %s (a 64-bit value is a named error, not a crash)", (zp) => {
    const e = moteError(() => load(relu((i) => { i.quant!.zeroPoint = [zp]; })), [1019]);
    expect(e.message).toContain(`tensor 0 (in), an input of op 0 (RELU): int8 zero point ${zp} is outside [-128, 127]`);
  });
  it("rejects uint8 outside [0, 255], int16 activations and int32 tensors with a zero point other than 0", () => {
    moteError(() => load(relu((i, o) => { i.type = 3; o.type = 3; i.quant!.zeroPoint = [256]; o.quant!.zeroPoint = [0]; })), [1019]);
    const e16 = moteError(() => load(relu((i, o) => { i.type = 7; o.type = 7; i.quant!.zeroPoint = [0]; o.quant!.zeroPoint = [5]; })), [1019]);
    expect(e16.message).toContain("int16 zero point 5 is outside the required 0");
    const spec = relu(() => {});
    spec.subgraphs[0]!.tensors.push({ shape: [4], type: 2, name: "bias", quant: { scale: [0.25], zeroPoint: [7] } });
    spec.subgraphs[0]!.ops[0]!.inputs = [0, 2];
    expect(moteError(() => load(spec), [1019]).message).toContain("tensor 2 (bias), an input of op 0 (RELU): int32 zero point 7");
  });
  it("accepts an int16 model input with a zero point when only QUANTIZE reads it (the op applies it)", () => {
    const spec = oneOpModel({ code: 114 });
    const [input, output] = spec.subgraphs[0]!.tensors;
    input!.type = 7;
    input!.quant = { scale: [0.001], zeroPoint: [12] };
    output!.quant = { scale: [0.5], zeroPoint: [-3] };
    expect(load(spec).tensors[0]!.quant!.zeroPoint).toEqual([12]);
  });
});

describe("multipliers a kernel can apply (1020)", () => {
  it("quantizeMultiplier asserts the range every kernel relies on", () => {
    expect(quantizeMultiplier(2 ** 29).shift).toBe(SHIFT_MAX);
    expect(() => quantizeMultiplier(2 ** 30)).toThrow(UnrepresentableMultiplier);
    expect(() => quantizeMultiplier(Number.POSITIVE_INFINITY)).toThrow(UnrepresentableMultiplier);
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
  });
  it("rejects scales 2^50 apart with 1020, naming the op and its tensors' scales", () => {
    const g = load(relu((i, o) => { i.quant!.scale = [2 ** 40]; o.quant!.scale = [2 ** -10]; }));
    const e = moteError(() => lowerGraph(g), [1020]);
    expect(e.message).toContain("op 0 (RELU)");
    expect(e.message).toContain(`0 (in) scale ${2 ** 40}`);
    expect(e.message).toContain("1 (out) scale");
    // mote analyze lowers op by op: the same error, listed as the op's problem.
    expect(inspectModel(g).problems.map((p) => p.code)).toEqual([1020]);
  });
});

describe("limits (1021)", () => {
  it("rejects a dimension of 2^31 - 1 before anything is allocated", () => {
    const e = moteError(() => load(relu((i) => { i.shape = [1, 2 ** 31 - 1]; })), [1021]);
    expect(e.message).toContain("tensor 0 (in) of shape [1, 2147483647]");
  });
  it("rejects an op whose activations exceed the largest board's RAM, each tensor under the limit", () => {
    const side = 1024;
    const e = moteError(() => load(relu((i, o) => { i.shape = [1, side, side, 3]; o.shape = [1, side, side, 3]; })), [1021]);
    expect(e.message).toContain("op 0 (RELU) needs");
  });
  it("rejects more ops than the limit", () => {
    const spec = relu(() => {});
    const op = spec.subgraphs[0]!.ops[0]!;
    spec.subgraphs[0]!.ops = Array.from({ length: LIMITS.ops + 1 }, () => ({ ...op }));
    expect(moteError(() => load(spec), [1021]).message).toContain(`${LIMITS.ops + 1} ops`);
  });
});

describe("an op output holding constant data (1022)", () => {
  // Found by the sanitized-mutant test: str_ww's depthwise output pointed at a weight buffer, and
  // the generated C passed a const array as the kernel's output.
  it("names the op and the tensor", () => {
    const spec = relu(() => {});
    spec.buffers.push({ data: new Uint8Array(4) });
    spec.subgraphs[0]!.tensors[1]!.buffer = spec.buffers.length - 1;
    const e = moteError(() => load(spec), [1022]);
    expect(e.message).toMatch(/op 0 \(RELU\) writes tensor 1 \(.*\), which holds constant data/);
  });
});

describe("ops in an order TFLite Micro cannot run (1023)", () => {
  const ops = (spec: ModelSpec) => spec.subgraphs[0]!.ops;
  it("an op that reads its own output (a cycle; found by the sanitized-mutant test on kws)", () => {
    const spec = relu(() => {});
    ops(spec)[0]!.inputs = [1];
    const e = moteError(() => load(spec), [1023]);
    expect(e.message).toMatch(/op 0 \(RELU\), tensor 1 \(.*\): read before the op writes it itself: the graph has a cycle/);
  });
  it("two ops that write one tensor", () => {
    const spec = relu(() => {});
    ops(spec).push({ ...ops(spec)[0]!, inputs: [0], outputs: [1] });
    const e = moteError(() => load(spec), [1023]);
    expect(e.message).toMatch(/op 1 \(RELU\), tensor 1 .*: op 0 \(RELU\) writes it too/);
  });
  it("an op reading a tensor that nothing writes: no data, no producer, not an input (a bias buffer emptied; found by the 200-mutant sanitizer sample)", () => {
    const spec = relu(() => {});
    spec.subgraphs[0]!.tensors.push({ shape: [1, 4], type: 9, name: "orphan", quant: { scale: [0.5], zeroPoint: [-3] } });
    ops(spec)[0]!.inputs = [2];
    const e = moteError(() => load(spec), [1023]);
    expect(e.message).toMatch(/op 0 \(RELU\), tensor 2 \(orphan\): never written: it holds no data, no op writes it and it is not a model input or variable tensor/);
    // A variable tensor (streaming state) is written by the runtime: it imports.
    spec.subgraphs[0]!.tensors[2]!.isVariable = true;
    expect(() => load(spec)).not.toThrow();
    // A custom op may take scratch memory as an input (TFLM's person_detect_vela: ethos-u): it imports.
    spec.subgraphs[0]!.tensors[2]!.isVariable = false;
    spec.opcodes[0] = { deprecated: 32, code: 32, custom: "ethos-u" };
    expect(load(spec).ops[0]!.opcode).toBe("CUSTOM:ethos-u");
  });
});

describe("SOFTMAX int8 -> int16 keeps TFLite's output zero point -32768", () => {
  // TFLM's keyword_scrambled models end so; the int16 zero-point rule must not reject them.
  const softmax = (inType: number, zp: number): ModelSpec => {
    const spec = oneOpModel({ code: 25 });
    const [input, output] = spec.subgraphs[0]!.tensors;
    input!.type = inType;
    input!.quant = { scale: [0.1], zeroPoint: [inType === 9 ? -3 : 0] };
    output!.type = 7; // INT16
    output!.quant = { scale: [1 / 65536], zeroPoint: [zp] };
    return spec;
  };
  it("int8 input: -32768 imports (the lowering's own check: test/softmax/int8-int16.test.ts)", () => {
    expect(() => load(softmax(9, -32768))).not.toThrow();
  });
  it("int16 input: the output's zero point must be 0 (1019)", () => {
    moteError(() => load(softmax(7, -32768)), [1019]);
  });
});
