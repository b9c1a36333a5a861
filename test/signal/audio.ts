/**
 * @fileoverview Test helpers for the audio front ends: `callFrontEnd`, which runs a front end's
 * lowered kernel call directly in TypeScript with caller-owned tensor arrays (so a streaming
 * front end's state survives between calls, as on a device), the hop invocations of a WAV file
 * for runInvocations, detections by the benchmark's rule, and an int8 comparison.
 */
import type { KernelCall } from "../../compiler/ir/calls.ts";
import { kernelFunction } from "../../compiler/run/ts.ts";
import { readWav } from "../../compiler/inputs/wav.ts";

/** The repository's WAV reader (16-bit PCM, channel 0). */
export { readWav } from "../../compiler/inputs/wav.ts";

type TypedArray = Int8Array | Int16Array | Int32Array | Uint8Array | Float32Array;

/** Runs `call` with `tensors[i]` for graph tensor i (the others: its const data or fresh scratch). */
export function callFrontEnd(call: KernelCall, tensors: Map<number, TypedArray>): void {
  const arrays = call.args.map((a): TypedArray => {
    switch (a.kind) {
      case "tensor": {
        const t = tensors.get(a.tensor);
        if (!t) throw new Error(`no array for tensor ${a.tensor}`);
        return t;
      }
      case "const":
        return a.elem === "f32" ? Float32Array.from(a.data) : a.elem === "i16" ? Int16Array.from(a.data) : a.elem === "i32" ? Int32Array.from(a.data) : Int8Array.from(a.data);
      case "scratch":
        return a.elem === "f32" ? new Float32Array(a.bytes / 4) : new Int8Array(a.bytes);
    }
  });
  kernelFunction(call.kernel, call.fn)(call.params, ...arrays);
}

/** Elements equal, and the largest |difference|, between two int8 arrays of one length. */
export function compareInt8(a: Int8Array, b: Int8Array): { equal: number; total: number; maxDiff: number } {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let equal = 0;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) equal++;
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  }
  return { equal, total: a.length, maxDiff };
}

/** runInvocations' inputs: one invocation per 512-sample hop of a WAV file (the last zero-padded). */
export function hops(file: string): Uint8Array[][] {
  const samples = readWav(file).samples;
  const out: Uint8Array[][] = [];
  for (let at = 0; at < samples.length; at += 512) {
    const pcm = new Int16Array(512);
    pcm.set(samples.subarray(at, at + 512));
    out.push([new Uint8Array(pcm.buffer)]);
  }
  return out;
}

/** Detections (time of the hop's end in s) with int8 P(marvin) > threshold, at most one per second. */
export function detections(scores: number[], threshold: number): number[] {
  const out: number[] = [];
  scores.forEach((q, h) => {
    const t = (512 * h + 512) / 16000;
    if (h >= 30 && q > threshold && (out.length === 0 || t - out[out.length - 1] >= 1)) out.push(t);
  });
  return out;
}
