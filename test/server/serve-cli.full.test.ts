/**
 * @fileoverview (full test) `mote serve` as a user starts it: bad options are one line with their code and
 * exit status 1; a running server prints its URL, answers, and on SIGTERM (and SIGINT) exits 0
 * with no model process left behind.
 */
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../compiler/paths.ts";
import { needModels, needTarget } from "../support/shared.ts";
import { alive, goldenCases, infer } from "./client.ts";

const MOTE = path.join(REPO_ROOT, "bin", "mote.js");
const need = [needModels("ad01_int8"), needTarget("host")];
const skip = need.some((n) => n.skip);

function mote(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [MOTE, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

/** The ids of the direct children of `pid` (Linux /proc). */
function children(pid: number): number[] {
  const r = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  return r.stdout.split("\n").map((l) => Number(l.trim())).filter((n) => n > 0);
}

describe.skipIf(skip)("mote serve", () => {
  it("bad options: one line with the code, exit status 1", () => {
    for (const [args, code] of [[["--port", "http"], "MOTE6005"], [["--audio", "kws_ref_model=kws-mfcc"], "MOTE6502"], [["--audio", "nonsense"], "MOTE6005"]] as const) {
      const r = mote("serve", "ad01_int8", ...args);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(code);
    }
  }, 60_000);

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`serves, and on ${signal} exits 0 leaving no model process behind`, async () => {
      const child = spawn(process.execPath, [MOTE, "serve", "ad01_int8", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /^(http:\/\/\S+)\n/m.exec(out);
          if (m) resolve(m[1]);
        });
        child.once("exit", () => reject(new Error(`mote serve exited: ${stderr}`)));
      });
      const c = goldenCases("ad01_int8")[0];
      const r = await infer(url, "ad01_int8", c.input);
      expect(r.json.output.values).toEqual(c.output);
      // tsx runs the CLI in a child of bin/mote.js's node: collect the whole tree below it.
      const tree = (pid: number): number[] => children(pid).flatMap((p) => [p, ...tree(p)]);
      const below = tree(child.pid!);
      expect(below.length).toBeGreaterThan(0);
      child.kill(signal);
      expect(await exited).toBe(0);
      await new Promise((res) => setTimeout(res, 200));
      expect(below.filter(alive)).toEqual([]);
      expect(stderr).toContain(signal);
    }, 90_000);
  }
});
