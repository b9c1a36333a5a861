/**
 * @fileoverview A DIV whose final shift leaves TFLite Micro's range, for
 * test/kernels/differential/arith_int8.test.ts and test/ops/arith-int8.full.test.ts (qemu): see
 * divShiftImage.
 */
import type { Graph } from "../../../compiler/ir/graph.ts";
import type { InterpreterResult } from "../../../compiler/build/interpreter/program.ts";
import { sealImage, stepWord } from "../../../compiler/build/interpreter/image.ts";
import { quantizeMultiplier } from "../../../compiler/ops/quant.ts";
import { buildInterpreter } from "../../../compiler/pipeline.ts";
import { GraphBuilder, perTensor } from "../../support/synthetic.ts";

/** Word of `outputMultiplier` in kernels/div.ts DivParams (declaration order; `outputShift` follows). */
const MULTIPLIER_FIELD = 17;

/**
 * DIV elements whose final shift output_shift - recip_shift - headroom is below -31 (x - zp = +-1,
 * a large divisor, output scale = input scales): outside TFLM's RoundingDivideByPOT. The lowering
 * rejects such quantization (compiler/ops/div.ts), so only an edited interpreter image reaches
 * it: this builds the DIV with an output scale the lowering accepts (multiplier 2^7), then
 * rewrites the step's record to the multiplier and shift of output scale 0.05 (20: 0.625 * 2^5)
 * and reseals the image. A shift count of 32 or more used to differ between x86 (ts, wasm, host:
 * the count wraps) and the Cortex-M7 (qemu: it does not); the kernel rounds those quotients to 0
 * on every target.
 */
export function divShiftImage(): { build: InterpreterResult; inputs: Uint8Array[]; want: number[] } {
  const b = new GraphBuilder();
  const a = b.add("a", "int8", [8], perTensor(0.05, 0));
  const d = b.add("d", "int8", [8], perTensor(0.05, 0));
  const o = b.add("o", "int8", [8], perTensor(1 / 128, 0));
  const graph: Graph = {
    name: "div_large_shift", tensors: b.tensors, inputs: [a, d], outputs: [o],
    ops: [{ index: 0, opcode: "DIV", version: 1, inputs: [a, d], outputs: [o], options: { fusedActivationFunction: "NONE" } }],
  };
  const build = buildInterpreter(graph);
  const record = build.image[stepWord(build.image, 0) + 2];
  const built = quantizeMultiplier(128);
  if (build.image[record + MULTIPLIER_FIELD] !== built.multiplier || build.image[record + MULTIPLIER_FIELD + 1] !== built.shift) {
    throw new Error("div_shift: DivParams' field order changed; update MULTIPLIER_FIELD");
  }
  const coarse = quantizeMultiplier(Math.fround(Math.fround(0.05) / Math.fround(Math.fround(0.05) * Math.fround(0.05))));
  build.image[record + MULTIPLIER_FIELD] = coarse.multiplier;
  build.image[record + MULTIPLIER_FIELD + 1] = coarse.shift;
  sealImage(build.image);
  const inputs = [Int8Array.from([1, -1, 1, -1, 2, 100, -1, 0]), Int8Array.from([100, 100, -127, 127, 120, 3, 9, 5])]
    .map((x) => new Uint8Array(x.buffer));
  return { build, inputs, want: [0, 0, 0, 0, 0, 127, -2, 0] };
}
