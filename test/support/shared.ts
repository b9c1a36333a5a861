/**
 * @fileoverview Where the shared data lives for tests (../shared beside the repo, or
 * $MOTE_SHARED), and a visible skip when a fresh clone does not have it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED = process.env.MOTE_SHARED ?? path.resolve(REPO, "../shared");
export const HAS_SHARED = fs.existsSync(path.join(SHARED, "models"));

if (!HAS_SHARED) console.warn(`[mote tests] ${SHARED} is absent: golden-data tests are skipped`);

export function sharedFile(...parts: string[]): string {
  return path.join(SHARED, ...parts);
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(file));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}
