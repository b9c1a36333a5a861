/**
 * @fileoverview Test helper: builds a generated C library with the host harness under
 * AddressSanitizer and UndefinedBehaviorSanitizer (gcc -fsanitize=address,undefined
 * -fno-sanitize-recover -g, on top of the host flags: -Wall -Wextra -Werror) and runs it on
 * inputs. A sanitizer report aborts the program, so runHost fails with MOTE5011 quoting it.
 * Used by test/fuzz/sanitize.full.test.ts (the "cflags" work may replace it with its own helper).
 */
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { INTRINSICS_HEADER, type CLibrary } from "../../compiler/emit/c/model.ts";
import { buildHost, runHost } from "../../compiler/toolchain/host.ts";

export const SANITIZE_CFLAGS = ["-O0", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"] as const;

/** Writes `lib`, builds it with the sanitizers, runs it on `inputs`; returns the outputs. */
export async function runSanitized(lib: CLibrary, inputs: readonly Uint8Array[], numOutputs: number): Promise<Uint8Array[]> {
  const dir = await mkdtemp(path.join(tmpdir(), "mote-san-"));
  try {
    for (const [name, text] of Object.entries(lib)) await writeFile(path.join(dir, name), text);
    await copyFile(INTRINSICS_HEADER, path.join(dir, path.basename(INTRINSICS_HEADER)));
    const exe = path.join(dir, "model");
    await buildHost(dir, exe, { extraCflags: SANITIZE_CFLAGS });
    return await runHost(exe, inputs, numOutputs, { timeoutMs: 120_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
