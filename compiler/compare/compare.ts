/**
 * @fileoverview `mote compare`'s pipeline for a list of models against a running inference
 * server: per model, the device side measured in QEMU (device.ts), the cloud side measured
 * against the server (cloud.ts), and per link and option the latency, energy, bytes, break-even
 * and battery life (energy.ts) from the figures (figures.ts). Returns one plain report object
 * (compare.json is this object); report.ts prints and plots it. The CLI (compiler/cli/compare.ts)
 * starts and stops the server: the compiler never imports http.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadModel } from "../import/tflite/import.ts";
import type { Graph } from "../ir/graph.ts";
import { sharedData, sharedDir } from "../inputs/shared.ts";
import { imageShape } from "../inputs/preprocess.ts";
import { zeroPointInputs } from "../report/report.ts";
import { measureDevice, syntheticPcm, type DeviceMeasurement } from "./device.ts";
import { measureCloud, type CloudTimings } from "./cloud.ts";
import {
  batteryLifeS, breakEven, crossCheck, deviceCost, joulesPerByte, optionResults,
  type BreakEven, type Cost, type CrossCheck, type LinkParams, type OptionInputs, type OptionResult,
} from "./energy.ts";
import { boardFigures, listFigures, loadFigures, value, type Figure, type Figures, type Link } from "./figures.ts";
import { AUDIO_PRESETS } from "../ops/audio/attach.ts";

export interface CompareOptions {
  board: string;
  links: Link[];
  ratePerHour: number;
  battery: string;
  positiveRate?: number;
  /** Requests per payload against the server. */
  requests: number;
  /** Front end for every model given (default: the known models' own, from figures.json). */
  audio?: string;
  progress?: (line: string) => void;
}

export interface ModelSpec {
  name: string;
  file: string;
}

export interface LinkResult {
  link: Link;
  radio: string;
  joulesPerByte: number;
  options: (OptionResult & { batteryLifeS: number })[];
  breakEven: BreakEven;
}

export interface ModelResult {
  model: string;
  frontEnd?: string;
  rawPayload: string;
  streaming: boolean;
  measured: DeviceMeasurement;
  /** A streaming model always on: hops per hour, and each option's battery life at that rate. */
  alwaysOn?: { ratePerHour: number; batteryLifeS: { link: Link; option: string; seconds: number; keepsUp: boolean }[] };
  device: { assumed: Cost; low: Cost; high: Cost; frontEnd?: Cost };
  crossChecks: (CrossCheck & { what: string })[];
  cloud: CloudTimings;
  links: LinkResult[];
}

export interface CompareReport {
  board: { name: string; mcu: string; clockHz: number; runCurrentA: number; voltageV: number };
  cpi: { assumed: number; low: number; high: number };
  ratePerHour: number;
  positiveRate: number;
  battery: { name: string; description: string; capacityMah: number; voltageV: number };
  requests: number;
  models: ModelResult[];
  figures: { path: string; figure: Figure }[];
}

/** A model given on the command line: a name in the shared models or a .tflite path. */
export function resolveModelSpec(spec: string): ModelSpec {
  const file = fs.existsSync(spec) || spec.endsWith(".tflite") ? spec : sharedData("models", `${spec}.tflite`);
  return { name: path.basename(file).replace(/\.tflite$/, ""), file };
}

/** The front end of a model: --audio, else the known model's own (figures.json), else none. */
export function frontEndOf(figures: Figures, name: string, audio: string | undefined): string | undefined {
  if (audio !== undefined) return audio === "none" ? undefined : audio;
  return figures.models[name]?.audio;
}

function linkParams(figures: Figures, link: Link): LinkParams {
  const l = figures.links[link];
  const n = figures.network;
  return {
    voltageV: value(l.voltage, "V"),
    txCurrentA: value(l.txCurrent, "A"),
    rxCurrentA: value(l.rxCurrent, "A"),
    throughputBps: value(l.throughput, "bytes/s"),
    setupS: value(l.setupTime, "s"),
    setupJ: value(l.setupEnergy, "J"),
    airRttS: value(l.airRtt, "s"),
    internetRttS: value(n.internetRtt, "s"),
    overheadBytes: value(n.messageOverhead, "bytes"),
  };
}

/** The raw payload a device sends, and the features (the model's input tensors) where they differ. */
function payloads(graph: Graph, name: string, frontEnd: string | undefined): { raw: Uint8Array; features?: Uint8Array } {
  const dir = path.join(sharedDir(), "golden", name, "input_3.bin");
  const features = graph.inputs.length === 1 && fs.existsSync(dir) ? new Uint8Array(fs.readFileSync(dir)) : concat(zeroPointInputs(graph));
  if (frontEnd) return { raw: syntheticPcm(AUDIO_PRESETS[frontEnd].samples), features };
  const input = graph.tensors[graph.inputs[0]];
  if (graph.inputs.length === 1 && input.shape.length === 4 && input.shape[3] === 3) {
    const { height, width } = imageShape(input);
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7 + (i >> 8)) & 0xff; // not a figure: a fixed test pattern
    return { raw: rgb };
  }
  return { raw: features };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

/** Runs the whole comparison; `serverUrl` is a server already serving every model. */
export async function runCompare(models: ModelSpec[], opts: CompareOptions, serverUrl: string): Promise<CompareReport> {
  const figures = loadFigures();
  const say = opts.progress ?? (() => {});
  const bf = boardFigures(figures, opts.board);
  const board = { clockHz: value(bf.clockHz, "Hz"), runCurrentA: value(bf.runCurrent, "A"), voltageV: value(bf.voltage, "V") };
  const cpi = { assumed: value(figures.cpi.assumed, "cycles/instruction"), low: value(figures.cpi.low, "cycles/instruction"), high: value(figures.cpi.high, "cycles/instruction") };
  const bat = figures.batteries[opts.battery];
  const battery = { name: opts.battery, description: bat.description, capacityMah: value(bat.capacity, "mAh"), voltageV: value(bat.voltage, "V") };
  const positiveRate = opts.positiveRate ?? value(figures.network.positiveRate, "fraction");
  const resultBytes = value(figures.network.resultBytes, "bytes");
  const results: ModelResult[] = [];
  for (const spec of models) {
    const graph = loadModel(spec.file);
    const known = figures.models[spec.name];
    const frontEnd = frontEndOf(figures, spec.name, opts.audio);
    const measured = await measureDevice(graph, spec.name, frontEnd, { board: opts.board, progress: say });
    const { raw, features } = payloads(graph, spec.name, frontEnd);
    say(`• ${spec.name}: ${opts.requests} requests per payload to the server (raw ${raw.length} B${frontEnd && features ? `, features ${features.length} B` : ""})`);
    const cloud = await measureCloud(serverUrl, spec.name, raw, frontEnd ? features : undefined, opts.requests);
    const device = {
      assumed: deviceCost(measured.fullInstructions, board, cpi.assumed),
      low: deviceCost(measured.fullInstructions, board, cpi.low),
      high: deviceCost(measured.fullInstructions, board, cpi.high),
      ...(frontEnd ? { frontEnd: deviceCost(measured.fullInstructions - measured.modelInstructions, board, cpi.assumed) } : {}),
    };
    const inputs: OptionInputs = {
      device: device.assumed,
      frontEnd: device.frontEnd,
      rawBytes: raw.length,
      featureBytes: frontEnd ? measured.featureBytes : undefined,
      resultBytes,
      positiveRate,
      serverRawS: cloud.raw.roundTripS,
      serverFeaturesS: cloud.features?.roundTripS,
    };
    const links = opts.links.map((link): LinkResult => {
      const p = linkParams(figures, link);
      const options = optionResults(inputs, p).map((o) => ({ ...o, batteryLifeS: batteryLifeS(o.energyJ, opts.ratePerHour, battery.capacityMah, battery.voltageV) }));
      return { link, radio: figures.links[link].radio, joulesPerByte: joulesPerByte(p), options, breakEven: breakEven(inputs, p) };
    });
    const mlperf = known?.mlperf ? figures.mlperf[known.mlperf] ?? [] : [];
    // MLPerf's KWS/VWW/IC/AD time the model on features; its streaming wake word includes the front end.
    const withFrontEnd = known?.streaming === true;
    const counted = withFrontEnd ? measured.fullInstructions : measured.modelInstructions;
    const crossChecks = mlperf.map((m) => ({
      what: withFrontEnd ? "front end + model, per hop" : "model alone (features in)",
      ...crossCheck(counted, cpi.assumed, { system: m.system, clockHz: m.clockHz, latencyS: value(m.latency, "s") }),
    }));
    const preset = frontEnd ? AUDIO_PRESETS[frontEnd] : undefined;
    const streaming = known?.streaming === true || preset?.opcode === "MOTE_LOG_MEL";
    const hopRate = preset ? (3600 * Number(preset.options.sampleRate)) / preset.samples : undefined; // hours -> seconds, samples per second / per hop
    const alwaysOn = streaming && hopRate ? {
      ratePerHour: hopRate,
      // keepsUp: one hop's latency fits in the hop period (else the option cannot stream at all).
      batteryLifeS: links.flatMap((l) => l.options.filter((o) => !o.notApplicable).map((o) => ({
        link: l.link, option: o.option, seconds: batteryLifeS(o.energyJ, hopRate, battery.capacityMah, battery.voltageV), keepsUp: o.latencyS <= 3600 / hopRate,
      }))),
    } : undefined;
    results.push({
      model: spec.name,
      ...(frontEnd ? { frontEnd } : {}),
      rawPayload: known?.rawPayload ?? (frontEnd ? `${AUDIO_PRESETS[frontEnd].samples} samples of 16-bit PCM` : "the model input tensors"),
      streaming,
      measured,
      ...(alwaysOn ? { alwaysOn } : {}),
      device,
      crossChecks,
      cloud,
      links,
    });
  }
  return {
    board: { name: opts.board, mcu: bf.mcu, ...board },
    cpi,
    ratePerHour: opts.ratePerHour,
    positiveRate,
    battery,
    requests: opts.requests,
    models: results,
    figures: listFigures(figures),
  };
}
