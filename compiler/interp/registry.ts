/**
 * @fileoverview Kernel ids of the interpreter: every kernel entry function in kernels/*.ts (an
 * exported function whose first parameter is a params record), numbered from 1 in sorted
 * `stem.fn` order, the reference kernels (`...Reference`) last.
 *
 * A model image (compiler/interp/image.ts) names kernels by these ids, as a TFLite flatbuffer
 * names builtin operators by code. Ids are stable for one version of Mote's kernels/ directory;
 * the image header's version guards the format, not the kernel set, so rebuild images when
 * kernels are added (they are rebuilt on every compile).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { KERNELS_DIR } from "../frontend/program.ts";

const ENTRY = /^export function (\w+)\(\s*\w+\s*:\s*\w+Params\b/gm;

let cached: ReadonlyMap<string, number> | undefined;

/** `stem.fn` -> kernel id, for every entry function in kernels/. */
export function kernelIds(): ReadonlyMap<string, number> {
  if (cached) return cached;
  const keys: string[] = [];
  for (const file of fs.readdirSync(KERNELS_DIR).sort()) {
    if (!file.endsWith(".ts")) continue;
    const source = fs.readFileSync(path.join(KERNELS_DIR, file), "utf8");
    for (const m of source.matchAll(ENTRY)) keys.push(`${file.slice(0, -3)}.${m[1]}`);
  }
  // The reference kernels (`xReference`, test infrastructure) come after the rest, so adding them
  // renumbered no kernel that models use (the dispatch jump table stays as it was).
  const isReference = (k: string) => k.endsWith("Reference");
  keys.sort((a, b) => Number(isReference(a)) - Number(isReference(b)) || (a < b ? -1 : a > b ? 1 : 0));
  cached = new Map(keys.map((k, i) => [k, i + 1]));
  return cached;
}

/** The id of kernels/<stem>.ts's entry `fn`; an internal error if it is not an entry function. */
export function kernelId(stem: string, fn: string): number {
  const id = kernelIds().get(`${stem}.${fn}`);
  if (id === undefined) throw new Error(`interpreter: ${stem}.${fn} is not a kernel entry function (export function ${fn}(p: XParams, ...))`);
  return id;
}
