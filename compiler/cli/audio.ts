/**
 * @fileoverview `--audio PRESET` (compile, run): an audio front end (signal/, presets in
 * compiler/ops/audio/attach.ts) compiled in front of the model, so the library, the firmware and
 * every target take raw 16-bit PCM instead of features.
 */
import { Option } from "commander";
import type { Graph } from "../ir/graph.ts";
import { attachAudioFrontEnd, AUDIO_PRESETS, audioPresetNames } from "../ops/audio/attach.ts";

/** The option, with every preset and what it expects in its help. */
export function audioOption(): Option {
  const presets = audioPresetNames().map((n) => `${n}: ${AUDIO_PRESETS[n].description}`).join("; ");
  return new Option("--audio <preset>", `compile an audio front end in front of the model, so it takes raw 16 kHz int16 PCM (${presets})`);
}

/** `graph` with the front end `preset` in front, or unchanged without one. */
export function withAudio(graph: Graph, preset: string | undefined): Graph {
  return preset === undefined ? graph : attachAudioFrontEnd(graph, preset);
}
