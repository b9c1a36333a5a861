/**
 * @fileoverview `npm run fuzz:image`: the long campaign of the interpreter image fuzzer
 * (test/support/image-fuzz.ts) over every shared model: corrupted images, half of them damaged
 * (checksum kept) and half edited on purpose (checksum rewritten), each run through the image
 * check and, if accepted, an inference in a C driver built with AddressSanitizer and
 * UndefinedBehaviorSanitizer. Prints the figures per model and in total, for damaged images,
 * edited images the structural checks and record rules cover, and edited images only the
 * checksum stands against (constant data, truncation, kernels without complete rules): images,
 * rejected (by reason), accepted with the original outputs, wrong successes, crashes, time.
 * Exits 1 if a damaged image was accepted with other outputs, or any image crashed.
 *
 * Batches of a model run in `--jobs` driver processes side by side (the mutants are drawn in the
 * same order whatever the count, so a seed gives the same images); a progress line with the
 * running totals follows every batch, so a run stopped early still says what it did.
 *
 *   npm run fuzz:image -- [--images N (100000)] [--seed S (1)] [--models a,b] [--batch B (1000)] [--jobs J (2)]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { importTflite } from "../compiler/import/tflite/import.ts";
import { buildInterpreter } from "../compiler/pipeline.ts";
import { runImageTs } from "../compiler/run/interpreter.ts";
import { BUCKETS, bucketOf, CDriver, driverInput, emptyFigures, hashOutputs, ImageMutator, rng, tally, type Bucket, type Figures } from "../test/support/image-fuzz.ts";
import { MODEL_NAMES, SHARED } from "../test/support/shared.ts";

const REASONS: Record<number, string> = { 1: "magic", 2: "version", 3: "out of range", 4: "unknown kernel", 5: "checksum", 6: "record" };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function show(label: string, f: Figures, seconds: number): void {
  const reasons = Object.entries(f.byReason).map(([r, n]) => `${REASONS[Number(r)] ?? r} ${n}`).join(", ");
  console.log(`${label}: ${f.images} images, ${f.rejected} rejected (${reasons}), ${f.acceptedSame} accepted with the original outputs, ` +
    `${f.wrongSuccess} wrong successes, ${f.crashes} crashes, ${seconds.toFixed(1)} s`);
  for (const s of f.wrongSamples) console.log(`  wrong success: ${s}`);
  for (const s of f.crashSamples) console.log(`  crash: ${s}`);
}

async function main(): Promise<void> {
  const total = Number(arg("images", "100000"));
  const seed = Number(arg("seed", "1"));
  const batchMax = Number(arg("batch", "1000"));
  const jobs = Math.max(1, Number(arg("jobs", "2")));
  const names = arg("models", MODEL_NAMES.join(",")).split(",");
  const perModel = Math.ceil(total / names.length);
  const buckets = (): Record<Bucket, Figures> => Object.fromEntries(BUCKETS.map((b) => [b, emptyFigures()])) as Record<Bucket, Figures>;
  const all = buckets();
  const started = Date.now();
  for (const [n, name] of names.entries()) {
    const t0 = Date.now();
    const file = path.join(SHARED, "models", `${name}.tflite`);
    const build = buildInterpreter(importTflite(fs.readFileSync(file), name));
    const inputs = build.program.inputs.map((t, k) => driverInput(t.bytes, k));
    const reference = hashOutputs(await runImageTs(build, inputs));
    const driver = new CDriver(build);
    // A batch file of at most ~64 MB.
    const batch = Math.max(20, Math.min(batchMax, Math.floor((64 << 20) / (build.image.length * 4))));
    const mutator = new ImageMutator(build, rng(seed * 1000 + n));
    const figs = buckets();
    try {
      const inFlight: Promise<void>[] = [];
      let printed = 0;
      for (let done = 0; done < perModel; done += batch) {
        const mutants = Array.from({ length: Math.min(batch, perModel - done) }, (_, i) => mutator.next(i % 2 === 0 ? "raw" : "sealed"));
        inFlight.push(driver.runAsync(mutants).then((outcomes) => {
          mutants.forEach((m, i) => {
            tally(figs[bucketOf(m)], m, outcomes[i], reference);
            tally(all[bucketOf(m)], m, outcomes[i], reference);
          });
          while (printed < driver.crashLog.length) console.log(`  crash: ${name} ${driver.crashLog[printed++]}`);
          const crashes = BUCKETS.reduce((n, b) => n + all[b].crashes, 0);
          const images = BUCKETS.reduce((n, b) => n + all[b].images, 0);
          console.log(`  progress: ${name} ${figs.damaged.images + figs.edited.images + figs["edited, checksum only"].images}/${perModel}, ` +
            `total ${images} images: damaged ${all.damaged.rejected}/${all.damaged.images} rejected, ${all.damaged.wrongSuccess} wrong successes; ` +
            `edited ${all.edited.rejected}/${all.edited.images} rejected; checksum only ${all["edited, checksum only"].images}; ` +
            `${crashes} crashes, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }));
        if (inFlight.length >= jobs) await inFlight.shift();
      }
      await Promise.all(inFlight);
    } finally {
      driver.dispose();
    }
    const s = (Date.now() - t0) / 1000;
    for (const b of BUCKETS) show(`${name} ${b}`, figs[b], s);
  }
  const s = (Date.now() - started) / 1000;
  for (const b of BUCKETS) show(`total ${b}`, all[b], s);
  // Damaged images must all be rejected; no image may crash (edited ones are rejected or run clean).
  const bad = all.damaged.wrongSuccess + BUCKETS.reduce((n, b) => n + all[b].crashes, 0);
  process.exit(bad === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
