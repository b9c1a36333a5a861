/**
 * @fileoverview Test helpers for the inference server: a raw HTTP client on node:http (so
 * malformed requests, chunked bodies and early answers can be sent exactly), the golden cases of
 * a model, and latency figures.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import { sharedFile } from "../support/shared.ts";

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Sent {
  method?: string;
  headers?: Record<string, string | number>;
  body?: Uint8Array | string;
  agent?: http.Agent;
}

/** One request; resolves with the status and the parsed JSON answer. */
export function request(url: string, opts: Sent = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "POST", headers: opts.headers, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) });
        } catch {
          reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
        }
      });
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** POST `body` to model `name` (features: ?input=features). */
export function infer(base: string, name: string, body: Uint8Array, opts: { features?: boolean; type?: string; agent?: http.Agent } = {}): Promise<Answer> {
  return request(`${base}/v1/models/${name}:infer${opts.features ? "?input=features" : ""}`, {
    body,
    agent: opts.agent,
    headers: { "Content-Type": opts.type ?? "application/octet-stream" },
  });
}

/** The golden pairs of a model: input_k.bin (features) and output_k.bin as int8 values. */
export function goldenCases(model: string): { k: number; input: Uint8Array; output: number[] }[] {
  const dir = sharedFile("golden", model);
  const ks = fs.readdirSync(dir).map((f) => /^input_(\d+)\.bin$/.exec(f)).filter((m) => m !== null).map((m) => Number(m![1])).sort((a, b) => a - b);
  return ks.map((k) => ({
    k,
    input: new Uint8Array(fs.readFileSync(`${dir}/input_${k}.bin`)),
    output: Array.from(new Int8Array(fs.readFileSync(`${dir}/output_${k}.bin`))),
  }));
}

/** The q-quantile of `values` (nearest rank). */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * `total` requests from `clients` concurrent clients (each its own keep-alive connection), the
 * i-th request made by `make(i)`; returns each request's latency (ms) and the wall time.
 */
export async function load(total: number, clients: number, make: (i: number, agent: http.Agent) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await make(i, agent);
        latencies.push(performance.now() - t);
      }
    } finally {
      agent.destroy();
    }
  }));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Whether a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
