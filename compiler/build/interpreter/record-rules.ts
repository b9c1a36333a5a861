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
 * i32 of an image argument (a shift table) in a range.
 *
 * `complete` marks kernels whose rules cover every record field that sizes an access or a
 * shift (the others have ranges for their modes and shifts, and NEED for input and output); the image fuzzer (test/support/image-fuzz.ts) edits record fields only of those. The
 * others are checked by field count, argument sizes and the checksum (docs/reliability.md).
 */

export type Factor = string | number;

export interface KernelRules {
  /** [field, lo, hi]: lo <= field <= hi. */
  ranges?: [string, number, number][];
  /** [array argument, ...factors]: its bytes >= element size x the factors' product. */
  needs?: [number, ...Factor[]][];
  /** [array argument, lo, hi]: every i32 of that image argument in [lo, hi]. */
  values?: [number, number, number][];
  complete?: boolean;
}

/** Strides, dilations, filter sizes and paddings a Cortex-M model can have. */
const GEOMETRY = 4096;
const window = (fields: string[], lo: number): [string, number, number][] => fields.map((f) => [f, lo, GEOMETRY]);
const int8Act: [string, number, number][] = [["actMin", -128, 127], ["actMax", -128, 127]];
const int8Offsets = (fields: string[]): [string, number, number][] => fields.map((f) => [f, -255, 255]);
/** A requantization shift (TFLite's QuantizeMultiplier: 2^shift times a Q31 multiplier). */
const SHIFT: [number, number] = [-31, 30];

export const RECORD_RULES: Readonly<Record<string, KernelRules>> = {
  "reshape.reshape": { needs: [[0, "bytes"], [1, "bytes"]], complete: true },
  "softmax.softmax": {
    ranges: [["inputLeftShift", 0, 31], ["diffMin", -(2 ** 31) + 1, 0]],
    needs: [[0, "outer", "depth"], [1, "outer", "depth"]],
    complete: true,
  },
  "average_pool_2d.averagePool2d": {
    ranges: [...window(["filterH", "filterW", "strideH", "strideW"], 1), ...window(["padH", "padW"], 0), ...int8Act],
    needs: [[0, "batches", "inH", "inW", "channels"], [1, "batches", "outH", "outW", "channels"]],
    complete: true,
  },
  "fully_connected.fullyConnected": {
    ranges: [...int8Offsets(["inputOffset", "filterOffset", "outputOffset"]), ...int8Act, ["hasBias", 0, 2]],
    needs: [
      [0, "batches", "accumDepth"], [1, "outputDepth", "accumDepth"], [2, "?hasBias", "outputDepth"],
      [3, "outputDepth"], [4, "outputDepth"], [5, "batches", "outputDepth"],
    ],
    values: [[4, ...SHIFT]],
    complete: true,
  },
  "fully_connected_dsp.fullyConnectedDsp": {
    ranges: [
      ...int8Offsets(["inputOffset", "outputOffset"]), ...int8Act, ["hasBias", 0, 2], ["rows", 2, 4],
      ["weights16", 0, 2], ["staged", 0, 1], ["table", 0, 2], ["qShift", 0, 31], ["qZp", 0, 1],
    ],
    needs: [[0, "batches", "accumDepth"], [7, "batches", "outputDepth"]],
  },
  "depthwise_conv_2d.depthwiseConv2d": {
    ranges: [
      ...window(["filterH", "filterW", "strideH", "strideW", "dilationH", "dilationW", "depthMultiplier"], 1),
      ...window(["padH", "padW"], 0), ...int8Offsets(["inputOffset", "outputOffset"]), ...int8Act,
      ["hasBias", 0, 2], ["inPlace", 0, 1], ["dsp", 0, 2], ["cheapRequant", 0, 2],
    ],
    needs: [[0, "batches", "inH", "inW", "inC"], [6, "batches", "outH", "outW", "outC"]],
  },
  "conv_2d_dsp.conv2dDsp": {
    ranges: [
      ...window(["filterH", "filterW", "strideH", "strideW", "dilationH", "dilationW"], 1),
      ...window(["padH", "padW"], 0), ...int8Offsets(["inputOffset", "outputOffset"]), ...int8Act,
      ["hasBias", 0, 2], ["inPlace", 0, 3], ["fuseAdd", 0, 1], ["cheapRequant", 0, 2], ["int16Weights", 0, 1],
      ["addLeftShift", 0, 20], ["addSkipShift", ...SHIFT], ["addConvShift", ...SHIFT], ["addOutputShift", ...SHIFT],
      ["addActMin", -128, 127], ["addActMax", -128, 127],
    ],
    needs: [[0, "batches", "inH", "inW", "inC"], [10, "batches", "outH", "outW", "outC"]],
  },
  "add.add": {
    ranges: [["leftShift", 0, 20], ["input1Shift", ...SHIFT], ["input2Shift", ...SHIFT], ["outputShift", ...SHIFT], ...int8Act],
    needs: [[2, "size"]],
  },
};
