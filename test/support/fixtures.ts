/**
 * @fileoverview The repository's test fixtures (test/fixtures/<case>/) and fresh temp directories
 * for build products. Used by the toolchain tests and the snapshot test.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO } from "./shared.ts";

export const FIXTURES = path.join(REPO, "test/fixtures");
export const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);

/** A fresh temp directory for build products. */
export function buildDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `mote-test-${name}-`));
}
