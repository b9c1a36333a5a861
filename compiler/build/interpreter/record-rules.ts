/**
 * @fileoverview What each generic kernel reads, as rules the interpreter's image check applies
 * to a step's record and arguments (runtime/interpreter.ts `recordPasses`; encoded into the
 * build's kernel table by checks.ts). Written once per kernel entry, next to nothing else: the
 * rule list of `stem.fn` says which record fields must lie in a range and how many bytes each
 * array argument must hold for the shapes the record gives, so that a record edited in the
 * image cannot make the kernel read or write past its arguments (the arguments themselves are
 * checked against the arena and the image by their stored size).
 *
 * Factors: a field name (its value, which must be >= 0), "?field" (1 when the field is nonzero,
 * else 0: an optional argument the kernel reads only then), or a constant. `values` keeps every
 * i32 of an image argument (a shift table) in a range. `checks` are expressions (Expr below) for
 * what a product of factors cannot say: packed weight layouts, scratch formulas, sums of
 * strides, conditions on a mode field; `strided` keeps every step-th i32 of an image argument in
 * a range (one word of each channel's table entry).
 *
 * `complete` marks kernels whose rules cover every record field that sizes an access, an index
 * or a shift: every kernel entry the shared models use. The image fuzzer
 * (test/support/image-fuzz.ts) edits the records and arguments only of those; the others are
 * checked by field count, argument sizes and the checksum (docs/reliability.md).
 */

export type Factor = string | number;

/**
 * An expression over a step's record (checks.ts encodes it, runtime/interpreter.ts `evaluate`
 * runs it): a field name, a constant, `{ elems: k }` (array argument k's element count), or
 * [operator, ...operands] with + - * / % min max < <= == != && || (comparisons give 1 or 0) and
 * ["?", c, a, b]. Every value must stay within +-(2^30 - 1) (else the record is rejected), so a
 * CHECK also bounds the index arithmetic the kernel does with the same fields.
 */
export type Expr = string | number | { elems: number } | [string, ...Expr[]];

/** A check that applies only when `if` is nonzero (`then` is not evaluated otherwise). */
export interface Guarded {
  if: Expr;
  then: Expr;
}

export interface KernelRules {
  /** [field, lo, hi]: lo <= field <= hi. */
  ranges?: [string, number, number][];
  /** [array argument, ...factors]: its bytes >= element size x the factors' product. */
  needs?: [number, ...Factor[]][];
  /** [array argument, lo, hi]: every i32 of that image argument in [lo, hi]. */
  values?: [number, number, number][];
  /** Expressions that must be nonzero (a Guarded one only when its condition holds). */
  checks?: (Expr | Guarded)[];
  /** [array argument, lo, hi, when, first, step]: when `when` is nonzero, the i32 of that image argument at first, first + step, ... in [lo, hi]. */
  strided?: [number, number, number, Expr, Expr, Expr][];
  complete?: boolean;
}

/** Strides, dilations, filter sizes and paddings a Cortex-M model can have. */
const GEOMETRY = 4096;
/** The largest value a CHECK expression may reach (runtime/interpreter.ts LIMIT). */
const LIMIT = 2 ** 30 - 1;
const window = (fields: string[], lo: number): [string, number, number][] => fields.map((f) => [f, lo, GEOMETRY]);
const int8Act: [string, number, number][] = [["actMin", -128, 127], ["actMax", -128, 127]];
const int16Act: [string, number, number][] = [["actMin", -32768, 32767], ["actMax", -32768, 32767]];
const int8Offsets = (fields: string[]): [string, number, number][] => fields.map((f) => [f, -255, 255]);
/** A requantization shift (TFLite's QuantizeMultiplier: 2^shift times a Q31 multiplier). */
const SHIFT: [number, number] = [-31, 30];
/** A rescale that only shrinks (TFLite's input and output rescales of ADD): its shift is a right shift. */
const RIGHT_SHIFT: [number, number] = [-31, 0];

const elems = (arg: number): Expr => ({ elems: arg });
const eq = (a: Expr, b: Expr): Expr => ["==", a, b];
/** `cond` implies `then`: `then` is evaluated only when `cond` holds. */
const when = (cond: Expr, then: Expr): Guarded => ({ if: cond, then });
/** `e` evaluates without leaving +-LIMIT: the kernel's index arithmetic over the same fields cannot overflow. */
const fits = (e: Expr): Expr => ["<=", 0, e];
const ceilDiv = (a: Expr, b: number): Expr => ["/", ["+", a, b - 1], b];

/**
 * Bounds for a convolution's index arithmetic: (image rows over all batches plus the farthest a
 * window can reach) x (columns plus the same) x channels stays within LIMIT.
 */
const convIndexFits: Expr = fits([
  "*",
  ["+", ["*", "batches", "inH"], ["*", "outH", "strideH"], "padH", ["*", "dilationH", "filterH"]],
  ["+", "inW", ["*", "outW", "strideW"], "padW", ["*", "dilationW", "filterW"]],
  "inC",
]);

/**
 * The SIMD depthwise variant (kernels/depthwise_conv_2d_dsp.ts, `dsp` = mode): its plane holds
 * one or four zero-point-padded planes of planeRows x runLen bytes plus 8, rounded up to a
 * word; its table inC entries of head + kr * quads * nw words. DSP_COLUMNS swaps the axes.
 */
function depthwiseDsp(mode: 1 | 2): { checks: Guarded[]; strided: [number, number, number, Expr, Expr, Expr][] } {
  const cols = mode === 2;
  const [kr, kc, sr, sc, nr, nc, padR, padC, inCols] = cols
    ? ["filterW", "filterH", "strideW", "strideH", "outW", "outH", "padW", "padH", "inH"]
    : ["filterH", "filterW", "strideH", "strideW", "outH", "outW", "padH", "padW", "inW"];
  const planeRows: Expr = ["+", ["*", ["-", nr, 1], sr], kr];
  const runLen: Expr = ["+", ["*", ["-", nc, 1], sc], kc];
  const colsIn: Expr = ["min", inCols, ["-", runLen, padC]];
  const group: Expr = ["?", ["&&", eq(["%", "inC", 4], 0), ["<=", 4, colsIn]], 4, 1];
  const planeSize: Expr = ["*", ["/", ["+", ["*", planeRows, runLen], 11], 4], 4];
  const small: Expr = ["&&", ["<=", kc, 3], ["<=", kr, 3]];
  const nw: Expr = ["?", small, 1, ["?", ["&&", ["<", 3, kc], eq(sc, 1), ["<", 1, nc]], 3, 2]];
  const quads: Expr = ["/", ["+", kc, 4], 4];
  const stride: Expr = ["+", ["*", kr, quads, nw], ["?", ["!=", "cheapRequant", 0], 4, 3]];
  const on: Expr = eq("dsp", mode);
  return {
    checks: [
      when(on, ["&&", ["<=", 1, nr], ["<=", 1, nc]]),
      when(on, ["<=", ["*", planeSize, group], elems(5)]),
      when(on, ["<=", ["*", stride, "inC"], elems(2)]),
    ],
    // The general requantization's shift (third word of each channel's entry) goes to mbqm.
    strided: [[2, -31, 31, ["&&", on, eq("cheapRequant", 0)], 2, stride]],
  };
}
const rowsDsp = depthwiseDsp(1);
const colsDsp = depthwiseDsp(2);

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D (int8 and int16): windows clipped to the image per output pixel
 * (kernels/average_pool_2d.ts, max_pool_2d.ts), so the input and output shapes bound every access.
 */
function pool(act: [string, number, number][]): KernelRules {
  return {
    ranges: [...window(["filterH", "filterW", "strideH", "strideW"], 1), ...window(["padH", "padW"], 0), ...act],
    needs: [[0, "batches", "inH", "inW", "channels"], [1, "batches", "outH", "outW", "channels"]],
    complete: true,
  };
}

/** conv_2d_dsp: taps (filterH x filterW x inC), padded to a multiple of 4, and half of that. */
const taps: Expr = ["*", "filterH", "filterW", "inC"];
const k4: Expr = ["*", ceilDiv(taps, 4), 4];
const half: Expr = ["*", ceilDiv(taps, 4), 2];
const pointwise: Expr = ["&&", eq("filterH", 1), eq("filterW", 1), eq("padH", 0), eq("padW", 0)];
/** kernels/conv_2d_dsp.ts: the small-K shape stages up to NARROW_STAGED_BYTES / (2 k4) pixels. */
const narrow: Expr = ["||", ["<=", k4, 8], ["&&", ["<", 16, k4], ["<=", k4, 28]]];

export const RECORD_RULES: Readonly<Record<string, KernelRules>> = {
  "reshape.reshape": { needs: [[0, "bytes"], [1, "bytes"]], complete: true },
  "softmax.softmax": {
    ranges: [["inputLeftShift", 0, 31], ["diffMin", -(2 ** 31) + 1, 0]],
    needs: [[0, "outer", "depth"], [1, "outer", "depth"]],
    complete: true,
  },
  "average_pool_2d.averagePool2d": pool(int8Act),
  "average_pool_2d.averagePool2d16": pool(int16Act),
  "max_pool_2d.maxPool2d": pool(int8Act),
  "max_pool_2d.maxPool2d16": pool(int16Act),
  "fully_connected.fullyConnected": {
    ranges: [...int8Offsets(["inputOffset", "filterOffset", "outputOffset"]), ...int8Act, ["hasBias", 0, 2]],
    needs: [
      [0, "batches", "accumDepth"], [1, "outputDepth", "accumDepth"], [2, "?hasBias", "outputDepth"],
      [3, "outputDepth"], [4, "outputDepth"], [5, "batches", "outputDepth"],
    ],
    values: [[4, ...SHIFT]],
    complete: true,
  },
  // Arrays: input, weights, bias, multipliers, shifts, table, staged, output (kernels/fully_connected_dsp.ts).
  "fully_connected_dsp.fullyConnectedDsp": {
    ranges: [
      ...int8Offsets(["inputOffset", "outputOffset"]), ...int8Act, ["hasBias", 0, 2], ["rows", 2, 4],
      ["weights16", 0, 2], ["staged", 0, 1], ["table", 0, 2], ["qShift", 0, 31], ["qZp", 0, 1],
      ["qRound", -(2 ** 30), 2 ** 30],
    ],
    needs: [[0, "batches", "accumDepth"], [7, "batches", "outputDepth"]],
    checks: [
      // Offset-binary weights are read against staged activations only.
      when(eq("weights16", 2), eq("staged", 1)),
      // Per output row and group of 4 depths: one word of int8 weights, or two of int16 pairs.
      ["<=", ["*", "outputDepth", ceilDiv("accumDepth", 4), ["?", eq("weights16", 1), 2, 1]], elems(1)],
      when(["&&", eq("table", 0), ["!=", "hasBias", 0]], ["<=", "outputDepth", elems(2)]),
      when(eq("table", 0), ["&&", ["<=", "outputDepth", elems(3)], ["<=", "outputDepth", elems(4)]]),
      when(eq("table", 1), ["<=", ["*", "outputDepth", 4], elems(5)]),
      when(eq("table", 2), ["<=", "outputDepth", elems(5)]),
      when(["||", eq("staged", 1), eq("weights16", 2)], ["<=", ["*", ceilDiv("accumDepth", 4), 2], elems(6)]),
    ],
    values: [[4, ...SHIFT]],
    complete: true,
  },
  // Arrays: input, filter, bias (or the SIMD variant's table), multipliers, shifts, plane, output.
  "depthwise_conv_2d.depthwiseConv2d": {
    ranges: [
      ...window(["filterH", "filterW", "strideH", "strideW", "dilationH", "dilationW", "depthMultiplier"], 1),
      ...window(["padH", "padW"], 0), ...int8Offsets(["inputOffset", "outputOffset"]), ...int8Act,
      ["hasBias", 0, 2], ["inPlace", 0, 1], ["dsp", 0, 2], ["cheapRequant", 0, 2],
    ],
    needs: [[0, "batches", "inH", "inW", "inC"], [6, "batches", "outH", "outW", "outC"]],
    checks: [
      ["<=", ["*", "inC", "depthMultiplier"], "outC"],
      convIndexFits,
      when(eq("dsp", 0), ["<=", ["*", "filterH", "filterW", "outC"], elems(1)]),
      when(["&&", eq("dsp", 0), ["!=", "hasBias", 0]], ["<=", "outC", elems(2)]),
      when(eq("dsp", 0), ["&&", ["<=", "outC", elems(3)], ["<=", "outC", elems(4)]]),
      when(["&&", eq("dsp", 0), ["!=", "inPlace", 0]], ["<=", ["*", "inH", "inW"], elems(5)]),
      ...rowsDsp.checks, ...colsDsp.checks,
    ],
    values: [[4, ...SHIFT]],
    strided: [...rowsDsp.strided, ...colsDsp.strided],
    complete: true,
  },
  // Arrays: input, filter, bias, multipliers, shifts, table, skip, pixel, column, staged, output.
  "conv_2d_dsp.conv2dDsp": {
    ranges: [
      ...window(["filterH", "filterW", "strideH", "strideW", "dilationH", "dilationW"], 1),
      ...window(["padH", "padW"], 0), ...int8Offsets(["inputOffset", "outputOffset"]), ...int8Act,
      ["hasBias", 0, 2], ["inPlace", 0, 3], ["fuseAdd", 0, 1], ["cheapRequant", 0, 2], ["int16Weights", 0, 1],
      ["addLeftShift", 0, 20], ["addSkipShift", ...RIGHT_SHIFT], ["addConvShift", ...RIGHT_SHIFT], ["addOutputShift", ...RIGHT_SHIFT],
      ...int8Offsets(["addSkipOffset", "addConvOffset", "addOutputOffset"]),
      ["addActMin", -128, 127], ["addActMax", -128, 127],
    ],
    needs: [[0, "batches", "inH", "inW", "inC"], [10, "batches", "outH", "outW", "outC"]],
    checks: [
      convIndexFits,
      ["<=", 1, taps],
      // Packed weights: per channel k4 / 4 words of int8 taps, or k4 / 2 of int16 pairs.
      ["<=", ["*", "outC", ["?", "int16Weights", half, ceilDiv(taps, 4)]], elems(1)],
      // Staged pixels: two (the GEMM) or the small-K shape's block.
      ["<=", ["?", narrow, ["*", ["min", ["/", 512, k4], ["*", "batches", "outH", "outW"]], half], k4], elems(9)],
      // The receptive field goes through `column` when inC is not a multiple of 4 (not 1x1 unpadded).
      ["||", eq(["%", "inC", 4], 0), pointwise, ["<=", taps, elems(8)]],
      // A 1x1 unpadded layer reads its pixels in place.
      when(pointwise, ["&&", ["<", ["*", ["-", "outH", 1], "strideH"], "inH"], ["<", ["*", ["-", "outW", 1], "strideW"], "inW"]]),
      when(["!=", "cheapRequant", 0], ["<=", ["*", "outC", 4], elems(5)]),
      when(["&&", eq("cheapRequant", 0), ["!=", "hasBias", 0]], ["<=", "outC", elems(2)]),
      when(eq("cheapRequant", 0), ["&&", ["<=", "outC", elems(3)], ["<=", "outC", elems(4)]]),
      when(["!=", "fuseAdd", 0], ["<=", ["*", "batches", "outH", "outW", "outC"], elems(6)]),
      when(eq("inPlace", 3), ["<=", ["*", "outW", "outC"], elems(7)]),
    ],
    values: [[4, ...SHIFT]],
    complete: true,
  },
  // Arrays: input1, input2, output (kernels/add.ts).
  "add.add": {
    ranges: [
      ["subtract", 0, 1], ["broadcast", 0, 1], ["leftShift", 0, 20], ["input1Shift", ...RIGHT_SHIFT], ["input2Shift", ...RIGHT_SHIFT],
      ["outputShift", ...RIGHT_SHIFT], ...int8Offsets(["input1Offset", "input2Offset", "outputOffset"]), ...int8Act,
      ...["d0", "d1", "d2", "d3", "a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3"].map((f): [string, number, number] => [f, 0, LIMIT]),
    ],
    checks: [
      when(eq("broadcast", 0), ["&&", ["<=", "size", elems(0)], ["<=", "size", elems(1)], ["<=", "size", elems(2)]]),
      when(["!=", "broadcast", 0], ["<=", ["*", "d0", "d1", "d2", "d3"], elems(2)]),
      // The farthest element each input's strides reach (no loop runs when a count is 0).
      ...(["a", "b"] as const).map((s, k): Guarded => when(
        ["&&", ["!=", "broadcast", 0], ["<", 0, ["*", "d0", "d1", "d2", "d3"]]],
        ["<", ["+", ["*", ["-", "d0", 1], `${s}0`], ["*", ["-", "d1", 1], `${s}1`], ["*", ["-", "d2", 1], `${s}2`], ["*", ["-", "d3", 1], `${s}3`]], elems(k)],
      )),
    ],
    complete: true,
  },
};
