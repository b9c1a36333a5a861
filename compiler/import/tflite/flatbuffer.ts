/**
 * @fileoverview A verifying FlatBuffer reader: tables, scalars, vectors and strings over a
 * DataView, where every offset, length and alignment is checked before it is used.
 *
 * The .tflite importer (import.ts) is the only user; it knows the schema (field ids in
 * schema.ts) and this module knows the wire format. The `flatbuffers` npm runtime trusts its
 * input, so we do not use it for reading.
 *
 * Invariants: no read ever touches a byte outside [0, bytes.length); a violation throws
 * MoteError 1003 naming what was bad (`what` is a path such as "subgraph 0 tensor 7 shape").
 * Vector lengths are checked against the remaining bytes before anything loops over them, so
 * every loop over file contents is bounded by the file size. Nothing here recurses.
 */

import { fail } from "../../diagnostics.ts";

/** A verified table position: `pos` is the table start, `vt` its vtable, `vtSize`/`size` checked. */
export interface Table {
  readonly pos: number;
  readonly vt: number;
  readonly vtSize: number;
  /** Inline size of the table (from the vtable), already checked to lie inside the buffer. */
  readonly size: number;
  /** Human-readable path of this table, for error messages. */
  readonly what: string;
}

/** A verified vector: `start` is the first element, `length` elements of `elemSize` bytes. */
export interface Vec {
  readonly start: number;
  readonly length: number;
  readonly elemSize: number;
  readonly what: string;
}

const utf8 = new TextDecoder();

function corrupt(reason: string): never {
  fail(1003, reason);
}

export class FlatReader {
  readonly view: DataView;
  readonly length: number;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }

  /** Checks that [pos, pos + size) lies in the buffer and that pos is `align`-aligned. */
  private check(pos: number, size: number, align: number, what: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || size < 0 || pos + size > this.length) {
      corrupt(`${what} at byte ${pos} (+${size}) is outside the ${this.length}-byte file`);
    }
    if (align > 1 && pos % align !== 0) corrupt(`${what} at byte ${pos} is not ${align}-byte aligned`);
  }

  u32(pos: number, what: string): number {
    this.check(pos, 4, 4, what);
    return this.view.getUint32(pos, true);
  }

  /** Follows a uoffset stored at `pos` and returns the absolute target position. */
  private deref(pos: number, what: string): number {
    const rel = this.u32(pos, what);
    const target = pos + rel;
    if (rel === 0 || target >= this.length) corrupt(`${what}: offset ${rel} at byte ${pos} points outside the file`);
    return target;
  }

  /** The root table of the buffer (uoffset at byte 0). */
  root(what: string): Table {
    return this.tableAt(this.deref(0, `${what} root offset`), what);
  }

  /** Verifies the table at absolute position `pos`: its soffset, vtable and inline size. */
  tableAt(pos: number, what: string): Table {
    this.check(pos, 4, 4, `${what} table`);
    const vt = pos - this.view.getInt32(pos, true);
    this.check(vt, 4, 2, `${what} vtable`);
    const vtSize = this.view.getUint16(vt, true);
    const size = this.view.getUint16(vt + 2, true);
    if (vtSize < 4 || vtSize % 2 !== 0) corrupt(`${what} vtable at byte ${vt} has bad size ${vtSize}`);
    this.check(vt, vtSize, 2, `${what} vtable`);
    if (size < 4) corrupt(`${what} table at byte ${pos} has bad inline size ${size}`);
    this.check(pos, size, 4, `${what} table`);
    return { pos, vt, vtSize, size, what };
  }

  /**
   * The absolute position of field `id` of `t`, or undefined when the field is absent. Checks
   * that the field's `width` bytes lie inside the table and are `width`-aligned.
   */
  private field(t: Table, id: number, width: number, name: string): number | undefined {
    const slot = 4 + 2 * id;
    if (slot + 2 > t.vtSize) return undefined;
    const off = this.view.getUint16(t.vt + slot, true);
    if (off === 0) return undefined;
    if (off < 4 || off + width > t.size) {
      corrupt(`${t.what}.${name}: field offset ${off} does not fit the ${t.size}-byte table`);
    }
    const pos = t.pos + off;
    if (pos % width !== 0) corrupt(`${t.what}.${name} at byte ${pos} is not ${width}-byte aligned`);
    return pos;
  }

  has(t: Table, id: number): boolean {
    const slot = 4 + 2 * id;
    return slot + 2 <= t.vtSize && this.view.getUint16(t.vt + slot, true) !== 0;
  }

  bool(t: Table, id: number, name: string, dflt: boolean): boolean {
    const p = this.field(t, id, 1, name);
    return p === undefined ? dflt : this.view.getUint8(p) !== 0;
  }

  u8(t: Table, id: number, name: string, dflt: number): number {
    const p = this.field(t, id, 1, name);
    return p === undefined ? dflt : this.view.getUint8(p);
  }

  i8(t: Table, id: number, name: string, dflt: number): number {
    const p = this.field(t, id, 1, name);
    return p === undefined ? dflt : this.view.getInt8(p);
  }

  i32(t: Table, id: number, name: string, dflt: number): number {
    const p = this.field(t, id, 4, name);
    return p === undefined ? dflt : this.view.getInt32(p, true);
  }

  u32Field(t: Table, id: number, name: string, dflt: number): number {
    const p = this.field(t, id, 4, name);
    return p === undefined ? dflt : this.view.getUint32(p, true);
  }

  f32(t: Table, id: number, name: string, dflt: number): number {
    const p = this.field(t, id, 4, name);
    return p === undefined ? dflt : this.view.getFloat32(p, true);
  }

  /** An unsigned 64-bit field as a number; values above 2^53 are reported as corrupt. */
  u64(t: Table, id: number, name: string, dflt: number): number {
    const p = this.field(t, id, 8, name);
    if (p === undefined) return dflt;
    const v = this.view.getBigUint64(p, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) corrupt(`${t.what}.${name} value ${v} is too large`);
    return Number(v);
  }

  /** A sub-table field, or undefined when absent. */
  table(t: Table, id: number, name: string): Table | undefined {
    const p = this.field(t, id, 4, name);
    if (p === undefined) return undefined;
    const what = `${t.what}.${name}`;
    return this.tableAt(this.deref(p, what), what);
  }

  /** A vector field of scalars or offsets, `elemSize` bytes each; undefined when absent. */
  vector(t: Table, id: number, name: string, elemSize: number): Vec | undefined {
    const p = this.field(t, id, 4, name);
    if (p === undefined) return undefined;
    const what = `${t.what}.${name}`;
    const at = this.deref(p, what);
    const length = this.u32(at, `${what} length`);
    const start = at + 4;
    if (length * elemSize > this.length - start) {
      corrupt(`${what}: vector length ${length} at byte ${at} runs past the end of the file`);
    }
    if (elemSize > 4 && start % elemSize !== 0) corrupt(`${what} data at byte ${start} is not ${elemSize}-byte aligned`);
    return { start, length, elemSize, what };
  }

  /** Element `i` (checked against the length) of a vector of tables. */
  tableElem(v: Vec, i: number, what: string): Table {
    if (!(i >= 0 && i < v.length)) corrupt(`${v.what}: index ${i} out of range (length ${v.length})`);
    return this.tableAt(this.deref(v.start + 4 * i, what), what);
  }

  /** A string field decoded as UTF-8 (checks the length and the terminating zero). */
  string(t: Table, id: number, name: string): string | undefined {
    const p = this.field(t, id, 4, name);
    if (p === undefined) return undefined;
    const what = `${t.what}.${name}`;
    const at = this.deref(p, what);
    const length = this.u32(at, `${what} length`);
    const start = at + 4;
    if (length + 1 > this.length - start) corrupt(`${what}: string length ${length} runs past the end of the file`);
    if (this.bytes[start + length] !== 0) corrupt(`${what}: string at byte ${at} is not zero-terminated`);
    return utf8.decode(this.bytes.subarray(start, start + length));
  }

  /** Reads a whole int32 vector (lengths already verified by `vector`). */
  int32s(v: Vec): number[] {
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.view.getInt32(v.start + 4 * i, true);
    return out;
  }

  float32s(v: Vec): number[] {
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.view.getFloat32(v.start + 4 * i, true);
    return out;
  }

  /** int64 elements as numbers; values outside the safe-integer range are corrupt. */
  int64s(v: Vec): number[] {
    const out = new Array<number>(v.length);
    const lim = BigInt(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < v.length; i++) {
      const x = this.view.getBigInt64(v.start + 8 * i, true);
      if (x > lim || x < -lim) corrupt(`${v.what}[${i}] value ${x} is out of range`);
      out[i] = Number(x);
    }
    return out;
  }

  /**
   * int64 elements as numbers, values outside the safe-integer range clamped to it (zero points:
   * the caller rejects anything outside int32 by name, import.ts / validate.ts).
   */
  int64sClamped(v: Vec): number[] {
    const out = new Array<number>(v.length);
    const lim = BigInt(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < v.length; i++) {
      const x = this.view.getBigInt64(v.start + 8 * i, true);
      out[i] = x > lim ? Number.MAX_SAFE_INTEGER : x < -lim ? -Number.MAX_SAFE_INTEGER : Number(x);
    }
    return out;
  }

  /** A copy of `size` bytes at `pos` (checked), in a fresh, 0-offset ArrayBuffer. */
  copy(pos: number, size: number, what: string): Uint8Array {
    this.check(pos, size, 1, what);
    return this.bytes.slice(pos, pos + size);
  }
}
