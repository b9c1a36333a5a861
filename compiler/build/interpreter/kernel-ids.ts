/**
 * @fileoverview The interpreter's kernel ids: one stable number per kernel entry function, as
 * TFLite numbers its builtin operators. A model image (compiler/build/interpreter/image.ts) names
 * the kernel of each step by this id, and the generated dispatch (dispatch.ts) and the
 * interpreter's image check (runtime/interpreter.ts `imageStatus`) reject an id the build does
 * not contain.
 *
 * Rules (test/build/interpreter/kernel-ids.test.ts enforces them against kernels/):
 *  - every entry function (`export function x(p: XParams, ...)` in kernels/<stem>.ts, matched by
 *    KERNEL_ENTRY) has an id, keyed `stem.x` (signal/<name>.ts: `signal/name.x`);
 *  - a new entry takes the next free id: one more than the largest id here or in RETIRED;
 *  - an id is never changed or reused: when an entry goes away, move its line to RETIRED.
 * Ids 1-30 are the numbering the directory scan gave before this table existed, so images built
 * then still name the same kernels.
 */

/** An entry function of a kernel file: exported, first parameter a params record. */
export const KERNEL_ENTRY = /^export function (\w+)\(\s*\w+\s*:\s*\w+Params\b/gm;

export const KERNEL_IDS: Readonly<Record<string, number>> = {
  "add.add": 1,
  "arg_max.argMax": 2,
  "average_pool_2d.averagePool2d": 3,
  "batch_matmul.batchMatmul": 4,
  "concatenation.concatenation": 5,
  "conv_2d.conv2d": 6,
  "depthwise_conv_2d.depthwiseConv2d": 7,
  "dequantize.dequantize": 8,
  "elu.elu": 9,
  "fully_connected.fullyConnected": 10,
  "hard_swish.hardSwish": 11,
  "leaky_relu.leakyRelu": 12,
  "logistic.logistic": 13,
  "max_pool_2d.maxPool2d": 14,
  "maximum_minimum.maximumMinimum": 15,
  "mul.mul": 16,
  "pad.pad": 17,
  "prelu.prelu": 18,
  "quantize.quantize": 19,
  "reduce.reduceMeanSum": 20,
  "relu.relu": 21,
  "reshape.reshape": 22,
  "resize_bilinear.resizeBilinear": 23,
  "resize_nearest_neighbor.resizeNearestNeighbor": 24,
  "softmax.softmax": 25,
  "split.split": 26,
  "strided_slice.stridedSlice": 27,
  "tanh.tanhInt8": 28,
  "transpose.transpose": 29,
  "transpose_conv.transposeConv": 30,
  // The plain reference kernels (test infrastructure: LowerOptions.reference).
  "conv_2d.conv2dReference": 31,
  "depthwise_conv_2d.depthwiseConv2dReference": 32,
  "fully_connected.fullyConnectedReference": 33,
  // The SIMD (Cortex-M7 DSP) siblings of the fast kernels (issue 10).
  "fully_connected_dsp.fullyConnectedDsp": 34,
  "conv_2d_dsp.conv2dDsp": 35,
  // conv2dDsp's staging (kernels/conv_2d_dsp_stage.ts exports them to conv_2d_dsp.ts).
  "conv_2d_dsp_stage.stageWindow": 36,
  "conv_2d_dsp_stage.stagePixel": 37,
  "conv_2d_dsp_stage.copyRow": 38,
  // The audio front ends of signal/ (stems "signal/<name>").
  "signal/mfcc.mfcc": 39,
  "signal/log_mel.logMel": 40,
  // TFLite Micro's int8 data-movement ops, comparisons, bool and int32 tensors (issue 15).
  "gather.gather": 41,
  "fill.fill": 42,
  "fill.zeros": 43,
  "arg_min.argMin": 44,
  "cast.castToInt16": 45,
  "cast.castToInt32": 46,
  "cast.castToFloat32": 47,
  "comparisons.comparison": 48,
  "select_v2.selectV2": 49,
  // issue 15, int8 arithmetic and float32 ops.
  "abs.absInt8": 50,
  "rsqrt.rsqrt": 51,
  "l2_normalization.l2Normalization": 52,
  "reduce_max_min.reduceMaxMin": 53,
  "cumsum.cumsum": 54,
  "add_n.addN": 55,
  "squared_difference.squaredDifference": 56,
  "div.div": 57,
  "float_unary.floatUnary": 58,
  "log_softmax.logSoftmax": 59,
  "float_binary.floatBinary": 60,
  "l2_normalization.l2NormalizationFloat": 61,
  "reduce_max_min.reduceMaxMinFloat": 62,
  "cumsum.cumsumFloat": 63,
  "add_n.addNFloat": 64,
  // The 16x8 (int16 activation) variants (issue 15).
  "fully_connected.fullyConnected16": 65,
  "conv_2d.conv2d16": 66,
  "depthwise_conv_2d.depthwiseConv2d16": 67,
  "add.add16": 68,
  "mul.mul16": 69,
  "average_pool_2d.averagePool2d16": 70,
  "max_pool_2d.maxPool2d16": 71,
  "relu.relu16": 72,
  "leaky_relu.leakyRelu16": 73,
  "concatenation.concatenation16": 74,
  "quantize.quantize16": 75,
  "dequantize.dequantize16": 76,
  "transpose_conv.transposeConv16": 77,
  "reduce.reduceMeanSum16": 78,
  "softmax.softmax16": 79,
  "logistic.logistic16": 80,
  "tanh.tanh16": 81,
  // UNIDIRECTIONAL_SEQUENCE_LSTM (issue 15).
  "unidirectional_sequence_lstm.unidirectionalSequenceLstm": 82,
  "unidirectional_sequence_lstm.unidirectionalSequenceLstm16": 83,
  // SVDF (issue 15): int16 state, then the int8-state variant, then float32.
  "svdf.svdf": 84,
  "svdf.svdfState8": 85,
  "svdf.svdfFloat": 86,
  // SOFTMAX int8 -> int16 (issue 15, branch opsc).
  "softmax.softmaxInt16Out": 87,
  // QUANTIZE int8/int16 -> int32 (issue 15, branch opsc: the keyword_scrambled models' last op).
  "quantize.quantizeToInt32": 88,
  // ABS int16 (issue 15, branch opsc).
  "abs.absInt16": 89,
  // RSQRT int16 (issue 15, branch opsc).
  "rsqrt.rsqrt16": 90,
  // SQUARED_DIFFERENCE int16 (issue 15, branch opsc).
  "squared_difference.squaredDifference16": 91,
  // float32 FLOOR_DIV, FLOOR_MOD, LOG, SIN and COS (issue 15, branch h-floatops).
  "log.logFloat": 94,
  "sin_cos.sinCos": 95,
  // float32 UNIDIRECTIONAL_SEQUENCE_LSTM (issue 15, branch h-floatops).
  "unidirectional_sequence_lstm.unidirectionalSequenceLstmFloat": 96,
};

/** Ids of entries that no longer exist, with the entry each named. Never reused. */
export const RETIRED_KERNEL_IDS: Readonly<Record<number, string>> = {
  // FLOOR_DIV and FLOOR_MOD became `fn` values of float_binary.floatBinary (same session: no image named them).
  92: "floor_div.floorDiv",
  93: "floor_mod.floorMod",
};
