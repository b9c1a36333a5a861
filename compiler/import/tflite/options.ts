/**
 * @fileoverview Decodes an operator's BuiltinOptions table into the IR's plain `OpOptions`
 * (schema field names in camelCase; enums as their schema names, e.g. padding "SAME").
 *
 * Called by import.ts for each op with the verified options table (or undefined when the op
 * carries none, in which case the schema defaults apply). Field ids and defaults come from
 * TFLite's schema.fbs; every read goes through the checked FlatReader.
 *
 * Invariants: an op in OPTION_DECODERS gets every listed field, defaults included (vector
 * fields without a schema default, such as RESHAPE's new_shape, are left out when absent). As
 * TFLite Micro's parsers (builtin_options_as_<Table>() is null for another union member): an
 * options table of a union type that does not belong to the op is ignored and the defaults
 * apply; an unknown fused activation reads as NONE; an unknown padding or tensor type, which
 * TFLite Micro's kernels cannot run, is an invalid model (1009).
 */

import { fail } from "../../diagnostics.ts";
import type { OpOptions } from "../../ir/graph.ts";
import type { FlatReader, Table } from "./flatbuffer.ts";
import { optionsTypeId, TENSOR_TYPE_NAMES } from "./schema.ts";

export const PADDING = ["SAME", "VALID"];
export const ACTIVATION = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"];

export type Field =
  | { kind: "i32" | "u8" | "f32" | "bool"; name: string; id: number; dflt: number | boolean }
  | { kind: "padding" | "activation" | "tensorType"; name: string; id: number; dflt: number }
  | { kind: "i32vec"; name: string; id: number; empty: boolean };

const i32 = (name: string, id: number, dflt = 0): Field => ({ kind: "i32", name, id, dflt });
const u8 = (name: string, id: number, dflt = 0): Field => ({ kind: "u8", name, id, dflt });
const f32 = (name: string, id: number, dflt = 0): Field => ({ kind: "f32", name, id, dflt });
const bool = (name: string, id: number, dflt = false): Field => ({ kind: "bool", name, id, dflt });
const padding = (id: number): Field => ({ kind: "padding", name: "padding", id, dflt: 0 });
const act = (id: number): Field => ({ kind: "activation", name: "fusedActivationFunction", id, dflt: 0 });
const ttype = (name: string, id: number): Field => ({ kind: "tensorType", name, id, dflt: 0 });
/** `empty`: an absent vector decodes as [] (otherwise the field is left out). */
const i32vec = (name: string, id: number, empty: boolean): Field => ({ kind: "i32vec", name, id, empty });

export interface OptionsSpec {
  table: string;
  fields: Field[];
}

const conv2d: OptionsSpec = {
  table: "Conv2DOptions",
  fields: [padding(0), i32("strideW", 1), i32("strideH", 2), act(3), i32("dilationWFactor", 4, 1), i32("dilationHFactor", 5, 1)],
};
const pool2d: OptionsSpec = {
  table: "Pool2DOptions",
  fields: [padding(0), i32("strideW", 1), i32("strideH", 2), i32("filterWidth", 3), i32("filterHeight", 4), act(5)],
};
const reducer: OptionsSpec = { table: "ReducerOptions", fields: [bool("keepDims", 0)] };
const addSub = (table: string): OptionsSpec => ({ table, fields: [act(0), bool("potScaleInt16", 1, true)] });
const resize = (table: string, first: number): OptionsSpec => ({
  table,
  fields: [bool("alignCorners", first), bool("halfPixelCenters", first + 1)],
});
const empty = (table: string): OptionsSpec => ({ table, fields: [] });

/** Ops whose options Mote decodes, keyed by opcode name. */
export const OPTION_DECODERS: Readonly<Record<string, OptionsSpec>> = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: {
    table: "DepthwiseConv2DOptions",
    fields: [
      padding(0), i32("strideW", 1), i32("strideH", 2), i32("depthMultiplier", 3), act(4),
      i32("dilationWFactor", 5, 1), i32("dilationHFactor", 6, 1),
    ],
  },
  FULLY_CONNECTED: {
    table: "FullyConnectedOptions",
    fields: [act(0), u8("weightsFormat", 1), bool("keepNumDims", 2), bool("asymmetricQuantizeInputs", 3)],
  },
  AVERAGE_POOL_2D: pool2d,
  MAX_POOL_2D: pool2d,
  L2_POOL_2D: pool2d,
  SOFTMAX: { table: "SoftmaxOptions", fields: [f32("beta", 0)] },
  SVDF: { table: "SVDFOptions", fields: [i32("rank", 0), act(1), bool("asymmetricQuantizeInputs", 2)] },
  RESHAPE: { table: "ReshapeOptions", fields: [i32vec("newShape", 0, false)] },
  ADD: addSub("AddOptions"),
  SUB: addSub("SubOptions"),
  MUL: { table: "MulOptions", fields: [act(0)] },
  DIV: { table: "DivOptions", fields: [act(0)] },
  CONCATENATION: { table: "ConcatenationOptions", fields: [i32("axis", 0), act(1)] },
  MEAN: reducer,
  SUM: reducer,
  REDUCE_MAX: reducer,
  REDUCE_MIN: reducer,
  REDUCE_PROD: reducer,
  REDUCE_ANY: reducer,
  SQUEEZE: { table: "SqueezeOptions", fields: [i32vec("squeezeDims", 0, true)] },
  STRIDED_SLICE: {
    table: "StridedSliceOptions",
    fields: [
      i32("beginMask", 0), i32("endMask", 1), i32("ellipsisMask", 2), i32("newAxisMask", 3),
      i32("shrinkAxisMask", 4), bool("offset", 5),
    ],
  },
  SPLIT: { table: "SplitOptions", fields: [i32("numSplits", 0)] },
  SPLIT_V: { table: "SplitVOptions", fields: [i32("numSplits", 0)] },
  LEAKY_RELU: { table: "LeakyReluOptions", fields: [f32("alpha", 0)] },
  TRANSPOSE_CONV: {
    table: "TransposeConvOptions",
    fields: [padding(0), i32("strideW", 1), i32("strideH", 2), act(3)],
  },
  BATCH_MATMUL: {
    table: "BatchMatMulOptions",
    fields: [bool("adjX", 0), bool("adjY", 1), bool("asymmetricQuantizeInputs", 2)],
  },
  PACK: { table: "PackOptions", fields: [i32("valuesCount", 0), i32("axis", 1)] },
  UNPACK: { table: "UnpackOptions", fields: [i32("num", 0), i32("axis", 1)] },
  GATHER: { table: "GatherOptions", fields: [i32("axis", 0), i32("batchDims", 1)] },
  ARG_MAX: { table: "ArgMaxOptions", fields: [ttype("outputType", 0)] },
  ARG_MIN: { table: "ArgMinOptions", fields: [ttype("outputType", 0)] },
  RESIZE_BILINEAR: resize("ResizeBilinearOptions", 2),
  RESIZE_NEAREST_NEIGHBOR: resize("ResizeNearestNeighborOptions", 0),
  DEPTH_TO_SPACE: { table: "DepthToSpaceOptions", fields: [i32("blockSize", 0)] },
  SPACE_TO_DEPTH: { table: "SpaceToDepthOptions", fields: [i32("blockSize", 0)] },
  PAD: empty("PadOptions"),
  PADV2: empty("PadV2Options"),
  TRANSPOSE: empty("TransposeOptions"),
  QUANTIZE: empty("QuantizeOptions"),
  DEQUANTIZE: empty("DequantizeOptions"),
  HARD_SWISH: empty("HardSwishOptions"),
  MAXIMUM: empty("MaximumMinimumOptions"),
  MIRROR_PAD: { table: "MirrorPadOptions", fields: [u8("mode", 0)] },
  MINIMUM: empty("MaximumMinimumOptions"),
  // issue 15 (int8 arithmetic ops)
  CUMSUM: { table: "CumsumOptions", fields: [bool("exclusive", 0), bool("reverse", 1)] },
  L2_NORMALIZATION: { table: "L2NormOptions", fields: [act(0)] },
  // issue 15 (LSTM)
  UNIDIRECTIONAL_SEQUENCE_LSTM: {
    table: "UnidirectionalSequenceLSTMOptions",
    fields: [act(0), f32("cellClip", 1), f32("projClip", 2), bool("timeMajor", 3), bool("asymmetricQuantizeInputs", 4), bool("diagonalRecurrentTensors", 5)],
  },
};

/** Ops with options that name a quantized bias type (schema: Conv2D v8, FC v11, TransposeConv v5). */
export const BIAS_TYPE_FIELD: Readonly<Record<string, number>> = { CONV_2D: 6, FULLY_CONNECTED: 4, TRANSPOSE_CONV: 4 };

function enumName(names: readonly string[], v: number, what: string): string {
  const s = names[v];
  if (s === undefined) fail(1009, `${what} has unknown value ${v}`);
  return s;
}

/**
 * Decodes the options of one op. `typeId` is the op's builtin_options_type (0 = none);
 * `table` is the options table when present.
 */
export function decodeOptions(
  r: FlatReader,
  opcode: string,
  typeId: number,
  table: Table | undefined,
  where: string,
): OpOptions {
  const spec = OPTION_DECODERS[opcode];
  if (spec === undefined) return {};
  // Another op's options table: TFLite Micro reads none of it (defaults), and so does Mote.
  if (table !== undefined && typeId !== optionsTypeId(spec.table)) table = undefined;
  const out: OpOptions = {};
  for (const f of spec.fields) {
    const what = `${where} ${spec.table}.${f.name}`;
    switch (f.kind) {
      case "i32":
        out[f.name] = table ? r.i32(table, f.id, f.name, f.dflt as number) : (f.dflt as number);
        break;
      case "u8":
        out[f.name] = table ? r.u8(table, f.id, f.name, f.dflt as number) : (f.dflt as number);
        break;
      case "f32":
        out[f.name] = table ? r.f32(table, f.id, f.name, f.dflt as number) : (f.dflt as number);
        break;
      case "bool":
        out[f.name] = table ? r.bool(table, f.id, f.name, f.dflt as boolean) : (f.dflt as boolean);
        break;
      case "padding":
        out[f.name] = enumName(PADDING, table ? r.i8(table, f.id, f.name, f.dflt) : f.dflt, what);
        break;
      case "activation":
        // TFLite Micro's ConvertActivation maps an unknown value to NONE.
        out[f.name] = ACTIVATION[table ? r.i8(table, f.id, f.name, f.dflt) : f.dflt] ?? "NONE";
        break;
      case "tensorType":
        out[f.name] = enumName(TENSOR_TYPE_NAMES, table ? r.i8(table, f.id, f.name, f.dflt) : f.dflt, what);
        break;
      case "i32vec": {
        const v = table ? r.vector(table, f.id, f.name, 4) : undefined;
        if (v !== undefined) out[f.name] = r.int32s(v);
        else if (f.empty) out[f.name] = [];
        break;
      }
    }
  }
  const biasId = BIAS_TYPE_FIELD[opcode];
  if (table !== undefined && biasId !== undefined) {
    const t = r.i8(table, biasId, "quantizedBiasType", 0);
    if (t !== 0) out.quantizedBiasType = enumName(TENSOR_TYPE_NAMES, t, `${where} quantized_bias_type`);
  }
  return out;
}
