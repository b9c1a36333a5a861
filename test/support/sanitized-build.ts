/**
 * @fileoverview Generated C under the sanitizers: builds a program's C library with the host
 * harness (boards/host/main.c), the strict warnings every build uses (HOST_CFLAGS: -Wall -Wextra
 * -Wconversion -Wcast-qual -Werror) and AddressSanitizer + UndefinedBehaviorSanitizer with no
 * recovery, then runs it on given inputs and says how the run ended: outputs, a nonzero
 * mote_init()/mote_invoke() status, a sanitizer report, a crash or a timeout. Used by the
 * "Generated C" tests (test/emit/sanitized*.test.ts) and by the fuzzers for accepted mutants.
 *
 *   const exe = await buildSanitized(program, dir);          // MOTE5009 if gcc warns or fails
 *   const run = await runSanitized(exe, inputs, program.outputs.length);
 *   if (run.kind !== "ok") ...                                 // run.report says what happened
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Graph } from "../../compiler/ir/graph.ts";
import type { ModelProgram } from "../../compiler/ir/program.ts";
import type { BuildOptions } from "../../compiler/build/index.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { buildHost, invokeStatusOf } from "../../compiler/toolchain/host.ts";
import { readOutputs, writeInputs } from "../../compiler/toolchain/tensor-files.ts";

/** The sanitizer flags (after HOST_CFLAGS, which bring the strict warnings). */
export const SANITIZER_CFLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g"] as const;

/**
 * The sanitizer runtimes' options: stop at the first report, no leak check (the generated code
 * and the harness allocate nothing; LeakSanitizer fails under ptrace in some sandboxes).
 */
export const SANITIZER_ENV = {
  ASAN_OPTIONS: "detect_leaks=0:halt_on_error=1:abort_on_error=0:exitcode=86",
  UBSAN_OPTIONS: "halt_on_error=1:print_stacktrace=1:exitcode=87",
} as const;

export interface SanitizedBuildOptions {
  /**
   * Optimization level for the sanitized build (default -O0: compiles in about half the time of
   * -O1 and a quarter of -O2 for the large models, and no undefined behaviour is optimized away
   * before the checks see it). Overrides HOST_CFLAGS' -O2.
   */
  optimize?: "-O0" | "-O1" | "-O2";
  /** Extra gcc flags after the sanitizer flags. */
  extraCflags?: readonly string[];
}

/**
 * Writes `program`'s C library into `dir` (created) and builds `dir`/model_sanitized from it;
 * returns the executable's path. A warning or error from gcc is MOTE5009 (log: <exe>.log).
 */
export async function buildSanitized(program: ModelProgram, dir: string, opts: SanitizedBuildOptions = {}): Promise<string> {
  writeCLibrary(program, dir);
  const exe = path.join(dir, "model_sanitized");
  await buildHost(dir, exe, { extraCflags: [opts.optimize ?? "-O0", ...SANITIZER_CFLAGS, ...(opts.extraCflags ?? [])] });
  return exe;
}

/** How a sanitized run ended. */
export type SanitizedRun =
  /** Clean run: the outputs (for K invocations, each output holds K chunks). */
  | { kind: "ok"; outputs: Uint8Array[] }
  /** mote_init() or mote_invoke() returned a nonzero status (an image or input rejected). */
  | { kind: "status"; status: number; report: string }
  /** AddressSanitizer or UndefinedBehaviorSanitizer reported (report: their first lines). */
  | { kind: "sanitizer"; report: string }
  /** Any other failure: a harness error line, a signal, missing outputs. */
  | { kind: "crash"; report: string }
  | { kind: "timeout"; report: string };

export interface SanitizedRunOptions {
  /** Kill the program after this long (default 120 s). */
  timeoutMs?: number;
}

const SANITIZER_LINE = /runtime error:|ERROR: AddressSanitizer|ERROR: UndefinedBehaviorSanitizer|SUMMARY: (Address|UndefinedBehavior)Sanitizer/;

/** The first `max` lines of a sanitizer report, from its first "runtime error"/"ERROR:" line. */
function reportOf(stderr: string, max = 12): string {
  const lines = stderr.split("\n");
  const first = lines.findIndex((l) => SANITIZER_LINE.test(l));
  return lines.slice(Math.max(first, 0), Math.max(first, 0) + max).join("\n").trim();
}

function run(exe: string, dir: string, timeoutMs: number): Promise<{ code: number | null; signal: string | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [dir], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...SANITIZER_ENV } });
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeoutMs);
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr: Buffer.concat(err).toString("utf8"), timedOut });
    });
  });
}

/**
 * Runs a sanitized executable on `inputs` (input k's bytes; a multiple K of the tensor size runs
 * K invocations on one instance, as boards/host/main.c does) and returns how it ended.
 */
export async function runSanitized(exe: string, inputs: readonly Uint8Array[], numOutputs: number, opts: SanitizedRunOptions = {}): Promise<SanitizedRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "mote-sanitized-"));
  try {
    await writeInputs(dir, inputs);
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const r = await run(exe, dir, timeoutMs);
    if (r.timedOut) return { kind: "timeout", report: `timed out after ${timeoutMs} ms` };
    if (SANITIZER_LINE.test(r.stderr)) return { kind: "sanitizer", report: reportOf(r.stderr) };
    if (r.code !== 0) {
      const status = invokeStatusOf(r.stderr);
      if (status !== undefined) return { kind: "status", status, report: r.stderr.trim() };
      return { kind: "crash", report: r.stderr.trim() || `killed by ${r.signal ?? "a signal"} (exit status ${r.code})` };
    }
    const outputs = await readOutputs(dir, numOutputs);
    if (!Array.isArray(outputs)) return { kind: "crash", report: `no output_${outputs.missing}.bin` };
    return { kind: "ok", outputs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A work directory for sanitized builds, removed when the process exits (vitest's workers may
 * end without an exit event: call removeSanitizedWorkDir in afterAll).
 */
let work: string | undefined;
export function sanitizedWorkDir(): string {
  if (!work) {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "mote-sanitized-build-"));
    process.once("exit", removeSanitizedWorkDir);
  }
  return work;
}

/** Removes sanitizedWorkDir() and everything in it. */
export function removeSanitizedWorkDir(): void {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  work = undefined;
}

let builds = 0;

/**
 * The whole round trip for a graph: builds it (BuildOptions: mode, plan, ...) with the
 * sanitizers in a fresh directory under sanitizedWorkDir() and runs each entry of `runs` (the
 * inputs of one process: see runSanitized) in its own process, then removes the build. Throws
 * when the build fails.
 */
export async function sanitizedRuns(
  graph: Graph, runs: readonly (readonly Uint8Array[])[], opts: BuildOptions & SanitizedBuildOptions & SanitizedRunOptions = {},
): Promise<SanitizedRun[]> {
  const { optimize, extraCflags, timeoutMs, ...buildOpts } = opts;
  const program = buildFor(graph, buildOpts).program;
  const dir = path.join(sanitizedWorkDir(), `lib-${++builds}`);
  try {
    const exe = await buildSanitized(program, dir, { optimize, extraCflags });
    const out: SanitizedRun[] = [];
    for (const inputs of runs) out.push(await runSanitized(exe, inputs, program.outputs.length, { timeoutMs }));
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
