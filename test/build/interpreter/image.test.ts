/**
 * @fileoverview The model image and the generic runtime: the header says what the interpreter
 * needs, runtime/interpreter.ts rejects an image that is not one, the generated C reads records
 * at run time (no specialization) and dispatches only to the kernels the model uses, and
 * interpreter mode agrees with codegen mode on random single-op graphs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emitCLibrary } from "../../../compiler/emit/c/model.ts";
import { buildInterpreter } from "../../../compiler/pipeline.ts";
import { HEADER_WORDS, IMAGE_MAGIC, IMAGE_VERSION, sealImage } from "../../../compiler/build/interpreter/image.ts";
import { kernelIds } from "../../../compiler/build/interpreter/registry.ts";
import { runModel } from "../../../compiler/run/targets.ts";
import { dispatchTable } from "../../../compiler/run/interpreter.ts";
import { installDispatch } from "../../../runtime/dispatch.ts";
import { imageStatus } from "../../../runtime/interpreter.ts";
import { SPEC_ARBITRARIES, syntheticGraph, syntheticInput, type ConvSpec, type OpSpec } from "../../support/synthetic.ts";

const conv: ConvSpec = {
  op: "CONV_2D", seed: 3, inputScale: 0.5, inputZeroPoint: -3, inputFill: "random",
  outputScale: 0.25, outputZeroPoint: 5, activation: "RELU6", filterScales: [0.01, 0.02, 0.03],
  weightFill: "random", hasBias: true, biasRange: 100,
  batches: 1, inH: 9, inW: 7, inC: 4, outC: 3, groups: 1, filterH: 3, filterW: 3,
  strideH: 1, strideW: 2, dilationH: 1, dilationW: 1, padding: "SAME",
};

describe("model image", () => {
  const r = buildInterpreter(syntheticGraph(conv));
  installDispatch(dispatchTable(r)); // imageStatus asks hasKernel about every step's kernel

  it("has a header the interpreter checks", () => {
    const img = r.image;
    expect(img[0]).toBe(IMAGE_MAGIC);
    expect(img[1]).toBe(IMAGE_VERSION);
    expect(img[2]).toBe(r.placement.arenaBytes);
    expect(img[3]).toBe(1); // one kernel call
    expect(img[4]).toBe(HEADER_WORDS + 4); // one input and one output: (offset, bytes) each
    expect(img[5]).toBe(img.length * 4);
    expect(imageStatus(img, r.table)).toBe(0);
  });

  it("is rejected when its magic, version or step table is wrong", () => {
    const bad = (edit: (a: Int32Array) => void): number => {
      const copy = r.image.slice();
      edit(copy);
      return imageStatus(copy, r.table);
    };
    const sealed = (edit: (a: Int32Array) => void) => (a: Int32Array) => { edit(a); sealImage(a); };
    expect(bad((a) => { a[0] = 0; })).toBe(1);
    expect(bad((a) => { a[1] = 99; })).toBe(2);
    expect(bad((a) => { a[20] ^= 1; })).toBe(5); // any change without a new checksum
    expect(bad(sealed((a) => { a[3] = 1_000_000; }))).toBe(3);
    expect(bad(sealed((a) => { a[4] = 2; }))).toBe(3);
    const at = r.image[4];
    expect(bad(sealed((a) => { a[at + 3] += 1; }))).toBe(6 + 16); // record word count
    expect(bad(sealed((a) => { a[at + 4 + 2] += 4096; }))).toBe(3 + 16); // input argument's size past the arena
    expect(bad(sealed((a) => { a[at + 4 + 1] += 1; }))).toBe(0); // an i8 argument may move by one byte
    const out = at + 4 + 3 * (r.image[at + 1] - 1); // the output, the kernel's last array
    expect(bad(sealed((a) => { a[out + 2] -= 1; }))).toBe(6 + 16); // output smaller than the record's shapes
  });

  it("stores the step as (kernel id, argument count, record index) and the record's fields", () => {
    const at = r.image[4];
    const call = r.lowered[0].calls[0];
    expect(r.image[at]).toBe(kernelIds().get(`${call.kernel}.${call.fn}`));
    expect(r.image[at + 1]).toBe(r.lowered[0].calls[0].args.length);
    expect(r.image[at + 3]).toBe(r.program.records.find((x) => x.name === "Conv2dParams")!.fields.length);
    const fields = r.program.records.find((x) => x.name === "Conv2dParams")!.fields;
    const rec = r.image[at + 2];
    const params = r.lowered[0].calls[0].params;
    fields.forEach((f, k) => expect(r.image[rec + k], f).toBe(params[f]));
  });

  it("compiles to generic C: the record is a struct read at run time, dispatch knows only this model's kernels", () => {
    const c = emitCLibrary(r.program)["model.c"];
    expect(c).toMatch(/struct mote_Conv2dParams \{/);
    expect(c).toMatch(/p->inH/);
    expect(c).toMatch(/static int32_t mote_imageStatus\(/);
    expect(c).toMatch(/static void mote_runSteps\(/);
    // The image is checked once by mote_init(), which mote_invoke() runs first until it succeeds.
    expect(c).toMatch(/^int mote_init\(void\) \{$/m);
    expect(c).toMatch(/if \(mote_init_status != 0 && mote_init\(\) != 0\) return mote_init_status;/);
    expect(c).toMatch(/static void mote_dispatch\(/);
    const call = r.lowered[0].calls[0];
    const id = kernelIds().get(`${call.kernel}.${call.fn}`);
    expect(c).toMatch(new RegExp(`static int mote_hasKernel\\(int32_t kernel\\) \\{\\n  return \\(kernel == ${id}\\);\\n\\}`));
    expect(c).toMatch(/^int mote_invoke\(void\) \{$/m);
    expect(c).not.toMatch(/depthwiseConv2d/);
    expect(r.program.steps).toHaveLength(1);
    expect(r.program.init).toHaveLength(1);
  });
});

describe("interpreter mode == codegen mode on random graphs", () => {
  const ops = ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "SOFTMAX"] as const;
  for (const op of ops) {
    it(`${op}: ts and wasm`, async () => {
      const arb = SPEC_ARBITRARIES[op] as fc.Arbitrary<OpSpec>;
      await fc.assert(
        fc.asyncProperty(arb, async (spec) => {
          const graph = syntheticGraph(spec);
          const input = [syntheticInput(spec)];
          const want = (await runModel(graph, input, "ts")).outputs[0];
          for (const target of ["ts", "wasm"] as const) {
            const got = (await runModel(graph, input, target, { mode: "interpreter" })).outputs[0];
            expect(Buffer.from(got).equals(Buffer.from(want)), `${target} interpreter, spec ${JSON.stringify(spec)}`).toBe(true);
          }
        }),
        { seed: 4242, numRuns: 15 },
      );
    }, 120_000);
  }
});
