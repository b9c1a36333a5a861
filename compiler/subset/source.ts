/**
 * @fileoverview Kernel source files: parsing, top-level declarations and subset diagnostics.
 *
 * compiler/subset/program.ts loads kernel files through `parseKernelFile`, which records each
 * file's imports, interfaces (params records), functions and integer constants, and reports
 * top-level constructs outside the subset. Function bodies are lowered in
 * compiler/subset/lower.ts. Parsing uses the TypeScript compiler that ships with ts-morph.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ts } from "ts-morph";
import { DIAGNOSTICS, fail, formatDiagnostic, type DiagnosticCode } from "../diagnostics.ts";

/** One subset violation, with where it is and what to write instead. */
export interface SubsetDiagnostic {
  code: number;
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
}

export function formatSubsetDiagnostic(d: SubsetDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: error MOTE${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`;
}

export type ImportKind = "types" | "intrinsics" | "kernel";

export interface ImportedName {
  kind: ImportKind;
  /** Absolute path of the kernel file for kind "kernel". */
  file: string;
  name: string;
}

export interface KernelFile {
  path: string;
  /** File name without .ts: prefixes KIR names of its functions. */
  stem: string;
  sf: ts.SourceFile;
  imports: Map<string, ImportedName>;
  interfaces: Map<string, { fields: string[]; node: ts.InterfaceDeclaration }>;
  functions: Map<string, ts.FunctionDeclaration>;
  consts: Map<string, number>;
  diagnostics: SubsetDiagnostic[];
}

export class DiagnosticSink {
  readonly list: SubsetDiagnostic[] = [];
  constructor(private readonly sf: ts.SourceFile, private readonly file: string) {}

  report(code: DiagnosticCode, node: ts.Node, ...args: unknown[]): void {
    const { line, character } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    const info: { message: string; hint?: string } = DIAGNOSTICS[code];
    const d: SubsetDiagnostic = {
      code,
      file: this.file,
      line: line + 1,
      col: character + 1,
      message: formatDiagnostic(code, args),
      hint: info.hint,
    };
    if (!this.list.some((x) => x.line === d.line && x.col === d.col && x.code === d.code)) this.list.push(d);
  }
}

export const SCALAR_ALIASES = new Set(["i8", "i16", "i32", "u8", "u16", "f32"]);
export const ARRAY_TYPES: Record<string, "i8" | "i16" | "i32" | "u8" | "u16" | "f32"> = {
  Int8Array: "i8",
  Int16Array: "i16",
  Int32Array: "i32",
  Uint8Array: "u8",
  Uint16Array: "u16",
  Float32Array: "f32",
};

/**
 * Largest value an integer literal may spell: 2^31-1 for decimals (TypeScript keeps a larger
 * decimal as it is, C would wrap it), 0xFFFFFFFF for hex, octal and binary literals (bit
 * patterns, read as C's int32_t casts). A negated decimal may reach -2^31.
 */
export function maxIntegerLiteral(sourceText: string): number {
  // The source text, not NumericLiteral.text, which TypeScript normalizes to decimal.
  return /^0[xob]/i.test(sourceText) ? 0xffffffff : 0x7fffffff;
}

/** The first integer literal in `e` that does not fit in i32 (see maxIntegerLiteral). */
function outOfRangeLiteral(e: ts.Node): ts.Node | undefined {
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) {
    return -Number(e.operand.text) < -2147483648 ? e : undefined;
  }
  if (ts.isNumericLiteral(e)) return Number(e.text) > maxIntegerLiteral(e.getText()) ? e : undefined;
  return ts.forEachChild(e, outOfRangeLiteral);
}

/** The text of a kernel file; MOTE2901 when it cannot be read. */
function readKernelText(absPath: string, displayPath: string): string {
  try {
    return fs.readFileSync(absPath, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(2901, displayPath, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? String(e)));
  }
}

/** Parses one kernel file and its top level. `displayPath` is what diagnostics print. */
export function parseKernelFile(absPath: string, displayPath: string): KernelFile {
  const text = readKernelText(absPath, displayPath);
  const sf = ts.createSourceFile(absPath, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const sink = new DiagnosticSink(sf, displayPath);
  const file: KernelFile = {
    path: absPath,
    stem: path.basename(absPath, ".ts"),
    sf,
    imports: new Map(),
    interfaces: new Map(),
    functions: new Map(),
    consts: new Map(),
    diagnostics: sink.list,
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      readImport(file, st, sink);
    } else if (ts.isInterfaceDeclaration(st)) {
      const fields: string[] = [];
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type || !ts.isIdentifier(m.name)) {
          sink.report(2022, m, "interface member that is not 'name: i32'");
          continue;
        }
        const t = m.type.getText(sf);
        if (t === "number") sink.report(2021, m.type);
        else if (t !== "i32") sink.report(2009, m.type, `record field ${m.name.text} (record fields are i32)`);
        fields.push(m.name.text);
      }
      file.interfaces.set(st.name.text, { fields, node: st });
    } else if (ts.isFunctionDeclaration(st)) {
      if (!st.name || !st.body) {
        sink.report(2022, st, "function without a name or body");
        continue;
      }
      file.functions.set(st.name.text, st);
    } else if (ts.isVariableStatement(st)) {
      readTopConst(file, st, sink);
    } else if (ts.isClassDeclaration(st)) {
      sink.report(2001, st);
    } else if (ts.isTypeAliasDeclaration(st) && file.stem === "types") {
      // kernels/types.ts itself declares the aliases.
    } else if (ts.isExportDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
      sink.report(2022, st, ts.SyntaxKind[st.kind]);
    } else if (ts.isEnumDeclaration(st)) {
      sink.report(2022, st, "enum (use integer constants: const NAME: i32 = 1;)");
    } else {
      sink.report(2022, st, `top-level ${ts.SyntaxKind[st.kind]}`);
    }
  }
  return file;
}

function readImport(file: KernelFile, st: ts.ImportDeclaration, sink: DiagnosticSink): void {
  const spec = (st.moduleSpecifier as ts.StringLiteral).text;
  const base = path.basename(spec).replace(/\.(ts|js)$/, "");
  let kind: ImportKind;
  // Relative paths only: "./x.ts", or "../x.ts" from a subfolder such as kernels/common/.
  if (!spec.startsWith("./") && !spec.startsWith("../")) {
    sink.report(2018, st.moduleSpecifier, spec);
    return;
  }
  if (base === "types") kind = "types";
  else if (base === "intrinsics") kind = "intrinsics";
  else kind = "kernel";
  const target = path.resolve(path.dirname(file.path), spec.endsWith(".ts") ? spec : `${spec}.ts`);
  if (kind === "kernel" && !fs.existsSync(target)) {
    sink.report(2018, st.moduleSpecifier, spec);
    return;
  }
  const bindings = st.importClause?.namedBindings;
  if (st.importClause?.name || (bindings && !ts.isNamedImports(bindings))) {
    sink.report(2022, st, "default or namespace import (use named imports)");
    return;
  }
  if (bindings && ts.isNamedImports(bindings)) {
    for (const el of bindings.elements) {
      file.imports.set(el.name.text, { kind, file: target, name: (el.propertyName ?? el.name).text });
    }
  }
}

function readTopConst(file: KernelFile, st: ts.VariableStatement, sink: DiagnosticSink): void {
  if (!(st.declarationList.flags & ts.NodeFlags.Const)) {
    sink.report(st.declarationList.flags & ts.NodeFlags.Let ? 2022 : 2015, st, "top-level 'let' (module state)");
    return;
  }
  for (const d of st.declarationList.declarations) {
    const big = d.initializer && outOfRangeLiteral(d.initializer);
    if (big) {
      sink.report(2023, big, big.getText(file.sf));
      continue;
    }
    const v = d.initializer ? constInt(d.initializer, file) : undefined;
    if (!ts.isIdentifier(d.name) || v === undefined) {
      sink.report(2022, d, "top-level constant that is not an integer (const NAME: i32 = 123;)");
      continue;
    }
    file.consts.set(d.name.text, v);
  }
}

/** Evaluates a top-level integer constant expression (literals, other constants, + - * << | ~). */
function constInt(e: ts.Expression, file: KernelFile): number | undefined {
  if (ts.isNumericLiteral(e)) {
    const v = Number(e.text.replace(/_/g, ""));
    return Number.isInteger(v) ? v : undefined;
  }
  if (ts.isParenthesizedExpression(e)) return constInt(e.expression, file);
  if (ts.isIdentifier(e)) return file.consts.get(e.text);
  if (ts.isPrefixUnaryExpression(e)) {
    const v = constInt(e.operand, file);
    if (v === undefined) return undefined;
    if (e.operator === ts.SyntaxKind.MinusToken) return -v;
    if (e.operator === ts.SyntaxKind.TildeToken) return ~v;
    return undefined;
  }
  if (ts.isBinaryExpression(e)) {
    const a = constInt(e.left, file);
    const b = constInt(e.right, file);
    if (a === undefined || b === undefined) return undefined;
    switch (e.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken: return (a + b) | 0;
      case ts.SyntaxKind.MinusToken: return (a - b) | 0;
      case ts.SyntaxKind.AsteriskToken: return Math.imul(a, b);
      case ts.SyntaxKind.LessThanLessThanToken: return a << b;
      case ts.SyntaxKind.BarToken: return a | b;
      case ts.SyntaxKind.AmpersandToken: return a & b;
      default: return undefined;
    }
  }
  return undefined;
}
