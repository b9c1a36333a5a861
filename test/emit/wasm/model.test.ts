/**
 * @fileoverview A whole (tiny) ModelProgram through compiler/emit/wasm/model.ts and run.ts: a
 * record constant, an int8 constant array added to the input with saturation, an absent optional
 * array (null), two steps chained through the arena; checks outputs against a TS computation,
 * the memory layout (16-aligned constants, arena after them), fresh state per run, the per-program
 * module cache, and the MOTE5005 input-size error.
 */
import { describe, expect, it, vi } from "vitest";
import type { ModelProgram } from "../../../compiler/ir/program.ts";
import type { RecordType } from "../../../compiler/ir/kir.ts";
import { buildWasm } from "../../../compiler/emit/wasm/model.ts";
import { compiledWasm, runWasm } from "../../../compiler/emit/wasm/run.ts";
import { MoteError } from "../../../compiler/diagnostics.ts";
import { array, bin, field, fn, forRange, int, intr, ld, record, st, v } from "./harness.ts";
import { tensorInfo } from "../../../compiler/ir/io.ts";

vi.mock("../../../compiler/emit/wasm/intrinsics.ts", async (importOriginal) => {
  if (!process.env.MOTE_WASM_INTRINSICS_STUB) {
    try {
      return await importOriginal();
    } catch {
      console.warn("compiler/emit/wasm/intrinsics.ts not found: using the test stub (sat8, toI8)");
    }
  }
  return await import("./intrinsics-stub.ts");
});

const ADD_PARAMS: RecordType = { name: "AddParams", fields: ["n", "bias"] };

/** out[i] = sat8(a[i] + b[i] + p.bias); `unused` is an optional array (passed null). */
const addConst = fn("add_const", [record("p", "AddParams"), array("a", "i8"), array("b", "i8"), array("unused", "i32"), array("out", "i8")], "void", [
  forRange("i", int(0), field("p", "n"), [
    st("out", "i8", v("i"), intr("sat8", [bin("add", bin("add", ld("a", "i8", v("i")), ld("b", "i8", v("i"))), field("p", "bias"))])),
  ]),
]);
/** out[i] += a[i] (accumulates: shows whether arena state leaks from one run into the next). */
const accumulate = fn("accumulate", [record("p", "AddParams"), array("a", "i8"), array("out", "i8")], "void", [
  forRange("i", int(0), field("p", "n"), [
    st("out", "i8", v("i"), bin("add", ld("out", "i8", v("i")), ld("a", "i8", v("i")))),
  ]),
]);

const N = 10;
const WEIGHTS = [1, -2, 3, -4, 100, -100, 127, -128, 0, 50];

function program(): ModelProgram {
  return {
    name: "tiny",
    arenaBytes: 48,
    constants: [
      { name: "params", elem: "i32", values: [N, 3] },
      { name: "odd_sized", elem: "i8", values: [1, 2, 3] },
      { name: "weights", elem: "i8", values: WEIGHTS },
    ],
    functions: [addConst, accumulate],
    records: [ADD_PARAMS],
    steps: [
      {
        fn: "add_const",
        args: [
          { k: "const", name: "params", elem: "i32" },
          { k: "arena", offset: 0, elem: "i8" },
          { k: "const", name: "weights", elem: "i8" },
          { k: "null", elem: "i32" },
          { k: "arena", offset: 16, elem: "i8" },
        ],
        label: "op 0 ADD",
        opIndex: 0,
      },
      {
        fn: "accumulate",
        args: [{ k: "const", name: "params", elem: "i32" }, { k: "arena", offset: 16, elem: "i8" }, { k: "arena", offset: 32, elem: "i8" }],
        label: "op 1 ACC",
        opIndex: 1,
      },
    ],
    inputs: [{ name: "input", offset: 0, bytes: N, tensor: 0, info: tensorInfo({ index: 0, name: "input", dtype: "int8", shape: [N], isVariable: false }) }],
    outputs: [
      { name: "sum", offset: 16, bytes: N, tensor: 1, info: tensorInfo({ index: 1, name: "sum", dtype: "int8", shape: [N], isVariable: false }) },
      { name: "acc", offset: 32, bytes: N, tensor: 2, info: tensorInfo({ index: 2, name: "acc", dtype: "int8", shape: [N], isVariable: false }) },
    ],
  };
}

function reference(input: Int8Array): [Int8Array, Int8Array] {
  const sum = new Int8Array(N);
  const acc = new Int8Array(N);
  for (let i = 0; i < N; i++) sum[i] = Math.max(-128, Math.min(127, input[i] + WEIGHTS[i] + 3));
  for (let i = 0; i < N; i++) acc[i] = acc[i] + sum[i];
  return [sum, acc];
}

const bytesOf = (a: Int8Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

describe("ModelProgram -> WASM module", () => {
  it("lays out constants 16-aligned after a reserved low block, arena after them", () => {
    const build = buildWasm(program());
    const params = build.constantAddresses.get("params")!;
    const odd = build.constantAddresses.get("odd_sized")!;
    const weights = build.constantAddresses.get("weights")!;
    expect(params).toBeGreaterThanOrEqual(16);
    for (const a of [params, odd, weights, build.arenaBase]) expect(a % 16).toBe(0);
    expect(odd).toBeGreaterThanOrEqual(params + 8);
    expect(weights).toBeGreaterThanOrEqual(odd + 3);
    expect(build.arenaBase).toBeGreaterThanOrEqual(weights + WEIGHTS.length);
    expect(build.inputAddresses).toEqual([build.arenaBase]);
    expect(build.outputAddresses).toEqual([build.arenaBase + 16, build.arenaBase + 32]);
    expect(WebAssembly.validate(build.bytes)).toBe(true);
  });

  it("exports memory, invoke and address globals; constants are in memory", async () => {
    const build = buildWasm(program());
    const { instance } = await WebAssembly.instantiate(build.bytes, {});
    const ex = instance.exports as Record<string, unknown>;
    expect(typeof ex.invoke).toBe("function");
    expect((ex.arena_base as WebAssembly.Global).value).toBe(build.arenaBase);
    expect((ex.input_0 as WebAssembly.Global).value).toBe(build.inputAddresses[0]);
    expect((ex.output_1 as WebAssembly.Global).value).toBe(build.outputAddresses[1]);
    const mem = new Uint8Array((ex.memory as WebAssembly.Memory).buffer);
    const w = build.constantAddresses.get("weights")!;
    expect([...new Int8Array(mem.buffer, w, WEIGHTS.length)]).toEqual(WEIGHTS);
    expect([...new Int32Array(mem.buffer, build.constantAddresses.get("params")!, 2)]).toEqual([N, 3]);
  });

  it("runs end to end and matches the TS computation; every run starts fresh", async () => {
    const prog = program();
    for (const seed of [0, 1, 2]) {
      const input = Int8Array.from({ length: N }, (_, i) => ((i * 37 + seed * 101) % 256) - 128);
      const [sum, acc] = reference(input);
      const outs = await runWasm(prog, [bytesOf(input)]);
      expect(outs).toEqual([bytesOf(sum), bytesOf(acc)]);
      // The same input again: an arena carried over between runs would double `acc`.
      expect(await runWasm(prog, [bytesOf(input)])).toEqual([bytesOf(sum), bytesOf(acc)]);
    }
  });

  it("compiles once per program object", async () => {
    const prog = program();
    const a = await compiledWasm(prog);
    const b = await compiledWasm(prog);
    expect(a).toBe(b);
    expect(await compiledWasm(program())).not.toBe(a);
  });

  it("rejects an input of the wrong size with MOTE5005", async () => {
    const err = await runWasm(program(), [new Uint8Array(3)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MoteError);
    expect((err as MoteError).code).toBe(5005);
    await expect(runWasm(program(), [])).rejects.toThrow(/expected 10 bytes/);
  });

  it("rejects a step whose arguments do not match the function (internal error)", () => {
    const prog = program();
    prog.steps[1].args.pop();
    expect(() => buildWasm(prog)).toThrow(/passes 2 addresses to accumulate/);
  });
});
