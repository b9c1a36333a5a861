/**
 * @fileoverview Repository directories the toolchain drivers compile from: boards/ (board
 * descriptions and harness C) and runtime/ (the intrinsics header every generated library
 * includes). Resolved from this file's location, so they work from any working directory.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BOARDS_DIR = path.join(REPO_ROOT, "boards");
export const RUNTIME_DIR = path.join(REPO_ROOT, "runtime");
/** The host harness (boards/host/main.c and its mote_board.h). */
export const HOST_HARNESS_DIR = path.join(BOARDS_DIR, "host");
