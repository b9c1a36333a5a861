/**
 * @fileoverview Kernel ids of the interpreter, read from the table in kernel-ids.ts (stable:
 * adding a kernel never renumbers the others).
 *
 * A model image (compiler/build/interpreter/image.ts) names kernels by these ids, as a TFLite
 * flatbuffer names builtin operators by code. A build contains only the kernels its model uses;
 * an image naming any other id is rejected before it runs (runtime/interpreter.ts `imageStatus`,
 * MOTE5016 through compiler/build/interpreter/status.ts).
 */
import { KERNEL_IDS, RETIRED_KERNEL_IDS } from "./kernel-ids.ts";

let cached: ReadonlyMap<string, number> | undefined;

/** `stem.fn` -> kernel id, for every entry function in kernels/. */
export function kernelIds(): ReadonlyMap<string, number> {
  cached ??= new Map(Object.entries(KERNEL_IDS));
  return cached;
}

/** The id a new entry function gets: one more than every id given or retired. */
export function nextKernelId(): number {
  return Math.max(0, ...Object.values(KERNEL_IDS), ...Object.keys(RETIRED_KERNEL_IDS).map(Number)) + 1;
}

/**
 * The id of kernels/<stem>.ts's entry `fn`, or of a user kernel's (absolute stem) from `user`
 * (compiler/ops/user-kernels.ts: USER_KERNEL_ID_BASE upward, after Mote's own);
 * an internal error if the table lacks it.
 */
export function kernelId(stem: string, fn: string, user?: ReadonlyMap<string, number>): number {
  const id = user?.get(`${stem}.${fn}`) ?? kernelIds().get(`${stem}.${fn}`);
  if (id === undefined) {
    throw new Error(`interpreter: kernels/${stem}.ts ${fn} has no kernel id: add "${stem}.${fn}": ${nextKernelId()} to compiler/build/interpreter/kernel-ids.ts`);
  }
  return id;
}
