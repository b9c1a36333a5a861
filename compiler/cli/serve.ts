/**
 * @fileoverview `mote serve MODEL... [--port N] [--host ADDR] [--audio NAME=PRESET] [--max-body
 * BYTES]`: the inference server of server/ (the compiler itself never imports http: only this
 * command, at the top layer, loads server/). Builds every model once (progress on stderr),
 * prints the URL on stdout, and on SIGINT/SIGTERM stops accepting, finishes the requests in
 * flight, ends the model processes and exits 0.
 */
import { fail } from "../diagnostics.ts";
import { parseCount } from "./counts.ts";
import { checkUserFile, READ_AS } from "../files.ts";

export interface ServeFlags {
  port?: string;
  host?: string;
  audio?: string[];
  maxBody?: string;
}

/** `--audio NAME=PRESET` values as a map; MOTE6005 for another shape. */
export function parseAudioMap(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const v of values) {
    const m = /^([^=]+)=([\w-]+)$/.exec(v);
    if (!m) fail(6005, "--audio", "NAME=PRESET (a served model's name and a front end, or none)", v);
    map[m[1]] = m[2];
  }
  return map;
}

export async function serveCommand(models: string[], flags: ServeFlags): Promise<void> {
  const port = flags.port === undefined ? 8080 : /^\d+$/.test(flags.port) && Number(flags.port) <= 65535 ? Number(flags.port) : fail(6005, "--port", "a port number from 0 to 65535 (0: any free port)", flags.port);
  const maxBodyBytes = flags.maxBody === undefined ? undefined : parseCount("--max-body", flags.maxBody);
  const audio = parseAudioMap(flags.audio ?? []);
  for (const m of models) if (m.endsWith(".tflite") || m.includes("/")) checkUserFile(m, READ_AS.model);
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`• ${signal}: finishing the requests in flight, stopping the model processes\n`);
    // Before the server runs, the model processes end on their own when stdin closes with us.
    void (stop ?? (async () => {}))().then(() => process.exit(0));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  const { startServer } = await import("../../server/server.ts");
  const server = await startServer(models, { port, host: flags.host ?? "127.0.0.1", audio, maxBodyBytes, progress: (line) => process.stderr.write(`${line}\n`) });
  stop = server.close;
  if (stopping) return void (await server.close(), process.exit(0));
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`• serving ${[...server.models.keys()].join(", ")}: POST ${server.url}/v1/models/<name>:infer; GET /healthz, /readyz, /v1/models; Ctrl-C stops\n`);
  await new Promise<never>(() => {}); // until a signal
}
