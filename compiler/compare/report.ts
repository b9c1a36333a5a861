/**
 * @fileoverview What `mote compare` prints and writes, from a CompareReport (compare.ts):
 *  - the terminal table: per model, the device estimate with its CPI range, the MLPerf Tiny
 *    cross-check, the server's measured times, then per link and option the latency, energy,
 *    bytes and battery life, and each link's break-even;
 *  - DIR/compare.json: the report object itself (every figure with its source included);
 *  - DIR/compare.html: one self-contained file (inline CSS and SVG, no script) with, per model,
 *    energy per inference per option and link, latency per option and link, and battery life
 *    against the inference rate; rendered like the bench report (vega-lite -> SVG in Node).
 * A pure function of the report: no timestamps, so the same report gives the same files. Both
 * files are written atomically and together (compiler/files.ts writeOutputFiles): a failed
 * write (MOTE6601/6602) leaves the earlier files intact and no partial file.
 */
import * as path from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { inlineSvg, specToSvg } from "../bench/html.ts";
import { batteryLifeS, fmtBytes, fmtJ, fmtLife, fmtS, OPTIONS } from "./energy.ts";
import type { CompareReport, ModelResult } from "./compare.ts";
import { verifiedLabel } from "./figures.ts";
import { makeDirs, writeOutputFiles } from "../files.ts";
import { fail } from "../diagnostics.ts";

const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const mega = (n: number): string => `${(n / 1e6).toFixed(2)} M`;

/** The device line of a model: instructions, time and energy at the assumed CPI, and the range. */
function deviceLine(r: CompareReport, m: ModelResult): string {
  const fe = m.frontEnd ? ` (model ${mega(m.measured.modelInstructions)} + ${m.frontEnd} ${mega(m.measured.fullInstructions - m.measured.modelInstructions)})` : "";
  return `device: ${mega(m.measured.fullInstructions)} instructions per ${m.streaming ? "hop" : "inference"}${fe} -> ${fmtS(m.device.assumed.seconds)}, ${fmtJ(m.device.assumed.joules)} ` +
    `at CPI ${r.cpi.assumed} (CPI ${r.cpi.low}-${r.cpi.high}: ${fmtS(m.device.low.seconds)}-${fmtS(m.device.high.seconds)}, ${fmtJ(m.device.low.joules)}-${fmtJ(m.device.high.joules)}) [estimate]`;
}

/** The terminal table of the whole report. */
export function formatTable(r: CompareReport): string {
  const out: string[] = [];
  out.push(`mote compare on ${r.board.name} (${r.board.mcu}, ${r.board.clockHz / 1e6} MHz, ${(r.board.runCurrentA * 1e3).toFixed(0)} mA Run-mode at ${r.board.voltageV} V); ` +
    `rate ${r.ratePerHour}/hour; battery ${r.battery.name} (${r.battery.capacityMah} mAh, ${r.battery.voltageV} V, active energy only); results sent when positive: ${(r.positiveRate * 100).toFixed(1)}%`);
  for (const m of r.models) {
    out.push("");
    out.push(`${m.model}${m.frontEnd ? ` (front end ${m.frontEnd})` : ""}: raw payload ${m.rawPayload}`);
    out.push(`  ${deviceLine(r, m)}`);
    for (const c of m.crossChecks) {
      out.push(`  MLPerf Tiny: ${c.system}: ${fmtS(c.publishedS)} (${mega(c.publishedCycles)} cycles); ours (${c.what}) at its clock ${fmtS(c.oursAtTheirClockS)}: ${c.ratio.toFixed(2)}x its cycles`);
    }
    if (m.crossChecks.length === 0) out.push(`  MLPerf Tiny: no published latency for this model`);
    const f = m.cloud.features;
    out.push(`  server (loopback, ${m.cloud.raw.requests} requests, p50): raw ${fmtBytes(m.measured.rawBytes)} round trip ${fmtS(m.cloud.raw.roundTripS)} ` +
      `(server ${fmtS(m.cloud.raw.serverS)}, compute ${fmtS(m.cloud.raw.computeS)})${f ? `; features ${fmtBytes(m.measured.featureBytes)} ${fmtS(f.roundTripS)} (compute ${fmtS(f.computeS)})` : ""}`);
    out.push(`  ${pad("link", 7)} ${pad("option", 9)} ${lpad("latency", 10)} ${lpad("energy/inf", 11)} ${lpad("bytes/inf", 10)} ${lpad(`battery @${r.ratePerHour}/h`, 16)}`); // not a figure: table and plot layout
    for (const l of m.links) {
      for (const o of l.options) {
        const first = pad(o.option === "device" ? l.link : "", 7);
        if (o.notApplicable) out.push(`  ${first} ${pad(o.option, 9)} ${lpad("n/a", 10)}  (${o.notApplicable})`);
        else out.push(`  ${first} ${pad(o.option, 9)} ${lpad(fmtS(o.latencyS), 10)} ${lpad(fmtJ(o.energyJ), 11)} ${lpad(fmtBytes(o.bytesSent), 10)} ${lpad(fmtLife(o.batteryLifeS), 16)}`); // not a figure: table and plot layout
      }
      out.push(`  ${pad("", 7)} break-even: ${l.breakEven.text}; raw answers ${l.breakEven.cloudFaster ? "sooner" : "later"} than the device`);
    }
    if (m.alwaysOn) {
      const lives = m.alwaysOn.batteryLifeS.filter((b) => b.option !== "device" || b.link === m.links[0]?.link)
        .map((b) => `${b.option === "device" ? "device" : `${b.link} ${b.option}`} ${b.keepsUp ? fmtLife(b.seconds) : "cannot keep up (a message takes longer than a hop)"}`);
      out.push(`  always on (streaming, ${Math.round(m.alwaysOn.ratePerHour)} hops/hour): battery life ${lives.join(", ")}`);
    }
  }
  out.push("");
  out.push("Estimates: device time = QEMU instructions x CPI / clock, energy = time x Run-mode current x voltage; radio from cited figures (compiler/compare/figures.json, docs/cloud-vs-device.md); server times measured on this machine's loopback.");
  return out.join("\n");
}

// ---- plots ------------------------------------------------------------------------------------

const LINK_COLORS = { ble: "#1f77b4", wifi: "#ff7f0e", "lte-m": "#2ca02c", "nb-iot": "#d62728" };

function barSpec(m: ModelResult, field: "energyJ" | "latencyS", title: string, axis: string): TopLevelSpec {
  const values = m.links.flatMap((l) => l.options.filter((o) => !o.notApplicable).map((o) => ({ link: l.link, option: o.option, value: o[field] })));
  const links = m.links.map((l) => l.link);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    width: Math.max(320, values.length * 16), // not a figure: table and plot layout
    height: 240, // not a figure: table and plot layout
    data: { values },
    mark: { type: "bar", stroke: "#333", strokeWidth: 0.3 }, // not a figure: table and plot layout
    encoding: {
      x: { field: "option", type: "nominal", sort: [...OPTIONS], title: null, axis: { labelAngle: 0 } },
      xOffset: { field: "link", type: "nominal", sort: links },
      y: { field: "value", type: "quantitative", scale: { type: "log" }, stack: null, title: axis },
      color: { field: "link", type: "nominal", sort: links, scale: { domain: links, range: links.map((l) => LINK_COLORS[l]) } },
      tooltip: [{ field: "option" }, { field: "link" }, { field: "value", type: "quantitative", format: ".3~g", title: axis }],
    },
  };
}

/** Battery life against inferences per hour, one line per link and option (the device option once). */
function batterySpec(r: CompareReport, m: ModelResult): TopLevelSpec {
  const rates = [1, 10, 100, 1000, 10000, 100000]; // not a figure: the x axis, inferences per hour in decades
  const values = m.links.flatMap((l) =>
    l.options.filter((o) => !o.notApplicable && (o.option !== "device" || l === m.links[0])).flatMap((o) =>
      rates.map((rate) => ({ link: o.option === "device" ? "none" : l.link, option: o.option, rate, days: batteryLifeS(o.energyJ, rate, r.battery.capacityMah, r.battery.voltageV) / 86400 }))));
  const links = ["none", ...m.links.map((l) => l.link)];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${m.model}: battery life vs rate (${r.battery.name}, active energy only)`,
    background: "white",
    width: 420, // not a figure: table and plot layout
    height: 260, // not a figure: table and plot layout
    data: { values },
    mark: { type: "line" },
    encoding: {
      x: { field: "rate", type: "quantitative", scale: { type: "log" }, title: "inferences per hour (log)" },
      y: { field: "days", type: "quantitative", scale: { type: "log" }, title: "battery life, days (log)" },
      color: { field: "link", type: "nominal", title: "link (none: device only)", sort: links, scale: { domain: links, range: links.map((l) => (l === "none" ? "#000000" : LINK_COLORS[l as keyof typeof LINK_COLORS])) } },
      strokeDash: { field: "option", type: "nominal", title: "option", sort: [...OPTIONS] },
      detail: [{ field: "link" }, { field: "option" }],
      tooltip: [{ field: "link" }, { field: "option" }, { field: "rate", type: "quantitative" }, { field: "days", type: "quantitative", format: ".3~g" }],
    },
  };
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #111; background: #fff; max-width: 1400px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; } th, td { border: 1px solid #ccc; padding: 3px 6px; } th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } figure.plot { display: inline-block; margin: 8px 16px 8px 0; vertical-align: top; }
figcaption { font-size: 12px; color: #444; } p.note, pre { font-size: 12px; color: #333; }
`;

function optionsTable(m: ModelResult, rate: number): string {
  const head = ["link", "option", "latency", "energy / inference", "bytes / inference", `battery @ ${rate}/h`, "note"];
  const rows = m.links.flatMap((l) => l.options.map((o) =>
    `<tr><td>${esc(l.link)}</td><td>${esc(o.option)}</td><td class="num">${esc(fmtS(o.latencyS))}</td><td class="num">${esc(fmtJ(o.energyJ))}</td>` +
    `<td class="num">${esc(fmtBytes(o.bytesSent))}</td><td class="num">${esc(fmtLife(o.batteryLifeS))}</td><td>${esc(o.notApplicable ?? "")}</td></tr>`));
  const be = m.links.map((l) => `<li>${esc(l.link)}: ${esc(l.breakEven.text)}; raw answers ${l.breakEven.cloudFaster ? "sooner" : "later"} than the device</li>`).join("");
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table><ul>${be}</ul>`;
}

function figuresTable(r: CompareReport): string {
  const rows = r.figures.map(({ path: at, figure: f }) =>
    `<tr><td>${esc(at)}</td><td class="num">${esc(String(f.value))}</td><td>${esc(f.unit)}</td><td>${verifiedLabel(f.verified)}</td><td>${esc(f.kind)}</td><td>${esc(f.source)}${f.derived ? ` (derived: ${esc(f.derived)})` : ""}</td></tr>`);
  return `<table><thead><tr><th>figure</th><th>value</th><th>unit</th><th>verified</th><th>kind</th><th>source</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The HTML report. */
export async function renderCompareHtml(r: CompareReport): Promise<string> {
  let plot = 0;
  const fig = async (spec: TopLevelSpec, caption: string) => `<figure class="plot">${inlineSvg(await specToSvg(spec), `p${plot++}`)}<figcaption>${esc(caption)}</figcaption></figure>`;
  const parts = [`<h1>On the device or in the cloud? (mote compare)</h1>`, `<pre>${esc(formatTable(r))}</pre>`];
  for (const m of r.models) {
    parts.push(`<h2>${esc(m.model)}</h2>`);
    parts.push(await fig(barSpec(m, "energyJ", `${m.model}: energy per inference`, "joules (log)"), "Energy per inference per option and link (device: MCU at Run-mode current; radio: cited figures; log scale)."));
    parts.push(await fig(barSpec(m, "latencyS", `${m.model}: latency`, "seconds (log)"), "Time until the device has the answer, per option and link (log scale)."));
    parts.push(await fig(batterySpec(r, m), "Battery life against the inference rate (active energy only: sleep currents and the sensor are not counted)."));
    parts.push(optionsTable(m, r.ratePerHour));
  }
  parts.push(`<h2>Figures and sources</h2><p class="note">verified = yes: read at the source named; secondary: read in a reproduction of that source (named); no: not confirmed, taken from the secondary source named or an assumption (docs/cloud-vs-device.md).</p>`, figuresTable(r));
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>mote compare</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${parts.join("\n")}\n</body>\n</html>\n`;
}

/**
 * Writes DIR/compare.json and DIR/compare.html, atomically and together (the HTML is rendered
 * first); returns their paths. DIR is created as needed (MOTE6602 when it cannot be); a failed
 * write is MOTE6601. `label` names DIR in the messages (the CLI's --out).
 */
export async function writeCompareReport(dir: string, r: CompareReport, label = "--out"): Promise<{ json: string; html: string }> {
  const page = await renderCompareHtml(r);
  makeDirs(dir, (reason) => fail(6602, label, dir, reason));
  const json = path.join(dir, "compare.json");
  const html = path.join(dir, "compare.html");
  writeOutputFiles([{ file: json, data: `${JSON.stringify(r, null, 2)}\n` }, { file: html, data: page }], label);
  return { json, html };
}
