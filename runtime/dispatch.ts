/**
 * @fileoverview The TypeScript reference of the interpreter's `dispatch` (runtime/interpreter.ts):
 * calls the generic kernel with id `kernel`, its record and array arguments read from the step
 * of the model image at word `at`; and of `hasKernel`, which says whether the build contains a
 * kernel id (the interpreter's image check rejects any other before a step runs, so `dispatch`
 * only ever sees ids `hasKernel` accepts).
 *
 * Not subset code, like kernels/intrinsics.ts: the compiler never lowers this file. For C and
 * WASM it generates the same function as KIR (compiler/build/interpreter/dispatch.ts) for the kernels a
 * build includes. Here the table is installed by the caller (compiler/run/interpreter.ts) before
 * `interpret` runs. Argument kinds: 0 absent, 1 arena byte offset, 2 image byte offset
 * (a step: id, argument count, record word, record words, then kind, offset, bytes per argument).
 */
import type { i32 } from "./types.ts";

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Float32Array;
type Elem = "i8" | "i16" | "i32" | "u8" | "u16" | "f32" | "bool";

export interface DispatchEntry {
  /** The kernel's TypeScript entry function. */
  fn: (...args: unknown[]) => void;
  /** Field names of its record, in declaration order (the image stores them in this order). */
  fields: string[];
  /** Element type of each array parameter after the record. */
  elems: Elem[];
}

let table: ReadonlyMap<number, DispatchEntry> = new Map();

/** Sets the kernels `dispatch` can call, by kernel id (compiler/build/interpreter/registry.ts). */
export function installDispatch(entries: ReadonlyMap<number, DispatchEntry>): void {
  table = entries;
}

function view(elem: Elem, bytes: Uint8Array, offset: number): TypedArray {
  const at = bytes.byteOffset + offset;
  const left = bytes.byteLength - offset;
  switch (elem) {
    case "i8": return new Int8Array(bytes.buffer, at, left);
    case "u8": case "bool": return new Uint8Array(bytes.buffer, at, left);
    case "i16": return new Int16Array(bytes.buffer, at, left >> 1);
    case "u16": return new Uint16Array(bytes.buffer, at, left >> 1);
    case "i32": return new Int32Array(bytes.buffer, at, left >> 2);
    case "f32": return new Float32Array(bytes.buffer, at, left >> 2);
  }
}

/** True when this build contains the kernel with id `kernel`. */
export function hasKernel(kernel: i32): boolean {
  return table.has(kernel);
}

export function dispatch(kernel: i32, image: Int32Array, at: i32, arena: Int8Array): void {
  const entry = table.get(kernel);
  // Unreachable: imageStatus rejected every step whose kernel hasKernel does not accept.
  if (entry === undefined) throw new Error(`interpreter: dispatch reached kernel id ${kernel}, which this build does not contain`);
  const record: Record<string, number> = {};
  const rec = image[at + 2];
  entry.fields.forEach((f, k) => { record[f] = image[rec + k]; });
  const imageBytes = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  const arenaBytes = new Uint8Array(arena.buffer, arena.byteOffset, arena.byteLength);
  const arrays = entry.elems.map((elem, j) => {
    const kind = image[at + 4 + 3 * j];
    const offset = image[at + 5 + 3 * j];
    return view(elem, kind === 1 ? arenaBytes : imageBytes, kind === 0 ? 0 : offset);
  });
  entry.fn(record, ...arrays);
}
