/**
 * @fileoverview What a nonzero interpreter status means, raised as the same user error on every
 * target.
 *
 * runtime/interpreter.ts `imageStatus` (and so `interpret` and `mote_invoke()`) returns 0 or a
 * status whose reason is status % 16: 1 not an image, 2 another format version, 3 a step, record
 * or argument outside the image or the arena, 4 a step names a kernel id this build does not
 * contain. A problem found in step s adds 16 * (s + 1). The runners pass the status here with
 * the program that returned it: compiler/run/interpreter.ts (ts, `interpret`'s result),
 * compiler/emit/wasm/run.ts (`invoke`'s result) and compiler/run/targets.ts (host and QEMU: the
 * harness's `error: mote_invoke() returned status N` line). Reason 4 is MOTE5016 naming the step
 * and the id; the others are MOTE5017.
 */
import { fail } from "../../diagnostics.ts";
import type { ModelProgram } from "../../ir/program.ts";
import { IMAGE_CONSTANT, IMAGE_VERSION } from "./image.ts";

/** Must match runtime/interpreter.ts (STEP_STATUS and the reasons of imageStatus). */
const STEP_STATUS = 16;
export const STATUS_NOT_IMAGE = 1;
export const STATUS_VERSION = 2;
export const STATUS_OUT_OF_BOUNDS = 3;
export const STATUS_UNKNOWN_KERNEL = 4;

/** The step a status names (-1 for a problem outside the step table) and its reason. */
export function decodeStatus(status: number): { reason: number; step: number } {
  return { reason: status % STEP_STATUS, step: Math.floor(status / STEP_STATUS) - 1 };
}

/** Word index of step `step` in `image` (the steps before it passed imageStatus's checks). */
function stepWord(image: ArrayLike<number>, step: number): number | undefined {
  let at = image[4];
  for (let s = 0; s < step; s++) {
    if (at + 1 >= image.length) return undefined;
    at += 3 + 2 * image[at + 1];
  }
  return at < image.length ? at : undefined;
}

/** Raises the user error for the nonzero interpreter status `status` of `image`. */
export function failImageStatus(status: number, image: ArrayLike<number>): never {
  const { reason, step } = decodeStatus(status);
  if (reason === STATUS_UNKNOWN_KERNEL && step >= 0) {
    const at = stepWord(image, step);
    fail(5016, step, at === undefined ? "?" : image[at]);
  }
  switch (reason) {
    case STATUS_NOT_IMAGE:
      return fail(5017, 'it does not start with the magic word "MOTE"');
    case STATUS_VERSION:
      return fail(5017, `it is format version ${image[1]}; this build reads version ${IMAGE_VERSION}`);
    case STATUS_OUT_OF_BOUNDS:
      return fail(5017, step >= 0
        ? `step ${step} has a record or an argument outside the image or the arena`
        : "its step table lies outside the image");
    default:
      return fail(5017, `status ${status}`);
  }
}

/**
 * Raises the user error for a nonzero `mote_invoke()` status of `program`. Only interpreter
 * programs (with a model image) return one; any other is an internal error.
 */
export function failInvokeStatus(program: ModelProgram, status: number): never {
  const image = program.constants.find((c) => c.name === IMAGE_CONSTANT);
  if (!image) throw new Error(`mote_invoke() of ${program.name} returned status ${status}, but it has no model image`);
  return failImageStatus(status, image.values);
}
