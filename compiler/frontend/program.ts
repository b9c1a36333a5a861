/**
 * @fileoverview The kernel program: every subset file reachable from some entry files, lowered
 * to one KModule, with all subset diagnostics.
 *
 * `loadKernels()` is what the code generator uses (it throws on any diagnostic); `checkFiles()`
 * is what `mote check` uses (it returns them all). After lowering, a whole-program pass rejects
 * recursion and marks which array parameters are written (so C can declare the rest const).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { KFunction, KModule, ParamType, RecordType, Stmt, Expr } from "../ir/kir.ts";
import { MoteError } from "../diagnostics.ts";
import { lowerFunction, paramTypeOf, type CalleeInfo, type LowerEnv } from "./lower.ts";
import { DiagnosticSink, formatSubsetDiagnostic, parseKernelFile, type KernelFile, type SubsetDiagnostic } from "./source.ts";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const KERNELS_DIR = path.join(REPO_ROOT, "kernels");

/**
 * Files the subset compiler never lowers: type aliases, the intrinsic references and the
 * interpreter's dispatch reference (runtime/dispatch.ts; compiler/interp/dispatch.ts generates
 * the function per build, under the KIR name `dispatch`).
 */
const NOT_LOWERED = new Set(["types", "intrinsics", "dispatch"]);

/** Signature of the interpreter's dispatch(kernel, image, at, arena). */
export const DISPATCH_SIGNATURE: CalleeInfo = {
  kirName: "dispatch",
  params: [
    { kind: "scalar", type: "i32" }, { kind: "array", elem: "i32" },
    { kind: "scalar", type: "i32" }, { kind: "array", elem: "i8" },
  ],
  ret: "void",
};

export interface KernelProgram {
  module: KModule;
  diagnostics: SubsetDiagnostic[];
  files: Map<string, KernelFile>;
  /** KIR name of function `fn` of file `stem`. */
  kirName: (stem: string, fn: string) => string;
}

/** KIR names: a function's own name, prefixed by its file stem only when two files share it. */
function kirNamer(files: Iterable<KernelFile>): (stem: string, fn: string) => string {
  const count = new Map<string, number>();
  for (const kf of files) for (const fn of kf.functions.keys()) count.set(fn, (count.get(fn) ?? 0) + 1);
  return (stem, fn) => ((count.get(fn) ?? 0) > 1 ? `${stem}_${fn}` : fn);
}

function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith("..") ? p : rel;
}

/** Loads and lowers `entryFiles` and every kernel file they import. */
export function buildProgram(entryFiles: string[]): KernelProgram {
  const files = new Map<string, KernelFile>();
  const queue = entryFiles.map((f) => path.resolve(f));
  while (queue.length > 0) {
    const f = queue.shift()!;
    if (files.has(f) || NOT_LOWERED.has(path.basename(f, ".ts"))) continue;
    const kf = parseKernelFile(f, display(f));
    files.set(f, kf);
    for (const imp of kf.imports.values()) if (imp.kind === "kernel") queue.push(imp.file);
  }

  const kirName = kirNamer(files.values());
  const records = new Map<string, RecordType>();
  for (const kf of files.values()) {
    for (const [name, it] of kf.interfaces) records.set(name, { name, fields: it.fields });
  }

  const module: KModule = { functions: new Map(), records };
  const diagnostics: SubsetDiagnostic[] = [];
  // Signatures first, so calls can be checked against them in any order.
  const signatures = new Map<string, CalleeInfo>();
  const envs = new Map<KernelFile, LowerEnv>();
  for (const kf of files.values()) {
    const sink = new DiagnosticSink(kf.sf, display(kf.path));
    const env: LowerEnv = {
      file: kf,
      sink,
      resolveCall: (name) => {
        if (kf.functions.has(name)) return signatures.get(kirName(kf.stem, name));
        const imp = kf.imports.get(name);
        if (imp?.kind === "kernel" && path.basename(imp.file) === "dispatch.ts" && imp.name === "dispatch") return DISPATCH_SIGNATURE;
        if (imp?.kind === "kernel") return signatures.get(kirName(path.basename(imp.file, ".ts"), imp.name));
        return undefined;
      },
      resolveRecord: (name) => {
        const local = kf.interfaces.get(name);
        if (local) return { name, fields: local.fields };
        const imp = kf.imports.get(name);
        const rec = imp && imp.kind === "kernel" ? records.get(imp.name) : undefined;
        return rec ? { name: rec.name, fields: rec.fields } : undefined;
      },
    };
    envs.set(kf, env);
    const quiet: LowerEnv = { ...env, sink: new DiagnosticSink(kf.sf, "") };
    for (const [name, decl] of kf.functions) {
      const params: ParamType[] = decl.parameters.map((p) => paramTypeOf(p.type, quiet, "") ?? { kind: "scalar", type: "i32" });
      const rt = decl.type?.getText(kf.sf);
      const ret = !rt || rt === "void" ? "void" : ((paramTypeOf(decl.type, quiet, "") as { type?: string })?.type ?? "i32");
      signatures.set(kirName(kf.stem, name), { kirName: kirName(kf.stem, name), params, ret: ret as CalleeInfo["ret"] });
    }
  }
  for (const kf of files.values()) {
    const env = envs.get(kf)!;
    for (const [name, decl] of kf.functions) {
      const fn = lowerFunction(decl, kirName(kf.stem, name), env);
      if (path.basename(path.dirname(kf.path)) === "common") fn.inline = true; // kernels/common/ (KFunction.inline)
      module.functions.set(fn.name, fn);
    }
    diagnostics.push(...kf.diagnostics, ...env.sink.list);
  }
  diagnostics.push(...findRecursion(module, files));
  markWrittenArrays(module);
  return { module, diagnostics, files, kirName };
}

/**
 * Lowers `files` (and what they import) for code generation; any subset violation is a
 * MoteError listing them. Look kernel entries up with `kirName(stem, fn)`: a function name that
 * two files share gets its file's stem as a prefix.
 */
export function loadProgram(files: string[]): KernelProgram {
  const prog = buildProgram(files);
  if (prog.diagnostics.length > 0) {
    const lines = prog.diagnostics.map(formatSubsetDiagnostic);
    throw new MoteError(prog.diagnostics[0].code, `kernel source is outside the subset:\n${lines.join("\n")}`);
  }
  return prog;
}

/** The KIR module of kernels/<stem>.ts for each stem (see loadProgram). */
export function loadKernels(stems: string[]): KModule {
  return loadProgram(stems.map((s) => path.join(KERNELS_DIR, `${s}.ts`))).module;
}

/** `mote check`: diagnostics for the given files (and what they import). */
export function checkFiles(files: string[]): SubsetDiagnostic[] {
  for (const f of files) {
    if (!fs.existsSync(f)) throw new MoteError(1001, `cannot read ${f}: no such file`);
  }
  return buildProgram(files).diagnostics;
}

// ---- whole-program passes ---------------------------------------------------------------------

export function forEachExpr(stmts: Stmt[], visit: (e: Expr) => void): void {
  const ex = (e: Expr | null): void => {
    if (!e) return;
    visit(e);
    switch (e.k) {
      case "load": ex(e.index); break;
      case "unary": case "convert": ex(e.a); break;
      case "binary": ex(e.a); ex(e.b); break;
      case "select": ex(e.cond); ex(e.a); ex(e.b); break;
      case "call":
        for (const a of e.args) {
          if (a.k === "value") ex(a.e);
          if (a.k === "view") { ex(a.inArena); ex(a.byteOffset); }
          if (a.k === "recordAt") ex(a.wordIndex);
        }
        break;
      case "intrinsic": for (const a of e.args) ex(a); break;
    }
  };
  const st = (list: Stmt[]): void => {
    for (const s of list) {
      switch (s.k) {
        case "let": ex(s.init); break;
        case "assign": ex(s.value); break;
        case "store": ex(s.index); ex(s.value); break;
        case "if": ex(s.cond); st(s.then); st(s.else); break;
        case "for": st(s.init); ex(s.cond); st(s.step); st(s.body); break;
        case "return": ex(s.value); break;
        case "expr": ex(s.e); break;
        case "profile": ex(s.key); break;
      }
    }
  };
  st(stmts);
}

export function forEachStmt(stmts: Stmt[], visit: (s: Stmt) => void): void {
  for (const s of stmts) {
    visit(s);
    if (s.k === "if") { forEachStmt(s.then, visit); forEachStmt(s.else, visit); }
    if (s.k === "for") { forEachStmt(s.init, visit); forEachStmt(s.step, visit); forEachStmt(s.body, visit); }
  }
}

export function calleesOf(fn: KFunction): Set<string> {
  const out = new Set<string>();
  forEachExpr(fn.body, (e) => { if (e.k === "call") out.add(e.fn); });
  return out;
}

function findRecursion(module: KModule, files: Map<string, KernelFile>): SubsetDiagnostic[] {
  const out: SubsetDiagnostic[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (name: string, stack: string[]): void => {
    if (state.get(name) === 2) return;
    if (state.get(name) === 1) {
      const cycle = stack.slice(stack.indexOf(name)).concat(name);
      const fn = module.functions.get(name)!;
      const [file, line] = fn.source.split(":");
      const kf = [...files.values()].find((f) => `${f.stem}.ts` === file);
      out.push({ code: 2005, file: kf ? display(kf.path) : file, line: Number(line), col: 1,
        message: `recursion is not allowed: ${cycle.join(" -> ")}`, hint: "rewrite it as a loop" });
      return;
    }
    state.set(name, 1);
    const fn = module.functions.get(name);
    if (fn) for (const c of calleesOf(fn)) visit(c, [...stack, name]);
    state.set(name, 2);
  };
  for (const name of module.functions.keys()) visit(name, []);
  return out;
}

/** Marks array parameters stored to, directly or through a callee, as `written`. */
export function markWrittenArrays(module: KModule): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const fn of module.functions.values()) {
      const written = new Set<string>();
      forEachStmt(fn.body, (s) => { if (s.k === "store") written.add(s.array); });
      forEachExpr(fn.body, (e) => {
        if (e.k !== "call") return;
        const callee = module.functions.get(e.fn);
        e.args.forEach((a, i) => {
          if (!callee?.params[i]?.written) return;
          if (a.k === "array") written.add(a.name);
          if (a.k === "view") written.add(a.arena); // the image is constant: only the arena is written
        });
      });
      for (const p of fn.params) {
        if (p.type.kind === "array" && written.has(p.name) && !p.written) {
          p.written = true;
          changed = true;
        }
      }
    }
  }
}
