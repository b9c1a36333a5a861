/**
 * @fileoverview Differential property tests: for every kernel Mote lowers (CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, RESHAPE, SOFTMAX), fast-check draws
 * random one-op graphs (test/support/synthetic.ts: shapes, strides, padding, dilation, depth
 * multiplier, groups, activation, batch, bias, scales, zero points, extreme inputs) and the
 * TypeScript kernels, the WASM module and the host-gcc C library must produce the same bytes.
 *
 * WASM is cheap, so it gets many cases per op; host C costs one gcc build per graph, so it gets
 * ~25 per op, run concurrently (the builds overlap). Seeds are fixed per op so a failure
 * reproduces; the failing spec is printed as JSON (fast-check's counterexample and our error).
 * The last suite checks that the emitted C is specialized: no record access, shapes folded.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { OP_NAMES, SPEC_ARBITRARIES, syntheticGraph, type ConvSpec, type OpSpec } from "../support/synthetic.ts";
import { needTarget } from "../support/shared.ts";
import { caseCount, expectTargetsAgree, propertyParams, seedOf } from "./differential/agree.ts";

/** Full counts in test:full (differential.full.test.ts runs this file), 40 % in npm test; see caseCount. */
const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = caseCount(80);
const HOST_RUNS = caseCount(25);

const host = needTarget("host");

describe("differential: TS == WASM", () => {
  for (const op of OP_NAMES) {
    it(`${op}: ${WASM_RUNS} random graphs`, async () => {
      const arb = SPEC_ARBITRARIES[op] as fc.Arbitrary<OpSpec>;
      await fc.assert(
        fc.asyncProperty(arb, (spec) => expectTargetsAgree(spec, ["ts", "wasm"])),
        propertyParams(arb, seedOf(op, 1), WASM_RUNS),
      );
    }, 120_000 * SCALE);
  }
});

describe.skipIf(host.skip)("differential: TS == WASM == host C", { concurrent: true }, () => {
  for (const op of OP_NAMES) {
    it(`${op}: ${HOST_RUNS} random graphs`, async () => {
      const arb = SPEC_ARBITRARIES[op] as fc.Arbitrary<OpSpec>;
      await fc.assert(
        fc.asyncProperty(arb, (spec) => expectTargetsAgree(spec, ["ts", "wasm", "host"])),
        propertyParams(arb, seedOf(op, 2), HOST_RUNS),
      );
    }, 600_000 * SCALE); // concurrent gcc builds: generous on a loaded machine
  }
});

describe("the generated C is specialized", () => {
  // Shape constants chosen distinct from each other and from small loop constants.
  const spec: ConvSpec = {
    op: "CONV_2D", seed: 7, inputScale: 0.5, inputZeroPoint: -3, inputFill: "random",
    outputScale: 0.25, outputZeroPoint: 5, activation: "RELU6", filterScales: [0.01, 0.02, 0.03, 0.04, 0.05],
    weightFill: "random", hasBias: true, biasRange: 100,
    batches: 1, inH: 13, inW: 11, inC: 7, outC: 5, groups: 1, filterH: 3, filterW: 3,
    strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, padding: "SAME",
  };
  const graph = syntheticGraph(spec);
  const { program } = buildFor(graph);
  const modelC = emitCLibrary(program)["model.c"];
  const kernelName = program.steps[0].fn;
  // The definition (not the prototype): the signature line ending in "{", up to the closing "}".
  const definition = new RegExp(`^static void ${kernelName}\\([^;]*\\) \\{$`, "m").exec(modelC);
  const start = definition ? definition.index : -1;
  // The entry and the helpers specialized with it (e.g. finish_<kernelName>, its epilogue).
  const bodyOf = (name: string): string => {
    const m = new RegExp(`^static \\w+ ${name}\\([^;]*\\) \\{$`, "m").exec(modelC);
    return m ? modelC.slice(m.index, modelC.indexOf("\n}\n", m.index) + 3) : "";
  };
  const helpers = [...modelC.matchAll(new RegExp(`^static \\w+ (\\w+_${kernelName})\\(`, "gm"))].map((m) => m[1]);
  const body = start < 0 ? "" : [kernelName, ...new Set(helpers)].map(bodyOf).join("\n");

  it("has one specialized conv function and no record", () => {
    expect(program.steps).toHaveLength(1);
    expect(program.records).toHaveLength(0);
    expect(start, `definition of ${kernelName} in model.c`).toBeGreaterThan(0);
    expect(modelC).not.toContain("->");
    expect(modelC).not.toMatch(/\bstruct\b/);
  });

  it("folds the layer's shape, stride, padding and quantization constants", () => {
    // SAME 3x3 stride 2 on 13x11 gives 7x6 = 42 output pixels, padding 1 before each axis.
    const folded = [13, 11, 7, 6, 42, 3];
    for (const n of folded) expect(body, `constant ${n} in ${kernelName}`).toMatch(new RegExp(`\\b${n}\\b`));
    // Loop bounds are literals: `< 42` (the GEMM's pixels, kernels/conv_2d_dsp.ts), `< 3` (filter
    // rows of the im2col window). The 5 output channels have no loop of their own
    // (pairs of channels written out, compiler/specialize/unroll.ts).
    for (const n of [42, 3]) expect(body).toMatch(new RegExp(`<\\s*${n}\\b`));
    expect(body).not.toMatch(/for \([^;]*;[^;]*<\s*5\b/);
    // RELU6 at scale 0.25, zero point 5: clamp to [5, 5 + 24].
    expect(body).toMatch(/\b29\b/);
    // No record field survives as a name.
    for (const field of ["inH", "inW", "outC", "strideH", "padH", "inputOffset", "outputOffset", "actMin", "actMax", "hasBias"]) {
      expect(body, `record field ${field}`).not.toMatch(new RegExp(`\\b${field}\\b`));
    }
  });
});
