/**
 * @fileoverview Test support: small .tflite models built by the tests themselves (outside
 * ../shared, with no golden data), for `mote analyze` and `mote bench` on any model: an int8
 * FULLY_CONNECTED + RELU model, and models that cannot compile for each kind of problem.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildModel, oneOpModel, optionsTable, type ModelSpec } from "../import/tflite-builder.ts";

const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint] });

/** int8 [1, 8] -> FULLY_CONNECTED (4 x 8 weights, int32 bias) -> RELU -> int8 [1, 4]: 32 MACs. */
export function fcReluSpec(): ModelSpec {
  const weights = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
  const bias = new Uint8Array(new Int32Array([100, -50, 7, 0]).buffer);
  return {
    opcodes: [{ deprecated: 9, code: 9 }, { deprecated: 19, code: 19 }],
    buffers: [{}, { data: weights }, { data: bias }],
    subgraphs: [{
      tensors: [
        { shape: [1, 8], type: 9, name: "features", quant: q(0.5, -3) },
        { shape: [4, 8], type: 9, name: "weights", buffer: 1, quant: q(0.25, 0) },
        { shape: [4], type: 2, name: "bias", buffer: 2, quant: q(0.125, 0) },
        { shape: [1, 4], type: 9, name: "fc", quant: q(1, 2) },
        { shape: [1, 4], type: 9, name: "scores", quant: q(1, 2) },
      ],
      inputs: [0],
      outputs: [4],
      ops: [
        { opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 8, options: optionsTable([[0, "i8", 0]]) },
        { opcodeIndex: 1, inputs: [3], outputs: [4] },
      ],
    }],
  };
}

/** RELU (op 0), LSTM (op 1, no lowering), the custom op MyOp (op 2), HARD_SWISH on int16 (op 3, no int16 variant: 1011). */
export function problemsSpec(): ModelSpec {
  const spec = oneOpModel({ deprecated: 19, code: 19 });
  // HARD_SWISH (117) has no int16 variant: its int16 tensors are the 1011 problem.
  spec.opcodes.push({ deprecated: 16, code: 16 }, { deprecated: 32, code: 32, custom: "MyOp" }, { deprecated: 117, code: 117 });
  const sg = spec.subgraphs[0]!;
  sg.tensors.push(
    { shape: [1, 4], type: 9, name: "a", quant: q(0.5, -3) },
    { shape: [1, 4], type: 7, name: "b16", quant: q(0.5, 0) },
    { shape: [1, 4], type: 7, name: "c16", quant: q(0.5, 0) },
  );
  sg.outputs = [4];
  sg.ops = [
    { opcodeIndex: 0, inputs: [0], outputs: [1] },
    { opcodeIndex: 1, inputs: [1], outputs: [2] },
    { opcodeIndex: 2, inputs: [2], outputs: [3] },
    { opcodeIndex: 3, inputs: [3], outputs: [4] },
  ];
  return spec;
}

/** Writes `spec` as DIR/NAME and returns the path. */
export function writeModel(dir: string, name: string, spec: ModelSpec): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, buildModel(spec));
  return file;
}
