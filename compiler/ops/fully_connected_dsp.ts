/**
 * @fileoverview The compile-time half of kernels/fully_connected_dsp.ts (FULLY_CONNECTED with
 * SMLAD): which variant a layer gets (`chooseFcDsp`), the weights re-laid out as the Int32Array
 * the kernel's loops read in order (`packFcWeights`), and the call (`fcDspCall`). Used by
 * compiler/ops/fully_connected.ts, which decides whether the layer takes this kernel at all.
 *
 * Default variant: 4 rows per pass, offset-binary int8 weights (one AND per 4 weights; the
 * kernel header) where the layer allows it (no filter offset, no input offset left in the loop, a
 * constant bias, |dot product| < 2^23 proven from the weights), else int8 weights with SXTB16,
 * activations staged; int16 weights where the flash budget chose them (compiler/build/weights.ts,
 * LowerOptions.int16Weights). Per-op overrides (test infrastructure): the op options `moteFcRows`
 * (4 or 2), `moteFcWeights` (0 int8, 1 int16, 2 offset-binary int8; wins over the budget's
 * choice), `moteFcStaged` (0 or 1).
 */
import type { Graph, Op } from "../ir/graph.ts";
import {
  REQUANT_GENERAL, REQUANT_TABLE, REQUANT_UNIFORM, WEIGHTS_INT16, WEIGHTS_INT8, WEIGHTS_INT8_OB, type FullyConnectedDspParams,
} from "../../kernels/fully_connected_dsp.ts";
import { BIAS_FOLDED, BIAS_NONE, type FullyConnectedParams } from "../../kernels/fully_connected.ts";
import { cheapRequantTable, foldOutputOffset } from "./requant-table.ts";
import { intOption, opError } from "./operands.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelArg, KernelCall } from "./types.ts";

/** kernels/fully_connected_dsp.ts fullyConnectedDsp's array parameters, in order. */
export const FULLY_CONNECTED_DSP_SLOTS = [
  "input", "weights", "bias", "multipliers", "shifts", "table", "staged", "output",
] as const;

export const DSP_CONTRACT: KernelContract = { kernel: "fully_connected_dsp", fn: "fullyConnectedDsp", slots: FULLY_CONNECTED_DSP_SLOTS };

/** The variant fields of FullyConnectedDspParams. */
export interface FcDspChoice {
  rows: number;
  weights16: number;
  staged: number;
}

/** Largest |dot product| (exclusive) the offset-binary int8 weights are exact for: 256 times it fits an i32. */
export const OB_BOUND = 2 ** 23;

/**
 * Whether offset-binary int8 weights are exact for this layer: the kernel's dot product
 * sum_k w*x + (sum of w at even k) + 129 * (sum of w at odd k), x in [-128, 127], stays below
 * OB_BOUND in magnitude: |x + 1| <= 128 at even k, |x + 129| <= 256 at odd k.
 */
export function obExact(filter: Uint8Array, units: number, depth: number): boolean {
  const f = new Int8Array(filter.buffer, filter.byteOffset, units * depth);
  for (let r = 0; r < units; r++) {
    let bound = 0;
    for (let k = 0; k < depth; k++) bound += Math.abs(f[r * depth + k]) * (k % 2 === 1 ? 256 : 128);
    if (bound >= OB_BOUND) return false;
  }
  return true;
}

/** What chooseFcDsp needs of the layer. */
export interface FcShape {
  filter: Uint8Array;
  units: number;
  depth: number;
  /** The input offset the loop would still add (0 when folded into the bias or zero). */
  xOff: number;
  filterOffset: number;
  /** The bias is a constant or absent (so it can carry the offset-binary correction). */
  biasConstant: boolean;
}

/**
 * The variant of a layer (defaults in the header), unless the op's options say otherwise. Int8
 * weights need filterOffset 0 (the packed bytes cannot carry it); unstaged needs no input
 * offset in the loop. Returns null when int8 weights are asked for with a filter offset.
 * `int16`: the flash budget's choice for this layer (the default weights otherwise).
 */
export function chooseFcDsp(graph: Graph, op: Op, l: FcShape, int16 = false): FcDspChoice | null {
  const rows = intOption(graph, op, "moteFcRows", 4);
  if (rows !== 4 && rows !== 2) opError(graph, op, `moteFcRows must be 4 or 2, not ${rows}`);
  const obOk = l.filterOffset === 0 && l.xOff === 0 && l.biasConstant && obExact(l.filter, l.units, l.depth);
  let weights16 = intOption(graph, op, "moteFcWeights", int16 ? WEIGHTS_INT16 : obOk ? WEIGHTS_INT8_OB : WEIGHTS_INT8);
  if (weights16 !== WEIGHTS_INT8 && weights16 !== WEIGHTS_INT16 && weights16 !== WEIGHTS_INT8_OB) {
    opError(graph, op, `moteFcWeights must be 0, 1 or 2, not ${weights16}`);
  }
  if (weights16 === WEIGHTS_INT8_OB && !obOk) weights16 = WEIGHTS_INT8;
  if (weights16 !== WEIGHTS_INT16 && l.filterOffset !== 0) return null;
  const staged = weights16 === WEIGHTS_INT8_OB || l.xOff !== 0 || intOption(graph, op, "moteFcStaged", 1) !== 0 ? 1 : 0;
  return { rows, weights16, staged };
}

/**
 * The weights as kernels/fully_connected_dsp.ts reads them (its header): passes of `rows` rows,
 * then the rows left over one per pass; per pass, group (4 k, the last zero-padded), row: one
 * word of the 4 int8 bytes (little-endian; offset binary: bytes 0 and 2 plus 128), or two words of int16 pairs (f[4g], f[4g+2]) and
 * (f[4g+1], f[4g+3]) with the filter offset added (padding stays 0).
 */
export function packFcWeights(
  filter: Uint8Array, units: number, depth: number, rows: number, weights16: number, filterOffset: number,
): number[] {
  const f = new Int8Array(filter.buffer, filter.byteOffset, units * depth);
  const groups = Math.ceil(depth / 4);
  const w = (r: number, k: number): number => (k < depth ? f[r * depth + k] + filterOffset : 0);
  const out: number[] = [];
  const pass = (first: number, n: number): void => {
    for (let g = 0; g < groups; g++) {
      for (let r = first; r < first + n; r++) {
        const k = 4 * g;
        if (weights16 === WEIGHTS_INT16) {
          out.push(((w(r, k) & 0xffff) | (w(r, k + 2) << 16)) | 0, ((w(r, k + 1) & 0xffff) | (w(r, k + 3) << 16)) | 0);
        } else if (weights16 === WEIGHTS_INT8_OB) {
          out.push((w(r, k) + 128) | ((w(r, k + 1) & 255) << 8) | ((w(r, k + 2) + 128) << 16) | (w(r, k + 3) << 24));
        } else {
          out.push((w(r, k) & 255) | ((w(r, k + 1) & 255) << 8) | ((w(r, k + 2) & 255) << 16) | (w(r, k + 3) << 24));
        }
      }
    }
  };
  let oc = 0;
  for (; oc + rows <= units; oc += rows) pass(oc, rows);
  for (; oc < units; oc++) pass(oc, 1);
  return out;
}

/** What the layer's fullyConnected call carries, for fcDspCall. */
export interface FcLayer {
  opIndex: number;
  params: FullyConnectedParams;
  filterData: Uint8Array;
  units: number;
  input: KernelArg;
  bias: KernelArg;
  multipliers: number[];
  shifts: number[];
  output: KernelArg;
  /** The model's bias of channel oc (0 when absent), or null when the bias is not a constant. */
  modelBias: ((oc: number) => number) | null;
  macs: number;
}

const ABSENT: KernelArg = { kind: "tensor", tensor: -1 };
const i32Const = (name: string, data: number[]): KernelArg => ({ kind: "const", name, elem: "i32", data });

/** The fullyConnectedDsp call of a layer, with its variant named. */
export function fcDspCall(l: FcLayer, choice: FcDspChoice): KernelCall {
  const p = l.params;
  const depth = p.accumDepth;
  const f = new Int8Array(l.filterData.buffer, l.filterData.byteOffset, l.units * depth);
  const ob = choice.weights16 === WEIGHTS_INT8_OB;
  // What the kernel adds to its dot product: the folded or model bias, minus for offset-binary
  // weights the row's even-k weight sum and 129 times its odd-k weight sum (kernel header).
  const correction = (oc: number): number => {
    let s = 0;
    if (ob) for (let k = 0; k < depth; k++) s += f[oc * depth + k] * (k % 2 === 1 ? 129 : 1);
    return -s;
  };
  const given = l.bias;
  const kernelBias = (oc: number): number =>
    ((given.kind === "const" ? given.data[oc] : p.hasBias !== BIAS_NONE && l.modelBias ? l.modelBias(oc) : 0) + correction(oc)) | 0;
  const absSum = (oc: number): number => {
    let s = 0;
    for (let k = 0; k < depth; k++) s += Math.abs(f[oc * depth + k] + p.filterOffset);
    return s;
  };
  const table = l.modelBias !== null
    ? cheapRequantTable(l.units, kernelBias, l.modelBias, absSum, p.inputOffset, l.multipliers, l.shifts)
    : null;
  let hasBias = p.hasBias;
  let bias = given;
  if (ob && table === null) {
    // The correction needs a bias array; with no input offset left in the loop this is BIAS_FOLDED's meaning.
    hasBias = BIAS_FOLDED;
    bias = i32Const(`op${l.opIndex}_bias_ob`, Array.from({ length: l.units }, (_, oc) => kernelBias(oc)));
  }
  // One multiplier and shift for every channel (per-tensor weights): constants in the record, the table keeps the biases.
  const uniform = table !== null && table.every((v, i) => i % 4 === 0 || v === table[i % 4]);
  const requant = table === null ? REQUANT_GENERAL : uniform ? REQUANT_UNIFORM : REQUANT_TABLE;
  const params: FullyConnectedDspParams = {
    batches: p.batches, accumDepth: depth, outputDepth: p.outputDepth,
    inputOffset: p.inputOffset, outputOffset: p.outputOffset, actMin: p.actMin, actMax: p.actMax,
    hasBias, rows: choice.rows, weights16: choice.weights16, staged: choice.staged, table: requant,
    qMult: uniform ? table![1] : 0, qRound: uniform ? table![2] : 0, qShift: uniform ? table![3] : 0, qZp: 0,
  };
  // The output zero point inside the rounding constant where no sum can overflow (foldOutputOffset).
  const folded = uniform && l.modelBias !== null
    ? foldOutputOffset(table!, p.outputOffset, l.multipliers, l.modelBias, absSum, p.inputOffset)
    : null;
  if (folded !== null && folded.every((v, i) => i % 4 === 0 || v === folded[i % 4])) {
    params.qRound = folded[2];
    params.qShift = folded[3];
    params.qZp = 1;
  }
  const tableData = table === null ? [] : uniform ? table.filter((_, i) => i % 4 === 0) : table;
  const groups = Math.ceil(depth / 4);
  const format = choice.weights16 === WEIGHTS_INT16 ? "int16" : ob ? "int8 offset-binary" : "int8";
  const weights = packFcWeights(l.filterData, l.units, depth, choice.rows, choice.weights16, p.filterOffset);
  const call = kernelCall(DSP_CONTRACT.kernel, DSP_CONTRACT.fn, FULLY_CONNECTED_DSP_SLOTS, params, {
    input: l.input,
    weights: i32Const(`op${l.opIndex}_weights_${format.replace(/[ -]/g, "_")}_x${choice.rows}`, weights),
    bias: table !== null ? ABSENT : bias,
    multipliers: table !== null ? ABSENT : i32Const(`op${l.opIndex}_multipliers`, l.multipliers),
    shifts: table !== null ? ABSENT : i32Const(`op${l.opIndex}_shifts`, l.shifts),
    table: table !== null ? i32Const(`op${l.opIndex}_${uniform ? "bias_requant" : "requant_table"}`, tableData) : ABSENT,
    staged: choice.staged !== 0 ? { kind: "scratch", bytes: 8 * groups, elem: "i32" } : ABSENT,
    output: l.output,
  }, l.macs);
  call.variant = `smlad ${choice.rows} rows, ${format} w, ${choice.staged !== 0 ? "staged x" : "ld32 x"}, ${["general", "cheap table", "cheap uniform"][requant]} requant`;
  return call;
}
