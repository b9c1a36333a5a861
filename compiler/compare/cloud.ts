/**
 * @fileoverview The cloud side of `mote compare`, measured: a client that sends a model's
 * payload to a running inference server (server/, `POST /v1/models/<name>:infer`) as a device
 * would (raw PCM, raw RGB, features) N times, one request after another on one keep-alive
 * connection, and reports the median round trip on the client and the server's own times.
 * It uses the global fetch (compiler/ never imports http: the CLI starts the server, this
 * module only talks to its URL).
 */
import { fail } from "../diagnostics.ts";

export interface Timing {
  requests: number;
  /** Client round trip on loopback, median, seconds. */
  roundTripS: number;
  /** The server's handler time (body, decoding, model, JSON), median, seconds. */
  serverS: number;
  /** Time inside mote_invoke() on the server's host build, median, seconds. */
  computeS: number;
  /** The label of the last answer (where the model has labels). */
  label?: string;
}

export interface CloudTimings {
  raw: Timing;
  features?: Timing;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Sends `body` `n` times (after one warm-up request) and times them. */
export async function timeRequests(base: string, model: string, body: Uint8Array, n: number, features: boolean): Promise<Timing> {
  const url = `${base}/v1/models/${encodeURIComponent(model)}:infer${features ? "?input=features" : ""}`;
  const trips: number[] = [];
  const server: number[] = [];
  const compute: number[] = [];
  let label: string | undefined;
  for (let i = 0; i <= n; i++) {
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", body: body as Uint8Array<ArrayBuffer>, headers: { "Content-Type": "application/octet-stream" } });
    } catch (e) {
      return fail(6405, model, url, (e as Error).message);
    }
    const answer = (await res.json().catch(() => ({}))) as { error?: string; serverMs?: number; computeMs?: number; label?: string };
    const ms = performance.now() - started;
    if (!res.ok) fail(6405, model, url, `HTTP ${res.status}: ${answer.error ?? "no JSON answer"}`);
    if (i === 0) continue; // warm-up: first request on the connection
    trips.push(ms / 1000);
    server.push((answer.serverMs ?? 0) / 1000);
    compute.push((answer.computeMs ?? 0) / 1000);
    label = answer.label;
  }
  return { requests: n, roundTripS: median(trips), serverS: median(server), computeS: median(compute), ...(label ? { label } : {}) };
}

/** Times the raw payload and, when given, the features payload of one model. */
export async function measureCloud(base: string, model: string, raw: Uint8Array, features: Uint8Array | undefined, n: number): Promise<CloudTimings> {
  const rawTiming = await timeRequests(base, model, raw, n, false);
  return { raw: rawTiming, ...(features ? { features: await timeRequests(base, model, features, n, true) } : {}) };
}
