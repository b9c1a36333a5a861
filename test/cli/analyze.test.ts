/**
 * @fileoverview `mote analyze` and `mote bench` on any model, as a user meets them: a model the
 * test builds (no golden data, outside ../shared) analyzed as text and --json, a model that
 * cannot compile listed whole with exit status 1 and one MOTE6201 line, a missing model, and the
 * bench on a model without golden data (measured on --input or zero points, outputs "not
 * checked"), with golden data given by --golden, and its usage errors.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { fcReluSpec, problemsSpec, writeModel } from "../support/analyze-models.ts";
import { moteIn, type MoteResult } from "../support/cli.ts";
import { needTarget } from "../support/shared.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-analyze-cli-"));

/** In-process (test/support/cli.ts): the command line and output of the process, without its start-up. */
const mote = (...args: string[]) => moteIn(args);

/** Exit 1 and exactly one error line on stderr (progress lines: "•", "[n/N]", indented, "wrote", "report:"). */
function expectOneErrorLine(r: MoteResult, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split("\n").filter((l) => !/^(•|\[|\s|wrote |report: )/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

const model = writeModel(tmp, "fc_relu.tflite", fcReluSpec());

describe("mote analyze", () => {
  it("is listed in mote --help and documents its options", async () => {
    expect((await mote("--help")).stdout).toMatch(/analyze \[options\] <model>/);
    const help = (await mote("analyze", "--help")).stdout;
    for (const o of ["--json", "--board", "--audio", "--plan", "--mode"]) expect(help).toContain(o);
  });

  it("prints the I/O table, the layers, the totals and the fit", async () => {
    const r = await mote("analyze", model);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/output 0 +scores +\[1,4\] +int8 +1 +2 +4/);
    expect(r.stdout).toMatch(/0 +FULLY_CONNECTED +\[1,8\] -> \[1,4\] +32 +48 +4 +\S/);
    expect(r.stdout).toMatch(/total: 2 ops, 32 MACs, 48 B of weights/);
    expect(r.stdout).toMatch(/RAM, arena \+ reserved stack .*: fits/);
  });

  it("--json is one JSON document with the same figures, for another board", async () => {
    const r = await mote("analyze", model, "--json", "--board", "stm32f746g-disco");
    expect(r.status, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a).toMatchObject({ model: "fc_relu.tflite", board: "stm32f746g-disco", compiles: true, problems: [] });
    expect(a.totals.macs).toBe(32);
    expect(a.memory.fit.ram.memory).toBe("dtcm+sram1+sram2");
    expect(a.memory.fit.ram.available_bytes).toBe(320 * 1024);
  });

  it("a model that cannot compile: the whole analysis, every problem, then one MOTE6201 line and exit 1", async () => {
    const bad = writeModel(tmp, "problems.tflite", problemsSpec());
    const r = await mote("analyze", bad);
    expectOneErrorLine(r, /^error MOTE6201: problems\.tflite cannot be compiled as it is: 3 problems: LSTM \(op #1\), CUSTOM:MyOp \(op #2\), HARD_SWISH \(op #3\) \(/);
    expect(r.stdout).toMatch(/op 1 LSTM: .*\n +next step: re-export/);
    expect(r.stdout).toMatch(/op 2 CUSTOM:MyOp: .*custom op 'MyOp'/);
    expect(r.stdout).toMatch(/op 3 HARD_SWISH: .*int16/);
    const j = await mote("analyze", bad, "--json");
    expect(j.status).toBe(1);
    expect(JSON.parse(j.stdout).problems.map((p: { op: number }) => p.op)).toEqual([1, 2, 3]);
  });

  it("a missing model, an unknown board: one line, exit 1", async () => {
    expectOneErrorLine(await mote("analyze", path.join(tmp, "absent.tflite")), /^error MOTE1001: cannot read model file/);
    expectOneErrorLine(await mote("analyze", model, "--board", "pdp11"), /^error MOTE5003: unknown board pdp11/);
  });
});

const qemu = needTarget("qemu");

describe("mote bench on any model", () => {
  it("--input or --golden with several models, and --golden without pairs, are usage errors", async () => {
    const input = path.join(tmp, "in.bin");
    fs.writeFileSync(input, new Uint8Array(8));
    expectOneErrorLine(await mote("bench", model, model, "--input", input), /^error MOTE6008: --input\/--golden and 2 models cannot be combined/);
    const empty = fs.mkdtempSync(path.join(tmp, "golden-"));
    expectOneErrorLine(await mote("bench", model, "--golden", empty, "--no-profile"), /^error MOTE6010: no golden data for model fc_relu/);
  });

  it.skipIf(qemu.skip)("measures a model without golden data and says its outputs were not checked", async () => {
    const out = path.join(tmp, "bench-zero");
    const r = await mote("bench", model, "--config", "codegen+plan+specialize", "--no-profile", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| fc_relu \| codegen\+plan\+specialize \| [\d,]+ \|.*\| not checked \(no golden data\) \|/);
    expect(r.stdout).toContain("Outputs NOT checked against golden (no golden data): fc_relu.");
    const results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
    expect(results.rows[0]).toMatchObject({ model: "fc_relu", bit_exact: null, measured_on: "all zero points", inputs_checked: [] });
    expect(results.rows[0].instructions).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(out, "report.html"))).toBe(true);
  }, 300_000);

  it.skipIf(qemu.skip)("measures on --input, and checks every golden pair of --golden", async () => {
    const input = path.join(tmp, "features.bin");
    fs.writeFileSync(input, new Uint8Array([1, 2, 3, 4, 250, 251, 252, 253]));
    // The golden output of that input is what the TS reference computes.
    const ref = path.join(tmp, "ref.bin");
    const run = await mote("run", model, "--input", input, "--output", ref, "--target", "ts");
    expect(run.status, run.stderr).toBe(0);
    const golden = fs.mkdtempSync(path.join(tmp, "golden-"));
    fs.copyFileSync(input, path.join(golden, "input_0.bin"));
    fs.copyFileSync(ref, path.join(golden, "output_0.bin"));
    const out = path.join(tmp, "bench-golden");
    const r = await mote("bench", model, "--config", "codegen+plan+specialize", "--no-profile", "--out", out, "--golden", golden, "--input", input);
    expect(r.status, r.stderr).toBe(0);
    const row = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")).rows[0];
    expect(row).toMatchObject({ bit_exact: true, measured_on: "features.bin", inputs_checked: [0], mismatches: [] });
    // A wrong golden output fails the bench (MOTE5015) after writing the results.
    fs.writeFileSync(path.join(golden, "output_0.bin"), new Uint8Array(4).fill(9));
    expectOneErrorLine(await mote("bench", model, "--config", "codegen+plan+specialize", "--no-profile", "--out", out, "--golden", golden),
      /^error MOTE5015: bench outputs differ from golden: fc_relu codegen\+plan\+specialize: output differs from golden on input\(s\) 0/);
  }, 300_000);
});
