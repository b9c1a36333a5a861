/**
 * @fileoverview The slower half of cli.test.ts (test:full): `mote run` writing the golden output
 * on every --target, and the model file truncated at every sixteenth of its length (npm test keeps
 * ts, the default qemu run and three cuts; the reader's own tests cover every cut in-process).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { expectUserError, mote } from "../support/cli.ts";
import { needShared, needTarget, readBytes, sameBytes, sharedFile } from "../support/shared.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-cli-full-"));
const kws = needShared("models/kws_ref_model.tflite", "golden/kws_ref_model");
const host = needTarget("host");
const qemu = needTarget("qemu");

describe.skipIf(kws.skip)("mote run on every target", () => {
  const model = sharedFile("models", "kws_ref_model.tflite");
  const input = sharedFile("golden", "kws_ref_model", "input_5.bin");
  const targets = ["wasm", ...(host.ok ? ["host"] : []), ...(qemu.ok ? ["qemu"] : [])];
  it.each(targets)("writes the golden output on --target %s", (target) => {
    const out = path.join(tmp, `out-${target}.bin`);
    const r = mote(["run", model, "--input", input, "--output", out, "--target", target]);
    expect(r.status, r.stderr).toBe(0);
    expect(sameBytes(readBytes(out), readBytes(sharedFile("golden", "kws_ref_model", "output_5.bin")))).toBe(true);
    if (target === "qemu") expect(r.stdout).toMatch(/^instructions: \d+$/m);
  });
});

describe.skipIf(kws.skip)("a truncated model file is a user error at every cut", () => {
  const original = kws.ok ? readBytes(sharedFile("models", "kws_ref_model.tflite")) : new Uint8Array();
  const input = sharedFile("golden", "kws_ref_model", "input_0.bin");
  it.each(Array.from({ length: 15 }, (_, i) => i + 1).filter((k) => k % 4 !== 0))("truncated at %i/16 of its length", (k) => {
    const file = path.join(tmp, `trunc${k}.tflite`);
    fs.writeFileSync(file, original.subarray(0, Math.floor((original.length * k) / 16)));
    expectUserError(mote(["run", file, "--input", input, "--output", path.join(tmp, "o.bin"), "--target", "ts"]), /truncated or corrupt|not a TFLite/);
  });
});
