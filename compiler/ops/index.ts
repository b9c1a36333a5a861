/**
 * @fileoverview The op lowering registry: TFLite opcode -> LowerOp, and `lowerGraph`, which
 * lowers every op of a graph in execution order.
 *
 * Every backend (compiler/run/ts.ts, the C and WASM emitters) starts from `lowerGraph`, so an
 * unsupported model is rejected the same way everywhere: once, with code 1008, listing every
 * unsupported op as `NAME (op #i)` and the supported set (1010 when all of them are TFLite
 * custom ops, named by custom code). Adding an op = one file in this
 * directory that exports `OPCODES: Record<string, LowerOp>` (found at load time, so op files
 * never edit this one). An op file may also export `NOTES: Record<string, string>`: per opcode, one
 * sentence on the variants it supports and its limits; docs/operators.md is generated from them
 * (scripts/gen-operators-doc.ts). `CONTRACTS` lists the kernel entries it calls with their argument
 * slots (compiler/ops/contract.ts); an op file without it still builds positional calls
 * (KernelCall.slots absent), which only the by-name accessors refuse. `IN_PLACE` and `FUSE` are
 * its in-place and fusion decisions, which compiler/plan/inplace.ts calls (compiler/ir/hooks.ts).
 * `ACTIVATION_TYPES` (opcode -> the activation dtypes its lowering runs; absent: int8 only) lets
 * the model check (compiler/import/tflite/check.ts, through `opHandles`) pass 16x8 and float ops
 * to their lowering instead of rejecting the model up front. `LEFT` (opcode -> one line) says what
 * is left to do against TFLite Micro; docs/operators.md shows it beside the type columns.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { fail } from "../diagnostics.ts";
import type { DType, Graph, Op } from "../ir/graph.ts";
import type { LoweredOp } from "../ir/calls.ts";
import type { FuseHook, InPlaceHook } from "../ir/hooks.ts";
import type { KernelContract, LowerOp, LowerOptions } from "./types.ts";
import { UnrepresentableMultiplier } from "./quant.ts";

/** Opcode -> its lowering, filled from the op files below. */
export const LOWERINGS: Record<string, LowerOp> = {};

/** Every kernel entry the op files call, with its argument slots (op files' CONTRACTS exports). */
export const KERNEL_CONTRACTS: KernelContract[] = [];

/** Opcode -> its in-place hook (op files' IN_PLACE exports; compiler/ir/hooks.ts). */
export const IN_PLACE_HOOKS: Record<string, InPlaceHook> = {};

/** Opcode -> the hook that may fold the next op into its call (op files' FUSE exports). */
export const FUSE_HOOKS: Record<string, FuseHook> = {};

/** Per opcode: the activation dtypes its lowering runs besides int8 (op files' ACTIVATION_TYPES). */
export const OP_ACTIVATION_TYPES: Record<string, readonly DType[]> = {};

/** Per opcode: what variants its lowering supports (from op files' NOTES exports). */
export const OPERATOR_NOTES: Record<string, string> = {};

/** Per opcode: what is left to do against TFLite Micro (op files' LEFT exports; docs/operators.md). */
export const OPERATOR_LEFT: Record<string, string> = {};

// Op files that export OPCODES (and NOTES) register themselves.
const OPS_DIR = path.dirname(fileURLToPath(import.meta.url));
for (const file of fs.readdirSync(OPS_DIR).sort()) {
  if (!file.endsWith(".ts") || file === "index.ts") continue;
  const mod = (await import(/* @vite-ignore */ `./${file}`)) as {
    OPCODES?: Record<string, LowerOp>; NOTES?: Record<string, string>; CONTRACTS?: KernelContract[];
    IN_PLACE?: Record<string, InPlaceHook>; FUSE?: Record<string, FuseHook>;
    ACTIVATION_TYPES?: Record<string, readonly DType[]>; LEFT?: Record<string, string>;
  };
  if (mod.OPCODES) Object.assign(LOWERINGS, mod.OPCODES);
  if (mod.NOTES) Object.assign(OPERATOR_NOTES, mod.NOTES);
  if (mod.CONTRACTS) KERNEL_CONTRACTS.push(...mod.CONTRACTS);
  if (mod.IN_PLACE) Object.assign(IN_PLACE_HOOKS, mod.IN_PLACE);
  if (mod.FUSE) Object.assign(FUSE_HOOKS, mod.FUSE);
  // Merged, not replaced: one file may add float32 and another int16 for the same opcode.
  for (const [opcode, types] of Object.entries(mod.ACTIVATION_TYPES ?? {})) {
    OP_ACTIVATION_TYPES[opcode] = [...new Set([...(OP_ACTIVATION_TYPES[opcode] ?? []), ...types])];
  }
  if (mod.LEFT) Object.assign(OPERATOR_LEFT, mod.LEFT);
}

/**
 * Whether `op`'s lowering runs activations of `dtype` (its file's ACTIVATION_TYPES; int8 always):
 * the `handles` argument of checkInt8 (compiler/import/tflite/check.ts).
 */
export function opHandles(op: Op, dtype: DType): boolean {
  return dtype === "int8" || (OP_ACTIVATION_TYPES[op.opcode]?.includes(dtype) ?? false);
}

/** Opcode names Mote can lower, sorted. */
export function supportedOps(): string[] {
  return Object.keys(LOWERINGS).sort();
}

export type { LoweredOp } from "../ir/calls.ts";

/** 1010 when every missing op is a TFLite CUSTOM op (named by its custom code), else 1008. */
function unsupportedOpsError(ops: Op[]): never {
  const plural = ops.length > 1 ? "s" : "";
  if (ops.every((op) => op.opcode.startsWith("CUSTOM:"))) {
    fail(1010, plural, ops.map((op) => `'${op.opcode.slice("CUSTOM:".length)}' (op #${op.index})`).join(", "));
  }
  fail(1008, plural, ops.map((op) => `${op.opcode} (op #${op.index})`).join(", "), supportedOps().join(", "));
}

/**
 * Lowers every op. Fails with 1008 naming all unsupported ops before lowering any (1010 when they
 * are all TFLite CUSTOM ops), then with the first lowering error (3001) if an op's operands or
 * options are not supported. `opts` reaches every op lowering (`reference`: the plain reference kernels, see LowerOptions).
 */
export function lowerGraph(graph: Graph, opts: LowerOptions = {}): LoweredOp[] {
  // A user's lowerings (--kernels DIR) come first: CUSTOM ops and overrides of builtins.
  const user = opts.kernels?.lowerings ?? {};
  const lowering = (opcode: string): LowerOp | undefined =>
    (Object.hasOwn(user, opcode) ? user[opcode] : Object.hasOwn(LOWERINGS, opcode) ? LOWERINGS[opcode] : undefined);
  const unsupported = graph.ops.filter((op) => lowering(op.opcode) === undefined);
  if (unsupported.length > 0) {
    unsupportedOpsError(unsupported);
  }
  return graph.ops.map((op) => {
    const calls = lowerChecked(graph, op, () => lowering(op.opcode)!(graph, op, opts));
    return Object.hasOwn(user, op.opcode) ? { op, calls, user: true as const } : { op, calls };
  });
}

/**
 * Runs one op's lowering; a multiplier no kernel can apply (compiler/ops/quant.ts) is MOTE1020.
 * Every caller of an op's lowering goes through it (lowerGraph, mote analyze).
 */
export function lowerChecked<T>(graph: Graph, op: Op, lower: () => T): T {
  try {
    return lower();
  } catch (e) {
    if (!(e instanceof UnrepresentableMultiplier)) throw e;
    const scales = [...op.inputs, ...op.outputs]
      .filter((t) => t >= 0 && graph.tensors[t]?.quant !== undefined)
      .map((t) => {
        const x = graph.tensors[t]!;
        const s = x.quant!.scale;
        return `${t} (${x.name}) scale ${s.length === 1 ? s[0] : `[${s.slice(0, 3).join(", ")}${s.length > 3 ? ", ..." : ""}]`}`;
      });
    return fail(1020, op.index, op.opcode, e.real, e.reason, scales.join(", ") || "none quantized");
  }
}
