/**
 * @fileoverview 5,000 corrupted interpreter images of the kws model through the C library built
 * with -fsanitize=address,undefined -fno-sanitize-recover (test/support/image-fuzz.ts and its
 * driver), half damaged (checksum kept), half edited with a new checksum. Every damaged image is
 * rejected with a status (no wrong success), and no image of any bucket crashes or trips a
 * sanitizer: edits the structural checks and record rules cover are rejected or run clean, and
 * so do those only the checksum stands against (constant data, truncation), whose outputs may
 * differ (counted and printed). `npm run fuzz:image` runs the long campaign (100,000 images).
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { importTflite } from "../../../compiler/import/tflite/import.ts";
import { buildInterpreter } from "../../../compiler/pipeline.ts";
import { runImageTs } from "../../../compiler/run/interpreter.ts";
import { BUCKETS, bucketOf, CDriver, driverInput, emptyFigures, hashOutputs, ImageMutator, rng, tally, type Bucket, type Figures } from "../../support/image-fuzz.ts";
import { needModels, needTools, sharedFile } from "../../support/shared.ts";

const models = needModels("kws_ref_model");
const gcc = needTools("gcc");

describe.skipIf(models.skip || gcc.skip)("image fuzz: C under AddressSanitizer and UBSan", () => {
  it("5,000 corrupted kws images: damaged ones rejected, none crashes", async () => {
    const build = buildInterpreter(importTflite(fs.readFileSync(sharedFile("models", "kws_ref_model.tflite")), "kws_ref_model"));
    const inputs = build.program.inputs.map((t, k) => driverInput(t.bytes, k));
    const reference = hashOutputs(await runImageTs(build, inputs));
    const driver = new CDriver(build);
    const figs = Object.fromEntries(BUCKETS.map((b) => [b, emptyFigures()])) as Record<Bucket, Figures>;
    try {
      // The original image gives the TypeScript interpreter's outputs in C too.
      expect(driver.run([{ image: build.image, bytes: build.image.length * 4 }])[0]).toEqual({ status: 0, hash: reference });
      const mutator = new ImageMutator(build, rng(2026));
      for (let batch = 0; batch < 5; batch++) {
        const mutants = Array.from({ length: 1000 }, (_, i) => mutator.next(i % 2 === 0 ? "raw" : "sealed"));
        const outcomes = driver.run(mutants);
        mutants.forEach((m, i) => tally(figs[bucketOf(m)], m, outcomes[i], reference));
      }
      for (const b of BUCKETS) {
        const f = figs[b];
        console.log(`[image fuzz] ${b}: ${f.images} images, ${f.rejected} rejected ${JSON.stringify(f.byReason)}, ` +
          `${f.acceptedSame} accepted (same outputs), ${f.wrongSuccess} wrong successes, ${f.crashes} crashes`);
      }
      expect(figs.damaged.images + figs.edited.images + figs["edited, checksum only"].images).toBe(5000);
      expect(figs.damaged.images).toBe(2500);
      expect(figs.damaged.rejected, driver.crashLog.join("\n")).toBe(2500);
      for (const b of BUCKETS) expect(figs[b].crashes, `${b}: ${driver.crashLog.join("\n")}`).toBe(0);
      expect(figs.edited.images).toBeGreaterThan(500);
    } finally {
      driver.dispose();
    }
  }, 900_000);
});
