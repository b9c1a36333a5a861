/**
 * @fileoverview The demo: compile the bundled keyword-spotting model (MLPerf Tiny DS-CNN) with its
 * MFCC front end (signal/mfcc.ts, `--audio kws-mfcc`) for the simulated Cortex-M7, so the firmware
 * takes raw 16-bit PCM; run it on four real 1-second recordings in QEMU (one run, four
 * invocations), and print what it heard, how many instructions each inference took (front end
 * + model) and how much memory the firmware needs.
 *
 * The recordings are ../shared/data/audio/*_1000ms.wav (TensorFlow Lite Micro's micro_speech test
 * clips; ../shared/data/README.md). Run it with `npm run demo`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { compileCommand } from "../../compiler/cli/compile.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { classifyClips } from "../wake-word/wake_word.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const model = path.join(here, "kws_ref_model.tflite");
  const out = path.resolve(here, "../../out/demo");
  await compileCommand(model, { out, board: "qemu-mps2-an500", plan: "greedy", firmware: true, mode: "codegen", audio: "kws-mfcc" });
  const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));

  console.log("\nRunning on the simulated Cortex-M7 (qemu-system-arm -M mps2-an500), raw 16 kHz audio in:\n");
  console.log("clip            heard    confidence   runner-up        instructions");
  const clips = await classifyClips("qemu", model);
  for (const c of clips) {
    console.log(
      `${c.clip.padEnd(15)} ${c.top[0].label.padEnd(8)} ${c.top[0].score.toFixed(3).padStart(10)}   ${`${c.top[1].label} ${c.top[1].score.toFixed(3)}`.padEnd(16)} ${String(c.instructions).padStart(12)}`,
    );
  }
  console.log(
    `\nPeak SRAM ${report.peak_sram_bytes} B (arena ${report.arena_bytes} B with 1 s of PCM and the front end's buffers, other statics ${report.data_bytes + report.bss_bytes - report.arena_bytes} B, stack ${report.stack_bytes} B); flash ${report.flash_bytes} B.`,
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
