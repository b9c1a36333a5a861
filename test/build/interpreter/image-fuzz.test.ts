/**
 * @fileoverview The image check on the TypeScript and WASM targets, fed corrupted images
 * (test/support/image-fuzz.ts): 200 per run. Every damaged image (checksum kept) is rejected on
 * both targets with the same status; every edited image (checksum rewritten) gets the same
 * status on both and, when accepted, runs without a trap and gives the same outputs on both.
 * The C build under AddressSanitizer/UBSan gets 5,000 in image-fuzz.full.test.ts.
 */
import { describe, expect, it } from "vitest";
import { IMAGE_CONSTANT } from "../../../compiler/build/interpreter/image.ts";
import type { InterpreterResult } from "../../../compiler/build/interpreter/program.ts";
import { compiledWasm } from "../../../compiler/emit/wasm/run.ts";
import { buildInterpreter } from "../../../compiler/pipeline.ts";
import { dispatchTable } from "../../../compiler/run/interpreter.ts";
import { installDispatch } from "../../../runtime/dispatch.ts";
import { interpret } from "../../../runtime/interpreter.ts";
import { bucketOf, driverInput, ImageMutator, rng, type Mutant } from "../../support/image-fuzz.ts";
import { syntheticGraph, withActivation, type AveragePoolSpec } from "../../support/synthetic.ts";

const POOL: AveragePoolSpec = {
  op: "AVERAGE_POOL_2D", seed: 5, batches: 1, inH: 6, inW: 5, channels: 3,
  filterH: 2, filterW: 3, strideH: 2, strideW: 1, padding: "SAME", activation: "NONE",
  inputScale: 0.5, inputZeroPoint: -2, inputFill: "random",
};

interface Run {
  status: number;
  outputs?: Uint8Array[];
  error?: string;
}

/** The TypeScript interpreter over `image` (the build's kernel table and dispatch). */
function runTs(build: InterpreterResult, image: Int32Array, inputs: Uint8Array[]): Run {
  const arena = new Int8Array(Math.max(build.program.arenaBytes, 16));
  const bytes = new Uint8Array(arena.buffer);
  build.program.inputs.forEach((t, k) => bytes.set(inputs[k], t.offset));
  installDispatch(dispatchTable(build));
  try {
    const status = interpret(image, build.table, arena);
    return { status, outputs: status === 0 ? build.program.outputs.map((t) => bytes.slice(t.offset, t.offset + t.bytes)) : undefined };
  } catch (e) {
    return { status: 0, error: String(e) };
  }
}

/** The WASM build with `image` written over its model image. */
async function runWasm(build: InterpreterResult, image: Int32Array, inputs: Uint8Array[]): Promise<Run> {
  const { module, build: wasm } = await compiledWasm(build.program);
  const instance = await WebAssembly.instantiate(module, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const heap = new Uint8Array(memory.buffer);
  heap.set(new Uint8Array(image.buffer, image.byteOffset, image.byteLength), wasm.constantAddresses.get(IMAGE_CONSTANT)!);
  build.program.inputs.forEach((_, k) => heap.set(inputs[k], wasm.inputAddresses[k]));
  try {
    const status = (instance.exports.invoke as () => number)();
    const after = new Uint8Array(memory.buffer);
    return { status, outputs: status === 0 ? build.program.outputs.map((t, k) => after.slice(wasm.outputAddresses[k], wasm.outputAddresses[k] + t.bytes)) : undefined };
  } catch (e) {
    return { status: 0, error: String(e) };
  }
}

describe("image fuzz: ts and wasm", () => {
  const build = buildInterpreter(withActivation(syntheticGraph(POOL), "SOFTMAX"));
  const inputs = build.program.inputs.map((t, k) => driverInput(t.bytes, k));

  it("the original image runs the same on both", async () => {
    const ts = runTs(build, build.image, inputs);
    const wasm = await runWasm(build, build.image, inputs);
    expect(ts.status).toBe(0);
    expect(wasm).toEqual(ts);
  });

  it("200 corrupted images: damaged ones rejected, edited ones the same status and outputs on both, no trap", async () => {
    const mutator = new ImageMutator(build, rng(16));
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const m: Mutant = mutator.next(i % 2 === 0 ? "raw" : "sealed");
      const ts = runTs(build, m.image, inputs);
      const wasm = await runWasm(build, m.image, inputs);
      const key = `${bucketOf(m)}: ${ts.status === 0 ? "accepted" : `reason ${ts.status % 16}`}`;
      counts[key] = (counts[key] ?? 0) + 1;
      const where = `image ${i} (${m.mode}, ${m.what})`;
      if (ts.error || wasm.error) failures.push(`${where}: ${ts.error ?? wasm.error}`);
      else if (m.mode === "raw" && ts.status === 0) failures.push(`${where}: damaged image accepted`);
      else if (ts.status !== wasm.status) failures.push(`${where}: ts status ${ts.status}, wasm ${wasm.status}`);
      else if (ts.status === 0) expect(wasm.outputs, where).toEqual(ts.outputs);
    }
    expect(failures).toEqual([]);
    // Both kinds were made, and the edits reached the record rules and the bounds checks.
    expect(Object.keys(counts).some((k) => k.startsWith("damaged: reason 5"))).toBe(true);
    expect(Object.keys(counts).some((k) => k.startsWith("edited: reason 6"))).toBe(true);
    expect(Object.keys(counts).some((k) => k.startsWith("edited: reason 3"))).toBe(true);
  });
});
