/**
 * @fileoverview Facts from TFLite's schema.fbs (schema version 3, "TFL3"): field ids of the
 * tables the importer reads, the BuiltinOperator and TensorType enums, and the BuiltinOptions
 * union member order.
 *
 * Read by import.ts and options.ts; nothing here reads bytes. Field ids are declaration order in
 * schema.fbs, with a union taking two ids (its `_type` byte, then the value) and deprecated
 * fields keeping theirs. Appending to these tables is safe; reordering is not.
 */

import type { DType } from "../../ir/graph.ts";

export const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4 } as const;
export const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;
export const BUFFER = { data: 0, offset: 1, size: 2 } as const;
export const TENSOR = {
  shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, isVariable: 5, sparsity: 6,
  shapeSignature: 7, hasRank: 8, variantTensors: 9,
} as const;
export const QUANT = {
  min: 0, max: 1, scale: 2, zeroPoint: 3, detailsType: 4, details: 5, quantizedDimension: 6,
} as const;
export const OPERATOR_CODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;
export const OPERATOR = {
  opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4,
  customOptions: 5, customOptionsFormat: 6, mutatingVariableInputs: 7, intermediates: 8,
  largeCustomOptionsOffset: 9, largeCustomOptionsSize: 10, builtinOptions2Type: 11,
  builtinOptions2: 12,
} as const;

/** Schema version this importer reads (Model.version). */
export const SCHEMA_VERSION = 3;
export const FILE_IDENTIFIER = "TFL3";

/** BuiltinOperator, indexed by code 0..209 (the schema's codes are dense up to there). */
const BUILTIN_OPERATORS: readonly string[] = [
  "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
  "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION",
  "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D",
  "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR",
  "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS",
  "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN",
  "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB",
  "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP",
  "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST",
  "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG",
  "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE",
  "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL",
  "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE",
  "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK",
  "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN",
  "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD",
  "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS",
  "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND",
  "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG",
  "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",
  "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM",
  "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D",
  "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND",
  "HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE",
  "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL",
  "GELU", "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_SUM",
  "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT",
  "STABLEHLO_LOGISTIC", "STABLEHLO_ADD", "STABLEHLO_DIVIDE", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM", "STABLEHLO_RESHAPE",
  "STABLEHLO_CLAMP", "STABLEHLO_CONCATENATE", "STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_CONVOLUTION", "STABLEHLO_SLICE", "STABLEHLO_CUSTOM_CALL",
  "STABLEHLO_REDUCE", "STABLEHLO_ABS", "STABLEHLO_AND", "STABLEHLO_COSINE", "STABLEHLO_EXPONENTIAL", "STABLEHLO_FLOOR",
  "STABLEHLO_LOG", "STABLEHLO_MINIMUM", "STABLEHLO_NEGATE", "STABLEHLO_OR", "STABLEHLO_POWER", "STABLEHLO_REMAINDER",
  "STABLEHLO_RSQRT", "STABLEHLO_SELECT", "STABLEHLO_SUBTRACT", "STABLEHLO_TANH", "STABLEHLO_SCATTER", "STABLEHLO_COMPARE",
  "STABLEHLO_CONVERT", "STABLEHLO_DYNAMIC_SLICE", "STABLEHLO_DYNAMIC_UPDATE_SLICE", "STABLEHLO_PAD", "STABLEHLO_IOTA", "STABLEHLO_DOT_GENERAL",
  "STABLEHLO_REDUCE_WINDOW", "STABLEHLO_SORT", "STABLEHLO_WHILE", "STABLEHLO_GATHER", "STABLEHLO_TRANSPOSE", "DILATE",
  "STABLEHLO_RNG_BIT_GENERATOR", "REDUCE_WINDOW", "STABLEHLO_COMPOSITE", "STABLEHLO_SHIFT_LEFT", "STABLEHLO_CBRT", "STABLEHLO_CASE",
];

/** TEMP_STREAMING_CONV_2D = 225 is the only code past the dense range. */
const SPARSE_BUILTIN_OPERATORS: ReadonlyMap<number, string> = new Map([[225, "TEMP_STREAMING_CONV_2D"]]);

export const CUSTOM_CODE = 32;
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** The schema name of builtin operator `code`, or undefined for a code the schema lacks. */
export function builtinOpName(code: number): string | undefined {
  if (Number.isInteger(code) && code >= 0 && code < BUILTIN_OPERATORS.length) return BUILTIN_OPERATORS[code];
  return SPARSE_BUILTIN_OPERATORS.get(code);
}

/** TensorType names by code (schema order). */
export const TENSOR_TYPE_NAMES: readonly string[] = [
  "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64",
  "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4", "BFLOAT16", "INT2",
];

/** The TensorTypes Mote represents, mapped to graph dtypes; all others are rejected (1005). */
export const TENSOR_TYPE_TO_DTYPE: ReadonlyMap<number, DType> = new Map<number, DType>([
  [0, "float32"], [2, "int32"], [3, "uint8"], [4, "int64"], [6, "bool"], [7, "int16"], [9, "int8"],
]);

export function tensorTypeName(code: number): string {
  return TENSOR_TYPE_NAMES[code] ?? `type#${code}`;
}

/** BuiltinOptions union members in declaration order; the union type byte is index + 1. */
const BUILTIN_OPTIONS_UNION: readonly string[] = [
  "Conv2DOptions", "DepthwiseConv2DOptions", "ConcatEmbeddingsOptions", "LSHProjectionOptions",
  "Pool2DOptions", "SVDFOptions", "RNNOptions", "FullyConnectedOptions",
  "SoftmaxOptions", "ConcatenationOptions", "AddOptions", "L2NormOptions",
  "LocalResponseNormalizationOptions", "LSTMOptions", "ResizeBilinearOptions", "CallOptions",
  "ReshapeOptions", "SkipGramOptions", "SpaceToDepthOptions", "EmbeddingLookupSparseOptions",
  "MulOptions", "PadOptions", "GatherOptions", "BatchToSpaceNDOptions",
  "SpaceToBatchNDOptions", "TransposeOptions", "ReducerOptions", "SubOptions",
  "DivOptions", "SqueezeOptions", "SequenceRNNOptions", "StridedSliceOptions",
  "ExpOptions", "TopKV2Options", "SplitOptions", "LogSoftmaxOptions",
  "CastOptions", "DequantizeOptions", "MaximumMinimumOptions", "ArgMaxOptions",
  "LessOptions", "NegOptions", "PadV2Options", "GreaterOptions",
  "GreaterEqualOptions", "LessEqualOptions", "SelectOptions", "SliceOptions",
  "TransposeConvOptions", "SparseToDenseOptions", "TileOptions", "ExpandDimsOptions",
  "EqualOptions", "NotEqualOptions", "ShapeOptions", "PowOptions",
  "ArgMinOptions", "FakeQuantOptions", "PackOptions", "LogicalOrOptions",
  "OneHotOptions", "LogicalAndOptions", "LogicalNotOptions", "UnpackOptions",
  "FloorDivOptions", "SquareOptions", "ZerosLikeOptions", "FillOptions",
  "BidirectionalSequenceLSTMOptions", "BidirectionalSequenceRNNOptions", "UnidirectionalSequenceLSTMOptions", "FloorModOptions",
  "RangeOptions", "ResizeNearestNeighborOptions", "LeakyReluOptions", "SquaredDifferenceOptions",
  "MirrorPadOptions", "AbsOptions", "SplitVOptions", "UniqueOptions",
  "ReverseV2Options", "AddNOptions", "GatherNdOptions", "CosOptions",
  "WhereOptions", "RankOptions", "ReverseSequenceOptions", "MatrixDiagOptions",
  "QuantizeOptions", "MatrixSetDiagOptions", "HardSwishOptions", "IfOptions",
  "WhileOptions", "DepthToSpaceOptions", "NonMaxSuppressionV4Options", "NonMaxSuppressionV5Options",
  "ScatterNdOptions", "SelectV2Options", "DensifyOptions", "SegmentSumOptions",
  "BatchMatMulOptions", "CumsumOptions", "CallOnceOptions", "BroadcastToOptions",
  "Rfft2dOptions", "Conv3DOptions", "HashtableOptions", "HashtableFindOptions",
  "HashtableImportOptions", "HashtableSizeOptions", "VarHandleOptions", "ReadVariableOptions",
  "AssignVariableOptions", "RandomOptions", "BucketizeOptions", "GeluOptions",
  "DynamicUpdateSliceOptions", "UnsortedSegmentProdOptions", "UnsortedSegmentMaxOptions", "UnsortedSegmentMinOptions",
  "UnsortedSegmentSumOptions", "ATan2Options", "SignOptions", "BitcastOptions",
  "BitwiseXorOptions", "RightShiftOptions",
];

/** The union type byte of a BuiltinOptions member (throws on a misspelt name: a programming error). */
export function optionsTypeId(table: string): number {
  const i = BUILTIN_OPTIONS_UNION.indexOf(table);
  if (i < 0) throw new Error(`unknown BuiltinOptions member ${table}`);
  return i + 1;
}
