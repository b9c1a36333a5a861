/**
 * @fileoverview SOFTMAX int8 -> int16 (kernels/softmax.ts softmaxInt16Out): TFLite Micro's
 * softmax_test.cc Softmax2DQuantizedInt8InputInt16OutputShouldMatchGolden (at 90b983c2: input
 * scale 0.1, zero point 0; output scale 1/65536, zero point -32768; beta 1; tolerance 1 step of
 * the quantized golden) on ts, wasm and host C; the lowering's Prepare checks (zero point and
 * scale, as TFLM's CalculateSoftmaxParams); and the kernel equal to the BigInt model of TFLite's
 * reference Softmax<int8_t, int16_t> on random rows.
 */
import { describe, expect, it } from "vitest";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { softmaxInt16Out, type SoftmaxParams } from "../../kernels/softmax.ts";
import { needTarget } from "../support/shared.ts";
import { softmaxInt16OutGraph } from "../support/softmax16out.ts";
import { expectLowerError } from "../kernels/differential/agree.ts";
import { softmaxRow } from "./gemmlowp-model.ts";

// softmax_test.cc: input_data_2d and golden_2d (shape {2, 5}).
const INPUT_2D = [1.0, 2.0, 3.0, 4.0, 5.0, -1.0, -2.0, -3.0, -4.0, -5.0];
const GOLDEN_2D = [
  0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647,
  0.636408647, 0.234121657, 0.086128544, 0.031684921, 0.011656231,
];

const host = needTarget("host");
const targets: Target[] = host.skip ? ["ts", "wasm"] : ["ts", "wasm", "host"];

function asI16(bytes: Uint8Array): number[] {
  return Array.from(new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
}

describe("SOFTMAX int8 -> int16: TFLite Micro's softmax_test.cc vectors", () => {
  for (const target of targets) {
    it(`Softmax2DQuantizedInt8InputInt16Output on ${target}`, async () => {
      const graph = softmaxInt16OutGraph([2, 5], 0.1, 0, 1);
      const input = Int8Array.from(INPUT_2D.map((v) => Math.round(v / Math.fround(0.1))));
      const out = asI16((await runModel(graph, [new Uint8Array(input.buffer)], target)).outputs[0]);
      const want = GOLDEN_2D.map((g) => Math.max(-32768, Math.min(32767, Math.round(g * 65536) - 32768)));
      out.forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(1));
    }, 120_000);
  }
});

describe("SOFTMAX int8 -> int16: lowering", () => {
  it("calls softmaxInt16Out", () => {
    const calls = lowerGraph(softmaxInt16OutGraph([1, 4], 0.05, 3, 1))[0].calls;
    expect(calls.map((c) => `${c.kernel}.${c.fn}`)).toContain("softmax.softmaxInt16Out");
  });
  it("rejects an output zero point other than -32768", () => {
    expectLowerError(softmaxInt16OutGraph([1, 4], 0.05, 0, 1, 1 / 65536, 0), /zero point -32768 and scale 1\/65536/);
  });
  it("rejects an output scale off 1/65536 by more than 0.1 %", () => {
    expectLowerError(softmaxInt16OutGraph([1, 4], 0.05, 0, 1, 1 / 32768, -32768), /zero point -32768 and scale 1\/65536/);
    expect(() => lowerGraph(softmaxInt16OutGraph([1, 4], 0.05, 0, 1, (1 / 65536) * 1.0005, -32768))).not.toThrow();
  });
});

describe("SOFTMAX int8 -> int16: kernel == BigInt model of TFLite's reference", () => {
  it("random rows and parameters", () => {
    let x = 0x1234567;
    const next = (): number => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
    for (let t = 0; t < 300; t++) {
      const inScale = 2 ** (-8 + 9 * next());
      const depth = 1 + Math.floor(next() * 40);
      const graph = softmaxInt16OutGraph([1, depth], inScale, 0, 0.5 + next() * 2);
      let calls;
      try {
        calls = lowerGraph(graph)[0].calls;
      } catch {
        continue;
      }
      const p = calls.find((c) => c.fn === "softmaxInt16Out")!.params as unknown as SoftmaxParams;
      const row = Array.from({ length: depth }, () => (t % 7 === 0 ? 127 : Math.floor(next() * 256) - 128));
      const out = new Int16Array(depth);
      softmaxInt16Out(p, Int8Array.from(row), out);
      expect(Array.from(out)).toEqual(softmaxRow(row, p.inputMultiplier, p.inputLeftShift, p.diffMin, 16));
    }
  });
});
