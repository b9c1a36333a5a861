/**
 * @fileoverview The inference server (server/) for real, on loopback: ad01_int8, vww_96_int8 and
 * kws_ref_model (with its MFCC front end) built once, 1,000 requests from 8 concurrent clients
 * bit-exact with the golden outputs (TFLite Micro's), a PNG and a WAV as a device would send
 * them, every kind of malformed request with its 4xx followed by a correct answer, a crashed
 * model process restarted, and no process left after close(). The load figure (requests per
 * second, p50/p99) is printed, not asserted. More models and `mote serve` as a command: the
 * full test.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/server.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { decodeImage } from "../../compiler/inputs/image.ts";
import { imageInput } from "../../compiler/inputs/preprocess.ts";
import { decodeWav } from "../../compiler/inputs/wav.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { needModels, needShared, needTarget, sharedFile } from "../support/shared.ts";
import { alive, goldenCases, infer, load, quantile, request } from "./client.ts";

const MODELS = ["ad01_int8", "vww_96_int8", "kws_ref_model"];
const need = [needModels(...MODELS), needShared("data/images/astronaut.png", "data/audio/yes_1000ms.wav"), needTarget("host")];
const skip = need.some((n) => n.skip);
const MAX_BODY = 1 << 20;

describe.skipIf(skip)("inference server on loopback", () => {
  let server: RunningServer;
  let base: string;
  const golden = new Map<string, ReturnType<typeof goldenCases>>();

  beforeAll(async () => {
    server = await startServer(MODELS, { maxBodyBytes: MAX_BODY });
    base = server.url;
    for (const m of MODELS) golden.set(m, goldenCases(m));
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  /** A good request and its check: the next answer after each bad one must still be right. */
  async function stillCorrect(): Promise<void> {
    const c = golden.get("ad01_int8")![3];
    const r = await infer(base, "ad01_int8", c.input);
    expect(r.status).toBe(200);
    expect(r.json.output.values).toEqual(c.output);
  }

  it("health, readiness and the model list", async () => {
    expect((await request(`${base}/healthz`, { method: "GET" })).status).toBe(200);
    const ready = await request(`${base}/readyz`, { method: "GET" });
    expect([ready.status, ready.json.status]).toEqual([200, "ready"]);
    const list = await request(`${base}/v1/models`, { method: "GET" });
    expect(list.json.models.map((m: { name: string }) => m.name)).toEqual(MODELS);
    expect(list.json.models[2].frontEnd).toBe("kws-mfcc");
  });

  it("1,000 requests from 8 concurrent clients, every answer bit-exact with the golden output", async () => {
    const cases = MODELS.flatMap((m) => golden.get(m)!.map((c) => ({ model: m, ...c })));
    const wrong: string[] = [];
    const compute: number[] = [];
    const { latencies, seconds } = await load(1000, 8, async (i, agent) => {
      const c = cases[i % cases.length];
      const r = await infer(base, c.model, c.input, { features: true, agent });
      compute.push(r.json.computeMs);
      if (r.status !== 200 || JSON.stringify(r.json.output.values) !== JSON.stringify(c.output)) wrong.push(`${c.model} input_${c.k}: ${r.status} ${r.json.error ?? ""}`);
    });
    expect(wrong).toEqual([]);
    expect(latencies.length).toBe(1000);
    console.log(`[server load] 1,000 requests (${MODELS.join(", ")}, golden features), 8 clients: ${(1000 / seconds).toFixed(0)} requests/s, p50 ${quantile(latencies, 0.5).toFixed(2)} ms, p99 ${quantile(latencies, 0.99).toFixed(2)} ms (server compute p50 ${quantile(compute, 0.5).toFixed(2)} ms)`);
  }, 120_000);

  it("a PNG photo as a device sends it: the golden output of input_8 (astronaut.png), and the same pixels as raw RGB", async () => {
    const png = new Uint8Array(fs.readFileSync(sharedFile("data/images/astronaut.png")));
    const want = golden.get("vww_96_int8")!.find((c) => c.k === 8)!.output;
    const r = await infer(base, "vww_96_int8", png, { type: "image/png" });
    expect([r.status, r.json.input, r.json.output.values]).toEqual([200, "image", want]);
    expect(r.json.label).toBe("person");
    expect(r.json.computeNs).toBeGreaterThan(0);
    // The same photo cropped and resized on the device: 96 x 96 x 3 raw RGB bytes, the same answer.
    const pixels = imageInput(server.models.get("vww_96_int8")!.graph, decodeImage(png, "astronaut.png")).pixels.rgb;
    expect(pixels.length).toBe(96 * 96 * 3);
    const raw = await infer(base, "vww_96_int8", pixels);
    expect(raw.json.output.values).toEqual(want);
    expect([raw.status, raw.json.input]).toEqual([200, "rgb"]);
  });

  it("a WAV and its raw PCM through the MFCC front end: the TypeScript reference's answer, 'yes'", async () => {
    const wav = new Uint8Array(fs.readFileSync(sharedFile("data/audio/yes_1000ms.wav")));
    const samples = decodeWav(wav, "yes").samples;
    const pcm = new Uint8Array(32000);
    pcm.set(new Uint8Array(samples.buffer, samples.byteOffset, Math.min(samples.byteLength, 32000)));
    const ref = await runModel(attachAudioFrontEnd(loadModel(sharedFile("models/kws_ref_model.tflite")), "kws-mfcc"), [pcm], "ts");
    const want = Array.from(new Int8Array(ref.outputs[0].buffer, ref.outputs[0].byteOffset, ref.outputs[0].length));
    const a = await infer(base, "kws_ref_model", wav, { type: "audio/wav" });
    const b = await infer(base, "kws_ref_model", pcm);
    expect([a.status, a.json.input, a.json.label, a.json.output.values]).toEqual([200, "wav", "yes", want]);
    expect([b.status, b.json.input, b.json.output.values]).toEqual([200, "pcm", want]);
  }, 60_000);

  const bad: [string, () => Promise<{ status: number; json: any }>, number][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ["wrong size (features)", () => infer(base, "ad01_int8", new Uint8Array(639)), 400],
    ["wrong size (PCM)", () => infer(base, "kws_ref_model", new Uint8Array(31998)), 400],
    ["wrong content type", () => request(`${base}/v1/models/ad01_int8:infer`, { body: "{}", headers: { "Content-Type": "application/json" } }), 415],
    ["garbage bytes for an image model", () => infer(base, "vww_96_int8", new Uint8Array(1234).fill(7)), 400],
    ["an undecodable PNG", () => infer(base, "vww_96_int8", new Uint8Array(fs.readFileSync(sharedFile("data/images/astronaut.png"))).subarray(0, 300), { type: "image/png" }), 400],
    ["an undecodable WAV", () => infer(base, "kws_ref_model", new Uint8Array([...Buffer.from("RIFF\x10\x00\x00\x00WAVEjunk"), 1, 2, 3]), { type: "audio/wav" }), 400],
    ["an unknown model", () => infer(base, "no_such_model", new Uint8Array(10)), 404],
    ["an unknown path", () => request(`${base}/v2/whatever`, { method: "GET" }), 404],
    ["a wrong method", () => request(`${base}/v1/models/ad01_int8:infer`, { method: "GET" }), 405],
    ["a wrong method on /healthz", () => request(`${base}/healthz`, { method: "DELETE" }), 405],
    ["a malformed URL", () => request(`${base}/v1/models/%E0%A4%A:infer`, { body: new Uint8Array(640) }), 400],
    ["a bad input= value", () => request(`${base}/v1/models/ad01_int8:infer?input=pixels`, { body: new Uint8Array(640) }), 400],
    ["a body over the limit (Content-Length)", () => infer(base, "ad01_int8", new Uint8Array(MAX_BODY + 1)), 413],
  ];
  for (const [kind, send, status] of bad) {
    it(`${kind}: ${status} with a one-line reason, then a correct answer`, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      expect(typeof r.json.error).toBe("string");
      expect(r.json.error).not.toContain("\n");
      await stillCorrect();
    });
  }

  it("a chunked body over the limit: 413 while it streams in, before the client has sent it all", async () => {
    const r = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request(`${base}/v1/models/ad01_int8:infer`, { method: "POST", headers: { "Transfer-Encoding": "chunked" } }, (res) => {
        answered = true;
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, sent }));
      });
      req.on("error", (e) => (answered ? undefined : reject(e)));
      const chunk = new Uint8Array(64 * 1024);
      const pump = (): void => {
        if (answered || sent > 16 * MAX_BODY) return void req.end();
        sent += chunk.length;
        req.write(chunk, () => setTimeout(pump, 1));
      };
      pump();
    });
    expect(r.status).toBe(413);
    expect(r.sent).toBeLessThan(16 * MAX_BODY);
    await stillCorrect();
  });

  it("a model that is not ready: 503 with the reason, and /readyz says so", async () => {
    const m = server.models.get("ad01_int8")!;
    m.ready = false;
    try {
      const r = await infer(base, "ad01_int8", golden.get("ad01_int8")![0].input);
      expect([r.status, r.json.error]).toEqual([503, "model ad01_int8 is not ready"]);
      const ready = await request(`${base}/readyz`, { method: "GET" });
      expect([ready.status, ready.json.models]).toEqual([503, ["ad01_int8"]]);
    } finally {
      m.ready = true;
    }
    await stillCorrect();
  });

  it("a model process that dies is restarted, and the next request is answered correctly", async () => {
    const worker = server.models.get("ad01_int8")!.features.worker;
    const pid = worker.pid!;
    const starts = worker.starts;
    process.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
    await stillCorrect();
    expect(worker.starts).toBe(starts + 1);
    expect(worker.pid).not.toBe(pid);
  });

  it("startServer refuses bad settings before building anything: MOTE6501 (port in use), 6502, 6503", async () => {
    await expect(startServer(["ad01_int8"], { port: server.port })).rejects.toThrow(/cannot listen on 127.0.0.1 port \d+: EADDRINUSE/);
    await expect(startServer(["ad01_int8"], { audio: { kws_ref_model: "kws-mfcc" } })).rejects.toThrow(/MOTE6502|not among the served models/);
    await expect(startServer(["ad01_int8", sharedFile("models/ad01_int8.tflite")])).rejects.toThrow(/two served models are named ad01_int8/);
  });

  it("close() finishes in-flight requests and leaves no model process behind", async () => {
    const pids = [...server.models.values()].flatMap((m) => [m.features.worker.pid, m.raw?.worker.pid]).filter((p): p is number => p !== undefined);
    expect(pids.length).toBe(4);
    const c = golden.get("vww_96_int8")![0];
    const before = server.received();
    const inFlight = infer(base, "vww_96_int8", c.input, { features: true });
    // Close once the server has the request (a fixed delay races a loaded machine: a connection
    // whose request has not arrived yet is idle, and close() drops idle connections).
    const deadline = Date.now() + 10_000;
    while (server.received() === before && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(server.received()).toBe(before + 1);
    await server.close();
    expect((await inFlight).json.output.values).toEqual(c.output);
    expect(pids.filter(alive)).toEqual([]);
    await expect(request(`${base}/healthz`, { method: "GET" })).rejects.toThrow();
  });
});
