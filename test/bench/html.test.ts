/**
 * @fileoverview The bench HTML report (compiler/bench/html.ts), built from the fixture in
 * test/fixtures/bench (a real `mote bench ad01_int8` output and its per-layer profiles), without
 * running QEMU: the file is self-contained (no script, no external resource, unique SVG ids) and
 * has every plot; then it opens from file:// in headless Chromium (/usr/bin/chromium, Debian's
 * package, driven by playwright-core) with no console errors, every plot laid out, and a
 * screenshot that is not blank and shows the bars' colours. Skipped, with a message, when
 * Chromium is not installed (scripts/setup.sh installs it).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../../compiler/bench/bench.ts";
import { readProfiles, renderReportHtml, type TimelineEntry } from "../../compiler/bench/html.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { memoryTimelineSvg } from "../../compiler/report/timeline.ts";
import { CHROMIUM, needShared, needTools, sharedFile } from "../support/shared.ts";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/bench");
const browser = needTools("chromium");
// With the model the report also carries ad01's memory timeline (and one more plot).
const ad01 = needShared("models/ad01_int8.tflite");

const results = JSON.parse(fs.readFileSync(path.join(FIXTURE, "results.json"), "utf8")) as BenchResults;
const profiles = readProfiles(FIXTURE);

let html = "";
let plots = 0;
beforeAll(async () => {
  const timelines: TimelineEntry[] = [];
  if (ad01.ok) {
    const graph = loadModel(sharedFile("models", "ad01_int8.tflite"));
    timelines.push({ model: "ad01_int8", svg: await memoryTimelineSvg(buildFor(graph), { graph }) });
  }
  html = await renderReportHtml({ results, profiles, timelines });
  plots = 3 + timelines.length; // instructions, peak SRAM, ad01's layers (+ its timeline)
}, 60_000);

describe("bench report HTML", () => {
  it("is one static file: no script, no external resource, one SVG per plot, unique ids", () => {
    expect(profiles.map((p) => p.config).sort()).toEqual(["codegen+plan+specialize", "interpreter"]);
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|@import/i);
    expect(html).not.toMatch(/href="(?!#)/);
    expect((html.match(/<svg[\s>]/g) ?? []).length).toBe(plots);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it("says where the gain comes from, with the figures of the fixture", () => {
    const interp = results.rows.find((r) => r.config === "interpreter")!;
    const full = results.rows.find((r) => r.config === "codegen+plan+specialize")!;
    expect(html).toContain(`against the interpreter's ${interp.instructions.toLocaleString("en")}`);
    expect(html).toContain(`the full Mote runs ${full.instructions.toLocaleString("en")} instructions`);
    expect(html).toContain("tflm_cmsis_nn");
    // Full Mote / TFLM+CMSIS-NN: 1,822,920 / 583,160 instructions, 860 / 3,904 peak SRAM, 285,700 / 305,440 flash.
    expect(html).toContain("<caption>Full Mote / TFLM+CMSIS-NN</caption>");
    expect(html).toMatch(/<td>ad01_int8<\/td><td class="num">3\.13 ✗<\/td><td class="num">0\.22 ✓<\/td><td class="num">0\.94 ✓<\/td>/);
    expect(html).toMatch(/Profile check, interpreter: layer sum [\d,]+ vs whole/);
  });

  it("renders the same bytes twice (no timestamps)", async () => {
    expect(await renderReportHtml({ results, profiles })).toBe(await renderReportHtml({ results, profiles }));
  });
});

describe.skipIf(browser.skip)("bench report in headless Chromium", () => {
  let dir = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-html-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("opens from file:// with no console errors, lays out every plot, and the screenshot is not blank", async () => {
    const { chromium } = await import("playwright-core");
    const file = path.join(dir, "report.html");
    fs.writeFileSync(file, html);
    const context = await chromium.launchPersistentContext(path.join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
      await page.goto(`file://${file}`, { waitUntil: "load" });
      const boxes = await page.locator("svg").evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
      expect(boxes).toHaveLength(plots);
      for (const [w, h] of boxes) {
        expect(w).toBeGreaterThan(150);
        expect(h).toBeGreaterThan(150);
      }
      const png = PNG.sync.read(await page.screenshot({ fullPage: true }));
      expect(errors).toEqual([]);
      let ink = 0;
      let bars = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
        if (r < 240 || g < 240 || b < 240) ink++;
        // #08519c (codegen+plan+specialize) and #e6550d (tflm_cmsis_nn) bars, within anti-aliasing
        if ((Math.abs(r - 0x08) < 12 && Math.abs(g - 0x51) < 12 && Math.abs(b - 0x9c) < 12) ||
          (Math.abs(r - 0xe6) < 12 && Math.abs(g - 0x55) < 12 && Math.abs(b - 0x0d) < 12)) bars++;
      }
      const pixels = png.width * png.height;
      expect(png.height).toBeGreaterThan(1000);
      expect(ink / pixels).toBeGreaterThan(0.03);
      expect(bars).toBeGreaterThan(2000);
    } finally {
      await context.close();
    }
  }, 120_000);
});
