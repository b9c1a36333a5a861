/**
 * @fileoverview The demo: compile the bundled keyword-spotting model (MLPerf Tiny DS-CNN) for the
 * simulated Cortex-M7, run it on four real 1-second clips in QEMU, and print what it heard, how
 * many instructions each inference took and how much memory the firmware needs.
 *
 * The clips' MFCC features (49 x 10, int8) were computed from the WAV files in ../shared/data
 * with the model's training front end (see ../shared/golden-frontend/README.md).
 * Run it with `npm run demo`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { compileCommand } from "../../compiler/cli/compile.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { MoteError } from "../../compiler/diagnostics.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const LABELS = ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence", "unknown"];
const CLIPS = ["yes", "no", "silence", "noise"];

async function main(): Promise<void> {
  const model = path.join(here, "kws_ref_model.tflite");
  const out = path.resolve(here, "../../out/demo");
  await compileCommand(model, { out, board: "qemu-mps2-an500", plan: "greedy", firmware: true, mode: "codegen" });
  const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));

  const graph = loadModel(model);
  console.log("\nRunning on the simulated Cortex-M7 (qemu-system-arm -M mps2-an500):\n");
  console.log("clip            heard    confidence   instructions   stack");
  for (const clip of CLIPS) {
    const features = new Uint8Array(fs.readFileSync(path.join(here, `${clip}.features.bin`)));
    const r = await runModel(graph, [features], "qemu");
    const scores = Array.from(new Int8Array(r.outputs[0].buffer, r.outputs[0].byteOffset, 12));
    const best = scores.indexOf(Math.max(...scores));
    const p = (scores[best] + 128) / 256; // output scale 1/256, zero point -128
    console.log(
      `${`${clip}_1000ms`.padEnd(15)} ${LABELS[best].padEnd(8)} ${p.toFixed(3).padStart(10)}   ${String(r.instructions).padStart(12)}   ${String(r.stackBytes).padStart(5)} B`,
    );
  }
  console.log(
    `\nPeak SRAM ${report.peak_sram_bytes} B (arena ${report.arena_bytes} B, other statics ${report.data_bytes + report.bss_bytes - report.arena_bytes} B, stack ${report.stack_bytes} B); flash ${report.flash_bytes} B.`,
  );
  console.log(`The C library is in ${path.relative(process.cwd(), out)}/ (model.h, model.c, mote_intrinsics.h); report: ${path.relative(process.cwd(), out)}/report.md`);
  console.log('(The "no" clip is heard as "go": TFLite Micro hears it the same way.)');
}

main().catch((e) => {
  if (e instanceof MoteError) {
    console.error(e.oneLine());
    process.exit(1);
  }
  throw e;
});
