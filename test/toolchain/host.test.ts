/**
 * @fileoverview Tests compiler/toolchain/host.ts with boards/host/main.c: the stand-in model
 * library (test/fixtures/toolchain/standin) builds with gcc -Werror and computes input + 1 for
 * both tensors; wrong-size inputs and compile errors are clear one-line errors.
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MoteError } from "../../compiler/diagnostics.ts";
import { buildHost, runHost } from "../../compiler/toolchain/host.ts";
import { buildDir, fixture } from "../support/fixtures.ts";
import { needTarget } from "../support/shared.ts";

const skip = needTarget("host").skip;

describe.skipIf(skip)("host build and run", () => {
  let dir = "";
  let exe = "";
  beforeAll(async () => {
    dir = buildDir("host");
    exe = path.join(dir, "standin");
    await buildHost(fixture("toolchain/standin"), exe);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stand-in model outputs are inputs + 1 (int8 wraps)", async () => {
    const in0 = Int8Array.from([0, 1, -1, 127, -128, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const in1 = Int8Array.from([100, -100, 0, 126, -2]);
    const [out0, out1] = await runHost(exe, [new Uint8Array(in0.buffer), new Uint8Array(in1.buffer)], 2);
    expect(Array.from(new Int8Array(out0!.buffer))).toEqual(Array.from(in0, (v) => ((v + 1) << 24) >> 24));
    expect(Array.from(new Int8Array(out1!.buffer))).toEqual([101, -99, 1, 127, -1]);
  });

  it("wrong-size input is error 5011 quoting the harness", async () => {
    const run = runHost(exe, [new Uint8Array(16), new Uint8Array(4)], 2);
    await expect(run).rejects.toThrow(MoteError);
    await expect(run).rejects.toMatchObject({ code: 5011 });
    await expect(run).rejects.toThrow(/input_1\.bin has the wrong size: expected 5 bytes, found 4/);
  });

  it("several invocations' inputs back to back give one output chunk per invocation", async () => {
    const in0 = new Uint8Array(32).map((_, i) => i);
    const in1 = new Uint8Array(10).map((_, i) => 100 + i);
    const [out0, out1] = await runHost(exe, [in0, in1], 2);
    expect(Array.from(out0!)).toEqual(Array.from(in0, (v) => v + 1));
    expect(Array.from(out1!)).toEqual(Array.from(in1, (v) => v + 1));
    await expect(runHost(exe, [in0, new Uint8Array(5)], 2)).rejects.toThrow(/input_1\.bin has the wrong size: expected 10 bytes, found 5/);
  });

  it("missing input file and a size that is no multiple are reported by the program itself", async () => {
    const run = promisify(execFile);
    const data = path.join(dir, "data");
    mkdirSync(data);
    writeFileSync(path.join(data, "input_0.bin"), new Uint8Array(17));
    await expect(run(exe, [data])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/expected 16 bytes \(or a multiple, one chunk per invocation\), found 17/) });
    writeFileSync(path.join(data, "input_0.bin"), new Uint8Array(16));
    await expect(run(exe, [data])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot open input file .*input_1\.bin/) });
    await expect(run(exe, [])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/usage/) });
  });

  it("a compile error is error 5009 with the compiler's message", async () => {
    const lib = path.join(dir, "broken");
    mkdirSync(lib);
    writeFileSync(path.join(lib, "model.h"), "#include <stddef.h>\n#define MOTE_NUM_INPUTS 1\n#define MOTE_NUM_OUTPUTS 1\nvoid *mote_input(int);\nsize_t mote_input_bytes(int);\nconst void *mote_output(int);\nsize_t mote_output_bytes(int);\nint mote_invoke(void);\n");
    writeFileSync(path.join(lib, "model.c"), "#include \"model.h\"\nint mote_invoke(void) { int unused; return 0; }\n");
    const build = buildHost(lib, path.join(dir, "broken-exe"));
    await expect(build).rejects.toMatchObject({ code: 5009, message: expect.stringMatching(/unused variable .unused./) });
  });
});
