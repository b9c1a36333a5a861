/**
 * @fileoverview The graph under construction while a TF.js model is imported: float32 activations
 * and constants, int32 shape/axis constants, TFLite opcode names and options, with each op's
 * output shape inferred as it is added (batch 1, NHWC).
 *
 * Used by graph-model.ts and layers-model.ts; passes.ts folds the internal AFFINE ops (BiasAdd,
 * batch norm) and fuses activations; `finish()` drops unused tensors and renumbers, giving a
 * `Graph` (compiler/ir/graph.ts) whose indices are positions.
 *
 * Invariants: constants own their bytes (a fresh, 0-offset ArrayBuffer); shapes are concrete
 * (no -1); an internal op ("AFFINE": y = x·scale + offset per last-axis channel) never survives
 * `finish()` (passes.ts lowers it to a fold or MUL + ADD).
 */

import type { Graph, Op, OpOptions, Tensor } from "../../ir/graph.ts";
import { badModel } from "./errors.ts";

/** A float constant or an int32 shape constant before it becomes tensor bytes. */
export type ConstValues = Float32Array | Int32Array;

export class GraphBuilder {
  readonly tensors: Tensor[] = [];
  readonly ops: Op[] = [];
  inputs: number[] = [];
  outputs: number[] = [];

  constructor(readonly name: string) {}

  /** A float32 (or int32) constant tensor holding a copy of `values`. */
  constant(name: string, shape: number[], values: ConstValues): number {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== values.length) throw new Error(`constant ${name}: ${values.length} values for shape [${shape}]`);
    const copy = values instanceof Int32Array ? new Int32Array(values) : new Float32Array(values);
    return this.push({
      index: this.tensors.length, name, shape: [...shape], isVariable: false,
      dtype: values instanceof Int32Array ? "int32" : "float32",
      data: new Uint8Array(copy.buffer),
    });
  }

  /** A float32 activation tensor. */
  activation(name: string, shape: number[]): number {
    return this.push({ index: this.tensors.length, name, dtype: "float32", shape: [...shape], isVariable: false });
  }

  private push(t: Tensor): number {
    this.tensors.push(t);
    return t.index;
  }

  shape(t: number): number[] {
    return this.tensors[t]!.shape;
  }

  /** Float values of a constant tensor, or undefined for an activation. */
  floats(t: number): Float32Array | undefined {
    const d = this.tensors[t]!.data;
    if (d === undefined || this.tensors[t]!.dtype !== "float32") return undefined;
    return new Float32Array(d.buffer, d.byteOffset, d.byteLength / 4);
  }

  /** Appends an op whose single output is a new float tensor of shape `outShape`. */
  op(opcode: string, inputs: number[], outShape: number[], outName: string, options: OpOptions = {}): number {
    const out = this.activation(outName, outShape);
    this.ops.push({ index: this.ops.length, opcode, version: 1, inputs, outputs: [out], options });
    return out;
  }

  /** The op producing tensor `t`, if any. */
  producer(t: number): Op | undefined {
    return this.ops.find((o) => o.outputs.includes(t));
  }

  /** Ops reading tensor `t`. */
  consumers(t: number): Op[] {
    return this.ops.filter((o) => o.inputs.includes(t));
  }

  // ----- ops with shape inference -------------------------------------------------------------

  /** CONV_2D: filter [out, kh, kw, in] (TFLite layout), bias [out]. */
  conv(x: number, filter: number, bias: number, name: string, o: ConvOpts): number {
    const [n, h, w] = this.shape(x);
    const [cout, kh, kw] = this.shape(filter);
    const oh = convOut(h!, kh!, o.strideH, o.dilationH, o.padding);
    const ow = convOut(w!, kw!, o.strideW, o.dilationW, o.padding);
    return this.op("CONV_2D", [x, filter, bias], [n!, oh, ow, cout!], name, {
      padding: o.padding, strideW: o.strideW, strideH: o.strideH, fusedActivationFunction: "NONE",
      dilationWFactor: o.dilationW, dilationHFactor: o.dilationH,
    });
  }

  /** DEPTHWISE_CONV_2D: filter [1, kh, kw, in·mult], bias [in·mult]. */
  depthwise(x: number, filter: number, bias: number, name: string, o: ConvOpts & { multiplier: number }): number {
    const [n, h, w] = this.shape(x);
    const [, kh, kw, cout] = this.shape(filter);
    const oh = convOut(h!, kh!, o.strideH, o.dilationH, o.padding);
    const ow = convOut(w!, kw!, o.strideW, o.dilationW, o.padding);
    return this.op("DEPTHWISE_CONV_2D", [x, filter, bias], [n!, oh, ow, cout!], name, {
      padding: o.padding, strideW: o.strideW, strideH: o.strideH, depthMultiplier: o.multiplier,
      fusedActivationFunction: "NONE", dilationWFactor: o.dilationW, dilationHFactor: o.dilationH,
    });
  }

  /** FULLY_CONNECTED: weights [out, in], bias [out]; rows are the input's leading dims. */
  dense(x: number, weights: number, bias: number, name: string): number {
    const xs = this.shape(x);
    const [units, depth] = this.shape(weights);
    if (xs[xs.length - 1] !== depth) badModel(this.name, name, `its input [${xs}] does not end in the weights' ${depth} inputs`);
    const keep = xs.length > 2;
    const out = keep ? [...xs.slice(0, -1), units!] : [xs.length === 2 ? xs[0]! : 1, units!];
    return this.op("FULLY_CONNECTED", [x, weights, bias], out, name, {
      fusedActivationFunction: "NONE", weightsFormat: 0, keepNumDims: keep, asymmetricQuantizeInputs: false,
    });
  }

  pool(kind: "MAX_POOL_2D" | "AVERAGE_POOL_2D", x: number, name: string, o: PoolOpts): number {
    const [n, h, w, c] = this.shape(x);
    const oh = convOut(h!, o.filterH, o.strideH, 1, o.padding);
    const ow = convOut(w!, o.filterW, o.strideW, 1, o.padding);
    return this.op(kind, [x], [n!, oh, ow, c!], name, {
      padding: o.padding, strideW: o.strideW, strideH: o.strideH, filterWidth: o.filterW,
      filterHeight: o.filterH, fusedActivationFunction: "NONE",
    });
  }

  /** PAD (or PADV2 with a constant value): `pads` is [before, after] per dimension. */
  pad(x: number, pads: [number, number][], name: string, value = 0): number {
    const xs = this.shape(x);
    if (pads.length !== xs.length) badModel(this.name, name, `${pads.length} padding pairs for a rank-${xs.length} input`);
    const p = this.constant(`${name}/paddings`, [pads.length, 2], Int32Array.from(pads.flat()));
    const out = xs.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    if (value === 0) return this.op("PAD", [x, p], out, name);
    const v = this.constant(`${name}/constant_values`, [], Float32Array.of(value));
    return this.op("PADV2", [x, p, v], out, name);
  }

  /** RESHAPE to `target` (one -1 allowed; batch 1). */
  reshape(x: number, target: number[], name: string): number {
    const n = this.shape(x).reduce((a, b) => a * b, 1);
    const known = target.reduce((a, b) => (b === -1 ? a : a * b), 1);
    const shape = target.map((d) => (d === -1 ? n / known : d));
    if (shape.reduce((a, b) => a * b, 1) !== n || shape.some((d) => !Number.isInteger(d))) {
      badModel(this.name, name, `cannot reshape [${this.shape(x)}] to [${target}]`);
    }
    const s = this.constant(`${name}/shape`, [shape.length], Int32Array.from(shape));
    return this.op("RESHAPE", [x, s], shape, name, { newShape: shape });
  }

  /** ADD, SUB, MUL, PRELU, MAXIMUM, MINIMUM: numpy broadcasting of the two inputs. */
  binary(opcode: string, a: number, b: number, name: string): number {
    const out = broadcastShape(this.shape(a), this.shape(b));
    if (out === undefined) badModel(this.name, name, `cannot broadcast [${this.shape(a)}] with [${this.shape(b)}]`);
    const options: OpOptions = ["ADD", "SUB", "MUL"].includes(opcode) ? { fusedActivationFunction: "NONE" } : {};
    if (opcode === "ADD" || opcode === "SUB") options.potScaleInt16 = true;
    return this.op(opcode, [a, b], out, name, options);
  }

  /** Shape-preserving single-input ops (RELU, SOFTMAX, LOGISTIC, ...). */
  unary(opcode: string, x: number, name: string, options: OpOptions = {}): number {
    return this.op(opcode, [x], this.shape(x), name, options);
  }

  mean(x: number, axes: number[], keepDims: boolean, name: string): number {
    const xs = this.shape(x);
    const ax = axes.map((a) => (a < 0 ? a + xs.length : a));
    const a = this.constant(`${name}/axes`, [ax.length], Int32Array.from(ax));
    const out = keepDims ? xs.map((d, i) => (ax.includes(i) ? 1 : d)) : xs.filter((_, i) => !ax.includes(i));
    return this.op("MEAN", [x, a], out, name, { keepDims });
  }

  concat(xs: number[], axis: number, name: string): number {
    const first = this.shape(xs[0]!);
    const ax = axis < 0 ? axis + first.length : axis;
    const out = [...first];
    out[ax] = 0;
    for (const x of xs) {
      const s = this.shape(x);
      if (s.length !== first.length || s.some((d, i) => i !== ax && d !== first[i])) {
        badModel(this.name, name, `cannot concatenate [${first}] and [${s}] on axis ${ax}`);
      }
      out[ax] += s[ax]!;
    }
    return this.op("CONCATENATION", xs, out, name, { axis: ax, fusedActivationFunction: "NONE" });
  }

  /**
   * Internal: y = x·scale + offset per channel of the last axis (folded or lowered by passes.ts).
   * Inputs [x, offset or -1, scale or -1].
   */
  affine(x: number, scale: Float32Array | undefined, offset: Float32Array | undefined, name: string): number {
    const c = this.shape(x).at(-1)!;
    if ((offset !== undefined && offset.length !== c) || (scale !== undefined && scale.length !== c)) {
      badModel(this.name, name, `${offset?.length ?? scale?.length} per-channel values for ${c} channels`);
    }
    const off = offset === undefined ? -1 : this.constant(`${name}/offset`, [c], offset);
    const sc = scale === undefined ? -1 : this.constant(`${name}/scale`, [c], scale);
    return this.op("AFFINE", [x, off, sc], this.shape(x), name);
  }

  /** The finished Graph: unused tensors dropped, indices renumbered to positions. */
  finish(): Graph {
    const used = new Set<number>([...this.inputs, ...this.outputs]);
    for (const o of this.ops) for (const t of [...o.inputs, ...o.outputs]) if (t >= 0) used.add(t);
    const map = new Map<number, number>();
    const tensors: Tensor[] = [];
    for (const t of this.tensors) {
      if (!used.has(t.index)) continue;
      map.set(t.index, tensors.length);
      tensors.push({ ...t, index: tensors.length });
    }
    const re = (i: number): number => (i < 0 ? i : map.get(i)!);
    const ops = this.ops.map((o, i) => ({ ...o, index: i, inputs: o.inputs.map(re), outputs: o.outputs.map(re) }));
    for (const o of ops) if (o.opcode === "AFFINE") throw new Error("AFFINE left in the graph");
    return { name: this.name, tensors, ops, inputs: this.inputs.map(re), outputs: this.outputs.map(re) };
  }
}

export interface ConvOpts {
  padding: "SAME" | "VALID";
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
}

export interface PoolOpts {
  padding: "SAME" | "VALID";
  strideH: number;
  strideW: number;
  filterH: number;
  filterW: number;
}

/** TF's output size for SAME / VALID padding. */
export function convOut(size: number, k: number, stride: number, dilation: number, padding: "SAME" | "VALID"): number {
  const ek = (k - 1) * dilation + 1;
  return padding === "SAME" ? Math.ceil(size / stride) : Math.floor((size - ek) / stride) + 1;
}

/** Numpy broadcasting of two shapes (right-aligned), or undefined when they do not broadcast. */
export function broadcastShape(a: number[], b: number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

// ----- layout conversions (TF → TFLite) -------------------------------------------------------

/** TF Conv2D filter [kh, kw, in, out] → TFLite CONV_2D [out, kh, kw, in]. */
export function convFilterToTflite(w: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) out[((o * kh + y) * kw + x) * cin + i] = w[((y * kw + x) * cin + i) * cout + o]!;
      }
    }
  }
  return out;
}

/** TF MatMul b [in, out] → TFLite FULLY_CONNECTED [out, in]. */
export function transpose2d(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}
// DepthwiseConv2dNative [kh, kw, in, mult] is already TFLite's [1, kh, kw, in·mult] element order.
