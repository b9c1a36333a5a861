/**
 * @fileoverview Test helper: writes small kernel files into a temporary directory next to copies
 * of kernels/types.ts and kernels/intrinsics.ts, and lowers or checks them with the real
 * subset front end (compiler/subset/program.ts), plus small KIR queries. `lower()` also runs the
 * KIR verifier on what it lowered. Used by test/subset/ and test/specialize/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Expr, KFunction, Stmt } from "../../compiler/ir/kir.ts";
import { verifyModule } from "../../compiler/ir/verify.ts";
import { forEachExpr, forEachStmt } from "../../compiler/ir/walk.ts";
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
