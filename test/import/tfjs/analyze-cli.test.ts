/**
 * @fileoverview `mote analyze model.json`: a TF.js model's float graph, as text and as JSON; a
 * missing or unsupported model exits 1 with one MOTE line and no stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { HUMAN_MODELS } from "./support.ts";
import { moteIn } from "../../support/cli.ts";

/** In-process (test/support/cli.ts): the command line and output of the process, without its start-up. */
const mote = (...args: string[]) => moteIn(args);

describe("mote analyze model.json", () => {
  it("prints the float graph of liveness (text and --json)", async () => {
    const r = await mote("analyze", path.join(HUMAN_MODELS, "liveness.json"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("liveness.json: TF.js model imported as a float32 graph");
    expect(r.stdout).toMatch(/10 {2}FULLY_CONNECTED\+RELU +\[1,2048\] -> \[1,64\] +131,136 +131,072/);
    expect(r.stdout).toContain("total: 13 ops, 147,986 parameters, 6,471,808 MACs");
    const j = await mote("analyze", path.join(HUMAN_MODELS, "liveness.json"), "--json");
    expect(j.status, j.stderr).toBe(0);
    const s = JSON.parse(j.stdout);
    expect(s.inputs).toEqual([{ name: "conv2d_1_input", shape: [1, 32, 32, 3] }]);
    expect(s.layers).toHaveLength(13); // the batch norms after ReLU fold into their neighbours (fold-affine.ts)
  });

  it("an unsupported op exits 1 with one MOTE6903 line", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mote-tfjs-cli-"));
    try {
      const file = path.join(dir, "model.json");
      writeFileSync(file, JSON.stringify({
        format: "graph-model",
        modelTopology: { node: [{ name: "x", op: "Placeholder", attr: {} }, { name: "y", op: "Erf", input: ["x"] }, { name: "z", op: "Cumsum", input: ["y"] }] },
        weightsManifest: [],
      }));
      const r = await mote("analyze", file);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("error MOTE6903: model.json uses 2 unsupported TensorFlow ops: Erf (y), Cumsum (z)");
      const missing = await mote("analyze", path.join(dir, "nope.json"));
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/^error MOTE6901: cannot read TF.js model .*nope.json: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
