/**
 * @fileoverview Test helper: writes small kernel files into a temporary directory next to copies
 * of kernels/types.ts and kernels/intrinsics.ts (so their imports resolve as in kernels/), and
 * checks or lowers them with the real subset front end (compiler/subset/program.ts), plus small
 * KIR queries; `lower()` also runs the KIR verifier on what it lowered. Used by test/subset/ and test/specialize/. The wrong/fix fixtures of
 * test/fixtures/subset/ need no copy: they are checked in place (test/subset/fixtures.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Expr, KFunction, Stmt } from "../../compiler/ir/kir.ts";
import { verifyModule } from "../../compiler/ir/verify.ts";
import { forEachExpr, forEachStmt } from "../../compiler/ir/walk.ts";
import { KERNELS_DIR } from "../../compiler/paths.ts";
import { buildProgram, checkFiles, type KernelProgram } from "../../compiler/subset/program.ts";
import { formatSubsetDiagnostic, type SubsetDiagnostic } from "../../compiler/subset/source.ts";

/** A fresh temporary directory holding copies of kernels/types.ts and kernels/intrinsics.ts. */
function makeKernelDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-subset-"));
  for (const f of ["types.ts", "intrinsics.ts"]) fs.copyFileSync(path.join(KERNELS_DIR, f), path.join(dir, f));
  return dir;
}

export class KernelDir {
  readonly dir = makeKernelDir();

  write(name: string, source: string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, source);
    return file;
  }

  /**
   * Writes `source` as `name` and runs the subset checker on it (as `mote check` does);
   * diagnostics name files by their base name, independent of where the directory is.
   */
  check(source: string, name = "kernel.ts"): SubsetDiagnostic[] {
    return checkFiles([this.write(name, source)]).map((d) => ({ ...d, file: path.basename(d.file) }));
  }

  /** Writes `files` and builds the program from the first one (and what it imports). */
  build(files: Record<string, string>): KernelProgram {
    const paths = Object.entries(files).map(([name, src]) => this.write(name, src));
    return buildProgram([paths[0]]);
  }

  /**
   * Like build(), but fails the test with the formatted diagnostics when there are any, or when
   * the KIR does not verify (compiler/ir/verify.ts).
   */
  lower(files: Record<string, string>): KernelProgram {
    const prog = this.build(files);
    if (prog.diagnostics.length > 0) {
      throw new Error(`unexpected diagnostics:\n${prog.diagnostics.map(formatSubsetDiagnostic).join("\n")}`);
    }
    verifyModule(prog.module, { stage: "lower" });
    return prog;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The imports a test kernel starts with. */
export const KERNEL_HEAD = `import type { i8, i16, i32, u8, u16 } from "./types.ts";\nimport { sat8, toI8 } from "./intrinsics.ts";\n`;

/** Every statement of kind `k` in `f`, nested ones included. */
export function stmts(f: KFunction, k: Stmt["k"]): Stmt[] {
  const out: Stmt[] = [];
  forEachStmt(f.body, (s) => { if (s.k === k) out.push(s); });
  return out;
}

/** Every expression of kind `k` in `body`, nested ones included. */
export function exprs(body: Stmt[], k: Expr["k"]): Expr[] {
  const out: Expr[] = [];
  forEachExpr(body, (e) => { if (e.k === k) out.push(e); });
  return out;
}
