/**
 * @fileoverview User kernels on QEMU (a full test: firmware builds and QEMU runs): the custom-op
 * sample's model in codegen and interpreter modes equals the TypeScript reference; `mote
 * test-kernel --qemu` passes the sample's ClipScale kernel and the RELU override through the CLI
 * (ts == wasm == host == qemu, both modes; the override also == Mote's builtin RELU); and the
 * planted bug exits 1 with one MOTE6709 line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { loadUserKernels } from "../../compiler/ops/user-kernels.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { runProcess } from "../../compiler/toolchain/exec.ts";
import { writeCustomOpModel } from "../../samples/custom-op/build_model.ts";
import { REPO, needTarget } from "../support/shared.ts";

const qemu = needTarget("qemu");
const host = needTarget("host");
const SAMPLE_KERNELS = path.join(REPO, "samples/custom-op/kernels");
const mote = (...args: string[]) => runProcess("node", [path.join(REPO, "bin", "mote.js"), ...args], { cwd: REPO, timeoutMs: 600_000 });

describe.skipIf(qemu.skip || host.skip)("user kernels on QEMU", () => {
  it("the custom-op sample runs bit-exact on qemu, codegen and interpreter", async () => {
    const model = writeCustomOpModel(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mote-custom-op-")), "clip_scale.tflite"));
    const graph = loadModel(model);
    const kernels = await loadUserKernels(SAMPLE_KERNELS);
    const input = Uint8Array.from({ length: 64 }, (_, i) => (i * 131 + 3) & 0xff);
    const ref = (await runModel(graph, [input], "ts", { kernels })).outputs[0];
    for (const mode of ["codegen", "interpreter"] as const) {
      const r = await runModel(graph, [input], "qemu", { mode, kernels });
      expect(Buffer.from(r.outputs[0]).equals(Buffer.from(ref)), mode).toBe(true);
      expect(r.instructions).toBeGreaterThan(0);
    }
  });

  it("mote test-kernel --qemu passes the sample's kernel and the RELU override", async () => {
    const a = await mote("test-kernel", "samples/custom-op/kernels/clip_scale.ts", "--qemu", "--runs", "8");
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain("clip_scale.ts: 8 random cases agree on ts, ts interpreter, wasm codegen, host codegen, qemu codegen, wasm interpreter, host interpreter, qemu interpreter");
    const b = await mote("test-kernel", "test/fixtures/user-kernels/relu-override/relu.ts", "--qemu", "--runs", "8", "--seed", "11");
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain("Mote's builtin");
  });

  it("--kernels on compile, run, validate and bench through the CLI", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-custom-op-cli-"));
    const model = writeCustomOpModel(path.join(dir, "clip_scale.tflite"));
    const input = path.join(dir, "in.bin");
    fs.writeFileSync(input, Uint8Array.from({ length: 64 }, (_, i) => (i * 29 + 1) & 0xff));
    const k = ["--kernels", "samples/custom-op/kernels"];
    const c = await mote("compile", model, ...k, "--out", path.join(dir, "build"));
    expect(c.code, c.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, "build", "model.c"), "utf8")).toContain("user_clip_scale_0(");
    const outs: Buffer[] = [];
    for (const mode of ["codegen", "interpreter"]) {
      const out = path.join(dir, `out_${mode}.bin`);
      const r = await mote("run", model, ...k, "--mode", mode, "--input", input, "--output", out);
      expect(r.code, r.stderr).toBe(0);
      outs.push(fs.readFileSync(out));
    }
    expect(outs[0].equals(outs[1])).toBe(true);
    const v = await mote("validate", model, ...k, "--input", input, "--expect", path.join(dir, "out_codegen.bin"));
    expect(v.code, v.stderr).toBe(0);
    const b = await mote("bench", model, ...k, "--mode", "codegen", "--no-profile", "--out", path.join(dir, "bench"));
    expect(b.code, b.stderr).toBe(0);
    const none = await mote("run", model, "--input", input, "--output", path.join(dir, "x.bin"));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error MOTE1010: .*'ClipScale' \(op #1\)/);
  });

  it("mote test-kernel on the planted bug exits 1 with one MOTE6709 line", async () => {
    const r = await mote("test-kernel", "test/fixtures/user-kernels/relu-buggy/relu.ts");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error MOTE6709: test-kernel relu\.ts: Mote's builtin disagrees with the user's kernel on case \d+ \(seed \d+\)/);
  });
});
