/**
 * @fileoverview The interpreter: runs a model image (compiler/build/interpreter/image.ts describes the
 * format) step by step, as TFLite Micro's MicroInterpreter runs a flatbuffer: read the step table
 * at run time and dispatch each step to a generic (unspecialized) kernel.
 *
 * Written in the kernel subset (docs/subset.md), like the kernels: under Node this file is the
 * reference interpreter (`mote run --mode interpreter --target ts`), and the compiler lowers the
 * same source to C and WASM (`--mode interpreter`). `dispatch` is supplied by the compiler per
 * build (the kernels a model uses, as TFLM's op resolver holds them); runtime/dispatch.ts is its
 * TypeScript reference.
 *
 * Image header (i32 words): 0 magic "MOTE", 1 version, 2 arena bytes, 3 step count, 4 word index
 * of the first step, 5 image bytes. A step is: kernel id, argument count, word index of its
 * record, then (kind, byte offset) per array argument.
 *
 * `interpret` checks the whole image first (`imageStatus`) and runs no step of an image it
 * rejects; its nonzero status is what `mote_invoke()` returns (compiler/build/interpreter/
 * status.ts turns it into MOTE5016/5017 on every target).
 */
import type { i32 } from "./types.ts";
import { dispatch, hasKernel } from "./dispatch.ts";

const MAGIC: i32 = 0x45544f4d;
const VERSION: i32 = 1;
const HEADER_WORDS: i32 = 8;
const STEP_WORDS: i32 = 3;
const MAX_ARGS: i32 = 64;
/** Status = reason + STEP_STATUS * (step + 1) for a problem found in a step. */
const STEP_STATUS: i32 = 16;

/**
 * 0 when `image` is a model image this build runs, else a nonzero status. Its reason (status
 * modulo 16): 1 not an image, 2 another format version, 3 a step, record or argument outside the
 * image or the arena, 4 a step names a kernel id this build does not contain (its dispatch has
 * no such kernel). A problem found in step s adds 16 * (s + 1), so the status names the step.
 */
export function imageStatus(image: Int32Array): i32 {
  if (image[0] !== MAGIC) {
    return 1;
  }
  if (image[1] !== VERSION) {
    return 2;
  }
  const words: i32 = (image[5] / 4) | 0;
  const steps: i32 = image[3];
  let at: i32 = image[4];
  if (at < HEADER_WORDS || steps < 0 || steps > words) {
    return 3;
  }
  for (let s: i32 = 0; s < steps; s++) {
    const inStep: i32 = STEP_STATUS * (s + 1);
    if (at + STEP_WORDS > words) {
      return 3 + inStep;
    }
    if (!hasKernel(image[at])) {
      return 4 + inStep;
    }
    const args: i32 = image[at + 1];
    const record: i32 = image[at + 2];
    if (args < 0 || args > MAX_ARGS || at + STEP_WORDS + 2 * args > words || record < HEADER_WORDS || record >= words) {
      return 3 + inStep;
    }
    for (let j: i32 = 0; j < args; j++) {
      const kind: i32 = image[at + STEP_WORDS + 2 * j];
      const offset: i32 = image[at + STEP_WORDS + 2 * j + 1];
      if (kind < 0 || kind > 2 || offset < 0) {
        return 3 + inStep;
      }
      if ((kind === 1 && offset > image[2]) || (kind === 2 && offset > image[5])) {
        return 3 + inStep;
      }
    }
    at = at + STEP_WORDS + 2 * args;
  }
  return 0;
}

/**
 * Runs every step of `image` over `arena` (at least image[2] bytes) and returns 0; when
 * imageStatus rejects the image, returns that status without running any step.
 */
export function interpret(image: Int32Array, arena: Int8Array): i32 {
  const status: i32 = imageStatus(image);
  if (status !== 0) {
    return status;
  }
  runSteps(image, arena);
  return 0;
}

/**
 * Runs every step of an image imageStatus accepted, without checking it again: the C library
 * checks its constant image once (`mote_init()`, run by the first `mote_invoke()` if the
 * application did not), as TFLite Micro checks a model in AllocateTensors, not in every Invoke.
 */
export function runSteps(image: Int32Array, arena: Int8Array): void {
  const steps: i32 = image[3];
  let at: i32 = image[4];
  for (let s: i32 = 0; s < steps; s++) {
    dispatch(image[at], image, at, arena);
    at = at + STEP_WORDS + 2 * image[at + 1];
  }
}
