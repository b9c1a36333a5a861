/**
 * @fileoverview Where the kernel tests find ../shared (golden data): MOTE_SHARED or the sibling
 * of the repository root. Tests skip with a visible warning when it is absent.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED = process.env.MOTE_SHARED ?? path.resolve(repoRoot, "../shared");
export const HAVE_SHARED = existsSync(path.join(SHARED, "golden-ops")) && existsSync(path.join(SHARED, "golden"));
if (!HAVE_SHARED) console.warn(`[mote tests] shared data not found at ${SHARED}: golden tests skipped (set MOTE_SHARED)`);
