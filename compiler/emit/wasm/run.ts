/**
 * @fileoverview Runs one inference of a `ModelProgram` as WASM inside Node (the `--target wasm`).
 *
 * model.ts builds the module; this file compiles it once per program object (WeakMap cache),
 * instantiates a fresh instance per run (so every run starts from the same memory image: data
 * segments loaded, arena zeroed but for the variable tensors' reset bytes (model.ts); the
 * invocations of one run share it), copies the inputs to their arena addresses, calls `invoke` and
 * returns copies of the output tensors' bytes. Wrong input sizes are user errors (MOTE5005), and
 * so is a nonzero status from `invoke` (an interpreter program whose image is rejected:
 * compiler/build/interpreter/status.ts, MOTE5016/5017).
 */
import { fail } from "../../diagnostics.ts";
import { failInvokeStatus } from "../../build/interpreter/status.ts";
import type { ModelProgram } from "../../ir/program.ts";
import { buildWasm, type WasmBuild } from "./model.ts";

interface Compiled {
  module: WebAssembly.Module;
  build: WasmBuild;
}

const cache = new WeakMap<ModelProgram, Promise<Compiled>>();

async function compile(program: ModelProgram): Promise<Compiled> {
  const build = buildWasm(program);
  const module = await WebAssembly.compile(build.bytes);
  return { module, build };
}

/** The compiled module and layout for `program`, built on first use. */
export function compiledWasm(program: ModelProgram): Promise<Compiled> {
  let c = cache.get(program);
  if (!c) {
    c = compile(program);
    cache.set(program, c);
    // A failed build must not stay cached as a rejected promise.
    c.catch(() => cache.delete(program));
  }
  return c;
}

/** One inference: `inputs[k]` holds the raw bytes of `program.inputs[k]`; returns the outputs' bytes. */
export async function runWasm(program: ModelProgram, inputs: Uint8Array[]): Promise<Uint8Array[]> {
  return (await runWasmInvocations(program, [inputs]))[0];
}

/**
 * Several invocations on one instance (`invocations[n][k]`: input k of invocation n), so the
 * arena, variable tensors (state) included, is kept from one to the next; returns the outputs of
 * each invocation.
 */
export async function runWasmInvocations(program: ModelProgram, invocations: Uint8Array[][]): Promise<Uint8Array[][]> {
  for (const inputs of invocations) {
    program.inputs.forEach((t, k) => {
      const got = inputs[k];
      if (!got || got.length !== t.bytes) fail(5005, k, t.bytes, t.tensor, t.name, got ? got.length : "no input");
    });
    if (inputs.length > program.inputs.length) {
      const k = program.inputs.length;
      fail(6006, k, inputs.length);
    }
  }
  const { module, build } = await compiledWasm(program);
  const instance = await WebAssembly.instantiate(module, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const invoke = instance.exports.invoke as () => number;
  return invocations.map((inputs) => {
    const heap = new Uint8Array(memory.buffer);
    program.inputs.forEach((t, k) => heap.set(inputs[k], build.inputAddresses[k]));
    const status = invoke();
    if (status !== 0) failInvokeStatus(program, status);
    const after = new Uint8Array(memory.buffer);
    return program.outputs.map((t, k) => after.slice(build.outputAddresses[k], build.outputAddresses[k] + t.bytes));
  });
}
