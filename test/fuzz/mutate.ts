/**
 * @fileoverview A structure-aware mutator over .tflite bytes for the model fuzzer
 * (test/fuzz/model-fuzz.test.ts, scripts/fuzz.ts).
 *
 * `modelSites` walks a valid model once (its own small flatbuffer walk, independent of the
 * reader under test) and records where the interesting fields lie: uoffsets and vector lengths,
 * tensor shapes, types, buffer indices, scales, zero points, quantized dimensions, op tensor
 * indices (with the op that holds them, for cycles), opcode fields, options tables and constant
 * data. `mutationArb` is a fast-check arbitrary of 1-3 mutations: truncation, bit flips, byte
 * noise in weights, offset/length corruption, huge or odd dimensions, NaN/zero/negative/huge
 * scales, out-of-range and 64-bit zero points, wrong tensor types, tensor indices that form
 * cycles or point nowhere, other opcodes, noise in options tables. `applyMutations` is pure: it
 * copies the bytes and patches the copy.
 */
import fc from "fast-check";
import { MODEL, OPERATOR, OPERATOR_CODE, QUANT, SUBGRAPH, TENSOR } from "../../compiler/import/tflite/schema.ts";

export type SiteKind =
  | "offset" | "length" | "shape" | "type" | "buffer" | "scale" | "zeroPoint" | "qdim" | "opcodeIndex" | "builtinCode";

/** The positions of a model's fields, by kind. */
export interface Sites {
  size: number;
  words: Record<SiteKind, number[]>;
  /** Per op: the byte positions of its input and output tensor indices, and their values. */
  ops: { inputs: number[]; outputs: number[]; outputValues: number[] }[];
  tensorCount: number;
  /** [start, end) of constant data and of options tables. */
  data: [number, number][];
  options: [number, number][];
}

export type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; pos: number; bit: number }
  | { kind: "dataNoise"; range: number; offset: number; value: number }
  | { kind: "word"; site: "offset" | "length"; i: number; value: number }
  | { kind: "field"; site: SiteKind; i: number; value: number }
  | { kind: "cycle"; from: number; to: number; input: number }
  | { kind: "index"; op: number; input: number; value: number }
  | { kind: "optionNoise"; table: number; offset: number; value: number };

class Walker {
  readonly dv: DataView;
  readonly sites: Sites;
  constructor(readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const words = {} as Record<SiteKind, number[]>;
    for (const k of ["offset", "length", "shape", "type", "buffer", "scale", "zeroPoint", "qdim", "opcodeIndex", "builtinCode"] as const) words[k] = [];
    this.sites = { size: b.length, words, ops: [], tensorCount: 0, data: [], options: [] };
  }
  /** Absolute position of field `id` of the table at `t`, or undefined. */
  field(t: number, id: number): number | undefined {
    const vt = t - this.dv.getInt32(t, true);
    if (4 + 2 * id + 2 > this.dv.getUint16(vt, true)) return undefined;
    const off = this.dv.getUint16(vt + 4 + 2 * id, true);
    return off === 0 ? undefined : t + off;
  }
  /** Follows an offset field (recorded as an "offset" site); the target position. */
  ref(t: number, id: number): number | undefined {
    const p = this.field(t, id);
    if (p === undefined) return undefined;
    this.sites.words.offset.push(p);
    return p + this.dv.getUint32(p, true);
  }
  /** A vector field: [start, length], its length word recorded. */
  vector(t: number, id: number): [number, number] | undefined {
    const at = this.ref(t, id);
    if (at === undefined) return undefined;
    this.sites.words.length.push(at);
    return [at + 4, this.dv.getUint32(at, true)];
  }
  elem(start: number, i: number): number {
    this.sites.words.offset.push(start + 4 * i);
    return start + 4 * i + this.dv.getUint32(start + 4 * i, true);
  }
  tableEnd(t: number): number {
    const vt = t - this.dv.getInt32(t, true);
    return t + this.dv.getUint16(vt + 2, true);
  }
}

/** Walks a valid .tflite model and records its fields' positions. */
export function modelSites(bytes: Uint8Array): Sites {
  const w = new Walker(bytes);
  const s = w.sites;
  const root = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) : 0;
  const codes = w.vector(root, MODEL.operatorCodes);
  if (codes) {
    for (let i = 0; i < codes[1]; i++) {
      const oc = w.elem(codes[0], i);
      for (const id of [OPERATOR_CODE.deprecatedBuiltinCode, OPERATOR_CODE.builtinCode]) {
        const p = w.field(oc, id);
        if (p !== undefined) s.words.builtinCode.push(id === OPERATOR_CODE.builtinCode ? p : -p - 1);
      }
    }
  }
  const buffers = w.vector(root, MODEL.buffers);
  if (buffers) {
    for (let i = 0; i < buffers[1]; i++) {
      const d = w.vector(w.elem(buffers[0], i), 0);
      if (d && d[1] > 0) s.data.push([d[0], d[0] + d[1]]);
    }
  }
  const sgs = w.vector(root, MODEL.subgraphs);
  if (!sgs || sgs[1] === 0) return s;
  const sg = w.elem(sgs[0], 0);
  const tensors = w.vector(sg, SUBGRAPH.tensors);
  s.tensorCount = tensors?.[1] ?? 0;
  for (let i = 0; i < s.tensorCount; i++) {
    const t = w.elem(tensors![0], i);
    const shape = w.vector(t, TENSOR.shape);
    if (shape) for (let k = 0; k < shape[1]; k++) s.words.shape.push(shape[0] + 4 * k);
    const type = w.field(t, TENSOR.type);
    if (type !== undefined) s.words.type.push(type);
    const buf = w.field(t, TENSOR.buffer);
    if (buf !== undefined) s.words.buffer.push(buf);
    const q = w.ref(t, TENSOR.quantization);
    if (q !== undefined) {
      const scale = w.vector(q, QUANT.scale);
      if (scale) for (let k = 0; k < scale[1]; k++) s.words.scale.push(scale[0] + 4 * k);
      const zp = w.vector(q, QUANT.zeroPoint);
      if (zp) for (let k = 0; k < zp[1]; k++) s.words.zeroPoint.push(zp[0] + 8 * k);
      const qd = w.field(q, QUANT.quantizedDimension);
      if (qd !== undefined) s.words.qdim.push(qd);
    }
  }
  const ops = w.vector(sg, SUBGRAPH.operators);
  for (let i = 0; i < (ops?.[1] ?? 0); i++) {
    const op = w.elem(ops![0], i);
    const oi = w.field(op, OPERATOR.opcodeIndex);
    if (oi !== undefined) s.words.opcodeIndex.push(oi);
    const ins = w.vector(op, OPERATOR.inputs);
    const outs = w.vector(op, OPERATOR.outputs);
    const at = (v: [number, number] | undefined) => (v ? Array.from({ length: v[1] }, (_, k) => v[0] + 4 * k) : []);
    const outputs = at(outs);
    s.ops.push({ inputs: at(ins), outputs, outputValues: outputs.map((p) => w.dv.getInt32(p, true)) });
    const opt = w.ref(op, OPERATOR.builtinOptions);
    if (opt !== undefined) s.options.push([opt, w.tableEnd(opt)]);
  }
  w.vector(sg, SUBGRAPH.inputs);
  w.vector(sg, SUBGRAPH.outputs);
  return s;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

/** Values for one field kind: the edges that break things, and some noise. */
function fieldValue(site: SiteKind, s: Sites): fc.Arbitrary<number> {
  switch (site) {
    case "shape": return fc.oneof(pick(0, 1, 2, 3, -1, 65_536, 1 << 20, 2 ** 30, 2 ** 31 - 1, -(2 ** 31)), fc.integer({ min: 0, max: 4096 }));
    case "type": return fc.oneof(pick(0, 2, 3, 7, 9, 10, 4, 6, 16, 17), fc.integer({ min: -128, max: 127 }));
    case "buffer": return fc.oneof(fc.integer({ min: 0, max: 64 }), u32);
    case "scale": return fc.oneof(
      pick(Number.NaN, 0, -0, -1, -0.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, 1e-38, 1e38, 2 ** 40, 2 ** -40, 1),
      fc.float({ noNaN: false }),
    );
    case "zeroPoint": return fc.oneof(
      pick(128, -129, 255, 256, -32_769, 32_768, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, Number.MAX_SAFE_INTEGER + 2, -(2 ** 63)),
      fc.integer({ min: -300, max: 300 }),
    );
    case "qdim": return fc.oneof(pick(-1, 0, 1, 2, 3, 4, 100, 2 ** 31 - 1), fc.integer());
    case "opcodeIndex": return fc.oneof(fc.integer({ min: 0, max: 8 }), u32);
    case "builtinCode": return fc.oneof(fc.integer({ min: 0, max: 210 }), pick(32, 127, 2 ** 31 - 1, -1));
    default: return fc.integer({ min: -4, max: s.tensorCount + 4 });
  }
}

/** One mutation of a model with sites `s` (kinds with no site in this model are left out). */
export function mutationArb(s: Sites): fc.Arbitrary<Mutation> {
  const arbs: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.integer({ min: 0, max: s.size - 1 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("flip" as const), pos: fc.integer({ min: 0, max: s.size - 1 }), bit: fc.integer({ min: 0, max: 7 }) }) },
  ];
  if (s.data.length > 0) {
    arbs.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant("dataNoise" as const), range: fc.nat(s.data.length - 1), offset: fc.nat(), value: fc.nat(255) }) });
  }
  for (const site of ["offset", "length"] as const) {
    const n = s.words[site].length;
    if (n > 0) {
      const value = fc.oneof(u32, fc.integer({ min: -16, max: 16 }).map((d) => -d), pick(0, 0xffffffff, s.size, 0x7fffffff));
      arbs.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant("word" as const), site: fc.constant(site), i: fc.nat(n - 1), value }) });
    }
  }
  const fields: [SiteKind, number][] = [["shape", 4], ["type", 3], ["buffer", 1], ["scale", 4], ["zeroPoint", 4], ["qdim", 1], ["opcodeIndex", 1], ["builtinCode", 2]];
  for (const [site, weight] of fields) {
    const n = s.words[site].length;
    if (n > 0) arbs.push({ weight, arbitrary: fc.record({ kind: fc.constant("field" as const), site: fc.constant(site), i: fc.nat(n - 1), value: fieldValue(site, s) }) });
  }
  const ops = s.ops.length;
  if (ops > 0) {
    arbs.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant("cycle" as const), from: fc.nat(ops - 1), to: fc.nat(ops - 1), input: fc.nat(3) }) });
    arbs.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant("index" as const), op: fc.nat(ops - 1), input: fc.nat(4), value: fc.integer({ min: -2, max: s.tensorCount + 3 }) }) });
  }
  if (s.options.length > 0) {
    arbs.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant("optionNoise" as const), table: fc.nat(s.options.length - 1), offset: fc.nat(), value: fc.nat(255) }) });
  }
  return fc.oneof(...arbs);
}

/** 1 to 3 mutations. */
export function mutationsArb(s: Sites): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArb(s), { minLength: 1, maxLength: 3 });
}

/** A patched copy of `bytes` (a truncation applies last). */
export function applyMutations(bytes: Uint8Array, s: Sites, ms: readonly Mutation[]): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  let cut = out.length;
  for (const m of ms) {
    switch (m.kind) {
      case "truncate": cut = Math.min(cut, m.at); break;
      case "flip": out[m.pos]! ^= 1 << m.bit; break;
      case "dataNoise": {
        const [a, b] = s.data[m.range]!;
        out[a + (m.offset % (b - a))] = m.value;
        break;
      }
      case "word": dv.setUint32(s.words[m.site][m.i]!, m.value >>> 0, true); break;
      case "field": writeField(dv, s, m.site, s.words[m.site][m.i]!, m.value); break;
      case "cycle": {
        // Op `from` reads what op `to` writes: a cycle when to >= from.
        const src = s.ops[m.to]!.outputValues[0];
        const ins = s.ops[m.from]!.inputs;
        if (src !== undefined && ins.length > 0) dv.setInt32(ins[m.input % ins.length]!, src, true);
        break;
      }
      case "index": {
        const all = [...s.ops[m.op]!.inputs, ...s.ops[m.op]!.outputs];
        if (all.length > 0) dv.setInt32(all[m.input % all.length]!, m.value, true);
        break;
      }
      case "optionNoise": {
        const [a, b] = s.options[m.table]!;
        if (b > a + 4) out[a + 4 + (m.offset % (b - a - 4))] = m.value;
        break;
      }
    }
  }
  return cut < out.length ? out.slice(0, cut) : out;
}

function writeField(dv: DataView, s: Sites, site: SiteKind, pos: number, value: number): void {
  switch (site) {
    case "type": dv.setInt8(pos, value); break;
    case "scale": dv.setFloat32(pos, value, true); break;
    case "zeroPoint": dv.setBigInt64(pos, BigInt.asIntN(64, BigInt(Math.trunc(value))), true); break;
    case "builtinCode":
      // Negative positions mark the int8 deprecated_builtin_code field.
      if (pos < 0) dv.setInt8(-pos - 1, value);
      else dv.setInt32(pos, value, true);
      break;
    case "buffer": case "opcodeIndex": dv.setUint32(pos, value >>> 0, true); break;
    default: dv.setInt32(pos, value | 0, true);
  }
  void s;
}
