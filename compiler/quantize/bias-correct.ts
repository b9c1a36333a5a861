/**
 * @fileoverview Empirical bias correction (as in Nagel et al., "Data-Free Quantization", §4.2,
 * empirical variant): before the int8 pass, each CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED's
 * float bias is shifted per output channel by the mean, over the calibration inputs, of (float
 * pre-activation output − pre-activation output of an int8 simulation). The simulation is the
 * float graph with int8 weights (quantizeWeights, dequantized), every activation rounded to its
 * calibrated int8 grid and other constants to theirs; layers are corrected in graph order, each
 * seeing the already-corrected layers before it, so a systematic error (weight rounding, or the
 * per-channel offset an ADD's rounding leaves) is removed once where it enters.
 *
 * All calibration inputs are stepped through the graph op by op together (two passes' worth of
 * float work: the float and the simulated values), tensors freed after their last use.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { Ranges } from "./calibrate.ts";
import { constantValues, runOp } from "./float/eval.ts";
import { activate, type Act } from "./float/ops.ts";
import { activationParams, quantizeConstant, quantizeValue, quantizeWeights, type QParams } from "./params.ts";

const WEIGHT_DIM: Readonly<Record<string, number>> = { CONV_2D: 0, FULLY_CONNECTED: 0, DEPTHWISE_CONV_2D: 3 };
const FIXED = new Set(["SOFTMAX", "LOGISTIC", "TANH"]);

type Values = (Float32Array | undefined)[];

function roundTo(v: Float32Array, p: QParams): void {
  for (let i = 0; i < v.length; i++) v[i] = (quantizeValue(v[i]!, p) - p.zeroPoint) * p.scale;
}

/** Dequantized per-channel int8 weights of `t` (channels along `dim`). */
function simulatedWeights(t: Tensor, w: Float32Array, dim: number): Float32Array {
  const q = quantizeWeights(w, t.shape, dim);
  const inner = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  return Float32Array.from(q.data, (v, i) => v * q.scales[Math.floor(i / inner) % t.shape[dim]!]!);
}

/** `graph` with corrected biases (a copy; `graph` is unchanged). Single-input samples. */
export function correctBiases(graph: Graph, samples: Float32Array[][], ranges: Ranges): Graph {
  const tensors = graph.tensors.map((t) => ({ ...t }));
  const fConst = graph.tensors.map(constantValues);
  const sConst = fConst.slice();
  const params = (t: number): QParams | undefined => {
    const r = ranges.get(t);
    return r && Number.isFinite(r[0]) && Number.isFinite(r[1]) ? activationParams(r[0], r[1]) : undefined;
  };
  // Simulated constants: int8 weights; other float operands (ADD/MUL/... constants) on their own grid.
  for (const op of graph.ops) {
    const dim = WEIGHT_DIM[op.opcode];
    if (dim !== undefined) {
      const w = op.inputs[1]!;
      if (fConst[w] && graph.tensors[w]!.dtype === "float32") sConst[w] = simulatedWeights(graph.tensors[w]!, fConst[w]!, dim);
      continue;
    }
    for (const t of op.inputs) {
      if (t < 0 || graph.tensors[t]!.dtype !== "float32" || !fConst[t] || op.opcode === "RESHAPE") continue;
      const q = quantizeConstant(fConst[t]!);
      sConst[t] = Float32Array.from(q.data, (v) => (v - q.params.zeroPoint) * q.params.scale);
    }
  }
  const lastUse = new Map<number, number>();
  graph.ops.forEach((op, i) => op.inputs.forEach((t) => lastUse.set(t, i)));
  const fv: Values[] = samples.map((x) => { const v: Values = fConst.slice(); graph.inputs.forEach((t, i) => (v[t] = x[i])); return v; });
  const sv: Values[] = samples.map((x) => {
    const v: Values = sConst.slice();
    graph.inputs.forEach((t, i) => {
      const p = params(t);
      v[t] = x[i]!.slice();
      if (p) roundTo(v[t]!, p);
    });
    return v;
  });

  graph.ops.forEach((op, i) => {
    const out = op.outputs[0]!;
    const p = FIXED.has(op.opcode) ? undefined : params(out);
    const biasT = op.inputs[2];
    if (WEIGHT_DIM[op.opcode] !== undefined && biasT !== undefined && biasT >= 0 && fConst[biasT] && graph.tensors[biasT]!.dtype === "float32") {
      const act = String(op.options.fusedActivationFunction ?? "NONE") as Act;
      const linear: Op = { ...op, options: { ...op.options, fusedActivationFunction: "NONE" } };
      const c = fConst[biasT]!.length;
      const diff = new Float64Array(c);
      const fPre = fv.map((v) => runOp(graph, linear, v));
      const sPre = sv.map((v) => runOp(graph, linear, v));
      let n = 0;
      fPre.forEach((f, s) => {
        const q = sPre[s]!;
        for (let k = 0; k < f.length; k++) diff[k % c] += f[k]! - q[k]!;
        n += f.length / c;
      });
      const bias = Float32Array.from(sConst[biasT]!, (b, ch) => b + diff[ch]! / n);
      sConst[biasT] = bias;
      tensors[biasT] = { ...tensors[biasT]!, data: new Uint8Array(bias.slice().buffer) };
      fv.forEach((v, s) => (v[out] = fPre[s]!.map((x) => activate(x, act))));
      sv.forEach((v, s) => {
        const y = sPre[s]!.map((x, k) => activate(x + diff[k % c]! / n, act));
        if (p) roundTo(y, p);
        v[out] = y;
      });
    } else {
      fv.forEach((v) => (v[out] = runOp(graph, op, v)));
      sv.forEach((v) => {
        const y = runOp(graph, op, v);
        if (p) roundTo(y, p);
        v[out] = y;
      });
    }
    for (const t of op.inputs) {
      if (t < 0 || lastUse.get(t) !== i || graph.outputs.includes(t) || graph.tensors[t]!.data !== undefined) continue;
      fv.forEach((v) => (v[t] = undefined));
      sv.forEach((v) => (v[t] = undefined));
    }
  });
  return { ...graph, tensors };
}
