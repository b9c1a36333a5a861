/**
 * @fileoverview golden-ops-2's multi-invoke cases (meta.json `multi_invoke`: state kept over
 * several invocations of one instance) through the command line, as issue 15's acceptance asks:
 * `mote run MODEL --invocations N --input ... --out DIR`, codegen and interpreter mode, must write
 * TFLite Micro's bytes for every invocation. test/cli/multi-invoke.full.test.ts runs it on ts,
 * wasm, host and qemu in test:full (each case is a CLI spawn per mode and target: too slow for
 * npm test, where test/ops/svdf-stream.test.ts runs `--invocations 3` on ts). A case whose ops
 * Mote does not lower is a todo.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { goldenOpsCases, type GoldenOpsCase } from "./golden_ops.ts";
import { needShared, readBytes, sameBytes } from "./shared.ts";
import { mote } from "./cli.ts";

/** Runs `c` with `mote run --invocations` on `target` in `mode` and expects TFLM's outputs. */
function expectCliInvocations(c: GoldenOpsCase, target: string, mode: string): void {
  const n = c.invocations!;
  const inCount = fs.readdirSync(c.dir).filter((f) => /^input_\d+_0\.bin$/.test(f)).length;
  const outCount = fs.readdirSync(c.dir).filter((f) => /^output_\d+_0\.bin$/.test(f)).length;
  const inputs: string[] = [];
  for (let i = 0; i < n; i++) for (let k = 0; k < inCount; k++) inputs.push("--input", path.join(c.dir, `input_${k}_${i}.bin`));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mote-multi-"));
  try {
    const r = mote(["run", path.join(c.dir, "model.tflite"), "--target", target, "--mode", mode, "--invocations", String(n), ...inputs, "--out", out], 600_000);
    expect(r.status, r.stderr).toBe(0);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < outCount; k++) {
        const got = readBytes(path.join(out, `output_${k}_${i}.bin`));
        expect(sameBytes(got, readBytes(path.join(c.dir, `output_${k}_${i}.bin`))), `${c.name} invocation ${i} output ${k} (${target}, ${mode})`).toBe(true);
      }
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** Every multi-invoke case of golden-ops-2 on `targets`, codegen and interpreter mode. */
export function multiInvokeSuite(targets: readonly string[]): void {
  const ops = needShared("golden-ops-2");
  describe.skipIf(ops.skip)(`golden-ops-2 multi-invoke cases through \`mote run --invocations N\` (${targets.join(", ")})`, () => {
    const cases = ops.ok ? goldenOpsCases("golden-ops-2").filter((c) => c.invocations !== undefined) : [];
    it("there are multi-invoke cases", () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      if (!c.supported) {
        it.todo(`${c.name}: ${c.reason}`);
        continue;
      }
      for (const mode of ["codegen", "interpreter"]) {
        it(`${c.name} (${mode})`, () => {
          for (const target of targets) expectCliInvocations(c, target, mode);
        }, 600_000);
      }
    }
  });
}
