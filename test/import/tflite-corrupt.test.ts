/**
 * @fileoverview Bad .tflite files: truncations, corrupted root/vtable offsets and vector
 * lengths, random bytes, an empty file, a PNG, and fast-check byte flips. Each must end in a
 * MoteError (1002/1003 where the damage is structural), never another exception or a hang; any
 * Graph that is returned must still satisfy the IR's invariants.
 */

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { DTYPE_BYTES, type Graph } from "../../compiler/ir/graph.ts";
import { MODEL_NAMES, needShared, sharedFile } from "../support/shared.ts";
import { moteError } from "./mote-error.ts";

/** Minimal independent flatbuffer walking, to find positions worth corrupting. */
const u32 = (b: Uint8Array, p: number): number => new DataView(b.buffer, b.byteOffset).getUint32(p, true);
function fieldPos(b: Uint8Array, table: number, id: number): number {
  const dv = new DataView(b.buffer, b.byteOffset);
  const vt = table - dv.getInt32(table, true);
  const off = 4 + 2 * id < dv.getUint16(vt, true) ? dv.getUint16(vt + 4 + 2 * id, true) : 0;
  if (off === 0) throw new Error(`field ${id} absent`);
  return table + off;
}
const deref = (b: Uint8Array, p: number): number => p + u32(b, p);
const rootTable = (b: Uint8Array): number => deref(b, 0);
/** Position of the length word of vector field `id` of `table`. */
const vectorAt = (b: Uint8Array, table: number, id: number): number => deref(b, fieldPos(b, table, id));
const elemTable = (b: Uint8Array, vec: number, i: number): number => deref(b, vec + 4 + 4 * i);

function patched(b: Uint8Array, pos: number, value: number): Uint8Array {
  const out = b.slice();
  new DataView(out.buffer).setUint32(pos, value >>> 0, true);
  return out;
}

/** Byte ranges [start, end) holding constant buffer data (model.buffers[i].data). */
function dataRanges(b: Uint8Array): [number, number][] {
  const buffers = vectorAt(b, rootTable(b), 4);
  const out: [number, number][] = [];
  for (let i = 0; i < u32(b, buffers); i++) {
    const t = elemTable(b, buffers, i);
    try {
      const v = vectorAt(b, t, 0);
      out.push([v + 4, v + 4 + u32(b, v)]);
    } catch {
      // empty buffer: no data field
    }
  }
  return out;
}

/** Invariants any returned Graph must satisfy, however odd the file. */
function expectSaneGraph(g: Graph): void {
  const n = g.tensors.length;
  for (const op of g.ops) {
    for (const t of op.inputs) expect(t >= -1 && t < n).toBe(true);
    for (const t of op.outputs) expect(t >= 0 && t < n).toBe(true);
  }
  for (const t of [...g.inputs, ...g.outputs]) expect(t >= 0 && t < n).toBe(true);
  for (const t of g.tensors) {
    if (t.data) expect(t.data.length).toBe(t.shape.reduce((a, d) => a * d, DTYPE_BYTES[t.dtype]));
    if (t.quant && t.quant.scale.length > 1) expect(t.shape[t.quant.quantizedDimension]).toBe(t.quant.scale.length);
  }
}

function xorshiftBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe("files that are not TFLite models", () => {
  it("rejects an empty file with 1002", () => {
    expect(moteError(() => importTflite(new Uint8Array(0), "empty.tflite"), [1002]).message).toContain("empty.tflite");
  });
  it("rejects a PNG header with 1002", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(moteError(() => importTflite(png, "x.png"), [1002]).message).toContain("identifier");
  });
  it("rejects random bytes with 1002, and random bytes behind a TFL3 header with a MoteError", () => {
    for (let s = 1; s <= 20; s++) {
      const bytes = xorshiftBytes(64 + 97 * s, 0x1234 + s);
      moteError(() => importTflite(bytes, "random"), [1002]);
      bytes.set([0x54, 0x46, 0x4c, 0x33], 4);
      moteError(() => importTflite(bytes, "random"), [1002, 1003, 1004, 1005, 1007, 1009]);
    }
  });
});

const shared = needShared(...MODEL_NAMES.map((n) => `models/${n}.tflite`));

describe.skipIf(shared.skip)("damaged shared models", () => {
  const models = shared.ok ? MODEL_NAMES.map((n) => [n, new Uint8Array(readFileSync(sharedFile("models", `${n}.tflite`)))] as const) : [];

  it.each(models)("%s truncated at k/16 of its length gives 1002/1003", (_, bytes) => {
    for (let k = 1; k <= 15; k++) {
      const cut = bytes.slice(0, Math.floor((bytes.length * k) / 16));
      moteError(() => importTflite(cut, "cut"), [1002, 1003]);
    }
    moteError(() => importTflite(bytes.slice(0, 7), "cut"), [1002]);
  });

  it.each(models)("%s with corrupted root, vtable and vector-length words gives 1003", (_, bytes) => {
    const root = rootTable(bytes);
    const cases: [string, number, number][] = [
      ["root offset past the end", 0, bytes.length + 64],
      ["root offset misaligned", 0, u32(bytes, 0) + 1],
      ["root offset 0xffffffff", 0, 0xffffffff],
      ["vtable offset far away", root, 0x7ffffff0],
      ["vtable offset negative past end", root, -bytes.length],
      ["vtable offset odd", root, new DataView(bytes.buffer, bytes.byteOffset).getInt32(root, true) + 1],
    ];
    const subgraphs = vectorAt(bytes, root, 2);
    const sg0 = elemTable(bytes, subgraphs, 0);
    const tensors = vectorAt(bytes, sg0, 0);
    const buffers = vectorAt(bytes, root, 4);
    cases.push(["subgraphs vector length huge", subgraphs, 0xfffffff0]);
    cases.push(["tensors vector length huge", tensors, 0x40000000]);
    cases.push(["buffers vector length past end", buffers, (bytes.length >>> 2) + 1]);
    cases.push(["operators offset past end", fieldPos(bytes, sg0, 3), bytes.length]);
    // The largest constant's data vector claims more bytes than the file holds.
    const [start, end] = dataRanges(bytes).reduce((a, r) => (r[1] - r[0] > a[1] - a[0] ? r : a));
    cases.push(["buffer data length past the end", start - 4, bytes.length]);
    // First tensor's vtable claims a huge table.
    const t0 = elemTable(bytes, tensors, 0);
    const t0vt = t0 - new DataView(bytes.buffer, bytes.byteOffset).getInt32(t0, true);
    cases.push(["tensor vtable size odd", t0vt, (0x7fff << 16) | 7]);

    for (const [what, pos, value] of cases) {
      let e: MoteError;
      try {
        e = moteError(() => importTflite(patched(bytes, pos, value), "bad"));
      } catch (err) {
        throw new Error(`${what}: ${String(err)}`);
      }
      expect(e.code, what).toBe(1003);
    }
    // A data vector longer than its shape needs (still inside the file) is read as TFLite Micro
    // reads it, up to the shape's size; a shorter one is 1016 (TFLite Micro would read past it).
    const g = importTflite(patched(bytes, start - 4, end - start + 16), "long");
    expect(g.tensors.some((t) => t.data !== undefined && t.data.length === end - start)).toBe(true);
    moteError(() => importTflite(patched(bytes, start - 4, end - start - 1), "short"), [1016]);
  });

  it("rejects a wrong schema version with 1002 (as every TFLite Micro example) and a tensor index out of range with 1009", () => {
    const bytes = models[1]![1];
    const root = rootTable(bytes);
    moteError(() => importTflite(patched(bytes, fieldPos(bytes, root, 0), 2), "v2"), [1002]);
    const sg0 = elemTable(bytes, vectorAt(bytes, root, 2), 0);
    const inputs = vectorAt(bytes, sg0, 1);
    const e = moteError(() => importTflite(patched(bytes, inputs + 4, 9999), "idx"), [1009]);
    expect(e.message).toContain("9999");
  });

  it("fuzz: random byte flips over kws_ref_model give a sane Graph or a MoteError", () => {
    const bytes = models[1]![1];
    const ranges = dataRanges(bytes);
    const inData = (p: number): boolean => ranges.some(([s, e]) => p >= s && p < e);
    const structural: number[] = [];
    for (let p = 0; p < bytes.length; p++) if (!inData(p)) structural.push(p);
    expect(structural.length).toBeGreaterThan(1000);

    let errors = 0;
    const flip = (positions: number[], values: number[]): void => {
      const b = bytes.slice();
      positions.forEach((p, i) => (b[p] = values[i]!));
      try {
        expectSaneGraph(importTflite(b, "fuzz"));
      } catch (e) {
        if (!(e instanceof MoteError)) throw e;
        errors++;
      }
    };
    const edit = (maxPos: number) =>
      fc.array(fc.tuple(fc.nat(maxPos - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
    // Flips anywhere in the file (mostly weights), then flips in the flatbuffer's structure.
    fc.assert(
      fc.property(edit(bytes.length), (ed) => flip(ed.map((e) => e[0]), ed.map((e) => e[1]))),
      { numRuns: 100, seed: 20240601 },
    );
    fc.assert(
      fc.property(edit(structural.length), (ed) => flip(ed.map((e) => structural[e[0]]!), ed.map((e) => e[1]))),
      { numRuns: 250, seed: 7 },
    );
    expect(errors).toBeGreaterThan(0);
  });
});
