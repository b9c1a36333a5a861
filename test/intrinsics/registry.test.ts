/**
 * @fileoverview The intrinsic registry (compiler/ir/intrinsics.ts) is complete and consistent with
 * its three implementations: every function exported by kernels/intrinsics.ts is registered
 * with the right arity (ld32/st32, which take an Int8Array, in MEMORY_INTRINSICS), the C header defines every `c` name with that many int32_t parameters,
 * addWasmIntrinsics defines every `wasm` name as (i32 x arity) -> i32, and docs/intrinsics.md
 * documents each one.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import * as ref from "../../kernels/intrinsics.ts";
import { addWasmIntrinsics } from "../../compiler/emit/wasm/intrinsics.ts";
import { INTRINSICS, MEMORY_INTRINSICS } from "../../compiler/ir/intrinsics.ts";
import { headerPath, repoRoot } from "./harness.ts";

describe("intrinsic registry", () => {
  it("registers exactly the functions kernels/intrinsics.ts exports, with their arity", () => {
    const exported = Object.entries(ref).filter(([, v]) => typeof v === "function");
    expect(new Set([...INTRINSICS.keys(), ...MEMORY_INTRINSICS.keys()])).toEqual(new Set(exported.map(([k]) => k)));
    for (const [name, fn] of exported) {
      const mem = MEMORY_INTRINSICS.get(name);
      if (mem) {
        expect(mem.arity, name).toBe((fn as (...a: unknown[]) => unknown).length);
        expect(mem.c).toBe(`mote_${name}`);
        expect(mem.doc.startsWith(`${name}(`), name).toBe(true);
        continue;
      }
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
    expect(header).toMatch(/MOTE_INLINE int32_t mote_ld32\(const int8_t \*a, int32_t i\)/);
    expect(header).toMatch(/MOTE_INLINE void mote_st32\(int8_t \*a, int32_t i, int32_t v\)/);
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
    for (const name of [...INTRINSICS.keys(), ...MEMORY_INTRINSICS.keys()]) expect(doc, name).toMatch(new RegExp(`^\\| \`${name}\\(`, "m"));
  });
});
