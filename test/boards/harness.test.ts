/**
 * @fileoverview The real-board firmware's shared code (boards/common: startup, caches, harness,
 * profile hooks) run end to end in QEMU: a test board file (test/fixtures/boards/qemu-uart.c)
 * puts the UART on mps2-an500's CMSDK UART, which QEMU prints on stdout. What it prints is parsed
 * with the serial-log parser, so the firmware's lines and the parser are checked against each
 * other, and kws_ref_model's output on golden input_1 must be the golden bytes after several runs
 * (each run gets a fresh copy of the input: in-place execution overwrites it). QEMU models no
 * DWT, so cycles read 0 here; the STM32 clock and UART files are checked by compiling them
 * (boards.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildBoardFirmware } from "../../compiler/toolchain/board-firmware.ts";
import { loadBoard, type Board } from "../../compiler/toolchain/boards.ts";
import { runProcess } from "../../compiler/toolchain/exec.ts";
import { parseSerialLog } from "../../compiler/toolchain/serial-log.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { fixture } from "../support/fixtures.ts";
import { needModels, needTarget, readBytes, sharedFile } from "../support/shared.ts";
import { libraryOf } from "./support.ts";

const kws = needModels("kws_ref_model");
const qemu = needTarget("qemu");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-harness-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** nucleo-h743zi's firmware with the QEMU UART file instead of stm32h7.c, on mps2-an500's memories. */
function qemuUartBoard(): Board {
  const base = loadBoard("nucleo-h743zi");
  return {
    ...base,
    name: "qemu-uart-check",
    clockHz: 25_000_000,
    memories: [
      { name: "code", kind: "flash", origin: 0, length: 4 << 20 },
      { name: "sram", kind: "ram", origin: 0x20000000, length: 4 << 20 },
    ],
    firmware: {
      ...base.firmware!,
      sources: [...base.firmware!.sources.filter((s) => s.startsWith("../common/")), fixture("boards/qemu-uart.c")],
      stackMemory: "sram",
      dataMemories: ["sram"],
    },
  };
}

async function runInQemu(elf: string): Promise<{ code: number | null; log: string }> {
  const r = await runProcess("qemu-system-arm", [
    "-M", "mps2-an500", "-nographic", "-monitor", "none", "-serial", "stdio",
    "-semihosting-config", "enable=on,target=native", "-kernel", elf,
  ], { timeoutMs: 60_000 });
  return { code: r.code, log: r.stdout };
}

describe.skipIf(kws.skip || qemu.skip)("the real-board harness in QEMU", () => {
  let lib = "";
  let graph: Graph;
  beforeAll(() => {
    ({ dir: lib, graph } = libraryOf("kws_ref_model"));
  });
  afterAll(() => fs.rmSync(lib, { recursive: true, force: true }));

  it("prints what the serial-log parser reads, with the golden output after 3 runs", async () => {
    const input = readBytes(sharedFile("golden", "kws_ref_model", "input_1.bin"));
    const fw = await buildBoardFirmware(lib, qemuUartBoard(), path.join(tmp, "plain"), { inputs: [input], inputName: "input_1.bin", runs: 3 });
    const { code, log } = await runInQemu(fw.elf);
    expect(code, log).toBe(0);
    expect(log).toMatch(/^mote: board qemu-uart-check\r$/m);
    const parsed = parseSerialLog(log);
    expect(parsed).toMatchObject({ board: "qemu-uart-check", clockHz: 25_000_000, input: "input_1.bin", runsPlanned: 3, done: true, errors: [], layers: [] });
    expect(parsed.runs).toHaveLength(3);
    expect(parsed.stackBytes).toBeGreaterThan(0);
    expect(parsed.outputs).toHaveLength(graph.outputs.length);
    expect(Array.from(parsed.outputs[0]!)).toEqual(Array.from(readBytes(sharedFile("golden", "kws_ref_model", "output_1.bin"))));
  }, 120_000);

  it("a profiling build adds one layer line per layer of the last run", async () => {
    const fw = await buildBoardFirmware(lib, qemuUartBoard(), path.join(tmp, "profile"), { inputs: [readBytes(sharedFile("golden", "kws_ref_model", "input_2.bin"))], runs: 2, profile: true });
    const { code, log } = await runInQemu(fw.elf);
    expect(code, log).toBe(0);
    const parsed = parseSerialLog(log);
    expect(parsed.errors).toEqual([]);
    expect(parsed.layers.map((l) => l.key)).toEqual([...new Set(parsed.layers.map((l) => l.key))]); // one record per layer
    expect(parsed.layers.length).toBeGreaterThanOrEqual(10);
    expect(Array.from(parsed.outputs[0]!)).toEqual(Array.from(readBytes(sharedFile("golden", "kws_ref_model", "output_2.bin"))));
  }, 120_000);
});
