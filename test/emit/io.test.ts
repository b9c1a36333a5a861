/**
 * @fileoverview The model's interface in the C library (compiler/ir/io.ts, compiler/build/io.ts,
 * compiler/emit/c/io.ts) and in the reports:
 *  - for each shared model, model.h's MOTE_INPUT0_* / MOTE_OUTPUT0_* constants, the
 *    mote_tensor_info table, report.json's `io` rows, report.md's I/O table and modelIo() give
 *    the name, shape, dtype, scale, zero point and bytes of ../shared/golden/<model>/meta.json;
 *  - a C program (host gcc -Werror) quantizes floats through mote_quantize_input() and gets the
 *    golden input bytes (vww_96_int8 input_8: pixel / 255 with scale 1/255, zero point -128;
 *    pretrainedResnet_quant input_8: the pixels, scale 1), runs the model to the golden output
 *    and dequantizes it through mote_dequantize_output() to exactly float(scale * (q - zp)), in
 *    codegen (vww), --specialize off and interpreter mode (CIFAR); wrong index, count, dtype and NULL give
 *    their status; the TypeScript helpers (compiler/run/io.ts) give the same bytes and floats;
 *  - a two-input, two-output graph with float32 and int8 I/O: mote_tensor_info and the constants
 *    say float32 / not quantized, the helpers refuse the float tensors and convert the int8 ones
 *    exactly as the model's own QUANTIZE and DEQUANTIZE ops (halves away from zero, clamping, NaN);
 *  - model.h compiles as C++ (g++ -Wall -Wextra -Werror) and model.c with arm-none-eabi-gcc
 *    -Wall -Wextra -Werror for the Cortex-M7, in every mode.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitCLibrary, writeCLibrary } from "../../compiler/emit/c/model.ts";
import { cFloat, cString } from "../../compiler/emit/c/io.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { modelIo, type TensorInfo } from "../../compiler/ir/io.ts";
import type { ModelProgram } from "../../compiler/ir/program.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { buildReport, layerRows, reportMarkdown } from "../../compiler/report/report.ts";
import { dequantizeOutput, quantizeInput } from "../../compiler/run/io.ts";
import { MoteError } from "../../compiler/diagnostics.ts";
import { compileCommand } from "../../compiler/cli/compile.ts";
import { buildDir } from "../support/fixtures.ts";
import { MODEL_NAMES, needModels, needTools, readBytes, REPO, sharedFile } from "../support/shared.ts";

const models = needModels(...MODEL_NAMES);
const gcc = needTools("gcc");
const gxx = needTools("g++");
const arm = needTools("arm-none-eabi-gcc");
const tmp = buildDir("io");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface MetaTensor { name: string; dtype: string; shape: number[]; scale: number; zero_point: number; bytes: number; tensor_index: number }
const meta = (model: string): { input: MetaTensor; output: MetaTensor; num_model_inputs: number; num_model_outputs: number } =>
  JSON.parse(fs.readFileSync(sharedFile("golden", model, "meta.json"), "utf8"));

/** model.h's `#define NAME VALUE` lines. */
function defines(h: string): Map<string, string> {
  return new Map([...h.matchAll(/^#define (\w+) (.+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** A C integer or float literal as a number ("(-128)" -> -128, "0.5f" -> 0.5). */
const cNumber = (s: string): number => Number(s.replace(/^\((.*)\)$/, "$1").replace(/f$/, ""));

function expectTensor(d: Map<string, string>, prefix: string, m: MetaTensor): void {
  expect(d.get(`${prefix}_DTYPE`)).toBe(`MOTE_DTYPE_${m.dtype.toUpperCase()}`);
  expect(cNumber(d.get(`${prefix}_RANK`)!)).toBe(m.shape.length);
  m.shape.forEach((dim, j) => expect(cNumber(d.get(`${prefix}_DIM${j}`)!), `${prefix}_DIM${j}`).toBe(dim));
  expect(d.has(`${prefix}_DIM${m.shape.length}`)).toBe(false);
  expect(cNumber(d.get(`${prefix}_BYTES`)!)).toBe(m.bytes);
  expect(cNumber(d.get(`${prefix}_ELEMENTS`)!)).toBe(m.shape.reduce((a, b) => a * b, 1));
  // meta.json gives the float32 scale to 9 digits: the same float.
  expect(Math.fround(cNumber(d.get(`${prefix}_SCALE`)!))).toBe(Math.fround(m.scale));
  expect(cNumber(d.get(`${prefix}_ZERO_POINT`)!)).toBe(m.zero_point);
  expect(d.get(`${prefix}_QUANTIZED`)).toBe("1");
}

function expectInfo(t: TensorInfo, m: MetaTensor): void {
  expect({ name: t.name, dtype: t.dtype, shape: t.shape, zeroPoint: t.zeroPoint, bytes: t.bytes, tensor: t.tensor, quantized: t.quantized })
    .toEqual({ name: m.name, dtype: m.dtype, shape: m.shape, zeroPoint: m.zero_point, bytes: m.bytes, tensor: m.tensor_index, quantized: true });
  expect(t.scale).toBe(Math.fround(m.scale));
}

describe.skipIf(models.skip)("the I/O table of each shared model matches the model", () => {
  for (const name of MODEL_NAMES) {
    it(name, () => {
      const graph = loadModel(sharedFile("models", `${name}.tflite`));
      const r = buildFor(graph, {});
      const m = meta(name);
      const lib = emitCLibrary(r.program);
      const d = defines(lib["model.h"]);
      expect(cNumber(d.get("MOTE_NUM_INPUTS")!)).toBe(m.num_model_inputs);
      expect(cNumber(d.get("MOTE_NUM_OUTPUTS")!)).toBe(m.num_model_outputs);
      expectTensor(d, "MOTE_INPUT0", m.input);
      expectTensor(d, "MOTE_OUTPUT0", m.output);
      // The table in model.c: the name and the constants.
      expect(lib["model.c"]).toContain(`{ "${m.input.name}", MOTE_INPUT0_DTYPE, MOTE_INPUT0_RANK, mote_input0_shape, MOTE_INPUT0_SCALE,`);
      expect(lib["model.c"]).toContain(`static const int32_t mote_input0_shape[${m.input.shape.length}] = { ${m.input.shape.join(", ")} };`);
      expect(lib["model.c"]).toContain(`{ "${m.output.name}", MOTE_OUTPUT0_DTYPE,`);

      const io = modelIo(graph);
      expectInfo(io.inputs[0]!, m.input);
      expectInfo(io.outputs[0]!, m.output);

      const report = JSON.parse(JSON.stringify(buildReport({ graph, r, board: "qemu-mps2-an500", mode: "codegen", plan: "search", layers: layerRows(graph, r, "codegen") })));
      const row = (t: MetaTensor) => ({ name: t.name, shape: t.shape, dtype: t.dtype, zero_point: t.zero_point, bytes: t.bytes, tensor: t.tensor_index, quantized: true });
      expect(report.io.map((x: Record<string, unknown>) => ({ ...x, scale: undefined }))).toEqual([
        { kind: "input", index: 0, ...row(m.input), scale: undefined },
        { kind: "output", index: 0, ...row(m.output), scale: undefined },
      ]);
      expect(Math.fround(report.io[0].scale)).toBe(Math.fround(m.input.scale));
      expect(Math.fround(report.io[1].scale)).toBe(Math.fround(m.output.scale));
      const md = reportMarkdown(report);
      expect(md).toContain(`| input 0 | \`${m.input.name}\` | [${m.input.shape.join(", ")}] | int8 | ${m.input.scale} | ${m.input.zero_point} | ${m.input.bytes.toLocaleString("en")} |`);
      expect(md).toContain(`| output 0 | \`${m.output.name}\` | [${m.output.shape.join(", ")}] | int8 | ${m.output.scale} | ${m.output.zero_point} | ${m.output.bytes.toLocaleString("en")} |`);
    });
  }
});

/** gcc -Werror on the library in `dir` with `main`; runs it in `dir` with `args`; its stdout. */
function buildAndRun(dir: string, main: string, args: string[] = []): string {
  fs.writeFileSync(path.join(dir, "main.c"), main);
  const exe = path.join(dir, "main");
  execFileSync("gcc", ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", dir, "-I", path.join(REPO, "runtime"), "-o", exe, path.join(dir, "main.c"), path.join(dir, "model.c")], { stdio: "pipe" });
  return execFileSync(exe, args, { cwd: dir, encoding: "utf8" });
}

/**
 * For a one-input, one-output int8 model: reads floats.bin, checks the statuses of wrong calls,
 * quantizes into the input (input.bin), runs, writes the output bytes (output.bin) and the
 * dequantized floats (dequantized.bin), and prints the table.
 */
const SINGLE_MAIN = `
#include <stdio.h>
#include <string.h>
#include "model.h"

static float in[MOTE_INPUT0_ELEMENTS];
static float out[MOTE_OUTPUT0_ELEMENTS];

static int save(const char *file, const void *data, size_t bytes) {
  FILE *f = fopen(file, "wb");
  if (f == NULL || fwrite(data, 1, bytes, f) != bytes) return 1;
  return fclose(f);
}

int main(void) {
  FILE *f = fopen("floats.bin", "rb");
  if (f == NULL || fread(in, sizeof in[0], MOTE_INPUT0_ELEMENTS, f) != MOTE_INPUT0_ELEMENTS) return 10;
  fclose(f);
  printf("bad index %d %d %d %d\\n", mote_quantize_input(1, in, MOTE_INPUT0_ELEMENTS), mote_quantize_input(-1, in, MOTE_INPUT0_ELEMENTS),
         mote_dequantize_output(1, out, MOTE_OUTPUT0_ELEMENTS), mote_input_info(1) == NULL && mote_output_info(-1) == NULL);
  printf("bad count %d %d\\n", mote_quantize_input(0, in, MOTE_INPUT0_ELEMENTS - 1), mote_dequantize_output(0, out, MOTE_OUTPUT0_ELEMENTS + 1));
  printf("null %d %d\\n", mote_quantize_input(0, NULL, MOTE_INPUT0_ELEMENTS), mote_dequantize_output(0, NULL, MOTE_OUTPUT0_ELEMENTS));
  if (mote_quantize_input(0, in, MOTE_INPUT0_ELEMENTS) != MOTE_IO_OK) return 11;
  if (save("input.bin", mote_input(0), mote_input_bytes(0))) return 12;
  if (mote_invoke() != 0) return 13;
  if (save("output.bin", mote_output(0), mote_output_bytes(0))) return 14;
  if (mote_dequantize_output(0, out, MOTE_OUTPUT0_ELEMENTS) != MOTE_IO_OK) return 15;
  if (save("dequantized.bin", out, sizeof out)) return 16;
  const mote_tensor_info *i = mote_input_info(0);
  const mote_tensor_info *o = mote_output_info(0);
  printf("input %s %d %d [%d %d %d %d] %a %d %u %u %d\\n", i->name, (int)i->dtype, i->rank, (int)i->shape[0], (int)i->shape[1],
         i->rank > 2 ? (int)i->shape[2] : -1, i->rank > 3 ? (int)i->shape[3] : -1, i->scale, (int)i->zero_point,
         (unsigned)i->elements, (unsigned)i->bytes, i->quantized);
  printf("output %s %d %d %a %d %u %d\\n", o->name, (int)o->dtype, o->rank, o->scale, (int)o->zero_point, (unsigned)o->bytes, o->quantized);
  printf("scale constants %d %d\\n", i->scale == MOTE_INPUT0_SCALE, o->scale == MOTE_OUTPUT0_SCALE);
  return 0;
}
`;

/** C's "%a" of a float promoted to double, for the float32 `v`. */
function hexFloat(v: number): string {
  if (v === 0) return "0x0p+0";
  const exp = Math.floor(Math.log2(Math.abs(v)));
  const mant = Math.abs(v) / 2 ** exp;
  let frac = Math.round((mant - 1) * 2 ** 52).toString(16).padStart(13, "0").replace(/0+$/, "");
  if (frac) frac = `.${frac}`;
  return `${v < 0 ? "-" : ""}0x1${frac}p${exp >= 0 ? "+" : ""}${exp}`;
}

const pixelsOf = (input: Uint8Array): number[] => Array.from(new Int8Array(input.buffer, input.byteOffset, input.length), (q) => q + 128);

/** The golden photo input_8 of each image model as the floats a caller has: pixel / 255 (vww) or the pixel (CIFAR). */
const MODES = [
  { name: "codegen", opts: {} },
  { name: "specialize off", opts: { specialize: false } },
  { name: "interpreter", opts: { mode: "interpreter" as const } },
];

/**
 * The golden photo input_8 of each image model as the floats a caller has: pixel / 255 (vww) or
 * the pixel (CIFAR); each mode runs once (gcc -O2 on vww's specialized library alone takes ~5 s).
 */
const PHOTO_CASES = [
  { model: "vww_96_int8", floats: (pixels: number[]) => Float32Array.from(pixels, (p) => p / 255), modes: ["codegen"] },
  { model: "pretrainedResnet_quant", floats: (pixels: number[]) => Float32Array.from(pixels), modes: ["specialize off", "interpreter"] },
];

describe.skipIf(models.skip)("quantize and dequantize helpers give the golden bytes", () => {
  for (const c of PHOTO_CASES) {
    const golden = (f: string) => readBytes(sharedFile("golden", c.model, f));

    it(`${c.model}: the TypeScript helpers (kernels/quantize.ts, dequantize.ts)`, () => {
      const io = modelIo(loadModel(sharedFile("models", `${c.model}.tflite`)));
      const input = golden("input_8.bin");
      expect(quantizeInput(io.inputs[0]!, c.floats(pixelsOf(input)))).toEqual(input);
      const out = golden("output_8.bin");
      const o = io.outputs[0]!;
      expect(Array.from(dequantizeOutput(o, out))).toEqual(Array.from(new Int8Array(out.buffer, out.byteOffset, out.length), (q) => Math.fround(o.scale * (q - o.zeroPoint))));
      expect(() => quantizeInput(io.inputs[0]!, [1, 2, 3])).toThrow(MoteError);
      expect(() => quantizeInput(io.inputs[0]!, [1, 2, 3])).toThrow(/MOTE6030|cannot quantize model tensor .*: 3 values for its \d+ elements/);
    });

    for (const mode of MODES.filter((m) => c.modes.includes(m.name))) {
      it.skipIf(gcc.skip)(`${c.model}, ${mode.name}: C mote_quantize_input -> golden input_8, mote_invoke -> output_8, mote_dequantize_output`, () => {
        const graph = loadModel(sharedFile("models", `${c.model}.tflite`));
        const { program } = buildFor(graph, mode.opts);
        const dir = path.join(tmp, `${c.model}-${mode.name.replace(/ /g, "-")}`);
        writeCLibrary(program, dir);
        const input = golden("input_8.bin");
        fs.writeFileSync(path.join(dir, "floats.bin"), new Uint8Array(c.floats(pixelsOf(input)).buffer));
        const stdout = buildAndRun(dir, SINGLE_MAIN);
        expect(stdout).toContain("bad index 1 1 1 1\n");
        expect(stdout).toContain("bad count 2 2\n");
        expect(stdout).toContain("null 4 4\n");
        expect(readBytes(path.join(dir, "input.bin"))).toEqual(input);
        const out = readBytes(path.join(dir, "output.bin"));
        expect(out).toEqual(golden("output_8.bin"));
        const m = meta(c.model);
        const scale = Math.fround(m.output.scale);
        const deq = new Float32Array(readBytes(path.join(dir, "dequantized.bin")).buffer);
        expect(Array.from(deq)).toEqual(Array.from(new Int8Array(out.buffer), (q) => Math.fround(scale * (q - m.output.zero_point))));
        const shape = [...m.input.shape, -1, -1].slice(0, 4).join(" ");
        expect(stdout).toContain(`input ${m.input.name} 9 ${m.input.shape.length} [${shape}] ${hexFloat(Math.fround(m.input.scale))} ${m.input.zero_point} ${m.input.bytes} ${m.input.bytes} 1\n`);
        expect(stdout).toContain(`output ${m.output.name} 9 ${m.output.shape.length} ${hexFloat(scale)} ${m.output.zero_point} ${m.output.bytes} 1\n`);
        expect(stdout).toContain("scale constants 1 1\n");
      });
    }
  }
});

/** in0 float32 -QUANTIZE-> out0 int8 (scale 0.5, zp -3); in1 int8 (scale 0.25, zp 7) -DEQUANTIZE-> out1 float32. */
function mixedGraph(): Graph {
  const n = 12;
  return {
    name: "mixed_io",
    tensors: [
      { index: 0, name: "floats_in", dtype: "float32", shape: [1, n], isVariable: false },
      { index: 1, name: "q_out", dtype: "int8", shape: [1, n], quant: { scale: [0.5], zeroPoint: [-3], quantizedDimension: 0 }, isVariable: false },
      { index: 2, name: "q_in", dtype: "int8", shape: [1, 3, 4], quant: { scale: [0.25], zeroPoint: [7], quantizedDimension: 0 }, isVariable: false },
      { index: 3, name: "floats_out", dtype: "float32", shape: [1, 3, 4], isVariable: false },
    ],
    ops: [
      { index: 0, opcode: "QUANTIZE", version: 1, inputs: [0], outputs: [1], options: {} },
      { index: 1, opcode: "DEQUANTIZE", version: 1, inputs: [2], outputs: [3], options: {} },
    ],
    inputs: [0, 2],
    outputs: [1, 3],
  };
}

/** Halves (away from zero), clamping both ways, NaN and infinities, a negative zero. */
const MIXED_FLOATS = Float32Array.from([-1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 1000, -1000, NaN, Infinity, -Infinity, -0]);
const MIXED_FLOATS_1 = Float32Array.from([-2.375, -1.875, -0.125, 0.125, 1.875, 2.375, 31.9, -33.1, 0, 1e-9, 5, -5]);

const MIXED_MAIN = `
#include <stdio.h>
#include <string.h>
#include "model.h"

static int save(const char *file, const void *data, size_t bytes) {
  FILE *f = fopen(file, "wb");
  if (f == NULL || fwrite(data, 1, bytes, f) != bytes) return 1;
  return fclose(f);
}

int main(void) {
  static float a[MOTE_INPUT0_ELEMENTS], b[MOTE_INPUT1_ELEMENTS], c[MOTE_OUTPUT0_ELEMENTS], d[MOTE_OUTPUT1_ELEMENTS];
  FILE *f = fopen("floats.bin", "rb");
  if (f == NULL || fread(a, sizeof a[0], MOTE_INPUT0_ELEMENTS, f) != MOTE_INPUT0_ELEMENTS) return 10;
  if (fread(b, sizeof b[0], MOTE_INPUT1_ELEMENTS, f) != MOTE_INPUT1_ELEMENTS) return 10;
  fclose(f);
  printf("dtypes %d %d %d %d quantized %d %d %d %d\\n", MOTE_INPUT0_DTYPE, MOTE_INPUT1_DTYPE, MOTE_OUTPUT0_DTYPE, MOTE_OUTPUT1_DTYPE,
         MOTE_INPUT0_QUANTIZED, MOTE_INPUT1_QUANTIZED, MOTE_OUTPUT0_QUANTIZED, MOTE_OUTPUT1_QUANTIZED);
  printf("float scale %d %d %d %d\\n", mote_input_info(0)->scale == 0.0f, (int)mote_input_info(0)->zero_point, mote_output_info(1)->rank, (int)mote_output_info(1)->shape[2]);
  printf("not quantized %d %d\\n", mote_quantize_input(0, a, MOTE_INPUT0_ELEMENTS), mote_dequantize_output(1, d, MOTE_OUTPUT1_ELEMENTS));
  memcpy(mote_input(0), a, sizeof a);
  if (mote_quantize_input(1, b, MOTE_INPUT1_ELEMENTS) != MOTE_IO_OK) return 11;
  if (save("q_in.bin", mote_input(1), mote_input_bytes(1))) return 12;
  if (mote_invoke() != 0) return 13;
  if (save("q_out.bin", mote_output(0), mote_output_bytes(0))) return 14;
  if (save("floats_out.bin", mote_output(1), mote_output_bytes(1))) return 15;
  if (mote_dequantize_output(0, c, MOTE_OUTPUT0_ELEMENTS) != MOTE_IO_OK) return 16;
  return save("dequantized.bin", c, sizeof c);
}
`;

describe.skipIf(gcc.skip)("float32 and int8 I/O side by side", () => {
  const graph = mixedGraph();
  const io = modelIo(graph);

  it("the table: float32 tensors have scale 0 and are not quantized", () => {
    expect(io.inputs.map((t) => [t.name, t.dtype, t.scale, t.zeroPoint, t.quantized])).toEqual([["floats_in", "float32", 0, 0, false], ["q_in", "int8", 0.25, 7, true]]);
    expect(io.outputs.map((t) => [t.name, t.dtype, t.shape, t.quantized])).toEqual([["q_out", "int8", [1, 12], true], ["floats_out", "float32", [1, 3, 4], false]]);
    expect(() => quantizeInput(io.inputs[0]!, MIXED_FLOATS)).toThrow(/cannot quantize model tensor 'floats_in': it is float32 without a scale, not int8 with one scale/);
  });

  for (const mode of MODES) {
    it(`${mode.name}: the helpers refuse float32 tensors and convert int8 ones as the model's QUANTIZE and DEQUANTIZE`, () => {
      const { program } = buildFor(graph, { ...mode.opts, verify: true });
      const dir = path.join(tmp, `mixed-${mode.name.replace(/ /g, "-")}`);
      writeCLibrary(program, dir);
      const floats = new Float32Array([...MIXED_FLOATS, ...MIXED_FLOATS_1]);
      fs.writeFileSync(path.join(dir, "floats.bin"), new Uint8Array(floats.buffer));
      const stdout = buildAndRun(dir, MIXED_MAIN);
      expect(stdout).toContain("dtypes 1 9 9 1 quantized 0 1 1 0\n");
      expect(stdout).toContain("float scale 1 0 3 4\n");
      expect(stdout).toContain("not quantized 3 3\n");
      // mote_quantize_input == the TypeScript kernel; the model's QUANTIZE == the same kernel on out0's record.
      const qIn = readBytes(path.join(dir, "q_in.bin"));
      expect(qIn).toEqual(quantizeInput(io.inputs[1]!, MIXED_FLOATS_1));
      const qOut = readBytes(path.join(dir, "q_out.bin"));
      expect(Array.from(new Int8Array(qOut.buffer))).toEqual([-6, -5, -4, -2, -1, 0, 127, -128, -128, 127, -128, -3]);
      expect(qOut).toEqual(quantizeInput(io.outputs[0]!, MIXED_FLOATS));
      // The model's DEQUANTIZE of q_in == dequantizeOutput on q_in's record; mote_dequantize_output == the kernel.
      expect(new Float32Array(readBytes(path.join(dir, "floats_out.bin")).buffer)).toEqual(dequantizeOutput(io.inputs[1]!, qIn));
      expect(new Float32Array(readBytes(path.join(dir, "dequantized.bin")).buffer)).toEqual(dequantizeOutput(io.outputs[0]!, qOut));
    });
  }
});

describe("model.h and model.c build for C++ and for the Cortex-M7 with -Wall -Wextra -Werror", () => {
  const programs = (): [string, ModelProgram][] => {
    const list: [string, Graph][] = [["mixed", mixedGraph()]];
    if (models.ok) list.push(["kws", loadModel(sharedFile("models", "kws_ref_model.tflite"))]);
    // Every mode on the small graph, the specialized kws library (the generic kernels are the same C in every model).
    return list.flatMap(([name, g]) => MODES.filter((m) => name === "mixed" || m.name === "codegen")
      .map((m): [string, ModelProgram] => [`${name}-${m.name.replace(/ /g, "-")}`, buildFor(g, m.opts).program]));
  };

  it.skipIf(gxx.skip)("g++: model.h from C++ (extern \"C\", the table and the helpers)", () => {
    for (const [name, program] of programs()) {
      const dir = path.join(tmp, `cxx-${name}`);
      writeCLibrary(program, dir);
      const cpp = path.join(dir, "use.cpp");
      fs.writeFileSync(cpp, [
        '#include "model.h"',
        "int use(float *values) {",
        "  const mote_tensor_info *t = mote_input_info(0);",
        "  mote_dtype d = MOTE_INPUT0_DTYPE;",
        "  float s = MOTE_OUTPUT0_SCALE;",
        "  return (t != nullptr && d == t->dtype && s >= 0.0f) ? mote_quantize_input(0, values, MOTE_INPUT0_ELEMENTS) : mote_invoke();",
        "}",
        "",
      ].join("\n"));
      execFileSync("g++", ["-std=c++11", "-Wall", "-Wextra", "-Werror", "-I", dir, "-c", cpp, "-o", path.join(dir, "use.o")], { stdio: "pipe" });
    }
  });

  it.skipIf(arm.skip)("arm-none-eabi-gcc: model.c for the Cortex-M7", () => {
    const board = JSON.parse(fs.readFileSync(path.join(REPO, "boards/qemu-mps2-an500/board.json"), "utf8")) as { cflags: string[] };
    for (const [name, program] of programs()) {
      const dir = path.join(tmp, `arm-${name}`);
      writeCLibrary(program, dir);
      execFileSync("arm-none-eabi-gcc", [...board.cflags, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", dir, "-c", path.join(dir, "model.c"), "-o", path.join(dir, "model.o")], { stdio: "pipe" });
    }
  });
});

describe.skipIf(models.skip)("mote compile writes the I/O table", () => {
  it("ad01_int8 --no-firmware: report.json io, report.md and model.h agree", async () => {
    const out = path.join(tmp, "compile-ad01");
    const write = { err: process.stderr.write, out: process.stdout.write };
    process.stderr.write = (() => true) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await compileCommand(sharedFile("models", "ad01_int8.tflite"), { out, board: "qemu-mps2-an500", plan: "search", mode: "codegen", firmware: false });
    } finally {
      process.stderr.write = write.err;
      process.stdout.write = write.out;
    }
    const m = meta("ad01_int8");
    const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
    expect(report.io.map((t: { name: string; shape: number[]; zero_point: number }) => [t.name, t.shape, t.zero_point]))
      .toEqual([[m.input.name, m.input.shape, m.input.zero_point], [m.output.name, m.output.shape, m.output.zero_point]]);
    expect(report.definitions.io).toMatch(/mote_tensor_info/);
    expect(fs.readFileSync(path.join(out, "report.md"), "utf8")).toContain("## Inputs and outputs");
    const d = defines(fs.readFileSync(path.join(out, "model.h"), "utf8"));
    expect(Math.fround(cNumber(d.get("MOTE_INPUT0_SCALE")!))).toBe(Math.fround(report.io[0].scale));
    expect(cNumber(d.get("MOTE_OUTPUT0_ZERO_POINT")!)).toBe(report.io[1].zero_point);
  });
});

describe.skipIf(gcc.skip)("C literals of the table", () => {
  it("cFloat is the float32 exactly and cString the UTF-8 bytes (gcc -Wall -Wextra -Werror -pedantic)", () => {
    const floats = [1 / 255, 0.5, 1, 100, 1e-30, 3.4e38, 0.00390625, 0.584702909, 0.00370104262, 123456789, 2 ** -126, 0.1];
    const names = ['a"b\\c?\n é??=', "serving_default_input_1:0", "*/ /*"];
    const dir = path.join(tmp, "literals");
    fs.mkdirSync(dir, { recursive: true });
    const src = [
      "#include <stdio.h>",
      "#include <string.h>",
      `static const float v[] = { ${floats.map(cFloat).join(", ")} };`,
      `static const char *s[] = { ${names.map(cString).join(", ")} };`,
      "int main(void) {",
      "  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) { unsigned u; memcpy(&u, &v[i], 4); printf(\"%08x\\n\", u); }",
      "  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) { for (const char *p = s[i]; *p; p++) printf(\"%02x\", (unsigned char)*p); printf(\"\\n\"); }",
      "  return 0;",
      "}",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "lit.c"), src);
    execFileSync("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-o", path.join(dir, "lit"), path.join(dir, "lit.c")], { stdio: "pipe" });
    const lines = execFileSync(path.join(dir, "lit"), { encoding: "utf8" }).trim().split("\n");
    const bits = (f: number) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, f, true); return b.getUint32(0, true).toString(16).padStart(8, "0"); };
    expect(lines.slice(0, floats.length)).toEqual(floats.map(bits));
    expect(lines.slice(floats.length)).toEqual(names.map((n) => Buffer.from(n, "utf8").toString("hex")));
  });
});
