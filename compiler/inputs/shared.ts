/**
 * @fileoverview Where the samples find the shared real data (recordings, photos): `$MOTE_SHARED`,
 * or ../shared beside the repository (the same rule as test/support/shared.ts). A missing file or
 * folder is MOTE6107, one line naming it and how to provide it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../paths.ts";
import { fail } from "../diagnostics.ts";

/** The shared data directory: `$MOTE_SHARED`, or ../shared beside the repository. */
export function sharedDir(): string {
  return process.env.MOTE_SHARED || path.resolve(REPO_ROOT, "../shared");
}

/** `<shared>/<parts>`, which must exist (MOTE6107 otherwise: the path as given under $MOTE_SHARED, else relative to the working directory). */
export function sharedData(...parts: string[]): string {
  const p = path.join(sharedDir(), ...parts);
  if (!fs.existsSync(p)) fail(6107, process.env.MOTE_SHARED ? p : path.relative(process.cwd(), p) || p);
  return p;
}
