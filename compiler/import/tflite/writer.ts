/**
 * @fileoverview The .tflite writer: serializes a model with the `flatbuffers` Builder. Two
 * levels: `buildModel(spec)` writes a ModelSpec field by field (the importer tests use it, through
 * test/import/tflite-builder.ts, for cases real models lack: several subgraphs, custom and
 * unknown op codes, unsupported tensor types, out-of-line buffers, absent options), and
 * `writeGraph(graph)` turns an IR Graph (e.g. the int8 graph of compiler/quantize/) into a spec
 * that compiler/import/tflite/import.ts reads back to the same Graph.
 *
 * Field ids follow TFLite's schema.fbs; the options tables are written from the same field
 * lists the importer decodes with (options.ts), so a writer and reader cannot drift apart.
 */

import { Builder } from "flatbuffers";
import type { DType, Graph, Op } from "../../ir/graph.ts";
import { ACTIVATION, OPTION_DECODERS, PADDING } from "./options.ts";
import { builtinOpName, CUSTOM_CODE, optionsTypeId, PLACEHOLDER_FOR_GREATER_OP_CODES, TENSOR_TYPE_NAMES, TENSOR_TYPE_TO_DTYPE } from "./schema.ts";

export interface TensorSpec {
  shape: number[];
  /** TensorType code (9 = INT8, 0 = FLOAT32, 2 = INT32, ...). */
  type: number;
  buffer?: number;
  name?: string;
  quant?: { scale: number[]; zeroPoint: number[]; quantizedDimension?: number };
  isVariable?: boolean;
  /** Writes an (empty) SparsityParameters table. */
  sparse?: boolean;
  /** shape_signature (-1 for a dynamic dimension). */
  shapeSignature?: number[];
  /** Writes an int32 at field id 14, which schema 3 does not define yet (a newer writer). */
  futureField?: number;
}

export interface OpSpec {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  /** BuiltinOptions union type byte and a writer for the options table (fields by id). */
  optionsType?: number;
  options?: (b: Builder) => number;
  /** custom_options bytes (a CUSTOM op's own options, raw or flexbuffer). */
  customOptions?: Uint8Array;
}

export interface SubgraphSpec {
  tensors: TensorSpec[];
  inputs: number[];
  outputs: number[];
  ops: OpSpec[];
}

export interface ModelSpec {
  /** Model.version (3 when undefined; null leaves the field out). */
  version?: number | null;
  opcodes: { deprecated?: number; code?: number; custom?: string; version?: number }[];
  /**
   * `outOfLine` data is appended after the flatbuffer and referenced by offset/size; `offset` and
   * `size` instead write those two fields as given (e.g. pointing outside the file).
   */
  buffers: { data?: Uint8Array; outOfLine?: Uint8Array; offset?: number; size?: number; align?: number }[];
  subgraphs: SubgraphSpec[];
  /** Model.description. */
  description?: string;
  /** Model.metadata entries (name, buffer index), as the converter writes min_runtime_version. */
  metadata?: { name: string; buffer: number }[];
  /** Model.metadata_buffer (deprecated int vector). */
  metadataBuffer?: number[];
  /** Number of SignatureDef tables to write (each with a signature_key "sig<i>" only). */
  signatureDefs?: number;
  /** Writes an int32 at Model field id 11, which schema 3 does not define yet (a newer writer). */
  futureField?: number;
}

function intVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function floatVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function longVector(b: Builder, values: number[]): number {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]!));
  return b.endVector();
}

/** A byte vector whose data starts on an `align`-byte boundary (TFLite's converter aligns buffers to 16). */
function alignedBytes(b: Builder, data: Uint8Array, align: number): number {
  b.startVector(1, data.length, align);
  for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]!);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

function writeTensor(b: Builder, t: TensorSpec): number {
  const shape = intVector(b, t.shape);
  const name = b.createString(t.name ?? "t");
  let quant = 0;
  if (t.quant) {
    const scale = floatVector(b, t.quant.scale);
    const zp = longVector(b, t.quant.zeroPoint);
    b.startObject(7);
    b.addFieldOffset(2, scale, 0);
    b.addFieldOffset(3, zp, 0);
    b.addFieldInt32(6, t.quant.quantizedDimension ?? 0, 0);
    quant = b.endObject();
  }
  let sparsity = 0;
  if (t.sparse) {
    b.startObject(3);
    sparsity = b.endObject();
  }
  const signature = t.shapeSignature ? intVector(b, t.shapeSignature) : 0;
  b.startObject(t.futureField !== undefined ? 15 : 10);
  b.addFieldOffset(0, shape, 0);
  b.addFieldInt8(1, t.type, 0);
  b.addFieldInt32(2, t.buffer ?? 0, 0);
  b.addFieldOffset(3, name, 0);
  if (quant) b.addFieldOffset(4, quant, 0);
  if (t.isVariable) b.addFieldInt8(5, 1, 0);
  if (sparsity) b.addFieldOffset(6, sparsity, 0);
  if (signature) b.addFieldOffset(7, signature, 0);
  if (t.futureField !== undefined) b.addFieldInt32(14, t.futureField, null);
  return b.endObject();
}

function writeOp(b: Builder, op: OpSpec): number {
  const inputs = intVector(b, op.inputs);
  const outputs = intVector(b, op.outputs);
  const options = op.options ? op.options(b) : 0;
  const custom = op.customOptions ? b.createByteVector(op.customOptions) : 0;
  b.startObject(13);
  b.addFieldInt32(0, op.opcodeIndex, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  if (op.optionsType !== undefined) b.addFieldInt8(3, op.optionsType, 0);
  if (options) b.addFieldOffset(4, options, 0);
  if (custom) b.addFieldOffset(5, custom, 0);
  return b.endObject();
}

function writeSubgraph(b: Builder, sg: SubgraphSpec): number {
  const tensors = offsetVector(b, sg.tensors.map((t) => writeTensor(b, t)));
  const inputs = intVector(b, sg.inputs);
  const outputs = intVector(b, sg.outputs);
  const ops = offsetVector(b, sg.ops.map((o) => writeOp(b, o)));
  b.startObject(5);
  b.addFieldOffset(0, tensors, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  b.addFieldOffset(3, ops, 0);
  return b.endObject();
}

function writeModel(spec: ModelSpec, outOfLineOffsets: number[]): Uint8Array {
  const b = new Builder(1024);
  const opcodes = offsetVector(
    b,
    spec.opcodes.map((c) => {
      const custom = c.custom !== undefined ? b.createString(c.custom) : 0;
      b.startObject(4);
      b.addFieldInt8(0, c.deprecated ?? 0, 0);
      if (custom) b.addFieldOffset(1, custom, 0);
      b.addFieldInt32(2, c.version ?? 1, 1);
      b.addFieldInt32(3, c.code ?? 0, 0);
      return b.endObject();
    }),
  );
  const subgraphs = offsetVector(b, spec.subgraphs.map((sg) => writeSubgraph(b, sg)));
  const buffers = offsetVector(
    b,
    spec.buffers.map((buf, i) => {
      const data = buf.data ? (buf.align ? alignedBytes(b, buf.data, buf.align) : b.createByteVector(buf.data)) : 0;
      b.startObject(3);
      if (data) b.addFieldOffset(0, data, 0);
      if (buf.outOfLine) {
        b.addFieldInt64(1, BigInt(outOfLineOffsets[i]!), null);
        b.addFieldInt64(2, BigInt(buf.outOfLine.length), null);
      } else if (buf.offset !== undefined || buf.size !== undefined) {
        b.addFieldInt64(1, BigInt(buf.offset ?? 0), null);
        b.addFieldInt64(2, BigInt(buf.size ?? 0), null);
      }
      return b.endObject();
    }),
  );
  const description = spec.description !== undefined ? b.createString(spec.description) : 0;
  const metadataBuffer = spec.metadataBuffer ? intVector(b, spec.metadataBuffer) : 0;
  const metadata = spec.metadata
    ? offsetVector(b, spec.metadata.map((m) => {
      const name = b.createString(m.name);
      b.startObject(2);
      b.addFieldOffset(0, name, 0);
      b.addFieldInt32(1, m.buffer, null);
      return b.endObject();
    }))
    : 0;
  const signatures = spec.signatureDefs !== undefined
    ? offsetVector(b, Array.from({ length: spec.signatureDefs }, (_, i) => {
      const key = b.createString(`sig${i}`);
      b.startObject(5);
      b.addFieldOffset(2, key, 0);
      return b.endObject();
    }))
    : 0;
  b.startObject(spec.futureField !== undefined ? 12 : 8);
  if (spec.version !== null) b.addFieldInt32(0, spec.version ?? 3, null);
  b.addFieldOffset(1, opcodes, 0);
  b.addFieldOffset(2, subgraphs, 0);
  if (description) b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffers, 0);
  if (metadataBuffer) b.addFieldOffset(5, metadataBuffer, 0);
  if (metadata) b.addFieldOffset(6, metadata, 0);
  if (signatures) b.addFieldOffset(7, signatures, 0);
  if (spec.futureField !== undefined) b.addFieldInt32(11, spec.futureField, null);
  const model = b.endObject();
  b.finish(model, "TFL3");
  return b.asUint8Array().slice();
}

/** Serializes `spec`; out-of-line buffers are appended (16-byte aligned) after the flatbuffer. */
export function buildModel(spec: ModelSpec): Uint8Array {
  // First pass with placeholder offsets fixes the flatbuffer's size (the fields are always present).
  const placeholder = spec.buffers.map(() => 2);
  const first = writeModel(spec, placeholder);
  const offsets: number[] = [];
  let end = first.length;
  for (const buf of spec.buffers) {
    end = Math.ceil(end / 16) * 16;
    offsets.push(end);
    end += buf.outOfLine?.length ?? 0;
  }
  const fb = writeModel(spec, offsets);
  if (fb.length !== first.length) throw new Error("builder size changed between passes");
  const out = new Uint8Array(end);
  out.set(fb, 0);
  spec.buffers.forEach((buf, i) => {
    if (buf.outOfLine) out.set(buf.outOfLine, offsets[i]!);
  });
  return out;
}

/** Options table writer: `fields` are [id, kind, value] triples. */
export function optionsTable(fields: [number, "i8" | "i32" | "f32", number][]): (b: Builder) => number {
  return (b) => {
    b.startObject(16);
    for (const [id, kind, v] of fields) {
      if (kind === "i8") b.addFieldInt8(id, v, null);
      else if (kind === "i32") b.addFieldInt32(id, v, null);
      else b.addFieldFloat32(id, v, null);
    }
    return b.endObject();
  };
}

/** A one-op int8 model: tensor 0 (input) -> op -> tensor 1 (output), both [1, 4] int8. */
export function oneOpModel(opcode: ModelSpec["opcodes"][number], op?: Partial<OpSpec>): ModelSpec {
  const q = { scale: [0.5], zeroPoint: [-3] };
  return {
    opcodes: [opcode],
    buffers: [{}],
    subgraphs: [
      {
        tensors: [
          { shape: [1, 4], type: 9, name: "in", quant: q },
          { shape: [1, 4], type: 9, name: "out", quant: q },
        ],
        inputs: [0],
        outputs: [1],
        ops: [{ opcodeIndex: 0, inputs: [0], outputs: [1], ...op }],
      },
    ],
  };
}

// ----- IR Graph → .tflite -------------------------------------------------------------------

/** The BuiltinOperator code of an opcode name (inverse of schema.ts's builtinOpName). */
function builtinCode(name: string): number {
  for (let c = 0; c < 256; c++) if (builtinOpName(c) === name) return c;
  throw new Error(`no builtin operator ${name}`);
}

const DTYPE_TO_TYPE = new Map<DType, number>([...TENSOR_TYPE_TO_DTYPE].map(([code, dt]) => [dt, code]));

/** An options table writer for `op` from the importer's own field list (options.ts), or undefined. */
function graphOptions(op: Op): Pick<OpSpec, "optionsType" | "options"> {
  const spec = OPTION_DECODERS[op.opcode];
  if (spec === undefined) return {};
  const o = op.options;
  const write = (b: Builder): number => {
    const vectors = new Map<number, number>();
    for (const f of spec.fields) {
      if (f.kind === "i32vec" && Array.isArray(o[f.name])) vectors.set(f.id, intVector(b, o[f.name] as number[]));
    }
    b.startObject(16);
    for (const f of spec.fields) {
      const v = o[f.name];
      if (v === undefined) continue;
      switch (f.kind) {
        case "i32": b.addFieldInt32(f.id, Number(v), null); break;
        case "u8": b.addFieldInt8(f.id, Number(v), null); break;
        case "f32": b.addFieldFloat32(f.id, Number(v), null); break;
        case "bool": b.addFieldInt8(f.id, v === true ? 1 : 0, null); break;
        case "padding": b.addFieldInt8(f.id, PADDING.indexOf(String(v)), null); break;
        case "activation": b.addFieldInt8(f.id, Math.max(0, ACTIVATION.indexOf(String(v))), null); break;
        case "tensorType": b.addFieldInt8(f.id, TENSOR_TYPE_NAMES.indexOf(String(v)), null); break;
        case "i32vec": if (vectors.has(f.id)) b.addFieldOffset(f.id, vectors.get(f.id)!, 0); break;
      }
    }
    return b.endObject();
  };
  return { optionsType: optionsTypeId(spec.table), options: write };
}

/**
 * The ModelSpec of `graph`: one subgraph, buffer 0 empty, one buffer per constant tensor, opcodes
 * in first-use order with each op's version; `description` becomes Model.description.
 */
export function graphToSpec(graph: Graph, description = graph.name): ModelSpec {
  const buffers: ModelSpec["buffers"] = [{}];
  const tensors: TensorSpec[] = graph.tensors.map((t) => {
    const type = DTYPE_TO_TYPE.get(t.dtype);
    if (type === undefined) throw new Error(`tensor ${t.name}: no TFLite type for ${t.dtype}`);
    let buffer = 0;
    if (t.data !== undefined) {
      buffer = buffers.length;
      buffers.push({ data: t.data, align: 16 });
    }
    return {
      shape: t.shape, type, buffer, name: t.name, isVariable: t.isVariable,
      ...(t.quant ? { quant: { scale: t.quant.scale, zeroPoint: t.quant.zeroPoint, quantizedDimension: t.quant.quantizedDimension } } : {}),
    };
  });
  const opcodes: ModelSpec["opcodes"] = [];
  const index = new Map<string, number>();
  const ops: OpSpec[] = graph.ops.map((op) => {
    const key = `${op.opcode}@${op.version}`;
    if (!index.has(key)) {
      index.set(key, opcodes.length);
      if (op.opcode.startsWith("CUSTOM:")) opcodes.push({ deprecated: CUSTOM_CODE, code: CUSTOM_CODE, custom: op.opcode.slice(7), version: op.version });
      else {
        const code = builtinCode(op.opcode);
        opcodes.push({ deprecated: Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), code, version: op.version });
      }
    }
    return {
      opcodeIndex: index.get(key)!, inputs: op.inputs, outputs: op.outputs, ...graphOptions(op),
      ...(op.customOptions ? { customOptions: op.customOptions } : {}),
    };
  });
  return { opcodes, buffers, description, subgraphs: [{ tensors, inputs: graph.inputs, outputs: graph.outputs, ops }] };
}

/** `graph` as the bytes of a .tflite file (schema version 3, identifier TFL3). */
export function writeGraph(graph: Graph, description?: string): Uint8Array {
  return buildModel(graphToSpec(graph, description));
}
