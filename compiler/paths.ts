/**
 * @fileoverview Repository directories Mote reads at compile time, resolved from this file's
 * location so they work from any working directory: kernels/ (the subset kernels), signal/ (the
 * audio front ends, subset code too: kernel stems "signal/<name>"), runtime/ (the
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
/** The audio front ends (subset code beside kernels/), reached by kernel stems "signal/<name>". */
export const SIGNAL_DIR = path.join(REPO_ROOT, "signal");
export const RUNTIME_DIR = path.join(REPO_ROOT, "runtime");
export const BOARDS_DIR = path.join(REPO_ROOT, "boards");
/** The host harness (boards/host/main.c and its mote_board.h). */
export const HOST_HARNESS_DIR = path.join(BOARDS_DIR, "host");

/**
 * kernels/<stem>.ts, or <repo>/signal/<name>.ts for a stem "signal/<name>". A user kernel's stem
 * (`--kernels DIR`, compiler/ops/user-kernels.ts) is its absolute path without ".ts".
 */
export function kernelFile(stem: string): string {
  if (path.isAbsolute(stem)) return `${stem}.ts`;
  if (stem.startsWith("signal/")) return path.join(SIGNAL_DIR, `${stem.slice("signal/".length)}.ts`);
  return path.join(KERNELS_DIR, `${stem}.ts`);
}

/** A kernel stem as part of a C or WASM identifier: "signal/mfcc" -> "signal_mfcc", a user's "/dir/clip" -> "user_clip". */
export function stemIdentifier(stem: string): string {
  if (path.isAbsolute(stem)) return `user_${path.basename(stem)}`.replace(/[^A-Za-z0-9_]/g, "_");
  return stem.replace(/[^A-Za-z0-9_]/g, "_");
}
