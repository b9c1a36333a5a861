/**
 * @fileoverview Shared by the toolchain tests: whether the external tools they need are on
 * PATH, and the fixture directories. Without the tools (a fresh clone before
 * scripts/setup.sh) the suites skip with a visible warning, except under CI, where a missing
 * tool must fail the run with its MOTE5001 message instead of hiding the suite.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { type ToolName, findTool } from "../../compiler/toolchain/tools.ts";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.join(REPO_ROOT, "test/fixtures");
export const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);

/** True when the suite should be skipped; warns once naming what is missing. */
export function skipWithoutTools(suite: string, tools: readonly ToolName[]): boolean {
  const missing = tools.filter((tool) => {
    try {
      findTool(tool);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0 || process.env.CI) return false;
  console.warn(`[${suite}] skipped: ${missing.join(", ")} not installed (run scripts/setup.sh)`);
  return true;
}

/** A fresh temp directory for build products. */
export function buildDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `mote-test-${name}-`));
}
