/**
 * @fileoverview The intrinsic registry (compiler/ir/intrinsics.ts) is complete and consistent with
 * its three implementations: every function exported by kernels/intrinsics.ts is registered
 * with the right arity, the C header defines every `c` name with that many int32_t parameters,
 * addWasmIntrinsics defines every `wasm` name as (i32 x arity) -> i32, and docs/intrinsics.md
 * documents each one.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import * as ref from "../../kernels/intrinsics.ts";
import { addWasmIntrinsics } from "../../compiler/emit/wasm/intrinsics.ts";
import { INTRINSICS } from "../../compiler/ir/intrinsics.ts";
import { headerPath, repoRoot } from "./harness.ts";

describe("intrinsic registry", () => {
  it("registers exactly the functions kernels/intrinsics.ts exports, with their arity", () => {
    const exported = Object.entries(ref).filter(([, v]) => typeof v === "function");
    expect(new Set(INTRINSICS.keys())).toEqual(new Set(exported.map(([k]) => k)));
    for (const [name, fn] of exported) {
      const info = INTRINSICS.get(name)!;
      expect(info.arity, name).toBe((fn as (...a: number[]) => number).length);
      expect(info.ts, name).toBe(fn);
      expect(info.ret).toBe("i32");
      expect(info.c).toBe(`mote_${name}`);
      expect(info.wasm).toBe(`mote_${name}`);
      expect(info.doc.startsWith(`${name}(`), name).toBe(true);
    }
  });

  it("every C name is a static inline function of runtime/mote_intrinsics.h", () => {
    const header = readFileSync(headerPath, "utf8");
    for (const info of INTRINSICS.values()) {
      const m = header.match(new RegExp(`MOTE_INLINE int32_t ${info.c}\\(([^)]*)\\)`));
      expect(m, info.c).not.toBeNull();
      const params = m![1].split(",").map((p) => p.trim());
      expect(params.length, info.c).toBe(info.arity);
      for (const p of params) expect(p.startsWith("int32_t "), `${info.c}: ${p}`).toBe(true);
    }
  });

  it("every WASM name is an internal (i32 x arity) -> i32 function; adding twice is harmless", () => {
    const m = new binaryen.Module();
    try {
      addWasmIntrinsics(m);
      addWasmIntrinsics(m);
      expect(m.getNumFunctions()).toBe(INTRINSICS.size);
      expect(m.getNumExports()).toBe(0);
      for (const info of INTRINSICS.values()) {
        const fn = binaryen.getFunctionInfo(m.getFunction(info.wasm));
        expect(binaryen.expandType(fn.params), info.wasm).toEqual(new Array(info.arity).fill(binaryen.i32));
        expect(fn.results, info.wasm).toBe(binaryen.i32);
      }
      expect(m.validate()).toBeTruthy();
    } finally {
      m.dispose();
    }
  });

  it("docs/intrinsics.md has a row for every intrinsic", () => {
    const doc = readFileSync(path.join(repoRoot, "docs/intrinsics.md"), "utf8");
    for (const name of INTRINSICS.keys()) expect(doc, name).toMatch(new RegExp(`^\\| \`${name}\\(`, "m"));
  });
});
