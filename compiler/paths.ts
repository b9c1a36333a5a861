/**
 * @fileoverview Repository directories Mote reads at compile time, resolved from this file's
 * location so they work from any working directory: kernels/ (the subset kernels), runtime/ (the
 * interpreter and the intrinsics header every generated library includes) and boards/ (board
 * descriptions and harness C); and package.json's version.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Mote's version, from package.json (generated headers and `mote --version` show it). */
export const MOTE_VERSION: string = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version;
export const KERNELS_DIR = path.join(REPO_ROOT, "kernels");
export const RUNTIME_DIR = path.join(REPO_ROOT, "runtime");
export const BOARDS_DIR = path.join(REPO_ROOT, "boards");
/** The host harness (boards/host/main.c and its mote_board.h). */
export const HOST_HARNESS_DIR = path.join(BOARDS_DIR, "host");

/** kernels/<stem>.ts */
export function kernelFile(stem: string): string {
  return path.join(KERNELS_DIR, `${stem}.ts`);
}
