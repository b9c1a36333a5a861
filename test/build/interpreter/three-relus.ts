/**
 * @fileoverview A three-step interpreter build for the image-check tests (status.test.ts):
 * RELU -> RELU -> RELU on int8 [1, 4], and copies whose step names a kernel id the build does
 * not contain.
 */
import { importTflite } from "../../../compiler/import/tflite/import.ts";
import type { InterpreterResult } from "../../../compiler/build/interpreter/program.ts";
import { buildInterpreter } from "../../../compiler/pipeline.ts";
import { sealImage, stepWord } from "../../../compiler/build/interpreter/image.ts";
import { buildModel } from "../../import/tflite-builder.ts";

/** A kernel id far beyond every id of kernel-ids.ts, so no build contains it. */
export const UNKNOWN_KERNEL_ID = 9999;

export function threeRelus(): InterpreterResult {
  const q = { scale: [0.5], zeroPoint: [-3] };
  const tensor = (name: string) => ({ shape: [1, 4], type: 9, name, quant: q });
  const bytes = buildModel({
    opcodes: [{ deprecated: 19, code: 19 }],
    buffers: [{}],
    subgraphs: [{
      tensors: [tensor("in"), tensor("a"), tensor("b"), tensor("out")],
      inputs: [0],
      outputs: [3],
      ops: [0, 1, 2].map((i) => ({ opcodeIndex: 0, inputs: [i], outputs: [i + 1] })),
    }],
  });
  return buildInterpreter(importTflite(bytes, "three_relus"));
}

export { stepWord } from "../../../compiler/build/interpreter/image.ts";

/** threeRelus() with step `step`'s kernel id replaced (the program's image is the same array). */
export function withKernelId(step: number, id = UNKNOWN_KERNEL_ID): InterpreterResult {
  const r = threeRelus();
  r.image[stepWord(r.image, step)] = id;
  sealImage(r.image); // a consistent image whose kernel the build lacks, not a damaged one
  return r;
}

export const RELU_INPUT = Int8Array.from([-7, -3, 0, 9]);
/** RELU with equal input and output quantization clamps at the zero point, -3. */
export const RELU_OUTPUT = Int8Array.from([-3, -3, 0, 9]);
