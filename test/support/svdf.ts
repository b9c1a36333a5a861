/**
 * @fileoverview SVDF test graphs (test/ops/svdf*.test.ts, test/kernels/differential/svdf.test.ts):
 * one SVDF op from quantized arrays, optionally behind a QUANTIZE that copies a second model
 * input into the state first (the way to start from a given state: Mote's state starts at its
 * reset value, as TFLite Micro's after AllocateTensors, but TFLM's own unit tests hand the kernel
 * a filled state); and TFLite Micro's unit-test quantization helpers (micro_utils.h
 * FloatToQuantizedType / FloatToSymmetricQuantizedType, test_helpers.h ScaleFromMinMax), in
 * float32 as there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Graph, Tensor } from "../../compiler/ir/graph.ts";
import * as os from "node:os";
import { expect } from "vitest";
import { mote } from "./cli.ts";
import { readBytes, sameBytes, sharedFile } from "./shared.ts";
import { perTensor } from "./synthetic.ts";

export type StateType = "int16" | "int8";

export interface SvdfSpec {
  batches: number;
  inputSize: number;
  units: number;
  rank: number;
  memory: number;
  state: StateType;
  inScale: number;
  inZp: number;
  wfScale: number;
  wtScale: number;
  stScale: number;
  outScale: number;
  outZp: number;
  /** The state's zero point (0 when absent). */
  stZp?: number;
  /** int8 [units * rank, inputSize]. */
  wf: Int8Array;
  /** [units * rank, memory], of the state type. */
  wt: Int16Array | Int8Array;
  /** int32 [units]. */
  bias: Int32Array;
  /** Fused activation in the options (the integer kernel ignores it). */
  activation?: string;
  /** Adds model input 1, the initial state, copied into the state by a QUANTIZE before the SVDF. */
  initState?: boolean;
}

const f = Math.fround;
const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** The graph of `s`: input 0 [batches, inputSize] int8 (input 1 the initial state when `initState`), output [batches, units]. */
export function svdfGraph(s: SvdfSpec): Graph {
  const filters = s.units * s.rank;
  const tensors: Tensor[] = [];
  const add = (name: string, dtype: Tensor["dtype"], shape: number[], quant?: Tensor["quant"], data?: Uint8Array, isVariable = false): number => {
    tensors.push({ index: tensors.length, name, dtype, shape, quant, data, isVariable });
    return tensors.length - 1;
  };
  const input = add("input", "int8", [s.batches, s.inputSize], perTensor(s.inScale, s.inZp));
  const wf = add("weights_feature", "int8", [filters, s.inputSize], perTensor(s.wfScale, 0), bytes(s.wf));
  const wt = add("weights_time", s.state, [filters, s.memory], perTensor(s.wtScale, 0), bytes(s.wt));
  const bias = add("bias", "int32", [s.units], perTensor(f(s.stScale * s.wtScale), 0), bytes(s.bias));
  const state = add("activation_state", s.state, [s.batches, s.memory * filters], perTensor(s.stScale, s.stZp ?? 0), undefined, true);
  const output = add("output", "int8", [s.batches, s.units], perTensor(s.outScale, s.outZp));
  const options = { rank: s.rank, fusedActivationFunction: s.activation ?? "NONE", asymmetricQuantizeInputs: false };
  const svdf = { index: 0, opcode: "SVDF", version: 3, inputs: [input, wf, wt, bias, state], outputs: [output], options };
  if (!s.initState) return { name: "svdf", tensors, ops: [svdf], inputs: [input], outputs: [output] };
  const init = add("initial_state", s.state, [s.batches, s.memory * filters], perTensor(s.stScale, s.stZp ?? 0));
  const copy = { index: 0, opcode: "QUANTIZE", version: 1, inputs: [init], outputs: [state], options: {} };
  return { name: "svdf_init", tensors, ops: [copy, { ...svdf, index: 1 }], inputs: [input, init], outputs: [output] };
}

/** std::round on a float32: halves away from zero. */
const roundAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** FloatToQuantizedType<T>: round(float(value / scale)) + zero point, clamped to T. */
export function quantizeTo(values: readonly number[], scale: number, zeroPoint: number, type: StateType | "int8"): number[] {
  const [lo, hi] = type === "int16" ? [-32768, 32767] : [-128, 127];
  return values.map((v) => Math.max(lo, Math.min(hi, roundAway(f(f(v) / scale)) + zeroPoint)));
}

/** FloatToSymmetricQuantizedType<int32_t>: round(float(value / scale)), clamped to [INT32_MIN + 1, INT32_MAX]. */
export function quantizeBias(values: readonly number[], scale: number): Int32Array {
  return Int32Array.from(values, (v) => Math.max(-2147483647, Math.min(2147483647, roundAway(f(f(v) / scale)))));
}

/** test_helpers.h ScaleFromMinMax<T>(min, max), float32. */
export function scaleFromMinMax(min: number, max: number, type: StateType): number {
  const range = type === "int16" ? 65535 : 255;
  return f(f(f(max) - f(min)) / range);
}

export const typedArray = (type: StateType, values: readonly number[]): Int16Array | Int8Array =>
  type === "int16" ? Int16Array.from(values) : Int8Array.from(values);

export const asBytes = bytes;

/** The SVDF cases of ../shared/golden-ops-2. */
export const SVDF_CASES = [
  "svdf_batched_rank2", "svdf_int8_state", "svdf_rank1", "svdf_rank1_multi_invoke", "svdf_rank1_relu", "svdf_rank2",
  "svdf_rank2_relu_multi_invoke",
] as const;

/** A golden-ops-2 case's samples (input bytes, TFLM's output 0) and whether they are invocations of one instance. */
export function svdfCaseSamples(dir: string): { samples: { inputs: Uint8Array[]; output: Uint8Array }[]; multi: boolean } {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8")) as { multi_invoke?: unknown };
  const ks = fs.readdirSync(dir).filter((n) => /^input_0_\d+\.bin$/.test(n)).map((n) => Number(/_(\d+)\.bin$/.exec(n)![1])).sort((a, b) => a - b);
  return {
    multi: meta.multi_invoke !== undefined,
    samples: ks.map((k) => ({ inputs: [readBytes(path.join(dir, `input_0_${k}.bin`))], output: readBytes(path.join(dir, `output_0_${k}.bin`)) })),
  };
}

/** A float32 SVDF graph: input 0 [batches, inputSize], output [batches, units], weights as given. */
export function svdfFloatGraph(
  d: { batches: number; inputSize: number; units: number; rank: number; memory: number; activation: string },
  wf: Float32Array, wt: Float32Array, bias: Float32Array,
): Graph {
  const filters = d.units * d.rank;
  const t = (index: number, name: string, shape: number[], data?: Float32Array, isVariable = false): Tensor =>
    ({ index, name, dtype: "float32", shape, data: data && bytes(data), isVariable });
  const tensors = [
    t(0, "input", [d.batches, d.inputSize]), t(1, "weights_feature", [filters, d.inputSize], wf),
    t(2, "weights_time", [filters, d.memory], wt), t(3, "bias", [d.units], bias),
    t(4, "activation_state", [d.batches, d.memory * filters], undefined, true), t(5, "output", [d.batches, d.units]),
  ];
  const options = { rank: d.rank, fusedActivationFunction: d.activation, asymmetricQuantizeInputs: false };
  return { name: "svdf_float", tensors, ops: [{ index: 0, opcode: "SVDF", version: 1, inputs: [0, 1, 2, 3, 4], outputs: [5], options }], inputs: [0], outputs: [5] };
}

/** The golden-ops-2 svdf cases that run three invocations on one instance. */
export const MULTI_INVOKE_CASES = ["svdf_rank1_multi_invoke", "svdf_rank2_relu_multi_invoke"] as const;

/** `mote run CASE --invocations 3 --target TARGET` writes TFLM's three outputs. */
export function expectCliInvocations(name: string, target: string): void {
  const dir = sharedFile("golden-ops-2", name);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mote-svdf-cli-"));
  const r = mote([
    "run", path.join(dir, "model.tflite"), "--invocations", "3",
    ...[0, 1, 2].flatMap((t) => ["--input", path.join(dir, `input_0_${t}.bin`)]), "--out", out, "--target", target,
  ], 300_000);
  expect(r.status, r.stderr).toBe(0);
  for (const t of [0, 1, 2]) {
    expect(sameBytes(readBytes(path.join(out, `output_0_${t}.bin`)), readBytes(path.join(dir, `output_0_${t}.bin`))), `${name} invocation ${t} on ${target}`).toBe(true);
  }
  fs.rmSync(out, { recursive: true, force: true });
}
