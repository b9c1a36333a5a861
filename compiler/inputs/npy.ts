/**
 * @fileoverview A small reader for NumPy .npy files (format versions 1-3): the magic, the version,
 * the header dict (descr, fortran_order, shape) and the data, C order only. Dtypes: float32/64,
 * int8, uint8, int16, int32 (little-endian or single-byte). Malformed files are MOTE6301.
 */
import { fail } from "../diagnostics.ts";

export type NpyDType = "float32" | "float64" | "int8" | "uint8" | "int16" | "int32";

export interface Npy {
  dtype: NpyDType;
  shape: number[];
  /** The values, one per element, in C order. */
  values: number[];
  /** The raw data bytes (little-endian). */
  data: Uint8Array;
}

const DESCRS: Record<string, NpyDType> = {
  "<f4": "float32", "<f8": "float64", "|i1": "int8", "<i1": "int8", "i1": "int8", "|u1": "uint8", "<u1": "uint8", "u1": "uint8",
  "<i2": "int16", "<i4": "int32",
};
const SIZES: Record<NpyDType, number> = { float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, int32: 4 };

/** Parses the bytes of a .npy file named `name` (for messages). */
export function decodeNpy(bytes: Uint8Array, name: string): Npy {
  const bad = (why: string): never => fail(6301, name, why);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) bad("no .npy magic (\\x93NUMPY)");
  const major = bytes[6];
  if (major < 1 || major > 3) bad(`unknown format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : bad("truncated header");
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) bad("truncated header");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1] ?? bad("header without 'descr'");
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1] ?? bad("header without 'fortran_order'");
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad("header without 'shape'");
  if (fortran === "True") bad("Fortran order is not supported (save it with np.ascontiguousarray)");
  const dtype = DESCRS[descr] ?? bad(`dtype '${descr}' is not supported (float32, float64, int8, uint8, int16 or int32, little-endian)`);
  const dims = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (dims.some((d) => !/^\d+$/.test(d))) bad(`invalid shape (${shapeText})`);
  const shape = dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const size = SIZES[dtype];
  if (bytes.length - offset !== count * size) bad(`${bytes.length - offset} data bytes for shape (${shape.join(", ")}) of ${dtype} (${count * size} expected)`);
  const data = bytes.slice(offset);
  const dv = new DataView(data.buffer);
  const read: Record<NpyDType, (i: number) => number> = {
    float32: (i) => dv.getFloat32(i * 4, true), float64: (i) => dv.getFloat64(i * 8, true),
    int8: (i) => dv.getInt8(i), uint8: (i) => dv.getUint8(i), int16: (i) => dv.getInt16(i * 2, true), int32: (i) => dv.getInt32(i * 4, true),
  };
  const values = Array.from({ length: count }, (_, i) => read[dtype](i));
  return { dtype, shape, values, data };
}

/** True when `bytes` start with the .npy magic. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === "NUMPY";
}

/** A .npy file of `dtype` holding `data` (raw little-endian bytes) with `shape` (tests, --expect files). */
export function encodeNpy(dtype: NpyDType, shape: number[], data: Uint8Array): Uint8Array {
  const descr = Object.entries(DESCRS).find(([, d]) => d === dtype)![0];
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}
