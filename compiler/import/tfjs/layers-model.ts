/**
 * @fileoverview TF.js LayersModel (a Keras config: Sequential or functional Model) → GraphBuilder
 * ops. Weights are found by name, `<layer>/<kernel|bias|depthwise_kernel|pointwise_kernel|gamma|
 * beta|moving_mean|moving_variance|alpha>`. Layouts become TFLite's as for graph models; a layer's
 * `activation` becomes a separate op that passes.ts fuses where TFLite would; BatchNormalization is
 * an AFFINE that passes.ts folds into a conv or dense directly before it (else MUL + ADD).
 * Every unsupported layer (or activation) is collected first and reported in one MOTE6904.
 */

import { GraphBuilder, convFilterToTflite, transpose2d, type ConvOpts } from "./builder.ts";
import { badModel, badWeights, unsupported } from "./errors.ts";
import type { Weight } from "./manifest.ts";

type Config = Record<string, unknown>;
interface LayerDef {
  class_name: string;
  name?: string;
  config: Config;
  inbound_nodes?: unknown[];
}

const ACTIVATION_OPS: Record<string, string | null> = {
  linear: null, relu: "RELU", relu6: "RELU6", sigmoid: "LOGISTIC", softmax: "SOFTMAX", tanh: "TANH",
};
const SUPPORTED = new Set([
  "InputLayer", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense", "BatchNormalization", "Activation", "ReLU",
  "LeakyReLU", "PReLU", "Softmax", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "ZeroPadding2D",
  "Flatten", "Reshape", "Add", "Multiply", "Subtract", "Concatenate", "Dropout", "SpatialDropout2D",
]);

const layerName = (l: LayerDef): string => (l.config.name as string | undefined) ?? l.name ?? l.class_name;
const activationOf = (c: Config): string => {
  const a = c.activation;
  if (a === undefined || a === null) return "linear";
  return typeof a === "string" ? a : String((a as { class_name?: string }).class_name ?? a).toLowerCase();
};

/** Imports the Keras config `topology` into `b`. */
export function importLayersModel(b: GraphBuilder, topology: unknown, weights: Map<string, Weight>): void {
  const top = topology as Config;
  const model = (top.model_config ?? top) as { class_name: string; config: Config | LayerDef[] };
  const cls = model.class_name;
  if (cls !== "Sequential" && cls !== "Model" && cls !== "Functional") badModel(b.name, "modelTopology", `class ${cls} (Sequential or Model expected)`);
  const cfg = model.config;
  const layers = (Array.isArray(cfg) ? cfg : (cfg.layers as LayerDef[])) ?? [];

  const bad: string[] = [];
  for (const l of layers) {
    if (!SUPPORTED.has(l.class_name)) bad.push(`${l.class_name} (${layerName(l)})`);
    else if (!(activationOf(l.config) in ACTIVATION_OPS)) bad.push(`${l.class_name} with activation ${activationOf(l.config)} (${layerName(l)})`);
  }
  if (bad.length > 0) unsupported("layer", b.name, bad);

  const outOf = new Map<string, number>();
  if (cls === "Sequential") {
    let x: number | undefined;
    for (const l of layers) {
      if (x === undefined) {
        x = input(b, l);
        b.inputs.push(x);
        if (l.class_name === "InputLayer") continue;
      }
      x = lowerLayer(b, l, [x], weights);
    }
    if (x === undefined) badModel(b.name, "modelTopology", "the model has no layers");
    b.outputs.push(x);
    return;
  }
  for (const l of layers) {
    const name = layerName(l);
    if (l.class_name === "InputLayer") {
      outOf.set(name, input(b, l));
      continue;
    }
    const calls = (l.inbound_nodes ?? []) as unknown[][][];
    if (calls.length !== 1) badModel(b.name, name, `the layer is called ${calls.length} times (shared layers are not supported)`);
    if (!Array.isArray(calls[0]) || !calls[0].every((e) => Array.isArray(e) && typeof e[0] === "string")) {
      badModel(b.name, name, "its inbound_nodes are not [[layer, node, tensor, kwargs], ...] (Keras 2 / tfjs-layers format)");
    }
    const ins = calls[0]!.map((e) => {
      const t = outOf.get(e[0] as string);
      if (t === undefined) badModel(b.name, name, `its input ${String(e[0])} comes later or does not exist`);
      return t;
    });
    outOf.set(name, lowerLayer(b, l, ins, weights));
  }
  const ends = (key: string): number[] =>
    ((cfg as Config)[key] as unknown[][]).map((e) => {
      const t = outOf.get(e[0] as string);
      if (t === undefined) badModel(b.name, key, `${String(e[0])} is not a layer`);
      return t;
    });
  b.inputs.push(...ends("input_layers"));
  b.outputs.push(...ends("output_layers"));
}

function input(b: GraphBuilder, l: LayerDef): number {
  const shape = (l.config.batch_input_shape ?? l.config.batch_shape) as (number | null)[] | undefined;
  if (shape === undefined) badModel(b.name, layerName(l), "the first layer has no batch_input_shape");
  if (shape.slice(1).some((d) => d === null)) badModel(b.name, layerName(l), `input shape [${shape}] has unknown dimensions past the batch`);
  return b.activation(layerName(l), shape.map((d) => d ?? 1));
}

const pair = (v: unknown, dflt: number): [number, number] =>
  v === undefined || v === null ? [dflt, dflt] : Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : [v as number, v as number];

function lowerLayer(b: GraphBuilder, l: LayerDef, ins: number[], weights: Map<string, Weight>): number {
  const c = l.config;
  const name = layerName(l);
  const x = ins[0]!;
  const weight = (key: string): Weight => {
    const got = weights.get(`${name}/${key}`) ?? [...weights].find(([k]) => k.endsWith(`/${name}/${key}`))?.[1];
    if (got === undefined) badWeights(b.name, `layer ${name} has no weight ${name}/${key}`);
    if (!(got.values instanceof Float32Array)) badWeights(b.name, `weight ${name}/${key} is not float32`);
    return got;
  };
  /** The float values of weight `key`, checked against the shape the layer's config implies. */
  const w = (key: string, shape?: number[]): Float32Array => {
    const got = weight(key);
    if (shape !== undefined && got.shape.join(",") !== shape.join(",")) {
      badWeights(b.name, `weight ${name}/${key} has shape [${got.shape}], the layer's config needs [${shape}]`);
    }
    return got.values as Float32Array;
  };
  const channelsLast = (): void => {
    const df = c.data_format;
    if (df !== undefined && df !== null && df !== "channels_last") badModel(b.name, name, `data_format ${String(df)} (only channels_last)`);
  };
  const padding = (): "SAME" | "VALID" => {
    const p = String(c.padding ?? "valid").toUpperCase();
    if (p !== "SAME" && p !== "VALID") badModel(b.name, name, `padding ${p.toLowerCase()}`);
    return p;
  };
  const conv = (): ConvOpts => {
    channelsLast();
    const [sh, sw] = pair(c.strides, 1);
    const [dh, dw] = pair(c.dilation_rate, 1);
    return { padding: padding(), strideH: sh, strideW: sw, dilationH: dh, dilationW: dw };
  };
  const bias = (units: number): number => b.constant(`${name}/bias`, [units], c.use_bias === false ? new Float32Array(units) : w("bias", [units]));
  const withActivation = (y: number): number => activate(b, y, activationOf(c), name);
  const cin = b.shape(x).at(-1)!;

  switch (l.class_name) {
    case "Conv2D": {
      if ((c.groups as number | undefined ?? 1) !== 1) badModel(b.name, name, `groups ${String(c.groups)}`);
      const [kh, kw] = pair(c.kernel_size, 1);
      const cout = c.filters as number;
      const f = b.constant(`${name}/kernel`, [cout, kh, kw, cin], convFilterToTflite(w("kernel", [kh, kw, cin, cout]), kh, kw, cin, cout));
      return withActivation(b.conv(x, f, bias(cout), name, conv()));
    }
    case "DepthwiseConv2D": case "SeparableConv2D": {
      const [kh, kw] = pair(c.kernel_size, 1);
      // The multiplier comes from the kernel: tfjs-layers leaves depth_multiplier out of SeparableConv2D's config.
      const m = weight("depthwise_kernel").shape[3] ?? 1;
      const f = b.constant(`${name}/depthwise_kernel`, [1, kh, kw, cin * m], w("depthwise_kernel", [kh, kw, cin, m]));
      if (l.class_name === "DepthwiseConv2D") {
        return withActivation(b.depthwise(x, f, bias(cin * m), name, { ...conv(), multiplier: m }));
      }
      const dwOut = b.depthwise(x, f, b.constant(`${name}/depthwise_bias`, [cin * m], new Float32Array(cin * m)), `${name}/depthwise`, { ...conv(), multiplier: m });
      const cout = c.filters as number;
      const pw = b.constant(`${name}/pointwise_kernel`, [cout, 1, 1, cin * m], convFilterToTflite(w("pointwise_kernel", [1, 1, cin * m, cout]), 1, 1, cin * m, cout));
      const one: ConvOpts = { padding: "VALID", strideH: 1, strideW: 1, dilationH: 1, dilationW: 1 };
      return withActivation(b.conv(dwOut, pw, bias(cout), name, one));
    }
    case "Dense": {
      const units = c.units as number;
      const k = b.constant(`${name}/kernel`, [units, cin], transpose2d(w("kernel", [cin, units]), cin, units));
      return withActivation(b.dense(x, k, bias(units), name));
    }
    case "BatchNormalization": {
      const rank = b.shape(x).length;
      const axis = Array.isArray(c.axis) ? (c.axis as number[]) : [(c.axis as number | undefined) ?? -1];
      if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) badModel(b.name, name, `axis ${JSON.stringify(c.axis)} (only the last axis)`);
      const eps = (c.epsilon as number | undefined) ?? 0.001;
      const mean = w("moving_mean", [cin]);
      const v = w("moving_variance", [cin]);
      const g = c.scale === false ? new Float32Array(cin).fill(1) : w("gamma", [cin]);
      const beta = c.center === false ? new Float32Array(cin) : w("beta", [cin]);
      const k = g.map((gi, i) => gi / Math.sqrt(v[i]! + eps));
      return b.affine(x, k, beta.map((bi, i) => bi - mean[i]! * k[i]!), name);
    }
    case "Activation":
      return activate(b, x, activationOf(c), name, false);
    case "ReLU": {
      const max = c.max_value as number | null | undefined;
      const slope = (c.negative_slope as number | undefined) ?? 0;
      if (((c.threshold as number | undefined) ?? 0) !== 0) badModel(b.name, name, `threshold ${String(c.threshold)}`);
      if (slope !== 0 && (max === null || max === undefined)) return b.unary("LEAKY_RELU", x, name, { alpha: slope });
      if (slope !== 0 || (max !== null && max !== undefined && max !== 6)) badModel(b.name, name, `max_value ${String(max)} with negative_slope ${slope}`);
      return b.unary(max === 6 ? "RELU6" : "RELU", x, name);
    }
    case "LeakyReLU":
      return b.unary("LEAKY_RELU", x, name, { alpha: (c.alpha as number | undefined) ?? 0.3 });
    case "PReLU": {
      const alpha = weight("alpha");
      return b.binary("PRELU", x, b.constant(`${name}/alpha`, alpha.shape, alpha.values as Float32Array), name);
    }
    case "Softmax": {
      const axis = (c.axis as number | undefined) ?? -1;
      if (axis !== -1 && axis !== b.shape(x).length - 1) badModel(b.name, name, `axis ${axis} (only the last axis)`);
      return b.unary("SOFTMAX", x, name, { beta: 1 });
    }
    case "MaxPooling2D": case "AveragePooling2D": {
      channelsLast();
      const [fh, fw] = pair(c.pool_size, 2);
      const [sh, sw] = c.strides === null || c.strides === undefined ? [fh, fw] : pair(c.strides, 1);
      return b.pool(l.class_name === "MaxPooling2D" ? "MAX_POOL_2D" : "AVERAGE_POOL_2D", x, name, {
        padding: padding(), filterH: fh, filterW: fw, strideH: sh, strideW: sw,
      });
    }
    case "GlobalAveragePooling2D":
      channelsLast();
      return b.mean(x, [1, 2], c.keepdims === true, name);
    case "ZeroPadding2D": {
      channelsLast();
      const p = c.padding;
      const [[t, bo], [le, r]] = Array.isArray(p) && Array.isArray(p[0])
        ? [pair(p[0], 0), pair(p[1], 0)]
        : Array.isArray(p) ? [[p[0], p[0]], [p[1], p[1]]] as [number, number][] : [pair(p, 1), pair(p, 1)];
      return b.pad(x, [[0, 0], [t!, bo!], [le!, r!], [0, 0]], name);
    }
    case "Flatten":
      return b.reshape(x, [1, -1], name);
    case "Reshape":
      return b.reshape(x, [1, ...(c.target_shape as number[])], name);
    case "Add": case "Multiply": case "Subtract": {
      const opcode = l.class_name === "Add" ? "ADD" : l.class_name === "Multiply" ? "MUL" : "SUB";
      let y = x;
      for (let i = 1; i < ins.length; i++) y = b.binary(opcode, y, ins[i]!, i === ins.length - 1 ? name : `${name}/${i}`);
      return y;
    }
    case "Concatenate":
      return b.concat(ins, (c.axis as number | undefined) ?? -1, name);
    case "Dropout": case "SpatialDropout2D":
      return x;
  }
  throw new Error(`layers-model: layer ${l.class_name} passed the support check but has no lowering`);
}

function activate(b: GraphBuilder, y: number, activation: string, name: string, own = true): number {
  const opcode = ACTIVATION_OPS[activation];
  if (opcode === null || opcode === undefined) return y;
  if (own) b.tensors[y]!.name = `${name}/pre_activation`;
  return b.unary(opcode, y, name, opcode === "SOFTMAX" ? { beta: 1 } : {});
}
