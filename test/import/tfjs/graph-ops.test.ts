/**
 * @fileoverview Every TF op the graph-model importer takes, in synthetic graph models built here
 * (graph-builder.ts) and run by tfjs-converter on the cpu backend: unfused Conv2D + BiasAdd +
 * FusedBatchNormV3 (folded), Relu6, Pad, strided/dilated/EXPLICIT-padded convs, depthwise (plain
 * and fused), _FusedConv2D with Prelu, LeakyRelu, Sub/Mul/AddV2 with constants, ConcatV2,
 * AvgPool/MaxPool SAME and VALID, Mean, Squeeze, Reshape with -1, MatMul and _FusedMatMul
 * (transpose_b), Sigmoid, Softmax, Tanh, PadV2, Identity, Add of a per-channel constant after a
 * conv (folded), Minimum/Maximum (clip_by_value → RELU6, else MAXIMUM), AddN. Mote's float reference equals tfjs's
 * output for every output node within 1e-4.
 */
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import { importTfjs, type TfjsArtifacts } from "../../../compiler/import/tfjs/load.ts";
import { evaluateFloat } from "../../../compiler/quantize/float/eval.ts";
import { attr, GraphModelBuilder } from "./graph-builder.ts";
import { maxAbsDiff, randomInput, tfCpu } from "./support.ts";

const S = (v: string) => attr.s(v);

function syntheticGraph(): TfjsArtifacts {
  const g = new GraphModelBuilder();
  const x = g.placeholder("x", [-1, 10, 10, 3]);
  const p = g.node("pad", "Pad", [x, g.ints("pad/paddings", [4, 2], [0, 0, 1, 1, 2, 0, 0, 0])]);
  const c1 = g.node("conv1", "Conv2D", [p, g.weight("conv1/w", [3, 3, 3, 8])], { strides: attr.ints([1, 2, 2, 1]), padding: S("VALID"), data_format: S("NHWC") });
  const b1 = g.node("conv1/bias", "BiasAdd", [c1, g.weight("conv1/b", [8])]);
  const bn = g.node("bn", "FusedBatchNormV3", [b1, g.weight("bn/g", [8], 0.5, 1.5), g.weight("bn/beta", [8]), g.weight("bn/mean", [8]), g.weight("bn/var", [8], 0.2, 1)], { epsilon: attr.f(0.001) });
  const r6 = g.node("relu6", "Relu6", [bn]);
  const dw = g.node("dw", "DepthwiseConv2dNative", [r6, g.weight("dw/w", [3, 3, 8, 2])], { strides: attr.ints([1, 1, 1, 1]), padding: S("SAME"), dilations: attr.ints([1, 2, 2, 1]) });
  const lr = g.node("leaky", "LeakyRelu", [dw], { alpha: attr.f(0.1) });
  const c2 = g.node("conv2", "_FusedConv2D", [lr, g.weight("conv2/w", [1, 1, 16, 8]), g.weight("conv2/b", [8]), g.weight("conv2/alpha", [8], 0, 0.3)], {
    strides: attr.ints([1, 1, 1, 1]), padding: S("SAME"), fused_ops: attr.strs(["BiasAdd", "Prelu"]), num_args: attr.i(2),
  });
  const e = g.node("conv3", "_FusedConv2D", [r6, g.weight("conv3/w", [3, 3, 8, 8]), g.weight("conv3/b", [8])], {
    strides: attr.ints([1, 1, 1, 1]), padding: S("EXPLICIT"), explicit_paddings: attr.ints([0, 0, 1, 1, 1, 1, 0, 0]),
    fused_ops: attr.strs(["BiasAdd", "Relu"]), num_args: attr.i(1),
  });
  const fdw = g.node("fdw", "FusedDepthwiseConv2dNative", [e, g.weight("fdw/w", [3, 3, 8, 1]), g.weight("fdw/b", [8])], {
    strides: attr.ints([1, 1, 1, 1]), padding: S("SAME"), fused_ops: attr.strs(["BiasAdd", "Relu6"]), num_args: attr.i(1),
  });
  // Conv2D + Add(per-channel constant) folds into the bias; clip_by_value(0, 6) becomes a fused RELU6; AddN chains ADDs.
  const c4 = g.node("conv4", "Conv2D", [r6, g.weight("conv4/w", [1, 1, 8, 8])], { strides: attr.ints([1, 1, 1, 1]), padding: S("SAME") });
  const a4 = g.node("conv4/add", "Add", [c4, g.weight("conv4/b", [1, 1, 1, 8])]);
  const mn = g.node("clip/min", "Minimum", [a4, g.weight("clip/six", [], 0, 0, [6])]);
  const mx = g.node("clip", "Maximum", [g.weight("clip/zero", [], 0, 0, [0]), mn]);
  const an = g.node("addn", "AddN", [mx, fdw, e], { N: attr.i(3) });
  const s = g.node("sub", "Sub", [c2, an]);
  const m = g.node("mul", "Mul", [s, g.weight("mul/k", [], 0.5, 0.6)]);
  const a = g.node("addc", "AddV2", [g.weight("addc/k", [8]), m]);
  const cat = g.node("concat", "ConcatV2", [a, r6, g.ints("concat/axis", [], [-1])], { N: attr.i(2) });
  const ap = g.node("avgpool", "AvgPool", [cat], { ksize: attr.ints([1, 3, 3, 1]), strides: attr.ints([1, 2, 2, 1]), padding: S("SAME") });
  const mp = g.node("maxpool", "MaxPool", [cat], { ksize: attr.ints([1, 2, 2, 1]), strides: attr.ints([1, 2, 2, 1]), padding: S("VALID") });
  const mean = g.node("mean", "Mean", [mp, g.ints("mean/axes", [2], [1, 2])], { keep_dims: attr.b(true) });
  const sq = g.node("squeeze", "Squeeze", [mean], { squeeze_dims: attr.ints([1, 2]) });
  const rs = g.node("reshape", "Reshape", [ap, g.ints("reshape/shape", [2], [-1, 144])]);
  const fc = g.node("fc", "MatMul", [rs, g.weight("fc/w", [144, 10], -0.2, 0.2)], { transpose_a: attr.b(false), transpose_b: attr.b(false) });
  const fc2 = g.node("fc2", "_FusedMatMul", [sq, g.weight("fc2/w", [10, 16]), g.weight("fc2/b", [10])], {
    transpose_a: attr.b(false), transpose_b: attr.b(true), fused_ops: attr.strs(["BiasAdd", "Relu"]), num_args: attr.i(1),
  });
  const add = g.node("add", "AddV2", [fc, fc2]);
  g.node("out_sigmoid", "Identity", [g.node("sigmoid", "Sigmoid", [add])]);
  g.node("out_softmax", "Softmax", [add]);
  const floor = g.node("floor", "Maximum", [fc, g.weight("floor/v", [], 0, 0, [0.1])]);
  const padded = g.node("padv2", "PadV2", [floor, g.ints("padv2/p", [2, 2], [0, 0, 1, 2]), g.weight("padv2/v", [], 0, 0, [0.25])]);
  g.node("out_tanh", "Tanh", [padded]);
  return g.build("synthetic-graph");
}

describe("graph-model ops against tfjs-converter", () => {
  it("a synthetic graph with every supported op: folds and fusions as TFLite, outputs equal tfjs", async () => {
    const art = syntheticGraph();
    const g = importTfjs(art);
    const ops = g.ops.map((o) => o.opcode + (o.options.fusedActivationFunction && o.options.fusedActivationFunction !== "NONE" ? `+${String(o.options.fusedActivationFunction)}` : ""));
    // BiasAdd and FusedBatchNormV3 fold into conv1, whose Relu6 fuses; the EXPLICIT conv gets a PAD.
    expect(ops.slice(0, 2)).toEqual(["PAD", "CONV_2D+RELU6"]);
    expect(ops.filter((o) => o === "CONV_2D+RELU6")).toHaveLength(2);
    expect(ops.filter((o) => o === "MAXIMUM")).toHaveLength(1);
    expect(ops).not.toContain("MINIMUM");
    for (const o of ["DEPTHWISE_CONV_2D", "LEAKY_RELU", "CONV_2D", "PRELU", "CONV_2D+RELU", "DEPTHWISE_CONV_2D+RELU6", "SUB", "MUL", "ADD", "CONCATENATION",
      "AVERAGE_POOL_2D", "MAX_POOL_2D", "MEAN", "RESHAPE", "FULLY_CONNECTED", "FULLY_CONNECTED+RELU", "LOGISTIC", "SOFTMAX", "PADV2", "TANH"]) {
      expect(ops).toContain(o);
    }
    expect(g.ops.some((o) => o.opcode === "AFFINE")).toBe(false);
    const names = g.outputs.map((t) => g.tensors[t]!.name);
    expect(names.sort()).toEqual(["out_softmax", "out_tanh", "sigmoid"]);

    await tfCpu();
    const d = art.weightData;
    const model = await loadGraphModel(tf.io.fromMemory({
      modelTopology: art.modelTopology as object, weightSpecs: art.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData: d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer, format: "graph-model",
    }));
    for (const seed of [1, 2]) {
      const xv = randomInput(300, seed, -1, 1);
      const x = tf.tensor(xv, [1, 10, 10, 3]);
      const outNames = g.outputs.map((t) => g.tensors[t]!.name);
      const ref = model.execute(x, outNames) as tf.Tensor[];
      const mine = evaluateFloat(g, [xv]).outputs;
      for (let i = 0; i < mine.length; i++) {
        expect(maxAbsDiff(mine[i]!, new Float32Array(await ref[i]!.data())), outNames[i]).toBeLessThan(1e-4);
      }
      tf.dispose([x, ...ref]);
    }
  });
});
