/**
 * @fileoverview The .tflite importer: verifies a TFLite flatbuffer (identifier "TFL3", schema
 * version 3) and turns its main subgraph into the IR `Graph` (compiler/ir/graph.ts).
 *
 * Neighbours: flatbuffer.ts does the checked byte-level reads, schema.ts holds the schema's field
 * ids and enums, options.ts decodes builtin options; check.ts (checkInt8) runs afterwards on the
 * Graph. Downstream, compiler/ops/ lowers the ops and compiler/plan/ places the tensors.
 *
 * Invariants: the reader rejects only what TFLite Micro cannot run either, or what Mote lacks
 * (docs/model-reader.md has the check-by-check comparison and the test of each). A bad file ends
 * in a MoteError, never another exception, a hang, or a Graph that disagrees with the bytes: 1002
 * not a TFLite model, 1003 only for bytes that are damaged (reads outside the file, bad vtables),
 * 1009 an index that names nothing, 1004/1007/1014-1017 what Mote or TFLite Micro cannot run.
 * A field TFLite Micro ignores is ignored here too (identifier, metadata, signature defs, extra
 * subgraphs nothing calls, trailing bytes, a bias's quantized_dimension). Constant data is copied
 * (so `data.buffer` is 0-offset and 16-byte aligned in practice).
 */

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fail, MoteError } from "../../diagnostics.ts";
import { DTYPE_BYTES, type Graph, type Op, type Quantization, type Tensor } from "../../ir/graph.ts";
import { FlatReader, type Table, type Vec } from "./flatbuffer.ts";
import { decodeOptions } from "./options.ts";
import { checkCount, checkLiveBytes, checkQuantization, checkTensorSize, checkOpOrder, checkWrittenTensors } from "./validate.ts";
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
  const r = new FlatReader(bytes);
  const model = readRoot(r, bytes, name);
  // TFLite Micro's interpreter does not check the version; every one of its examples does.
  const version = r.u32Field(model, MODEL.version, "version", 0);
  if (version !== SCHEMA_VERSION) fail(1002, name, `schema version ${version}, expected ${SCHEMA_VERSION}`);

  const subgraphs = r.vector(model, MODEL.subgraphs, "subgraphs", 4);
  if (subgraphs === undefined || subgraphs.length === 0) fail(1009, "the model has no subgraphs");
  checkCount("subgraphs", subgraphs.length);
  const sg = r.tableElem(subgraphs, 0, "subgraph 0");
  const opcodes = r.vector(model, MODEL.operatorCodes, "operator_codes", 4);
  const buffers = r.vector(model, MODEL.buffers, "buffers", 4);

  const tensorVec = r.vector(sg, SUBGRAPH.tensors, "tensors", 4);
  const tensorCount = tensorVec?.length ?? 0;
  checkCount("tensors", tensorCount);
  const tensors: Tensor[] = [];
  const unsupportedTypes = new Map<number, string>();
  for (let i = 0; i < tensorCount; i++) {
    tensors.push(readTensor(r, r.tableElem(tensorVec!, i, `tensor ${i}`), i, buffers, unsupportedTypes));
  }

  const opVec = r.vector(sg, SUBGRAPH.operators, "operators", 4);
  const ops: Op[] = [];
  let callsSubgraphs = false;
  const opCount = opVec?.length ?? 0;
  checkCount("ops", opCount);
  for (let i = 0; i < opCount; i++) {
    const op = readOp(r, r.tableElem(opVec!, i, `op ${i}`), i, opcodes, tensorCount);
    if (SUBGRAPH_CALLING_OPS.has(op.opcode)) callsSubgraphs = true;
    ops.push(op);
  }
  // Mote compiles subgraph 0 only; extra subgraphs are harmless while nothing calls them.
  if (subgraphs.length > 1 && callsSubgraphs) fail(1004, subgraphs.length);

  const inputs = tensorIndices(r, r.vector(sg, SUBGRAPH.inputs, "inputs", 4), tensorCount, false, "subgraph 0 inputs");
  const outputs = tensorIndices(r, r.vector(sg, SUBGRAPH.outputs, "outputs", 4), tensorCount, false, "subgraph 0 outputs");
  checkTensorTypes(unsupportedTypes, tensors, ops, inputs, outputs);
  // TFLite's quantization rules and Mote's limits (validate.ts), before anything uses the values.
  checkQuantization(tensors, ops, inputs, outputs);
  checkWrittenTensors(tensors, ops);
  checkOpOrder(tensors, ops, inputs);
  const graph: Graph = { name, tensors, ops, inputs, outputs, sourceBytes: bytes.length };
  checkLiveBytes(graph);
  return graph;
}

/**
 * The root table. TFLite Micro never looks at the file identifier (bytes 4..7), so a model
 * without "TFL3" there is read as one; it is "not a TFLite file" only if it then does not parse.
 */
function readRoot(r: FlatReader, bytes: Uint8Array, name: string): Table {
  if (bytes.length < 8) fail(1002, name, `file is only ${bytes.length} bytes`);
  let id = "";
  for (let i = 4; i < 8; i++) id += String.fromCharCode(bytes[i]!);
  if (id === FILE_IDENTIFIER) return r.root("model");
  const head = new TextDecoder().decode(bytes.subarray(0, 40));
  if (head.startsWith("version https://git-lfs")) fail(1002, name, "it is a Git LFS pointer, not the model (fetch the model itself: git lfs pull)");
  const notTflite = `file identifier is ${JSON.stringify(id)}, expected "${FILE_IDENTIFIER}", and the file does not parse as a model`;
  try {
    const model = r.root("model");
    if (r.u32Field(model, MODEL.version, "version", 0) === SCHEMA_VERSION && r.has(model, MODEL.subgraphs)) return model;
  } catch (e) {
    if (!(e instanceof MoteError)) throw e;
  }
  fail(1002, name, notTflite);
}

/**
 * Tensors of a type Mote does not represent (STRING, UINT32, FLOAT16, ...): as TFLite Micro, a
 * tensor nothing reads or writes is never touched; one that is gets 1014, naming its op.
 */
function checkTensorTypes(bad: Map<number, string>, tensors: Tensor[], ops: Op[], inputs: number[], outputs: number[]): void {
  if (bad.size === 0) return;
  const where = (t: number): string | undefined => {
    for (const op of ops) if (op.outputs.includes(t)) return `the output of op ${op.index} (${op.opcode})`;
    if (inputs.includes(t)) return "a model input";
    for (const op of ops) if (op.inputs.includes(t)) return `an input of op ${op.index} (${op.opcode})`;
    if (outputs.includes(t)) return "a model output";
    return undefined;
  };
  for (const [t, type] of bad) {
    const w = where(t);
    if (w !== undefined) fail(1014, type, t, tensors[t]!.name, w);
  }
}

function tensorIndices(r: FlatReader, v: Vec | undefined, count: number, allowAbsent: boolean, what: string): number[] {
  const out = v === undefined ? [] : r.int32s(v);
  for (const t of out) {
    if ((t < 0 || t >= count) && !(allowAbsent && t === -1)) {
      fail(1009, `${what} refers to tensor ${t}, but the subgraph has ${count} tensors`);
    }
  }
  return out;
}

function readTensor(r: FlatReader, t: Table, index: number, buffers: Vec | undefined, unsupported: Map<number, string>): Tensor {
  const name = r.string(t, TENSOR.name, "name") ?? "";
  const label = `tensor ${index} (${name})`;
  const type = r.i8(t, TENSOR.type, "type", 0);
  const dtype = TENSOR_TYPE_TO_DTYPE.get(type);
  const shapeVec = r.vector(t, TENSOR.shape, "shape", 4);
  const shape = shapeVec === undefined ? [] : r.int32s(shapeVec);
  if (dtype === undefined) {
    // Checked once the ops are read (checkTensorTypes); unused, it stays an empty placeholder.
    unsupported.set(index, tensorTypeName(type));
    return { index, name, dtype: "uint8", shape: [0], isVariable: false };
  }
  if (shape.some((d) => d < 0)) fail(1015, index, name, shape.join(", "));
  checkTensorSize(index, name, dtype, shape);
  if (r.has(t, TENSOR.sparsity)) fail(1009, `${label} is sparse (TFLite Micro has no sparse kernels): Mote needs dense constant tensors`);

  const tensor: Tensor = { index, name, dtype, shape, isVariable: r.bool(t, TENSOR.isVariable, "is_variable", false) };
  const quant = readQuantization(r, r.table(t, TENSOR.quantization, "quantization"));
  if (quant !== undefined) tensor.quant = quant;
  const data = readBuffer(r, r.u32Field(t, TENSOR.buffer, "buffer", 0), buffers, label);
  // A variable tensor's buffer is ignored, as TFLite Micro ignores it (AllocateVariables gives
  // the tensor arena memory, ResetVariableTensors fills it: graph.ts resetByte): state, not a constant.
  if (data !== undefined && !tensor.isVariable) {
    let expected = DTYPE_BYTES[dtype];
    for (const d of shape) expected *= d;
    if (data.length < expected) fail(1016, index, name, shape.join(", "), dtype, expected, data.length);
    // As TFLite Micro, which reads only the bytes the shape needs: extra bytes are never read.
    tensor.data = data.length === expected ? data : data.slice(0, expected);
  }
  return tensor;
}

function readQuantization(r: FlatReader, q: Table | undefined): Quantization | undefined {
  if (q === undefined) return undefined;
  const scaleVec = r.vector(q, QUANT.scale, "scale", 4);
  const zpVec = r.vector(q, QUANT.zeroPoint, "zero_point", 8);
  // As TFLite Micro's allocator: quantized only when both arrays are non-empty.
  if (scaleVec === undefined || zpVec === undefined || scaleVec.length === 0 || zpVec.length === 0) return undefined;
  // quantized_dimension is copied unchecked (the op that uses per-channel scales checks them:
  // compiler/ops/operands.ts); old converters wrote the filter's axis on rank-1 biases.
  const quantizedDimension = r.i32(q, QUANT.quantizedDimension, "quantized_dimension", 0);
  const scale = r.float32s(scaleVec);
  // A zero-point array of another length than the scales is read as its first value repeated.
  // 64-bit values are kept (clamped to 2^53) for validate.ts to reject by name (1019).
  const zp = r.int64sClamped(zpVec);
  const zeroPoint = zp.length === scale.length ? zp : scale.map(() => zp[0]!);
  return { scale, zeroPoint, quantizedDimension };
}

/** The bytes of buffer `index` (inline or stored after the flatbuffer), or undefined when empty. */
function readBuffer(r: FlatReader, index: number, buffers: Vec | undefined, label: string): Uint8Array | undefined {
  const count = buffers?.length ?? 0;
  if (index === 0 && count === 0) return undefined;
  if (index >= count) fail(1009, `${label} refers to buffer ${index}, but the model has ${count} buffers`);
  const b = r.tableElem(buffers!, index, `buffer ${index}`);
  const data = r.vector(b, BUFFER.data, "data", 1);
  if (data !== undefined && data.length > 0) return r.copy(data.start, data.length, `buffer ${index} data`);
  // Models over 2 GB keep data after the flatbuffer; offset counts from the file start, valid if
  // > 1. TFLite reads it there; TFLite Micro ignores both fields (no data: an arena tensor), as
  // Mote does when they point outside the file.
  const offset = r.u64(b, BUFFER.offset, "offset", 0);
  const size = r.u64(b, BUFFER.size, "size", 0);
  if (offset > 1 && size > 0 && offset + size <= r.length) return r.copy(offset, size, `buffer ${index} out-of-line data`);
  return undefined;
}

function readOp(r: FlatReader, t: Table, index: number, opcodes: Vec | undefined, tensorCount: number): Op {
  const codeIndex = r.u32Field(t, OPERATOR.opcodeIndex, "opcode_index", 0);
  const codeCount = opcodes?.length ?? 0;
  if (codeIndex >= codeCount) fail(1009, `op ${index} uses operator code ${codeIndex}, but the model has ${codeCount}`);
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
    if (custom === undefined) fail(1009, `op ${index} is CUSTOM but its operator code has no custom_code`);
    opcode = `CUSTOM:${custom}`;
  } else if (r.has(t, OPERATOR.customOptions)) {
    fail(1017, index, opcode);
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
