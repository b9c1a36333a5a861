/**
 * @fileoverview Mote outside its clone: `npm pack`, the tarball installed into an empty folder
 * (through the configured npm registry), then `npx mote --help`, `npx mote compile MODEL
 * --no-firmware` and `npx mote run --target ts` there, on a model this test builds. The install
 * prints no warning (no EBADENGINE, no deprecation; the folder approves esbuild's install script
 * as README.md tells a user to), and the installed front end is used as shipped, not rebuilt.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel, oneOpModel } from "../import/tflite-builder.ts";
import { REPO } from "../support/shared.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-pack-"));
const app = path.join(tmp, "app");

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 300_000, env: { ...process.env, CI: "true" } });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

describe("the npm tarball, installed in an empty folder", () => {
  let install: ReturnType<typeof sh>;

  beforeAll(() => {
    const pack = sh("npm", ["pack", "--pack-destination", tmp], REPO);
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = path.join(tmp, pack.stdout.trim().split("\n").at(-1)!);
    expect(fs.existsSync(tarball), tarball).toBe(true);
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), `${JSON.stringify({ name: "mote-user", private: true, allowScripts: { esbuild: true } }, null, 2)}\n`);
    install = sh("npm", ["install", tarball], app);
  }, 600_000);

  it("installs without a warning", () => {
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toMatch(/EBADENGINE|deprecated|npm warn/i);
  });

  it("ships the precompiled front end and every folder a command reads", () => {
    const pkg = path.join(app, "node_modules", "mote");
    for (const f of ["dist/mote.js", "bin/mote.js", "kernels/add.ts", "runtime/mote_intrinsics.h", "boards", "signal", "server", "compiler/cli/main.ts"]) {
      expect(fs.existsSync(path.join(pkg, f)), f).toBe(true);
    }
    expect(fs.existsSync(path.join(pkg, "test")), "test/ is not shipped").toBe(false);
  });

  it("npx mote --help", () => {
    const before = fs.statSync(path.join(app, "node_modules", "mote", "dist", "mote.js")).mtimeMs;
    const r = sh("npx", ["--no", "--", "mote", "--help"], app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: mote /);
    expect(r.stdout).toMatch(/compile \[options\] <model>/);
    expect(fs.statSync(path.join(app, "node_modules", "mote", "dist", "mote.js")).mtimeMs, "the shipped front end is not rebuilt").toBe(before);
  });

  it("npx mote compile MODEL --no-firmware writes the library and report into ./out", () => {
    fs.writeFileSync(path.join(app, "relu.tflite"), buildModel(oneOpModel({ deprecated: 19, code: 19 }))); // RELU, int8 [1, 4]
    const r = sh("npx", ["--no", "--", "mote", "compile", "relu.tflite", "--no-firmware"], app);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["model.h", "model.c", "mote_intrinsics.h", "report.json", "report.md"]) {
      expect(fs.existsSync(path.join(app, "out", f)), f).toBe(true);
    }
  });

  it("npx mote run --target ts runs the kernels as TypeScript from node_modules", () => {
    // scale 0.5, zero point -3: RELU keeps q >= -3 and raises the rest to -3.
    fs.writeFileSync(path.join(app, "in.bin"), Int8Array.from([-10, -3, 0, 5]));
    const r = sh("npx", ["--no", "--", "mote", "run", "relu.tflite", "--input", "in.bin", "--output", "o.bin", "--target", "ts"], app);
    expect(r.status, r.stderr).toBe(0);
    expect([...new Int8Array(fs.readFileSync(path.join(app, "o.bin")))]).toEqual([-3, -3, 0, 5]);
  });
});
