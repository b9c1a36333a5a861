/**
 * @fileoverview Every golden-ops case (TFLite Micro reference outputs) whose op is CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D or RESHAPE, run through runTs (importer ->
 * lowering -> TS kernels) and compared byte for byte, for every sample and every output.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { HAVE_SHARED, SHARED } from "./shared.ts";

const OPS = new Set(["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "RESHAPE"]);
const ROOT = path.join(SHARED, "golden-ops");

interface Case {
  name: string;
  op: string;
  dir: string;
}

function cases(): Case[] {
  if (!HAVE_SHARED) return [];
  const out: Case[] = [];
  for (const name of readdirSync(ROOT).sort()) {
    const meta = path.join(ROOT, name, "meta.json");
    if (!existsSync(meta)) continue;
    const m = JSON.parse(readFileSync(meta, "utf8")) as { op: string };
    if (OPS.has(m.op)) out.push({ name, op: m.op, dir: path.join(ROOT, name) });
  }
  return out;
}

/** Sample numbers k present as input_0_<k>.bin. */
function samples(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => /^input_0_(\d+)\.bin$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

describe.skipIf(!HAVE_SHARED)("golden-ops through runTs", () => {
  const all = cases();
  it("finds the cases of every op", () => {
    const ops = new Set(all.map((c) => c.op));
    expect([...ops].sort()).toEqual([...OPS].sort());
    expect(all.length).toBeGreaterThanOrEqual(35);
  });

  for (const c of all) {
    it(`${c.name} (${c.op})`, () => {
      const graph = loadModel(path.join(c.dir, "model.tflite"));
      const ks = samples(c.dir);
      expect(ks.length).toBeGreaterThan(0);
      for (const k of ks) {
        const inputs = graph.inputs.map((_, i) => new Uint8Array(readFileSync(path.join(c.dir, `input_${i}_${k}.bin`))));
        const outputs = runTs(graph, inputs);
        outputs.forEach((got, o) => {
          const want = new Uint8Array(readFileSync(path.join(c.dir, `output_${o}_${k}.bin`)));
          expect(got.length, `output ${o} sample ${k} size`).toBe(want.length);
          const first = got.findIndex((b, j) => b !== want[j]);
          expect(first, `output ${o} sample ${k}: first differing byte`).toBe(-1);
        });
      }
    });
  }
});
