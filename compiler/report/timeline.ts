/**
 * @fileoverview The memory timeline of a planned arena as an SVG string (vega-lite compiled to
 * vega, rendered in Node with a headless View: renderer "none" + toSVG, no DOM or canvas).
 *
 * Each buffer of the BuildResult is one rectangle (a staircase buffer, tensors sharing memory
 * in place, one per part): x = its step range [first, last + 1)
 * (steps are kernel calls in execution order), y = its arena range [offset, offset + bytes),
 * labelled by tensor name ("t12 conv/Relu"; "t12+ ..." for a group of tensors sharing memory in
 * place, named by its root; "scratch sN" for scratch). Horizontal rules mark the arena size, the lower
 * bound (the most bytes live at one step) and, when codegen reports it, the planned bound. Zero-byte buffers and buffers the placement
 * does not know are left out. Used by `mote compile` (memory-timeline.svg next to report.md)
 * and meant for the bench HTML report: only BuildResult's buffers, placement and
 * lowerBoundBytes are read.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

import type { BuildResult } from "../build/index.ts";
import type { Graph } from "../ir/graph.ts";

export interface TimelineRow {
  id: string;
  label: string;
  kind: "tensor" | "scratch";
  first: number;
  /** Exclusive end step: last + 1. */
  end: number;
  offset: number;
  top: number;
  bytes: number;
}

/** The last two path components of a tensor name's first alias ("a/b/conv/Relu;a/b/x" → "conv/Relu"). */
function shortName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  return name.split(";")[0]!.split("/").filter((p) => p !== "").slice(-2).join("/");
}

/** One row per placed, non-empty buffer. `graph` (optional) gives tensor names. */
export function timelineRows(r: BuildResult, graph?: Graph): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const b of r.buffers) {
    const offset = r.placement.offsets.get(b.id);
    if (offset === undefined || b.bytes === 0) continue;
    // t<i>: tensor i; g<i>: tensors sharing memory in place, rooted at tensor i; s<k>: scratch.
    const tensor = /^([tg])(\d+)$/.exec(b.id);
    const name = tensor ? shortName(graph?.tensors[Number(tensor[2])]?.name) : undefined;
    const tag = tensor ? `t${tensor[2]}${tensor[1] === "g" ? "+" : ""}` : "";
    const label = tensor ? (name ? `${tag} ${name}` : tag) : `scratch ${b.id}`;
    // A staircase (tensors sharing memory in place) is drawn part by part, each while it lives.
    const parts = b.segments ?? [{ first: b.first, last: b.last, lo: 0, hi: b.bytes }];
    parts.forEach((g, k) => {
      if (g.hi <= g.lo) return;
      rows.push({
        id: b.segments ? `${b.id}.${k}` : b.id,
        label: k === 0 ? label : "",
        kind: tensor ? "tensor" : "scratch",
        first: g.first,
        end: g.last + 1,
        offset: offset + g.lo,
        top: offset + g.hi,
        bytes: g.hi - g.lo,
      });
    });
  }
  return rows;
}

export interface TimelineOptions {
  /** Tensor names for the labels. */
  graph?: Graph;
  title?: string;
  width?: number;
  height?: number;
}

/** The vega-lite spec of the timeline (exported for the bench HTML, which may embed it). */
export function timelineSpec(r: BuildResult, options: TimelineOptions = {}): TopLevelSpec {
  const rows = timelineRows(r, options.graph);
  const lines = [
    { index: 0, what: `arena ${r.placement.arenaBytes} B`, bytes: r.placement.arenaBytes },
    { index: 1, what: `lower bound ${r.lowerBoundBytes} B`, bytes: r.lowerBoundBytes },
  ];
  const planned = (r as { plannedBoundBytes?: unknown }).plannedBoundBytes;
  if (typeof planned === "number") lines.push({ index: 2, what: `planned bound ${planned} B`, bytes: planned });
  const width = options.width ?? 760;
  const steps = Math.max(1, ...rows.map((row) => row.end));
  const short = (s: string) => (s.length > 32 ? `${s.slice(0, 31)}…` : s);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Arena over time",
    width,
    height: options.height ?? 420,
    background: "white",
    layer: [
      {
        data: { values: rows.map((row) => ({ ...row, short: short(row.label) })) },
        layer: [
          {
            mark: { type: "rect", stroke: "#333", strokeWidth: 0.5, opacity: 0.85 },
            encoding: {
              x: { field: "first", type: "quantitative", title: "step (kernel call)", scale: { domain: [0, steps], nice: false }, axis: { tickMinStep: 1, format: "d" } },
              x2: { field: "end" },
              y: { field: "offset", type: "quantitative", title: "arena offset (bytes)" },
              y2: { field: "top" },
              color: { field: "kind", type: "nominal", title: "buffer", scale: { domain: ["tensor", "scratch"], range: ["#7aa6d6", "#f2b36b"] } },
              tooltip: [
                { field: "label", title: "buffer" },
                { field: "bytes", type: "quantitative" },
                { field: "offset", type: "quantitative" },
                { field: "first", type: "quantitative", title: "first step" },
                { field: "end", type: "quantitative", title: "end step" },
              ],
            },
          },
          {
            transform: [
              { calculate: "(datum.first + datum.end) / 2", as: "mx" },
              { calculate: "(datum.offset + datum.top) / 2", as: "my" },
            ],
            mark: { type: "text", fontSize: 8, limit: 160, color: "#111" },
            encoding: {
              x: { field: "mx", type: "quantitative" },
              y: { field: "my", type: "quantitative" },
              text: { field: "short" },
            },
          },
        ],
      },
      {
        data: { values: lines },
        layer: [
          {
            mark: { type: "rule", strokeWidth: 1.5 },
            encoding: {
              y: { field: "bytes", type: "quantitative" },
              strokeDash: { field: "what", type: "nominal", legend: null },
              color: { value: "#c0392b" },
            },
          },
          ...(["right", "left", "center"] as const).slice(0, lines.length).map((align, i) => ({
            transform: [{ filter: `datum.index == ${i}` }],
            mark: { type: "text" as const, align, dy: i === 0 ? -5 : 11, fontSize: 10, color: "#c0392b" },
            encoding: {
              y: { field: "bytes", type: "quantitative" as const },
              x: { value: [width - 2, 2, width / 2][i]! },
              text: { field: "what" },
            },
          })),
        ],
      },
    ],
  };
}

/** Renders the timeline to a standalone SVG document string. */
export async function memoryTimelineSvg(r: BuildResult, options: TimelineOptions = {}): Promise<string> {
  const { spec } = compile(timelineSpec(r, options));
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
