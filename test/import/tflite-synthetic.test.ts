/**
 * @fileoverview Importer cases the shared models do not cover, on small models written by
 * tflite-builder.ts: opcode resolution (deprecated vs extended code, CUSTOM, unknown), absent and
 * mismatched options, unsupported tensor types, several subgraphs, out-of-line buffers, index
 * and size checks, loadModel errors, the builtin operator table, and checkInt8.
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { builtinOpName, importTflite, loadModel } from "../../compiler/import/tflite/import.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { buildModel, type ModelSpec, oneOpModel, optionsTable } from "./tflite-builder.ts";
import { moteError } from "./mote-error.ts";

const load = (spec: ModelSpec): Graph => importTflite(buildModel(spec), "synthetic.tflite");

describe("builtinOpName", () => {
  it("covers the schema's operator table", () => {
    expect(builtinOpName(0)).toBe("ADD");
    expect(builtinOpName(3)).toBe("CONV_2D");
    expect(builtinOpName(4)).toBe("DEPTHWISE_CONV_2D");
    expect(builtinOpName(9)).toBe("FULLY_CONNECTED");
    expect(builtinOpName(25)).toBe("SOFTMAX");
    expect(builtinOpName(32)).toBe("CUSTOM");
    expect(builtinOpName(98)).toBe("LEAKY_RELU");
    expect(builtinOpName(114)).toBe("QUANTIZE");
    expect(builtinOpName(126)).toBe("BATCH_MATMUL");
    expect(builtinOpName(150)).toBe("GELU");
    expect(builtinOpName(161)).toBe("RIGHT_SHIFT");
    expect(builtinOpName(205)).toBe("REDUCE_WINDOW");
    expect(builtinOpName(225)).toBe("TEMP_STREAMING_CONV_2D");
    expect(builtinOpName(-1)).toBeUndefined();
    expect(builtinOpName(1000)).toBeUndefined();
    expect(builtinOpName(1.5)).toBeUndefined();
  });
});

describe("operator codes", () => {
  it("uses max(deprecated_builtin_code, builtin_code)", () => {
    expect(load(oneOpModel({ deprecated: 19, code: 0 })).ops[0]!.opcode).toBe("RELU");
    expect(load(oneOpModel({ deprecated: 0, code: 19 })).ops[0]!.opcode).toBe("RELU");
    expect(load(oneOpModel({ deprecated: 127, code: 150 })).ops[0]!.opcode).toBe("GELU");
  });
  it("names custom ops CUSTOM:<custom_code> and keeps the version", () => {
    const op = load(oneOpModel({ deprecated: 32, code: 32, custom: "MyOp", version: 4 })).ops[0]!;
    expect(op.opcode).toBe("CUSTOM:MyOp");
    expect(op.version).toBe(4);
  });
  it("rejects a CUSTOM code without custom_code (1009), as TFLite Micro's GetRegistrationFromOpCode", () => {
    moteError(() => load(oneOpModel({ deprecated: 32, code: 32 })), [1009]);
  });
  it("rejects unknown operator codes with 1007", () => {
    const e = moteError(() => load(oneOpModel({ deprecated: 127, code: 999 })), [1007]);
    expect(e.message).toContain("999");
    moteError(() => load(oneOpModel({ deprecated: 127, code: 0 })), [1007]);
  });
  it("rejects an opcode index out of range with 1009, as TFLite Micro ('Missing registration for opcode_index')", () => {
    moteError(() => load(oneOpModel({ code: 19 }, { opcodeIndex: 3 })), [1009]);
  });
});

describe("builtin options", () => {
  it("applies schema defaults when the options table is absent", () => {
    const op = load(oneOpModel({ deprecated: 3, code: 3 })).ops[0]!;
    expect(op.options).toEqual({
      padding: "SAME", strideW: 0, strideH: 0, fusedActivationFunction: "NONE", dilationWFactor: 1, dilationHFactor: 1,
    });
    expect(load(oneOpModel({ code: 0 })).ops[0]!.options).toEqual({ fusedActivationFunction: "NONE", potScaleInt16: true });
    expect(load(oneOpModel({ code: 43 })).ops[0]!.options).toEqual({ squeezeDims: [] });
    expect(load(oneOpModel({ code: 22 })).ops[0]!.options).toEqual({});
  });
  it("decodes present fields and defaults the rest", () => {
    const conv = load(oneOpModel({ code: 3 }, {
      optionsType: 1,
      options: optionsTable([[0, "i8", 1], [1, "i32", 2], [2, "i32", 3], [3, "i8", 3], [5, "i32", 2]]),
    })).ops[0]!;
    expect(conv.options).toEqual({
      padding: "VALID", strideW: 2, strideH: 3, fusedActivationFunction: "RELU6", dilationWFactor: 1, dilationHFactor: 2,
    });
    const dw = load(oneOpModel({ code: 4 }, { optionsType: 2, options: optionsTable([[3, "i32", 2], [4, "i8", 1]]) })).ops[0]!;
    expect(dw.options.depthMultiplier).toBe(2);
    expect(dw.options.fusedActivationFunction).toBe("RELU");
    const leaky = load(oneOpModel({ code: 98 }, { optionsType: 75, options: optionsTable([[0, "f32", 0.25]]) })).ops[0]!;
    expect(leaky.options).toEqual({ alpha: 0.25 });
    const d2s = load(oneOpModel({ code: 5 }, { optionsType: 94, options: optionsTable([[0, "i32", 2]]) })).ops[0]!;
    expect(d2s.options).toEqual({ blockSize: 2 });
    const pack = load(oneOpModel({ code: 83 }, { optionsType: 59, options: optionsTable([[0, "i32", 3], [1, "i32", -1]]) })).ops[0]!;
    expect(pack.options).toEqual({ valuesCount: 3, axis: -1 });
    const gather = load(oneOpModel({ code: 36 }, { optionsType: 23, options: optionsTable([[0, "i32", 1]]) })).ops[0]!;
    expect(gather.options).toEqual({ axis: 1, batchDims: 0 });
    const bil = load(oneOpModel({ code: 23 }, { optionsType: 15, options: optionsTable([[3, "i8", 1]]) })).ops[0]!;
    expect(bil.options).toEqual({ alignCorners: false, halfPixelCenters: true });
    const fc = load(oneOpModel({ code: 9 }, { optionsType: 8, options: optionsTable([[4, "i8", 4]]) })).ops[0]!;
    expect(fc.options.quantizedBiasType).toBe("INT64");
  });
  it("reads an options table of another union type as defaults and an unknown activation as NONE (TFLite Micro's parsers); an unknown padding is 1009", () => {
    const g = load(oneOpModel({ code: 3 }, { optionsType: 5, options: optionsTable([[0, "i8", 1], [1, "i32", 4]]) }));
    expect(g.ops[0]!.options).toMatchObject({ padding: "SAME", strideW: 0, fusedActivationFunction: "NONE" });
    const act = load(oneOpModel({ code: 3 }, { optionsType: 1, options: optionsTable([[3, "i8", 9]]) }));
    expect(act.ops[0]!.options.fusedActivationFunction).toBe("NONE");
    moteError(() => load(oneOpModel({ code: 3 }, { optionsType: 1, options: optionsTable([[0, "i8", 2]]) })), [1009]);
  });
});

describe("tensors and buffers", () => {
  const withTensors = (spec: ModelSpec, f: (s: ModelSpec) => void): ModelSpec => {
    f(spec);
    return spec;
  };

  it("reads inline and out-of-line constant buffers", () => {
    const inline = new Uint8Array([1, 2, 3, 4]);
    const outside = new Uint8Array([9, 8, 7, 6]);
    const spec = withTensors(oneOpModel({ code: 0 }), (s) => {
      s.buffers.push({ data: inline }, { outOfLine: outside });
      s.subgraphs[0]!.tensors.push({ shape: [4], type: 9, buffer: 1, name: "c1" }, { shape: [2], type: 7, buffer: 2, name: "c2" });
      s.subgraphs[0]!.ops[0]!.inputs = [0, 2];
      s.subgraphs[0]!.ops[0]!.inputs.push(3);
    });
    const bytes = buildModel(spec);
    const g = importTflite(bytes, "ool");
    expect([...g.tensors[2]!.data!]).toEqual([1, 2, 3, 4]);
    expect([...g.tensors[3]!.data!]).toEqual([9, 8, 7, 6]);
    expect(g.tensors[3]!.dtype).toBe("int16");
    expect(g.tensors[0]!.data).toBeUndefined();
    // Cut the appended data short: the out-of-line range now runs past the end, and the
    // fields are ignored as TFLite Micro ignores them (no data: tensor 3 is not a constant),
    // so the op would read a tensor nothing writes (1023).
    const cut = moteError(() => importTflite(bytes.slice(0, bytes.length - 2), "ool"), [1023]);
    expect(cut.message).toMatch(/tensor 3 \(c2\): never written/);
  });

  it("rejects a constant whose buffer is smaller than its shape needs (1016)", () => {
    const spec = withTensors(oneOpModel({ code: 0 }), (s) => {
      s.buffers.push({ data: new Uint8Array(6) });
      s.subgraphs[0]!.tensors.push({ shape: [2], type: 2, buffer: 1 });
    });
    expect(moteError(() => load(spec), [1016]).message).toContain("needs 8 bytes");
  });

  it("rejects a buffer index out of range and a bad op tensor index (1009)", () => {
    moteError(() => load(withTensors(oneOpModel({ code: 0 }), (s) => (s.subgraphs[0]!.tensors[0]!.buffer = 5))), [1009]);
    moteError(() => load(oneOpModel({ code: 0 }, { inputs: [0, 7] })), [1009]);
    moteError(() => load(oneOpModel({ code: 0 }, { inputs: [-2] })), [1009]);
    moteError(() => load(oneOpModel({ code: 0 }, { outputs: [-1] })), [1009]);
    expect(load(oneOpModel({ code: 3 }, { inputs: [0, 0, -1] })).ops[0]!.inputs).toEqual([0, 0, -1]);
  });

  it("rejects unsupported tensor types that an op writes with 1014, naming the op", () => {
    for (const type of [1, 5, 8, 10, 17, 40]) {
      const e = moteError(() => load(withTensors(oneOpModel({ code: 0 }), (s) => (s.subgraphs[0]!.tensors[1]!.type = type))), [1014]);
      expect(e.message).toContain("out");
      expect(e.message).toContain("the output of op 0 (ADD)");
    }
  });

  it("reads per-channel quantization; its axis and count are left to the op that uses them, as TFLite Micro", () => {
    const pc = { scale: [0.5, 0.25, 0.125], zeroPoint: [0, 0, 0], quantizedDimension: 1 };
    const g = load(withTensors(oneOpModel({ code: 0 }), (s) => s.subgraphs[0]!.tensors.push({ shape: [2, 3], type: 9, quant: pc, isVariable: true })));
    expect(g.tensors[2]!.quant).toEqual(pc);
    expect(g.tensors[2]!.isVariable).toBe(true);
    const bad = { ...pc, quantizedDimension: 0 };
    expect(load(withTensors(oneOpModel({ code: 0 }), (s) => s.subgraphs[0]!.tensors.push({ shape: [2, 3], type: 9, quant: bad }))).tensors[2]!.quant).toEqual(bad);
    const oneZp = { scale: [0.5, 0.25], zeroPoint: [3], quantizedDimension: 0 };
    const g2 = load(withTensors(oneOpModel({ code: 0 }), (s) => s.subgraphs[0]!.tensors.push({ shape: [2], type: 9, quant: oneZp })));
    expect(g2.tensors[2]!.quant!.zeroPoint).toEqual([3, 3]);
  });

  it("reads a scalar tensor (shape []) and zero points from the int64 vector", () => {
    const g = load(withTensors(oneOpModel({ code: 0 }), (s) => s.subgraphs[0]!.tensors.push({ shape: [], type: 9, quant: { scale: [2], zeroPoint: [-128] } })));
    expect(g.tensors[2]!.shape).toEqual([]);
    expect(g.tensors[2]!.quant!.zeroPoint).toEqual([-128]);
  });
});

describe("subgraphs", () => {
  const twoSubgraphs = (opcode: number): ModelSpec => {
    const spec = oneOpModel({ code: opcode });
    spec.subgraphs.push(structuredClone(spec.subgraphs[0]!));
    return spec;
  };
  it("accepts extra subgraphs that no op calls, using subgraph 0", () => {
    const g = load(twoSubgraphs(19));
    expect(g.ops.map((o) => o.opcode)).toEqual(["RELU"]);
  });
  it("rejects several subgraphs when an op calls one (1004)", () => {
    expect(moteError(() => load(twoSubgraphs(119)), [1004]).message).toContain("2 subgraphs");
  });
  it("rejects a model without subgraphs (1009)", () => {
    moteError(() => load({ opcodes: [], buffers: [{}], subgraphs: [] }), [1009]);
  });
});

describe("loadModel", () => {
  it("reports a missing file with 1001", () => {
    expect(moteError(() => loadModel("/nonexistent/dir/model.tflite"), [1001]).message).toContain("/nonexistent/dir/model.tflite");
  });
  it("reports a directory with 1001", () => {
    moteError(() => loadModel(tmpdir()), [1001]);
  });
  it("loads a file written to disk and names the graph after it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mote-import-"));
    const p = path.join(dir, "tiny.tflite");
    writeFileSync(p, buildModel(oneOpModel({ code: 19 })));
    expect(loadModel(p).name).toBe("tiny.tflite");
  });
});

describe("checkInt8", () => {
  const floatModel = (): ModelSpec => {
    const spec = oneOpModel({ code: 19 });
    for (const t of spec.subgraphs[0]!.tensors) {
      t.type = 0;
      delete t.quant;
    }
    return spec;
  };
  it("accepts int8 models", () => {
    expect(() => checkInt8(load(oneOpModel({ code: 19 })))).not.toThrow();
  });
  it("rejects a float model with its own message, naming the first float tensor (1012)", () => {
    const e = moteError(() => checkInt8(load(floatModel())), [1012]);
    expect(e.message).toContain("tensor 0 (in)");
  });
  it("accepts float32 only behind QUANTIZE / before DEQUANTIZE at the model edges", () => {
    const spec: ModelSpec = {
      opcodes: [{ code: 114 }, { code: 19 }, { code: 6 }],
      buffers: [{}],
      subgraphs: [{
        tensors: [
          { shape: [4], type: 0, name: "f_in" },
          { shape: [4], type: 9, name: "q", quant: { scale: [1], zeroPoint: [0] } },
          { shape: [4], type: 9, name: "r", quant: { scale: [1], zeroPoint: [0] } },
          { shape: [4], type: 0, name: "f_out" },
        ],
        inputs: [0],
        outputs: [3],
        ops: [
          { opcodeIndex: 0, inputs: [0], outputs: [1] },
          { opcodeIndex: 1, inputs: [1], outputs: [2] },
          { opcodeIndex: 2, inputs: [2], outputs: [3] },
        ],
      }],
    };
    const g = load(spec);
    expect(() => checkInt8(g)).not.toThrow();
    // A float input that also feeds a non-QUANTIZE op is a float activation.
    g.ops[1]!.inputs = [0];
    expect(moteError(() => checkInt8(g), [1006]).message).toContain("f_in");
    // A float tensor in the middle of the graph is rejected.
    const g2 = load(spec);
    g2.tensors[2] = { ...g2.tensors[2]!, dtype: "float32" };
    expect(moteError(() => checkInt8(g2), [1006]).message).toContain("tensor 2 (r)");
  });
});
