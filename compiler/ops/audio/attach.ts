/**
 * @fileoverview The audio front-end presets and `attachAudioFrontEnd`, which puts one in front
 * of a model: a new graph whose input is raw int16 PCM and whose first op is the front end's
 * pseudo-op (MOTE_MFCC or MOTE_LOG_MEL, lowered by compiler/ops/audio_front_end.ts to signal/),
 * writing the model's original input tensor. Its state (MOTE_LOG_MEL) lives in variable
 * tensors (`isVariable`), kept across invocations and zero at start.
 * The presets hold the parameters of the models' training code (../shared/golden-frontend/README.md).
 */
import { fail } from "../../diagnostics.ts";
import { elementCount, type Graph, type Op, type OpOptions, type Tensor } from "../../ir/graph.ts";

export interface AudioPreset {
  name: string;
  opcode: "MOTE_MFCC" | "MOTE_LOG_MEL";
  description: string;
  /** PCM samples per invocation. */
  samples: number;
  options: OpOptions;
}

export const AUDIO_PRESETS: Record<string, AudioPreset> = {
  "kws-mfcc": {
    name: "kws-mfcc",
    opcode: "MOTE_MFCC",
    description: "kws_ref_model: 1 s of 16 kHz PCM -> 49 x 10 MFCC",
    samples: 16000,
    options: {
      sampleRate: 16000, samples: 16000, frameLength: 480, frameStep: 320, fftSize: 512, melBins: 40, lowHz: 20, highHz: 4000,
      coefficients: 10, logEpsilon: 1e-6,
    },
  },
  "sww-log-mel": {
    name: "sww-log-mel",
    opcode: "MOTE_LOG_MEL",
    description: "str_ww_ref_model: 512 new 16 kHz PCM samples (32 ms) per invocation -> the 30 x 40 log-mel window",
    samples: 512,
    options: {
      sampleRate: 16000, hop: 512, melBins: 40, frames: 30, lowHz: 0, highHz: 8000, preEmphasis: 0.96875, powerFloor: 1e-30,
      dbOffset: 52, dbRange: 64,
    },
  },
};

/** The preset names, for help texts and errors. */
export function audioPresetNames(): string[] {
  return Object.keys(AUDIO_PRESETS);
}

/**
 * A copy of `graph` with the front end `preset` in front: the PCM tensor becomes the only input,
 * the front end's op runs first and writes the model's original input tensor. MOTE6011 for an
 * unknown preset, MOTE3002 when the model's input does not match it (one int8 input, quantized,
 * of the front end's size).
 */
export function attachAudioFrontEnd(graph: Graph, preset: string): Graph {
  const p = AUDIO_PRESETS[preset];
  if (!p) fail(6011, preset, audioPresetNames().join(", "));
  if (graph.inputs.length !== 1) fail(3002, preset, graph.name, `the model has ${graph.inputs.length} inputs, a front end feeds one`);
  const input = graph.tensors[graph.inputs[0]];
  if (input.dtype !== "int8" || !input.quant || input.quant.scale.length !== 1) {
    fail(3002, preset, graph.name, `its input ${input.name} is ${input.dtype}${input.quant ? "" : " without quantization"}; the front end writes per-tensor int8`);
  }
  const o = p.options as Record<string, number>;
  const want = p.opcode === "MOTE_MFCC"
    ? (1 + Math.floor((o.samples - o.frameLength) / o.frameStep)) * o.coefficients
    : o.frames * o.melBins;
  if (elementCount(input) !== want) {
    fail(3002, preset, graph.name, `its input ${input.name} has ${elementCount(input)} elements [${input.shape.join(", ")}], the front end makes ${want}`);
  }
  const tensors: Tensor[] = graph.tensors.map((t) => ({ ...t }));
  const add = (t: Omit<Tensor, "index">): number => {
    tensors.push({ ...t, index: tensors.length });
    return tensors.length - 1;
  };
  const pcm = add({ name: "pcm", dtype: "int16", shape: [1, p.samples], isVariable: false });
  const inputs = [pcm];
  if (p.opcode === "MOTE_LOG_MEL") {
    inputs.push(add({ name: "front_end_history", dtype: "float32", shape: [o.hop + 1], isVariable: true }));
    inputs.push(add({ name: "front_end_features", dtype: "int8", shape: [o.frames * o.melBins], isVariable: true }));
  }
  const front: Op = { index: graph.ops.length, opcode: p.opcode, version: 1, inputs, outputs: [input.index], options: { ...p.options } };
  return { ...graph, name: `${graph.name} + ${preset}`, tensors, ops: [front, ...graph.ops], inputs: [pcm] };
}
