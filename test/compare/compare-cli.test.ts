/**
 * @fileoverview `mote compare`'s option errors, raised before anything is built or started:
 * each its MOTE code (in process, through compareCommand), and through the real command line
 * one line on stderr with exit status 1.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../compiler/paths.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { compareCommand, type CompareFlags } from "../../compiler/cli/compare.ts";

const MOTE = path.join(REPO_ROOT, "bin", "mote.js");

describe("mote compare options", () => {
  const cases: [CompareFlags, number][] = [
    [{ link: "lora" }, 6401],
    [{ rate: "often" }, 6402],
    [{ rate: "0" }, 6402],
    [{ positiveRate: "2" }, 6402],
    [{ board: "qemu-mps2-an500" }, 6403],
    [{ board: "no-such-board" }, 5003],
    [{ battery: "aa" }, 6404],
    [{ audio: "fft" }, 6011],
    [{ requests: "x" }, 6005],
  ];
  it.each(cases)("%j is MOTE%i", async (flags, code) => {
    const e = await compareCommand(["ad01_int8"], flags).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(MoteError);
    expect((e as MoteError).code).toBe(code);
  });

  it("on the command line: one line with the code, exit status 1", () => {
    const r = spawnSync(process.execPath, [MOTE, "compare", "ad01_int8", "--link", "lora"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("MOTE6401");
  }, 60_000);
});
