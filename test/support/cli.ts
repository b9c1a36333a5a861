/**
 * @fileoverview The `mote` command as the tests run it, and the shape every user error must
 * have: exit 1, one line on stderr, `error MOTEdddd: ...`.
 *
 * `moteIn(args)` runs the command line in this process (compiler/cli/main.ts's runMote, the
 * command modules loaded once per test file), with stdout, stderr and process.exit captured: the
 * same status and output as the process, without starting Node, the front end and the compiler
 * anew for each case (1.5-2 s each). `mote(args)` spawns the real `bin/mote.js`: the tests of the
 * process itself (the precompiled front end, signals, a server, --help's startup) keep using it.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { format } from "node:util";
import { expect } from "vitest";
import { REPO } from "./shared.ts";

export interface MoteResult { status: number | null; stdout: string; stderr: string }

/** Runs `mote ARGS...` as a process; a run longer than `timeoutMs` is killed (status null: a hang is a failure). */
export function mote(args: readonly string[], timeoutMs = 120_000): MoteResult {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin", "mote.js"), ...args], { encoding: "utf8", timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What the patched process.exit throws to unwind the command that called it. */
class ExitCalled extends Error {
  constructor(readonly status: number) {
    super(`process.exit(${status})`);
  }
}

/** In-process runs patch process-wide streams, so they run one at a time. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `mote ARGS...` in this process: resolves to the status the process would exit with (0 when
 * the command finished) and everything it wrote to stdout and stderr. Output written after a
 * process.exit (which would have ended the process) is dropped, as the process would never
 * have written it.
 */
export function moteIn(args: readonly string[]): Promise<MoteResult> {
  const run = queue.then(() => runInProcess(args));
  queue = run.catch(() => undefined);
  return run;
}

async function runInProcess(args: readonly string[]): Promise<MoteResult> {
  const { runMote } = await import("../../compiler/cli/main.ts");
  const out = { stdout: "", stderr: "" };
  let exited: number | undefined;
  const sink = (stream: "stdout" | "stderr") => (text: string) => void (exited === undefined && (out[stream] += text));
  const writer = (put: (text: string) => void) => ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    put(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof process.stdout.write;
  const saved = {
    out: process.stdout.write, err: process.stderr.write, exit: process.exit,
    log: console.log, info: console.info, warn: console.warn, error: console.error,
    outTTY: Object.getOwnPropertyDescriptor(process.stdout, "isTTY"), errTTY: Object.getOwnPropertyDescriptor(process.stderr, "isTTY"),
  };
  process.stdout.write = writer(sink("stdout"));
  process.stderr.write = writer(sink("stderr"));
  console.log = console.info = (...a: unknown[]) => sink("stdout")(`${format(...a)}\n`);
  console.warn = console.error = (...a: unknown[]) => sink("stderr")(`${format(...a)}\n`);
  // The process's streams are pipes: no progress spinner, whatever runs the tests.
  Object.defineProperty(process.stdout, "isTTY", { value: false, configurable: true });
  Object.defineProperty(process.stderr, "isTTY", { value: false, configurable: true });
  process.exit = ((code?: number | string | null) => {
    exited ??= Number(code ?? 0);
    throw new ExitCalled(exited);
  }) as typeof process.exit;
  try {
    const status = await runMote(["node", "mote", ...args]);
    return { status: exited ?? status ?? 0, ...out };
  } catch (e) {
    if (!(e instanceof ExitCalled)) throw e;
    return { status: exited ?? e.status, ...out };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exit = saved.exit;
    Object.assign(console, { log: saved.log, info: saved.info, warn: saved.warn, error: saved.error });
    for (const [stream, d] of [[process.stdout, saved.outTTY], [process.stderr, saved.errTTY]] as const) {
      if (d) Object.defineProperty(stream, "isTTY", d);
      else delete (stream as { isTTY?: boolean }).isTTY;
    }
  }
}

/** A user error: exit 1, exactly one line on stderr (progress lines "•" aside), naming the problem. */
export function expectUserError(r: MoteResult, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("•"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error MOTE\d{4}: /);
  expect(lines[0]).toMatch(pattern);
}
