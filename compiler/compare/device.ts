/**
 * @fileoverview The device side of `mote compare`: instructions per inference measured in QEMU
 * (the simulated Cortex-M7, `compiler/run` target qemu, the same machinery as `mote bench`),
 * for the model alone (features in: what MLPerf Tiny's KWS, VWW, IC and AD time) and, for a
 * model with an audio front end, for the front end + model from raw PCM (what a device runs;
 * streaming front ends per hop: several hops on one instance, the last one's count).
 *
 * Inputs: the model's golden input_3 where ../shared/golden has it (the input `mote bench`
 * measures on), else every element at its zero point; PCM is a fixed synthetic signal (two
 * tones and pseudo-random noise, the same every run), so counts are reproducible.
 * Firmware runs on the QEMU board (its memory map); the chosen real board only lends its clock
 * and current (compare.ts), with the weights chosen for that board's flash.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Graph, Tensor } from "../ir/graph.ts";
import { attachAudioFrontEnd, AUDIO_PRESETS } from "../ops/audio/attach.ts";
import { runInvocations, runModel } from "../run/targets.ts";
import { DEFAULT_BOARD, loadBoard } from "../toolchain/boards.ts";
import { contiguousRanges } from "../report/fit.ts";
import { zeroPointInputs } from "../report/report.ts";
import { sharedDir } from "../inputs/shared.ts";

export interface DeviceMeasurement {
  /** Instructions of the model alone (features in). */
  modelInstructions: number;
  /** Instructions of front end + model (raw PCM in); equal to modelInstructions without a front end. */
  fullInstructions: number;
  frontEnd?: string;
  /** Bytes of the model's input tensors (the features payload). */
  featureBytes: number;
  /** Bytes of the raw payload per inference (PCM for an audio model, else the input tensors). */
  rawBytes: number;
  /** Invocations the streaming measurement ran (its last one counted). */
  hops?: number;
}

/** Hops run for a streaming front end before the counted one (the window fills from zeros). */
const STREAM_HOPS = 3;

const tensorBytes = (t: Tensor): number => t.shape.reduce((a, b) => a * b, 1) * (t.dtype === "int16" ? 2 : t.dtype === "int32" || t.dtype === "float32" ? 4 : 1);

/** `samples` of deterministic 16-bit PCM: 440 Hz and 1.2 kHz tones plus LCG noise, at 16 kHz. */
export function syntheticPcm(samples: number, offset = 0): Uint8Array {
  const out = new Int16Array(samples);
  let seed = 12345 + offset; // not a figure: noise seed
  for (let i = 0; i < samples; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // not a figure: LCG constants
    const t = (offset + i) / 16000; // not a figure: sample rate of the synthetic PCM
    const noise = ((seed >>> 16) & 0x7ff) - 1024; // not a figure: noise amplitude
    out[i] = Math.round(6000 * Math.sin(2 * Math.PI * 440 * t) + 3000 * Math.sin(2 * Math.PI * 1200 * t) + noise); // not a figure: tone amplitudes and pitches
  }
  return new Uint8Array(out.buffer);
}

/** The golden input_3 of a model when present and of the right sizes, else zero-point inputs. */
function modelInputs(graph: Graph, name: string): Uint8Array[] {
  const dir = path.join(sharedDir(), "golden", name);
  const file = path.join(dir, "input_3.bin");
  if (graph.inputs.length === 1 && fs.existsSync(file)) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    if (bytes.length === tensorBytes(graph.tensors[graph.inputs[0]])) return [bytes];
  }
  return zeroPointInputs(graph);
}

export interface DeviceOptions {
  /** The real board whose flash bounds the int8/int16 weight choice. */
  board: string;
  progress?: (line: string) => void;
}

/** Measures one model in QEMU (one or two firmware builds). */
export async function measureDevice(graph: Graph, name: string, frontEnd: string | undefined, opts: DeviceOptions): Promise<DeviceMeasurement> {
  const say = opts.progress ?? (() => {});
  const flash = contiguousRanges(loadBoard(opts.board), "flash")[0];
  const run = { board: DEFAULT_BOARD, ...(flash ? { flashLimit: flash.length } : {}) };
  const featureBytes = graph.inputs.reduce((a, t) => a + tensorBytes(graph.tensors[t]), 0);
  say(`• ${name}: building and running the model in QEMU (features in)`);
  const alone = await runModel(graph, modelInputs(graph, name), "qemu", run);
  const modelInstructions = alone.instructions ?? 0;
  if (!frontEnd) return { modelInstructions, fullInstructions: modelInstructions, featureBytes, rawBytes: featureBytes };
  const preset = AUDIO_PRESETS[frontEnd];
  const full = attachAudioFrontEnd(graph, frontEnd);
  const rawBytes = tensorBytes(full.tensors[full.inputs[0]]);
  const streaming = preset.opcode === "MOTE_LOG_MEL";
  const hops = streaming ? STREAM_HOPS : 1;
  say(`• ${name}: building and running ${frontEnd} + the model in QEMU (raw PCM in${streaming ? `, ${hops} hops` : ""})`);
  const invocations = Array.from({ length: hops }, (_, h) => [syntheticPcm(preset.samples, h * preset.samples)]);
  const r = await runInvocations(full, invocations, "qemu", run);
  const counts = r.instructions ?? [];
  return {
    modelInstructions,
    fullInstructions: counts[counts.length - 1] ?? 0,
    frontEnd,
    featureBytes,
    rawBytes,
    ...(streaming ? { hops } : {}),
  };
}
