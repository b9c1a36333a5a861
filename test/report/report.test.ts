/**
 * @fileoverview The compile report (compiler/report/, `mote compile`): report.json's memory
 * figures are present and consistent (peak SRAM = library .data + .bss + stack; flash = library
 * .text + .rodata + .data), arena_bytes is the size of `mote_arena` in the ELF, stack_bytes is
 * what `mote run --target qemu` prints for the same model on the same (all-zero-point) input,
 * the memory timeline SVG is written and linked, and a model too big for a board fails the fit
 * check naming the memory, the bytes short and the peak layer (also with --no-firmware).
 *
 * Quick: `mote compile` runs in-process (compileCommand; a MoteError's oneLine() is what the CLI
 * prints), one small shared model (ad01_int8) through the toolchain, synthetic one-op RELU models
 * for the rest. Toolchain cases skip with a message without arm-none-eabi-gcc / QEMU.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

import { compileCommand } from "../../compiler/cli/compile.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { DEFAULT_PLAN } from "../../compiler/plan/planner.ts";
import { DEFAULT_BOARD, loadBoard } from "../../compiler/toolchain/boards.ts";
import { contiguousRanges } from "../../compiler/report/fit.ts";
import { parseLinkerMap, symbolSizes } from "../../compiler/report/linker-map.ts";
import { buildModel, oneOpModel } from "../import/tflite-builder.ts";
import { needModels, needTools, sharedFile } from "../support/shared.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-report-"));

/** `mote compile` in-process (no tsx start-up per call); its stderr/stdout lines are dropped. */
async function compileHere(model: string, out: string, board = DEFAULT_BOARD, firmware = true): Promise<Record<string, any>> {
  const write = { err: process.stderr.write, out: process.stdout.write };
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await compileCommand(model, { out, board, plan: DEFAULT_PLAN, mode: "codegen", firmware });
  } finally {
    process.stderr.write = write.err;
    process.stdout.write = write.out;
  }
  return JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
}

/** A one-op int8 RELU model on [1, n] tensors: input + output are 2n bytes live at step 0. */
function reluModel(n: number, name: string): string {
  const spec = oneOpModel({ code: 19 }); // BuiltinOperator RELU
  for (const t of spec.subgraphs[0]!.tensors) t.shape = [1, n];
  const file = path.join(tmp, name);
  fs.writeFileSync(file, buildModel(spec));
  return file;
}

describe("board memories", () => {
  it("merges adjacent regions into one contiguous range", () => {
    const f7 = contiguousRanges(loadBoard("stm32f746g-disco"), "ram");
    expect(f7).toEqual([{ name: "dtcm+sram1+sram2", origin: 0x20000000, length: 320 * 1024 }]);
    const h7 = contiguousRanges(loadBoard("nucleo-h743zi"), "ram");
    expect(h7[0]).toMatchObject({ name: "axi-sram", length: 512 * 1024 });
    expect(h7.find((r) => r.name === "sram1+sram2+sram3")?.length).toBe(288 * 1024);
  });
});

describe("linker map parsing", () => {
  it("attributes input sections (one-line and wrapped) and archive members to files", () => {
    const map = [
      "Archive member included to satisfy reference by file (symbol)",
      "",
      "/lib/libc.a(memcpy.o)",
      "                              /tmp/b.o (memcpy)",
      "",
      "Discarded input sections",
      "",
      " .text          0x00000000        0x8 /tmp/a.o",
      "",
      "Linker script and memory map",
      "",
      "LOAD /tmp/a.o",
      "LOAD /tmp/b.o",
      "LOAD /lib/libc.a",
      "",
      ".text           0x00000000      0x100",
      " .text.main     0x00000000       0x20 /tmp/a.o",
      " .text.mote_invoke",
      "                0x00000020       0x40 /tmp/b.o",
      "                0x00000020                mote_invoke",
      " *fill*         0x00000060        0x4 ",
      " .text          0x00000064       0x30 /lib/libc.a(memcpy.o)",
      ".bss            0x20000000      0x310 load address 0x00000100",
      " .bss.mote_arena",
      "                0x20000000      0x300 /tmp/b.o",
      "LOAD linker stubs",
    ].join("\n");
    const parsed = parseLinkerMap(map);
    expect(parsed.objects).toEqual(["/tmp/a.o", "/tmp/b.o"]);
    expect(parsed.members.get("/lib/libc.a(memcpy.o)")).toBe("/tmp/b.o");
    expect(parsed.sections).toEqual([
      { output: ".text", input: ".text.main", bytes: 0x20, file: "/tmp/a.o" },
      { output: ".text", input: ".text.mote_invoke", bytes: 0x40, file: "/tmp/b.o" },
      { output: ".text", input: ".text", bytes: 0x30, file: "/lib/libc.a(memcpy.o)" },
      { output: ".bss", input: ".bss.mote_arena", bytes: 0x300, file: "/tmp/b.o" },
    ]);
  });
});

describe("fit check", () => {
  it("names the memory, the bytes short and the peak layer (--no-firmware)", async () => {
    // 400 KB even if the lowering ran RELU in place; 800 KB otherwise.
    const model = reluModel(400_000, "big_relu.tflite");
    const error = await compileHere(model, path.join(tmp, "big"), "stm32f746g-disco", false).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MoteError);
    const line = [(error as MoteError).oneLine()]; // what the CLI prints, exit status 1
    const m = /^error MOTE4001: model does not fit stm32f746g-disco: RAM \(dtcm\+sram1\+sram2\): arena (\d+) \+ other statics 0 \+ stack 8192 \(reserved\) needs (\d+) bytes, 327680 available \((\d+) bytes short\); peak at op 0 \(RELU, (\d+) bytes live\)$/.exec(line[0]!);
    expect(m, line[0]).not.toBeNull();
    const [arena, need, short] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(arena).toBeGreaterThanOrEqual(400_000);
    expect(Number(m![4])).toBeLessThanOrEqual(arena);
    expect(need).toBe(arena + 8192);
    expect(short).toBe(need - 327_680);
  });

  it("lets a model that fits through, and writes the report and the timeline without firmware", async () => {
    const model = reluModel(1000, "small_relu.tflite");
    const out = path.join(tmp, "small");
    const report = await compileHere(model, out, "stm32f746g-disco", false);
    // Input and output each its own buffer: 2 x 1000 bytes (in-place RELU may share them).
    expect(report.lower_bound_bytes).toBeGreaterThanOrEqual(2000);
    expect(report.arena_bytes).toBeGreaterThanOrEqual(1000);
    for (const k of ["stack_bytes", "data_bytes", "bss_bytes", "peak_sram_bytes", "flash_bytes"]) expect(report[k], k).toBeNull();
    const svg = fs.readFileSync(path.join(out, report.memory_timeline), "utf8");
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(svg).toMatch(/t0\+? in|t1\+? out/);
    expect(svg).toContain(`lower bound ${report.lower_bound_bytes} B`);
    expect(svg).toContain(`arena ${report.arena_bytes} B`);
    expect(fs.readFileSync(path.join(out, "report.md"), "utf8")).toContain(`](${report.memory_timeline})`);
  });
});

const firmwareTools = needTools("arm-none-eabi-gcc", "arm-none-eabi-readelf", "arm-none-eabi-nm", "qemu-system-arm");
const ad01 = needModels("ad01_int8");

describe.skipIf(firmwareTools.skip || ad01.skip)("report.json of a firmware build (ad01_int8)", () => {
  const model = sharedFile("models", "ad01_int8.tflite");
  const out = path.join(tmp, "ad01");
  let report: Promise<Record<string, any>> | undefined;
  const compiled = () => (report ??= compileHere(model, out));

  it("has every memory figure, consistent with its definition", async () => {
    const rep = await compiled();
    for (const k of ["arena_bytes", "lower_bound_bytes", "stack_bytes", "data_bytes", "bss_bytes", "peak_sram_bytes", "flash_bytes"]) {
      expect(Number.isInteger(rep[k]), k).toBe(true);
    }
    expect(rep.peak_sram_bytes).toBe(rep.data_bytes + rep.bss_bytes + rep.stack_bytes);
    expect(rep.flash_bytes).toBe(rep.text_bytes + rep.rodata_bytes + rep.data_bytes);
    expect(rep.bss_bytes).toBeGreaterThanOrEqual(rep.arena_bytes);
    expect(rep.rodata_bytes).toBeGreaterThanOrEqual(rep.constant_bytes);
    // The library is part of the firmware, which also holds the harness.
    expect(rep.firmware.flash_bytes).toBeGreaterThan(rep.flash_bytes);
    expect(rep.firmware.bss_bytes).toBeGreaterThanOrEqual(rep.bss_bytes);
    expect(rep.stack_bytes).toBeGreaterThan(0);
    expect(rep.definitions.peak_sram_bytes).toMatch(/data_bytes \+ bss_bytes \+ stack_bytes/);
    expect(fs.statSync(path.join(out, rep.memory_timeline)).size).toBeGreaterThan(1000);
  });

  it("arena_bytes is the size of mote_arena in the ELF", async () => {
    const rep = await compiled();
    expect(await symbolSizes(path.join(out, "firmware.elf"), "mote_arena")).toEqual([rep.arena_bytes]);
    expect(fs.readFileSync(path.join(out, "firmware.map"), "utf8")).toMatch(
      new RegExp(`\\.bss\\.mote_arena\\s+0x[0-9a-f]+\\s+0x${rep.arena_bytes.toString(16)}\\s`),
    );
  });

  it("stack_bytes and instructions equal what `mote run --target qemu` reports (its own build)", async () => {
    const rep = await compiled();
    // runModel is what `mote run` prints; golden input_0 is all zero points, as compile's run.
    const input = new Uint8Array(fs.readFileSync(sharedFile("golden", "ad01_int8", "input_0.bin")));
    const run = await runModel(loadModel(model), [input], "qemu", { plan: DEFAULT_PLAN });
    expect(run.stackBytes).toBe(rep.stack_bytes);
    expect(run.instructions).toBe(rep.instructions);
  });
});
