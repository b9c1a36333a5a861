/**
 * @fileoverview Generates the interpreter's `dispatch(kernel, image, at, arena)` and
 * `hasKernel(kernel)` as KIR for the kernels one build includes (as TFLite Micro's op resolver
 * registers only the ops a model uses). runtime/dispatch.ts is their TypeScript reference;
 * runtime/interpreter.ts calls them: `hasKernel` in its image check, which rejects an image
 * naming any other id before a step runs, so `dispatch` never meets an unknown id.
 *
 * For each kernel: `if (kernel === id) { entry(record at image[at + 2], array j at the byte
 * offset image[at + 5 + 3j] of the arena when image[at + 4 + 3j] is 1, else of the image);
 * return; }`. The call sits between profiling hooks keyed by `at` (KIR `profile` statements: in
 * C, MOTE_PROFILE_BEGIN/END(at), compiled away unless MOTE_PROFILE; in WASM nothing), so a
 * profiling build times each step; compiler/profile/ maps `at` back to the step's graph op. The entry functions are the generic (unspecialized) kernels: their record is read
 * at run time.
 */
import type { Arg, Expr, KFunction, Stmt } from "../../ir/kir.ts";
import { ARG_ARENA, ARG_WORDS, STEP_WORDS } from "./image.ts";

const i32 = (value: number): Expr => ({ k: "const", type: "i32", value });
const at: Expr = { k: "var", name: "at", type: "i32" };
const word = (offset: number): Expr => ({
  k: "load", array: "image", elem: "i32", type: "i32",
  index: { k: "binary", op: "add", a: at, b: i32(offset), type: "i32" },
});
const eq = (a: Expr, b: Expr): Expr => ({ k: "binary", op: "eq", a, b, type: "bool" });

/** `hasKernel(kernel)`: true exactly for the ids of `ids`. */
export function buildHasKernel(ids: number[]): KFunction {
  const kernel: Expr = { k: "var", name: "kernel", type: "i32" };
  const known: Expr = ids
    .map((id) => eq(kernel, i32(id)))
    .reduce<Expr | undefined>((any, e) => (any ? { k: "binary", op: "lor", a: any, b: e, type: "bool" } : e), undefined)
    ?? { k: "const", type: "bool", value: 0 };
  return {
    name: HAS_KERNEL_NAME,
    params: [{ name: "kernel", type: { kind: "scalar", type: "i32" } }],
    ret: "bool",
    body: [{ k: "return", value: known }],
    source: "compiler/build/interpreter/dispatch.ts (generated)",
  };
}

/** The KIR name runtime/interpreter.ts calls (DISPATCH_SIGNATURE in compiler/subset/program.ts). */
export const DISPATCH_NAME = "dispatch";
/** The KIR name of the image check's kernel test (HAS_KERNEL_SIGNATURE in compiler/subset/program.ts). */
export const HAS_KERNEL_NAME = "hasKernel";
/** Functions this file generates per build, after the subset front end lowered their callers. */
export const GENERATED_LATER: ReadonlySet<string> = new Set([DISPATCH_NAME, HAS_KERNEL_NAME]);

export function buildDispatch(entries: { id: number; fn: KFunction }[]): KFunction {
  const body: Stmt[] = entries.map(({ id, fn }): Stmt => {
    let j = 0;
    const args: Arg[] = fn.params.map((p): Arg => {
      switch (p.type.kind) {
        case "record":
          return { k: "recordAt", record: p.type.name, base: "image", wordIndex: word(2) };
        case "array": {
          const a: Arg = {
            k: "view", elem: p.type.elem, arena: "arena", image: "image",
            inArena: eq(word(STEP_WORDS + ARG_WORDS * j), i32(ARG_ARENA)), byteOffset: word(STEP_WORDS + ARG_WORDS * j + 1),
          };
          j++;
          return a;
        }
        default:
          throw new Error(`interpreter: kernel entry ${fn.name} takes a scalar parameter ${p.name}; entries take a record and arrays`);
      }
    });
    const call: Expr = { k: "call", fn: fn.name, args, type: "void" };
    return {
      k: "if",
      cond: eq({ k: "var", name: "kernel", type: "i32" }, i32(id)),
      then: [
        { k: "profile", edge: "begin", key: at },
        { k: "expr", e: call },
        { k: "profile", edge: "end", key: at },
        { k: "return", value: null },
      ],
      else: [],
    };
  });
  return {
    name: DISPATCH_NAME,
    params: [
      { name: "kernel", type: { kind: "scalar", type: "i32" } },
      { name: "image", type: { kind: "array", elem: "i32" } },
      { name: "at", type: { kind: "scalar", type: "i32" } },
      { name: "arena", type: { kind: "array", elem: "i8" } },
    ],
    ret: "void",
    body,
    source: "compiler/build/interpreter/dispatch.ts (generated)",
    generated: true,
  };
}
