/**
 * @fileoverview sww-log-mel streamed through the real multi-invocation runners
 * (compiler/run/targets.ts runInvocations: one instance, the arena and so the variable state
 * tensors kept between invocations): short_wav_easy10s.wav, 313 hops of 512 samples (the last
 * one zero-padded).
 *  - the front end alone, on ts, wasm and host: after hop h >= 1 the window's newest row is
 *    golden-frontend's frame h - 1 (all 311 frames), and the targets' windows are identical;
 *  - the composed graph (front end + str_ww_ref_model) on ts, wasm and host: identical scores,
 *    and the benchmark rule (P(marvin) > 0.95, one per second) finds two detections.
 * targets.full.test.ts runs the composed stream on QEMU.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { runInvocations } from "../../compiler/run/targets.ts";
import { needShared, needTarget, sharedFile } from "../support/shared.ts";
import { detections, hops } from "./audio.ts";

const TARGETS = ["ts", "wasm", "host"] as const;
const need = needShared("models/str_ww_ref_model.tflite", "data/audio/short_wav_easy10s.wav", "golden-frontend/sww_short_wav_easy10s.features.bin");
const tools = Object.fromEntries(TARGETS.map((t) => [t, needTarget(t)]));

describe.skipIf(need.skip)("sww-log-mel streamed with runInvocations", () => {
  const model = need.ok ? loadModel(sharedFile("models/str_ww_ref_model.tflite")) : undefined;
  const graph = model && attachAudioFrontEnd(model, "sww-log-mel");
  const front: Graph | undefined = graph && { ...graph, ops: [graph.ops[0]], outputs: [graph.ops[0].outputs[0]] };
  const windows = new Map<string, Uint8Array[]>();
  const scores = new Map<string, number[]>();

  for (const target of TARGETS) {
    it.skipIf(tools[target].skip)(`${target}: the front end's windows follow golden-frontend frame by frame`, async () => {
      const r = await runInvocations(front!, hops(sharedFile("data/audio/short_wav_easy10s.wav")), target);
      const gold = new Uint8Array(fs.readFileSync(sharedFile("golden-frontend/sww_short_wav_easy10s.features.bin")));
      const frames = gold.length / 40;
      for (let h = 1; h <= frames; h++) {
        expect(Buffer.from(r.outputs[h][0].subarray(1160)).equals(Buffer.from(gold.subarray(40 * (h - 1), 40 * h))), `hop ${h}`).toBe(true);
      }
      windows.set(target, r.outputs.map((o) => o[0]));
      const ref = windows.get("ts");
      if (ref && target !== "ts") expect(windows.get(target)!.every((w, h) => Buffer.from(w).equals(Buffer.from(ref[h])))).toBe(true);
    });
  }

  for (const target of TARGETS) {
    it.skipIf(tools[target].skip)(`${target}: the composed graph's scores; two detections at P > 0.95`, async () => {
      const r = await runInvocations(graph!, hops(sharedFile("data/audio/short_wav_easy10s.wav")), target);
      const s = r.outputs.map((o) => new Int8Array(o[0].buffer, o[0].byteOffset, 3)[0]);
      scores.set(target, s);
      expect(detections(s, 115).length).toBe(2);
      const ref = scores.get("ts");
      if (ref && target !== "ts") expect(s).toEqual(ref);
    });
  }
});
