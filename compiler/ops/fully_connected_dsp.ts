/**
 * @fileoverview The compile-time half of kernels/fully_connected_dsp.ts (FULLY_CONNECTED with
 * SMLAD): which variant a layer gets (`chooseFcDsp`), the weights re-laid out as the Int32Array
 * the kernel's loops read in order (`packFcWeights`), and the call (`fcDspCall`). Used by
 * compiler/ops/fully_connected.ts, which decides whether the layer takes this kernel at all.
 *
 * Per-op overrides (test infrastructure and, later, a flash-budget pass): the op options
 * `moteFcRows` (4 or 2), `moteFcWeights16` (0 or 1), `moteFcStaged` (0 or 1).
 */
import type { Graph, Op } from "../ir/graph.ts";
import { WEIGHTS_INT16, WEIGHTS_INT8, type FullyConnectedDspParams } from "../../kernels/fully_connected_dsp.ts";
import type { FullyConnectedParams } from "../../kernels/fully_connected.ts";
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

/**
 * The variant of a layer: 4 rows per pass, int8 weights, activations staged (defaults), unless
 * the op's options say otherwise. Int8 weights need filterOffset 0 (per-channel or symmetric
 * weights): the packed bytes cannot carry it. Unstaged needs no input offset left in the loop.
 * Returns null when int8 weights are asked for with a filter offset.
 */
export function chooseFcDsp(graph: Graph, op: Op, xOff: number, filterOffset: number): FcDspChoice | null {
  const rows = intOption(graph, op, "moteFcRows", 4);
  if (rows !== 4 && rows !== 2) opError(graph, op, `moteFcRows must be 4 or 2, not ${rows}`);
  const weights16 = intOption(graph, op, "moteFcWeights16", WEIGHTS_INT8) !== 0 ? WEIGHTS_INT16 : WEIGHTS_INT8;
  if (weights16 === WEIGHTS_INT8 && filterOffset !== 0) return null;
  const staged = xOff !== 0 || intOption(graph, op, "moteFcStaged", 1) !== 0 ? 1 : 0;
  return { rows, weights16, staged };
}

/**
 * The weights as kernels/fully_connected_dsp.ts reads them (its header): passes of `rows` rows,
 * then the rows left over one per pass; per pass, group (4 k, the last zero-padded), row: one
 * word of the 4 int8 bytes (little-endian), or two words of int16 pairs (f[4g], f[4g+2]) and
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
  multipliers: KernelArg;
  shifts: KernelArg;
  output: KernelArg;
  /** The cheap requantization table (cheapRequantTable), or null for the general path. */
  table: number[] | null;
  macs: number;
}

const ABSENT: KernelArg = { kind: "tensor", tensor: -1 };

/** The fullyConnectedDsp call of a layer, with its variant named. */
export function fcDspCall(l: FcLayer, choice: FcDspChoice): KernelCall {
  const p = l.params;
  const params: FullyConnectedDspParams = {
    batches: p.batches, accumDepth: p.accumDepth, outputDepth: p.outputDepth,
    inputOffset: p.inputOffset, outputOffset: p.outputOffset, actMin: p.actMin, actMax: p.actMax,
    hasBias: p.hasBias, rows: choice.rows, weights16: choice.weights16, staged: choice.staged,
    table: l.table !== null ? 1 : 0,
  };
  const groups = Math.ceil(p.accumDepth / 4);
  const weights = packFcWeights(l.filterData, l.units, p.accumDepth, choice.rows, choice.weights16, p.filterOffset);
  const call = kernelCall(DSP_CONTRACT.kernel, DSP_CONTRACT.fn, FULLY_CONNECTED_DSP_SLOTS, params, {
    input: l.input,
    weights: { kind: "const", name: `op${l.opIndex}_weights_${choice.weights16 === WEIGHTS_INT16 ? "i16" : "i8"}x${choice.rows}`, elem: "i32", data: weights },
    bias: l.table !== null ? ABSENT : l.bias,
    multipliers: l.table !== null ? ABSENT : l.multipliers,
    shifts: l.table !== null ? ABSENT : l.shifts,
    table: l.table !== null ? { kind: "const", name: `op${l.opIndex}_requant_table`, elem: "i32", data: l.table } : ABSENT,
    staged: choice.staged !== 0 ? { kind: "scratch", bytes: 8 * groups, elem: "i32" } : ABSENT,
    output: l.output,
  }, l.macs);
  call.variant = `smlad ${choice.rows} rows, ${choice.weights16 === WEIGHTS_INT16 ? "int16" : "int8"} w, `
    + `${choice.staged !== 0 ? "staged x" : "ld32 x"}, ${l.table !== null ? "cheap" : "general"} requant`;
  return call;
}
