/**
 * @fileoverview Reads a TF.js model.json and its weight shards with node:fs (tfjs's own loaders
 * need fetch), and decodes the weights manifest: each group's shards concatenated in `paths`
 * order, weights back to back; float32 and int32 stored as is, uint8/uint16 storage dequantized
 * as v·scale + min, float16 as IEEE half.
 *
 * Used by load.ts; graph-model.ts and layers-model.ts look weights up by name. The same decoding
 * serves in-memory artifacts (tf.io's ModelArtifacts: weightSpecs + one weightData buffer).
 *
 * Invariants: every byte a weight claims lies inside the shards (else MOTE6902); a model.json
 * that is not JSON or has no modelTopology is MOTE6901.
 */

import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { badWeights, unreadable } from "./errors.ts";

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** A model.json's content with its weights as one buffer (the shape of tf.io's ModelArtifacts). */
export interface TfjsArtifacts {
  /** File name, for messages. */
  name: string;
  format?: string;
  modelTopology: unknown;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
}

export interface Weight {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** Reads model.json and every shard its manifest lists (paths relative to model.json). */
export function readModelJson(path: string): TfjsArtifacts {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    unreadable(path, err.code === "ENOENT" ? "no such file" : err.message);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    unreadable(path, `not JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== "object" || json.modelTopology === undefined) {
    unreadable(path, "no modelTopology: not a TF.js model.json");
  }
  const groups = (json.weightsManifest ?? []) as { paths: string[]; weights: WeightSpec[] }[];
  if (!Array.isArray(groups)) unreadable(path, "weightsManifest is not a list");
  const chunks: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  for (const g of groups) {
    let groupBytes = 0;
    for (const p of g.paths ?? []) {
      let b: Uint8Array;
      try {
        b = readFileSync(join(dirname(path), p));
      } catch (e) {
        badWeights(path, `cannot read shard ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      chunks.push(b);
      groupBytes += b.length;
    }
    const need = (g.weights ?? []).reduce((a, w) => a + specBytes(path, w), 0);
    if (need !== groupBytes) badWeights(path, `the group of ${(g.paths ?? []).join(", ")} holds ${groupBytes} bytes, its weights need ${need}`);
    specs.push(...(g.weights ?? []));
  }
  return {
    name: basename(path),
    format: typeof json.format === "string" ? json.format : undefined,
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: concat(chunks),
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };

function specBytes(model: string, w: WeightSpec): number {
  const dtype = w.quantization?.dtype ?? w.dtype;
  const size = STORED_BYTES[dtype];
  if (size === undefined) badWeights(model, `weight ${w.name} is stored as ${dtype} (float32, int32, uint8, uint16 or float16 expected)`);
  if (!Array.isArray(w.shape) || w.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    badWeights(model, `weight ${w.name} has shape ${JSON.stringify(w.shape)}`);
  }
  return w.shape.reduce((a, b) => a * b, 1) * size;
}

/** Decodes every weight of the manifest, by name. */
export function decodeWeights(art: TfjsArtifacts): Map<string, Weight> {
  const out = new Map<string, Weight>();
  const data = art.weightData;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  for (const w of art.weightSpecs) {
    const bytes = specBytes(art.name, w);
    if (at + bytes > data.length) badWeights(art.name, `weight ${w.name} ends at byte ${at + bytes}, past the ${data.length} bytes of the shards`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    const q = w.quantization;
    let values: Float32Array | Int32Array;
    if (w.dtype === "int32" && q === undefined) {
      values = new Int32Array(n);
      for (let i = 0; i < n; i++) values[i] = view.getInt32(at + 4 * i, true);
    } else if (w.dtype === "float32" || (w.dtype === "int32" && q !== undefined)) {
      values = new Float32Array(n);
      const stored = q?.dtype ?? "float32";
      const scale = q?.scale ?? 1;
      const min = q?.min ?? 0;
      for (let i = 0; i < n; i++) {
        if (stored === "float32") values[i] = view.getFloat32(at + 4 * i, true);
        else if (stored === "uint8") values[i] = view.getUint8(at + i) * scale + min;
        else if (stored === "uint16") values[i] = view.getUint16(at + 2 * i, true) * scale + min;
        else if (stored === "float16") values[i] = half(view.getUint16(at + 2 * i, true));
        else badWeights(art.name, `weight ${w.name} is stored as ${stored}`);
      }
      if (w.dtype === "int32") values = Int32Array.from(values, Math.round);
    } else {
      badWeights(art.name, `weight ${w.name} has dtype ${w.dtype} (float32 or int32 expected)`);
    }
    out.set(w.name, { shape: w.shape, values });
    at += bytes;
  }
  return out;
}

/** IEEE 754 half-precision bits → number. */
export function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
