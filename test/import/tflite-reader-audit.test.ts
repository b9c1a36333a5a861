/**
 * @fileoverview The model reader's audit (docs/model-reader.md): one test per check, each on a
 * model constructed with tflite-builder.ts, named after the TFLite Micro behaviour it follows.
 * Accepting tests show that a field TFLite Micro ignores does not stop Mote; rejecting tests show
 * the code and that the message names the op or tensor and a next step. Also the next steps of
 * lowerGraph (1008, 1010) and of checkInt8 (1006, 1011-1013).
 */
import { describe, expect, it } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { buildModel, oneOpModel, optionsTable, type ModelSpec } from "./tflite-builder.ts";
import { moteError } from "./mote-error.ts";

const load = (spec: ModelSpec, name = "m.tflite") => importTflite(buildModel(spec), name);
const RELU = { code: 19 };
const q = { scale: [0.5], zeroPoint: [-3] };

/** A RELU model plus `extra` tensors (appended after in/out). */
function withTensors(extra: ModelSpec["subgraphs"][number]["tensors"], buffers: ModelSpec["buffers"] = []): ModelSpec {
  const spec = oneOpModel(RELU);
  spec.subgraphs[0]!.tensors.push(...extra);
  spec.buffers.push(...buffers);
  return spec;
}

describe("file-level checks", () => {
  it("accepts a model without the TFL3 file identifier, as TFLite Micro never reads bytes 4..7", () => {
    const bytes = buildModel(oneOpModel(RELU));
    bytes.set([0, 0, 0, 0], 4);
    expect(importTflite(bytes, "noid").ops[0]!.opcode).toBe("RELU");
  });
  it("rejects a file that neither carries TFL3 nor parses as a version-3 model with 1002", () => {
    moteError(() => importTflite(new Uint8Array(64).fill(7), "junk"), [1002]);
    const bytes = buildModel({ ...oneOpModel(RELU), version: 2 });
    bytes.set([0, 0, 0, 0], 4);
    moteError(() => importTflite(bytes, "v2"), [1002]);
  });
  it("says so when the file is a Git LFS pointer rather than the model (1002)", () => {
    const pointer = new TextEncoder().encode("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 123\n");
    expect(moteError(() => importTflite(pointer, "lfs.tflite"), [1002]).message).toContain("Git LFS pointer");
  });
  it("rejects schema versions other than 3 with 1002, as every TFLite Micro example checks model->version()", () => {
    expect(moteError(() => load({ ...oneOpModel(RELU), version: 4 }), [1002]).message).toContain("schema version 4");
    moteError(() => load({ ...oneOpModel(RELU), version: null }), [1002]);
  });
  it("accepts trailing bytes after the flatbuffer, which TFLite Micro never reads", () => {
    const bytes = buildModel(oneOpModel(RELU));
    const longer = new Uint8Array(bytes.length + 100);
    longer.set(bytes);
    expect(importTflite(longer, "tail").ops).toHaveLength(1);
  });
  it("accepts a description, metadata entries, metadata_buffer and signature defs, which TFLite Micro's interpreter ignores", () => {
    const spec: ModelSpec = {
      ...oneOpModel(RELU),
      description: "TOCO Converted.",
      buffers: [{}, { data: new TextEncoder().encode("1.14.0\0") }, { data: new Uint8Array([1, 2, 3]) }],
      metadata: [{ name: "min_runtime_version", buffer: 1 }, { name: "OfflineMemoryAllocation", buffer: 2 }],
      metadataBuffer: [1],
      signatureDefs: 2,
    };
    const g = load(spec);
    expect(g.ops.map((o) => o.opcode)).toEqual(["RELU"]);
    expect(g.inputs).toEqual([0]);
  });
  it("accepts fields of a newer schema (vtable slots past the known ones), which TFLite Micro's generated reader never asks for", () => {
    const spec: ModelSpec = { ...oneOpModel(RELU), futureField: 77 };
    spec.subgraphs[0]!.tensors[0]!.futureField = 5;
    const g = load(spec);
    expect(g.tensors[0]!.shape).toEqual([1, 4]);
    expect(g.ops[0]!.opcode).toBe("RELU");
  });
  it("rejects a model without subgraphs (1009): TFLite Micro reads subgraph 0 unconditionally", () => {
    moteError(() => load({ opcodes: [], buffers: [{}], subgraphs: [] }), [1009]);
  });
  it("accepts extra subgraphs that no op calls (TFLite Micro allocates them but runs subgraph 0)", () => {
    const spec = oneOpModel(RELU);
    spec.subgraphs.push(structuredClone(spec.subgraphs[0]!));
    expect(load(spec).ops).toHaveLength(1);
  });
  it("rejects a second subgraph called by control flow with 1004 (TFLite Micro runs IF/WHILE; Mote compiles one subgraph)", () => {
    const spec = oneOpModel({ code: 118 }); // IF
    spec.subgraphs.push(structuredClone(spec.subgraphs[0]!));
    moteError(() => load(spec), [1004]);
  });
});

describe("buffers", () => {
  it("treats an empty buffer as no data, as TFLite Micro's allocator (an arena tensor)", () => {
    const g = load(withTensors([{ shape: [4], type: 9, buffer: 1, name: "e", quant: q }], [{ data: new Uint8Array(0) }]));
    expect(g.tensors[2]!.data).toBeUndefined();
  });
  it("reads offset/size out-of-line data inside the file (TFLite's large-model layout)", () => {
    const g = load(withTensors([{ shape: [4], type: 9, buffer: 1, name: "c", quant: q }], [{ outOfLine: new Uint8Array([5, 6, 7, 8]) }]));
    expect([...g.tensors[2]!.data!]).toEqual([5, 6, 7, 8]);
  });
  it("accepts a buffer with offset/size outside the file as TFLite Micro's allocator does: it ignores both fields", () => {
    const g = load(withTensors([{ shape: [4], type: 9, buffer: 1, name: "c", quant: q }], [{ offset: 1 << 30, size: 4 }]));
    expect(g.tensors[2]!.data).toBeUndefined();
    // offset 0 or 1 means "no out-of-line data" in the schema.
    expect(load(withTensors([{ shape: [4], type: 9, buffer: 1, name: "c" }], [{ offset: 1, size: 4 }])).tensors[2]!.data).toBeUndefined();
  });
  it("reads a buffer longer than its shape up to the shape's size, as TFLite Micro's kernels read only that much", () => {
    const g = load(withTensors([{ shape: [2], type: 9, buffer: 1, name: "c", quant: q }], [{ data: new Uint8Array([1, 2, 3, 4]) }]));
    expect([...g.tensors[2]!.data!]).toEqual([1, 2]);
  });
  it("rejects a buffer shorter than its shape with 1016: TFLite Micro would read past it", () => {
    const e = moteError(() => load(withTensors([{ shape: [4], type: 2, buffer: 1, name: "w" }], [{ data: new Uint8Array(8) }])), [1016]);
    expect(e.message).toContain("tensor 2 (w)");
    expect(e.message).toContain("needs 16 bytes");
  });
  it("rejects a buffer index past the buffers vector with 1009 (TFLite Micro indexes it unchecked)", () => {
    moteError(() => load(withTensors([{ shape: [4], type: 9, buffer: 9, name: "c" }])), [1009]);
  });
});

describe("tensors", () => {
  it("accepts tensors of types Mote lacks (STRING, UINT32, FLOAT16, RESOURCE) when no op or model I/O uses them, as TFLite Micro never touches them", () => {
    const g = load(withTensors([5, 15, 1, 13].map((type, i) => ({ shape: [3], type, name: `u${i}` }))));
    expect(g.tensors).toHaveLength(6);
    expect(g.ops[0]!.opcode).toBe("RELU");
  });
  it("rejects a tensor type Mote lacks with 1014, naming the op that produces it", () => {
    const spec = oneOpModel({ code: 32, custom: "SignalEnergy" });
    spec.subgraphs[0]!.tensors[1]!.type = 15; // UINT32
    const e = moteError(() => load(spec), [1014]);
    expect(e.message).toContain("UINT32");
    expect(e.message).toContain("the output of op 0 (CUSTOM:SignalEnergy)");
    expect(e.hint).toMatch(/re-export/);
  });
  it("rejects a tensor type Mote lacks that only feeds an op or is a model input with 1014, naming it", () => {
    const spec = oneOpModel(RELU);
    spec.subgraphs[0]!.tensors[0]!.type = 1; // FLOAT16
    expect(moteError(() => load(spec), [1014]).message).toContain("a model input");
    const spec2 = withTensors([{ shape: [3], type: 5, name: "s" }]);
    spec2.subgraphs[0]!.ops[0]!.inputs.push(2);
    expect(moteError(() => load(spec2), [1014]).message).toContain("an input of op 0 (RELU)");
  });
  it("rejects a dynamic shape (-1) with 1015: TFLite Micro plans static shapes only", () => {
    const spec = oneOpModel(RELU);
    spec.subgraphs[0]!.tensors[0]!.shape = [-1, 4];
    expect(moteError(() => load(spec), [1015]).message).toContain("[-1, 4]");
  });
  it("accepts a shape_signature with -1 when the shape itself is static, as TFLite Micro reads shape only", () => {
    const spec = oneOpModel(RELU);
    spec.subgraphs[0]!.tensors[0]!.shapeSignature = [-1, 4];
    expect(load(spec).tensors[0]!.shape).toEqual([1, 4]);
  });
  it("rejects a sparse tensor with 1009: TFLite Micro has no sparse kernels and would read it as dense", () => {
    moteError(() => load(withTensors([{ shape: [4], type: 9, name: "sp", sparse: true }])), [1009]);
  });
  it("rejects op and subgraph tensor indices out of range with 1009; -1 is an absent optional input, as in TFLite", () => {
    moteError(() => load(oneOpModel(RELU, { inputs: [5] })), [1009]);
    const spec = oneOpModel(RELU);
    spec.subgraphs[0]!.outputs = [7];
    moteError(() => load(spec), [1009]);
    expect(load(oneOpModel({ code: 3 }, { inputs: [0, 0, -1] })).ops[0]!.inputs).toEqual([0, 0, -1]);
    // An op output -1 passes TFLite Micro's allocator, but no Mote op has an optional output.
    moteError(() => load(oneOpModel(RELU, { outputs: [-1] })), [1009]);
  });
});

describe("quantization", () => {
  it("treats an empty zero_point vector as not quantized, as TFLite Micro's allocator", () => {
    const g = load(withTensors([{ shape: [2], type: 9, name: "z", quant: { scale: [0.5], zeroPoint: [] } }]));
    expect(g.tensors[2]!.quant).toBeUndefined();
  });
  it("repeats a single zero point for every per-channel scale, as TFLite Micro's allocator", () => {
    const quant = { scale: [0.1, 0.2, 0.3], zeroPoint: [0], quantizedDimension: 0 };
    expect(load(withTensors([{ shape: [3], type: 9, name: "w", quant }])).tensors[2]!.quant!.zeroPoint).toEqual([0, 0, 0]);
  });
  it("accepts a bias whose quantized_dimension is outside its rank (person_detect.tflite): TFLite Micro copies the field unchecked", () => {
    const quant = { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 3 };
    const g = load(withTensors([{ shape: [2], type: 2, name: "bias", quant, buffer: 1 }], [{ data: new Uint8Array(8) }]));
    expect(g.tensors[2]!.quant!.quantizedDimension).toBe(3);
  });
});

/** A 3x3 CONV_2D, 1 -> 2 channels, per-channel filter; the bias's quantized_dimension is `biasAxis`. */
function convSpec(biasAxis: number): ModelSpec {
  const filter = new Int8Array(18).map((_, i) => ((i * 37) % 255) - 127);
  const bias = new Int32Array([1000, -2000]);
  return {
    opcodes: [{ deprecated: 3, code: 3 }],
    buffers: [{}, { data: new Uint8Array(filter.buffer) }, { data: new Uint8Array(bias.buffer) }],
    subgraphs: [{
      tensors: [
        { shape: [1, 4, 4, 1], type: 9, name: "in", quant: { scale: [0.05], zeroPoint: [-1] } },
        { shape: [2, 3, 3, 1], type: 9, name: "w", buffer: 1, quant: { scale: [0.01, 0.02], zeroPoint: [0, 0], quantizedDimension: 0 } },
        { shape: [2], type: 2, name: "b", buffer: 2, quant: { scale: [0.0005, 0.001], zeroPoint: [0, 0], quantizedDimension: biasAxis } },
        { shape: [1, 4, 4, 2], type: 9, name: "out", quant: { scale: [0.1], zeroPoint: [3] } },
      ],
      inputs: [0],
      outputs: [3],
      ops: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1, options: optionsTable([[1, "i32", 1], [2, "i32", 1]]) }],
    }],
  };
}

describe("quantized_dimension of a bias, end to end", () => {
  it("runs a CONV_2D whose bias has quantized_dimension 3 (as person_detect.tflite) exactly as with 0: TFLite Micro never reads it", () => {
    const input = new Uint8Array(16).map((_, i) => (i * 29) & 0xff);
    const odd = runTs(load(convSpec(3)), [input])[0]!;
    const plain = runTs(load(convSpec(0)), [input])[0]!;
    expect([...odd]).toEqual([...plain]);
    expect(odd.some((v) => v !== odd[0])).toBe(true);
  });
});

describe("operators", () => {
  it("rejects an opcode index past operator_codes with 1009, as TFLite Micro ('Missing registration for opcode_index')", () => {
    moteError(() => load(oneOpModel(RELU, { opcodeIndex: 2 })), [1009]);
  });
  it("rejects a CUSTOM opcode without custom_code with 1009, as TFLite Micro's GetRegistrationFromOpCode", () => {
    moteError(() => load(oneOpModel({ code: 32 })), [1009]);
  });
  it("rejects a builtin operator with custom options with 1017, as TFLite Micro ('found builtin operator with custom options')", () => {
    const e = moteError(() => load(oneOpModel(RELU, { customOptions: new Uint8Array([1, 2]) })), [1017]);
    expect(e.message).toContain("op 0 (RELU)");
    expect(load(oneOpModel({ code: 32, custom: "MyOp" }, { customOptions: new Uint8Array([1, 2]) })).ops[0]!.opcode).toBe("CUSTOM:MyOp");
  });
  it("rejects an operator code the schema lacks with 1007, as TFLite Micro's resolver finds no registration", () => {
    moteError(() => load(oneOpModel({ deprecated: 127, code: 4000 })), [1007]);
  });
  it("reads the options table of another union member as defaults, as TFLite Micro's builtin_options_as_<T>() returns null", () => {
    const g = load(oneOpModel({ code: 3 }, { optionsType: 8, options: optionsTable([[0, "i8", 1]]) }));
    expect(g.ops[0]!.options).toMatchObject({ padding: "SAME", strideW: 0, strideH: 0 });
  });
  it("reads an unknown fused activation as NONE (TFLite Micro's ConvertActivation) and rejects an unknown padding with 1009", () => {
    const g = load(oneOpModel({ code: 3 }, { optionsType: 1, options: optionsTable([[3, "i8", 42]]) }));
    expect(g.ops[0]!.options.fusedActivationFunction).toBe("NONE");
    moteError(() => load(oneOpModel({ code: 3 }, { optionsType: 1, options: optionsTable([[0, "i8", 7]]) })), [1009]);
  });
});

describe("rejections with a next step", () => {
  it("an unsupported builtin op (1008) names the op, its index, --kernels and a re-export", () => {
    const e = moteError(() => lowerGraph(load(oneOpModel({ code: 16 }))), [1008]); // LSTM
    expect(e.message).toContain("LSTM (op #0)");
    expect(e.hint).toContain("--kernels DIR");
    expect(e.hint).toContain("re-export");
  });
  it("a custom op alone gets 1010, naming its custom code and --kernels", () => {
    const e = moteError(() => lowerGraph(load(oneOpModel({ code: 32, custom: "ethos-u" }))), [1010]);
    expect(e.message).toContain("'ethos-u' (op #0)");
    expect(e.hint).toContain("--kernels DIR");
    expect(e.hint).toContain("custom code");
  });
  it("int16 activations (16x8) get 1011, naming the op", () => {
    const spec = oneOpModel(RELU);
    // A 16x8 model as the converter writes it: int16 activations have zero point 0 (else 1019).
    for (const t of spec.subgraphs[0]!.tensors) Object.assign(t, { type: 7, quant: { scale: [0.5], zeroPoint: [0] } });
    const e = moteError(() => checkInt8(load(spec)), [1011]);
    expect(e.message).toContain("op 0 (RELU)");
    expect(e.hint).toMatch(/int8/);
  });
  it("a float model gets 1012 with the converter step; a dynamic-range model 1013", () => {
    const spec = oneOpModel({ code: 9 });
    for (const t of spec.subgraphs[0]!.tensors) {
      t.type = 0;
      delete t.quant;
    }
    const e = moteError(() => checkInt8(load(spec, "f.tflite")), [1012]);
    expect(e.message).toContain("f.tflite is a float model");
    expect(e.hint).toContain("representative_dataset");
    // int8 weights, float activations: dynamic-range quantization.
    spec.subgraphs[0]!.tensors.push({ shape: [4, 4], type: 9, name: "w", buffer: 1, quant: { scale: [0.1], zeroPoint: [0] } });
    spec.buffers.push({ data: new Uint8Array(16) });
    spec.subgraphs[0]!.ops[0]!.inputs.push(2);
    expect(moteError(() => checkInt8(load(spec)), [1013]).hint).toContain("representative_dataset");
  });
});
