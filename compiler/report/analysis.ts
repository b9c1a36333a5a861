/**
 * @fileoverview `mote analyze`'s figures: what a model is and what it will cost on a board, from
 * the same build and the same functions as `mote compile`'s report (report.ts, fit.ts), without
 * building firmware or running anything.
 *
 * `modelProblems` lists EVERY reason the model cannot be compiled as it is, each with its op and
 * a next step: float tensors (the first one, as MOTE1012/1013/1006 name it), each op with int16
 * activations (MOTE1011), every op Mote has no lowering
 * for (builtin or TFLite CUSTOM), and every supported op whose lowering rejects its operands or
 * options (MOTE3001 and other lowering errors), where `lowerGraph` stops at the first.
 * `analyzeModel` then gives the I/O table (compiler/ir/io.ts, as model.h), one row per op (its
 * tensors' shapes, MACs, weight and activation bytes, the kernel variants and functions its
 * lowering picked), totals, the arena, the estimated peak SRAM and flash and whether they fit the
 * board (the estimate `mote compile` checks before it builds firmware: report.ts
 * estimatedNeeds). Per-op MACs are the sums of report.json's per-call `macs`; arena, MACs,
 * constant bytes, the flash budget and the I/O table are report.json's own figures.
 */
import { diagnostic, MoteError } from "../diagnostics.ts";
import type { BuildResult, Mode } from "../build/index.ts";
import type { KernelCall } from "../ir/calls.ts";
import { isConstant, tensorBytes, type Graph, type Op } from "../ir/graph.ts";
import { modelIo, type TensorInfo } from "../ir/io.ts";
import { checkFloat, int16Ops, int16Where } from "../import/tflite/check.ts";
import { LOWERINGS, OP_ACTIVATION_TYPES, OPERATOR_LEFT, OPERATOR_NOTES, opHandles } from "../ops/index.ts";
import type { UserKernels } from "../ops/types.ts";
import type { Board } from "../toolchain/boards.ts";
import { fitOf, peakStep, type MemoryFit } from "./fit.ts";
import { constantBytes, estimatedNeeds, type IoRow } from "./report.ts";

/** One reason the model cannot be compiled, with what the user can do about it. */
export interface Problem {
  /** The op at fault (model index), or null for the model as a whole. */
  op: number | null;
  opcode: string | null;
  /**
   * "float": float tensors (a float, dynamic-range or partly float model); "int16-activations": an
   * op of a 16x8-quantized model; "unsupported-op": no lowering; "custom-op": a TFLite CUSTOM op;
   * "unsupported-layer": its lowering rejects it.
   */
  kind: "float" | "int16-activations" | "unsupported-op" | "custom-op" | "unsupported-layer";
  /** The MOTE code compile raises for it. */
  code: number;
  message: string;
  next_step: string;
  /** The op's row of the operators table (docs/operators.md), when Mote lowers the op at all. */
  operator?: OperatorRow;
}

/** One row of the operators table: which activation types the op runs, its notes, what is left. */
export interface OperatorRow {
  int8: boolean;
  int16: boolean;
  float32: boolean;
  supports: string;
  left: string | null;
}

/** The row docs/operators.md shows for `opcode` (scripts/gen-operators-doc.ts reads the same exports). */
export function operatorRow(opcode: string): OperatorRow | undefined {
  if (!Object.hasOwn(LOWERINGS, opcode)) return undefined;
  const types = OP_ACTIVATION_TYPES[opcode] ?? [];
  return {
    int8: true, int16: types.includes("int16"), float32: types.includes("float32"),
    supports: OPERATOR_NOTES[opcode] ?? "", left: OPERATOR_LEFT[opcode] ?? null,
  };
}

const OPERATORS_DOC = "docs/operators.md";
const CUSTOM_DOC = "docs/custom-kernels.md";

/** The next step for each kind of float model (check.ts: 1012 float, 1013 dynamic-range, 1006 partly float). */
const FLOAT_STEPS: Record<number, string> = {
  1012: "quantize the model to int8 with the TFLite converter (optimizations = [tf.lite.Optimize.DEFAULT], a representative_dataset, inference_input_type and inference_output_type = tf.int8), then analyze the quantized .tflite",
  1013: "quantize the model to int8 with full-integer quantization: give the TFLite converter a representative_dataset (dynamic-range quantization leaves the activations float)",
  1006: "quantize the model to int8 (TFLite full-integer post-training quantization with a representative dataset), then analyze it again",
};

/**
 * Every problem that keeps `graph` from compiling (empty when `mote compile` can lower it), and
 * the kernel calls of each op that lowers on its own (so a model with problems still gets MACs
 * and variants for the rest). `model` is the model as imported, checked for float tensors as
 * `mote compile` checks it: before an audio front end (whose state may be float) is attached.
 */
export function inspectModel(graph: Graph, model: Graph = graph, kernels?: UserKernels): { problems: Problem[]; calls: Map<number, KernelCall[]> } {
  const problems: Problem[] = [];
  const calls = new Map<number, KernelCall[]>();
  const caught = (f: () => void): MoteError | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      if (e instanceof MoteError) return e;
      throw e;
    }
  };
  const float = caught(() => checkFloat(model, opHandles));
  if (float) {
    problems.push({
      op: null, opcode: null, kind: "float", code: float.code, message: float.message,
      next_step: FLOAT_STEPS[float.code] ?? FLOAT_STEPS[1006]!,
    });
  }
  const int16 = new Set(int16Ops(model, opHandles).map((op) => op.index));
  for (const op of graph.ops) {
    const lower = kernels && Object.hasOwn(kernels.lowerings, op.opcode) ? kernels.lowerings[op.opcode]
      : Object.hasOwn(LOWERINGS, op.opcode) ? LOWERINGS[op.opcode] : undefined;
    if (lower === undefined) {
      problems.push(unsupportedOp(op));
      continue;
    }
    if (!float && int16.has(op.index) && model.ops[op.index]?.opcode === op.opcode) {
      problems.push({
        op: op.index, opcode: op.opcode, kind: "int16-activations", code: 1011,
        message: `the ${int16Where(model, op)} of op ${op.index} (${op.opcode}) is int16: the model has int16 activations (16x8 quantization)`,
        next_step: `re-export the model with full-integer int8 quantization (leave the 16x8 mode, EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8, out of the converter's supported_ops): ${op.opcode} has no int16 variant (${OPERATORS_DOC} marks the ops that have one)`,
        operator: operatorRow(op.opcode),
      });
      continue;
    }
    if (float) continue; // every op touching a float tensor would fail too: one message says it
    const e = caught(() => void calls.set(op.index, lower!(graph, op, { kernels })));
    if (e) {
      problems.push({
        op: op.index, opcode: op.opcode, kind: "unsupported-layer", code: e.code, message: e.message,
        next_step: `change this layer of the model (${OPERATORS_DOC} lists what ${op.opcode} supports) and re-export it, or write a kernel that overrides ${op.opcode} and pass it with --kernels DIR (${CUSTOM_DOC})`,
        operator: operatorRow(op.opcode),
      });
    }
  }
  return { problems, calls };
}

function unsupportedOp(op: Op): Problem {
  const base = { op: op.index, opcode: op.opcode };
  if (op.opcode.startsWith("CUSTOM:")) {
    const name = op.opcode.slice("CUSTOM:".length);
    if (name === "ethos-u") {
      return {
        ...base, kind: "custom-op", code: 1010,
        message: `op ${op.index} is the custom op 'ethos-u': an Arm Ethos-U NPU command stream written by Vela`,
        next_step: "compile the model as it was before Vela: Mote runs on the Cortex-M CPU, not the NPU",
      };
    }
    return {
      ...base, kind: "custom-op", code: 1010,
      message: `op ${op.index} is the TFLite custom op '${name}', which Mote has no kernel for`,
      next_step: `write its kernel in TypeScript and pass --kernels DIR (docs/custom-kernels.md: a ${name}.ts kernel and a lowering for "CUSTOM:${name}"), or re-export the model without the custom op '${name}' (TFLite builtin operators only)`,
    };
  }
  return {
    ...base, kind: "unsupported-op", code: 1008,
    message: `op ${op.index} is ${op.opcode}, which Mote has no kernel for`,
    next_step: `re-export the model with ${op.opcode} replaced by supported operators (${OPERATORS_DOC} lists them), or write a kernel for ${op.opcode} in TypeScript and pass its folder with --kernels DIR (${CUSTOM_DOC})`,
  };
}

/** The one-line error for a model with problems (MOTE6201), naming each op. */
export function problemsError(graph: Graph, problems: Problem[]): MoteError {
  const list = problems.map((p) => (p.op === null ? p.message : `${p.opcode} (op #${p.op})`)).join(", ");
  return diagnostic(6201, graph.name, problems.length, problems.length === 1 ? "" : "s", list);
}

export interface AnalysisInput {
  graph: Graph;
  board: Board;
  mode: Mode;
  plan: string;
  specialize: boolean;
  /** The build, or undefined when `problems` keep the model from building. */
  r?: BuildResult;
  problems: Problem[];
  /** Without a build: the calls of the ops that lower on their own (inspectModel). */
  calls?: Map<number, KernelCall[]>;
}

function ioRow(kind: IoRow["kind"]) {
  return (t: TensorInfo, index: number): IoRow => ({
    kind, index, tensor: t.tensor, name: t.name, shape: t.shape, dtype: t.dtype,
    scale: t.scale, zero_point: t.zeroPoint, bytes: t.bytes, quantized: t.quantized,
  });
}

/** The distinct kernel variants of an op's calls ("; "-joined; as `mote profile`), or null. */
function variantOf(calls: readonly { variant?: string }[]): string | null {
  const names = [...new Set(calls.map((c) => c.variant).filter((v): v is string => v !== undefined))];
  return names.length > 0 ? names.join("; ") : null;
}

export const ANALYSIS_DEFINITIONS = {
  macs: "multiply-accumulates of one inference, summed over each op's kernel calls (report.json macs)",
  weight_bytes: "bytes of an op's constant inputs as the model stores them (weights, biases, tables); totals count a shared constant once",
  packed_weight_bytes: "for DSP layers: the weights as the kernel reads them (int8, or int16 pre-extended under the flash budget), report.json weight_bytes",
  activation_bytes: "bytes of an op's non-constant outputs (its inputs are the outputs of earlier ops or model inputs)",
  estimated_peak_sram_bytes: "arena + the board's reserved stack (board.json stackBytes): the RAM mote compile checks before it builds firmware; the measured peak SRAM (report.json peak_sram_bytes) adds the library's other statics and uses the painted stack",
  estimated_flash_bytes: "the flash budget's estimate of the library (code per kernel call + constants), or the constants alone without it; mote compile's pre-build fit checks the constants (constant_bytes)",
} as const;

export type Analysis = ReturnType<typeof analyzeModel>;

/** The whole analysis as one JSON-ready document (`mote analyze --json`). */
export function analyzeModel(input: AnalysisInput) {
  const { graph, r, board } = input;
  const io = modelIo(graph);
  const callsOf = r ? new Map(r.lowered.map((l) => [l.op.index, l.calls])) : (input.calls ?? new Map<number, KernelCall[]>());
  const order = r ? [...r.lowered.map((l) => l.op), ...graph.ops.filter((op) => !callsOf.has(op.index))] : graph.ops;
  const packed = new Map((r?.weights?.layers ?? []).map((l) => [l.op, l]));
  const problemOps = new Set(input.problems.flatMap((p) => (p.op === null ? [] : [p.op])));
  const shapeOf = (t: number) => ({ tensor: t, shape: [...graph.tensors[t]!.shape], dtype: graph.tensors[t]!.dtype, constant: isConstant(graph.tensors[t]!) });
  const layers = order.map((op) => {
    const calls = callsOf.get(op.index);
    const consts = op.inputs.filter((t) => t >= 0 && isConstant(graph.tensors[t]!));
    return {
      op: op.index,
      opcode: op.opcode,
      inputs: op.inputs.filter((t) => t >= 0).map(shapeOf),
      outputs: op.outputs.filter((t) => t >= 0).map(shapeOf),
      macs: calls ? calls.reduce((n, c) => n + c.macs, 0) : null,
      weight_bytes: consts.reduce((n, t) => n + tensorBytes(graph.tensors[t]!), 0),
      activation_bytes: op.outputs.filter((t) => t >= 0 && !isConstant(graph.tensors[t]!)).reduce((n, t) => n + tensorBytes(graph.tensors[t]!), 0),
      variant: calls ? variantOf(calls) : null,
      kernels: calls ? calls.map((c) => `${c.kernel}.${c.fn}`) : [],
      weight_format: packed.get(op.index)?.format ?? null,
      packed_weight_bytes: packed.get(op.index)?.bytes ?? null,
      supported: !problemOps.has(op.index),
    };
  });
  const weightTensors = new Set(graph.ops.flatMap((op) => op.inputs.filter((t) => t >= 0 && isConstant(graph.tensors[t]!))));
  const totals = {
    ops: graph.ops.length,
    macs: r ? r.macs : null,
    weight_bytes: [...weightTensors].reduce((n, t) => n + tensorBytes(graph.tensors[t]!), 0),
    activation_bytes: layers.reduce((n, l) => n + l.activation_bytes, 0),
  };
  return {
    model: graph.name,
    board: board.name,
    mode: input.mode,
    plan: input.plan,
    specialize: input.specialize,
    compiles: input.problems.length === 0 && r !== undefined,
    io: [...io.inputs.map(ioRow("input")), ...io.outputs.map(ioRow("output"))],
    problems: input.problems,
    layers,
    totals,
    memory: r ? memoryFigures(r, board) : null,
    definitions: ANALYSIS_DEFINITIONS,
  };
}

function memoryFigures(r: BuildResult, board: Board) {
  const needs = estimatedNeeds(board, r);
  const fit: { ram: MemoryFit; flash: MemoryFit } = fitOf(board, needs);
  const peak = peakStep(r);
  const w = r.weights;
  return {
    arena_bytes: r.placement.arenaBytes,
    lower_bound_bytes: r.lowerBoundBytes,
    planned_bound_bytes: r.plannedBoundBytes ?? null,
    peak_layer: { step: peak.step, op: peak.op, opcode: peak.opcode, live_bytes: peak.liveBytes },
    stack_reserved_bytes: board.stackBytes,
    estimated_peak_sram_bytes: needs.arenaBytes + needs.otherStaticBytes + needs.stackBytes,
    constant_bytes: constantBytes(r),
    estimated_flash_bytes: w ? w.estimateBytes : constantBytes(r),
    flash_budget: w
      ? { budget_bytes: w.budgetBytes, source: w.budgetSource, int8_estimate_bytes: w.int8EstimateBytes, estimate_bytes: w.estimateBytes, int16_layers: w.int16.length }
      : null,
    fit: { fits: fit.ram.fits && fit.flash.fits, ram: fit.ram, flash: fit.flash },
  };
}
