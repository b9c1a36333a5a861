/**
 * @fileoverview Builds TF.js graph-model artifacts in a test: TF NodeDefs with their attribute
 * encodings (base64 strings, int lists as strings) and Const values in the weights manifest,
 * float32 or int32, with seeded random values. tfjs-converter runs the same artifacts.
 */
import type { TfjsArtifacts, WeightSpec } from "../../../compiler/import/tfjs/load.ts";
import { randomInput } from "./support.ts";

type Attr = Record<string, unknown>;

export const attr = {
  s: (v: string): Attr => ({ s: Buffer.from(v).toString("base64") }),
  ints: (v: number[]): Attr => ({ list: { i: v.map(String) } }),
  strs: (v: string[]): Attr => ({ list: { s: v.map((x) => Buffer.from(x).toString("base64")) } }),
  f: (v: number): Attr => ({ f: v }),
  b: (v: boolean): Attr => ({ b: v }),
  i: (v: number): Attr => ({ i: String(v) }),
  float: { type: "DT_FLOAT" } as Attr,
};

export class GraphModelBuilder {
  private nodes: { name: string; op: string; input: string[]; attr: Record<string, Attr> }[] = [];
  private specs: WeightSpec[] = [];
  private data: Uint8Array[] = [];
  private seed = 1;

  /** A float32 Const with random values in [lo, hi), or given values. */
  weight(name: string, shape: number[], lo = -0.5, hi = 0.5, values?: number[]): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = values ? Float32Array.from(values) : randomInput(n, this.seed++, lo, hi);
    return this.constant(name, shape, new Uint8Array(v.buffer), "float32");
  }

  ints(name: string, shape: number[], values: number[]): string {
    return this.constant(name, shape, new Uint8Array(Int32Array.from(values).buffer), "int32");
  }

  private constant(name: string, shape: number[], bytes: Uint8Array, dtype: "float32" | "int32"): string {
    const t = dtype === "float32" ? "DT_FLOAT" : "DT_INT32";
    this.nodes.push({ name, op: "Const", input: [], attr: { dtype: { type: t }, value: { tensor: { dtype: t, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } } });
    this.specs.push({ name, shape, dtype });
    this.data.push(bytes);
    return name;
  }

  placeholder(name: string, shape: number[]): string {
    return this.node(name, "Placeholder", [], { dtype: attr.float, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } });
  }

  node(name: string, op: string, input: string[], attrs: Record<string, Attr> = {}): string {
    // Converted models always carry dilations on convs; tfjs has no default for depthwise.
    const conv: Record<string, Attr> = op.includes("Conv") ? { dilations: attr.ints([1, 1, 1, 1]) } : {};
    this.nodes.push({ name, op, input, attr: { T: attr.float, ...conv, ...attrs } });
    return name;
  }

  /** The artifacts, with the node list reversed (model.json order is not topological). */
  build(name: string): TfjsArtifacts {
    const weightData = new Uint8Array(this.data.reduce((a, d) => a + d.length, 0));
    let at = 0;
    for (const d of this.data) {
      weightData.set(d, at);
      at += d.length;
    }
    return {
      name, format: "graph-model",
      modelTopology: { node: [...this.nodes].reverse(), versions: { producer: 1 }, library: {} },
      weightSpecs: this.specs, weightData,
    };
  }
}
