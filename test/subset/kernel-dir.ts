/**
 * @fileoverview Test helper: writes small kernel files into a temporary directory next to copies
 * of kernels/types.ts and kernels/intrinsics.ts, and lowers or checks them with the real
 * frontend (compiler/subset/program.ts). Used by test/frontend/*.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildProgram, type KernelProgram } from "../../compiler/subset/program.ts";
import { makeKernelDir } from "../../compiler/subset/examples.ts";
import { formatSubsetDiagnostic } from "../../compiler/subset/source.ts";

export class KernelDir {
  readonly dir = makeKernelDir();

  write(name: string, source: string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, source);
    return file;
  }

  /** Writes `files` and builds the program from the first one (and what it imports). */
  build(files: Record<string, string>): KernelProgram {
    const paths = Object.entries(files).map(([name, src]) => this.write(name, src));
    return buildProgram([paths[0]]);
  }

  /** Like build(), but fails the test with the formatted diagnostics when there are any. */
  lower(files: Record<string, string>): KernelProgram {
    const prog = this.build(files);
    if (prog.diagnostics.length > 0) {
      throw new Error(`unexpected diagnostics:\n${prog.diagnostics.map(formatSubsetDiagnostic).join("\n")}`);
    }
    return prog;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
