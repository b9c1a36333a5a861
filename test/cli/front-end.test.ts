/**
 * @fileoverview The command line as a person meets it, apart from what each command computes:
 *  - the precompiled front end (bin/bundle.js -> dist/mote.js) holds main.ts and light modules
 *    only: no op file, no subset front end, no build, no runner (so --help loads no compiler);
 *  - every command's --help shows its defaults as values (never "(default: [])") and names no
 *    internal document or ../shared path; no diagnostic's message or hint does either;
 *  - off a terminal the progress of long steps prints nothing new (pipes stay clean), and
 *    compiler/cli/progress.ts animates only on a terminal outside CI;
 *  - --out is a directory on every command: run --out DIR writes DIR/output_<k>.bin, profile
 *    --out DIR writes DIR/profile.txt; --output FILE is a file, and profile's old-style
 *    --out FILE.txt still the file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS, type DiagnosticInfo } from "../../compiler/diagnostics.ts";
import { interactive } from "../../compiler/cli/progress.ts";
import { buildModel, oneOpModel } from "../import/tflite-builder.ts";
import { mote as moteProcess, moteIn } from "../support/cli.ts";
import { REPO, needTarget } from "../support/shared.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-front-"));

/** The real process (bin/mote.js, the precompiled front end): its own tests and the pipes of progress. */
const spawned = (...args: string[]) => moteProcess(args);
/** Everything else runs the same command line in-process (test/support/cli.ts). */
const mote = (...args: string[]) => moteIn(args);

const COMMANDS = ["compile", "analyze", "flash", "serial-log", "validate", "run", "bench", "profile", "serve", "check", "compare", "test-kernel"];
/** What no output may name: the project's internal documents, its shared-data folder as a path. */
const INTERNAL = /GUIDE|SPEED\.md|\bissue\s*\d|\.\.\/shared/;

describe("the precompiled front end", () => {
  it("is built from main.ts and light modules only", () => {
    expect(spawned("--version").status).toBe(0);
    const inputs = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO, "dist", "mote.inputs.json"), "utf8")));
    expect(inputs).toContain("compiler/cli/main.ts");
    const heavy = inputs.filter((f) => /^compiler\/(ops\/index|pipeline|subset\/|build\/index|emit\/|run\/(targets|ts)|import\/|toolchain\/(host|firmware)|report\/report)/.test(f));
    expect(heavy).toEqual([]);
    // A command module (one exporting xCommand) is loaded by its action (cmd.x() in main.ts), never imported.
    const commands = inputs.filter((f) => f.startsWith("compiler/cli/") && /export (async )?function \w+Command\b/.test(fs.readFileSync(path.join(REPO, f), "utf8")));
    expect(commands).toEqual([]);
    expect(fs.statSync(path.join(REPO, "dist", "mote.js")).size).toBeLessThan(200_000);
  });

  it("prints the version of package.json", () => {
    const version = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version;
    expect(spawned("--version").stdout.trim()).toBe(version);
  });
});

describe("--help", () => {
  it.each(COMMANDS)("mote %s --help shows defaults as values and no internal names", async (command) => {
    const r = await mote(command, "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: mote ${command} `));
    expect(r.stdout).not.toContain("(default: [])");
    expect(r.stdout).not.toMatch(INTERNAL);
  });

  it("shows fixed and worked-out defaults alike", async () => {
    const help = (await mote("compile", "--help")).stdout.replace(/\s+/g, " ");
    expect(help).toContain('--out <dir> directory to write the library, firmware and report into (default: "out")');
    expect(help).toMatch(/--runs <n> real boards: inferences the firmware times \(default: 5\)/);
    expect(help).toMatch(/--input <file> .* \(default: every element its zero point\)/);
  });

  it("mote --help lists every command", async () => {
    const r = await mote("--help");
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
  });
});

describe("diagnostics name no internal document", () => {
  it.each(Object.entries(DIAGNOSTICS) as [string, DiagnosticInfo][])("MOTE%s", (_, info) => {
    expect(info.message).not.toMatch(INTERNAL);
    expect(info.hint ?? "").not.toMatch(INTERNAL);
  });
});

describe("progress", () => {
  it("animates only on a terminal outside CI", () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const ci = process.env.CI;
    try {
      delete process.env.CI;
      expect(interactive(tty)).toBe(process.env.TERM !== "dumb");
      expect(interactive({ isTTY: false } as NodeJS.WriteStream)).toBe(false);
      process.env.CI = "true";
      expect(interactive(tty)).toBe(false);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
  });

  it("prints nothing off a terminal for a step it adds (mote run)", () => {
    const model = path.join(tmp, "relu.tflite");
    fs.writeFileSync(model, buildModel(oneOpModel({ deprecated: 19, code: 19 })));
    fs.writeFileSync(path.join(tmp, "in.bin"), new Uint8Array(4));
    const r = spawned("run", model, "--input", path.join(tmp, "in.bin"), "--output", path.join(tmp, "out.bin"), "--target", "ts");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
  });
});

describe("run: --out DIR or --output FILE", () => {
  const model = path.join(tmp, "relu-run.tflite");
  fs.writeFileSync(model, buildModel(oneOpModel({ deprecated: 19, code: 19 }))); // scale 0.5, zero point -3
  const input = path.join(tmp, "run-in.bin");
  fs.writeFileSync(input, Int8Array.from([-10, -3, 0, 5]));

  it("--out DIR writes DIR/output_0.bin", async () => {
    const dir = path.join(tmp, "run-out");
    const r = await mote("run", model, "--input", input, "--out", dir, "--target", "ts");
    expect(r.status, r.stderr).toBe(0);
    expect([...new Int8Array(fs.readFileSync(path.join(dir, "output_0.bin")))]).toEqual([-3, -3, 0, 5]);
  });

  it("--out with --output is MOTE6008; neither is MOTE6007, which names --out", async () => {
    const both = await mote("run", model, "--input", input, "--out", tmp, "--output", path.join(tmp, "x.bin"), "--target", "ts");
    expect(both.status).toBe(1);
    expect(both.stderr.trim()).toMatch(/^error MOTE6008: --out and --output cannot be combined/);
    const neither = await mote("run", model, "--input", input, "--target", "ts");
    expect(neither.status).toBe(1);
    expect(neither.stderr.trim()).toMatch(/^error MOTE6007: .*--out DIR/);
  });
});

const qemu = needTarget("qemu");

describe.skipIf(qemu.skip)("profile: --out DIR, --output FILE", () => {
  const model = path.join(tmp, "relu-profile.tflite");
  fs.writeFileSync(model, buildModel(oneOpModel({ deprecated: 19, code: 19 })));

  it("--out DIR writes DIR/profile.txt (profile.json with --json)", async () => {
    const dir = path.join(tmp, "profile-out");
    expect((await mote("profile", model, "--out", dir)).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "profile.txt"), "utf8")).toMatch(/instructions/i);
    expect((await mote("profile", model, "--out", dir, "--json")).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "profile.json"), "utf8"))).toBeTypeOf("object");
  });

  it("--output FILE writes the file, and so does the old --out FILE.txt", async () => {
    const file = path.join(tmp, "p1.txt");
    expect((await mote("profile", model, "--output", file)).status).toBe(0);
    expect(fs.statSync(file).isFile()).toBe(true);
    const old = path.join(tmp, "p2.txt");
    expect((await mote("profile", model, "--out", old)).status).toBe(0);
    expect(fs.statSync(old).isFile()).toBe(true);
  });

  it("--out with --output is MOTE6008", async () => {
    const r = await mote("profile", model, "--out", tmp, "--output", path.join(tmp, "x.txt"));
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error MOTE6008: --out and --output cannot be combined/);
  });
});
