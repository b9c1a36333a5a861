/**
 * @fileoverview The kernel program: every subset file reachable from some entry files, lowered
 * to one KModule, with all subset diagnostics.
 *
 * `loadProgram()` is the KernelLoader (compiler/ir/kernels.ts) the build layer receives (it
 * throws on any diagnostic); `checkFiles()`
 * is what `mote check` uses (it returns them all). After lowering, a whole-program pass rejects
 * recursion and marks which array parameters are written (so C can declare the rest const).
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import type { KModule, ParamType, RecordType } from "../ir/kir.ts";
import type { KernelLibrary } from "../ir/kernels.ts";
import { calleesOf, markWrittenArrays } from "../ir/walk.ts";
import { fail } from "../diagnostics.ts";
import { kernelFile, KERNELS_DIR, RUNTIME_DIR, SIGNAL_DIR } from "../paths.ts";
import { lowerFunction, paramTypeOf, type CalleeInfo, type LowerEnv } from "./lower.ts";
import { DiagnosticSink, formatSubsetDiagnostic, parseKernelFile, type KernelFile, type SubsetDiagnostic } from "./source.ts";

/**
 * Files the subset compiler never lowers: type aliases, the intrinsic references and the
 * interpreter's dispatch reference (runtime/dispatch.ts; compiler/build/interpreter/dispatch.ts
 * generates its two functions per build, under the KIR names `dispatch` and `hasKernel`).
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

/** Signature of the interpreter's hasKernel(kernel): is this kernel id in the build? */
export const HAS_KERNEL_SIGNATURE: CalleeInfo = {
  kirName: "hasKernel",
  params: [{ kind: "scalar", type: "i32" }],
  ret: "bool",
};

/** The generated functions runtime/dispatch.ts stands for, by exported name. */
const DISPATCH_FUNCTIONS = new Map([["dispatch", DISPATCH_SIGNATURE], ["hasKernel", HAS_KERNEL_SIGNATURE]]);

export interface KernelProgram extends KernelLibrary {
  diagnostics: SubsetDiagnostic[];
  files: Map<string, KernelFile>;
}

/**
 * A file's kernel stem: its base name for Mote's own (kernels/, signal/, runtime/), its absolute
 * path without ".ts" for a user's (`--kernels DIR`, as compiler/ops/user-kernels.ts names them).
 */
export function fileStem(file: string): string {
  const mote = [KERNELS_DIR, SIGNAL_DIR, RUNTIME_DIR].some((d) => file.startsWith(d + path.sep));
  return mote ? path.basename(file, ".ts") : file.replace(/\.ts$/, "");
}

/**
 * KIR names: a function's own name, prefixed by its file stem only when two files share it (a
 * user's file by "user_<base name>" when Mote has a file of that name, so a user's relu.ts and
 * Mote's stay apart).
 */
function kirNamer(iterable: Iterable<KernelFile>): (stem: string, fn: string) => string {
  const files = [...iterable];
  const count = new Map<string, number>();
  for (const kf of files) for (const fn of kf.functions.keys()) count.set(fn, (count.get(fn) ?? 0) + 1);
  // A stem may come with its folder ("signal/mfcc", from a KernelCall): files are named by base
  // name, a user's file by "user_<base name>" when one of Mote's files has its base name.
  const mote = new Set(files.map((kf) => fileStem(kf.path)).filter((s) => !path.isAbsolute(s)).map((s) => path.basename(s)));
  const prefix = (stem: string): string => (path.isAbsolute(stem) && mote.has(path.basename(stem)) ? `user_${path.basename(stem)}` : path.basename(stem));
  return (stem, fn) => ((count.get(fn) ?? 0) > 1 ? `${prefix(stem)}_${fn}` : fn);
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
        if (kf.functions.has(name)) return signatures.get(kirName(fileStem(kf.path), name));
        const imp = kf.imports.get(name);
        if (imp?.kind === "kernel" && path.basename(imp.file) === "dispatch.ts" && DISPATCH_FUNCTIONS.has(imp.name)) return DISPATCH_FUNCTIONS.get(imp.name);
        if (imp?.kind === "kernel") return signatures.get(kirName(fileStem(imp.file), imp.name));
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
      const kir = kirName(fileStem(kf.path), name);
      signatures.set(kir, { kirName: kir, params, ret: ret as CalleeInfo["ret"] });
    }
  }
  for (const kf of files.values()) {
    const env = envs.get(kf)!;
    for (const [name, decl] of kf.functions) {
      const fn = lowerFunction(decl, kirName(fileStem(kf.path), name), env);
      if (path.basename(path.dirname(kf.path)) === "common") fn.inline = true; // kernels/common/ (KFunction.inline)
      // KFunction.noinline: the entries of the DSP kernels (kernels/<op>_dsp.ts) and `@noinline` functions.
      else if (kf.stem.endsWith("_dsp") && (decl.modifiers ?? []).some((m) => m.getText(kf.sf) === "export")) fn.noinline = true;
      else if (ts.getJSDocTags(decl).some((t) => t.tagName.text === "noinline")) fn.noinline = true;
      // KFunction.noschedule / KFunction.noipa: `@noschedule`, `@noipa` (C code generation only).
      if (ts.getJSDocTags(decl).some((t) => t.tagName.text === "noschedule")) fn.noschedule = true;
      if (ts.getJSDocTags(decl).some((t) => t.tagName.text === "noipa")) fn.noipa = true;
      // KFunction.unroll: `@unroll N` (compiler/specialize/unroll.ts).
      const unrollTag = ts.getJSDocTags(decl).find((t) => t.tagName.text === "unroll");
      const unrollTrips = unrollTag ? Number(ts.getTextOfJSDocComment(unrollTag.comment)) : NaN;
      if (Number.isInteger(unrollTrips) && unrollTrips > 0) fn.unroll = unrollTrips;
      module.functions.set(fn.name, fn);
    }
    diagnostics.push(...kf.diagnostics, ...env.sink.list);
  }
  diagnostics.push(...findRecursion(module, files));
  markWrittenArrays(module);
  return { module, diagnostics, files, kirName };
}

/**
 * Lowers `files` (and what they import) for code generation; any subset violation is
 * MOTE2902 listing them all on one line (`mote check` prints one per line). Look kernel entries up with `kirName(stem, fn)`: a function name that
 * two files share gets its file's stem as a prefix.
 */
export function loadProgram(files: string[]): KernelProgram {
  const prog = buildProgram(files);
  if (prog.diagnostics.length > 0) {
    fail(2902, prog.diagnostics.map(formatSubsetDiagnostic).join("; "));
  }
  return prog;
}

/** The KIR module of kernels/<stem>.ts for each stem (see loadProgram). */
export function loadKernels(stems: string[]): KModule {
  return loadProgram(stems.map(kernelFile)).module;
}

/** `mote check`: diagnostics for the given files (and what they import); MOTE2901 for a file it cannot read. */
export function checkFiles(files: string[]): SubsetDiagnostic[] {
  return buildProgram(files).diagnostics;
}

// ---- whole-program passes ---------------------------------------------------------------------

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

