/**
 * @fileoverview One persistent host process per built model library (boards/host/serve.c): it is
 * started once, checked against the program's I/O sizes by its hello, and fed requests one at a
 * time from a queue over stdin/stdout (the frame format is in serve.c's header). A process that
 * dies or stops answering fails its pending requests with a WorkerError (the server answers 5xx)
 * and is started again on the next request; `close()` ends it (stdin closed, then SIGKILL after a
 * grace period) and waits for its exit, so no process is left behind.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

/** A worker failure: the process crashed, timed out or could not start (a 5xx, not the client's fault). */
export class WorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerError";
  }
}

export interface WorkerAnswer {
  /** 0, or the first nonzero mote_invoke() status. */
  status: number;
  /** `outputs[n][k]`: output k of invocation n (invocations run). */
  outputs: Uint8Array[][];
  /** Nanoseconds spent in mote_invoke() over the request. */
  computeNs: number;
}

interface Pending {
  count: number;
  resolve: (a: WorkerAnswer) => void;
  reject: (e: Error) => void;
}

export interface WorkerOptions {
  /** Input and output sizes the program declares (checked against the hello). */
  inputBytes: number[];
  outputBytes: number[];
  /** A request taking longer kills the process (default 30 s). */
  timeoutMs?: number;
}

/** The persistent process of one executable, with its request queue. */
export class HostWorker {
  private child?: ChildProcessWithoutNullStreams;
  private exited?: Promise<void>;
  private buffer: Buffer = Buffer.alloc(0);
  private hello?: { resolve: () => void; reject: (e: Error) => void };
  private current?: Pending;
  private queue: Promise<unknown> = Promise.resolve();
  private stderr = "";
  private closing = false;
  /** How many times the process was started (1 + restarts). */
  starts = 0;

  constructor(readonly exe: string, private readonly opts: WorkerOptions) {}

  /** The running process's id, if one is running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Starts the process (if it is not running) and waits for its hello. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new WorkerError("the server is shutting down"));
    if (this.starting && this.child && this.child.exitCode === null && this.child.signalCode === null) return this.starting;
    this.starting = this.spawnNow();
    return this.starting;
  }

  private starting?: Promise<void>;

  private async spawnNow(): Promise<void> {
    this.starts++;
    this.buffer = Buffer.alloc(0);
    this.stderr = "";
    const child = spawn(this.exe, [], { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    const ready = new Promise<void>((resolve, reject) => (this.hello = { resolve, reject }));
    this.exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    child.stdout.on("data", (d: Buffer) => this.onData(d));
    child.stderr.on("data", (d: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += d.toString();
    });
    child.stdin.on("error", () => {}); // EPIPE after a crash: reported by the exit handler
    child.once("error", (e) => this.onExit(`cannot start ${this.exe}: ${e.message}`));
    child.once("exit", (code, signal) => this.onExit(`the model process exited (${signal ?? `status ${code}`})${this.reason()}`));
    await ready;
  }

  private reason(): string {
    const line = this.stderr.trim().split("\n")[0];
    return line ? `: ${line}` : "";
  }

  private onExit(why: string): void {
    const error = new WorkerError(why);
    this.hello?.reject(error);
    this.hello = undefined;
    this.current?.reject(error);
    this.current = undefined;
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
    if (this.hello) {
      const n = this.opts.inputBytes.length + this.opts.outputBytes.length;
      if (this.buffer.length < 12 + 4 * n) return;
      const magic = this.buffer.subarray(0, 4).toString("latin1");
      const sizes = Array.from({ length: 2 + n }, (_, i) => this.buffer.readUInt32LE(4 + 4 * i));
      const want = [this.opts.inputBytes.length, this.opts.outputBytes.length, ...this.opts.inputBytes, ...this.opts.outputBytes];
      const h = this.hello;
      this.hello = undefined;
      this.buffer = this.buffer.subarray(12 + 4 * n);
      if (magic !== "MOTE" || sizes.join() !== want.join()) {
        h.reject(new WorkerError(`the model process does not match its program (hello ${magic} ${sizes.join(",")}, expected ${want.join(",")})`));
        this.child?.kill("SIGKILL");
        return;
      }
      h.resolve();
    }
    const p = this.current;
    if (!p || this.buffer.length < 16) return;
    const per = this.opts.outputBytes.reduce((a, b) => a + b, 0);
    const status = this.buffer.readUInt32LE(0);
    const done = this.buffer.readUInt32LE(4);
    const total = 16 + done * per;
    if (this.buffer.length < total) return;
    const computeNs = Number(this.buffer.readBigUInt64LE(8));
    const body = this.buffer.subarray(16, total);
    this.buffer = this.buffer.subarray(total);
    const outputs: Uint8Array[][] = [];
    for (let n = 0, at = 0; n < done; n++) {
      outputs.push(this.opts.outputBytes.map((b) => {
        const out = new Uint8Array(body.subarray(at, at + b));
        at += b;
        return out;
      }));
    }
    this.current = undefined;
    p.resolve({ status: status | 0, outputs, computeNs });
  }

  /**
   * Runs `invocations` (`[n][k]`: input k of invocation n) in order on the process, after the
   * requests queued before it; `reset` resets the variable tensors first (mote_reset()).
   */
  run(invocations: Uint8Array[][], reset: boolean): Promise<WorkerAnswer> {
    const job = this.queue.then(() => this.runNow(invocations, reset));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(invocations: Uint8Array[][], reset: boolean): Promise<WorkerAnswer> {
    await this.start();
    const child = this.child!;
    const header = Buffer.alloc(8);
    header.writeUInt32LE(invocations.length, 0);
    header.writeUInt32LE(reset ? 1 : 0, 4);
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const answer = new Promise<WorkerAnswer>((resolve, reject) => (this.current = { count: invocations.length, resolve, reject }));
    const timer = setTimeout(() => {
      this.onExit(`the model process did not answer within ${timeoutMs} ms`);
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdin.write(Buffer.concat([header, ...invocations.flat()]));
    try {
      return await answer;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the process: waits for the queue (up to graceMs), closes stdin, SIGKILL if it lingers. */
  async close(graceMs = 2000): Promise<void> {
    this.closing = true;
    const drained = Promise.race([this.queue, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await drained;
    const child = this.child;
    if (!child || !this.exited) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
