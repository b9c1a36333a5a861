/**
 * @fileoverview The interpreter's image check on every target: an image whose step names a kernel
 * id the build does not contain is rejected before any step runs, and ts, wasm, host C and the
 * firmware in QEMU all report the same user error (MOTE5016 naming the step and the id), through
 * compiler/build/interpreter/status.ts. Also the status encoding (reason + 16 * (step + 1)) and
 * MOTE5017 for the other reasons.
 */
import { describe, expect, it } from "vitest";
import { MoteError } from "../../../compiler/diagnostics.ts";
import { decodeStatus, failImageStatus, STATUS_UNKNOWN_KERNEL } from "../../../compiler/build/interpreter/status.ts";
import { dispatchTable, runImageTs } from "../../../compiler/run/interpreter.ts";
import { runProgram } from "../../../compiler/run/targets.ts";
import { installDispatch } from "../../../runtime/dispatch.ts";
import { imageStatus } from "../../../runtime/interpreter.ts";
import { needTarget } from "../../support/shared.ts";
import { RELU_INPUT, RELU_OUTPUT, stepWord, threeRelus, UNKNOWN_KERNEL_ID, withKernelId } from "./three-relus.ts";

const input = [new Uint8Array(RELU_INPUT.buffer)];
const expected = new Uint8Array(RELU_OUTPUT.buffer);
const noGcc = needTarget("host").skip;
const noQemu = needTarget("qemu").skip;

async function errorOf(run: Promise<unknown>): Promise<MoteError> {
  const e = await run.then(() => undefined, (x: unknown) => x);
  if (!(e instanceof MoteError)) throw new Error(`expected a MoteError, got ${e === undefined ? "success" : String(e)}`);
  return e;
}

function expectUnknownKernel(e: MoteError, step: number): void {
  expect(e.code).toBe(5016);
  expect(e.message).toBe(`model image step ${step} names kernel id ${UNKNOWN_KERNEL_ID}, which this build does not contain`);
  expect(e.oneLine()).toMatch(/\(rebuild the image/);
}

describe("image check: kernel ids", () => {
  it("imageStatus accepts the built image and rejects step 1's unknown id with reason 4, step 1", () => {
    const good = threeRelus();
    installDispatch(dispatchTable(good));
    expect(imageStatus(good.image, good.table)).toBe(0);
    const bad = withKernelId(1);
    const status = imageStatus(bad.image, bad.table);
    expect(status).toBe(STATUS_UNKNOWN_KERNEL + 16 * 2);
    expect(decodeStatus(status)).toEqual({ reason: STATUS_UNKNOWN_KERNEL, step: 1 });
  });

  it("an id of another kernel that this build does not contain is rejected too", () => {
    const r = withKernelId(0, 6); // conv_2d.conv2d: a real kernel, but not in this RELU-only build
    installDispatch(dispatchTable(r));
    expect(decodeStatus(imageStatus(r.image, r.table))).toEqual({ reason: STATUS_UNKNOWN_KERNEL, step: 0 });
  });

  it("ts: the interpreter returns the status before running a step, and the runner raises MOTE5016", async () => {
    expect(await runImageTs(threeRelus(), input)).toEqual([expected]);
    expectUnknownKernel(await errorOf(runImageTs(withKernelId(1), input)), 1);
  });

  it("wasm: invoke returns the status, runWasm raises MOTE5016", async () => {
    expect((await runProgram(threeRelus().program, input, "wasm")).outputs).toEqual([expected]);
    expectUnknownKernel(await errorOf(runProgram(withKernelId(1).program, input, "wasm")), 1);
    expectUnknownKernel(await errorOf(runProgram(withKernelId(2).program, input, "wasm")), 2);
  });

  it.skipIf(noGcc)("host C: mote_invoke() returns the status, the harness prints it, the runner raises MOTE5016", async () => {
    expect((await runProgram(threeRelus().program, input, "host")).outputs).toEqual([expected]);
    expectUnknownKernel(await errorOf(runProgram(withKernelId(1).program, input, "host")), 1);
  });

  it.skipIf(noQemu)("qemu: the firmware's harness prints the status, the runner raises MOTE5016", async () => {
    expect((await runProgram(threeRelus().program, input, "qemu")).outputs).toEqual([expected]);
    expectUnknownKernel(await errorOf(runProgram(withKernelId(1).program, input, "qemu")), 1);
  });
});

describe("image check: other reasons are MOTE5017", () => {
  const image = threeRelus().image;
  const errorFor = (status: number, img: Int32Array = image): MoteError => {
    try {
      failImageStatus(status, img);
    } catch (e) {
      if (e instanceof MoteError) return e;
      throw e;
    }
    throw new Error("failImageStatus returned");
  };

  it.each([
    [1, /does not start with the magic word "MOTE"/],
    [3, /its header gives sizes or offsets outside the image or the arena/],
    [5, /its checksum does not match/],
    [6 + 16 * 2, /step 1's record or arguments do not fit its kernel/],
    [3 + 16 * 3, /step 2 has a record or an argument \(offset and size\) outside the image or the arena/],
  ])("status %i", (status, message) => {
    const e = errorFor(status);
    expect(e.code).toBe(5017);
    expect(e.message).toMatch(message);
  });

  it("status 2 names the image's version", () => {
    const other = image.slice();
    other[1] = 7;
    expect(errorFor(2, other).message).toBe("the model image is invalid: it is format version 7; this build reads version 2");
  });

  it("reason 4 reads the id from the step the status names", () => {
    const r = withKernelId(2, 1234);
    expect(stepWord(r.image, 2)).toBeGreaterThan(stepWord(r.image, 1));
    expect(errorFor(4 + 16 * 3, r.image).message).toMatch(/^model image step 2 names kernel id 1234,/);
  });
});
