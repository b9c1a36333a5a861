/**
 * @fileoverview Lowers UNIDIRECTIONAL_SEQUENCE_LSTM (int8, and 16x8) to
 * kernels/unidirectional_sequence_lstm.ts, doing TFLite Micro's Prepare at compile time
 * (unidirectional_sequence_lstm.cc, lstm_eval.cc ValidateTensorStatus, lstm_eval_common.cc
 * CreateLstmSizeInfo / ValidateTensorSize / CreateGateParams / CreateInterGateMulParams /
 * CreateLstmCellStateInfo at 90b983c2):
 *  - each gate's input FC and recurrent FC requantize to the fixed 2^-12 gate scale with
 *    GetQuantizedConvolutionMultipler's double(float(in * w)) / 2^-12 (per-tensor weights: TFLM's
 *    LSTM reads only the per-tensor multiplier);
 *  - the inter-gate MULs: double(a) * double(b) / double(out), 2^-15 for the gate outputs, the
 *    cell state's scale, the hidden state's (scale, zero point);
 *  - the cell tanh's input scaling from CheckedLog2(cell scale), the cell clip truncated to the
 *    cell scale (static_cast<int16_t>);
 *  - int8: each gate bias gets the input offset folded in (bias - inputZp * row sum of weights).
 * What TFLM's integer LSTM rejects (projection, peephole, layer norm, CIFG, a non-int16 cell
 * state, a cell activation other than TANH) is rejected with MOTE3020. A float32 LSTM (float
 * input, weights, biases, hidden and cell state, as TFLM's float path) lowers to
 * unidirectionalSequenceLstmFloat with the cell clip as a one-element constant.
 */
import { fail } from "../diagnostics.ts";
import type { DType, Graph, Op, Tensor } from "../ir/graph.ts";
import type { LstmParams } from "../../kernels/unidirectional_sequence_lstm.ts";
import { SIGMOID_TABLE_UINT16, checkedLog2 } from "./sigmoid16.ts";
import { INT16 } from "./int16.ts";
import { opError, optionalInput, outputTensor, product, requireConstant, requireDType, tensorQuant } from "./operands.ts";
import { perTensorConvScale, quantizeMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { kernelCall, type KernelContract } from "./contract.ts";

/** The kernel entries' array parameters. */
export const LSTM_SLOTS = [
  "input", "inputWeights", "recurrentWeights", "bias", "quant", "table", "hidden", "cell", "output", "gates",
] as const;

/** TFLM's fixed scales: gate pre-activations Q3.12, gate outputs Q0.15. */
const GATE_INPUT_SCALE = 2 ** -12;
const GATE_OUTPUT_SCALE = 2 ** -15;

/** TFLite input slots (lstm_shared.h): 1-4 input-to-gate weights, 5-8 recurrent, 12-15 biases, all in gate order i, f, c, o. */
const INPUT_WEIGHTS = [1, 2, 3, 4];
const RECURRENT_WEIGHTS = [5, 6, 7, 8];
const BIASES = [12, 13, 14, 15];
const HIDDEN_STATE = 18;
const CELL_STATE = 19;

/** A variant TFLite Micro's integer LSTM does not run (or Mote does not yet): MOTE3020. */
function reject(op: Op, what: string): never {
  return fail(3020, op.index, what);
}

/** int8 weights of one gate: constant, [rows, cols], per tensor, zero point 0; its scale and values. */
function gateWeights(graph: Graph, op: Op, slot: number, rows: number, cols: number): { scale: number; values: Int8Array } {
  const t = optionalInput(graph, op, slot);
  if (t === undefined) reject(op, `input ${slot} (a gate weight) is absent: CIFG (no input gate) is not supported by TFLite Micro's integer LSTM`);
  requireDType(graph, op, t, `weight (input ${slot})`, "int8");
  requireConstant(graph, op, t, `weight (input ${slot})`);
  if (t.shape.length !== 2 || t.shape[0] !== rows || t.shape[1] !== cols) {
    opError(graph, op, `weight tensor ${t.index} (${t.name}) has shape [${t.shape.join(", ")}]; expected [${rows}, ${cols}]`);
  }
  const q = tensorQuant(graph, op, t, `weight (input ${slot})`);
  if (q.zeroPoint !== 0) opError(graph, op, `weight tensor ${t.index} (${t.name}) has zero point ${q.zeroPoint}; LSTM weights are symmetric`);
  return { scale: q.scale, values: new Int8Array(t.data!.buffer, t.data!.byteOffset, rows * cols) };
}

function variableState(graph: Graph, op: Op, slot: number, role: string, elements: number): Tensor {
  const t = optionalInput(graph, op, slot);
  if (t === undefined || !t.isVariable) opError(graph, op, `${role} (input ${slot}) must be a variable tensor`);
  if (product(t.shape) !== elements) opError(graph, op, `${role} tensor ${t.index} (${t.name}) has ${product(t.shape)} elements; expected ${elements}`);
  return t;
}

/** TFLite's QuantizeMultiplier of a real multiplier as [multiplier, shift]. */
function mq(real: number): [number, number] {
  const q = quantizeMultiplier(real);
  return [q.multiplier, q.shift];
}

export function lowerLstm(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 24) opError(graph, op, `has ${op.inputs.length} inputs; TFLite Micro's LSTM requires 24`);
  const input = optionalInput(graph, op, 0);
  if (input === undefined) opError(graph, op, "missing input (input 0)");
  requireDType(graph, op, input, "input", "int8", "int16", "float32");
  const wide = input.dtype === "int16";
  for (const s of [9, 10, 11]) if (optionalInput(graph, op, s) !== undefined) reject(op, `peephole weights (input ${s}) are not supported by TFLite Micro's integer LSTM`);
  for (const s of [16, 17]) if (optionalInput(graph, op, s) !== undefined) reject(op, `projection (input ${s}) is not supported by TFLite Micro's LSTM (it rejects the model in Prepare)`);
  for (const s of [20, 21, 22, 23]) if (optionalInput(graph, op, s) !== undefined) reject(op, `layer normalization (input ${s}) is not supported by TFLite Micro's LSTM`);
  const act = op.options["fusedActivationFunction"] ?? "NONE";
  if (act !== "TANH") reject(op, `cell activation ${String(act)}: TFLite Micro's LSTM runs TANH only`);
  if (input.shape.length !== 3) opError(graph, op, `input tensor ${input.index} (${input.name}) has shape [${input.shape.join(", ")}]; expected rank 3`);
  const timeMajor = op.options["timeMajor"] === true;
  const [d0, d1, inputSize] = input.shape as [number, number, number];
  const batches = timeMajor ? d1 : d0;
  const steps = timeMajor ? d0 : d1;
  const hidden = optionalInput(graph, op, HIDDEN_STATE);
  if (hidden === undefined) opError(graph, op, `hidden state (input ${HIDDEN_STATE}) is absent`);
  if (hidden.dtype !== input.dtype) opError(graph, op, `hidden state is ${hidden.dtype}; it must have the input's type ${input.dtype}`);
  const units = hidden.shape[hidden.shape.length - 1] ?? 0;
  // TFLM reads the state dimension from dims[1] of the hidden state.
  const stateDim = hidden.shape.length >= 2 ? hidden.shape[1]! : units;
  variableState(graph, op, HIDDEN_STATE, "hidden state", batches * stateDim);
  const cell = variableState(graph, op, CELL_STATE, "cell state", batches * stateDim);
  const output = outputTensor(graph, op, 0, "output");
  if (output.dtype !== input.dtype) opError(graph, op, `output is ${output.dtype}; it must have the input's type ${input.dtype}`);
  if (output.shape.length !== 3 || output.shape[0] !== d0 || output.shape[1] !== d1 || output.shape[2] !== stateDim) {
    opError(graph, op, `output has shape [${output.shape.join(", ")}]; expected [${d0}, ${d1}, ${stateDim}]`);
  }
  const layout = {
    outer: timeMajor ? 1 : batches, rows: timeMajor ? batches : 1, steps,
    outerStride: timeMajor ? 0 : steps, stepStride: timeMajor ? batches : 1, inputSize, units: stateDim,
  };
  if (input.dtype === "float32") return lowerLstmFloat(graph, op, { input, hidden, cell, output, layout, batches, steps });
  if (cell.dtype !== "int16") reject(op, `cell state is ${cell.dtype}; the quantized LSTM only supports an int16 cell state`);
  const inQ = tensorQuant(graph, op, input, "input");
  const hQ = tensorQuant(graph, op, hidden, "hidden state");
  const cQ = tensorQuant(graph, op, cell, "cell state");
  if (wide && (inQ.zeroPoint !== 0 || hQ.zeroPoint !== 0)) opError(graph, op, "int16 input and hidden state must have zero point 0 (16x8 activations are symmetric)");
  const S = stateDim;
  const inputWeights: number[] = [];
  const recurrentWeights: number[] = [];
  const bias: number[] = [];
  const quant: number[] = [];
  for (let g = 0; g < 4; g++) {
    const w = gateWeights(graph, op, INPUT_WEIGHTS[g]!, S, inputSize);
    const rw = gateWeights(graph, op, RECURRENT_WEIGHTS[g]!, S, S);
    inputWeights.push(...w.values);
    recurrentWeights.push(...rw.values);
    quant.push(...mq(perTensorConvScale(inQ.scale, w.scale, GATE_INPUT_SCALE)), ...mq(perTensorConvScale(hQ.scale, rw.scale, GATE_INPUT_SCALE)));
    const b = optionalInput(graph, op, BIASES[g]!);
    if (b === undefined) opError(graph, op, `gate bias (input ${BIASES[g]}) is absent; TFLite Micro's LSTM requires all four`);
    requireDType(graph, op, b, `bias (input ${BIASES[g]})`, wide ? "int64" : "int32");
    requireConstant(graph, op, b, `bias (input ${BIASES[g]})`);
    if (b.shape.length !== 1 || b.shape[0] !== S) opError(graph, op, `bias tensor ${b.index} (${b.name}) has shape [${b.shape.join(", ")}]; expected [${S}]`);
    const view = new DataView(b.data!.buffer, b.data!.byteOffset, b.data!.byteLength);
    for (let s = 0; s < S; s++) {
      if (wide) {
        bias.push(view.getInt32(8 * s, true), view.getInt32(8 * s + 4, true));
      } else {
        let rowSum = 0;
        for (let i = 0; i < inputSize; i++) rowSum += w.values[s * inputSize + i]!;
        bias.push((view.getInt32(4 * s, true) - Math.imul(inQ.zeroPoint, rowSum)) | 0);
      }
    }
  }
  const cellLog = checkedLog2(cQ.scale);
  const tanhLeft = 15 + cellLog.log2 - 3;
  const cellClip = Number(op.options["cellClip"] ?? 0);
  const quantizedClip = Math.trunc(Math.min(Math.max(Math.fround(cellClip) / cQ.scale, -32768), 32767));
  const [forgetMultiplier, forgetShift] = mq((GATE_OUTPUT_SCALE * cQ.scale) / cQ.scale);
  const [inputMultiplier, inputShift] = mq((GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE) / cQ.scale);
  const [hiddenMultiplier, hiddenShift] = mq((GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE) / hQ.scale);
  if (tanhLeft > 12) opError(graph, op, `cell state scale ${cQ.scale} is too large for TFLite's int16 tanh`);
  const params: LstmParams = {
    outer: timeMajor ? 1 : batches,
    rows: timeMajor ? batches : 1,
    steps,
    outerStride: timeMajor ? 0 : steps,
    stepStride: timeMajor ? batches : 1,
    inputSize,
    units: S,
    hiddenZeroPoint: hQ.zeroPoint,
    actMin: wide ? -32768 : -128,
    actMax: wide ? 32767 : 127,
    forgetMultiplier, forgetShift, inputMultiplier, inputShift, hiddenMultiplier, hiddenShift,
    cellClip: cellClip > 0 ? quantizedClip : -1,
    cellTanhMultiplier: tanhLeft < 0 ? 3 : 3 << tanhLeft,
    cellTanhShift: tanhLeft < 0 ? -tanhLeft : 0,
  };
  const macs = batches * steps * 4 * S * (inputSize + S);
  return [kernelCall("unidirectional_sequence_lstm", wide ? "unidirectionalSequenceLstm16" : "unidirectionalSequenceLstm", LSTM_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    inputWeights: { kind: "const", name: `op${op.index}_input_weights`, elem: "i8", data: inputWeights },
    recurrentWeights: { kind: "const", name: `op${op.index}_recurrent_weights`, elem: "i8", data: recurrentWeights },
    bias: { kind: "const", name: `op${op.index}_gate_bias`, elem: "i32", data: bias },
    quant: { kind: "const", name: `op${op.index}_gate_quant`, elem: "i32", data: quant },
    table: { kind: "const", name: `op${op.index}_sigmoid_table`, elem: "i32", data: [...SIGMOID_TABLE_UINT16] },
    hidden: { kind: "tensor", tensor: hidden.index },
    cell: { kind: "tensor", tensor: cell.index },
    output: { kind: "tensor", tensor: output.index },
    gates: { kind: "scratch", bytes: 8 * S, elem: "i16" },
  }, macs)];
}

/** float32 weights [rows, cols] of `slot` (constant), as numbers. */
function floatMatrix(graph: Graph, op: Op, slot: number, rows: number, cols: number, role: string): number[] {
  const t = optionalInput(graph, op, slot);
  if (t === undefined) reject(op, `input ${slot} (${role}) is absent: CIFG (no input gate) is not supported by TFLite Micro's LSTM`);
  requireDType(graph, op, t, `${role} (input ${slot})`, "float32");
  requireConstant(graph, op, t, `${role} (input ${slot})`);
  if (product(t.shape) !== rows * cols || t.shape[0] !== rows) {
    opError(graph, op, `${role} tensor ${t.index} (${t.name}) has shape [${t.shape.join(", ")}]; expected [${rows}${cols === 1 ? "" : `, ${cols}`}]`);
  }
  return [...new Float32Array(t.data!.buffer.slice(t.data!.byteOffset, t.data!.byteOffset + 4 * rows * cols))];
}

interface FloatLstmOperands {
  input: Tensor; hidden: Tensor; cell: Tensor; output: Tensor; batches: number; steps: number;
  layout: Pick<LstmParams, "outer" | "rows" | "steps" | "outerStride" | "stepStride" | "inputSize" | "units">;
}

/** The float32 LSTM (TFLM's LstmStep<float, ...>): float weights, biases and states. */
function lowerLstmFloat(graph: Graph, op: Op, o: FloatLstmOperands): KernelCall[] {
  const S = o.layout.units;
  const I = o.layout.inputSize;
  for (const [t, role] of [[o.hidden, "hidden state"], [o.cell, "cell state"]] as const) {
    if (t.dtype !== "float32") opError(graph, op, `${role} is ${t.dtype}; a float32 LSTM keeps float32 state`);
  }
  const inputWeights: number[] = [];
  const recurrentWeights: number[] = [];
  const bias: number[] = [];
  for (let g = 0; g < 4; g++) {
    inputWeights.push(...floatMatrix(graph, op, INPUT_WEIGHTS[g]!, S, I, "a gate weight"));
    recurrentWeights.push(...floatMatrix(graph, op, RECURRENT_WEIGHTS[g]!, S, S, "a recurrent weight"));
    if (optionalInput(graph, op, BIASES[g]!) === undefined) opError(graph, op, `gate bias (input ${BIASES[g]}) is absent; TFLite Micro's LSTM requires all four`);
    bias.push(...floatMatrix(graph, op, BIASES[g]!, S, 1, "a gate bias"));
  }
  const cellClip = Math.fround(Number(op.options["cellClip"] ?? 0));
  const params: LstmParams = {
    ...o.layout, hiddenZeroPoint: 0, actMin: 0, actMax: 0,
    forgetMultiplier: 0, forgetShift: 0, inputMultiplier: 0, inputShift: 0, hiddenMultiplier: 0, hiddenShift: 0,
    cellClip: cellClip > 0 ? 0 : -1, cellTanhMultiplier: 0, cellTanhShift: 0,
  };
  const macs = o.batches * o.steps * 4 * S * (I + S);
  return [kernelCall("unidirectional_sequence_lstm", "unidirectionalSequenceLstmFloat", LSTM_FLOAT_SLOTS, params, {
    input: { kind: "tensor", tensor: o.input.index },
    inputWeights: { kind: "const", name: `op${op.index}_input_weights`, elem: "f32", data: inputWeights },
    recurrentWeights: { kind: "const", name: `op${op.index}_recurrent_weights`, elem: "f32", data: recurrentWeights },
    bias: { kind: "const", name: `op${op.index}_gate_bias`, elem: "f32", data: bias },
    clip: { kind: "const", name: `op${op.index}_cell_clip`, elem: "f32", data: [cellClip] },
    hidden: { kind: "tensor", tensor: o.hidden.index },
    cell: { kind: "tensor", tensor: o.cell.index },
    output: { kind: "tensor", tensor: o.output.index },
    gates: { kind: "scratch", bytes: 16 * S, elem: "f32" },
  }, macs)];
}

/** The float entry's array parameters. */
export const LSTM_FLOAT_SLOTS = ["input", "inputWeights", "recurrentWeights", "bias", "clip", "hidden", "cell", "output", "gates"] as const;

export const CONTRACTS: KernelContract[] = [
  { kernel: "unidirectional_sequence_lstm", fn: "unidirectionalSequenceLstm", slots: LSTM_SLOTS },
  { kernel: "unidirectional_sequence_lstm", fn: "unidirectionalSequenceLstm16", slots: LSTM_SLOTS },
  { kernel: "unidirectional_sequence_lstm", fn: "unidirectionalSequenceLstmFloat", slots: LSTM_FLOAT_SLOTS },
];

/** The int16 cell state (int8 models), the 16x8 activations, and the float32 LSTM. */
export const ACTIVATION_TYPES = { UNIDIRECTIONAL_SEQUENCE_LSTM: [...INT16, "float32"] as readonly DType[] };

export const OPCODES: Record<string, LowerOp> = { UNIDIRECTIONAL_SEQUENCE_LSTM: lowerLstm };

export const NOTES: Record<string, string> = {
  UNIDIRECTIONAL_SEQUENCE_LSTM:
    "TFLite Micro's integer LSTM: int8 input/output/hidden state with int8 per-tensor weights and int32 biases, or 16x8 (int16 activations, int8 weights, int64 biases); int16 cell state (variable, kept across invocations), time-major or batch-major, cell clip; gate pre-activations at 2^-12 and gate outputs at 2^-15 as TFLM fixes them. float32 as TFLM's float LstmStep (FC sums in its order, clamps to +-FLT_MAX, its Logistic cutoffs), with f32-only e^x and tanh within a few ulp of its libm (the same on every Mote target). Projection, peephole, layer norm and CIFG are rejected (MOTE3020), as TFLM rejects them.",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  UNIDIRECTIONAL_SEQUENCE_LSTM: "the gate FCs run the plain reference loop (no SMLAD variant); float32 e^x and tanh are Mote's (TFLM's come from libm).",
};
