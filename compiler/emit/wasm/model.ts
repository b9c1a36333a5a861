/**
 * @fileoverview Turns a whole `ModelProgram` into one WASM module (bytes plus its memory layout).
 *
 * Memory layout of the single fixed-size memory: bytes 0..15 stay unused (so address 0 is only
 * ever the "absent array" null), then every constant as an active data segment at a 16-aligned
 * address, in program order, then the arena at the next 16-aligned address; a variable tensor
 * whose reset byte is not 0 (an int8 state's zero point: ModelProgram.state) gets a data
 * segment of that byte over its arena range, so a fresh instance starts from TFLite Micro's
 * reset state as a C library's first invoke does (the rest of the arena is zero). The exported
 * function `invoke` performs `program.steps` in order, each a call of its KIR function (emitted by
 * function.ts) with array/record arguments resolved to absolute addresses (null -> 0), and
 * returns an i32 as `mote_invoke()` does: 0, or the nonzero status of a step that can fail
 * (InvokeStep.status), which ends it.
 *
 * Exports: `memory`, `invoke`, and immutable i32 globals `arena_base`, `input_<k>`, `output_<k>`
 * (absolute addresses of the k-th input/output tensor). run.ts instantiates the result in Node;
 * `wasmText` gives the same module in binaryen's text format (test/fixtures/snapshots hold it).
 */
import type { ConstantData, ModelProgram, StepArg } from "../../ir/program.ts";
import type { KFunction, RecordType } from "../../ir/kir.ts";
import { scalarBytes } from "../../ir/kir.ts";
import { emitFunction } from "./function.ts";
import { WasmModule, type WasmExpr, type WasmSegment } from "./module.ts";

export interface WasmBuild {
  bytes: Uint8Array<ArrayBuffer>;
  /** Absolute address of arena offset 0. */
  arenaBase: number;
  /** Absolute address of each constant, by name. */
  constantAddresses: Map<string, number>;
  /** Absolute addresses of `program.inputs` / `program.outputs`, in order. */
  inputAddresses: number[];
  outputAddresses: number[];
  /** Size of the module's memory in bytes (whole 64 KiB pages). */
  memoryBytes: number;
}

const SEGMENT_ALIGN = 16;
const RESERVED_LOW_BYTES = 16;
const PAGE_BYTES = 65536;
/** binaryen optimize level: inlining and loop work without the slow level-3/4 passes. */
const OPTIMIZE_LEVEL = 2;

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Little-endian bytes of a constant array in its element type. */
export function encodeConstant(c: ConstantData): Uint8Array {
  const size = scalarBytes(c.elem);
  const out = new Uint8Array(c.values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < c.values.length; i++) {
    const v = c.values[i];
    switch (c.elem) {
      case "i8": view.setInt8(i, v); break;
      case "u8": case "bool": view.setUint8(i, v); break;
      case "i16": view.setInt16(2 * i, v, true); break;
      case "u16": view.setUint16(2 * i, v, true); break;
      case "i32": view.setInt32(4 * i, v, true); break;
      case "f32": view.setFloat32(4 * i, v, true); break;
    }
  }
  return out;
}

interface Layout {
  segments: WasmSegment[];
  constantAddresses: Map<string, number>;
  arenaBase: number;
  pages: number;
}

function layOut(program: ModelProgram): Layout {
  const segments: WasmSegment[] = [];
  const constantAddresses = new Map<string, number>();
  let cursor = RESERVED_LOW_BYTES;
  for (const c of program.constants) {
    if (constantAddresses.has(c.name)) throw new Error(`wasm emitter: duplicate constant ${c.name}`);
    const offset = alignUp(cursor, SEGMENT_ALIGN);
    const data = encodeConstant(c);
    constantAddresses.set(c.name, offset);
    if (data.length > 0) segments.push({ offset, data });
    cursor = offset + data.length;
  }
  const arenaBase = alignUp(cursor, SEGMENT_ALIGN);
  for (const r of program.state ?? []) {
    if (r.fill !== 0 && r.bytes > 0) segments.push({ offset: arenaBase + r.offset, data: new Uint8Array(r.bytes).fill(r.fill) });
  }
  const pages = Math.max(1, Math.ceil((arenaBase + program.arenaBytes) / PAGE_BYTES));
  return { segments, constantAddresses, arenaBase, pages };
}

function stepArgAddress(arg: StepArg, layout: Layout): number {
  switch (arg.k) {
    case "arena": return layout.arenaBase + arg.offset;
    case "null": return 0;
    case "const": case "record": {
      const a = layout.constantAddresses.get(arg.name);
      if (a === undefined) throw new Error(`wasm emitter: step refers to unknown constant ${arg.name}`);
      return a;
    }
  }
}

function emitInvoke(mod: WasmModule, program: ModelProgram, functions: Map<string, KFunction>, layout: Layout): void {
  // The init steps (the interpreter's image check) run at the start of every invoke: WASM is the
  // host-side test target, where a check per call costs nothing that is measured.
  const calls: WasmExpr[] = [...(program.init ?? []), ...program.steps].map((step) => {
    const fn = functions.get(step.fn);
    if (!fn) throw new Error(`wasm emitter: step "${step.label}" calls unknown function ${step.fn}`);
    if (fn.params.length !== step.args.length || fn.params.some((p) => p.type.kind === "scalar")) {
      throw new Error(
        `wasm emitter: step "${step.label}" passes ${step.args.length} addresses to ${fn.name}, ` +
          `which takes (${fn.params.map((p) => p.type.kind).join(", ")})`,
      );
    }
    const args = step.args.map((a) => mod.i32Const(stepArgAddress(a, layout)));
    const call = mod.call(fn.name, args, fn.ret === "void" ? "none" : fn.ret === "f32" ? "f32" : "i32");
    if (step.status) {
      if (fn.ret !== "i32") throw new Error(`wasm emitter: status step "${step.label}" calls ${fn.name}, which returns ${fn.ret}, not i32`);
      // local 0 holds the status: if (status != 0) return status;
      return mod.block(null, [
        mod.localSet(0, call),
        mod.if(mod.localGet(0, "i32"), mod.return(mod.localGet(0, "i32"))),
      ]);
    }
    return fn.ret === "void" ? call : mod.drop(call);
  });
  // Internal name kept out of the KIR namespace (a kernel could be called `invoke`).
  mod.addFunction("__mote_invoke", [], "i32", ["i32"], mod.block(null, [...calls, mod.i32Const(0)], "i32"));
  mod.exportFunction("__mote_invoke", "invoke");
}

/**
 * Builds, validates and optimizes the WASM module for `program`, hands it to `use` and disposes
 * it. Throws Error on invalid KIR.
 */
function withModule<T>(program: ModelProgram, use: (mod: WasmModule, layout: Layout) => T): T {
  const layout = layOut(program);
  const functions = new Map(program.functions.map((f) => [f.name, f]));
  const records = new Map<string, RecordType>(program.records.map((r) => [r.name, r]));
  const mod = new WasmModule();
  try {
    mod.setMemory(layout.pages, layout.segments, "memory");
    mod.addIntrinsics();
    for (const fn of program.functions) emitFunction(mod, fn, records);
    emitInvoke(mod, program, functions, layout);
    mod.exportI32Global("arena_base", layout.arenaBase);
    program.inputs.forEach((t, k) => mod.exportI32Global(`input_${k}`, layout.arenaBase + t.offset));
    program.outputs.forEach((t, k) => mod.exportI32Global(`output_${k}`, layout.arenaBase + t.offset));
    if (!mod.validate()) throw new Error(`wasm emitter: binaryen rejected the module for ${program.name}`);
    mod.optimize(OPTIMIZE_LEVEL);
    return use(mod, layout);
  } finally {
    mod.dispose();
  }
}

/** The WASM module for `program` (bytes plus its memory layout). Throws Error on invalid KIR. */
export function buildWasm(program: ModelProgram): WasmBuild {
  return withModule(program, (mod, layout) => ({
    bytes: new Uint8Array(mod.emitBinary()),
    arenaBase: layout.arenaBase,
    constantAddresses: layout.constantAddresses,
    inputAddresses: program.inputs.map((t) => layout.arenaBase + t.offset),
    outputAddresses: program.outputs.map((t) => layout.arenaBase + t.offset),
    memoryBytes: layout.pages * PAGE_BYTES,
  }));
}

/** The same module as buildWasm's, in binaryen's text format (what the snapshot fixtures hold). */
export function wasmText(program: ModelProgram): string {
  return withModule(program, (mod) => mod.emitText());
}
