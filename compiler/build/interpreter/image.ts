/**
 * @fileoverview The model image: Mote's own compact serialized model, which the interpreter
 * (runtime/interpreter.ts) reads at run time, as TFLite Micro reads a .tflite flatbuffer.
 *
 * Layout, in little-endian i32 words unless said otherwise:
 *   header   0 magic 0x45544F4D ("MOTE"), 1 version (1), 2 arena bytes, 3 step count,
 *            4 word index of the first step, 5 image bytes, 6 input count, 7 output count
 *   io       per input then per output: arena byte offset, bytes
 *   steps    per kernel call: kernel id (compiler/build/interpreter/registry.ts), array argument count,
 *            word index of the record, then per array argument: kind (0 absent, 1 arena,
 *            2 image), byte offset
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
export const IMAGE_VERSION = 1;
export const HEADER_WORDS = 8;
const DATA_ALIGN = 16;

export const ARG_ABSENT = 0;
export const ARG_ARENA = 1;
export const ARG_IMAGE = 2;

interface StepEntry {
  id: number;
  record: number[];
  args: { kind: number; offset: number }[];
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
            if (a.tensor < 0) return { kind: ARG_ABSENT, offset: 0 };
            const t = graph.tensors[a.tensor];
            if (!isConstant(t)) return { kind: ARG_ARENA, offset: arenaOffset(`t${a.tensor}`) };
            let at = tensorData.get(a.tensor);
            if (at === undefined) {
              const bytes = new Uint8Array(tensorBytes(t));
              bytes.set(t.data!.subarray(0, bytes.length));
              at = addData(bytes);
              tensorData.set(a.tensor, at);
            }
            return { kind: ARG_IMAGE, offset: at };
          }
          case "const":
            return { kind: ARG_IMAGE, offset: addData(littleEndian(a.elem, a.data)) };
          case "scratch":
            return { kind: ARG_ARENA, offset: arenaOffset(scratchId(call, stepIndex, i)) };
        }
      });
      steps.push({ id: kernelId(call.kernel, call.fn, userIds), record, args });
      stepIndex++;
    }
  }

  const io = [...graph.inputs, ...graph.outputs].flatMap((t) => [arenaOffset(`t${t}`), tensorBytes(graph.tensors[t])]);
  const stepWords = steps.reduce((n, s) => n + 3 + 2 * s.args.length, 0);
  const recordWords = steps.reduce((n, s) => n + s.record.length, 0);
  const firstStep = HEADER_WORDS + io.length;
  const firstRecord = firstStep + stepWords;
  const dataStart = alignUp(4 * (firstRecord + recordWords), DATA_ALIGN);
  const totalBytes = alignUp(dataStart + dataBytes, DATA_ALIGN);

  const image = new Int32Array(totalBytes / 4);
  image.set([IMAGE_MAGIC, IMAGE_VERSION, placement.arenaBytes, steps.length, firstStep, totalBytes, graph.inputs.length, graph.outputs.length]);
  image.set(io, HEADER_WORDS);
  let at = firstStep;
  let rec = firstRecord;
  for (const s of steps) {
    image.set([s.id, s.args.length, rec], at);
    s.args.forEach((a, j) => {
      image[at + 3 + 2 * j] = a.kind;
      image[at + 4 + 2 * j] = a.kind === ARG_IMAGE ? dataStart + a.offset : a.offset;
    });
    image.set(s.record, rec);
    at += 3 + 2 * s.args.length;
    rec += s.record.length;
  }
  const bytes = new Uint8Array(image.buffer);
  let cursor = dataStart;
  for (const b of blobs) {
    bytes.set(b, cursor);
    cursor = alignUp(cursor + b.length, DATA_ALIGN);
  }
  return image;
}
