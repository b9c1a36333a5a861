/**
 * @fileoverview The .tflite importer: verifies a TFLite flatbuffer (identifier "TFL3", schema
 * version 3) and turns its main subgraph into the IR `Graph` (compiler/ir/graph.ts).
 *
 * Neighbours: flatbuffer.ts does the checked byte-level reads, schema.ts holds the schema's field
 * ids and enums, options.ts decodes builtin options; check.ts (checkInt8) runs afterwards on the
 * Graph. Downstream, compiler/ops/ lowers the ops and compiler/plan/ places the tensors.
 *
 * Invariants: a bad file ends in a MoteError (1002 not a TFLite file, 1003 corrupt, 1004 several
 * subgraphs in use, 1005 tensor type, 1007 operator code, 1009 unsupported encoding), never
 * another exception, a hang, or a Graph that disagrees with the bytes. Every tensor/buffer/opcode
 * index is range-checked, every constant's byte size is checked against its shape and dtype, and
 * constant data is copied (so `data.buffer` is 0-offset and 16-byte aligned in practice).
 */

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fail } from "../../diagnostics.ts";
import { DTYPE_BYTES, type Graph, type Op, type Quantization, type Tensor } from "../../ir/graph.ts";
import { FlatReader, type Table, type Vec } from "./flatbuffer.ts";
import { decodeOptions } from "./options.ts";
import {
  BUFFER,
  builtinOpName,
  CUSTOM_CODE,
  FILE_IDENTIFIER,
  MODEL,
  OPERATOR,
  OPERATOR_CODE,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  QUANT,
  SCHEMA_VERSION,
  SUBGRAPH,
  TENSOR,
  TENSOR_TYPE_TO_DTYPE,
  tensorTypeName,
} from "./schema.ts";

export { builtinOpName };

/** Ops whose options name other subgraphs (control flow, StableHLO regions). */
const SUBGRAPH_CALLING_OPS = new Set([
  "CALL", "IF", "WHILE", "CALL_ONCE", "STABLEHLO_WHILE", "STABLEHLO_REDUCE", "STABLEHLO_REDUCE_WINDOW",
  "STABLEHLO_SORT", "STABLEHLO_SCATTER", "STABLEHLO_CUSTOM_CALL", "STABLEHLO_COMPOSITE", "STABLEHLO_CASE",
]);

/** Reads a model file and imports it; an unreadable file is error 1001. */
export function loadModel(path: string): Graph {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(1001, path, err.code === "ENOENT" ? "no such file" : err.message);
  }
  return importTflite(bytes, basename(path));
}

/** Verifies `bytes` as a .tflite model and returns its main subgraph as a Graph. */
export function importTflite(bytes: Uint8Array, name: string): Graph {
  checkHeader(bytes, name);
  const r = new FlatReader(bytes);
  const model = r.root("model");
  const version = r.u32Field(model, MODEL.version, "version", 0);
  if (version !== SCHEMA_VERSION) fail(1002, name, `schema version ${version}, expected ${SCHEMA_VERSION}`);

  const subgraphs = r.vector(model, MODEL.subgraphs, "subgraphs", 4);
  if (subgraphs === undefined || subgraphs.length === 0) fail(1003, "model has no subgraphs");
  const sg = r.tableElem(subgraphs, 0, "subgraph 0");
  const opcodes = r.vector(model, MODEL.operatorCodes, "operator_codes", 4);
  const buffers = r.vector(model, MODEL.buffers, "buffers", 4);

  const tensorVec = r.vector(sg, SUBGRAPH.tensors, "tensors", 4);
  const tensorCount = tensorVec?.length ?? 0;
  const tensors: Tensor[] = [];
  for (let i = 0; i < tensorCount; i++) {
    tensors.push(readTensor(r, r.tableElem(tensorVec!, i, `tensor ${i}`), i, buffers));
  }

  const opVec = r.vector(sg, SUBGRAPH.operators, "operators", 4);
  const ops: Op[] = [];
  let callsSubgraphs = false;
  const opCount = opVec?.length ?? 0;
  for (let i = 0; i < opCount; i++) {
    const op = readOp(r, r.tableElem(opVec!, i, `op ${i}`), i, opcodes, tensorCount);
    if (SUBGRAPH_CALLING_OPS.has(op.opcode)) callsSubgraphs = true;
    ops.push(op);
  }
  // Mote compiles subgraph 0 only; extra subgraphs are harmless while nothing calls them.
  if (subgraphs.length > 1 && callsSubgraphs) fail(1004, subgraphs.length);

  return {
    name,
    tensors,
    ops,
    inputs: tensorIndices(r, r.vector(sg, SUBGRAPH.inputs, "inputs", 4), tensorCount, false, "subgraph 0 inputs"),
    outputs: tensorIndices(r, r.vector(sg, SUBGRAPH.outputs, "outputs", 4), tensorCount, false, "subgraph 0 outputs"),
    sourceBytes: bytes.length,
  };
}

function checkHeader(bytes: Uint8Array, name: string): void {
  if (bytes.length < 8) fail(1002, name, `file is only ${bytes.length} bytes`);
  let id = "";
  for (let i = 4; i < 8; i++) id += String.fromCharCode(bytes[i]!);
  if (id !== FILE_IDENTIFIER) fail(1002, name, `file identifier is ${JSON.stringify(id)}, expected "${FILE_IDENTIFIER}"`);
}

function tensorIndices(r: FlatReader, v: Vec | undefined, count: number, allowAbsent: boolean, what: string): number[] {
  const out = v === undefined ? [] : r.int32s(v);
  for (const t of out) {
    if ((t < 0 || t >= count) && !(allowAbsent && t === -1)) {
      fail(1003, `${what} refers to tensor ${t}, but the subgraph has ${count} tensors`);
    }
  }
  return out;
}

function readTensor(r: FlatReader, t: Table, index: number, buffers: Vec | undefined): Tensor {
  const name = r.string(t, TENSOR.name, "name") ?? "";
  const label = `tensor ${index} (${name})`;
  const type = r.i8(t, TENSOR.type, "type", 0);
  const dtype = TENSOR_TYPE_TO_DTYPE.get(type);
  if (dtype === undefined) fail(1005, tensorTypeName(type), index, name);
  const shapeVec = r.vector(t, TENSOR.shape, "shape", 4);
  const shape = shapeVec === undefined ? [] : r.int32s(shapeVec);
  for (const d of shape) if (d < 0) fail(1003, `${label} has negative dimension in shape [${shape.join(", ")}]`);
  if (r.has(t, TENSOR.sparsity)) fail(1009, `${label} is sparse; Mote needs dense constant tensors`);

  const tensor: Tensor = { index, name, dtype, shape, isVariable: r.bool(t, TENSOR.isVariable, "is_variable", false) };
  const quant = readQuantization(r, r.table(t, TENSOR.quantization, "quantization"), shape, label);
  if (quant !== undefined) tensor.quant = quant;
  const data = readBuffer(r, r.u32Field(t, TENSOR.buffer, "buffer", 0), buffers, label);
  if (data !== undefined) {
    let expected = DTYPE_BYTES[dtype];
    for (const d of shape) expected *= d;
    if (expected !== data.length) {
      fail(1003, `${label}: shape [${shape.join(", ")}] ${dtype} needs ${expected} bytes, its buffer holds ${data.length}`);
    }
    tensor.data = data;
  }
  return tensor;
}

function readQuantization(r: FlatReader, q: Table | undefined, shape: number[], label: string): Quantization | undefined {
  if (q === undefined) return undefined;
  const scaleVec = r.vector(q, QUANT.scale, "scale", 4);
  const zpVec = r.vector(q, QUANT.zeroPoint, "zero_point", 8);
  // As TFLite: quantization needs both arrays; either one missing means "not quantized".
  if (scaleVec === undefined || zpVec === undefined || scaleVec.length === 0) return undefined;
  if (zpVec.length !== scaleVec.length) {
    fail(1003, `${label}: ${scaleVec.length} scales but ${zpVec.length} zero points`);
  }
  const quantizedDimension = r.i32(q, QUANT.quantizedDimension, "quantized_dimension", 0);
  if (scaleVec.length > 1) {
    if (quantizedDimension < 0 || quantizedDimension >= shape.length) {
      fail(1003, `${label}: quantized_dimension ${quantizedDimension} is outside its rank-${shape.length} shape`);
    }
    if (shape[quantizedDimension] !== scaleVec.length) {
      fail(1003, `${label}: ${scaleVec.length} scales for dimension ${quantizedDimension} of size ${shape[quantizedDimension]}`);
    }
  }
  return { scale: r.float32s(scaleVec), zeroPoint: r.int64s(zpVec), quantizedDimension };
}

/** The bytes of buffer `index` (inline or stored after the flatbuffer), or undefined when empty. */
function readBuffer(r: FlatReader, index: number, buffers: Vec | undefined, label: string): Uint8Array | undefined {
  const count = buffers?.length ?? 0;
  if (index === 0 && count === 0) return undefined;
  if (index >= count) fail(1003, `${label} refers to buffer ${index}, but the model has ${count} buffers`);
  const b = r.tableElem(buffers!, index, `buffer ${index}`);
  const data = r.vector(b, BUFFER.data, "data", 1);
  if (data !== undefined && data.length > 0) return r.copy(data.start, data.length, `buffer ${index} data`);
  // Models over 2 GB keep data after the flatbuffer; offset counts from the file start, valid if > 1.
  const offset = r.u64(b, BUFFER.offset, "offset", 0);
  const size = r.u64(b, BUFFER.size, "size", 0);
  if (offset > 1 && size > 0) return r.copy(offset, size, `buffer ${index} out-of-line data`);
  return undefined;
}

function readOp(r: FlatReader, t: Table, index: number, opcodes: Vec | undefined, tensorCount: number): Op {
  const codeIndex = r.u32Field(t, OPERATOR.opcodeIndex, "opcode_index", 0);
  const codeCount = opcodes?.length ?? 0;
  if (codeIndex >= codeCount) fail(1003, `op ${index} uses operator code ${codeIndex}, but the model has ${codeCount}`);
  const oc = r.tableElem(opcodes!, codeIndex, `operator_code ${codeIndex}`);
  const code = Math.max(
    r.i8(oc, OPERATOR_CODE.deprecatedBuiltinCode, "deprecated_builtin_code", 0),
    r.i32(oc, OPERATOR_CODE.builtinCode, "builtin_code", 0),
  );
  const builtin = code === PLACEHOLDER_FOR_GREATER_OP_CODES ? undefined : builtinOpName(code);
  if (builtin === undefined) fail(1007, code, index);
  let opcode = builtin;
  if (code === CUSTOM_CODE) {
    const custom = r.string(oc, OPERATOR_CODE.customCode, "custom_code");
    if (custom === undefined) fail(1003, `op ${index} is CUSTOM but its operator code has no custom_code`);
    opcode = `CUSTOM:${custom}`;
  }
  const version = r.i32(oc, OPERATOR_CODE.version, "version", 1);
  const inputs = tensorIndices(r, r.vector(t, OPERATOR.inputs, "inputs", 4), tensorCount, true, `op ${index} (${opcode}) inputs`);
  const outputs = tensorIndices(r, r.vector(t, OPERATOR.outputs, "outputs", 4), tensorCount, false, `op ${index} (${opcode}) outputs`);
  const typeId = r.u8(t, OPERATOR.builtinOptionsType, "builtin_options_type", 0);
  const table = typeId !== 0 ? r.table(t, OPERATOR.builtinOptions, "builtin_options") : undefined;
  const options = decodeOptions(r, opcode, typeId, table, `op ${index}`);
  // custom_options: the bytes a CUSTOM op's kernel reads (user lowerings, compiler/ops/api.ts).
  const custom = code === CUSTOM_CODE ? r.vector(t, OPERATOR.customOptions, "custom_options", 1) : undefined;
  if (custom !== undefined && custom.length > 0) {
    return { index, opcode, version, inputs, outputs, options, customOptions: r.copy(custom.start, custom.length, `op ${index} custom_options`) };
  }
  return { index, opcode, version, inputs, outputs, options };
}
