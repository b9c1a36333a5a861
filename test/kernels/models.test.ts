/**
 * @fileoverview Whole shared models through runTs against TFLite Micro's golden outputs:
 * ad01_int8 and kws_ref_model for inputs 0..7, and kws layer by layer for input_3 (every
 * intermediate tensor in golden/kws_ref_model/layers), naming the first differing tensor.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { HAVE_SHARED, SHARED } from "./shared.ts";

function goldenRun(model: string): void {
  const graph = loadModel(path.join(SHARED, "models", `${model}.tflite`));
  for (let k = 0; k <= 7; k++) {
    const dir = path.join(SHARED, "golden", model);
    const [out] = runTs(graph, [new Uint8Array(readFileSync(path.join(dir, `input_${k}.bin`)))]);
    const want = new Uint8Array(readFileSync(path.join(dir, `output_${k}.bin`)));
    expect(Array.from(out), `${model} output_${k}`).toEqual(Array.from(want));
  }
}

interface LayerInfo {
  index: number;
  name: string;
  file: string;
  producer: { op_index: number; op: string } | null;
}

describe.skipIf(!HAVE_SHARED)("shared models through runTs", () => {
  it("ad01_int8 matches output_0..7", () => goldenRun("ad01_int8"));
  it("kws_ref_model matches output_0..7", () => goldenRun("kws_ref_model"));

  it("kws_ref_model matches every layer for input_3", () => {
    const dir = path.join(SHARED, "golden", "kws_ref_model");
    const layersDir = path.join(dir, "layers");
    expect(existsSync(layersDir)).toBe(true);
    const info = JSON.parse(readFileSync(path.join(layersDir, "tensors.json"), "utf8")) as { tensors: LayerInfo[] };
    const byIndex = new Map(info.tensors.map((t) => [t.index, t]));
    const graph = loadModel(path.join(SHARED, "models", "kws_ref_model.tflite"));
    const mismatches: string[] = [];
    let compared = 0;
    runTs(graph, [new Uint8Array(readFileSync(path.join(dir, "input_3.bin")))], {
      onTensor: (index, bytes) => {
        const t = byIndex.get(index);
        if (t === undefined) return;
        compared++;
        const want = readFileSync(path.join(layersDir, t.file));
        const first = bytes.findIndex((b, j) => b !== want[j]);
        if (bytes.length !== want.length || first >= 0) {
          mismatches.push(`tensor ${index} (${t.name}) from op #${t.producer?.op_index} ${t.producer?.op}: first difference at byte ${first}`);
        }
      },
    });
    expect(compared).toBe(graph.ops.length);
    expect(mismatches[0] ?? "all layers match").toBe("all layers match");
  });
});
