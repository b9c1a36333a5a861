/**
 * @fileoverview server/worker.ts against stand-in model processes (shell scripts speaking the
 * boards/host/serve.c protocol badly): a process that dies mid-request, one that never answers,
 * one whose hello does not match its program. Each request fails with a WorkerError (the server's
 * 503) instead of hanging, the next request starts a new process, and close() leaves none.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HostWorker, WorkerError } from "../../server/worker.ts";
import { alive } from "./client.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-worker-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Hello of a program with one 4-byte input and one 4-byte output. */
const HELLO = String.raw`printf 'MOTE\001\000\000\000\001\000\000\000\004\000\000\000\004\000\000\000'`;

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

const sizes = { inputBytes: [4], outputBytes: [4] };
const one = [[new Uint8Array([1, 2, 3, 4])]];

describe("HostWorker", () => {
  it("a process that dies during a request: WorkerError, and the next request starts it again", async () => {
    const w = new HostWorker(script("crash.sh", `${HELLO}\nhead -c 12 >/dev/null\necho "error: boom" >&2\nexit 3`), sizes);
    await expect(w.run(one, true)).rejects.toThrow(WorkerError);
    await expect(w.run(one, true)).rejects.toThrow(/exited \(status 3\): error: boom/);
    expect(w.starts).toBe(2);
    await w.close();
  });

  it("a process that never answers: WorkerError after the timeout, the process killed", async () => {
    const w = new HostWorker(script("hang.sh", `${HELLO}\nexec sleep 30`), { ...sizes, timeoutMs: 300 });
    await w.start();
    const pid = w.pid!;
    await expect(w.run(one, true)).rejects.toThrow(/did not answer within 300 ms/);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    await w.close();
  });

  it("a hello that does not match the program: WorkerError at start", async () => {
    const w = new HostWorker(script("wrong.sh", `${HELLO}\nexec sleep 30`), { inputBytes: [8], outputBytes: [4] });
    await expect(w.start()).rejects.toThrow(/does not match its program/);
    await w.close();
  });

  it("a process that cannot start: WorkerError", async () => {
    const w = new HostWorker(path.join(dir, "missing"), sizes);
    await expect(w.start()).rejects.toThrow(WorkerError);
    await w.close();
  });

  it("a stand-in that answers: the frame is read back, and close() ends the process", async () => {
    // Echoes status 0, 1 invocation, 7 ns, then the input back as the output.
    const w = new HostWorker(script("echo.sh", `${HELLO}\nwhile head -c 8 >/dev/null; do printf '\\000\\000\\000\\000\\001\\000\\000\\000\\007\\000\\000\\000\\000\\000\\000\\000'; head -c 4; done`), sizes);
    const a = await w.run(one, false);
    expect([a.status, a.computeNs, [...a.outputs[0][0]]]).toEqual([0, 7, [1, 2, 3, 4]]);
    const pid = w.pid!;
    await w.close(500);
    expect(alive(pid)).toBe(false);
  });
});
