/**
 * @fileoverview The audio front ends through the whole pipeline (lowering, planning, C and WASM
 * emission) agree byte for byte on the ts, wasm and host targets; the stated bound is exact
 * equality (docs/signal.md: every f32 operation is rounded the same way everywhere and the log
 * is subset code). QEMU runs are in targets.full.test.ts.
 *  - kws-mfcc: the front end alone (PCM in, the model's int8 input out) on all three targets,
 *    equal to each other and to golden-frontend; the composed graph
 *    attachAudioFrontEnd(kws_ref_model) on ts and host gives golden-frontend's outputs.
 *  - sww-log-mel: one hop at a time, with the state tensors as extra graph inputs and outputs
 *    (multi-invocation runners are the lead's part): from the TypeScript stream's state at
 *    several hops, each target's next window, pre-emphasis history (f32 bits) and feature window
 *    equal the TypeScript stream's.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { needShared, needTarget, sharedFile } from "../support/shared.ts";
import { callFrontEnd, readWav } from "./audio.ts";

const CLIPS = ["yes", "no", "silence", "noise"] as const;
const TARGETS = ["ts", "wasm", "host"] as const;
const kwsNeed = needShared(
  "models/kws_ref_model.tflite",
  ...CLIPS.flatMap((c) => [`data/audio/${c}_1000ms.wav`, `golden-frontend/kws_${c}_1000ms.features.bin`, `golden-frontend/kws_${c}_1000ms.output.bin`]),
);
const swwNeed = needShared("models/str_ww_ref_model.tflite", "data/audio/short_wav_easy10s.wav");
const tools = Object.fromEntries(TARGETS.map((t) => [t, needTarget(t)]));

const bytesOf = (a: Int16Array | Float32Array | Int8Array): Uint8Array => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

function clipPcm(clip: string): Uint8Array {
  const pcm = new Int16Array(16000);
  pcm.set(readWav(sharedFile(`data/audio/${clip}_1000ms.wav`)).samples.subarray(0, 16000));
  return bytesOf(pcm);
}

describe.skipIf(kwsNeed.skip)("kws-mfcc through the pipeline", () => {
  const graph = kwsNeed.ok ? attachAudioFrontEnd(loadModel(sharedFile("models/kws_ref_model.tflite")), "kws-mfcc") : undefined;
  /** The front end alone: PCM in, the model's input tensor out. */
  const front: Graph | undefined = graph && { ...graph, ops: [graph.ops[0]], outputs: [graph.ops[0].outputs[0]] };
  for (const target of TARGETS) {
    it.skipIf(tools[target].skip)(`features equal golden-frontend on ${target} (all four clips)`, async () => {
      for (const clip of CLIPS) {
        const r = await runModel(front!, [clipPcm(clip)], target);
        const gold = new Uint8Array(fs.readFileSync(sharedFile(`golden-frontend/kws_${clip}_1000ms.features.bin`)));
        expect(Buffer.from(r.outputs[0]).equals(Buffer.from(gold)), `${clip} on ${target}`).toBe(true);
      }
    });
  }
  for (const target of ["wasm", "host"] as const) {
    it.skipIf(tools[target].skip)(`features equal golden-frontend on ${target} in interpreter mode and with --specialize off (yes)`, async () => {
      const gold = fs.readFileSync(sharedFile("golden-frontend/kws_yes_1000ms.features.bin"));
      for (const opts of [{ mode: "interpreter" as const }, { specialize: false }]) {
        const r = await runModel(front!, [clipPcm("yes")], target, opts);
        expect(Buffer.from(r.outputs[0]).equals(gold), `${JSON.stringify(opts)} on ${target}`).toBe(true);
      }
    });
  }
  for (const target of ["ts", "host"] as const) {
    it.skipIf(tools[target].skip)(`the composed graph gives golden-frontend's outputs on ${target}`, async () => {
      for (const clip of CLIPS) {
        const r = await runModel(graph!, [clipPcm(clip)], target);
        const gold = new Uint8Array(fs.readFileSync(sharedFile(`golden-frontend/kws_${clip}_1000ms.output.bin`)));
        expect([...new Int8Array(r.outputs[0].buffer)], `${clip} on ${target}`).toEqual([...new Int8Array(gold.buffer)]);
      }
    });
  }
});

describe.skipIf(swwNeed.skip)("sww-log-mel through the pipeline, hop by hop", () => {
  const graph = swwNeed.ok ? attachAudioFrontEnd(loadModel(sharedFile("models/str_ww_ref_model.tflite")), "sww-log-mel") : undefined;
  const op = graph?.ops[0];
  /** The front end with its state as graph inputs and outputs: [pcm, history, features] -> [window, history, features]. */
  const stepGraph: Graph | undefined = graph && op && { ...graph, ops: [op], inputs: op.inputs, outputs: [op.outputs[0], op.inputs[1], op.inputs[2]] };
  const HOPS = [0, 1, 31, 32, 40, 130, 229, 312];

  /** The TypeScript stream: the state before each hop of HOPS and the three arrays after it. */
  function stream(): Map<number, { pcm: Uint8Array; before: Uint8Array[]; after: Uint8Array[] }> {
    const [call] = lowerGraph({ ...graph!, ops: [op!] })[0].calls;
    const samples = readWav(sharedFile("data/audio/short_wav_easy10s.wav")).samples;
    const pcm = new Int16Array(512);
    const history = new Float32Array(513);
    const features = new Int8Array(1200);
    const window = new Int8Array(1200);
    const tensors = new Map<number, Int16Array | Float32Array | Int8Array>([
      [op!.inputs[0], pcm], [op!.inputs[1], history], [op!.inputs[2], features], [op!.outputs[0], window],
    ]);
    const out = new Map<number, { pcm: Uint8Array; before: Uint8Array[]; after: Uint8Array[] }>();
    for (let h = 0; h <= Math.max(...HOPS); h++) {
      pcm.fill(0);
      pcm.set(samples.subarray(512 * h, 512 * h + 512));
      const before = [bytesOf(history), bytesOf(features)];
      callFrontEnd(call, tensors);
      if (HOPS.includes(h)) out.set(h, { pcm: bytesOf(pcm), before, after: [bytesOf(window), bytesOf(history), bytesOf(features)] });
    }
    return out;
  }

  for (const target of TARGETS) {
    it.skipIf(tools[target].skip)(`${target}: window, f32 history and feature state equal the TypeScript stream at hops ${HOPS.join(", ")}`, async () => {
      const want = stream();
      for (const h of HOPS) {
        const w = want.get(h)!;
        const r = await runModel(stepGraph!, [w.pcm, ...w.before], target);
        r.outputs.forEach((o, k) => expect(Buffer.from(o).equals(Buffer.from(w.after[k])), `hop ${h}, output ${k} on ${target}`).toBe(true));
      }
    });
  }
});
