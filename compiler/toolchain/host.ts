/**
 * @fileoverview Builds and runs a generated model library on the build machine: buildHost
 * compiles the library's C files with boards/host/main.c (or serve.c, the server's) using gcc (-O2 -std=c11 -Wall -Wextra
 * -Wconversion -Wcast-qual -Werror; include path: library, runtime/, boards/host/), runHost executes the program on
 * inputs in a temporary directory and returns the outputs. A failing compile is MOTE5009 with
 * the compiler's error lines (the full log is written next to the executable as <exe>.log), a
 * failing run MOTE5011 with the program's; a nonzero status from mote_invoke() (the harness's
 * `error: mote_invoke() returned status N` line) goes to the caller's `invokeStatus`, which
 * says what the status means for its program (compiler/run/targets.ts). The QEMU counterpart is
 * firmware.ts.
 */
import { readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { fail } from "../diagnostics.ts";
import { runProcess, summarizeCompilerErrors } from "./exec.ts";
import { HOST_HARNESS_DIR, RUNTIME_DIR } from "../paths.ts";
import { makeRunDir, readOutputs, removeRunDir, writeInputs } from "./tensor-files.ts";
import { findTool } from "./tools.ts";

/**
 * The warnings every build of generated C treats as errors, on the host and for the boards:
 * implicit narrowing (-Wconversion, with -Wsign-conversion in C) and a cast that drops a const
 * (-Wcast-qual) included. The C emitter spells every intended narrowing as a cast
 * (docs/reliability.md, "Generated C").
 */
export const STRICT_WARNINGS = ["-Wall", "-Wextra", "-Wconversion", "-Wcast-qual", "-Werror"] as const;

/**
 * C flags every host build uses (before the include paths). -ffp-contract=off (implied by
 * -std=c11, explicit here) keeps gcc from fusing a*b + c into an FMA and -fno-math-errno makes
 * sqrtf one instruction: f32 kernel code (signal/) then rounds exactly as TypeScript and WASM.
 */
export const HOST_CFLAGS = ["-O2", "-std=c11", "-ffp-contract=off", "-fno-math-errno", ...STRICT_WARNINGS] as const;

/** The .c files of a generated library directory, sorted (model.c and any companions). */
export function librarySources(libDir: string): string[] {
  const sources = readdirSync(libDir)
    .filter((name) => name.endsWith(".c"))
    .sort()
    .map((name) => path.join(libDir, name));
  if (sources.length === 0) return fail(5014, libDir);
  return sources;
}

export interface HostBuildOptions {
  /** Extra gcc flags (e.g. -DMOTE_PROFILE). */
  extraCflags?: readonly string[];
  /**
   * The harness in boards/host/: main.c (default: files in, files out, one run) or serve.c (the
   * inference server's persistent process: length-framed requests on stdin, server/worker.ts).
   */
  harness?: "main.c" | "serve.c";
}

/** Compiles libDir's C with the host harness into the executable outExe. */
export async function buildHost(libDir: string, outExe: string, options: HostBuildOptions = {}): Promise<void> {
  const gcc = findTool("gcc");
  const lib = path.resolve(libDir);
  const exe = path.resolve(outExe);
  await mkdir(path.dirname(exe), { recursive: true });
  const args = [
    ...HOST_CFLAGS,
    ...(options.extraCflags ?? []),
    `-I${lib}`,
    `-I${RUNTIME_DIR}`,
    `-I${HOST_HARNESS_DIR}`,
    path.join(HOST_HARNESS_DIR, options.harness ?? "main.c"),
    ...librarySources(lib),
    "-o",
    exe,
    "-lm",
  ];
  const result = await runProcess(gcc, args);
  const log = `${gcc} ${args.join(" ")}\n${result.stdout}${result.stderr}`;
  await writeFile(`${exe}.log`, log);
  if (result.code !== 0) {
    fail(5009, summarizeCompilerErrors(result.stderr), `${exe}.log`);
  }
}

export interface HostRunOptions {
  /** Kill the program after this long (default 60 s). */
  timeoutMs?: number;
  /**
   * Raises the user error for a nonzero mote_invoke() status (see invokeStatusOf). Without it
   * such a run is MOTE5011 quoting the harness.
   */
  invokeStatus?: (status: number) => never;
}

/** The status in a harness's `error: mote_invoke() returned status N` line, if there is one. */
export function invokeStatusOf(text: string): number | undefined {
  const m = /^error: mote_(?:init|invoke)\(\) returned status (-?\d+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Runs a host executable built by buildHost on `inputs`; returns its `numOutputs` outputs. */
export async function runHost(
  exe: string,
  inputs: readonly Uint8Array[],
  numOutputs: number,
  options: HostRunOptions = {},
): Promise<Uint8Array[]> {
  const dir = await makeRunDir("host");
  try {
    await writeInputs(dir, inputs);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const result = await runProcess(path.resolve(exe), [dir], { timeoutMs });
    const program = `host program ${path.basename(exe)}`;
    if (result.timedOut) fail(5011, program, `timed out after ${timeoutMs} ms`);
    if (result.code !== 0) {
      const status = invokeStatusOf(result.stderr);
      if (status !== undefined && options.invokeStatus) options.invokeStatus(status);
      const reason = result.stderr.trim() || `killed by ${result.signal ?? "a signal"}`;
      fail(5011, program, `${reason.split("\n").join(" | ")} (exit status ${result.code ?? result.signal})`);
    }
    const outputs = await readOutputs(dir, numOutputs);
    if (!Array.isArray(outputs)) fail(5011, program, `it did not write output_${outputs.missing}.bin`);
    return outputs;
  } finally {
    await removeRunDir(dir);
  }
}
