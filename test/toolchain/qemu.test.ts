/**
 * @fileoverview Tests compiler/toolchain/firmware.ts with the qemu-mps2-an500 board: the
 * stand-in model builds (sizes, linker map) and runs in QEMU with the same outputs as the
 * host build, an instruction count and a stack high-water mark; malloc fails the link; wrong
 * inputs, faults, stack overflows and hangs end as error 5006 with the firmware's message.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildFirmware, type FirmwareSizes, harnessSizes, mapFileFor, runQemu } from "../../compiler/toolchain/firmware.ts";
import { loadBoard } from "../../compiler/toolchain/boards.ts";
import { buildDir, fixture } from "../support/fixtures.ts";
import { needTarget } from "../support/shared.ts";

const skip = needTarget("qemu").skip;
const BOARD = "qemu-mps2-an500";
const word = (value: number): Uint8Array => new Uint8Array(Uint32Array.of(value).buffer);

describe.skipIf(skip)("firmware build and QEMU run", () => {
  let dir = "";
  let elf = "";
  let sizes: FirmwareSizes;
  beforeAll(async () => {
    dir = buildDir("qemu");
    elf = path.join(dir, "standin.elf");
    sizes = await buildFirmware(fixture("toolchain/standin"), BOARD, elf);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports section sizes and writes a linker map", () => {
    expect(sizes.text).toBeGreaterThan(500);
    expect(sizes.bss).toBeGreaterThanOrEqual(64); // the stand-in's arena
    expect(sizes.bss).toBeLessThan(1024); // the 64 KB reserved stack is not counted
    expect(sizes.data).toBe(0);
    const map = readFileSync(mapFileFor(elf), "utf8");
    expect(map).toContain("mote_invoke");
    expect(map).not.toMatch(/\bmalloc\b|_sbrk/);
  });

  it("harness sizes (null model) are a little less than the stand-in's", async () => {
    const harness = await harnessSizes(BOARD);
    expect(harness.text).toBeGreaterThan(500);
    expect(harness.text).toBeLessThan(sizes.text);
    expect(harness.bss).toBeLessThan(sizes.bss);
    expect(sizes.bss - harness.bss).toBeGreaterThanOrEqual(64 - 1); // stand-in arena minus null arena
  });

  it("stand-in model outputs are inputs + 1, with instructions and stack reported", async () => {
    const in0 = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 250) & 0xff);
    const in1 = Uint8Array.from([0, 127, 128, 255, 9]);
    const result = await runQemu(elf, [in0, in1], 2);
    expect(Array.from(result.outputs[0]!)).toEqual(Array.from(in0, (v) => (v + 1) & 0xff));
    expect(Array.from(result.outputs[1]!)).toEqual([1, 128, 129, 0, 10]);
    expect(result.instructions % 40).toBe(0);
    expect(result.instructions).toBeGreaterThan(0);
    expect(result.instructions).toBeLessThan(2000);
    expect(result.stackBytes).toBeGreaterThan(0);
    expect(result.stackBytes).toBeLessThan(256);
    expect(result.stdout).toMatch(/^instructions: \d+$/m);
  });

  it("wrong-size input is error 5006 with the firmware's message", async () => {
    await expect(runQemu(elf, [new Uint8Array(16), new Uint8Array(6)], 2)).rejects.toMatchObject({
      code: 5006,
      message: "firmware did not finish: input file input_1.bin has the wrong size: expected 5 bytes, found 6",
    });
  });

  it("missing input is error 5006", async () => {
    await expect(runQemu(elf, [new Uint8Array(16)], 2)).rejects.toMatchObject({
      code: 5006,
      message: expect.stringContaining("cannot open input file input_1.bin"),
    });
  });

  it("asking for more outputs than the firmware writes is error 5006", async () => {
    await expect(runQemu(elf, [new Uint8Array(16), new Uint8Array(5)], 3)).rejects.toMatchObject({
      code: 5006,
      message: expect.stringContaining("output_2.bin"),
    });
  });

  it("a model calling malloc fails to link: firmware has no heap", async () => {
    const build = buildFirmware(fixture("toolchain/malloc"), BOARD, path.join(dir, "malloc.elf"));
    await expect(build).rejects.toMatchObject({ code: 5010, message: expect.stringMatching(/malloc.*no heap/) });
  });

  it("a fault in the model is error 5006 naming the HardFault", async () => {
    const faultElf = path.join(dir, "fault.elf");
    await buildFirmware(fixture("toolchain/fault"), BOARD, faultElf);
    await expect(runQemu(faultElf, [word(1)], 1)).rejects.toMatchObject({
      code: 5006,
      message: expect.stringMatching(/HardFault at pc=0x[0-9a-f]{8}/),
    });
  });

  it("using more stack than reserved is error 5006 (stack overflow)", async () => {
    const hogElf = path.join(dir, "hog.elf");
    await buildFirmware(fixture("toolchain/stack-hog"), BOARD, hogElf);
    await expect(runQemu(hogElf, [word(1)], 1)).rejects.toMatchObject({
      code: 5006,
      message: expect.stringContaining("stack overflow"),
    });
  });

  it("a firmware that does not finish is killed: error 5006", async () => {
    const timingElf = path.join(dir, "timing.elf");
    await buildFirmware(fixture("timing"), BOARD, timingElf);
    // 2^32-1 iterations of a 2-instruction loop: far longer than the limit.
    await expect(runQemu(timingElf, [word(0xffffffff)], 1, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 5006,
      message: expect.stringContaining("no exit after 300 ms"),
    });
    expect(existsSync(timingElf)).toBe(true);
  });

  it("a board description without firmware is error 5007, a real board is 5032 (it cannot run in QEMU)", async () => {
    const descriptionOnly = { ...loadBoard("stm32f746g-disco"), firmware: undefined };
    await expect(buildFirmware(fixture("toolchain/standin"), descriptionOnly, path.join(dir, "x.elf"))).rejects.toMatchObject({
      code: 5007,
    });
    await expect(buildFirmware(fixture("toolchain/standin"), "stm32f746g-disco", path.join(dir, "x.elf"))).rejects.toMatchObject({
      code: 5032,
    });
  });
});
