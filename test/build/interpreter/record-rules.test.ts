/**
 * @fileoverview The record rules (compiler/build/interpreter/record-rules.ts) name real kernel
 * entries, fields and arrays: each encodes into a kernel table against the kernel's own KIR
 * entry (checks.ts throws on a field or array it lacks), and every kernel has an id.
 */
import { describe, expect, it } from "vitest";
import { buildKernelTable, kernelsWithRules } from "../../../compiler/build/interpreter/checks.ts";
import { kernelIds } from "../../../compiler/build/interpreter/registry.ts";
import { kernelFile } from "../../../compiler/paths.ts";
import { loadProgram } from "../../../compiler/subset/program.ts";

describe("record rules", () => {
  it.each(kernelsWithRules())("%s encodes against its kernel entry", (key) => {
    const dot = key.lastIndexOf(".");
    const [kernel, fn] = [key.slice(0, dot), key.slice(dot + 1)];
    const id = kernelIds().get(key);
    expect(id, `${key} has no kernel id`).toBeDefined();
    const prog = loadProgram([kernelFile(kernel)]);
    const entry = prog.module.functions.get(prog.kirName(kernel, fn));
    expect(entry, `${key} is not a kernel entry`).toBeDefined();
    const table = buildKernelTable([{ id: id!, kernel, fn, entry: entry! }], prog.module.records, 100, 100);
    expect(table[2]).toBe(1);
    expect(table[3]).toBe(id); // the index pair (id, entry)
    const spec = table[4];
    expect(table[spec + 1]).toBe(entry!.params.length - 1); // arrays after the record
    expect(table[spec + 2 + table[spec + 1]]).toBeGreaterThan(0); // at least one rule
  });
});
