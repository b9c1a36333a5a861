/**
 * @fileoverview The inference server (Node's http): `startServer(models, options)` builds every
 * model once (server/models.ts), starts its persistent host processes and listens.
 *   POST /v1/models/<name>:infer   the raw sensor payload (or `?input=features`); JSON answer:
 *                                  output tensor(s) as int8 values and dequantized floats, the
 *                                  label and top-k where the model has labels, compute time
 *   GET  /v1/models                the models, their payloads and I/O
 *   GET  /healthz                  alive (200 while the process runs)
 *   GET  /readyz                   200 when every model is built and its processes run, else 503
 * A bad request is a 4xx with a one-line JSON `{"error": ...}` (400 payload, 404 unknown model or
 * path, 405 method, 413 body over the limit, counted while it streams in, 415 content type); a
 * model process that crashes or hangs is a 503 and is restarted on the next request. close()
 * stops accepting, finishes the requests in flight and ends every model process.
 */
import * as http from "node:http";
import { fail } from "../compiler/diagnostics.ts";
import type { AddressInfo } from "node:net";
import { dequantize, integers, topK } from "../compiler/inputs/quant.ts";
import { modelIo } from "../compiler/ir/io.ts";
import { RequestError, resolveModel, ServedModel, type ModelOptions } from "./models.ts";
import { WorkerError } from "./worker.ts";

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Largest request body in bytes (default 8 MiB). */
  maxBodyBytes?: number;
  /** Front end per model name (`--audio NAME=PRESET`; "none" for none). */
  audio?: Record<string, string>;
  progress?: (line: string) => void;
  /** A model process not answering a request within this is killed (default 30 s). */
  timeoutMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  models: Map<string, ServedModel>;
  /** Requests received since the start (answered or not). */
  received(): number;
  /** Stops accepting, finishes in-flight requests, ends the model processes. */
  close(): Promise<void>;
}

const CONTENT_TYPES = new Set(["application/octet-stream", "audio/wav", "audio/wave", "audio/x-wav", "image/png", "image/jpeg", "image/bmp"]);

/** Imports the models, listens, then builds each model and starts its processes; resolves when all are ready. */
export async function startServer(specs: string[], options: ServerOptions = {}): Promise<RunningServer> {
  const models = new Map<string, ServedModel>();
  const say = options.progress ?? (() => {});
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const names = new Map(specs.map((spec) => [resolveModel(spec).name, spec]));
  for (const [i, spec] of specs.entries()) {
    const name = resolveModel(spec).name;
    const other = specs.findIndex((s, j) => j !== i && resolveModel(s).name === name);
    if (other >= 0) fail(6503, name, specs[Math.min(i, other)], specs[Math.max(i, other)]);
  }
  for (const name of Object.keys(options.audio ?? {})) if (!names.has(name)) fail(6502, name, [...names.keys()].join(", "));
  for (const spec of specs) {
    const opts: ModelOptions = { progress: say, timeoutMs: options.timeoutMs };
    const model = new ServedModel(spec, { ...opts, audio: options.audio?.[resolveModel(spec).name] });
    models.set(model.name, model);
  }
  let inFlight = 0;
  let received = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    inFlight++;
    received++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    handle(req, res).catch((e) => {
      if (e instanceof RequestError) return reply(res, e.status, { error: e.message });
      if (e instanceof WorkerError) return reply(res, 503, { error: e.message });
      reply(res, 500, { error: `internal error: ${e instanceof Error ? e.message : String(e)}` });
    });
  });
  server.keepAliveTimeout = 5000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (closing) res.setHeader("Connection", "close");
    let url: URL;
    let pathname: string;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
      pathname = decodeURIComponent(url.pathname);
    } catch {
      throw new RequestError(400, `malformed URL: ${JSON.stringify(req.url).slice(0, 200)}`);
    }
    const only = (method: string): void => {
      if (req.method !== method) {
        res.setHeader("Allow", method);
        throw new RequestError(405, `${req.method} is not allowed on ${pathname} (${method} only)`);
      }
    };
    if (pathname === "/healthz") return only("GET"), reply(res, 200, { status: "alive" });
    if (pathname === "/readyz") {
      only("GET");
      const notReady = [...models.values()].filter((m) => !m.ready).map((m) => m.name);
      return reply(res, closing || notReady.length ? 503 : 200, closing ? { status: "shutting down" } : notReady.length ? { status: "not ready", models: notReady } : { status: "ready" });
    }
    if (pathname === "/v1/models") return only("GET"), reply(res, 200, { models: [...models.values()].map(describeModel) });
    const m = /^\/v1\/models\/([^/:]+)(:infer)?$/.exec(pathname);
    if (!m) throw new RequestError(404, `no such path: ${pathname}`);
    const model = models.get(m[1]);
    if (!model) throw new RequestError(404, `unknown model '${m[1]}' (served: ${[...models.keys()].join(", ")})`);
    if (!m[2]) return only("GET"), reply(res, 200, describeModel(model));
    only("POST");
    const input = url.searchParams.get("input") ?? req.headers["x-mote-input"];
    if (input !== null && input !== undefined && input !== "features" && input !== "raw") throw new RequestError(400, `input=${String(input)}: use features or raw`);
    const type = (req.headers["content-type"] ?? "application/octet-stream").split(";")[0].trim().toLowerCase();
    if (!CONTENT_TYPES.has(type)) throw new RequestError(415, `content type ${type} is not a payload type (${[...CONTENT_TYPES].join(", ")})`);
    const started = process.hrtime.bigint();
    const body = await readBody(req, res, maxBody);
    if (!model.ready) throw new WorkerError(`model ${model.name} is not ready`);
    const job = model.payload(body, input === "features");
    const answer = await job.served.worker.run(job.invocations, job.reset);
    if (answer.status !== 0) throw new WorkerError(`mote_invoke() returned status ${answer.status}`);
    const last = answer.outputs[answer.outputs.length - 1];
    const outputs = model.outputs.map((t, k) => ({ name: t.name, shape: t.shape, dtype: t.dtype, values: integers(t, last[k]), dequantized: t.quant ? dequantize(t, last[k]) : undefined }));
    const first = outputs[0];
    const scores = first.dequantized ?? first.values;
    const top = model.labels ? topK(scores, Math.min(3, scores.length)).map((i) => ({ index: i, label: model.labels![i] ?? `class ${i}`, score: scores[i] })) : undefined;
    const serverNs = Number(process.hrtime.bigint() - started);
    reply(res, 200, {
      model: model.name,
      input: job.kind,
      invocations: job.invocations.length,
      ...(job.droppedSamples ? { droppedSamples: job.droppedSamples } : {}),
      output: outputs.length === 1 ? outputs[0] : undefined,
      outputs: outputs.length > 1 ? outputs : undefined,
      ...(answer.outputs.length > 1 ? { perInvocation: answer.outputs.map((o) => integers(model.outputs[0], o[0])) } : {}),
      ...(top ? { label: top[0].label, top } : {}),
      computeNs: answer.computeNs,
      computeMs: answer.computeNs / 1e6,
      serverMs: serverNs / 1e6,
    });
  }

  // Listen first (a port in use fails before any build; /healthz answers and /readyz says 503
  // while the models build), then build each model and start its processes.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  }).catch((e: NodeJS.ErrnoException) => fail(6501, options.host ?? "127.0.0.1", options.port ?? 0, e.code ?? e.message));
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  say(`• listening on ${url}; building ${models.size} model(s), /readyz answers 200 when they are ready`);
  try {
    for (const model of models.values()) await model.build();
  } catch (e) {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await Promise.all([...models.values()].map((m) => m.dispose()));
    throw e;
  }
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    models,
    received: () => received,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (inFlight > 0) await Promise.race([new Promise<void>((r) => (drained = r)), new Promise((r) => setTimeout(r, 10_000).unref())]);
        server.closeAllConnections();
        await stopped;
        await Promise.all([...models.values()].map((m) => m.dispose()));
      })()),
  };
}

function describeModel(m: ServedModel): object {
  const io = modelIo(m.graph);
  return {
    name: m.name,
    ready: m.ready,
    frontEnd: m.audio ?? null,
    payloads: m.describe(),
    labels: m.labels ?? null,
    inputs: io.inputs,
    outputs: io.outputs,
  };
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The request body, counted while it streams in: over `max` bytes (by Content-Length up front or
 * by the bytes received) is a 413 at once, the connection closed after the answer, nothing more
 * read or kept.
 */
function readBody(req: http.IncomingMessage, res: http.ServerResponse, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      req.removeAllListeners("data");
      req.pause();
      res.setHeader("Connection", "close");
      res.once("finish", () => setTimeout(() => req.socket.destroy(), 50).unref());
      reject(new RequestError(413, `request body over the limit of ${max} bytes`));
    };
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (declared > max) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (d: Buffer) => {
      size += d.length;
      if (size > max) return tooLarge();
      chunks.push(d);
    });
    req.once("end", () => resolve(new Uint8Array(Buffer.concat(chunks, size))));
    req.once("error", (e) => reject(new RequestError(400, `request body: ${e.message}`)));
  });
}
