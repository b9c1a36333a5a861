/**
 * @fileoverview (full test) The inference server with all five MLPerf Tiny models: 1,000
 * requests from 8 concurrent clients over every golden input of every model, bit-exact; the
 * photos each image model's golden input_8/input_9 were made from (PNG bytes in, golden out);
 * str_ww_ref_model streamed from a WAV (1 s: 31 hops of 512 samples, one request) against the
 * TypeScript reference run hop by hop. Load figures are printed, not asserted.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/server.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { decodeWav } from "../../compiler/inputs/wav.ts";
import { runInvocations } from "../../compiler/run/targets.ts";
import { needModels, needShared, needTarget, sharedFile } from "../support/shared.ts";
import { alive, goldenCases, infer, load, quantile } from "./client.ts";

const MODELS = ["ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_int8"];
const PHOTOS: [string, number, string][] = [
  ["vww_96_int8", 8, "astronaut.png"], ["vww_96_int8", 9, "coffee.png"],
  ["pretrainedResnet_quant", 8, "chelsea.png"], ["pretrainedResnet_quant", 9, "coffee.png"],
];
const need = [needModels(...MODELS), needShared("data/images", "data/audio/marvin_617de221_0.wav"), needTarget("host")];
const skip = need.some((n) => n.skip);

describe.skipIf(skip)("inference server, all five models", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(MODELS);
  }, 300_000);

  afterAll(async () => {
    const pids = server ? [...server.models.values()].flatMap((m) => [m.features.worker.pid, m.raw?.worker.pid]).filter((p): p is number => p !== undefined) : [];
    await server?.close();
    expect(pids.filter(alive)).toEqual([]);
  });

  it("1,000 requests from 8 clients over every golden input of every model, all bit-exact", async () => {
    const cases = MODELS.flatMap((m) => goldenCases(m).map((c) => ({ model: m, ...c })));
    const wrong: string[] = [];
    const { latencies, seconds } = await load(1000, 8, async (i, agent) => {
      const c = cases[i % cases.length];
      const r = await infer(server.url, c.model, c.input, { features: true, agent });
      if (r.status !== 200 || JSON.stringify(r.json.output.values) !== JSON.stringify(c.output)) wrong.push(`${c.model} input_${c.k}: ${r.status} ${r.json.error ?? ""}`);
    });
    expect(wrong).toEqual([]);
    console.log(`[server load] 1,000 requests over the five models' golden inputs, 8 clients: ${(1000 / seconds).toFixed(0)} requests/s, p50 ${quantile(latencies, 0.5).toFixed(2)} ms, p99 ${quantile(latencies, 0.99).toFixed(2)} ms`);
  }, 300_000);

  for (const [model, k, photo] of PHOTOS) {
    it(`${model}: ${photo} as PNG bytes gives golden output_${k}`, async () => {
      const want = goldenCases(model).find((c) => c.k === k)!.output;
      const r = await infer(server.url, model, new Uint8Array(fs.readFileSync(sharedFile("data/images", photo))), { type: "image/png" });
      expect([r.status, r.json.output.values]).toEqual([200, want]);
    });
  }

  it("str_ww_ref_model: 1 s of a WAV, 31 hops in one request, as the TypeScript reference streams them", async () => {
    const wav = new Uint8Array(fs.readFileSync(sharedFile("data/audio/marvin_617de221_0.wav")));
    const samples = decodeWav(wav, "marvin").samples;
    const pcm = new Uint8Array(32000);
    pcm.set(new Uint8Array(samples.buffer, samples.byteOffset, Math.min(samples.byteLength, 32000)));
    const hops = Array.from({ length: 31 }, (_, n) => [pcm.slice(n * 1024, (n + 1) * 1024)]);
    const graph = attachAudioFrontEnd(loadModel(sharedFile("models/str_ww_ref_model.tflite")), "sww-log-mel");
    const ref = await runInvocations(graph, hops, "ts");
    const want = ref.outputs.map((o) => Array.from(new Int8Array(o[0].buffer, o[0].byteOffset, o[0].length)));
    const r = await infer(server.url, "str_ww_ref_model", pcm);
    expect([r.status, r.json.invocations, r.json.droppedSamples]).toEqual([200, 31, 128]);
    expect(r.json.perInvocation).toEqual(want);
    expect(r.json.output.values).toEqual(want[30]);
    // Each request is its own stream: the same request again, the same answers.
    const again = await infer(server.url, "str_ww_ref_model", pcm);
    expect(again.json.perInvocation).toEqual(want);
    // Whole hops only (here 3), or 1 s.
    const three = await infer(server.url, "str_ww_ref_model", pcm.subarray(0, 3 * 1024));
    expect(three.json.perInvocation).toEqual(want.slice(0, 3));
    expect((await infer(server.url, "str_ww_ref_model", pcm.subarray(0, 1000))).status).toBe(400);
  }, 120_000);
});
