/**
 * @fileoverview int8 or int16 weights per layer under a flash budget (issue 10). The DSP kernels
 * read their weights re-laid out at compile time either as int8 (4 per word, unpacked with SXTB16
 * in the inner loop) or pre-extended to int16 (2 per word: no unpacking, twice the bytes). Every
 * layer starts int8; `chooseWeightFormats` upgrades layers to int16 in order of instructions
 * saved per extra flash byte while the model's flash estimate stays within the budget.
 *
 * Budget: BuildOptions.flashBudget if given, else `defaultFlashBudget` (an estimate of TFLite
 * Micro + CMSIS-NN's flash for the model: the .tflite file it keeps in flash plus the smallest
 * runtime measured in ../shared/anchors.json), capped at the board's flash when the build knows it.
 * Flash estimate = code estimate (per specialized function, above every measured image) + constant bytes.
 * `lowerWeighted` lowers with int8 first, chooses, and lowers again with the chosen layers int16
 * (LowerOptions.int16Weights); codegen (compiler/build/straight.ts) and the TypeScript runner call
 * it, and the compile report prints its `WeightPlan` (BuildResult.weights).
 */
import { isConstant, tensorBytes, type Graph } from "../ir/graph.ts";
import type { KernelCall, LoweredOp } from "../ir/calls.ts";
import { lowerGraph } from "../ops/index.ts";
import type { UserKernels } from "../ops/types.ts";

/**
 * TFLM + CMSIS-NN's flash without the model, smallest over the five anchors (anchors.json
 * tflm_cmsis_nn flash_bytes minus the .tflite size: ad01 305,440 - 276,976; the others 53-56 KB).
 */
export const TFLM_RUNTIME_BYTES = 28_464;

/**
 * Code estimate: a fixed part plus one per distinct (kernel entry, record), the functions the
 * specializer makes (bytes), the conv GEMM's (conv_2d_dsp) the largest. Measured library flash
 * minus constants with the default choice (main at e9acb24 + this choice), against distinct
 * records (conv GEMM + others): kws 4,836 (2 + 5), str_ww 7,132 (4 + 7), ad01 4,936 (0 + 10),
 * resnet 14,056 (9 + 7, its fused residual ADDs), vww 16,136 (11 + 13); the estimate is above
 * each by 1.1 KB or more (kws 6,448, str_ww 9,648, ad01 6,048, resnet 15,648, vww 20,448).
 * Recalibrate when kernels grow: a build whose flash passes its estimate may pass the budget.
 */
export const CODE_BASE_BYTES = 2048;
export const CODE_PER_FUNCTION_BYTES = 400;
export const CODE_PER_GEMM_FUNCTION_BYTES = 1200;

const codeBytes = (kernel: string): number => (kernel === "conv_2d_dsp" ? CODE_PER_GEMM_FUNCTION_BYTES : CODE_PER_FUNCTION_BYTES);

/**
 * Instructions saved per MAC by int16 weights, measured with `mote profile` on the five models
 * (--flash-budget 1, every layer int8, against 100M, every layer int16): conv GEMM 0.15-0.21
 * per MAC on every layer of 100k MACs or more (two SXTB16 per weight word of 4 taps, less the
 * second load), fully connected from offset-binary int8 0.13-0.14 on ad01's large layers (one
 * AND per word, less the second load). From SXTB16 int8 (FC layers with an input offset left in
 * the loop) no model measures it: two SXTB16 per word against one load, estimated 0.3.
 */
export const SAVING_PER_MAC = { conv: 0.16, fc: 0.3, fcOffsetBinary: 0.14 } as const;

const ELEM_BYTES = { i8: 1, u8: 1, i16: 2, i32: 4, f32: 4 } as const;

/** One layer that may take int16 weights. */
export interface WeightCandidate {
  op: number;
  kernel: string;
  /** Bytes of its packed int8 weights (int16 adds as many). */
  int8Bytes: number;
  /** Instructions saved per inference by int16 (estimate). */
  gain: number;
}

/** One layer's weights as chosen (the report's rows). */
export interface WeightLayer {
  op: number;
  kernel: string;
  format: "int8" | "int16";
  bytes: number;
  gain: number;
}

/** The per-layer choice and the figures behind it (BuildResult.weights). */
export interface WeightPlan {
  budgetBytes: number;
  /** Where the budget comes from: "--flash-budget", "TFLM+CMSIS-NN estimate" (default), capped by the board. */
  budgetSource: string;
  /** Flash estimate with every candidate int8, and with the choice. */
  int8EstimateBytes: number;
  estimateBytes: number;
  layers: WeightLayer[];
  /** Op indices lowered with int16 weights. */
  int16: number[];
}

/** The default budget: the model file's bytes (or its constant tensors when unknown) + TFLM_RUNTIME_BYTES. */
export function defaultFlashBudget(graph: Graph): number {
  const model = graph.sourceBytes ?? graph.tensors.filter(isConstant).reduce((n, t) => n + tensorBytes(t), 0);
  return model + TFLM_RUNTIME_BYTES;
}

/**
 * The flash estimate's share of an audio front end (kernels under signal/): its code per distinct
 * record and its compile-time tables, as flashEstimate counts them.
 */
export function signalFlashBytes(lowered: LoweredOp[]): number {
  const calls = lowered.flatMap((l) => l.calls).filter((c) => c.kernel.startsWith("signal/"));
  const records = new Map(calls.map((c) => [recordKey(c), c.kernel] as const));
  let n = 0;
  for (const kernel of records.values()) n += codeBytes(kernel);
  for (const c of calls) for (const a of c.args) if (a.kind === "const") n += a.data.length * ELEM_BYTES[a.elem];
  return n;
}

/** Bytes of every constant a lowering reads (graph constants once, lowering constants each). */
export function constantBytesOf(graph: Graph, lowered: LoweredOp[]): number {
  const seen = new Set<number>();
  let n = 0;
  for (const { calls } of lowered) {
    for (const c of calls) {
      for (const a of c.args) {
        if (a.kind === "const") n += a.data.length * ELEM_BYTES[a.elem];
        else if (a.kind === "tensor" && a.tensor >= 0 && !seen.has(a.tensor) && isConstant(graph.tensors[a.tensor]!)) {
          seen.add(a.tensor);
          n += tensorBytes(graph.tensors[a.tensor]!);
        }
      }
    }
  }
  return n;
}

const recordKey = (c: KernelCall): string => `${c.kernel}.${c.fn}:${JSON.stringify(c.params)}`;

/** Flash estimate of a lowering: code per distinct record + constants. */
export function flashEstimate(graph: Graph, lowered: LoweredOp[]): number {
  const records = new Map(lowered.flatMap((l) => l.calls.map((c) => [recordKey(c), c.kernel] as const)));
  let code = CODE_BASE_BYTES;
  for (const kernel of records.values()) code += codeBytes(kernel);
  return code + constantBytesOf(graph, lowered);
}

function packedBytes(call: KernelCall, slot: string): number {
  const a = call.args[call.slots?.indexOf(slot) ?? -1];
  return a?.kind === "const" ? a.data.length * ELEM_BYTES[a.elem] : 0;
}

/** The layer's call as an int16 candidate, or undefined (not a DSP layer, or already int16). */
export function candidateOf(opIndex: number, call: KernelCall): WeightCandidate | undefined {
  if (call.kernel === "conv_2d_dsp" && call.params.int16Weights === 0) {
    const bytes = packedBytes(call, "filter");
    return { op: opIndex, kernel: call.kernel, int8Bytes: bytes, gain: call.macs * SAVING_PER_MAC.conv };
  }
  if (call.kernel === "fully_connected_dsp" && call.params.weights16 !== 1) {
    const bytes = packedBytes(call, "weights");
    const perMac = call.params.weights16 === 2 ? SAVING_PER_MAC.fcOffsetBinary : SAVING_PER_MAC.fc;
    return { op: opIndex, kernel: call.kernel, int8Bytes: bytes, gain: call.macs * perMac };
  }
  return undefined;
}

/** Each DSP layer's weight format and packed bytes in `lowered`, by op index. */
export function weightLayers(lowered: LoweredOp[], gains: ReadonlyMap<number, number> = new Map()): WeightLayer[] {
  const layers: WeightLayer[] = [];
  for (const { op, calls } of lowered) {
    for (const c of calls) {
      if (c.kernel !== "conv_2d_dsp" && c.kernel !== "fully_connected_dsp") continue;
      const conv = c.kernel === "conv_2d_dsp";
      const int16 = conv ? c.params.int16Weights !== 0 : c.params.weights16 === 1;
      layers.push({
        op: op.index, kernel: c.kernel, format: int16 ? "int16" : "int8",
        bytes: packedBytes(c, conv ? "filter" : "weights"), gain: int16 ? (gains.get(op.index) ?? 0) : 0,
      });
    }
  }
  return layers;
}

/**
 * Which layers take int16 weights: candidates by gain per extra byte (ties: lower op index),
 * each taken when the estimate stays within `budget` (a layer that does not fit is skipped and
 * smaller ones are still tried). A layer whose record other calls share counts one more function
 * (its int16 record is a new one). Deterministic; the estimate never exceeds the budget unless the
 * all-int8 lowering already does (then nothing is upgraded). `lowered` has every candidate int8.
 */
export function chooseWeightFormats(graph: Graph, lowered: LoweredOp[], budget: number): { int16: number[]; gains: Map<number, number> } {
  const candidates: WeightCandidate[] = [];
  const shared = new Map<string, number>();
  const extra = new Map<number, number>();
  for (const { calls } of lowered) for (const c of calls) shared.set(recordKey(c), (shared.get(recordKey(c)) ?? 0) + 1);
  for (const { op, calls } of lowered) {
    for (const c of calls) {
      // An explicit moteFcWeights op option wins over the budget (compiler/ops/fully_connected_dsp.ts).
      const cand = op.options["moteFcWeights"] === undefined ? candidateOf(op.index, c) : undefined;
      if (cand === undefined || cand.int8Bytes <= 0 || cand.gain <= 0) continue;
      candidates.push(cand);
      extra.set(op.index, cand.int8Bytes + (shared.get(recordKey(c))! > 1 ? codeBytes(c.kernel) : 0));
    }
  }
  const order = [...candidates].sort((a, b) => b.gain / b.int8Bytes - a.gain / a.int8Bytes || a.op - b.op);
  let estimate = flashEstimate(graph, lowered);
  const int16: number[] = [];
  const gains = new Map<number, number>();
  for (const c of order) {
    const bytes = extra.get(c.op)!;
    if (estimate + bytes > budget) continue;
    estimate += bytes;
    int16.push(c.op);
    gains.set(c.op, c.gain);
  }
  return { int16: int16.sort((a, b) => a - b), gains };
}

/** What `lowerWeighted` needs of the build options. */
export interface FlashOptions {
  reference?: boolean;
  /** A user's kernels (`--kernels DIR`; compiler/ops/types.ts UserKernels). */
  kernels?: UserKernels;
  flashBudget?: number;
  flashLimit?: number;
}

/**
 * `graph` lowered with the weight formats chosen under the budget (the reference lowering and
 * its int8 weights unchanged: no plan). Codegen (compiler/build/straight.ts) and the TypeScript
 * runner (compiler/run/ts.ts) both lower through here, so every target runs the same variants.
 */
export function lowerWeighted(graph: Graph, opts: FlashOptions): { lowered: LoweredOp[]; weights?: WeightPlan } {
  const lowered = lowerGraph(graph, { reference: opts.reference, kernels: opts.kernels });
  if (opts.reference) return { lowered };
  const given = opts.flashBudget !== undefined;
  // An audio front end (signal/) compiled in front of the model brings its own tables; a TFLM
  // build would carry its front end too, so they come on top of the model's default budget.
  const frontEnd = signalFlashBytes(lowered);
  let budget = given ? opts.flashBudget! : defaultFlashBudget(graph) + frontEnd;
  let source = given ? "--flash-budget" : `TFLM+CMSIS-NN estimate (model file + smallest TFLM runtime${frontEnd > 0 ? ` + the audio front end's ${frontEnd} B` : ""})`;
  if (opts.flashLimit !== undefined && opts.flashLimit < budget) {
    budget = opts.flashLimit;
    source += ", capped at the board's flash";
  }
  const { int16, gains } = chooseWeightFormats(graph, lowered, budget);
  const final = int16.length === 0 ? lowered : lowerGraph(graph, { int16Weights: new Set(int16), kernels: opts.kernels });
  // The plan as lowered (a test override, MOTE_DSP_CONV, may have kept a layout).
  const layers = weightLayers(final, gains);
  return {
    lowered: final,
    weights: {
      budgetBytes: budget, budgetSource: source, int8EstimateBytes: flashEstimate(graph, lowered), estimateBytes: flashEstimate(graph, final),
      layers, int16: layers.filter((l) => l.format === "int16").map((l) => l.op),
    },
  };
}
