/**
 * @fileoverview `--kernels DIR` (compiler/ops/user-kernels.ts) and `mote test-kernel`: the custom-op
 * sample (samples/custom-op: CONV_2D -> CUSTOM ClipScale -> SOFTMAX, built by its script) runs
 * bit-exact on ts, wasm and host in codegen and interpreter modes; a RELU override
 * (test/fixtures/user-kernels/relu-override) passes test-kernel (ts == wasm == host, both modes,
 * == Mote's builtin RELU); a planted bug (relu-buggy) is caught with its reproducer; the error
 * paths (a throwing lowering, a subset violation with file:line:col, an unknown custom op without
 * --kernels (MOTE1010), a name clash, no OPCODES) are one-line MOTE errors; Mote's own registry is untouched.
 * QEMU: user-kernels.full.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";
import { importTflite, loadModel } from "../../compiler/import/tflite/import.ts";
import { buildFresh } from "../../compiler/pipeline.ts";
import { buildModel } from "../import/tflite-builder.ts";
import { LOWERINGS, lowerGraph } from "../../compiler/ops/index.ts";
import { loadUserKernels } from "../../compiler/ops/user-kernels.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { checkFiles } from "../../compiler/subset/program.ts";
import { testKernel } from "../../compiler/cli/test-kernel.ts";
import { analyzeFile } from "../../compiler/cli/analyze.ts";
import { writeCustomOpModel } from "../../samples/custom-op/build_model.ts";
import { REPO, needTarget } from "../support/shared.ts";

const SAMPLE_KERNELS = path.join(REPO, "samples/custom-op/kernels");
const FIXTURES = path.join(REPO, "test/fixtures/user-kernels");
const host = needTarget("host");

async function moteErrorOf(f: () => Promise<unknown>): Promise<MoteError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof MoteError) return e;
    throw e;
  }
  throw new Error("expected a MoteError, got success");
}

function sampleModel(): string {
  return writeCustomOpModel(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mote-custom-op-")), "clip_scale.tflite"));
}

describe("--kernels: the custom-op sample", () => {
  it("imports the custom op with its options and lowers it to the user's kernel", async () => {
    const graph = loadModel(sampleModel());
    expect(graph.ops[1].opcode).toBe("CUSTOM:ClipScale");
    expect(Array.from(graph.ops[1].customOptions ?? [])).toHaveLength(12);
    const kernels = await loadUserKernels(SAMPLE_KERNELS);
    const lowered = lowerGraph(graph, { kernels });
    expect(lowered[1].calls[0].kernel).toBe(path.join(SAMPLE_KERNELS, "clip_scale"));
    expect(lowered[1].calls[0].params).toMatchObject({ lo: -100, hi: 90 });
    // Without --kernels: MOTE1010 (a custom op), and Mote's registry never saw the user's op.
    expect((await moteErrorOf(async () => lowerGraph(graph))).code).toBe(1010);
    expect(Object.hasOwn(LOWERINGS, "CUSTOM:ClipScale")).toBe(false);
  });

  it.skipIf(host.skip)("runs bit-exact on ts, wasm and host, codegen and interpreter", async () => {
    const graph = loadModel(sampleModel());
    const kernels = await loadUserKernels(SAMPLE_KERNELS);
    const input = Uint8Array.from({ length: 64 }, (_, i) => (i * 89 + 7) & 0xff);
    const ref = (await runModel(graph, [input], "ts", { kernels })).outputs[0];
    expect(ref.some((b) => b !== ref[0])).toBe(true);
    for (const mode of ["codegen", "interpreter"] as const) {
      for (const target of ["ts", "wasm", "host"] as const) {
        const out = (await runModel(graph, [input], target, { mode, kernels })).outputs[0];
        expect(Buffer.from(out).equals(Buffer.from(ref)), `${target} ${mode}`).toBe(true);
      }
    }
  });
});

describe("--kernels on the commands", () => {
  it("mote analyze --kernels: no problem, the custom op's row; without it the next step names --kernels", async () => {
    const model = sampleModel();
    const kernels = await loadUserKernels(SAMPLE_KERNELS);
    const flags = { plan: "search", mode: "codegen" as const, board: "qemu-mps2-an500" };
    const ok = analyzeFile(model, { ...flags, kernels });
    expect(ok.error).toBeUndefined();
    expect(JSON.stringify(ok.analysis)).toContain("CUSTOM:ClipScale");
    const refused = analyzeFile(model, flags);
    expect(refused.error?.code).toBe(6201);
    expect(JSON.stringify(refused.analysis)).toContain("--kernels DIR");
  });
});

describe("mote test-kernel", () => {
  it.skipIf(host.skip)("passes the RELU override: ts == wasm == host (both modes) == Mote's builtin", async () => {
    const r = await testKernel(path.join(FIXTURES, "relu-override/relu.ts"), { runs: 6, seed: 7 });
    expect(r.cases).toBe(6);
    expect(r.compared).toEqual(["Mote's builtin", "ts interpreter", "wasm codegen", "host codegen", "wasm interpreter", "host interpreter"]);
  });

  it("finds the planted bug and prints the reproducer", async () => {
    const e = await moteErrorOf(() => testKernel(path.join(FIXTURES, "relu-buggy/relu.ts"), { runs: 10, seed: 3 }));
    expect(e.code).toBe(6709);
    expect(e.message).toMatch(/relu\.ts: Mote's builtin disagrees with the user's kernel on case \d+ \(seed \d+\): RELU input \[[\d,]+\] record \{"size":\d+,.*output byte \d+ is 127 vs 126 \(--seed 3 --runs 10\)/);
  });
});

describe("--kernels: an override of a builtin", () => {
  it("keeps Mote's in-place hooks off the user's calls; Mote's relu.ts (RELU6) and the user's (RELU) in one build", async () => {
    const q = { scale: [0.5], zeroPoint: [-3] };
    const tensor = (name: string) => ({ shape: [1, 64], type: 9, name, quant: q });
    const graph = importTflite(buildModel({
      opcodes: [{ deprecated: 19, code: 19 }, { deprecated: 21, code: 21 }],
      buffers: [{}],
      subgraphs: [{
        tensors: [tensor("in"), tensor("a"), tensor("b"), tensor("out")], inputs: [0], outputs: [3],
        ops: [0, 1, 2].map((i) => ({ opcodeIndex: i === 1 ? 1 : 0, inputs: [i], outputs: [i + 1] })),
      }],
    }), "relu_relu6_relu");
    const kernels = await loadUserKernels(path.join(FIXTURES, "relu-override"));
    expect(buildFresh(graph, {}).inPlaceNotes?.some((n) => n.includes("RELU"))).toBe(true);
    const user = buildFresh(graph, { kernels });
    expect(user.inPlaceNotes?.some((n) => n.includes("op 0") || n.includes("op 2")) ?? false).toBe(false);
    expect(user.lowered.map((l) => [l.user ?? false, path.basename(l.calls[0].kernel)])).toEqual([[true, "relu"], [false, "relu"], [true, "relu"]]);
    const input = Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 5) & 0xff);
    const ref = (await runModel(graph, [input], "ts", { kernels })).outputs[0];
    expect(Buffer.from(ref).equals(Buffer.from((await runModel(graph, [input], "ts")).outputs[0]))).toBe(true);
    for (const mode of ["codegen", "interpreter"] as const) {
      const out = (await runModel(graph, [input], "wasm", { mode, kernels })).outputs[0];
      expect(Buffer.from(out).equals(Buffer.from(ref)), mode).toBe(true);
    }
  });
});

describe("--kernels errors", () => {
  it("a lowering that throws: MOTE6705 naming the file", async () => {
    const kernels = await loadUserKernels(path.join(FIXTURES, "bad-lowering"));
    const graph = loadModel(sampleModel());
    const e = await moteErrorOf(async () => lowerGraph(graph, { kernels }));
    expect(e.code).toBe(6705);
    expect(e.message).toContain("thrower.lower.ts failed on op 1 (CUSTOM:ClipScale): cannot read properties of undefined");
  });

  it("a subset violation in a user kernel: MOTE2902 with file:line:col; mote check lists it", async () => {
    const kernels = await loadUserKernels(path.join(FIXTURES, "bad-subset"));
    const graph = loadModel(sampleModel());
    const e = await moteErrorOf(async () => runModel(graph, [new Uint8Array(64)], "wasm", { kernels }));
    expect(e.code).toBe(2902);
    expect(e.message).toMatch(/bad-subset\/clip_scale\.ts:14:1: .*MOTE2001/);
    const diags = checkFiles([path.join(FIXTURES, "bad-subset/clip_scale.ts")]);
    expect(diags.map((d) => d.code)).toEqual([2001]);
  });

  it("a lowering that does not load, two lowerings of one opcode, a call of a missing entry: MOTE6702, 6707, 6706", async () => {
    const api = JSON.stringify(path.join(REPO, "compiler/ops/api.ts"));
    const folder = (files: Record<string, string>): string => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-user-kernels-"));
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      return dir;
    };
    const kernel = "export interface CopyParams { size: i32 }\nexport function copy(p: CopyParams, input: Int8Array, output: Int8Array): void {}\n";
    const lowering = (fn: string) => `import { kernelCall, INPUT_OUTPUT_SLOTS } from ${api};\n` +
      `export const OPCODES = { "CUSTOM:ClipScale": (g: unknown, op: { inputs: number[]; outputs: number[] }) => [kernelCall("copy", "${fn}", INPUT_OUTPUT_SLOTS, { size: 1 }, { input: { kind: "tensor", tensor: op.inputs[0] }, output: { kind: "tensor", tensor: op.outputs[0] } }, 0)] };\n`;
    expect((await moteErrorOf(() => loadUserKernels(folder({ "x.lower.ts": "export const OPCODES = {{;" })))).code).toBe(6702);
    expect((await moteErrorOf(() => loadUserKernels(folder({ "copy.ts": kernel, "a.lower.ts": lowering("copy"), "b.lower.ts": lowering("copy") })))).code).toBe(6707);
    const kernels = await loadUserKernels(folder({ "copy.ts": kernel, "copy.lower.ts": lowering("kopy") }));
    const e = await moteErrorOf(async () => lowerGraph(loadModel(sampleModel()), { kernels }));
    expect(e.code).toBe(6706);
    expect(e.message).toContain("copy.ts exports no function kopy");
  });

  it("a kernel named as Mote's own, no OPCODES, no folder: MOTE6704, 6703, 6701", async () => {
    expect((await moteErrorOf(() => loadUserKernels(path.join(FIXTURES, "name-clash")))).code).toBe(6704);
    expect((await moteErrorOf(() => loadUserKernels(path.join(FIXTURES, "no-opcodes")))).code).toBe(6703);
    expect((await moteErrorOf(() => loadUserKernels(path.join(FIXTURES, "absent")))).code).toBe(6701);
  });
});
