/**
 * @fileoverview The TypeScript reference runner: executes a graph by calling the kernels in
 * kernels/*.ts directly under Node, with the kernel calls compiler/ops/ produces. Its outputs
 * are the reference the C and WASM backends are compared against (`mote run --target ts`).
 *
 * No arena: every non-constant tensor gets its own zeroed buffer (a variable tensor's holds its
 * reset byte, graph.ts `resetByte`, as TFLite Micro's AllocateTensors leaves it), so aliasing
 * bugs of the memory planner cannot show up here. Constant tensors, `const` arguments and `scratch`
 * arguments become typed arrays of the element type the kernel expects; an absent optional
 * tensor (index -1, e.g. no bias) is passed as an empty typed array (the kernel does not read
 * it: its record says so).
 */
import { fail } from "../diagnostics.ts";
import { isConstant, resetByte, tensorBytes, type DType, type Graph, type Tensor } from "../ir/graph.ts";
import { lowerWeighted } from "../build/weights.ts";
import type { KernelArg } from "../ir/calls.ts";
import type { UserKernels } from "../ops/types.ts";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

type TypedArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array;
type KernelFn = (params: Record<string, number>, ...arrays: TypedArray[]) => void;

/**
 * Kernel module stem -> its exports; every file of kernels/ (stem "<name>") and of signal/
 * (stem "signal/<name>", the audio front ends) is loaded.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const KERNEL_MODULES: Record<string, Record<string, unknown>> = {};
for (const [dir, prefix] of [["kernels", ""], ["signal", "signal/"]] as const) {
  for (const file of fs.readdirSync(path.join(REPO, dir)).sort()) {
    if (file.endsWith(".ts")) KERNEL_MODULES[prefix + file.slice(0, -3)] = (await import(path.join(REPO, dir, file))) as Record<string, unknown>;
  }
}

export interface RunTsOptions {
  /** Called after each op with each of its output tensors (a copy of the bytes). */
  onTensor?: (index: number, bytes: Uint8Array) => void;
  /** The plain reference kernels for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED (ops/types.ts LowerOptions). */
  reference?: boolean;
  /** The flash budget of the int8/int16 weight choice, as BuildOptions (compiler/build/weights.ts). */
  flashBudget?: number;
  flashLimit?: number;
  /** A user's kernels and lowerings (`--kernels DIR`). */
  kernels?: UserKernels;
}

/** A typed view of `bytes` for a graph dtype (bytes must be aligned for the element size). */
function viewOf(dtype: DType, bytes: Uint8Array): TypedArray {
  const { buffer, byteOffset, byteLength } = bytes;
  switch (dtype) {
    case "int8": return new Int8Array(buffer, byteOffset, byteLength);
    case "uint8": case "bool": return new Uint8Array(buffer, byteOffset, byteLength);
    case "int16": return new Int16Array(buffer, byteOffset, byteLength / 2);
    case "int32": return new Int32Array(buffer, byteOffset, byteLength / 4);
    case "float32": return new Float32Array(buffer, byteOffset, byteLength / 4);
    default: throw new Error(`runTs: no typed array for ${dtype}`);
  }
}

function constArray(arg: Extract<KernelArg, { kind: "const" }>): TypedArray {
  switch (arg.elem) {
    case "i8": return Int8Array.from(arg.data);
    case "u8": return Uint8Array.from(arg.data);
    case "i16": return Int16Array.from(arg.data);
    case "i32": return Int32Array.from(arg.data);
    case "f32": return Float32Array.from(arg.data);
  }
}

function scratchArray(arg: Extract<KernelArg, { kind: "scratch" }>): TypedArray {
  switch (arg.elem) {
    case "i8": return new Int8Array(arg.bytes);
    case "i16": return new Int16Array(Math.ceil(arg.bytes / 2));
    case "i32": return new Int32Array(Math.ceil(arg.bytes / 4));
    case "f32": return new Float32Array(Math.ceil(arg.bytes / 4));
  }
}

/**
 * The TypeScript function `fn` of kernels/<kernel>.ts (every kernel file is loaded above), or of
 * a user's kernel (absolute stem) from `user` (`--kernels DIR`, loaded by compiler/ops/user-kernels.ts).
 */
export function kernelFunction(kernel: string, fn: string, user?: UserKernels): KernelFn {
  const f = (user?.modules.get(kernel) ?? KERNEL_MODULES[kernel])?.[fn];
  if (typeof f !== "function") throw new Error(`runTs: no kernel ${kernel}.${fn}`);
  return f as KernelFn;
}

/**
 * Runs one inference. `inputs[k]` holds the raw bytes of graph input k (the tensor's own
 * layout); returns the raw bytes of every graph output, in the graph's output order.
 */
export function runTs(graph: Graph, inputs: Uint8Array[], opts: RunTsOptions = {}): Uint8Array[] {
  return runTsInvocations(graph, [inputs], opts)[0];
}

/**
 * Runs several invocations on one instance: `invocations[n][k]` is input k of invocation n.
 * Variable tensors (state) keep their bytes from one invocation to the next, as in the arena of
 * the other targets; every tensor starts zeroed, a variable tensor at its reset byte. Returns
 * the outputs of each invocation.
 */
export function runTsInvocations(graph: Graph, invocations: Uint8Array[][], opts: RunTsOptions = {}): Uint8Array[][] {
  const { lowered } = lowerWeighted(graph, opts);

  // Storage: one aligned buffer per tensor (constants copied so every view is aligned).
  const storage = new Map<number, Uint8Array>();
  const bytesOf = (t: Tensor): Uint8Array => {
    let b = storage.get(t.index);
    if (b === undefined) {
      b = new Uint8Array(tensorBytes(t));
      if (t.isVariable) b.fill(resetByte(t));
      else if (isConstant(t)) b.set(t.data!.subarray(0, b.length));
      storage.set(t.index, b);
    }
    return b;
  };

  const views = new Map<number, TypedArray>();
  const tensorArray = (index: number): TypedArray => {
    if (index < 0) return new Int8Array(0);
    let v = views.get(index);
    if (v === undefined) {
      const t = graph.tensors[index];
      v = viewOf(t.dtype, bytesOf(t));
      views.set(index, v);
    }
    return v;
  };

  return invocations.map((inputs) => {
    graph.inputs.forEach((idx, k) => {
      const t = graph.tensors[idx];
      const expected = tensorBytes(t);
      const given = inputs[k];
      if (given === undefined || given.length !== expected) {
        fail(5005, k, expected, idx, t.name, given === undefined ? "no input" : given.length);
      }
      bytesOf(t).set(given);
    });

    for (const { op, calls } of lowered) {
      for (const call of calls) {
        const arrays = call.args.map((arg): TypedArray => {
          switch (arg.kind) {
            case "tensor": return tensorArray(arg.tensor);
            case "const": return constArray(arg);
            case "scratch": return scratchArray(arg);
          }
        });
        kernelFunction(call.kernel, call.fn, opts.kernels)(call.params, ...arrays);
      }
      if (opts.onTensor) {
        for (const idx of op.outputs) {
          if (idx >= 0) opts.onTensor(idx, bytesOf(graph.tensors[idx]).slice());
        }
      }
    }

    return graph.outputs.map((idx) => bytesOf(graph.tensors[idx]).slice());
  });
}
