/**
 * @fileoverview Builds samples/custom-op's model, a small int8 network with a TFLite CUSTOM op:
 * input [1, 8, 8, 1] -> CONV_2D (3x3, 4 channels, SAME, per-channel weights) -> CUSTOM "ClipScale"
 * (custom options: int32 lo, hi, gain in thousandths) -> SOFTMAX over the 4 channels. Weights
 * and bias come from a fixed formula, so the file is the same on every run. Uses the test
 * suite's .tflite writer (test/import/tflite-builder.ts).
 *
 *   npx tsx samples/custom-op/build_model.ts [OUT.tflite]   (default samples/custom-op/out/clip_scale.tflite)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildModel, optionsTable, type ModelSpec } from "../../test/import/tflite-builder.ts";
import { int32OptionBytes } from "../../compiler/ops/api.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const q = (scale: number[], zeroPoint: number[], quantizedDimension = 0) => ({ scale, zeroPoint, quantizedDimension });

/** The ClipScale options of the sample: clip to -100..90 (input domain), gain 1.5. */
export const CLIP_SCALE_OPTIONS = [-100, 90, 1500] as const;

export function customOpSpec(): ModelSpec {
  const weights = new Uint8Array(4 * 3 * 3 * 1).map((_, i) => ((i * 53 + 17) % 255) - 127);
  const bias = new Uint8Array(new Int32Array([120, -340, 55, 0]).buffer);
  const filterScales = [0.011, 0.0073, 0.0152, 0.0094];
  const inScale = 0.0235;
  return {
    opcodes: [{ deprecated: 3, code: 3 }, { deprecated: 32, code: 32, custom: "ClipScale" }, { deprecated: 25, code: 25 }],
    buffers: [{}, { data: weights }, { data: bias }],
    subgraphs: [{
      tensors: [
        { shape: [1, 8, 8, 1], type: 9, name: "input", quant: q([inScale], [-12]) },
        { shape: [4, 3, 3, 1], type: 9, name: "conv_weights", buffer: 1, quant: q(filterScales, [0, 0, 0, 0]) },
        { shape: [4], type: 2, name: "conv_bias", buffer: 2, quant: q(filterScales.map((s) => s * inScale), [0, 0, 0, 0]) },
        { shape: [1, 8, 8, 4], type: 9, name: "conv", quant: q([0.047], [5]) },
        { shape: [1, 8, 8, 4], type: 9, name: "clip_scale", quant: q([0.061], [-20]) },
        { shape: [1, 8, 8, 4], type: 9, name: "probabilities", quant: q([1 / 256], [-128]) },
      ],
      inputs: [0],
      outputs: [5],
      ops: [
        // Conv2DOptions: padding SAME (0), stride 1 x 1, no activation, dilation 1 x 1.
        { opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1, options: optionsTable([[0, "i8", 0], [1, "i32", 1], [2, "i32", 1], [3, "i8", 0], [4, "i32", 1], [5, "i32", 1]]) },
        { opcodeIndex: 1, inputs: [3], outputs: [4], customOptions: int32OptionBytes(CLIP_SCALE_OPTIONS) },
        // SoftmaxOptions: beta 1.
        { opcodeIndex: 2, inputs: [4], outputs: [5], optionsType: 9, options: optionsTable([[0, "f32", 1]]) },
      ],
    }],
  };
}

/** Writes the model to `file` and returns its path. */
export function writeCustomOpModel(file = path.join(HERE, "out", "clip_scale.tflite")): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, buildModel(customOpSpec()));
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`wrote ${writeCustomOpModel(process.argv[2])}`);
}
