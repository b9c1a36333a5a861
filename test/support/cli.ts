/**
 * @fileoverview The `mote` command as the tests spawn it (bin/mote.js under this Node), and the
 * shape every user error must have: exit 1, one line on stderr, `error MOTEdddd: ...`.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "vitest";
import { REPO } from "./shared.ts";

export interface MoteResult { status: number | null; stdout: string; stderr: string }

/** Runs `mote ARGS...`; a run longer than `timeoutMs` is killed (status null: a hang is a failure). */
export function mote(args: readonly string[], timeoutMs = 120_000): MoteResult {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin", "mote.js"), ...args], { encoding: "utf8", timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user error: exit 1, exactly one line on stderr (progress lines "•" aside), naming the problem. */
export function expectUserError(r: MoteResult, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("•"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error MOTE\d{4}: /);
  expect(lines[0]).toMatch(pattern);
}
