/**
 * @fileoverview Layer by layer: every intermediate tensor of kws_ref_model on golden input_3 equals
 * TFLite Micro's dump (golden/kws_ref_model/layers) on the ts and host targets. A failure names the
 * first differing layer, so a wrong kernel is found at once.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { traceHost } from "../../compiler/run/targets.ts";
import { needModels, needShared, needTarget, readBytes, sameBytes, sharedFile } from "../support/shared.ts";

interface LayerTensor {
  index: number;
  name: string;
  file: string;
  is_constant: boolean;
  is_model_input: boolean;
  producer: { op_index: number; op: string } | null;
}

/** The first produced tensor (in op order) whose bytes differ from the dump, or undefined. */
export function firstDifference(dump: LayerTensor[], dir: string, got: Map<number, Uint8Array>): string | undefined {
  const produced = dump.filter((t) => t.producer !== null).sort((a, b) => a.producer!.op_index - b.producer!.op_index);
  for (const t of produced) {
    const actual = got.get(t.index);
    const expected = readBytes(`${dir}/${t.file}`);
    if (!actual) return `op ${t.producer!.op_index} (${t.producer!.op}) produced no tensor ${t.index} (${t.name})`;
    if (!sameBytes(actual, expected)) {
      let i = 0;
      while (actual[i] === expected[i]) i++;
      return `first differing layer: op ${t.producer!.op_index} ${t.producer!.op}, tensor ${t.index} (${t.name}), byte ${i}: got ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return undefined;
}

const kws = needModels("kws_ref_model");
const layers = needShared("golden/kws_ref_model/layers/tensors.json");
const host = needTarget("host");

describe.skipIf(kws.skip || layers.skip)("kws_ref_model layer dumps", () => {
  const model = "kws_ref_model";
  const dir = sharedFile("golden", model, "layers");
  const ok = kws.ok && layers.ok;
  const dump: LayerTensor[] = ok ? JSON.parse(fs.readFileSync(`${dir}/tensors.json`, "utf8")).tensors : [];
  const input = ok ? readBytes(sharedFile("golden", model, "input_3.bin")) : new Uint8Array();
  const graph = ok ? loadModel(sharedFile("models", `${model}.tflite`)) : undefined;

  it("every layer matches on the ts target", () => {
    const got = new Map<number, Uint8Array>();
    runTs(graph!, [input], { onTensor: (i, b) => got.set(i, b) });
    expect(firstDifference(dump, dir, got)).toBeUndefined();
  });

  it.skipIf(host.skip)("every layer matches on the host C target", async () => {
    const got = await traceHost(graph!, [input]);
    expect(got.size).toBeGreaterThan(10);
    expect(firstDifference(dump, dir, got)).toBeUndefined();
  });

  it("names the first differing layer when one differs", () => {
    const got = new Map<number, Uint8Array>();
    runTs(graph!, [input], { onTensor: (i, b) => got.set(i, b) });
    const t = dump.find((x) => x.producer?.op_index === 4)!;
    const corrupted = got.get(t.index)!.slice();
    corrupted[7] ^= 1;
    got.set(t.index, corrupted);
    expect(firstDifference(dump, dir, got)).toMatch(/op 4 CONV_2D, tensor \d+ .* byte 7/);
  });
});
