/**
 * @fileoverview The C emitter's paired-load peephole (compiler/emit/c/function.ts): two adjacent
 * `let`s reading words e and e + 1 of the same i32 array become one mote_ld2 (LDRD on the
 * Cortex-M7), whatever the spelling of the constant offset; anything else stays two loads.
 * That the pairs compute the same values on the M7 is test/intrinsics/kernel.test.ts (block2x2).
 */
import { describe, expect, it } from "vitest";
import { emitFunction } from "../../compiler/emit/c/function.ts";
import type { Expr, KFunction, Scalar, Stmt } from "../../compiler/ir/kir.ts";

const i32 = (value: number): Expr => ({ k: "const", type: "i32", value });
const v = (name: string): Expr => ({ k: "var", name, type: "i32" });
const add = (a: Expr, b: Expr): Expr => ({ k: "binary", op: "add", a, b, type: "i32" });
const sub = (a: Expr, b: Expr): Expr => ({ k: "binary", op: "sub", a, b, type: "i32" });
const load = (array: string, index: Expr, elem: Scalar = "i32"): Expr => ({ k: "load", array, elem, index, type: "i32" });
const let_ = (name: string, init: Expr, type: Scalar = "i32"): Stmt => ({ k: "let", name, type, init });

/** The C body of a function over w (i32), b (i8) and scalar k, ending by returning x ^ y. */
function c(body: Stmt[]): string {
  const fn: KFunction = {
    name: "f",
    params: [
      { name: "w", type: { kind: "array", elem: "i32" } },
      { name: "b", type: { kind: "array", elem: "i8" } },
      { name: "k", type: { kind: "scalar", type: "i32" } },
    ],
    ret: "i32",
    body: [...body, { k: "return", value: { k: "binary", op: "xor", a: v("x"), b: v("y"), type: "i32" } }],
    source: "t.ts:1",
  };
  return emitFunction(fn);
}

describe("C emitter: adjacent i32 loads become mote_ld2", () => {
  it("pairs w[e], w[e + 1] for every spelling of the offset", () => {
    expect(c([let_("x", load("w", v("k"))), let_("y", load("w", add(v("k"), i32(1))))])).toContain("int32_t x, y;\n  mote_ld2(w, k, &x, &y);");
    expect(c([let_("x", load("w", i32(4))), let_("y", load("w", i32(5)))])).toContain("mote_ld2(w, 4, &x, &y);");
    const base = add(v("k"), i32(2));
    expect(c([let_("x", load("w", base)), let_("y", load("w", add(base, i32(1))))])).toContain("mote_ld2(w, k + 2, &x, &y);");
    expect(c([let_("x", load("w", sub(v("k"), i32(1)))), let_("y", load("w", v("k")))])).toContain("mote_ld2(w, k - 1, &x, &y);");
    expect(c([let_("x", load("w", add(i32(3), v("k")))), let_("y", load("w", add(v("k"), i32(4))))])).toContain("mote_ld2(");
  });

  it("leaves everything else as two loads", () => {
    const cases: Stmt[][] = [
      [let_("x", load("w", add(v("k"), i32(1)))), let_("y", load("w", v("k")))], // descending
      [let_("x", load("w", v("k"))), let_("y", load("w", add(v("k"), i32(2))))], // not adjacent words
      [let_("x", load("b", v("k"), "i8")), let_("y", load("b", add(v("k"), i32(1)), "i8"))], // bytes
      [let_("x", load("w", v("k"))), let_("z", i32(0)), let_("y", load("w", add(v("k"), i32(1))))], // not adjacent lets
      [let_("x", load("w", v("k"))), let_("y", load("w", add(v("x"), i32(1))))], // second index reads x
      [let_("x", load("w", v("k")), "i16"), let_("y", load("w", add(v("k"), i32(1))))], // narrow local
    ];
    for (const body of cases) expect(c(body)).not.toContain("mote_ld2");
  });
});
