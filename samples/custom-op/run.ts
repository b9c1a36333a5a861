/**
 * @fileoverview `npm run sample:custom-op`: a model with a TFLite CUSTOM op, end to end. Builds
 * the model (build_model.ts: CONV_2D -> CUSTOM "ClipScale" -> SOFTMAX), property-tests the
 * user's kernel (kernels/clip_scale.ts) with `mote test-kernel`'s engine (TypeScript == WASM ==
 * host C, codegen and interpreter), then runs the model on the simulated Cortex-M7 (QEMU
 * mps2-an500) in both modes and checks the outputs against the TypeScript reference byte for byte.
 *
 *   npm run sample:custom-op [-- --runs N] [-- --target host]
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { loadUserKernels } from "../../compiler/ops/user-kernels.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { testKernel } from "../../compiler/cli/test-kernel.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { writeCustomOpModel } from "./build_model.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const KERNELS = path.join(HERE, "kernels");

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "20" }, target: { type: "string", default: "qemu" } } });
  const model = writeCustomOpModel(path.join(REPO, "out", "custom-op", "clip_scale.tflite"));
  console.log(`1. built ${path.relative(process.cwd(), model)} (CONV_2D -> CUSTOM "ClipScale" -> SOFTMAX)`);

  const t = await testKernel(path.join(KERNELS, "clip_scale.ts"), { runs: Number(values.runs) });
  console.log(`2. mote test-kernel kernels/clip_scale.ts: ${t.cases} random ClipScale ops agree on ts, ${t.compared.join(", ")}`);

  const kernels = await loadUserKernels(KERNELS);
  const graph = loadModel(model);
  const input = Uint8Array.from({ length: 64 }, (_, i) => (i * 89 + 7) & 0xff);
  const reference = (await runModel(graph, [input], "ts", { kernels })).outputs[0];
  const target = values.target as Target;
  for (const mode of ["codegen", "interpreter"] as const) {
    const r = await runModel(graph, [input], target, { mode, kernels });
    const same = Buffer.from(r.outputs[0]).equals(Buffer.from(reference));
    const figures = r.instructions !== undefined ? `, ${r.instructions.toLocaleString("en-US")} instructions, ${r.stackBytes} B of stack` : "";
    console.log(`3. ${target} (${mode}): ${same ? "bit-exact with the TypeScript reference" : "DIFFERS from the TypeScript reference"}${figures}`);
    if (!same) process.exitCode = 1;
  }
  const probs = Array.from(reference.slice(0, 4), (b) => (((b << 24) >> 24) + 128) / 256);
  console.log(`   pixel (0, 0): class probabilities ${probs.map((p) => p.toFixed(3)).join(" ")}`);
}

try {
  await main();
} catch (e) {
  if (!(e instanceof MoteError)) throw e;
  console.error(e.oneLine());
  process.exit(1);
}
