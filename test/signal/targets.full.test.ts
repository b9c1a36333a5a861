/**
 * @fileoverview The audio front ends on the simulated Cortex-M7 (QEMU, `npm run test:full`):
 * kws-mfcc features and the composed kws graph's outputs equal golden-frontend; sww-log-mel hops
 * equal the TypeScript stream (as in targets.test.ts) and, streamed over the whole 10 s file in one
 * QEMU run, golden-frontend's 311 frames; the whole file through front end + str_ww_ref_model in
 * one QEMU run (runInvocations). Prints the instructions per call.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { runInvocations, runModel } from "../../compiler/run/targets.ts";
import { needShared, needTarget, sharedFile } from "../support/shared.ts";
import { detections, hops, readWav } from "./audio.ts";

const CLIPS = ["yes", "no", "silence", "noise"] as const;
const need = needShared("models/kws_ref_model.tflite", "models/str_ww_ref_model.tflite", "data/audio", "golden-frontend");
const qemu = needTarget("qemu");

describe.skipIf(need.skip || qemu.skip)("audio front ends on the Cortex-M7 (QEMU)", () => {
  it("kws-mfcc: features and the composed graph's outputs equal golden-frontend", async () => {
    const graph = attachAudioFrontEnd(loadModel(sharedFile("models/kws_ref_model.tflite")), "kws-mfcc");
    const front: Graph = { ...graph, ops: [graph.ops[0]], outputs: [graph.ops[0].outputs[0]] };
    for (const clip of CLIPS) {
      const pcm = new Int16Array(16000);
      pcm.set(readWav(sharedFile(`data/audio/${clip}_1000ms.wav`)).samples.subarray(0, 16000));
      const input = new Uint8Array(pcm.buffer);
      const f = await runModel(front, [input], "qemu");
      expect(Buffer.from(f.outputs[0]).equals(fs.readFileSync(sharedFile(`golden-frontend/kws_${clip}_1000ms.features.bin`))), clip).toBe(true);
      const r = await runModel(graph, [input], "qemu");
      expect(Buffer.from(r.outputs[0]).equals(fs.readFileSync(sharedFile(`golden-frontend/kws_${clip}_1000ms.output.bin`))), clip).toBe(true);
      console.log(`kws ${clip}: front end ${f.instructions} instructions, front end + model ${r.instructions}`);
    }
  });

  it("sww-log-mel: one hop from zero state equals the ts target", async () => {
    const graph = attachAudioFrontEnd(loadModel(sharedFile("models/str_ww_ref_model.tflite")), "sww-log-mel");
    const op = graph.ops[0];
    const step: Graph = { ...graph, ops: [op], inputs: op.inputs, outputs: [op.outputs[0], op.inputs[1], op.inputs[2]] };
    const samples = readWav(sharedFile("data/audio/short_wav_easy10s.wav")).samples;
    let state: Uint8Array[] = [new Uint8Array(513 * 4), new Uint8Array(1200)];
    let instructions = 0;
    for (let h = 30; h < 34; h++) {
      const pcm = new Uint8Array(samples.slice(512 * h, 512 * h + 512).buffer);
      const ts = await runModel(step, [pcm, ...state], "ts");
      const m7 = await runModel(step, [pcm, ...state], "qemu");
      m7.outputs.forEach((o, k) => expect(Buffer.from(o).equals(Buffer.from(ts.outputs[k])), `hop ${h} output ${k}`).toBe(true));
      state = ts.outputs.slice(1);
      instructions = m7.instructions ?? 0;
    }
    console.log(`sww-log-mel: ${instructions} instructions per hop`);
  });
});

describe.skipIf(need.skip || qemu.skip)("sww-log-mel + str_ww_ref_model streamed on the Cortex-M7 (QEMU)", () => {
  it("the front end alone, 313 hops in one QEMU run: after hop h the window's newest row is golden-frontend's frame h - 1", async () => {
    const graph = attachAudioFrontEnd(loadModel(sharedFile("models/str_ww_ref_model.tflite")), "sww-log-mel");
    const front: Graph = { ...graph, ops: [graph.ops[0]], outputs: [graph.ops[0].outputs[0]] };
    const r = await runInvocations(front, hops(sharedFile("data/audio/short_wav_easy10s.wav")), "qemu");
    const gold = new Uint8Array(fs.readFileSync(sharedFile("golden-frontend/sww_short_wav_easy10s.features.bin")));
    for (let h = 1; h <= gold.length / 40; h++) {
      expect(Buffer.from(r.outputs[h][0].subarray(1160)).equals(Buffer.from(gold.subarray(40 * (h - 1), 40 * h))), `hop ${h}`).toBe(true);
    }
  });

  it("313 hops in one QEMU run: the scores equal the ts target's, two detections at P > 0.95", async () => {
    const model = loadModel(sharedFile("models/str_ww_ref_model.tflite"));
    const graph = attachAudioFrontEnd(model, "sww-log-mel");
    const invocations = hops(sharedFile("data/audio/short_wav_easy10s.wav"));
    const m7 = await runInvocations(graph, invocations, "qemu");
    const ts = await runInvocations(graph, invocations, "ts");
    const score = (o: Uint8Array[]): number => new Int8Array(o[0].buffer, o[0].byteOffset, 3)[0];
    expect(m7.outputs.map(score)).toEqual(ts.outputs.map(score));
    expect(detections(m7.outputs.map(score), 115).length).toBe(2);
    const per = m7.instructions ?? [];
    console.log(`front end + model per hop: ${Math.min(...per)}..${Math.max(...per)} instructions (${per.length} hops)`);
  });
});
