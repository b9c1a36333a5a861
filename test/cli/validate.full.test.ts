/**
 * @fileoverview `mote validate` on every target, qemu included (the CLI itself, spawned): the PNG
 * on vww_96_int8 agrees on ts, wasm, host and qemu and matches golden output_8; the WAV on
 * kws_ref_model through --audio kws-mfcc answers "yes" on all four; a wrong --expect exits 1 with
 * one MOTE6305 line naming the output; each of the five shared models on its golden input_0 agrees
 * on the four targets and matches golden output_0 exactly.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MODEL_NAMES, REPO, needModels, needTarget, sharedFile } from "../support/shared.ts";

function mote(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin", "mote.js"), ...args], { encoding: "utf8", timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const need = needModels("vww_96_int8", "kws_ref_model");
const qemu = needTarget("qemu");
describe.skipIf(need.skip || qemu.skip)("mote validate on ts, wasm, host and qemu", () => {
  it("a PNG on vww_96_int8 matches golden output_8 on every target", () => {
    const r = mote("validate", sharedFile("models", "vww_96_int8.tflite"), "--input", sharedFile("data", "images", "astronaut.png"),
      "--expect", sharedFile("golden", "vww_96_int8", "output_8.bin"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ts, wasm, host, qemu agree byte for byte/);
    expect(r.stdout).toMatch(/vs expected: 2\/2 exact/);
  }, 600_000);

  it("a WAV through kws-mfcc answers yes on every target", () => {
    const r = mote("validate", sharedFile("models", "kws_ref_model.tflite"), "--audio", "kws-mfcc", "--input", sharedFile("data", "audio", "yes_1000ms.wav"), "--json");
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.targets).toEqual(["ts", "wasm", "host", "qemu"]);
    expect(j.report[0].top[0].index).toBe(9);
  }, 600_000);

  it("a wrong --expect exits 1 naming the output", () => {
    const wrong = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mote-validate-full-")), "wrong.bin");
    fs.writeFileSync(wrong, new Uint8Array(2).fill(0x55));
    const r = mote("validate", sharedFile("models", "vww_96_int8.tflite"), "--input", sharedFile("golden", "vww_96_int8", "input_8.bin"), "--expect", wrong, "--targets", "ts,qemu");
    expect(r.status).toBe(1);
    const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("error"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/MOTE6305: output 0 \(Identity_int8\)/);
  }, 600_000);
});

const all = needModels(...MODEL_NAMES);
describe.skipIf(all.skip || qemu.skip)("mote validate on the five shared models", () => {
  it.each(MODEL_NAMES)("%s: golden input_0 agrees on every target and equals golden output_0", (name) => {
    const r = mote("validate", sharedFile("models", `${name}.tflite`), "--input", sharedFile("golden", name, "input_0.bin"),
      "--expect", sharedFile("golden", name, "output_0.bin"), "--json");
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.targets).toEqual(["ts", "wasm", "host", "qemu"]);
    for (const out of j.report) expect(out.expect.exact, name).toBe(out.expect.elements);
  }, 600_000);
});
