/**
 * @fileoverview The model image: Mote's own compact serialized model, which the interpreter
 * (runtime/interpreter.ts) reads at run time, as TFLite Micro reads a .tflite flatbuffer.
 *
 * Layout (format version 2), in little-endian i32 words unless said otherwise:
 *   header   0 magic 0x45544F4D ("MOTE"), 1 version (2), 2 arena bytes, 3 step count,
 *            4 word index of the first step, 5 image bytes, 6 input count, 7 output count,
 *            8 checksum (FNV-1a over the image's words, this one counted as 0: `imageChecksum`),
 *            9 word index of the first record, 10 byte offset of the data section, 11 zero
 *   io       per input then per output: arena byte offset, bytes
 *   steps    per kernel call: kernel id (compiler/build/interpreter/registry.ts), array argument count,
 *            word index of the record, record word count, then per array argument: kind
 *            (0 absent, 1 arena, 2 image), byte offset, bytes the kernel may access there
 *   records  each call's params record, its fields in the kernel's declaration order
 *   data     constant tensors and lowering-made constants, each 16-byte aligned from the image
 *            start (the image itself is placed 16-byte aligned)
 *
 * Everything a layer needs is in the image (shapes, quantization constants, offsets, weights),
 * so the interpreter and the generic kernels are the same for every model that uses the same
 * kernels.
 */
import { isConstant, tensorBytes, type Graph } from "../../ir/graph.ts";
import type { RecordType } from "../../ir/kir.ts";
import { scalarBytes } from "../../ir/kir.ts";
import { scratchId, type LoweredOp } from "../../ir/calls.ts";
import type { Placement } from "../../plan/planner.ts";
import { kernelId } from "./registry.ts";

/** The ModelProgram constant that holds the image (interpreter mode). */
export const IMAGE_CONSTANT = "mote_model_image";
export const IMAGE_MAGIC = 0x45544f4d;
export const IMAGE_VERSION = 2;
export const HEADER_WORDS = 12;
/** Header word of the checksum. */
export const CHECKSUM_WORD = 8;
/** Words of a step before its arguments, and per argument (runtime/interpreter.ts agrees). */
export const STEP_WORDS = 4;
export const ARG_WORDS = 3;
const DATA_ALIGN = 16;

export const ARG_ABSENT = 0;
export const ARG_ARENA = 1;
export const ARG_IMAGE = 2;

interface StepEntry {
  id: number;
  record: number[];
  args: { kind: number; offset: number; bytes: number }[];
}

/**
 * The image's checksum: FNV-1a over its 32-bit words (word CHECKSUM_WORD counted as 0), as
 * runtime/interpreter.ts computes it. Any change of one word changes it (each round is a
 * bijection of the running value); several changes escape it with probability 2^-32.
 */
export function imageChecksum(image: ArrayLike<number>): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < image.length; i++) {
    h = Math.imul(h ^ (i === CHECKSUM_WORD ? 0 : image[i]), 0x01000193);
  }
  return h;
}

/** Writes the checksum of `image` into its header (the builder, and tests that edit an image). */
export function sealImage(image: Int32Array): Int32Array {
  image[CHECKSUM_WORD] = imageChecksum(image);
  return image;
}

/** Word index of step `step` (-1: outside the image), walking the step table from the header. */
export function stepWord(image: ArrayLike<number>, step: number): number {
  let at = image[4];
  for (let s = 0; s < step; s++) {
    if (at < 0 || at + 1 >= image.length) return -1;
    at += STEP_WORDS + ARG_WORDS * image[at + 1];
  }
  return at >= 0 && at < image.length ? at : -1;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

function littleEndian(elem: string, data: ArrayLike<number>): Uint8Array {
  const size = scalarBytes(elem as never);
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    switch (elem) {
      case "i8": view.setInt8(i, v); break;
      case "u8": view.setUint8(i, v); break;
      case "i16": view.setInt16(2 * i, v, true); break;
      case "u16": view.setUint16(2 * i, v, true); break;
      case "i32": view.setInt32(4 * i, v, true); break;
      case "f32": view.setFloat32(4 * i, v, true); break;
      default: throw new Error(`model image: no encoding for ${elem}`);
    }
  }
  return out;
}

/**
 * Serializes the lowered graph. `recordOf(kernel, fn)` gives the record type of a kernel's entry
 * function (field order); `placement` the arena offset of every tensor and scratch buffer;
 * `userIds` the ids of a user's kernels (compiler/ops/types.ts UserKernels.ids).
 */
export function buildImage(
  graph: Graph,
  lowered: LoweredOp[],
  placement: Placement,
  recordOf: (kernel: string, fn: string) => RecordType,
  userIds?: ReadonlyMap<string, number>,
): Int32Array {
  const blobs: Uint8Array[] = [];
  let dataBytes = 0;
  const addData = (bytes: Uint8Array): number => {
    const at = dataBytes;
    blobs.push(bytes);
    dataBytes = alignUp(dataBytes + bytes.length, DATA_ALIGN);
    return at;
  };
  const tensorData = new Map<number, number>();
  const steps: StepEntry[] = [];
  const arenaOffset = (id: string): number => {
    const o = placement.offsets.get(id);
    if (o === undefined) throw new Error(`model image: no arena offset for ${id}`);
    return o;
  };

  // Offsets inside the data section first; rebased once the header size is known.
  let stepIndex = 0;
  for (const { calls } of lowered) {
    for (const call of calls) {
      const rec = recordOf(call.kernel, call.fn);
      const record = rec.fields.map((f) => {
        const v = call.params[f];
        if (v === undefined || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
          throw new Error(`model image: ${call.kernel}.${call.fn} record field ${f} = ${v} is not an i32`);
        }
        return v;
      });
      const args = call.args.map((a, i) => {
        switch (a.kind) {
          case "tensor": {
            if (a.tensor < 0) return { kind: ARG_ABSENT, offset: 0, bytes: 0 };
            const t = graph.tensors[a.tensor];
            if (!isConstant(t)) return { kind: ARG_ARENA, offset: arenaOffset(`t${a.tensor}`), bytes: tensorBytes(t) };
            let at = tensorData.get(a.tensor);
            if (at === undefined) {
              const bytes = new Uint8Array(tensorBytes(t));
              bytes.set(t.data!.subarray(0, bytes.length));
              at = addData(bytes);
              tensorData.set(a.tensor, at);
            }
            return { kind: ARG_IMAGE, offset: at, bytes: tensorBytes(t) };
          }
          case "const": {
            const bytes = littleEndian(a.elem, a.data);
            return { kind: ARG_IMAGE, offset: addData(bytes), bytes: bytes.length };
          }
          case "scratch":
            return { kind: ARG_ARENA, offset: arenaOffset(scratchId(call, stepIndex, i)), bytes: a.bytes };
        }
      });
      steps.push({ id: kernelId(call.kernel, call.fn, userIds), record, args });
      stepIndex++;
    }
  }

  const io = [...graph.inputs, ...graph.outputs].flatMap((t) => [arenaOffset(`t${t}`), tensorBytes(graph.tensors[t])]);
  const stepWords = steps.reduce((n, s) => n + STEP_WORDS + ARG_WORDS * s.args.length, 0);
  const recordWords = steps.reduce((n, s) => n + s.record.length, 0);
  const firstStep = HEADER_WORDS + io.length;
  const firstRecord = firstStep + stepWords;
  const dataStart = alignUp(4 * (firstRecord + recordWords), DATA_ALIGN);
  const totalBytes = alignUp(dataStart + dataBytes, DATA_ALIGN);

  const image = new Int32Array(totalBytes / 4);
  image.set([
    IMAGE_MAGIC, IMAGE_VERSION, placement.arenaBytes, steps.length, firstStep, totalBytes,
    graph.inputs.length, graph.outputs.length, 0, firstRecord, dataStart, 0,
  ]);
  image.set(io, HEADER_WORDS);
  let at = firstStep;
  let rec = firstRecord;
  for (const s of steps) {
    image.set([s.id, s.args.length, rec, s.record.length], at);
    s.args.forEach((a, j) => {
      const w = at + STEP_WORDS + ARG_WORDS * j;
      image[w] = a.kind;
      image[w + 1] = a.kind === ARG_IMAGE ? dataStart + a.offset : a.offset;
      image[w + 2] = a.bytes;
    });
    image.set(s.record, rec);
    at += STEP_WORDS + ARG_WORDS * s.args.length;
    rec += s.record.length;
  }
  const bytes = new Uint8Array(image.buffer);
  let cursor = dataStart;
  for (const b of blobs) {
    bytes.set(b, cursor);
    cursor = alignUp(cursor + b.length, DATA_ALIGN);
  }
  return sealImage(image);
}
