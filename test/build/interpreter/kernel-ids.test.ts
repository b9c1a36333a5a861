/**
 * @fileoverview The kernel-id table (compiler/build/interpreter/kernel-ids.ts) against kernels/ and signal/:
 * every entry function has an id, every id names an existing entry (or is retired), ids are
 * unique and never reused, and the ids existing images use have not moved.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { KERNEL_ENTRY, KERNEL_IDS, RETIRED_KERNEL_IDS } from "../../../compiler/build/interpreter/kernel-ids.ts";
import { kernelId, nextKernelId } from "../../../compiler/build/interpreter/registry.ts";
import { KERNELS_DIR, SIGNAL_DIR } from "../../../compiler/paths.ts";

/**
 * `stem.fn` of every entry function in kernels/*.ts and signal/*.ts (stem "signal/<name>"),
 * found with the table's own KERNEL_ENTRY.
 */
function entryFunctions(): string[] {
  const keys: string[] = [];
  for (const [dir, prefix] of [[KERNELS_DIR, ""], [SIGNAL_DIR, "signal/"]]) {
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith(".ts")) continue;
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      for (const m of source.matchAll(KERNEL_ENTRY)) keys.push(`${prefix}${file.slice(0, -3)}.${m[1]}`);
    }
  }
  return keys;
}

describe("kernel ids", () => {
  const entries = entryFunctions();

  it("every entry function in kernels/ has an id", () => {
    const missing = entries.filter((k) => KERNEL_IDS[k] === undefined);
    let next = nextKernelId();
    const advice = missing.map((k) => `${k}: add it to compiler/build/interpreter/kernel-ids.ts with the next free id ${next++}`);
    expect(advice).toEqual([]);
  });

  it("every id names an entry function that still exists (else move it to RETIRED_KERNEL_IDS)", () => {
    const gone = Object.keys(KERNEL_IDS).filter((k) => !entries.includes(k));
    expect(gone.map((k) => `${k} (id ${KERNEL_IDS[k]}) is no entry function of kernels/: move it to RETIRED_KERNEL_IDS`)).toEqual([]);
  });

  it("ids are positive, unique, and none reuses a retired id", () => {
    const ids = Object.values(KERNEL_IDS);
    expect(ids.filter((id) => !Number.isInteger(id) || id < 1)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => RETIRED_KERNEL_IDS[id] !== undefined)).toEqual([]);
    expect(nextKernelId()).toBeGreaterThan(Math.max(...ids, ...Object.keys(RETIRED_KERNEL_IDS).map(Number)));
  });

  it("keeps the ids images were built with before the table (directory-scan order)", () => {
    // The scan numbered entries 1..30 in sorted `stem.fn` order; these must never move.
    expect(KERNEL_IDS["add.add"]).toBe(1);
    expect(KERNEL_IDS["conv_2d.conv2d"]).toBe(6);
    expect(KERNEL_IDS["fully_connected.fullyConnected"]).toBe(10);
    expect(KERNEL_IDS["softmax.softmax"]).toBe(25);
    expect(KERNEL_IDS["transpose_conv.transposeConv"]).toBe(30);
  });

  it("the registry reads the table, and names the next free id for an entry without one", () => {
    expect(kernelId("conv_2d", "conv2d")).toBe(KERNEL_IDS["conv_2d.conv2d"]);
    expect(() => kernelId("conv_2d", "conv2dWithoutId")).toThrow(
      new RegExp(`add "conv_2d\\.conv2dWithoutId": ${nextKernelId()} to compiler/build/interpreter/kernel-ids\\.ts`),
    );
  });
});
