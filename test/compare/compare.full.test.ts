/**
 * @fileoverview (full test) `mote compare ad01_int8 --link all` end to end: QEMU measures the
 * device side, the command starts its own inference server on loopback, times it and stops it
 * (no model process left behind), prints the table for every link and option, and writes
 * compare.json (every figure with its source) and compare.html (three inline SVG plots).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../compiler/paths.ts";
import { needModels, needTarget } from "../support/shared.ts";

const MOTE = path.join(REPO_ROOT, "bin", "mote.js");
const need = [needModels("ad01_int8"), needTarget("qemu"), needTarget("host")];

/** Pids of processes running a server model build (server/models.ts: mote-serve-<model>-* dirs). */
function servePids(): Set<string> {
  const r = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return new Set(r.stdout.split("\n").filter((l) => l.includes("mote-serve-ad01_int8")).map((l) => l.trim().split(/\s+/)[0]));
}

describe.skipIf(need.some((n) => n.skip))("mote compare end to end", () => {
  it("ad01_int8 over every link: table, compare.json, compare.html, server stopped", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "mote-compare-"));
    const before = servePids();
    const r = spawnSync(process.execPath, [MOTE, "compare", "ad01_int8", "--link", "all", "--requests", "3", "--out", out], { encoding: "utf8", timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("starting the inference server");
    expect(r.stderr).toContain("stopping the inference server");
    for (const link of ["ble", "wifi", "lte-m", "nb-iot"]) expect(r.stdout).toMatch(new RegExp(`^  ${link}\\s+device`, "m"));
    expect(r.stdout).toMatch(/break-even/);
    expect(r.stdout).toMatch(/MLPerf Tiny: DISCO-F746NG/);

    const report = JSON.parse(fs.readFileSync(path.join(out, "compare.json"), "utf8"));
    expect(report.board.name).toBe("stm32f746g-disco");
    const m = report.models[0];
    expect(m.model).toBe("ad01_int8");
    expect(m.measured.modelInstructions).toBeGreaterThan(100_000);
    expect(m.cloud.raw.requests).toBe(3);
    expect(m.cloud.raw.roundTripS).toBeGreaterThan(0);
    expect(m.links.map((l: { link: string }) => l.link)).toEqual(["ble", "wifi", "lte-m", "nb-iot"]);
    for (const l of m.links) {
      expect(l.options.map((o: { option: string }) => o.option)).toEqual(["device", "result", "features", "raw"]);
      for (const o of l.options) expect(o.energyJ).toBeGreaterThan(0);
    }
    expect(report.figures.every((f: { figure: { source: string } }) => f.figure.source.length > 0)).toBe(true);

    const html = fs.readFileSync(path.join(out, "compare.html"), "utf8");
    expect(html.match(/<svg/g)?.length).toBe(3);
    expect(html).not.toMatch(/<script/);

    const after = servePids();
    expect([...after].filter((p) => !before.has(p))).toEqual([]);
    fs.rmSync(out, { recursive: true, force: true });
  }, 600_000);
});
