/**
 * @fileoverview TF.js GraphModel (TF NodeDefs, `format: "graph-model"`) → GraphBuilder ops.
 *
 * Const nodes take their values from the weights manifest (by node name); Placeholder is a model
 * input (batch -1 read as 1); Identity is an alias; every other node becomes TFLite ops with
 * layouts converted (conv filters [kh,kw,in,out] → [out,kh,kw,in], MatMul b [in,out] → [out,in]).
 * Nodes are visited in dependency order (a model.json's node list is not topological). Every
 * unsupported op (or fused op) is collected first and reported in one MOTE6903 naming each node.
 */

import { GraphBuilder, convFilterToTflite, transpose2d, type ConvOpts } from "./builder.ts";
import { badModel, badWeights, unsupported } from "./errors.ts";
import type { Weight } from "./manifest.ts";

interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}

interface AttrValue {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: string[]; f?: number[] };
  shape?: { dim?: { size: string }[]; unknownRank?: boolean };
}

const CONV_OPS = new Set(["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);
const SUPPORTED = new Set([
  "Const", "Placeholder", "Identity", ...CONV_OPS, "MatMul", "_FusedMatMul", "BiasAdd", "Add", "AddV2", "Sub", "Mul",
  "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "MaxPool", "AvgPool", "Pad", "PadV2", "Reshape", "Squeeze",
  "ConcatV2", "Mean", "Softmax", "Sigmoid", "Tanh", "Relu", "Relu6", "LeakyRelu", "Prelu", "NoOp", "Maximum", "Minimum", "AddN",
]);
const FUSED_ACTIVATIONS = new Set(["Relu", "Relu6", "Prelu", "LeakyRelu"]);

const decode = (s: string): string => Buffer.from(s, "base64").toString("utf8");
const inputName = (s: string): string => s.replace(/:\d+$/, "");

/** Imports the NodeDefs of `topology` into `b`. */
export function importGraphModel(b: GraphBuilder, topology: unknown, weights: Map<string, Weight>): void {
  const nodes = ((topology as { node?: NodeDef[] }).node ?? []) as NodeDef[];
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const bad: string[] = [];
  for (const n of nodes) {
    if (!SUPPORTED.has(n.op)) bad.push(`${n.op} (${n.name})`);
    else if (n.op.startsWith("_Fused") || n.op === "FusedDepthwiseConv2dNative") {
      const fused = strs(n, "fused_ops");
      const extra = fused.filter((f, i) => !(i === 0 && f === "BiasAdd") && !(i === fused.length - 1 && FUSED_ACTIVATIONS.has(f)));
      if (extra.length > 0) bad.push(`${n.op}[${fused.join(",")}] (${n.name})`);
    }
  }
  if (bad.length > 0) unsupported("op", b.name, bad);

  const tensorOf = new Map<string, number>();
  const consts = new Map<string, Weight>();
  const readers = new Set<string>();
  for (const n of nodes) for (const i of dataInputs(n)) readers.add(i);

  const visit = (n: NodeDef, stack: Set<string>): void => {
    if (tensorOf.has(n.name) || consts.has(n.name) || n.op === "NoOp") return;
    if (stack.has(n.name)) badModel(b.name, n.name, "the graph has a cycle");
    stack.add(n.name);
    for (const i of dataInputs(n)) {
      const m = byName.get(i);
      if (m === undefined) badModel(b.name, n.name, `its input ${i} is not a node of the graph`);
      visit(m, stack);
    }
    stack.delete(n.name);
    if (n.op === "Const") {
      const w = weights.get(n.name);
      if (w === undefined) badWeights(b.name, `Const node ${n.name} has no weight in the manifest`);
      consts.set(n.name, w);
      return;
    }
    tensorOf.set(n.name, lower(b, n, tensorOf, consts));
  };
  for (const n of nodes) visit(n, new Set());

  for (const n of nodes) {
    if (n.op === "Placeholder") b.inputs.push(tensorOf.get(n.name)!);
  }
  for (const n of nodes) {
    if (n.op !== "Const" && n.op !== "Placeholder" && n.op !== "NoOp" && !readers.has(n.name)) b.outputs.push(tensorOf.get(n.name)!);
  }
}

function dataInputs(n: NodeDef): string[] {
  return (n.input ?? []).filter((s) => !s.startsWith("^")).map(inputName);
}

function attr(n: NodeDef, key: string): AttrValue | undefined {
  return n.attr?.[key];
}
function str(n: NodeDef, key: string, dflt: string): string {
  const a = attr(n, key);
  return a?.s !== undefined ? decode(a.s) : dflt;
}
function strs(n: NodeDef, key: string): string[] {
  return (attr(n, key)?.list?.s ?? []).map(decode);
}
function ints(n: NodeDef, key: string, dflt: number[]): number[] {
  const l = attr(n, key)?.list?.i;
  return l === undefined || l.length === 0 ? dflt : l.map(Number);
}
function float(n: NodeDef, key: string, dflt: number): number {
  return attr(n, key)?.f ?? dflt;
}
function bool(n: NodeDef, key: string): boolean {
  return attr(n, key)?.b ?? false;
}

function lower(b: GraphBuilder, n: NodeDef, tensorOf: Map<string, number>, consts: Map<string, Weight>): number {
  const ins = dataInputs(n);
  const second = (n.input ?? []).find((s) => /:[1-9]\d*$/.test(s));
  if (second !== undefined) badModel(b.name, n.name, `it reads ${second}, a second output (Mote imports the first output of each node)`);
  const c = (k: number): Weight | undefined => consts.get(ins[k]!);
  const needConst = (k: number, what: string): Weight => {
    const w = c(k);
    if (w === undefined) badModel(b.name, n.name, `its ${what} (input ${k}) must be a constant`);
    return w;
  };
  const floats = (w: Weight, what: string): Float32Array => {
    if (!(w.values instanceof Float32Array)) badModel(b.name, n.name, `its ${what} is not float32`);
    return w.values;
  };
  /** Input k as a tensor: an activation, or a constant made into a float tensor. */
  const t = (k: number): number => {
    const got = tensorOf.get(ins[k]!);
    if (got !== undefined) return got;
    const w = needConst(k, "operand");
    return b.constant(ins[k]!, w.shape, floats(w, "operand"));
  };
  const df = str(n, "data_format", "NHWC");
  if (df !== "NHWC") badModel(b.name, n.name, `data_format ${df} (only NHWC)`);

  switch (n.op) {
    case "Placeholder": {
      const s = attr(n, "shape")?.shape;
      if (s === undefined || s.unknownRank) badModel(b.name, n.name, "the input has no known shape");
      const dims = (s.dim ?? []).map((d) => Number(d.size));
      if (dims.slice(1).some((d) => d < 0)) badModel(b.name, n.name, `input shape [${dims}] has unknown dimensions past the batch`);
      if (attr(n, "dtype")?.type !== undefined && attr(n, "dtype")!.type !== "DT_FLOAT") {
        badModel(b.name, n.name, `input dtype ${attr(n, "dtype")!.type} (float32 expected)`);
      }
      return b.activation(n.name, dims.map((d, i) => (i === 0 && d < 0 ? 1 : d)));
    }
    case "Identity":
      return t(0);
    case "Conv2D": case "_FusedConv2D": case "DepthwiseConv2dNative": case "FusedDepthwiseConv2dNative": {
      const x = t(0);
      const w = needConst(1, "filter");
      const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
      const depthwise = n.op.includes("Depthwise");
      const pad = str(n, "padding", "VALID");
      const strides = ints(n, "strides", [1, 1, 1, 1]);
      const dil = ints(n, "dilations", [1, 1, 1, 1]);
      let input = x;
      let padding: "SAME" | "VALID";
      if (pad === "EXPLICIT") {
        const p = ints(n, "explicit_paddings", []);
        input = b.pad(x, [0, 1, 2, 3].map((i) => [p[2 * i]!, p[2 * i + 1]!] as [number, number]), `${n.name}/explicit_pad`);
        padding = "VALID";
      } else if (pad === "SAME" || pad === "VALID") padding = pad;
      else badModel(b.name, n.name, `padding ${pad}`);
      const o: ConvOpts = { padding, strideH: strides[1]!, strideW: strides[2]!, dilationH: dil[1]!, dilationW: dil[2]! };
      const fused = strs(n, "fused_ops");
      const channels = depthwise ? cin * cout : cout;
      const bias = fused[0] === "BiasAdd" ? floats(needConst(2, "bias"), "bias") : new Float32Array(channels);
      const biasT = b.constant(`${n.name}/bias`, [channels], bias);
      const wv = floats(w, "filter");
      const y = depthwise
        ? b.depthwise(input, b.constant(ins[1]!, [1, kh, kw, channels], wv), biasT, n.name, { ...o, multiplier: cout })
        : b.conv(input, b.constant(ins[1]!, [cout, kh, kw, cin], convFilterToTflite(wv, kh, kw, cin, cout)), biasT, n.name, o);
      return fusedActivation(b, n, y, fused, t);
    }
    case "MatMul": case "_FusedMatMul": {
      if (bool(n, "transpose_a")) badModel(b.name, n.name, "transpose_a is set");
      const x = t(0);
      const w = needConst(1, "weights");
      const [r, cc] = w.shape as [number, number];
      const wv = floats(w, "weights");
      const [units, depth] = bool(n, "transpose_b") ? [r, cc] : [cc, r];
      const wt = bool(n, "transpose_b") ? wv : transpose2d(wv, r, cc);
      const fused = strs(n, "fused_ops");
      const bias = fused[0] === "BiasAdd" ? floats(needConst(2, "bias"), "bias") : new Float32Array(units);
      const y = b.dense(x, b.constant(ins[1]!, [units, depth], wt), b.constant(`${n.name}/bias`, [units], bias), n.name);
      return fusedActivation(b, n, y, fused, t);
    }
    case "BiasAdd":
      return b.affine(t(0), undefined, floats(needConst(1, "bias"), "bias"), n.name);
    case "FusedBatchNorm": case "FusedBatchNormV2": case "FusedBatchNormV3": {
      if (bool(n, "is_training")) badModel(b.name, n.name, "is_training is set");
      const [g, beta, mean, v] = [1, 2, 3, 4].map((k) => floats(needConst(k, "batch norm parameter"), "batch norm parameter"));
      const eps = float(n, "epsilon", 0.001);
      const k = g!.map((gi, i) => gi / Math.sqrt(v![i]! + eps));
      return b.affine(t(0), k, beta!.map((bi, i) => bi - mean![i]! * k[i]!), n.name);
    }
    case "Add": case "AddV2": case "Sub": case "Mul": {
      // An activation and a per-channel constant: an AFFINE, which folds into a conv or dense before it.
      const k = c(1) !== undefined && c(0) === undefined ? 1 : c(0) !== undefined && c(1) === undefined && n.op !== "Sub" ? 0 : -1;
      if (k >= 0) {
        const x = t(1 - k);
        const channels = b.shape(x).at(-1)!;
        const w = c(k)!;
        if (w.values instanceof Float32Array && w.values.length === channels && w.shape.every((d, i) => d === 1 || i === w.shape.length - 1) && w.shape.length <= b.shape(x).length) {
          const v = w.values;
          if (n.op === "Mul") return b.affine(x, v, undefined, n.name);
          return b.affine(x, undefined, n.op === "Sub" ? v.map((e) => -e) : v, n.name);
        }
      }
      return b.binary(n.op === "Sub" ? "SUB" : n.op === "Mul" ? "MUL" : "ADD", t(0), t(1), n.name);
    }
    case "Maximum": case "Minimum":
      return b.binary(n.op === "Maximum" ? "MAXIMUM" : "MINIMUM", t(0), t(1), n.name);
    case "AddN": {
      let y = t(0);
      for (let k = 1; k < ins.length; k++) y = b.binary("ADD", y, t(k), k === ins.length - 1 ? n.name : `${n.name}/${k}`);
      return y;
    }
    case "MaxPool": case "AvgPool": {
      const k = ints(n, "ksize", [1, 1, 1, 1]);
      const s = ints(n, "strides", [1, 1, 1, 1]);
      const pad = str(n, "padding", "VALID");
      if (pad !== "SAME" && pad !== "VALID") badModel(b.name, n.name, `padding ${pad}`);
      return b.pool(n.op === "MaxPool" ? "MAX_POOL_2D" : "AVERAGE_POOL_2D", t(0), n.name, {
        padding: pad, filterH: k[1]!, filterW: k[2]!, strideH: s[1]!, strideW: s[2]!,
      });
    }
    case "Pad": case "PadV2": {
      const p = Array.from(needConst(1, "paddings").values);
      const pairs = p.map((_, i) => i).filter((i) => i % 2 === 0).map((i) => [p[i]!, p[i + 1]!] as [number, number]);
      const value = n.op === "PadV2" ? needConst(2, "constant value").values[0]! : 0;
      return b.pad(t(0), pairs, n.name, value);
    }
    case "Reshape":
      return b.reshape(t(0), Array.from(needConst(1, "shape").values), n.name);
    case "Squeeze": {
      const x = t(0);
      const xs = b.shape(x);
      const dims = ints(n, "squeeze_dims", []).map((d) => (d < 0 ? d + xs.length : d));
      return b.reshape(x, xs.filter((d, i) => !(dims.length === 0 ? d === 1 : dims.includes(i))), n.name);
    }
    case "ConcatV2": {
      const axis = needConst(ins.length - 1, "axis").values[0]!;
      return b.concat(ins.slice(0, -1).map((_, k) => t(k)), axis, n.name);
    }
    case "Mean":
      return b.mean(t(0), Array.from(needConst(1, "axes").values), bool(n, "keep_dims"), n.name);
    case "Softmax":
      return b.unary("SOFTMAX", t(0), n.name, { beta: 1 });
    case "Sigmoid":
      return b.unary("LOGISTIC", t(0), n.name);
    case "Tanh":
      return b.unary("TANH", t(0), n.name);
    case "Relu":
      return b.unary("RELU", t(0), n.name);
    case "Relu6":
      return b.unary("RELU6", t(0), n.name);
    case "LeakyRelu":
      return b.unary("LEAKY_RELU", t(0), n.name, { alpha: float(n, "alpha", 0.2) });
    case "Prelu":
      return b.binary("PRELU", t(0), t(1), n.name);
  }
  throw new Error(`graph-model: op ${n.op} passed the support check but has no lowering`);
}

/** The activation after a fused conv or matmul (its extra args: bias, then prelu alpha). */
function fusedActivation(b: GraphBuilder, n: NodeDef, y: number, fused: string[], t: (k: number) => number): number {
  const act = fused.find((f) => FUSED_ACTIVATIONS.has(f));
  if (act === undefined) return y;
  const name = `${n.name}/${act}`;
  b.tensors[y]!.name = `${n.name}/pre_activation`;
  if (act === "Relu") return rename(b, b.unary("RELU", y, name), n.name);
  if (act === "Relu6") return rename(b, b.unary("RELU6", y, name), n.name);
  if (act === "LeakyRelu") return rename(b, b.unary("LEAKY_RELU", y, name, { alpha: float(n, "leakyrelu_alpha", 0.2) }), n.name);
  return rename(b, b.binary("PRELU", y, t(fused[0] === "BiasAdd" ? 3 : 2), name), n.name);
}

function rename(b: GraphBuilder, t: number, name: string): number {
  b.tensors[t]!.name = name;
  return t;
}
