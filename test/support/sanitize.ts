/**
 * @fileoverview Test helper for many sanitized builds of emitted C libraries (the accepted
 * mutants of test/fuzz/sanitize.full.test.ts): writes a CLibrary, compiles it with the host
 * harness under AddressSanitizer and UndefinedBehaviorSanitizer (HOST_CFLAGS' strict warnings,
 * then -O0 and sanitized-build.ts's SANITIZER_CFLAGS: -fsanitize=address,undefined
 * -fno-sanitize-recover=all -fno-omit-frame-pointer -g) and runs it on inputs with
 * sanitized-build.ts's runSanitized, which says how the run ended (outputs, a sanitizer report,
 * a status, a crash, a timeout).
 *
 * Made for volume (a mutant costs about 0.5-1 s of gcc instead of 1.5-7 s):
 *  - MOTE_INLINE is defined as plain `static inline` (runtime/mote_intrinsics.h lets a build
 *    choose it). The release definition forces inlining (always_inline), and at -O0 with the
 *    sanitizers gcc spent 85-90 % of a model.c compile allocating registers in the huge
 *    functions that forcing makes (ad01: 5.9 s of CPU, 0.6 s without). The C compiled is the
 *    same text and every operation is instrumented the same way; only call boundaries differ.
 *  - the harness (boards/host/main.c) is compiled once per distinct model.h and linked with each
 *    library's model.o; model.c is compiled for every build.
 *  - libraryHash names a library's C text, so a caller can skip byte-identical libraries.
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { INTRINSICS_HEADER, type CLibrary } from "../../compiler/emit/c/model.ts";
import { HOST_HARNESS_DIR, RUNTIME_DIR } from "../../compiler/paths.ts";
import { runProcess, summarizeCompilerErrors } from "../../compiler/toolchain/exec.ts";
import { HOST_CFLAGS } from "../../compiler/toolchain/host.ts";
import { findTool } from "../../compiler/toolchain/tools.ts";
import { SANITIZER_CFLAGS, runSanitized, type SanitizedRun } from "./sanitized-build.ts";

/** The flags after HOST_CFLAGS (whose -O2 the -O0 overrides). */
export const SANITIZE_CFLAGS = ["-O0", ...SANITIZER_CFLAGS, "-DMOTE_INLINE=static inline"] as const;

/** A hash of a library's C text (every file), to find byte-identical libraries. */
export function libraryHash(lib: CLibrary): string {
  const h = createHash("sha256");
  for (const [name, text] of Object.entries(lib).sort(([a], [b]) => a.localeCompare(b))) h.update(`${name}\0${text}\0`);
  return h.digest("hex");
}

/** One build and run: how it ended and where the time went (wall ms). */
export interface LibraryRun {
  run: SanitizedRun;
  /** gcc: model.c, the harness when its model.h was new, and the link. */
  buildMs: number;
  runMs: number;
}

/** Builds and runs libraries under the sanitizers in one work directory; close() removes it. */
export class SanitizedLibraries {
  private work: Promise<string> | undefined;
  /** main.o per model.h hash (a promise, so two concurrent builds compile it once). */
  private readonly mains = new Map<string, Promise<string>>();
  private count = 0;
  /** Harness compiles (distinct model.h) so far. */
  harnessBuilds = 0;

  private workDir(): Promise<string> {
    this.work ??= mkdtemp(path.join(tmpdir(), "mote-san-"));
    return this.work;
  }

  private async gcc(args: string[], what: string): Promise<void> {
    const r = await runProcess(findTool("gcc"), args);
    if (r.code !== 0) throw new Error(`gcc failed on ${what}: ${summarizeCompilerErrors(r.stderr)}`);
  }

  private flags(libDir: string): string[] {
    return [...HOST_CFLAGS, ...SANITIZE_CFLAGS, `-I${libDir}`, `-I${RUNTIME_DIR}`, `-I${HOST_HARNESS_DIR}`];
  }

  /** The harness object for the model.h in libDir (text `header`). */
  private harness(libDir: string, header: string): Promise<string> {
    const key = createHash("sha256").update(header).digest("hex").slice(0, 16);
    let main = this.mains.get(key);
    if (!main) {
      main = (async () => {
        const obj = path.join(await this.workDir(), `main-${key}.o`);
        await this.gcc([...this.flags(libDir), "-c", path.join(HOST_HARNESS_DIR, "main.c"), "-o", obj], "boards/host/main.c");
        this.harnessBuilds++;
        return obj;
      })();
      this.mains.set(key, main);
      main.catch(() => this.mains.delete(key));
    }
    return main;
  }

  /** Writes `lib`, builds it with the sanitizers, runs it on `inputs`. Throws when gcc fails (a warning included). */
  async run(lib: CLibrary, inputs: readonly Uint8Array[], numOutputs: number, timeoutMs = 120_000): Promise<LibraryRun> {
    const dir = path.join(await this.workDir(), `lib-${++this.count}`);
    await mkdir(dir);
    try {
      for (const [name, text] of Object.entries(lib)) await writeFile(path.join(dir, name), text);
      await copyFile(INTRINSICS_HEADER, path.join(dir, path.basename(INTRINSICS_HEADER)));
      const t0 = performance.now();
      const model = path.join(dir, "model.o");
      const [main] = await Promise.all([
        this.harness(dir, lib["model.h"]),
        this.gcc([...this.flags(dir), "-c", path.join(dir, "model.c"), "-o", model], "model.c"),
      ]);
      const exe = path.join(dir, "model");
      await this.gcc([...SANITIZE_CFLAGS, main, model, "-o", exe, "-lm"], "the link");
      const t1 = performance.now();
      const run = await runSanitized(exe, inputs, numOutputs, { timeoutMs });
      return { run, buildMs: t1 - t0, runMs: performance.now() - t1 };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    const work = this.work;
    this.work = undefined;
    this.mains.clear();
    if (work) await rm(await work, { recursive: true, force: true });
  }
}
