/**
 * @fileoverview The importer against the shared golden data: the 5 reference models
 * (meta.json, layers/tensors.json) and every golden-ops case (meta.json: ops, options, operator
 * versions, tensors with shapes, dtypes, scales, zero points, quantized_dimension, constants).
 */

import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import type { Graph, Tensor } from "../../compiler/ir/graph.ts";
import { MODEL_NAMES, needShared, sharedFile } from "../support/shared.ts";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const readJson = (p: string): Json => JSON.parse(readFileSync(p, "utf8"));
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const f32 = (x: number): number => Math.fround(x);

/** Compares a tensor's quantization with golden `scale`/`zero_point` (number, array or null). */
function expectQuant(t: Tensor, scale: Json, zeroPoint: Json, qdim: Json): void {
  if (scale === null || scale === undefined) {
    expect(t.quant, `tensor ${t.index} ${t.name} quant`).toBeUndefined();
    return;
  }
  const scales: number[] = Array.isArray(scale) ? scale : [scale];
  const zps: number[] = Array.isArray(zeroPoint) ? zeroPoint : [zeroPoint];
  expect(t.quant, `tensor ${t.index} ${t.name} quant`).toBeDefined();
  expect(t.quant!.scale, `tensor ${t.index} scale`).toEqual(scales.map(f32));
  expect(t.quant!.zeroPoint, `tensor ${t.index} zero point`).toEqual(zps);
  if (qdim !== undefined && qdim !== null) expect(t.quant!.quantizedDimension).toBe(qdim);
}

function typedValues(t: Tensor): number[] {
  const d = t.data!;
  const buf = d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength);
  switch (t.dtype) {
    case "int8": return [...new Int8Array(buf)];
    case "uint8": return [...d];
    case "int16": return [...new Int16Array(buf)];
    case "int32": return [...new Int32Array(buf)];
    case "float32": return [...new Float32Array(buf)];
    default: return [...new BigInt64Array(buf)].map(Number);
  }
}

const models = needShared(...MODEL_NAMES.flatMap((n) => [`models/${n}.tflite`, `golden/${n}/meta.json`, `golden/${n}/layers/tensors.json`]));

describe.skipIf(models.skip)("importTflite on the shared reference models", () => {
  for (const name of MODEL_NAMES) {
    it(`${name} matches meta.json and layers/tensors.json`, () => {
      const g: Graph = loadModel(sharedFile("models", `${name}.tflite`));
      const meta = readJson(sharedFile("golden", name, "meta.json"));
      const layers = readJson(sharedFile("golden", name, "layers", "tensors.json"));

      expect(g.name).toBe(`${name}.tflite`);
      expect(g.ops.length).toBe(meta.num_operators);
      expect(g.inputs.length).toBe(meta.num_model_inputs);
      expect(g.outputs.length).toBe(meta.num_model_outputs);
      const counts = new Map<string, number>();
      for (const op of g.ops) counts.set(op.opcode, (counts.get(op.opcode) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(meta.ops.map((o: Json) => [o.op, o.count])));

      for (const [io, idx] of [[meta.input, g.inputs[0]!], [meta.output, g.outputs[0]!]] as const) {
        const t = g.tensors[idx]!;
        expect(idx).toBe(io.tensor_index);
        expect(t.name).toBe(io.name);
        expect(t.dtype).toBe(io.dtype);
        expect(t.shape).toEqual(io.shape);
        expectQuant(t, io.scale, io.zero_point, undefined);
      }

      expect(g.tensors.length).toBe(layers.tensors.length);
      for (const lt of layers.tensors) {
        const t = g.tensors[lt.index]!;
        expect(t.index).toBe(lt.index);
        expect(t.name).toBe(lt.name);
        expect(t.dtype).toBe(lt.dtype);
        expect(t.shape).toEqual(lt.shape);
        expect(t.isVariable).toBe(lt.is_variable);
        expect(t.data !== undefined, `tensor ${lt.index} constant`).toBe(lt.is_constant);
        if (t.data) expect(t.data.length).toBe(lt.bytes);
        expectQuant(t, lt.scale, lt.zero_point, lt.quantized_dimension);
      }
      expect(g.ops.map((o) => [o.opcode, o.inputs, o.outputs])).toEqual(
        layers.operators.map((o: Json) => [o.op, o.inputs, o.outputs]),
      );
      // Constant bytes equal the dumped constant tensors.
      for (const lt of layers.tensors) {
        if (!lt.is_constant) continue;
        const dumped = readFileSync(sharedFile("golden", name, "layers", lt.file));
        expect(Buffer.from(g.tensors[lt.index]!.data!).equals(dumped), `tensor ${lt.index} bytes`).toBe(true);
      }
      expect(() => checkInt8(g)).not.toThrow();
    });
  }
});

const goldenOps = needShared("golden-ops");
const opsDir = sharedFile("golden-ops");
const opCases = goldenOps.ok ? readdirSync(opsDir).filter((c) => existsSync(path.join(opsDir, c, "model.tflite"))).sort() : [];

describe.skipIf(goldenOps.skip)("importTflite on every golden-ops case", () => {
  it("finds the suite", () => expect(opCases.length).toBeGreaterThanOrEqual(100));

  it.each(opCases)("%s matches meta.json", (c) => {
    const g = loadModel(path.join(opsDir, c, "model.tflite"));
    const meta = readJson(path.join(opsDir, c, "meta.json"));
    expect(g.inputs).toEqual(meta.model_inputs);
    expect(g.outputs).toEqual(meta.model_outputs);
    expect(g.ops.length).toBe(meta.ops.length);
    meta.ops.forEach((mo: Json, i: number) => {
      const op = g.ops[i]!;
      expect(op.opcode).toBe(mo.op);
      expect(op.version).toBe(mo.version);
      expect(op.inputs).toEqual(mo.inputs);
      expect(op.outputs).toEqual(mo.outputs);
      for (const [k, v] of Object.entries(mo.options ?? {})) {
        const got = op.options[camel(k)];
        if (typeof v === "number" && !Number.isInteger(v)) expect(got, `${c} ${k}`).toBe(f32(v));
        else expect(got, `${c} option ${k}`).toEqual(v);
      }
    });
    expect(g.tensors.length).toBe(meta.tensors.length);
    for (const mt of meta.tensors) {
      const t = g.tensors[mt.index]!;
      expect(t.name).toBe(mt.name);
      expect(t.shape).toEqual(mt.shape);
      expect(t.dtype).toBe(mt.dtype);
      expectQuant(t, mt.scale, mt.zero_point, mt.quantized_dimension);
      expect(t.data !== undefined, `${c} tensor ${mt.index} constant`).toBe(mt.role === "constant");
      if (Array.isArray(mt.values)) {
        const want = mt.dtype === "float32" ? mt.values.map(f32) : mt.values;
        expect(typedValues(t)).toEqual(want);
      }
    }
    expect(() => checkInt8(g)).not.toThrow();
  });
});
