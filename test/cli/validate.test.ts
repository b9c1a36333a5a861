/**
 * @fileoverview `mote validate`, called in-process (validateModel) on ts, wasm and host (host on the built model): a PNG on
 * vww_96_int8 gives the samples' preprocessed bytes (golden input_8) and the golden output_8; a
 * WAV through --audio kws-mfcc answers "yes" as samples/wake-word does; a wrong --expect names
 * the output (MOTE6305); .npy float and int inputs on a model the test builds; malformed .npy
 * (MOTE6301), targets that disagree (MOTE6304, on outputs the test makes), wrong counts (6006/6007), a WAV without a front end and wrong sizes (6302/6303).
 * The qemu target: validate.full.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkAgreement, validateModel, validateText, parseTargets } from "../../compiler/cli/validate.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { decodeNpy, encodeNpy } from "../../compiler/inputs/npy.ts";
import { fcReluSpec, writeModel } from "../support/analyze-models.ts";
import { needModels, needShared, needTarget, sharedFile, readBytes, sameBytes } from "../support/shared.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-validate-"));
const file = (name: string, bytes: Uint8Array): string => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
};

const edit = (b: Uint8Array, from: string, to: string): Uint8Array => new Uint8Array(Buffer.from(Buffer.from(b).toString("latin1").replace(from, to), "latin1"));

async function code(p: Promise<unknown>): Promise<{ code: number; text: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MoteError) return { code: e.code, text: e.oneLine() };
    throw e;
  }
  throw new Error("no error");
}

describe("npy reader", () => {
  it("round-trips float32 and int8, rejects malformed files", () => {
    const f = decodeNpy(encodeNpy("float32", [2, 2], new Uint8Array(new Float32Array([1, -2.5, 3, 0]).buffer)), "a.npy");
    expect(f).toMatchObject({ dtype: "float32", shape: [2, 2], values: [1, -2.5, 3, 0] });
    const i = decodeNpy(encodeNpy("int8", [3], new Uint8Array([255, 1, 128])), "b.npy");
    expect(i.values).toEqual([-1, 1, -128]);
    const bad = (bytes: Uint8Array, why: RegExp) => {
      try {
        decodeNpy(bytes, "bad.npy");
        throw new Error("accepted");
      } catch (e) {
        expect((e as MoteError).code).toBe(6301);
        expect((e as MoteError).oneLine()).toMatch(why);
      }
    };
    bad(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), /magic/);
    const good = encodeNpy("int16", [2], new Uint8Array(4));
    bad(good.subarray(0, good.length - 1), /data bytes/);
    bad(edit(good, "False", "True "), /Fortran/);
    bad(edit(encodeNpy("int8", [2], new Uint8Array(2)), "|i1", "<c8"), /dtype/);
  });
});

const yesWav = needShared("data/audio/yes_1000ms.wav");
describe("targets that disagree", () => {
  const same = { target: "ts" as const, outputs: [new Uint8Array([1, 2, 3]), new Uint8Array([9])] };
  const fails = (other: { target: "wasm" | "host"; outputs: Uint8Array[] }): string => {
    try {
      checkAgreement(["scores", "label"], same, other);
    } catch (e) {
      if (e instanceof MoteError && e.code === 6304) return e.oneLine();
      throw e;
    }
    return "agree";
  };
  it("agree when every byte is equal", () => {
    expect(fails({ target: "wasm", outputs: [new Uint8Array([1, 2, 3]), new Uint8Array([9])] })).toBe("agree");
  });
  it("name the target, the output and the first differing byte (MOTE6304)", () => {
    const text = fails({ target: "host", outputs: [new Uint8Array([1, 2, 3]), new Uint8Array([8])] });
    expect(text).toContain("host output 1 (label) differs from ts at byte 0 (8 vs 9)");
  });
  it("a shorter output differs at its end", () => {
    expect(fails({ target: "wasm", outputs: [new Uint8Array([1, 2])] })).toContain("at byte 2 (end vs 3)");
  });
});

describe("validate on a model outside ../shared", () => {
  const model = writeModel(tmp, "fc_relu.tflite", fcReluSpec());
  const host = needTarget("host");
  const targets = host.skip ? "ts,wasm" : "ts,wasm,host";

  it("takes float and int8 .npy inputs and raw bytes, the same answer on every target", async () => {
    const floats = [1, -2, 0.5, 3, -1.5, 4, 0, 2]; // scale 0.5, zero point -3
    const q = new Int8Array(floats.map((x) => Math.round(x / 0.5) - 3));
    const f = await validateModel(model, { input: [file("f.npy", encodeNpy("float32", [1, 8], new Uint8Array(new Float32Array(floats).buffer)))], targets });
    const i = await validateModel(model, { input: [file("i.npy", encodeNpy("int8", [1, 8], new Uint8Array(q.buffer)))], targets: "ts" });
    const r = await validateModel(model, { input: [file("r.bin", new Uint8Array(q.buffer))], targets: "ts" });
    expect(f.inputs[0]).toEqual(new Uint8Array(q.buffer));
    expect(i.outputs[0]).toEqual(f.outputs[0]);
    expect(r.outputs[0]).toEqual(f.outputs[0]);
    expect(validateText(f)[0]).toMatch(/agree byte for byte/);
    // --expect as a float .npy of the output's values: all exact.
    const e = await validateModel(model, { input: [file("r.bin", new Uint8Array(q.buffer))], targets: "ts", expect: [file("e.npy", encodeNpy("float32", [1, 4], new Uint8Array(new Float32Array(f.report[0].values).buffer)))] });
    expect(e.mismatch).toBeUndefined();
    expect(e.report[0].expect).toMatchObject({ exact: 4, elements: 4, maxAbsQ: 0 });
  });

  it("rejects wrong counts, sizes and kinds with MOTE codes", async () => {
    const raw = file("ok.bin", new Uint8Array(8));
    expect((await code(validateModel(model, { input: [], targets: "ts" }))).code).toBe(6006);
    expect((await code(validateModel(model, { input: [raw, raw], targets: "ts" }))).code).toBe(6006);
    expect((await code(validateModel(model, { input: [raw], expect: [raw, raw], targets: "ts" }))).code).toBe(6007);
    expect((await code(validateModel(model, { input: [file("short.bin", new Uint8Array(7))], targets: "ts" }))).text).toMatch(/MOTE6302.*7 bytes/);
    expect((await code(validateModel(model, { input: [file("n.npy", encodeNpy("float32", [3], new Uint8Array(12)))], targets: "ts" }))).text).toMatch(/MOTE6302.*3 values/);
    expect((await code(validateModel(model, { input: [file("m.npy", new Uint8Array([1, 2, 3]))], targets: "ts" }))).code).toBe(6301);
    expect((await code(validateModel(model, { input: [raw], expect: [raw], targets: "ts" }))).text).toMatch(/MOTE6303.*8 bytes, 4 expected/);
    expect((await code(validateModel(model, { input: [raw], targets: "ts,cpu" }))).code).toBe(6005);
    if (yesWav.ok) {
      expect((await code(validateModel(model, { input: [sharedFile("data", "audio", "yes_1000ms.wav")], targets: "ts" }))).text).toMatch(/MOTE6302.*--audio/);
    }
    expect(parseTargets(undefined)).toEqual(["ts", "wasm", "host", "qemu"]);
  });
});

const vww = needModels("vww_96_int8");
describe.skipIf(vww.skip)("validate a PNG on vww_96_int8", () => {
  it("feeds the samples' preprocessed bytes and matches the golden output; a wrong --expect names the output", async () => {
    const model = sharedFile("models", "vww_96_int8.tflite");
    const golden = (n: string) => sharedFile("golden", "vww_96_int8", n);
    const r = await validateModel(model, { input: [sharedFile("data", "images", "astronaut.png")], expect: [golden("output_8.bin")], targets: "ts,wasm" });
    expect(sameBytes(r.inputs[0], readBytes(golden("input_8.bin")))).toBe(true);
    expect(r.mismatch).toBeUndefined();
    expect(r.report[0].expect!.exact).toBe(r.report[0].expect!.elements);
    const wrong = file("wrong.bin", readBytes(golden("output_8.bin")).map((b) => b ^ 0x10));
    const w = await validateModel(model, { input: [golden("input_8.bin")], expect: [wrong], targets: "ts" });
    expect(w.mismatch).toBe(0);
    const { validateCommand } = await import("../../compiler/cli/validate.ts");
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    try {
      expect((await code(validateCommand(model, { input: [golden("input_8.bin")], expect: [wrong], targets: "ts" }))).text).toMatch(/MOTE6305: output 0 \(Identity_int8\)/);
    } finally {
      process.stdout.write = write;
    }
    expect(out.join("")).toMatch(/vs expected: 0\/2 exact/);
  }, 120_000);
});

const kws = needModels("kws_ref_model");
describe.skipIf(kws.skip)("validate a WAV on kws_ref_model", () => {
  it("answers yes through --audio kws-mfcc, as samples/wake-word does", async () => {
    const r = await validateModel(sharedFile("models", "kws_ref_model.tflite"), { input: [sharedFile("data", "audio", "yes_1000ms.wav")], audio: "kws-mfcc", targets: "ts,wasm" });
    expect(r.report[0].top[0].index).toBe(9); // "yes" in KWS_LABELS
  }, 120_000);
});
