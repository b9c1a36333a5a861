/**
 * @fileoverview Property tests for issue 15's int8 data-movement ops, comparisons and SELECT_V2
 * (GATHER, GATHER_ND, MIRROR_PAD, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, SPACE_TO_DEPTH,
 * DEPTH_TO_SPACE, BROADCAST_TO, SLICE, PACK, UNPACK, SPLIT_V, EXPAND_DIMS, FILL, ZEROS_LIKE,
 * ARG_MIN, CAST, the six comparisons, SELECT_V2): fast-check draws random one-op graphs; the TypeScript kernels must equal a small
 * oracle written here from TFLite Micro's reference code (index by index, or the comparisons'
 * rescale arithmetic, sharing nothing with the lowering), and the WASM module and the host-gcc C
 * library must reproduce the TypeScript bytes. The comparison kernel's raw fast path is checked
 * against its rescaling path directly over every pair of int8 values. Fixed seeds; a failure
 * prints the spec as JSON. Also: lowering errors (3001) for what TFLM rejects.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DType, Graph, Op } from "../../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import { quantizeMultiplier } from "../../../compiler/ops/quant.ts";
import { rescaleIsStrict } from "../../../compiler/ops/comparisons.ts";
import { mbqm } from "../../../kernels/intrinsics.ts";
import { comparison, CMP_EQUAL, CMP_LESS, type ComparisonParams } from "../../../kernels/comparisons.ts";
import { GraphBuilder, perTensor, prng } from "../../support/synthetic.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, expectGraphAgree, expectLowerError } from "./agree.ts";

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = caseCount(25); // full count in test:full (movement2.full.test.ts), 40 % in npm test
const HOST_RUNS = caseCount(4);
const host = needTarget("host");

const product = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);
const i32Bytes = (v: number[]): Uint8Array => new Uint8Array(Int32Array.from(v).buffer);
const stridesOf = (s: readonly number[]): number[] => s.map((_, k) => product(s.slice(k + 1)));
const unravel = (i: number, s: readonly number[]): number[] => stridesOf(s).map((st, k) => Math.floor(i / st) % s[k]);
const at = (idx: number[], s: readonly number[]): number => idx.reduce((a, v, k) => a + v * stridesOf(s)[k], 0);

/** A built case: the graph, its inputs, and the oracle's expected outputs. */
interface Built {
  graph: Graph;
  inputs: Uint8Array[];
  expected: Uint8Array[];
}

type Spec = { op: string; seed: number } & Record<string, unknown>;

function oneOp(b: GraphBuilder, opcode: string, inputs: number[], outputs: number[], options: Op["options"], modelInputs: number[]): Graph {
  return { name: `m2_${opcode.toLowerCase()}`, tensors: b.tensors, ops: [{ index: 0, opcode, version: 1, inputs, outputs, options }], inputs: modelInputs, outputs };
}

const randomBytes = (n: number, seed: number): Int8Array => {
  const next = prng(seed);
  return Int8Array.from({ length: n }, () => (next() & 0xff) - 128);
};
const bytesOf = (a: Int8Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const q = perTensor(0.05, 3);

// ---------------------------------------------------------------------------------------------
// Specs and oracles (each from the TFLite Micro reference definition of the op)

const shapeArb = (min: number, max: number, dim: number) => fc.array(fc.integer({ min: 1, max: dim }), { minLength: min, maxLength: max });
const seedArb = fc.integer({ min: 0, max: 0x7fffffff });

const gatherArb = fc.record({ op: fc.constant("GATHER"), seed: seedArb, shape: shapeArb(1, 4, 5), axisPick: fc.integer({ min: -4, max: 3 }), count: fc.integer({ min: 1, max: 6 }) });
const gatherNdArb = fc.record({ op: fc.constant("GATHER_ND"), seed: seedArb, shape: shapeArb(1, 4, 5), depthPick: fc.nat(3), rows: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }) });
const mirrorArb = fc.record({ op: fc.constant("MIRROR_PAD"), seed: seedArb, shape: shapeArb(1, 4, 5), mode: fc.integer({ min: 0, max: 1 }), pads: fc.array(fc.nat(4), { minLength: 8, maxLength: 8 }) });
const s2bArb = fc.record({ op: fc.constant("SPACE_TO_BATCH_ND"), seed: seedArb, b: fc.integer({ min: 1, max: 2 }), bh: fc.integer({ min: 1, max: 3 }), bw: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 3 }), pads: fc.array(fc.nat(2), { minLength: 4, maxLength: 4 }) });
const b2sArb = fc.record({ op: fc.constant("BATCH_TO_SPACE_ND"), seed: seedArb, b: fc.integer({ min: 1, max: 2 }), bh: fc.integer({ min: 1, max: 3 }), bw: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 4 }), w: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 1, max: 3 }), crops: fc.array(fc.nat(1), { minLength: 4, maxLength: 4 }) });
const s2dArb = fc.record({ op: fc.constantFrom("SPACE_TO_DEPTH", "DEPTH_TO_SPACE"), seed: seedArb, bs: fc.integer({ min: 1, max: 3 }), b: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 3 }), w: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }) });
const bcastArb = fc.record({ op: fc.constant("BROADCAST_TO"), seed: seedArb, out: shapeArb(1, 5, 4), mask: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), drop: fc.nat(2) });
const cmpArb = fc.record({
  op: fc.constantFrom("EQUAL", "NOT_EQUAL", "GREATER", "GREATER_EQUAL", "LESS", "LESS_EQUAL"), seed: seedArb, shape: shapeArb(1, 4, 5),
  bcast: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), same: fc.boolean(),
  s1: fc.integer({ min: 1, max: 0xffff }).map((m) => Math.fround(m / 65536)), s2: fc.integer({ min: 1, max: 0xffff }).map((m) => Math.fround(m / 65536)),
  z1: fc.integer({ min: -128, max: 127 }), z2: fc.integer({ min: -128, max: 127 }),
});
const selectArb = fc.record({ op: fc.constant("SELECT_V2"), seed: seedArb, shape: shapeArb(1, 4, 4), cm: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), xm: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), ym: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) });
const miscArb = fc.record({ op: fc.constantFrom("FILL", "ZEROS_LIKE", "ARG_MIN", "CAST"), seed: seedArb, shape: shapeArb(1, 4, 6), axisPick: fc.integer({ min: -4, max: 3 }), to: fc.constantFrom("int16", "int32", "float32") });
const copyArb = fc.record({ op: fc.constantFrom("SLICE", "PACK", "UNPACK", "SPLIT_V", "EXPAND_DIMS"), seed: seedArb, shape: shapeArb(1, 4, 5), pick: fc.array(fc.nat(100), { minLength: 8, maxLength: 8 }) });

/** A bool/int8 graph for one spec, with the oracle's output. */
function build(s: Spec): Built {
  const b = new GraphBuilder();
  const sh = (k: string) => s[k] as number[];
  const n = (k: string) => s[k] as number;
  switch (s.op) {
    case "GATHER": {
      const shape = sh("shape");
      const axis = ((n("axisPick") % shape.length) + shape.length) % shape.length;
      const next = prng(s.seed ^ 1);
      const coords = Array.from({ length: n("count") }, () => next() % shape[axis]);
      const outShape = [...shape.slice(0, axis), coords.length, ...shape.slice(axis + 1)];
      const x = randomBytes(product(shape), s.seed);
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => {
        const idx = unravel(i, outShape);
        idx[axis] = coords[idx[axis]];
        return x[at(idx, shape)];
      });
      const input = b.add("input", "int8", shape, q);
      const c = b.add("coords", "int32", [coords.length], undefined, i32Bytes(coords));
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "GATHER", [input, c], [out], { axis: n("axisPick") < 0 ? axis - shape.length : axis, batchDims: 0 }, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "GATHER_ND": {
      const shape = sh("shape");
      const depth = 1 + (n("depthPick") % shape.length);
      const rows = sh("rows");
      const next = prng(s.seed ^ 5);
      const idx = Array.from({ length: product(rows) * depth }, (_, i) => next() % shape[i % depth]);
      const inner = shape.slice(depth);
      const outShape = [...rows, ...inner];
      const x = randomBytes(product(shape), s.seed);
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => {
        const r = Math.floor(i / product(inner));
        return x[at([...idx.slice(r * depth, r * depth + depth), ...unravel(i % product(inner), inner)], shape)];
      });
      const input = b.add("params", "int8", shape, q);
      const ind = b.add("indices", "int32", [...rows, depth], undefined, i32Bytes(idx));
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "GATHER_ND", [input, ind], [out], {}, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "MIRROR_PAD": {
      const shape = sh("shape");
      const off = n("mode") === 0 ? 1 : 0;
      const pads = shape.flatMap((d, k) => [sh("pads")[2 * k] % (d - off + 1), sh("pads")[2 * k + 1] % (d - off + 1)]);
      const outShape = shape.map((d, k) => d + pads[2 * k] + pads[2 * k + 1]);
      const x = randomBytes(product(shape), s.seed);
      // Reflection written from the definition: index -1 - p (SYMMETRIC) or -p (REFLECT) before, mirrored after.
      const src = (p: number, d: number, left: number): number => {
        const i = p - left;
        if (i < 0) return off === 1 ? -i : -i - 1;
        if (i >= d) return off === 1 ? 2 * d - 2 - i : 2 * d - 1 - i;
        return i;
      };
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => x[at(unravel(i, outShape).map((p, k) => src(p, shape[k], pads[2 * k])), shape)]);
      const input = b.add("input", "int8", shape, q);
      const p = b.add("paddings", "int32", [shape.length, 2], undefined, i32Bytes(pads));
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "MIRROR_PAD", [input, p], [out], { mode: n("mode") }, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "SPACE_TO_BATCH_ND": {
      const [bh, bw, h, w, c, bb] = [n("bh"), n("bw"), n("h"), n("w"), n("c"), n("b")];
      const p = sh("pads");
      const pt = p[0], pl = p[2];
      const pb = p[1] + ((bh - ((h + pt + p[1]) % bh)) % bh);
      const pr = p[3] + ((bw - ((w + pl + p[3]) % bw)) % bw);
      const oh = (h + pt + pb) / bh, ow = (w + pl + pr) / bw;
      const outShape = [bb * bh * bw, oh, ow, c];
      const x = randomBytes(bb * h * w * c, s.seed);
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => {
        const [ob, y, xx, ch] = unravel(i, outShape);
        const blk = Math.floor(ob / bb);
        const sy = y * bh + Math.floor(blk / bw) - pt, sx = xx * bw + (blk % bw) - pl;
        return sy < 0 || sy >= h || sx < 0 || sx >= w ? 0 : x[at([ob % bb, sy, sx, ch], [bb, h, w, c])];
      });
      const input = b.add("input", "int8", [bb, h, w, c], q);
      const bs = b.add("block", "int32", [2], undefined, i32Bytes([bh, bw]));
      const pd = b.add("paddings", "int32", [2, 2], undefined, i32Bytes([pt, pb, pl, pr]));
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "SPACE_TO_BATCH_ND", [input, bs, pd], [out], {}, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "BATCH_TO_SPACE_ND": {
      const [bh, bw, h, w, c, ob] = [n("bh"), n("bw"), n("h"), n("w"), n("c"), n("b")];
      const cr = sh("crops").map((v, k) => Math.min(v, k < 2 ? Math.floor((h * bh - 1) / 2) : Math.floor((w * bw - 1) / 2)));
      const inShape = [ob * bh * bw, h, w, c];
      const outShape = [ob, h * bh - cr[0] - cr[1], w * bw - cr[2] - cr[3], c];
      const x = randomBytes(product(inShape), s.seed);
      const exp = new Int8Array(product(outShape));
      // The reference loop over the input (batch_to_space_nd.h).
      for (let ib = 0; ib < inShape[0]; ib++) {
        const so = Math.floor(ib / ob);
        for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
          const oy = y * bh + Math.floor(so / bw) - cr[0], ox = xx * bw + (so % bw) - cr[2];
          if (oy < 0 || oy >= outShape[1] || ox < 0 || ox >= outShape[2]) continue;
          for (let ch = 0; ch < c; ch++) exp[at([ib % ob, oy, ox, ch], outShape)] = x[at([ib, y, xx, ch], inShape)];
        }
      }
      const input = b.add("input", "int8", inShape, q);
      const bs = b.add("block", "int32", [2], undefined, i32Bytes([bh, bw]));
      const cp = b.add("crops", "int32", [2, 2], undefined, i32Bytes(cr));
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "BATCH_TO_SPACE_ND", [input, bs, cp], [out], {}, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "SPACE_TO_DEPTH":
    case "DEPTH_TO_SPACE": {
      const [bs, bb, h, w, c] = [n("bs"), n("b"), n("h"), n("w"), n("c")];
      // Small shape [bb, h*bs, w*bs, c] <-> [bb, h, w, c*bs*bs].
      const space = [bb, h * bs, w * bs, c], depth = [bb, h, w, c * bs * bs];
      const [inShape, outShape] = s.op === "SPACE_TO_DEPTH" ? [space, depth] : [depth, space];
      const x = randomBytes(product(inShape), s.seed);
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => {
        if (s.op === "SPACE_TO_DEPTH") {
          const [b0, y, xx, d] = unravel(i, outShape);
          const blk = Math.floor(d / c);
          return x[at([b0, y * bs + Math.floor(blk / bs), xx * bs + (blk % bs), d % c], inShape)];
        }
        const [b0, y, xx, ch] = unravel(i, outShape);
        return x[at([b0, Math.floor(y / bs), Math.floor(xx / bs), ((y % bs) * bs + (xx % bs)) * c + ch], inShape)];
      });
      const input = b.add("input", "int8", inShape, q);
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, s.op, [input], [out], { blockSize: bs }, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "BROADCAST_TO": {
      const outShape = sh("out");
      const inFull = outShape.map((d, k) => ((s.mask as boolean[])[k] ? 1 : d));
      const inShape = inFull.slice(Math.min(n("drop"), inFull.length - 1)).map((d, k, arr) => d);
      const ext = [...Array(outShape.length - inShape.length).fill(1), ...inShape];
      const x = randomBytes(product(inShape), s.seed);
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => x[at(unravel(i, outShape).map((v, k) => (ext[k] === 1 ? 0 : v)), ext)]);
      const input = b.add("input", "int8", inShape, q);
      const shp = b.add("shape", "int32", [outShape.length], undefined, i32Bytes(outShape));
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "BROADCAST_TO", [input, shp], [out], {}, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "EQUAL": case "NOT_EQUAL": case "GREATER": case "GREATER_EQUAL": case "LESS": case "LESS_EQUAL": {
      const shape = sh("shape");
      const bc = s.bcast as boolean[];
      const shape2 = shape.map((d, k) => (bc[k] ? 1 : d));
      const [s1, z1] = [n("s1"), n("z1")];
      const [s2, z2] = s.same ? [s1, z1] : [n("s2"), n("z2")];
      const x = randomBytes(product(shape), s.seed);
      const y = randomBytes(product(shape2), s.seed ^ 7);
      // ComparisonWithScaling: ((v - zp) << 8) rescaled by QuantizeMultiplierSmallerThanOneExp(scale).
      const sc = (v: number, sc0: number, zp: number): number => {
        const m = quantizeMultiplier(sc0);
        return mbqm((v - zp) * 256, m.multiplier, m.shift);
      };
      const f: Record<string, (a: number, c: number) => boolean> = {
        EQUAL: (a, c) => a === c, NOT_EQUAL: (a, c) => a !== c, GREATER: (a, c) => a > c,
        GREATER_EQUAL: (a, c) => a >= c, LESS: (a, c) => a < c, LESS_EQUAL: (a, c) => a <= c,
      };
      const exp = Uint8Array.from({ length: product(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        return f[s.op](sc(x[i], s1, z1), sc(y[at(idx.map((v, k) => (bc[k] ? 0 : v)), shape2)], s2, z2)) ? 1 : 0;
      });
      const a = b.add("a", "int8", shape, perTensor(s1, z1));
      const c = b.add("b", "int8", shape2, perTensor(s2, z2));
      const out = b.add("output", "bool", shape);
      return { graph: oneOp(b, s.op, [a, c], [out], {}, [a, c]), inputs: [bytesOf(x), bytesOf(y)], expected: [exp] };
    }
    case "SELECT_V2": {
      const shape = sh("shape");
      const sub = (m: string) => shape.map((d, k) => ((s[m] as boolean[])[k] ? 1 : d));
      const [cs, xs, ys] = [sub("cm"), sub("xm"), sub("ym")];
      const next = prng(s.seed ^ 3);
      const cond = Uint8Array.from({ length: product(cs) }, () => next() & 1);
      const x = randomBytes(product(xs), s.seed);
      const y = randomBytes(product(ys), s.seed ^ 9);
      const pick = (idx: number[], s0: number[]) => at(idx.map((v, k) => (s0[k] === 1 ? 0 : v)), s0);
      const exp = Int8Array.from({ length: product(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        return cond[pick(idx, cs)] ? x[pick(idx, xs)] : y[pick(idx, ys)];
      });
      const c = b.add("cond", "bool", cs);
      const xi = b.add("x", "int8", xs, q);
      const yi = b.add("y", "int8", ys, q);
      const out = b.add("output", "int8", shape, q);
      return { graph: oneOp(b, "SELECT_V2", [c, xi, yi], [out], {}, [c, xi, yi]), inputs: [cond, bytesOf(x), bytesOf(y)], expected: [bytesOf(exp)] };
    }
    case "FILL": case "ZEROS_LIKE": case "ARG_MIN": case "CAST":
      return buildMisc(b, s);
    default:
      return buildCopy(b, s);
  }
}

/** FILL, ZEROS_LIKE, ARG_MIN (std::less, first index on ties), CAST (static_cast of the stored integers). */
function buildMisc(b: GraphBuilder, s: Spec): Built {
  const shape = s.shape as number[];
  const x = randomBytes(product(shape), s.seed);
  switch (s.op) {
    case "FILL": {
      const v = b.add("value", "int8", [], q);
      const dims = b.add("dims", "int32", [shape.length], undefined, i32Bytes(shape));
      const out = b.add("output", "int8", shape, q);
      return { graph: oneOp(b, "FILL", [dims, v], [out], {}, [v]), inputs: [bytesOf(x.slice(0, 1))], expected: [bytesOf(new Int8Array(product(shape)).fill(x[0]))] };
    }
    case "ZEROS_LIKE": {
      const input = b.add("input", "int8", shape, q);
      const out = b.add("output", "int8", shape, q);
      return { graph: oneOp(b, "ZEROS_LIKE", [input], [out], {}, [input]), inputs: [bytesOf(x)], expected: [new Uint8Array(product(shape))] };
    }
    case "ARG_MIN": {
      const rank = shape.length;
      const axis = ((s.axisPick as number) % rank + rank) % rank;
      // Few distinct values, so ties happen.
      const xs = x.map((v) => v >> 5);
      const outShape = shape.filter((_, k) => k !== axis);
      const exp = Int32Array.from({ length: product(outShape) }, (_, i) => {
        const idx = unravel(i, outShape);
        let best = 0;
        for (let j = 1; j < shape[axis]; j++) {
          const a = [...idx]; a.splice(axis, 0, j);
          const c = [...idx]; c.splice(axis, 0, best);
          if (xs[at(a, shape)] < xs[at(c, shape)]) best = j;
        }
        return best;
      });
      const input = b.add("input", "int8", shape, q);
      const ax = b.add("axis", "int32", [1], undefined, i32Bytes([axis]));
      const out = b.add("output", "int32", outShape);
      return { graph: oneOp(b, "ARG_MIN", [input, ax], [out], {}, [input]), inputs: [bytesOf(xs)], expected: [new Uint8Array(exp.buffer)] };
    }
    default: {
      const to = s.to as DType;
      const exp = to === "int16" ? Int16Array.from(x) : to === "int32" ? Int32Array.from(x) : Float32Array.from(x);
      const input = b.add("input", "int8", shape, q);
      const out = b.add("output", to, shape);
      return { graph: oneOp(b, "CAST", [input], [out], {}, [input]), inputs: [bytesOf(x)], expected: [new Uint8Array(exp.buffer)] };
    }
  }
}

/** SLICE, PACK, UNPACK, SPLIT_V, EXPAND_DIMS. */
function buildCopy(b: GraphBuilder, s: Spec): Built {
  const shape = s.shape as number[];
  const p = s.pick as number[];
  const rank = shape.length;
  const x = randomBytes(product(shape), s.seed);
  const input = b.add("input", "int8", shape, q);
  switch (s.op) {
    case "SLICE": {
      const begin = shape.map((d, k) => p[k] % d);
      const size = shape.map((d, k) => (p[k + 4] % 3 === 0 ? -1 : 1 + (p[k + 4] % (d - begin[k]))));
      const outShape = size.map((v, k) => (v === -1 ? shape[k] - begin[k] : v));
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => x[at(unravel(i, outShape).map((v, k) => v + begin[k]), shape)]);
      const bg = b.add("begin", "int32", [rank], undefined, i32Bytes(begin));
      const sz = b.add("size", "int32", [rank], undefined, i32Bytes(size));
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "SLICE", [input, bg, sz], [out], {}, [input]), inputs: [bytesOf(x)], expected: [bytesOf(exp)] };
    }
    case "PACK": {
      const count = 1 + (p[0] % 3);
      const axis = p[1] % (rank + 1);
      const xs = [x, ...Array.from({ length: count - 1 }, (_, j) => randomBytes(product(shape), s.seed + j + 1))];
      const ins = [input, ...xs.slice(1).map((_, j) => b.add(`in${j + 1}`, "int8", shape, q))];
      const outShape = [...shape.slice(0, axis), count, ...shape.slice(axis)];
      const exp = Int8Array.from({ length: product(outShape) }, (_, i) => {
        const idx = unravel(i, outShape);
        const j = idx.splice(axis, 1)[0];
        return xs[j][at(idx, shape)];
      });
      const out = b.add("output", "int8", outShape, q);
      return { graph: oneOp(b, "PACK", ins, [out], { valuesCount: count, axis: p[2] % 2 ? axis - rank - 1 : axis }, ins), inputs: xs.map(bytesOf), expected: [bytesOf(exp)] };
    }
    case "UNPACK": {
      const axis = p[0] % rank;
      const outShape = shape.filter((_, k) => k !== axis);
      const outs = Array.from({ length: shape[axis] }, (_, j) => b.add(`out${j}`, "int8", outShape, q));
      const expected = outs.map((_, j) => bytesOf(Int8Array.from({ length: product(outShape) }, (_, i) => {
        const idx = unravel(i, outShape);
        idx.splice(axis, 0, j);
        return x[at(idx, shape)];
      })));
      return { graph: oneOp(b, "UNPACK", [input], outs, { num: shape[axis], axis }, [input]), inputs: [bytesOf(x)], expected };
    }
    case "SPLIT_V": {
      const axis = p[0] % rank;
      const d = shape[axis];
      const sizes: number[] = [];
      for (let left = d; left > 0;) {
        const take = 1 + (p[1 + (sizes.length % 7)] % left);
        sizes.push(take);
        left -= take;
      }
      const given = sizes.map((v, j) => (j === p[2] % sizes.length ? -1 : v));
      let from = 0;
      const outs: number[] = [];
      const expected = sizes.map((len, j) => {
        const os = shape.map((v, k) => (k === axis ? len : v));
        outs.push(b.add(`out${j}`, "int8", os, q));
        const start = from;
        from += len;
        return bytesOf(Int8Array.from({ length: product(os) }, (_, i) => {
          const idx = unravel(i, os);
          idx[axis] += start;
          return x[at(idx, shape)];
        }));
      });
      const ss = b.add("size_splits", "int32", [sizes.length], undefined, i32Bytes(given));
      const ax = b.add("axis", "int32", [], undefined, i32Bytes([axis]));
      return { graph: oneOp(b, "SPLIT_V", [input, ss, ax], outs, { numSplits: sizes.length }, [input]), inputs: [bytesOf(x)], expected };
    }
    default: {
      const axis = p[0] % (rank + 1);
      const ax = b.add("axis", "int32", [1], undefined, i32Bytes([p[1] % 2 ? axis - rank - 1 : axis]));
      const out = b.add("output", "int8", [...shape.slice(0, axis), 1, ...shape.slice(axis)], q);
      return { graph: oneOp(b, "EXPAND_DIMS", [input, ax], [out], {}, [input]), inputs: [bytesOf(x)], expected: [bytesOf(x)] };
    }
  }
}

async function check(spec: Spec, targets: readonly Target[]): Promise<void> {
  const { graph, inputs, expected } = build(spec);
  const label = JSON.stringify(spec);
  const ts = (await runModel(graph, inputs, "ts")).outputs;
  ts.forEach((got, o) => expect(Array.from(got), `TS vs oracle, output ${o}: ${label}`).toEqual(Array.from(expected[o])));
  if (targets.length > 1) await expectGraphAgree(label, graph, inputs, targets);
}

const ARBS: { name: string; seed: number; arb: fc.Arbitrary<Spec> }[] = [
  { name: "GATHER", seed: 0x15a01, arb: gatherArb },
  { name: "GATHER_ND", seed: 0x15a0b, arb: gatherNdArb },
  { name: "MIRROR_PAD", seed: 0x15a02, arb: mirrorArb },
  { name: "SPACE_TO_BATCH_ND", seed: 0x15a03, arb: s2bArb },
  { name: "BATCH_TO_SPACE_ND", seed: 0x15a04, arb: b2sArb },
  { name: "SPACE_TO_DEPTH/DEPTH_TO_SPACE", seed: 0x15a05, arb: s2dArb },
  { name: "BROADCAST_TO", seed: 0x15a06, arb: bcastArb },
  { name: "comparisons", seed: 0x15a07, arb: cmpArb },
  { name: "SELECT_V2", seed: 0x15a08, arb: selectArb },
  { name: "SLICE/PACK/UNPACK/SPLIT_V/EXPAND_DIMS", seed: 0x15a09, arb: copyArb },
  { name: "FILL/ZEROS_LIKE/ARG_MIN/CAST", seed: 0x15a0a, arb: miscArb },
] as { name: string; seed: number; arb: fc.Arbitrary<Spec> }[];

describe("issue 15 ops: TS == oracle == WASM", () => {
  for (const c of ARBS) {
    it(`${c.name}: ${WASM_RUNS} random graphs`, () => fc.assert(fc.asyncProperty(c.arb, (s) => check(s, ["ts", "wasm"])), { seed: c.seed, numRuns: WASM_RUNS }), 120_000 * SCALE);
  }
});

describe.skipIf(host.skip)("issue 15 ops: TS == WASM == host C", { concurrent: true }, () => {
  for (const c of ARBS) {
    it(`${c.name}: ${HOST_RUNS} random graphs`, () => fc.assert(fc.asyncProperty(c.arb, (s) => check(s, ["ts", "wasm", "host"])), { seed: c.seed + 1, numRuns: HOST_RUNS }), 240_000 * SCALE);
  }
});

describe("comparison kernel: the raw fast path equals the rescaling path", () => {
  it("over every int8 pair, for random shared quantizations the lowering would send to the fast path", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 0xffffff }), fc.integer({ min: -128, max: 127 }), fc.constantFrom(CMP_EQUAL, CMP_LESS), (m, zp, cmp) => {
      const scale = Math.fround(m / 0x1000000);
      const { multiplier, shift } = quantizeMultiplier(scale);
      const r = { offset: -zp, multiplier, shift };
      fc.pre(rescaleIsStrict(r));
      const xs = Int8Array.from({ length: 65536 }, (_, i) => (i >> 8) - 128);
      const ys = Int8Array.from({ length: 65536 }, (_, i) => (i & 255) - 128);
      const run = (scaled: number): Uint8Array => {
        const out = new Uint8Array(65536);
        const p: ComparisonParams = {
          cmp, scaled, broadcast: 0, size: 65536, d0: 1, d1: 1, d2: 1, d3: 1, a0: 0, a1: 0, a2: 0, a3: 0, b0: 0, b1: 0, b2: 0, b3: 0,
          leftShift: 8, input1Offset: -zp, input1Multiplier: multiplier, input1Shift: shift, input2Offset: -zp, input2Multiplier: multiplier, input2Shift: shift,
        };
        comparison(p, xs, ys, out);
        return out;
      };
      expect(run(0)).toEqual(run(1));
    }), { seed: 0x15a10, numRuns: 10 });
  });

  it("a scale so small that two int8 values rescale alike keeps the rescaling path", () => {
    const { multiplier, shift } = quantizeMultiplier(1 / 4096);
    expect(rescaleIsStrict({ offset: 0, multiplier, shift })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// What TFLite Micro rejects (or Mote does not support): named lowering errors.

function graphWith(opcode: string, ins: [string, DType, number[], Uint8Array?][], outs: [DType, number[]][], options: Op["options"] = {}, quant = q): Graph {
  const b = new GraphBuilder();
  const inputs = ins.map(([name, dt, shape, data]) => b.add(name, dt, shape, dt === "int8" ? quant : undefined, data));
  const outputs = outs.map(([dt, shape], j) => b.add(`out${j}`, dt, shape, dt === "int8" ? quant : undefined));
  return oneOp(b, opcode, inputs, outputs, options, inputs.filter((t) => b.tensors[t].data === undefined));
}

describe("issue 15 ops: lowering errors (3001)", () => {
  const cases: [string, Graph, RegExp][] = [
    ["GATHER with an out-of-range coordinate", graphWith("GATHER", [["x", "int8", [4, 3]], ["c", "int32", [2], i32Bytes([1, 4])]], [["int8", [2, 3]]], { axis: 0, batchDims: 0 }), /coordinate 4 is outside axis 0/],
    ["GATHER with runtime coordinates", graphWith("GATHER", [["x", "int8", [4, 3]], ["c", "int32", [2]]], [["int8", [2, 3]]], { axis: 0, batchDims: 0 }), /constant/],
    ["GATHER_ND with an out-of-range index", graphWith("GATHER_ND", [["x", "int8", [4, 3]], ["i", "int32", [1, 2], i32Bytes([0, 3])]], [["int8", [1]]]), /outside dimension 1/],
    ["MIRROR_PAD REFLECT padding as wide as the dimension", graphWith("MIRROR_PAD", [["x", "int8", [1, 3, 3, 1]], ["p", "int32", [4, 2], i32Bytes([0, 0, 3, 0, 0, 0, 0, 0])]], [["int8", [1, 6, 3, 1]]], { mode: 0 }), /exceed 2 \(REFLECT/],
    ["SPACE_TO_DEPTH with a block not dividing the height", graphWith("SPACE_TO_DEPTH", [["x", "int8", [1, 3, 4, 1]]], [["int8", [1, 1, 2, 4]]], { blockSize: 2 }), /multiples of block_size 2/],
    ["BROADCAST_TO to an incompatible shape", graphWith("BROADCAST_TO", [["x", "int8", [3]], ["s", "int32", [2], i32Bytes([2, 4])]], [["int8", [2, 4]]]), /does not broadcast/],
    ["SPLIT_V sizes that do not add up", graphWith("SPLIT_V", [["x", "int8", [6]], ["s", "int32", [2], i32Bytes([2, 3])], ["a", "int32", [], i32Bytes([0])]], [["int8", [2]], ["int8", [3]]], { numSplits: 2 }), /do not add up/],
    ["a comparison with an input scale of 1 or more", graphWith("LESS", [["a", "int8", [4]], ["b", "int8", [4]]], [["bool", [4]]], {}, perTensor(1.5, 0)), /scale 1.5 is not in \(0, 1\)/],
    ["a comparison with an int8 output", graphWith("EQUAL", [["a", "int8", [4]], ["b", "int8", [4]]], [["int8", [4]]]), /bool/],
    ["SELECT_V2 with an int8 condition", graphWith("SELECT_V2", [["c", "int8", [4]], ["x", "int8", [4]], ["y", "int8", [4]]], [["int8", [4]]]), /bool/],
    ["CAST from int16", graphWith("CAST", [["x", "int16", [4]]], [["int32", [4]]]), /casts from int16 to int32 are not supported/],
    ["FILL with a non-scalar value", graphWith("FILL", [["d", "int32", [1], i32Bytes([4])], ["v", "int8", [2]]], [["int8", [4]]]), /scalar/],
    ["ARG_MIN with an int64 output", graphWith("ARG_MIN", [["x", "int8", [2, 3]], ["a", "int32", [], i32Bytes([1])]], [["int64", [2]]]), /int32 ARG_MIN output/],
  ];
  for (const [name, graph, message] of cases) it(name, () => expectLowerError(graph, message));
});

describe("a bool tensor between two ops (LESS -> SELECT_V2: the element-wise minimum)", () => {
  const b = new GraphBuilder();
  const shape = [2, 5, 7];
  const a = b.add("a", "int8", shape, q);
  const c = b.add("c", "int8", shape, q);
  const cond = b.add("a_less_c", "bool", shape);
  const out = b.add("min", "int8", shape, q);
  const graph: Graph = {
    name: "m2_less_select", tensors: b.tensors, inputs: [a, c], outputs: [out],
    ops: [
      { index: 0, opcode: "LESS", version: 1, inputs: [a, c], outputs: [cond], options: {} },
      { index: 1, opcode: "SELECT_V2", version: 1, inputs: [cond, a, c], outputs: [out], options: {} },
    ],
  };
  const x = randomBytes(product(shape), 11);
  const y = randomBytes(product(shape), 12);
  const want = Array.from(Int8Array.from(x, (v, i) => Math.min(v, y[i])));
  for (const mode of ["codegen", "interpreter"] as const) {
    it(`is planned and run in ${mode} mode on every fast target`, async () => {
      for (const target of host.ok ? (["ts", "wasm", "host"] as const) : (["ts", "wasm"] as const)) {
        const [got] = (await runModel(graph, [bytesOf(x), bytesOf(y)], target, { mode })).outputs;
        expect(Array.from(new Int8Array(got.buffer, got.byteOffset, got.length)), `${target} ${mode}`).toEqual(want);
      }
    }, 120_000);
  }
});
