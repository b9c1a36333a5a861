/**
 * @fileoverview `--kernels DIR`: a user's kernels (`<name>.ts`, subset code like kernels/) and
 * lowerings (`<name>.lower.ts`, ordinary TypeScript on compiler/ops/api.ts), loaded into a
 * `UserKernels` (compiler/ops/types.ts) that travels in the options (LowerOptions, BuildOptions,
 * RunOptions.kernels): nothing is registered globally, so Mote's own registry is untouched.
 *
 * A lowering's OPCODES key is a builtin name (an override, as TFLite Micro's optimized kernels
 * override its reference ones) or "CUSTOM:<custom_code>". Its calls name kernels by file name;
 * calls of a kernel of DIR are renamed to its absolute stem (compiler/paths.ts kernelFile), the
 * others stay Mote's. A lowering that throws is MOTE6705 naming its file (a MoteError it raised,
 * such as opError's MOTE3001, passes through). A kernel file named as one of Mote's own is
 * MOTE6704 unless a lowering beside it overrides a builtin; a record named as one of Mote's own
 * is MOTE6704 too (records share one C namespace). Interpreter ids: USER_KERNEL_ID_BASE upward,
 * in file and entry order.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { fail, MoteError } from "../diagnostics.ts";
import type { Graph, Op } from "../ir/graph.ts";
import type { KernelCall } from "../ir/calls.ts";
import { KERNELS_DIR, SIGNAL_DIR } from "../paths.ts";
import type { KernelContract } from "./contract.ts";
import type { LowerOp, LowerOptions, UserKernels } from "./types.ts";

/** Interpreter ids of user kernels start here (compiler/build/interpreter/registry.ts). */
export const USER_KERNEL_ID_BASE = 1000;

/** An entry function of a kernel file (as compiler/build/interpreter/kernel-ids.ts KERNEL_ENTRY). */
const ENTRY = /^export function (\w+)\(\s*\w+\s*:\s*\w+Params\b/gm;
const RECORD = /^export interface (\w+)/gm;

const matches = (re: RegExp, text: string): string[] => [...text.matchAll(re)].map((m) => m[1]);

/** Mote's kernel stems and record names (kernels/, kernels/common/, signal/). */
function moteNames(): { stems: Set<string>; records: Map<string, string> } {
  const stems = new Set<string>();
  const records = new Map<string, string>();
  for (const dir of [KERNELS_DIR, path.join(KERNELS_DIR, "common"), SIGNAL_DIR]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith(".ts")) continue;
      stems.add(f.slice(0, -3));
      for (const r of matches(RECORD, fs.readFileSync(path.join(dir, f), "utf8"))) records.set(r, `${path.relative(path.dirname(KERNELS_DIR), path.join(dir, f))}`);
    }
  }
  return { stems, records };
}

async function importFile(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof MoteError) throw e;
    return fail(6702, file, String((e as Error)?.message ?? e).split("\n")[0]);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks one call a user lowering returned and names its kernel by absolute stem when it is the user's. */
function userCall(file: string, op: Op, call: unknown, dir: string, userStems: Set<string>, modules: Map<string, Record<string, unknown>>): KernelCall {
  const bad = (why: string): never => fail(6706, path.basename(file), op.index, op.opcode, why);
  if (!isRecord(call)) return bad("not an object (build it with kernelCall())");
  const c = call as unknown as KernelCall;
  if (typeof c.kernel !== "string" || typeof c.fn !== "string") return bad("kernel and fn must be strings");
  if (!isRecord(c.params) || Object.values(c.params).some((v) => typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)) {
    return bad(`record of ${c.kernel}.${c.fn} must hold i32 integers: ${JSON.stringify(c.params)}`);
  }
  if (!Array.isArray(c.args)) return bad("args must be an array");
  const kernel = userStems.has(c.kernel) ? path.join(dir, c.kernel) : c.kernel;
  if (!userStems.has(c.kernel) && !fs.existsSync(path.join(KERNELS_DIR, `${c.kernel}.ts`)) && !c.kernel.startsWith("signal/")) {
    return bad(`no kernel file ${c.kernel}.ts in ${dir} or in Mote's kernels/`);
  }
  if (userStems.has(c.kernel) && typeof modules.get(kernel)?.[c.fn] !== "function") return bad(`${c.kernel}.ts exports no function ${c.fn}`);
  return { ...c, kernel };
}

/** Loads `dir` (MOTE6701-6707 for what is wrong with it). */
export async function loadUserKernels(dirArg: string): Promise<UserKernels> {
  const dir = path.resolve(dirArg);
  let names: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) fail(6701, dirArg, "not a folder");
    names = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort();
  } catch (e) {
    if (e instanceof MoteError) throw e;
    return fail(6701, dirArg, (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : String(e));
  }
  const lowerFiles = names.filter((f) => f.endsWith(".lower.ts"));
  const kernelFiles = names.filter((f) => !f.endsWith(".lower.ts") && f !== "types.ts" && f !== "intrinsics.ts");
  if (lowerFiles.length === 0) fail(6701, dirArg, "it holds no <name>.lower.ts lowering file");
  const userStems = new Set(kernelFiles.map((f) => f.slice(0, -3)));

  const hash = crypto.createHash("sha256").update(dir);
  for (const f of names) hash.update(f).update(fs.readFileSync(path.join(dir, f)));

  const lowerings: Record<string, LowerOp> = {};
  const sources: Record<string, string> = {};
  const contracts: KernelContract[] = [];
  const notes: Record<string, string> = {};
  const examples: Record<string, unknown> = {};
  const overrides = new Set<string>();
  const modules = new Map<string, Record<string, unknown>>();
  for (const f of lowerFiles) {
    const file = path.join(dir, f);
    const mod = await importFile(file);
    const opcodes = mod.OPCODES;
    if (!isRecord(opcodes) || Object.keys(opcodes).length === 0) fail(6703, f, "exports no OPCODES (opcode -> lowering function)");
    for (const [opcode, lower] of Object.entries(opcodes)) {
      if (typeof lower !== "function") fail(6703, f, `OPCODES.${opcode} is not a function`);
      if (!/^(CUSTOM:.+|[A-Z][A-Z0-9_]*)$/.test(opcode)) fail(6703, f, `OPCODES key '${opcode}' is neither a builtin name (RELU) nor "CUSTOM:<custom_code>"`);
      if (Object.hasOwn(sources, opcode)) fail(6707, opcode, sources[opcode], f);
      if (!opcode.startsWith("CUSTOM:")) overrides.add(f.slice(0, -".lower.ts".length));
      sources[opcode] = f;
      lowerings[opcode] = wrapLowering(file, lower as LowerOp, dir, userStems, modules);
    }
    const cs = mod.CONTRACTS ?? [];
    if (!Array.isArray(cs)) fail(6703, f, "CONTRACTS is not an array");
    for (const c of cs as KernelContract[]) {
      if (!isRecord(c) || typeof c.kernel !== "string" || typeof c.fn !== "string" || !Array.isArray(c.slots)) {
        fail(6703, f, "a CONTRACTS entry is not { kernel, fn, slots }");
      }
      contracts.push({ ...c, kernel: userStems.has(c.kernel) ? path.join(dir, c.kernel) : c.kernel });
    }
    if (isRecord(mod.NOTES)) Object.assign(notes, mod.NOTES);
    if (isRecord(mod.EXAMPLES)) Object.assign(examples, mod.EXAMPLES);
  }

  const mote = moteNames();
  const ids = new Map<string, number>();
  for (const f of kernelFiles) {
    const stem = f.slice(0, -3);
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    if (mote.stems.has(stem) && !overrides.has(stem)) fail(6704, f, `kernels/${f}`, "and no lowering beside it overrides a builtin op", stem);
    for (const r of matches(RECORD, text)) {
      if (mote.records.has(r)) fail(6704, `record ${r} (${f})`, mote.records.get(r), "records share one C namespace", stem);
    }
    for (const fn of matches(ENTRY, text)) ids.set(`${path.join(dir, stem)}.${fn}`, USER_KERNEL_ID_BASE + ids.size);
    modules.set(path.join(dir, stem), await importFile(path.join(dir, f)));
  }
  return { dir, key: `${dir}:${hash.digest("hex").slice(0, 16)}`, lowerings, sources, contracts, notes, ids, modules, examples };
}

function wrapLowering(file: string, lower: LowerOp, dir: string, userStems: Set<string>, modules: Map<string, Record<string, unknown>>): LowerOp {
  return (graph: Graph, op: Op, opts?: LowerOptions): KernelCall[] => {
    let calls: unknown;
    try {
      calls = lower(graph, op, opts);
    } catch (e) {
      if (e instanceof MoteError) throw e;
      return fail(6705, path.basename(file), op.index, op.opcode, String((e as Error)?.message ?? e).split("\n")[0]);
    }
    if (!Array.isArray(calls)) return fail(6706, path.basename(file), op.index, op.opcode, "the lowering did not return an array of calls");
    return calls.map((c) => userCall(file, op, c, dir, userStems, modules));
  };
}
