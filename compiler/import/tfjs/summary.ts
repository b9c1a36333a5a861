/**
 * @fileoverview What an imported TF.js model is, for `mote analyze model.json`: its float inputs
 * and outputs and one row per op of the float graph (opcode with its fused activation, shapes,
 * parameters, MACs). The int8 build figures of `mote analyze` need the quantization pass (the
 * next step), so they are not here.
 */

import { elementCount, isConstant, type Graph } from "../../ir/graph.ts";

export interface FloatLayer {
  op: number;
  opcode: string;
  activation: string;
  inputs: number[][];
  output: number[];
  params: number;
  macs: number;
}

export interface FloatSummary {
  model: string;
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  layers: FloatLayer[];
  totals: { ops: number; params: number; macs: number };
}

export function floatSummary(g: Graph): FloatSummary {
  const layers = g.ops.map((o): FloatLayer => {
    const out = g.tensors[o.outputs[0]!]!.shape;
    const w = o.inputs[1] !== undefined && o.inputs[1] >= 0 ? g.tensors[o.inputs[1]]!.shape : [];
    const outN = out.reduce((a, b) => a * b, 1);
    const macs = o.opcode === "CONV_2D" ? outN * w[1]! * w[2]! * w[3]!
      : o.opcode === "DEPTHWISE_CONV_2D" ? outN * w[1]! * w[2]!
      : o.opcode === "FULLY_CONNECTED" ? outN * w[1]! : 0;
    const params = o.inputs.filter((t) => t >= 0 && isConstant(g.tensors[t]!) && g.tensors[t]!.dtype === "float32")
      .reduce((a, t) => a + elementCount(g.tensors[t]!), 0);
    return {
      op: o.index, opcode: o.opcode, activation: String(o.options.fusedActivationFunction ?? "NONE"),
      inputs: o.inputs.filter((t) => t >= 0 && !isConstant(g.tensors[t]!)).map((t) => g.tensors[t]!.shape),
      output: out, params, macs,
    };
  });
  const io = (ts: number[]) => ts.map((t) => ({ name: g.tensors[t]!.name, shape: g.tensors[t]!.shape }));
  return {
    model: g.name, inputs: io(g.inputs), outputs: io(g.outputs), layers,
    totals: { ops: layers.length, params: layers.reduce((a, l) => a + l.params, 0), macs: layers.reduce((a, l) => a + l.macs, 0) },
  };
}

export function floatSummaryText(s: FloatSummary): string {
  const num = (n: number): string => n.toLocaleString("en");
  const shape = (d: number[]): string => `[${d.join(",")}]`;
  const rows = s.layers.map((l) => [
    String(l.op), l.activation === "NONE" ? l.opcode : `${l.opcode}+${l.activation}`,
    `${l.inputs.map(shape).join(" ")} -> ${shape(l.output)}`, num(l.params), num(l.macs),
  ]);
  const head = ["op", "opcode", "inputs -> output", "params", "MACs"];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) => `  ${c.map((x, i) => (i === 0 || i >= 3 ? x.padStart(width[i]!) : x.padEnd(width[i]!))).join("  ").trimEnd()}`;
  return [
    `${s.model}: TF.js model imported as a float32 graph (add --calibration DATA for the int8 model it quantizes to, or run mote quantize)`, "",
    "Inputs and outputs (float32):",
    ...s.inputs.map((t, i) => `  input ${i}  ${t.name}  ${shape(t.shape)}`),
    ...s.outputs.map((t, i) => `  output ${i}  ${t.name}  ${shape(t.shape)}`), "",
    "Layers (execution order):", line(head), ...rows.map(line),
    `  total: ${s.totals.ops} ops, ${num(s.totals.params)} parameters, ${num(s.totals.macs)} MACs`, "",
  ].join("\n");
}
