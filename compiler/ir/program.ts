/**
 * @fileoverview A whole compiled model, ready to spell in C or WASM.
 *
 * compiler/build/straight.ts builds a `ModelProgram` from a graph, its kernel calls and the arena plan;
 * compiler/emit/c/model.ts and compiler/emit/wasm/model.ts turn the same program into a C
 * library or a WASM module. Everything is resolved: arena offsets are numbers, constant data is
 * bytes, kernel functions are (specialized) KIR.
 */
import type { KFunction, RecordType, Scalar } from "./kir.ts";
import type { TensorInfo } from "./io.ts";

export interface ConstantData {
  /** C identifier, unique in the program. */
  name: string;
  elem: Scalar;
  /** Element values (already in the element type's range). */
  values: ArrayLike<number>;
}

/** Where one array argument of an invoke step points. */
export type StepArg =
  | { k: "arena"; offset: number; elem: Scalar }
  | { k: "const"; name: string; elem: Scalar }
  /** An absent optional array (e.g. no bias): NULL in C, 0 in WASM. */
  | { k: "null"; elem: Scalar }
  /**
   * A constant record (unspecialized kernels, `--specialize off`): the i32 constant `name` holds
   * the fields of record type `record` in declaration order. C: a cast of the constant to
   * `const struct mote_<record> *`; WASM: the constant's address.
   */
  | { k: "record"; name: string; record: string };

export interface InvokeStep {
  /** KIR function to call (a key of `functions`). */
  fn: string;
  args: StepArg[];
  /** For comments and profiles: "op 3 CONV_2D". */
  label: string;
  opIndex: number;
  /** Tensors this step finishes writing (for layer dumps): arena offset and size. */
  produces?: { tensor: number; offset: number; bytes: number }[];
  /** Multiply-accumulates of this step (for reports). */
  macs?: number;
  /**
   * `fn` returns an i32 status (the interpreter's `interpret`): nonzero ends the invocation,
   * which returns it (C: `mote_invoke()`'s result, WASM: `invoke`'s), and the later steps do not
   * run. Absent: the step cannot fail, and its result, if any, is dropped.
   */
  status?: boolean;
}

/** An argument of an I/O conversion: a step argument, or the caller's float32 array (`values`). */
export type IoArg = StepArg | { k: "values"; elem: "f32" };

/**
 * The call that converts between the caller's float32 values and an int8 I/O tensor in the arena:
 * kernels/quantize.ts (inputs) or kernels/dequantize.ts (outputs), compiled like a step (one
 * record per I/O tensor: specialized, or generic with a record constant). The C library's
 * mote_quantize_input() / mote_dequantize_output() call it after checking the index and count.
 */
export interface IoConversion {
  /** KIR function to call (a key of `functions`). */
  fn: string;
  args: IoArg[];
  /** Float32 values the caller passes (the tensor's elements). */
  count: number;
}

export interface IoTensor {
  name: string;
  offset: number;
  bytes: number;
  /** Graph tensor index. */
  tensor: number;
  /** Shape, dtype, scale and zero point (compiler/ir/io.ts). */
  info: TensorInfo;
  /** Quantized int8 tensors (TensorInfo.quantized): the float32 conversion. */
  convert?: IoConversion;
}

export interface ModelProgram {
  name: string;
  arenaBytes: number;
  constants: ConstantData[];
  /** Every function the steps call, and every function those call, by KIR name. */
  functions: KFunction[];
  /** Record types used by unspecialized functions (their values live in `constants` as i32 arrays). */
  records: RecordType[];
  steps: InvokeStep[];
  /**
   * Status steps `mote_init()` runs once (the interpreter's image check); `mote_invoke()` runs
   * them first while they have not succeeded, so an application that never calls `mote_init()`
   * is checked too. WASM runs them at the start of every invoke. Absent: `mote_init()` returns 0.
   */
  init?: InvokeStep[];
  /**
   * Functions the C compiler must not inline, clone or constant-propagate into (C:
   * `MOTE_NOIPA`, gcc's `noipa`): the generic kernels of `--specialize off`, so that they stay
   * generic although their records are visible constants. Absent: none.
   */
  noIpa?: string[];
  inputs: IoTensor[];
  outputs: IoTensor[];
  /**
   * Arena ranges of the variable tensors (state kept across invocations: an audio front end's
   * history, an SVDF or LSTM state), which every target fills with their reset byte before the
   * first invocation and `mote_reset()` fills again. Absent or empty: the model has no state.
   */
  state?: StateRange[];
}

/** One variable tensor's bytes in the arena and the byte they hold after a reset. */
export interface StateRange {
  name: string;
  tensor: number;
  offset: number;
  bytes: number;
  /** Every byte's reset value, 0..255 (graph.ts `resetByte`: an int8 state's zero point, else 0). */
  fill: number;
}
