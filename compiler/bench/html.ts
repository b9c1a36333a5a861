/**
 * @fileoverview The bench's HTML report, bench/out/report.html: one self-contained static file
 * (inline CSS and inline SVG plots, no script, no external resource), so it opens from disk
 * without a server.
 *
 * Built from results.json (compiler/bench/bench.ts), the per-layer profiles of two
 * configurations per model (interpreter and the full Mote, compiler/profile/profile.ts, kept as
 * DIR/profiles/<model>.<config>.json) and each model's memory timeline
 * (compiler/report/timeline.ts). Plots are vega-lite specs compiled to vega and rendered to SVG
 * in Node (View renderer "none", toSVG()): instructions and peak SRAM per model and
 * configuration against TFLM reference and TFLM+CMSIS-NN (log scales), per-layer instructions
 * (interpreter vs codegen) per model, and the arena timeline.
 *
 * Invariants: a pure function of its inputs (no timestamps), so the same results give the same
 * file; every SVG's ids are prefixed with its plot's index so inlined SVGs cannot collide; all
 * text from the inputs is HTML-escaped. Missing pieces (no profiles, no model file for a
 * timeline) leave their section out with a sentence saying why, never a broken plot. Every file
 * (each profile, the report) is written atomically (compiler/files.ts: a temporary file
 * renamed over the target; a failed write is MOTE6601 naming the file and leaves no partial file).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { SHARED_DIR, type BenchResults, type BenchRow } from "./bench.ts";
import { CONFIGS, CONFIG_NAMES } from "./configs.ts";
import { CMSIS_GOALS, cmsisRatios, ratioCell } from "./table.ts";
import { loadModel } from "../import/tflite/import.ts";
import { buildFor } from "../pipeline.ts";
import type { UserKernels } from "../ops/types.ts";
import { memoryTimelineSvg } from "../report/timeline.ts";
import { zeroPointInputs } from "../report/report.ts";
import { profileModel, type ProfileReport } from "../profile/profile.ts";
import { writeOutputFile } from "../files.ts";

/** The configurations profiled per layer: the baseline and the full Mote. */
export const PROFILED_CONFIGS = ["interpreter", "codegen+plan+specialize"] as const;
/** The configuration whose arena the timeline shows (the full Mote). */
export const TIMELINE_CONFIG = "codegen+plan+specialize";

const CONFIG_COLORS: Record<string, string> = {
  interpreter: "#9ecae1",
  codegen: "#6baed6",
  "codegen+plan": "#3182bd",
  "codegen+plan+specialize": "#08519c",
  tflm_reference: "#bdbdbd",
  tflm_cmsis_nn: "#e6550d",
};

export interface ProfileEntry {
  /** Bench model name (results.json `model`). */
  model: string;
  /** Bench configuration name. */
  config: string;
  profile: ProfileReport;
}

export interface TimelineEntry {
  model: string;
  /** A standalone SVG document (memoryTimelineSvg). */
  svg: string;
}

export interface HtmlReportInput {
  results: BenchResults;
  profiles?: ProfileEntry[];
  timelines?: TimelineEntry[];
}

// ---- plots -------------------------------------------------------------------------------------

/** Renders a vega-lite spec to an SVG string in Node (no DOM, no canvas). */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const modelsOf = (results: BenchResults): string[] => [...new Set(results.rows.map((r) => r.model))];
const configsOf = (rows: readonly { config: string }[]): string[] => {
  const present = new Set(rows.map((r) => r.config));
  return [...CONFIG_NAMES.filter((c) => present.has(c)), ...[...present].filter((c) => !CONFIG_NAMES.includes(c)).sort()];
};
const colorScale = (domain: string[]) => ({ domain, range: domain.map((c) => CONFIG_COLORS[c] ?? "#888888") });

/** Grouped bars of one figure per model and configuration (log scale), anchors included. */
export function perConfigSpec(results: BenchResults, field: "instructions" | "peak_sram_bytes", title: string, axis: string): TopLevelSpec {
  const rows = results.rows.filter((r) => r[field] > 0);
  const configs = configsOf(rows);
  const models = modelsOf(results);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    width: Math.max(360, models.length * configs.length * 18),
    height: 300,
    data: { values: rows.map((r) => ({ model: r.model, config: r.config, value: r[field], source: r.source })) },
    mark: { type: "bar", stroke: "#333", strokeWidth: 0.3 },
    encoding: {
      x: { field: "model", type: "nominal", sort: models, title: null, axis: { labelAngle: 0, labelLimit: 160 } },
      xOffset: { field: "config", type: "nominal", sort: configs },
      y: { field: "value", type: "quantitative", scale: { type: "log" }, stack: null, title: axis },
      color: { field: "config", type: "nominal", title: "configuration", scale: colorScale(configs), sort: configs, legend: { labelLimit: 260 } },
      tooltip: [{ field: "model" }, { field: "config" }, { field: "value", type: "quantitative", format: ",d", title: axis }, { field: "source" }],
    },
  };
}

/** Per-layer instructions of one model, one bar per profiled configuration. */
export function layersSpec(model: string, entries: ProfileEntry[]): TopLevelSpec {
  const values = entries.flatMap((e) =>
    e.profile.layers.map((l) => ({ layer: `${l.op} ${l.opcode}`, op: l.op, config: e.config, instructions: l.instructions, macs: l.macs })));
  const ops = [...new Map(values.map((v) => [v.op, v.layer])).entries()].sort((a, b) => a[0] - b[0]).map(([, label]) => label);
  const configs = configsOf(entries);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${model}: instructions per layer`,
    background: "white",
    width: Math.max(360, ops.length * configs.length * 9),
    height: 240,
    data: { values: values.filter((v) => v.instructions > 0) },
    mark: { type: "bar", stroke: "#333", strokeWidth: 0.3 },
    encoding: {
      x: { field: "layer", type: "nominal", sort: ops, title: "op (graph index, opcode)", axis: { labelAngle: -60, labelLimit: 140 } },
      xOffset: { field: "config", type: "nominal", sort: configs },
      y: { field: "instructions", type: "quantitative", scale: { type: "log" }, stack: null, title: "instructions (log)" },
      color: { field: "config", type: "nominal", title: "configuration", scale: colorScale(configs), sort: configs, legend: { labelLimit: 260 } },
      tooltip: [{ field: "layer" }, { field: "config" }, { field: "instructions", type: "quantitative", format: ",d" }, { field: "macs", type: "quantitative", format: ",d" }],
    },
  };
}

// ---- HTML --------------------------------------------------------------------------------------

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const int = (n: number): string => n.toLocaleString("en");
const ratio = (a: number, b: number): string => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : "—");

/** The SVG element of a standalone SVG document, its ids prefixed so several can share a page. */
export function inlineSvg(svg: string, prefix: string): string {
  const body = svg.replace(/^<\?xml[^>]*>\s*/, "").replace(/<!DOCTYPE[^>]*>\s*/i, "");
  const ids = new Set([...body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  let out = body;
  for (const id of ids) {
    const q = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out
      .replace(new RegExp(`(\\sid=")${q}"`, "g"), `$1${prefix}-${id}"`)
      .replace(new RegExp(`url\\(#${q}\\)`, "g"), `url(#${prefix}-${id})`)
      .replace(new RegExp(`(href=")#${q}"`, "g"), `$1#${prefix}-${id}"`);
  }
  return out;
}

function figure(svg: string, prefix: string, caption: string): string {
  return `<figure class="plot">${inlineSvg(svg, prefix)}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function resultsTable(results: BenchResults): string {
  const head = ["model", "config", "instructions", "vs TFLM+CMSIS-NN", "arena", "stack", "peak SRAM", "flash", "MACs/instr", "bit-exact"];
  const rows = results.rows.map((r) => {
    const cmsis = results.rows.find((x) => x.model === r.model && x.config === "tflm_cmsis_nn");
    const cells = [
      r.model, r.config, int(r.instructions), cmsis ? ratio(cmsis.instructions, r.instructions) : "—", int(r.arena_bytes),
      int(r.stack_bytes), int(r.peak_sram_bytes), int(r.flash_bytes), r.macs_per_instruction.toFixed(3),
      r.source === "anchors.json" ? "anchors.json" : r.bit_exact === null ? "not checked (no golden data)" : r.bit_exact ? `yes (${r.inputs_checked.length})` : `NO (${r.mismatches.join(", ")})`,
    ];
    return `<tr class="${r.source === "mote" ? "mote" : "anchor"}">${cells.map((c, i) => `<td${i >= 2 ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** Per model, the full Mote / TFLM+CMSIS-NN in instructions, peak SRAM and flash, against issue 10's goals. */
function cmsisTable(results: BenchResults): string {
  const g = CMSIS_GOALS;
  const head = ["model", `instructions (goal ≤ ${g.instructions.toFixed(2)})`, `peak SRAM (goal ≤ ${g.peak_sram.toFixed(2)})`, `flash (goal ≤ ${g.flash.toFixed(2)})`];
  const rows = modelsOf(results).map((m) => {
    const r = cmsisRatios(results, m);
    const cells = [m, ratioCell(r?.instructions, g.instructions), ratioCell(r?.peak_sram, g.peak_sram), ratioCell(r?.flash, g.flash)];
    return `<tr class="mote">${cells.map((c, i) => `<td${i >= 1 ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`;
  });
  return `<table class="cmsis"><caption>Full Mote / TFLM+CMSIS-NN</caption><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** Where the full Mote's gain over the interpreter comes from, layer by layer. */
function gainSection(model: string, entries: ProfileEntry[]): string {
  const base = entries.find((e) => e.config === PROFILED_CONFIGS[0])?.profile;
  const full = entries.find((e) => e.config === PROFILED_CONFIGS[1])?.profile;
  const sumLine = (e: ProfileEntry) =>
    `${esc(e.config)}: layer sum ${int(e.profile.layerSum)} vs whole ${int(e.profile.wholeInstructions)} (${e.profile.sumVsWholePercent >= 0 ? "+" : ""}${e.profile.sumVsWholePercent.toFixed(2)}%)`;
  const check = `<p class="note">Profile check, ${entries.map(sumLine).join("; ")}.</p>`;
  if (!base || !full) return check;
  const byOp = new Map(full.layers.map((l) => [l.op, l]));
  const saved = base.wholeInstructions - full.wholeInstructions;
  const layerSaved = base.layerSum - full.layerSum;
  const outsideSaved = saved - layerSaved;
  const rows = base.layers.map((b) => {
    const f = byOp.get(b.op);
    const fi = f?.instructions ?? 0;
    return { op: b.op, opcode: b.opcode, base: b.instructions, full: fi, saved: b.instructions - fi, macs: b.macs };
  }).sort((a, b) => b.saved - a.saved || a.op - b.op);
  const pct = (n: number) => (saved !== 0 ? `${((100 * n) / saved).toFixed(1)}%` : "—");
  const top = rows.slice(0, 8).map((r) =>
    `<tr><td class="num">${r.op}</td><td>${esc(r.opcode)}</td><td class="num">${int(r.base)}</td><td class="num">${int(r.full)}</td>` +
    `<td class="num">${int(r.saved)}</td><td class="num">${pct(r.saved)}</td><td class="num">${ratio(r.base, r.full)}</td></tr>`);
  const outside = `<tr><td></td><td>outside layers (interpreter loop, dispatch; hooks)</td><td class="num">${int(base.wholeInstructions - base.layerSum)}</td>` +
    `<td class="num">${int(full.wholeInstructions - full.layerSum)}</td><td class="num">${int(outsideSaved)}</td><td class="num">${pct(outsideSaved)}</td><td></td></tr>`;
  const noise = `<p class="note">"Outside layers" is the plain build's whole count minus the profiling build's layer sum: two builds whose code layout differs, so a few hundred instructions either way are noise.</p>`;
  return `<p>${esc(model)}: the full Mote runs ${int(full.wholeInstructions)} instructions against the interpreter's ${int(base.wholeInstructions)} ` +
    `(${ratio(base.wholeInstructions, full.wholeInstructions)} fewer). Of the ${int(saved)} saved, ${int(layerSaved)} (${pct(layerSaved)}) are inside the layers ` +
    `(specialized kernels instead of generic ones) and ${int(outsideSaved)} (${pct(outsideSaved)}) outside them (the interpreter's loop and dispatch).</p>` +
    `<table><thead><tr><th>op</th><th>opcode</th><th>interpreter</th><th>Mote</th><th>saved</th><th>share of saving</th><th>speed-up</th></tr></thead>` +
    `<tbody>${top.join("")}${outside}</tbody></table>${noise}${check}`;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #111; background: #fff; max-width: 1400px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; } h3 { font-size: 15px; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 3px 6px; } th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } tr.anchor td { color: #555; background: #fafafa; }
figure.plot { display: inline-block; margin: 8px 16px 8px 0; vertical-align: top; } figure.plot svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #444; } p.note { font-size: 12px; color: #555; }
`;

/** The whole report as one HTML string. */
export async function renderReportHtml(input: HtmlReportInput): Promise<string> {
  const { results } = input;
  const profiles = input.profiles ?? [];
  const timelines = input.timelines ?? [];
  let plot = 0;
  const next = () => `p${plot++}`;
  const parts: string[] = [];
  parts.push(`<h1>Mote bench report</h1>`);
  parts.push(`<p>Board ${esc(results.board)} (QEMU, Cortex-M7). Instructions executed for one inference on golden input_${results.measured_input} ` +
    `(SysTick ticks × 40 under <code>-icount shift=0</code>; counts, not a clock estimate). Peak SRAM = .data + .bss (arena included) + stack high-water mark; ` +
    `TFLite Micro's figures come from anchors.json, measured the same way.</p>`);
  parts.push(`<ul>${results.configs.map((c) => `<li><code>${esc(c.name)}</code>: ${esc(c.changes)}</li>`).join("")}</ul>`);

  parts.push(`<h2>Instructions and peak SRAM</h2>`);
  parts.push(figure(await specToSvg(perConfigSpec(results, "instructions", "Instructions per inference", "instructions (log)")), next(),
    "Instructions per inference, per model and configuration; TFLM reference and TFLM+CMSIS-NN from anchors.json (log scale)."));
  parts.push(figure(await specToSvg(perConfigSpec(results, "peak_sram_bytes", "Peak SRAM", "peak SRAM bytes (log)")), next(),
    "Peak SRAM (static RAM with the arena, plus stack), per model and configuration, against TFLM (log scale)."));
  parts.push(cmsisTable(results));
  parts.push(resultsTable(results));

  parts.push(`<h2>Per layer: interpreter vs codegen</h2>`);
  const models = modelsOf(results);
  const profiled = models.filter((m) => profiles.some((p) => p.model === m));
  if (profiled.length === 0) parts.push(`<p class="note">No per-layer profiles (run <code>mote bench</code> without <code>--no-profile</code>).</p>`);
  for (const m of profiled) {
    const entries = profiles.filter((p) => p.model === m).sort((a, b) => CONFIG_NAMES.indexOf(a.config) - CONFIG_NAMES.indexOf(b.config));
    parts.push(`<h3>${esc(m)}</h3>`);
    parts.push(figure(await specToSvg(layersSpec(m, entries)), next(),
      `Instructions per layer (a -DMOTE_PROFILE build reading SysTick around each layer), ${entries.map((e) => e.config).join(" vs ")} (log scale).`));
    parts.push(gainSection(m, entries));
  }

  parts.push(`<h2>Memory timeline</h2>`);
  const drawn = models.filter((m) => timelines.some((t) => t.model === m));
  if (drawn.length === 0) parts.push(`<p class="note">No memory timelines (the model files were not found).</p>`);
  for (const m of drawn) {
    const t = timelines.find((x) => x.model === m)!;
    parts.push(figure(t.svg, next(), `${m}: arena buffers over the steps (${TIMELINE_CONFIG}), with the arena size and the lower bound.`));
  }

  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Mote bench report</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${parts.join("\n")}\n</body>\n</html>\n`;
}

// ---- from a bench output directory ------------------------------------------------------------

export const PROFILES_DIR = "profiles";
export const REPORT_FILE = "report.html";

const profileFile = (dir: string, model: string, config: string) =>
  path.join(dir, PROFILES_DIR, `${model}.${config.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);

/** The profiles saved under DIR/profiles/ (any that exist). */
export function readProfiles(dir: string): ProfileEntry[] {
  const d = path.join(dir, PROFILES_DIR);
  if (!fs.existsSync(d)) return [];
  return fs.readdirSync(d).filter((f) => f.endsWith(".json")).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(d, f), "utf8")) as ProfileEntry);
}

export interface BenchReportOptions {
  /** Model name -> .tflite path, for the profiles and timelines (bench model names otherwise resolve in SHARED_DIR/models). */
  modelFiles?: Record<string, string>;
  /** Run the per-layer profiles in QEMU (default true; they overwrite DIR/profiles/); false: use the saved ones, if any. */
  profile?: boolean;
  /** Input bytes per model for the profiles (default: golden input_<measured> when found, else every element its zero point). */
  inputFor?: (model: string) => Uint8Array[] | undefined;
  log?: (line: string) => void;
  /** The bench's --flash-budget, so the profiles and timelines build what was measured. */
  flashBudget?: number;
  /** The bench's --kernels (compiler/ops/types.ts UserKernels). */
  kernels?: UserKernels;
}

/**
 * Writes DIR/report.html from DIR/results.json: runs (or reuses) the per-layer profiles of
 * PROFILED_CONFIGS into DIR/profiles/ (on golden input_<measured>, as the bench), draws each model's memory timeline, and returns the
 * report's path. `mote bench` calls this after writing results.json.
 */
export async function writeBenchReport(dir: string, opts: BenchReportOptions = {}): Promise<string> {
  const log = opts.log ?? (() => {});
  const results = JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8")) as BenchResults;
  const fileOf = (m: string): string | undefined => {
    const f = opts.modelFiles?.[m] ?? path.join(SHARED_DIR, "models", `${m}.tflite`);
    return fs.existsSync(f) ? f : undefined;
  };
  const inputFor = opts.inputFor ?? ((m: string) => {
    const f = path.join(SHARED_DIR, "golden", m, `input_${results.measured_input}.bin`);
    return fs.existsSync(f) ? [new Uint8Array(fs.readFileSync(f))] : undefined;
  });
  const moteModels = [...new Set(results.rows.filter((r: BenchRow) => r.source === "mote").map((r) => r.model))];
  const timelines: TimelineEntry[] = [];
  for (const m of moteModels) {
    const file = fileOf(m);
    if (!file) {
      log(`report: ${m}: model file not found, no profile or timeline`);
      continue;
    }
    const graph = loadModel(file);
    for (const config of PROFILED_CONFIGS) {
      const out = profileFile(dir, m, config);
      if (opts.profile === false) continue;
      const c = CONFIGS.find((x) => x.name === config)!;
      log(`report: profiling ${m} ${config} per layer on qemu`);
      // Without golden data, the zero-point input the bench measured on.
      const profile = await profileModel(graph, { ...c.options, inputs: inputFor(m) ?? zeroPointInputs(graph), flashBudget: opts.flashBudget, kernels: opts.kernels });
      writeOutputFile(out, `${JSON.stringify({ model: m, config, profile } satisfies ProfileEntry, null, 1)}\n`, "--out");
    }
    const full = CONFIGS.find((x) => x.name === TIMELINE_CONFIG)!;
    timelines.push({ model: m, svg: await memoryTimelineSvg(buildFor(graph, { ...full.options, flashBudget: opts.flashBudget, kernels: opts.kernels }), { graph, title: `${m}: arena over time` }) });
  }
  const html = await renderReportHtml({ results, profiles: readProfiles(dir), timelines });
  const file = path.join(dir, REPORT_FILE);
  writeOutputFile(file, html, "--out");
  return file;
}
