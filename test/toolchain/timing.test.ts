/**
 * @fileoverview The timing acceptance test (GUIDE §5): firmware whose mote_invoke runs exactly
 * 2*n instructions beyond a fixed overhead (test/fixtures/timing/model.c) must report, after
 * subtracting the n = 0 overhead, exactly 2*n within the 40-instruction SysTick resolution,
 * identically on repeated runs. A build with a tiny SysTick reload checks that wraps are
 * counted: each wrap then adds only the interrupt handler's few instructions, never a period.
 */
import { rmSync } from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildFirmware, runQemu } from "../../compiler/toolchain/firmware.ts";
import { buildDir, fixture } from "../support/fixtures.ts";
import { needTarget } from "../support/shared.ts";

const skip = needTarget("qemu").skip;
const RESOLUTION = 40;
/** Upper bound on the instructions SysTick_Handler executes per wrap (it is 5 at -O2). */
const HANDLER_INSTRUCTIONS = 8;

const word = (value: number): Uint8Array => new Uint8Array(Uint32Array.of(value).buffer);

async function measure(elf: string, iterations: number): Promise<number> {
  const result = await runQemu(elf, [word(iterations)], 1);
  expect(Array.from(result.outputs[0]!)).toEqual(Array.from(word(iterations)));
  return result.instructions;
}

describe.skipIf(skip)("instruction counting in QEMU", () => {
  let dir = "";
  let elf = "";
  let smallReloadElf = "";
  beforeAll(async () => {
    dir = buildDir("timing");
    elf = path.join(dir, "timing.elf");
    smallReloadElf = path.join(dir, "timing-reload255.elf");
    await Promise.all([
      buildFirmware(fixture("timing"), "qemu-mps2-an500", elf),
      buildFirmware(fixture("timing"), "qemu-mps2-an500", smallReloadElf, { extraCflags: ["-DMOTE_SYSTICK_RELOAD=0xFFu"] }),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loops of 1k, 100k and 1M instructions measure exactly, and repeat identically", async () => {
    const overhead = await measure(elf, 0);
    expect(overhead % RESOLUTION).toBe(0);
    expect(overhead).toBeLessThanOrEqual(200);
    for (const instructions of [1_000, 100_000, 1_000_000]) {
      const measured = (await measure(elf, instructions / 2)) - overhead;
      expect(Math.abs(measured - instructions)).toBeLessThanOrEqual(RESOLUTION);
    }
    const first = await measure(elf, 123_457);
    const second = await measure(elf, 123_457);
    expect(second).toBe(first);
    expect(Math.abs(first - overhead - 2 * 123_457)).toBeLessThanOrEqual(RESOLUTION);
  });

  it("SysTick wraps are counted (reload 255: one wrap per 10,240 instructions)", async () => {
    const period = 256 * RESOLUTION;
    const overhead = await measure(smallReloadElf, 0);
    for (const instructions of [100_000, 2_000_000]) {
      const wraps = Math.ceil(instructions / period);
      const extra = (await measure(smallReloadElf, instructions / 2)) - overhead - instructions;
      expect(extra).toBeGreaterThanOrEqual(-RESOLUTION);
      expect(extra).toBeLessThanOrEqual(RESOLUTION + wraps * HANDLER_INSTRUCTIONS);
    }
  });
});
