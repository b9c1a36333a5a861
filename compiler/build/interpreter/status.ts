/**
 * @fileoverview What a nonzero interpreter status means, raised as the same user error on every
 * target.
 *
 * runtime/interpreter.ts `imageStatus` (and so `interpret`, `mote_init()` and `mote_invoke()`)
 * returns 0 or a status whose reason is status % 16: 1 not an image (magic), 2 another format
 * version, 3 a size, step, record or argument outside the image or the arena, 4 a step names a
 * kernel id this build does not contain, 5 the checksum does not match, 6 a record that does not
 * fit its kernel. A problem found in step s adds 16 * (s + 1). The generated model.h names them
 * (MOTE_STATUS_*, compiler/emit/c/model.ts). The runners pass the status here with the program
 * that returned it: compiler/run/interpreter.ts (ts, `interpret`'s result),
 * compiler/emit/wasm/run.ts (`invoke`'s result) and compiler/run/targets.ts (host and QEMU: the
 * harness's `error: mote_init() returned status N` line). Reason 4 is MOTE5016 naming the step
 * and the id; the others are MOTE5017.
 */
import { fail } from "../../diagnostics.ts";
import type { ModelProgram } from "../../ir/program.ts";
import { IMAGE_CONSTANT, IMAGE_VERSION, stepWord } from "./image.ts";

/** Must match runtime/interpreter.ts (STEP_STATUS and the reasons of imageStatus). */
const STEP_STATUS = 16;
export const STATUS_NOT_IMAGE = 1;
export const STATUS_VERSION = 2;
export const STATUS_OUT_OF_BOUNDS = 3;
export const STATUS_UNKNOWN_KERNEL = 4;
export const STATUS_CHECKSUM = 5;
export const STATUS_BAD_RECORD = 6;

/** The step a status names (-1 for a problem outside the step table) and its reason. */
export function decodeStatus(status: number): { reason: number; step: number } {
  return { reason: status % STEP_STATUS, step: Math.floor(status / STEP_STATUS) - 1 };
}

/** Raises the user error for the nonzero interpreter status `status` of `image`. */
export function failImageStatus(status: number, image: ArrayLike<number>): never {
  const { reason, step } = decodeStatus(status);
  if (reason === STATUS_UNKNOWN_KERNEL && step >= 0) {
    const at = stepWord(image, step);
    fail(5016, step, at < 0 ? "?" : image[at]);
  }
  switch (reason) {
    case STATUS_NOT_IMAGE:
      return fail(5017, 'it does not start with the magic word "MOTE"');
    case STATUS_VERSION:
      return fail(5017, `it is format version ${image[1]}; this build reads version ${IMAGE_VERSION}`);
    case STATUS_OUT_OF_BOUNDS:
      return fail(5017, step >= 0
        ? `step ${step} has a record or an argument (offset and size) outside the image or the arena`
        : "its header gives sizes or offsets outside the image or the arena");
    case STATUS_CHECKSUM:
      return fail(5017, "its checksum does not match its contents (damaged or edited)");
    case STATUS_BAD_RECORD:
      return fail(5017, `step ${step}'s record or arguments do not fit its kernel (field count, a field out of range, or an argument smaller than the record's shapes)`);
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
