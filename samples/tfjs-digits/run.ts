/**
 * @fileoverview The tfjs-digits sample (npm run sample:tfjs-digits): quantizes the TF.js digits
 * CNN in samples/tfjs-digits/model/ with Mote (200 calibration rows), runs the int8 model on the
 * simulated Cortex-M7 (QEMU; `--target ts|wasm|host` for elsewhere) on the 360 held-back rows,
 * and prints int8 vs float accuracy and top-1 agreement for both calibration methods. Writes the
 * int8 model to out/tfjs-digits/digits_int8.tflite.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Target } from "../../compiler/run/targets.ts";
import { CALIBRATION_ROWS, measure } from "./agreement.ts";

const arg = process.argv.indexOf("--target");
const target = (arg > 0 ? process.argv[arg + 1] : "qemu") as Target;
console.log(`tfjs-digits: TF.js CNN → int8 with Mote (${CALIBRATION_ROWS} calibration rows) → ${target}`);
for (const method of ["minmax", "mse"] as const) {
  const r = await measure(target, method);
  console.log(`${method.padEnd(6)}  float accuracy ${r.floatAccuracy.toFixed(1)} %  int8 accuracy ${r.int8Accuracy.toFixed(1)} %  top-1 agreement ${r.agreement.toFixed(1)} % (${r.rows} held-back rows)`);
  if (method === "minmax") {
    const out = path.join("out", "tfjs-digits");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "digits_int8.tflite"), r.tflite);
    console.log(`        wrote ${path.join(out, "digits_int8.tflite")} (${r.tflite.length} bytes)`);
  }
}
