/**
 * @fileoverview `mote test-kernel FILE.ts`: property tests of a user's kernel (docs/custom-kernels.md).
 * fast-check draws one seed per case; each case is a random op of an opcode whose lowering calls
 * the kernel (the lowering file's EXAMPLES maker, or for an override of an element-wise builtin
 * a built-in maker), with random quantization, options and input bytes. All cases go into one
 * graph of independent ops, so each target builds once: the TypeScript kernel (codegen and
 * interpreter lowering) == WASM (codegen, interpreter) == host C (== QEMU with --qemu), and for an
 * override of a builtin also == Mote's own lowering on the TypeScript target. The first mismatch
 * is MOTE6709 with a reproducer: the case, its seed, the op's shapes and the kernel's record.
 */
import * as path from "node:path";
import { checkUserFile, READ_AS } from "../files.ts";
import fc from "fast-check";
import { fail } from "../diagnostics.ts";
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { ExampleMaker, ExampleRandom, OpExample } from "../ops/api.ts";
import { LOWERINGS, lowerGraph } from "../ops/index.ts";
import type { UserKernels } from "../ops/types.ts";
import { loadUserKernels } from "../ops/user-kernels.ts";
import { runModel, type Target } from "../run/targets.ts";
import { runTs } from "../run/ts.ts";
import { runInterpreterTs } from "../run/interpreter.ts";

export interface TestKernelFlags {
  kernels?: string;
  qemu?: boolean;
  runs?: number;
  seed?: number;
}

/** A small deterministic PRNG (mulberry32) behind ExampleRandom. */
export function exampleRandom(seed: number): ExampleRandom & { byte(): number } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    int,
    scale: (lo = 0.001, hi = 0.5) => Math.fround(lo + next() * (hi - lo)),
    shape: (rank, maxDim) => Array.from({ length: rank }, () => int(1, maxDim)),
    byte: () => int(0, 255),
  };
}

/** Makers for element-wise int8 builtins a user may override (EXAMPLES in the lowering file win). */
const unary: ExampleMaker = (r) => {
  const shape = r.shape(r.int(1, 4), 8);
  return {
    inputs: [{ shape, scale: r.scale(0.005, 0.2), zeroPoint: r.int(-128, 127) }],
    outputs: [{ shape, scale: r.scale(0.005, 0.2), zeroPoint: r.int(-128, 127) }],
  };
};
const BUILTIN_EXAMPLES: Record<string, ExampleMaker> = {
  RELU: unary, RELU6: unary, ELU: unary, HARD_SWISH: unary,
  LEAKY_RELU: (r) => ({ ...unary(r), options: { alpha: Math.fround(r.int(1, 99) / 100) } }),
};

export interface KernelCase { seed: number; opcode: string; example: OpExample }

/** One graph running every case as an independent op; input k belongs to the k-th case's first non-constant input. */
export function casesGraph(cases: KernelCase[]): { graph: Graph; inputs: Uint8Array[] } {
  const tensors: Tensor[] = [];
  const ops: Op[] = [];
  const inputs: number[] = [];
  const outputs: number[] = [];
  const bytes: Uint8Array[] = [];
  const add = (name: string, t: OpExample["inputs"][number], data?: Uint8Array): number => {
    const index = tensors.length;
    tensors.push({
      index, name, dtype: t.dtype ?? "int8", shape: t.shape, data, isVariable: false,
      quant: { scale: [t.scale], zeroPoint: [t.zeroPoint], quantizedDimension: 0 },
    });
    return index;
  };
  cases.forEach((c, k) => {
    const r = exampleRandom(c.seed ^ 0x5bd1e995);
    const ins = c.example.inputs.map((t, j) => {
      const index = add(`case${k}_in${j}`, t, t.data);
      if (!t.data) {
        const n = t.shape.reduce((a, b) => a * b, 1) * (t.dtype === "int16" ? 2 : t.dtype === "int32" ? 4 : 1);
        inputs.push(index);
        bytes.push(Uint8Array.from({ length: n }, () => r.byte()));
      }
      return index;
    });
    const outs = c.example.outputs.map((t, j) => add(`case${k}_out${j}`, t));
    outputs.push(...outs);
    ops.push({
      index: k, opcode: c.opcode, version: 1, inputs: ins, outputs: outs,
      options: (c.example.options ?? {}) as Op["options"], customOptions: c.example.customOptions,
    });
  });
  return { graph: { name: "test-kernel", tensors, ops, inputs, outputs }, inputs: bytes };
}

/** The case `output` (a graph output index) belongs to. */
function caseOf(graph: Graph, output: number): number {
  const t = graph.outputs[output];
  return graph.ops.findIndex((op) => op.outputs.includes(t));
}

/** Draws the cases: `runs` seeds from fast-check (seeded by `seed`), spread over the opcodes. */
export function drawCases(user: UserKernels, opcodes: string[], runs: number, seed: number): KernelCase[] {
  const seeds = fc.sample(fc.integer({ min: 0, max: 0x7fffffff }), { seed, numRuns: runs });
  return seeds.map((s, k) => {
    const opcode = opcodes[k % opcodes.length];
    const maker = (user.examples[opcode] ?? BUILTIN_EXAMPLES[opcode]) as ExampleMaker;
    return { seed: s, opcode, example: maker(exampleRandom(s)) };
  });
}

export interface TestKernelResult {
  cases: number;
  compared: string[];
}

/** Runs the property test; MOTE6709 at the first mismatch. */
export async function testKernel(file: string, flags: TestKernelFlags = {}): Promise<TestKernelResult> {
  checkUserFile(file, READ_AS.kernelFile);
  const abs = path.resolve(file);
  const user = await loadUserKernels(flags.kernels ?? path.dirname(abs));
  const stem = abs.replace(/\.ts$/, "");
  const base = path.basename(stem);
  if (!user.modules.has(stem)) fail(6708, file, `not a kernel file of the folder ${user.dir}`);
  // The opcodes whose lowering file is <name>.lower.ts, else every opcode whose calls reach the kernel.
  let opcodes = Object.keys(user.sources).filter((o) => user.sources[o] === `${base}.lower.ts`);
  if (opcodes.length === 0) opcodes = Object.keys(user.sources);
  const missing = opcodes.filter((o) => !user.examples[o] && !BUILTIN_EXAMPLES[o]);
  if (missing.length > 0) fail(6708, file, `no EXAMPLES maker for ${missing.join(", ")} (export EXAMPLES from its lowering file)`);
  const runs = flags.runs ?? 20;
  const seed = flags.seed ?? 42;
  const cases = drawCases(user, opcodes, runs, seed);
  const { graph, inputs } = casesGraph(cases);
  const lowered = lowerGraph(graph, { kernels: user });
  if (!lowered.some((l) => l.calls.some((c) => c.kernel === stem))) fail(6708, file, `no lowering of ${opcodes.join(", ")} calls it`);

  const describe = (k: number): string => {
    const c = cases[k];
    const call = lowered[k].calls.find((x) => x.kernel === stem) ?? lowered[k].calls[0];
    const shapes = c.example.inputs.map((t) => `[${t.shape.join(",")}]`).join(" ");
    return `${c.opcode} input ${shapes} record ${JSON.stringify(call?.params ?? {})}`;
  };
  const reference = runTs(graph, inputs, { kernels: user });
  const compared: string[] = [];
  const check = (name: string, outs: Uint8Array[], against = "ts"): void => {
    compared.push(name);
    for (let o = 0; o < outs.length; o++) {
      const a = reference[o];
      const b = outs[o];
      const i = a.findIndex((v, j) => v !== b[j]);
      if (i >= 0 || a.length !== b.length) {
        const k = caseOf(graph, o);
        fail(6709, path.basename(file), name, against, k, cases[k].seed, `${describe(k)}: output byte ${i} is ${(b[i] << 24) >> 24} vs ${(a[i] << 24) >> 24} (--seed ${seed} --runs ${runs})`);
      }
    }
  };
  // An override of a builtin: Mote's own lowering on the same ops (first: it needs no build).
  if (opcodes.every((o) => Object.hasOwn(LOWERINGS, o))) check("Mote's builtin", runTs(graph, inputs), "the user's kernel");
  check("ts interpreter", await runInterpreterTs(graph, inputs, { kernels: user }));
  const targets: Target[] = ["wasm", "host", ...(flags.qemu ? (["qemu"] as Target[]) : [])];
  for (const mode of ["codegen", "interpreter"] as const) {
    for (const target of targets) {
      check(`${target} ${mode}`, (await runModel(graph, inputs, target, { mode, kernels: user })).outputs);
    }
  }
  return { cases: cases.length, compared };
}

export async function testKernelCommand(file: string, flags: TestKernelFlags): Promise<void> {
  const r = await testKernel(file, flags);
  console.log(`${path.basename(file)}: ${r.cases} random cases agree on ${["ts", ...r.compared].join(", ")}`);
}
