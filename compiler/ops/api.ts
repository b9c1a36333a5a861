/**
 * @fileoverview The typed API of a lowering file: everything a user's `<name>.lower.ts` (`--kernels
 * DIR`, docs/custom-kernels.md) needs to turn an op into kernel calls, the same functions Mote's own
 * op files (compiler/ops/<op>.ts) use. Import it as one module:
 *
 *   import { kernelCall, tensorQuant, unaryOperands, type LowerOp } from "<mote>/compiler/ops/api.ts";
 *
 * A lowering file exports OPCODES (opcode, or "CUSTOM:<custom_code>" for a TFLite custom op ->
 * LowerOp), CONTRACTS (each kernel entry it calls with its array parameter names) and, optionally,
 * NOTES and EXAMPLES (random ops of each opcode for `mote test-kernel`). This file registers no
 * opcode itself.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { KernelArg } from "../ir/calls.ts";
import { opError } from "./operands.ts";

export type { DType, Graph, Op, OpOptions, Tensor } from "../ir/graph.ts";
export type { KernelArg, KernelCall, KernelContract, LowerOp, LowerOptions } from "./types.ts";
export { kernelCall, INPUT_OUTPUT_SLOTS, BINARY_SLOTS } from "./contract.ts";
export {
  opError, inputTensor, optionalInput, outputTensor, requireDType, requireRank, requireConstant, tensorQuant,
  intOption, boolOption, product, constInt32s, int32Values,
} from "./operands.ts";
export { unaryOperands } from "./unary.ts";
export { quantizeMultiplier, roundHalfAwayFromZero, frexp } from "./quant.ts";

/** A CUSTOM op's custom_options bytes as stored in the model (empty when it has none). */
export function customOptions(op: Op): Uint8Array {
  return op.customOptions ?? new Uint8Array(0);
}

/**
 * `count` little-endian int32 values from the start of a CUSTOM op's custom_options (raw options
 * written as int32 words); a lowering error (MOTE3001) naming the op when there are fewer bytes.
 */
export function customInt32s(graph: Graph, op: Op, count: number): number[] {
  const bytes = customOptions(op);
  if (bytes.length < 4 * count) opError(graph, op, `custom options hold ${bytes.length} bytes, ${4 * count} expected`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
}

/**
 * Scratch memory for one call: `bytes` bytes of `elem` elements in the arena, live only during
 * the call (planned like a tensor; zeroed on the TypeScript target, not elsewhere).
 */
export function scratch(bytes: number, elem: "i8" | "i16" | "i32" | "f32" = "i8"): KernelArg {
  return { kind: "scratch", bytes, elem };
}

/** One tensor of an example op for `mote test-kernel`: random int8 data unless `data` is given. */
export interface ExampleTensor {
  shape: number[];
  dtype?: "int8" | "int16" | "int32";
  scale: number;
  zeroPoint: number;
  /** Constant data (a weight or a table): the tensor is constant, not an input. */
  data?: Uint8Array;
}

/** One random op for `mote test-kernel`: its tensors and options. */
export interface OpExample {
  inputs: ExampleTensor[];
  outputs: ExampleTensor[];
  /** Builtin options as the importer decodes them (compiler/import/tflite/options.ts). */
  options?: Record<string, unknown>;
  customOptions?: Uint8Array;
}

/** The random source `mote test-kernel` hands an example maker (deterministic per seed). */
export interface ExampleRandom {
  /** An integer in lo..hi (inclusive). */
  int(lo: number, hi: number): number;
  /** A float32 scale in [lo, hi). */
  scale(lo?: number, hi?: number): number;
  /** A random shape of `rank` dimensions, each 1..maxDim. */
  shape(rank: number, maxDim: number): number[];
}

/** Example makers, per opcode: `export const EXAMPLES: Record<string, ExampleMaker>`. */
export type ExampleMaker = (r: ExampleRandom) => OpExample;

/** Little-endian int32 words as custom_options bytes (the raw format customInt32s reads). */
export function int32OptionBytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(4 * i, v, true));
  return out;
}
