/**
 * @fileoverview compiler/plan/ is generic: the op-specific in-place and fusion decisions are the
 * op files' hooks (compiler/ir/hooks.ts), so no file of the planner names an opcode, a kernel
 * module or entry, or an argument by its position.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../compiler/paths.ts";
import { KERNEL_CONTRACTS, supportedOps } from "../../compiler/ops/index.ts";

const PLAN = path.join(REPO_ROOT, "compiler", "plan");
const KERNELS = fs.readdirSync(path.join(REPO_ROOT, "kernels")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
/** Opcodes, kernel modules and entries (slot names are plain words, "input", "scratch": see below). */
const NAMES = new Set([...supportedOps(), ...KERNELS, ...KERNEL_CONTRACTS.map((c) => c.fn)]);

describe("compiler/plan/ names no op, kernel or argument slot", () => {
  for (const file of fs.readdirSync(PLAN).filter((f) => f.endsWith(".ts"))) {
    it(file, () => {
      const src = fs.readFileSync(path.join(PLAN, file), "utf8");
      const literals = [...src.matchAll(/(["'`])([A-Za-z0-9_]+)\1/g)].map((m) => m[2]);
      expect(literals.filter((l) => NAMES.has(l))).toEqual([]);
      // Arguments are neither read by position nor by slot name (only hooks in compiler/ops/ do).
      expect(src.match(/\bargs\[\s*\d/g) ?? []).toEqual([]);
      expect(src.match(/\b(?:argOf|tensorOf|setArg)\b/g) ?? []).toEqual([]);
      expect(src.match(/\.(?:kernel|fn)\s*===?/g) ?? []).toEqual([]);
    });
  }
});
