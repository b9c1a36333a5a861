/**
 * @fileoverview Runs one external program asynchronously (child_process.spawn) and collects
 * its exit status and output, with an optional time limit after which it is killed. Also
 * condenses a compiler's stderr into one line for a MOTE5002 message. Shared by host.ts and
 * firmware.ts; it raises no errors itself (callers decide which diagnostic applies).
 */
import { spawn } from "node:child_process";

export interface ProcessResult {
  /** Exit status, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the time limit elapsed and the process was killed. */
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
}

/** Spawns `file args` (no shell), stdin closed; resolves when it exits (never rejects on status). */
export function runProcess(file: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        timedOut,
      });
    });
  });
}

/**
 * The lines of a compiler/linker log that say what went wrong ("error", "undefined
 * reference", ...), at most `maxLines`, joined with " | "; the first lines if none match.
 */
export function summarizeCompilerErrors(log: string, maxLines = 4): string {
  const lines = log.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  const important = lines.filter((line) => /error|undefined reference|multiple definition|overflow|cannot find/i.test(line));
  const chosen = (important.length > 0 ? important : lines).slice(0, maxLines);
  const more = (important.length > 0 ? important : lines).length - chosen.length;
  return chosen.join(" | ") + (more > 0 ? ` | (${more} more)` : "");
}
