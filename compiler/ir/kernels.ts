/**
 * @fileoverview The hand-off between the subset front end and everything after it: a lowered
 * kernel library (KIR functions and records of some subset files) and the loader type the build
 * layer takes.
 *
 * compiler/subset/ produces a KernelLibrary from kernels/*.ts (and runtime/interpreter.ts); the
 * build layer (compiler/build/) receives a KernelLoader instead of importing the front end, so
 * nothing below the front end depends on ts-morph (compiler/pipeline.ts wires the two together).
 */
import type { KModule } from "./kir.ts";

export interface KernelLibrary {
  module: KModule;
  /** KIR name of function `fn` of file `stem` (prefixed by the stem only when two files share a name). */
  kirName: (stem: string, fn: string) => string;
}

/**
 * Lowers the given subset files (absolute paths) and what they import. Each call returns a
 * fresh module: callers may rename and mutate its functions.
 */
export type KernelLoader = (files: string[]) => KernelLibrary;
