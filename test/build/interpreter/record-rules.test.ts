/**
 * @fileoverview The record rules (compiler/build/interpreter/record-rules.ts) name real kernel
 * entries, fields and arrays: each encodes into a kernel table against the kernel's own KIR
 * entry (checks.ts throws on a field or array it lacks), and every kernel has an id; and an
 * edited record of each kernel the shared models use is rejected by the rule meant for it.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { sealImage, stepWord } from "../../../compiler/build/interpreter/image.ts";
import type { InterpreterResult } from "../../../compiler/build/interpreter/program.ts";
import { importTflite } from "../../../compiler/import/tflite/import.ts";
import { buildInterpreter } from "../../../compiler/pipeline.ts";
import { dispatchTable } from "../../../compiler/run/interpreter.ts";
import { installDispatch } from "../../../runtime/dispatch.ts";
import { imageStatus } from "../../../runtime/interpreter.ts";
import { needModels, needShared, sharedFile } from "../../support/shared.ts";
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

/** The record field names of kernel entry `stem.fn` (its KIR record). */
function fieldNames(key: string): string[] {
  const dot = key.lastIndexOf(".");
  const [kernel, fn] = [key.slice(0, dot), key.slice(dot + 1)];
  const prog = loadProgram([kernelFile(kernel)]);
  const rec = prog.module.functions.get(prog.kirName(kernel, fn))!.params[0];
  return rec.type.kind === "record" ? prog.module.records.get(rec.type.name)!.fields : [];
}

const ruleModels = needModels("kws_ref_model", "pretrainedResnet_quant");
const goldenOps = needShared("golden-ops");

/**
 * One sealed edit per rule of the kernels the shared models use (fully_connected_dsp, conv_2d_dsp,
 * depthwise_conv_2d with and without its SIMD variant, add): each must be rejected with reason 6
 * (record) in its step, as the fuzzer's edits of these records are (test/support/image-fuzz.ts).
 */
describe.skipIf(ruleModels.skip)("record rules reject edited records", () => {
  const builds = new Map<string, InterpreterResult>();
  const build = (name: string): InterpreterResult => {
    // A shared model, or a golden-ops case ("golden-ops/<case>").
    const file = name.includes("/") ? sharedFile(...name.split("/"), "model.tflite") : sharedFile("models", `${name}.tflite`);
    if (!builds.has(name)) builds.set(name, buildInterpreter(importTflite(fs.readFileSync(file), name.replace(/.*\//, ""))));
    return builds.get(name)!;
  };
  /** The status of `name`'s image with `edit` applied to the record of the first step of `key` (filtered by `pick`). */
  const edited = (name: string, key: string, edit: Record<string, number>, pick = (_: (f: string) => number) => true): { status: number; step: number } => {
    const b = build(name);
    installDispatch(dispatchTable(b));
    const fields = fieldNames(key);
    const calls = b.lowered.flatMap((l) => l.calls);
    for (let s = 0; s < calls.length; s++) {
      if (`${calls[s].kernel}.${calls[s].fn}` !== key) continue;
      const rec = b.image[stepWord(b.image, s) + 2];
      const get = (f: string): number => b.image[rec + fields.indexOf(f)];
      if (!pick(get)) continue;
      const img = b.image.slice();
      expect(imageStatus(img, b.table)).toBe(0);
      for (const [f, v] of Object.entries(edit)) {
        expect(fields.indexOf(f), `${key} has no field ${f}`).toBeGreaterThanOrEqual(0);
        img[rec + fields.indexOf(f)] = v;
      }
      sealImage(img);
      return { status: imageStatus(img, b.table), step: s };
    }
    throw new Error(`${name} has no step of ${key} to edit`);
  };
  const rejected = (r: { status: number; step: number }) => expect(r.status).toBe(6 + 16 * (r.step + 1));

  it("fully_connected_dsp: weight format, staging, requantization table and rounding", () => {
    const fc = "fully_connected_dsp.fullyConnectedDsp";
    rejected(edited("kws_ref_model", fc, { weights16: 1 })); // int16 pairs: twice the weight words
    rejected(edited("kws_ref_model", fc, { weights16: 2, staged: 0 })); // offset-binary weights need staging
    rejected(edited("kws_ref_model", fc, { table: 1 })); // a per-channel table of 4 words per row
    rejected(edited("kws_ref_model", fc, { table: 0 })); // multipliers and shifts the image lacks
    rejected(edited("kws_ref_model", fc, { qRound: 2 ** 30 + 1 })); // the uniform requantization's rounding constant stays below 2^30
  });

  it("conv_2d_dsp: packed weights, staged pixels, column, skip, row buffer, fused ADD shifts", () => {
    const conv = "conv_2d_dsp.conv2dDsp";
    rejected(edited("kws_ref_model", conv, { int16Weights: 1 })); // twice the weight words
    rejected(edited("kws_ref_model", conv, { fuseAdd: 1 })); // a skip input the image lacks
    rejected(edited("kws_ref_model", conv, { inPlace: 3 })); // a row buffer the image lacks
    rejected(edited("kws_ref_model", conv, { inC: 2, filterH: 3, filterW: 3, inH: 10, inW: 4 }, (f) => f("filterH") === 1)); // im2col through an absent column
    rejected(edited("kws_ref_model", conv, { strideW: 2 }, (f) => f("filterH") === 1)); // a 1x1 layer's pixels past its input
    rejected(edited("kws_ref_model", conv, { filterH: 0 })); // no taps
    rejected(edited("kws_ref_model", conv, { addSkipShift: 1 })); // the fused ADD's input rescales only shift right
    rejected(edited("kws_ref_model", conv, { addOutputOffset: 300 }));
  });

  it("depthwise_conv_2d: channels, filter, plane, SIMD table and its shifts, index range", () => {
    const dw = "depthwise_conv_2d.depthwiseConv2d";
    rejected(edited("kws_ref_model", dw, { depthMultiplier: 2 })); // outC < inC x depthMultiplier
    rejected(edited("kws_ref_model", dw, { filterH: 5 })); // the SIMD table holds 3 x 3 taps
    rejected(edited("kws_ref_model", dw, { dsp: 2, filterH: 1, filterW: 4 })); // k x 1: another table shape
    rejected(edited("kws_ref_model", dw, { cheapRequant: 0 })); // the general path's shift word is the cheap path's rounding constant
    rejected(edited("kws_ref_model", dw, { dsp: 0 })); // the plain path's filter, multipliers and shifts are absent
    rejected(edited("kws_ref_model", dw, { outW: 3, outH: 40 })); // a wider plane than the image's scratch
    rejected(edited("kws_ref_model", dw, { strideH: 4096 })); // a plane of 4096-row strides the scratch does not hold
  });

  it("add: sizes, broadcast strides, right-shift rescales, offsets", () => {
    const add = "add.add";
    rejected(edited("pretrainedResnet_quant", add, { size: 1 << 20 })); // same shapes: more elements than the inputs hold
    rejected(edited("pretrainedResnet_quant", add, { broadcast: 1, d0: 1, d1: 1, d2: 2, d3: 1 << 14, a3: 1, b3: 1 })); // more output than the image has
    rejected(edited("pretrainedResnet_quant", add, { broadcast: 1, d0: 1, d1: 1, d2: 2, d3: 64, a2: 1 << 14, a3: 1, b3: 1 })); // input 1 read past its end
    rejected(edited("pretrainedResnet_quant", add, { broadcast: 1, d3: 8, b3: -1 })); // a negative stride
    rejected(edited("pretrainedResnet_quant", add, { input1Shift: 3 }));
    rejected(edited("pretrainedResnet_quant", add, { outputShift: 1 }));
    rejected(edited("pretrainedResnet_quant", add, { input2Offset: -256 }));
  });

  it.skipIf(goldenOps.skip)("add with broadcast strides; max pool", () => {
    const add = "add.add";
    const bc = "golden-ops/add_broadcast_2sided";
    rejected(edited(bc, add, { a2: 1 << 16 }, (f) => f("broadcast") === 1 && f("d2") > 1)); // input 1 read past its end
    rejected(edited(bc, add, { b2: -1 }, (f) => f("broadcast") === 1)); // a negative stride
    rejected(edited(bc, add, { d0: 1 << 12 }, (f) => f("broadcast") === 1)); // more output than the output holds
    const pool = "max_pool_2d.maxPool2d";
    rejected(edited("golden-ops/maxpool_3x3_s2_same_relu6", pool, { strideH: 0 }));
    rejected(edited("golden-ops/maxpool_3x3_s2_same_relu6", pool, { outW: 1 << 12 }));
  });
});
