/**
 * @fileoverview Golden-output checks shared by the model tests: run a shared model on a target
 * over some golden inputs and list the inputs whose output differs from TFLite Micro's.
 */
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel, type RunOptions, type Target } from "../../compiler/run/targets.ts";
import { readBytes, sameBytes, sharedFile } from "./shared.ts";

/**
 * Runs `graph` on `target` for golden inputs `samples` of shared model `model` and returns the
 * samples whose output differs from TFLite Micro's (golden/<model>/output_k.bin). On qemu every
 * run must also report an instruction count.
 */
export async function goldenMismatches(
  graph: Graph, model: string, samples: readonly number[], target: Target, opts: RunOptions = {},
): Promise<number[]> {
  const mismatches: number[] = [];
  for (const k of samples) {
    const input = readBytes(sharedFile("golden", model, `input_${k}.bin`));
    const { outputs, instructions } = await runModel(graph, [input], target, opts);
    if (!sameBytes(outputs[0], readBytes(sharedFile("golden", model, `output_${k}.bin`)))) mismatches.push(k);
    if (target === "qemu" && !(instructions! > 0)) throw new Error(`${model} input_${k} on qemu reported no instruction count`);
  }
  return mismatches;
}
