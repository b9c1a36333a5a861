/**
 * @fileoverview The wake-word sample: raw audio in, answers out, on the simulated Cortex-M7.
 *
 * 1. Streaming wake word (str_ww_ref_model): the log-mel front end (signal/log_mel.ts) is compiled
 *    into the firmware with the model (`--audio sww-log-mel`), so the device takes raw 16-bit PCM.
 *    short_wav_easy10s.wav is fed 512 samples (32 ms) at a time, one invocation per hop, in ONE
 *    QEMU run, the front end's history and feature window kept in the arena between hops as on a
 *    device; every detection is printed with its time, with the sample's threshold and with the
 *    MLPerf Tiny benchmark's rule.
 * 2. Keyword spotting (kws_ref_model) from raw audio: the MFCC front end (signal/mfcc.ts, `--audio
 *    kws-mfcc`) compiled with the model; the four 1 s clips, top-2 with scores.
 * Instructions are counted by QEMU; milliseconds at the real boards' clocks are an estimate.
 * `--board NAME` builds both firmwares for a real board instead (`mote compile --audio ... --board`).
 * Run it with `npm run sample:wake-word` (README.md beside this file).
 */
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { fail, MoteError } from "../../compiler/diagnostics.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { readWav } from "../../compiler/inputs/wav.ts";
import { dequantize, topK } from "../../compiler/inputs/quant.ts";
import { sharedData } from "../../compiler/inputs/shared.ts";
import { runInvocations, TARGETS, type Target } from "../../compiler/run/targets.ts";
import { loadBoard } from "../../compiler/toolchain/boards.ts";
import { detect, hops, SAMPLE_RATE } from "./detect.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, "../..");

/** The sample's threshold on P(marvin): README.md explains the choice. */
export const DEFAULT_THRESHOLD = 0.6;
/** MLPerf Tiny's streaming wake-word rule: P(marvin) > 0.95, at most one detection per second. */
export const BENCHMARK_THRESHOLD = 0.95;
export const KWS_LABELS = ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence", "unknown"];
export const KWS_CLIPS = ["yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms"];
export const REAL_BOARDS = ["stm32f746g-disco", "nucleo-h743zi"] as const;

const say = (line: string): void => void process.stderr.write(`${line}\n`);
const group = (n: number): string => n.toLocaleString("en-US");

export interface WakeWordResult {
  /** P(marvin) after every hop (hops before the window is full included). */
  probabilities: number[];
  instructions?: number[];
  stackBytes?: number;
}

/** Streams the recording through front end + str_ww model on `target`, one invocation per hop. */
export async function streamWakeWord(target: Target = "qemu", wav = sharedData("data", "audio", "short_wav_easy10s.wav")): Promise<WakeWordResult> {
  const graph = attachAudioFrontEnd(loadModel(sharedData("models", "str_ww_ref_model.tflite")), "sww-log-mel");
  const pcm = readWav(wav, { sampleRate: SAMPLE_RATE }).samples;
  const chunks = hops(pcm);
  const output = graph.tensors[graph.outputs[0]];
  const r = await runInvocations(graph, chunks.map((c) => [c]), target);
  return { probabilities: r.outputs.map((o) => dequantize(output, o[0])[0]), instructions: r.instructions, stackBytes: r.stackBytes };
}

export interface KwsResult {
  clip: string;
  top: { label: string; score: number }[];
  instructions?: number;
  /** qemu: stack high-water mark over the four invocations. */
  stackBytes?: number;
}

/** Classifies the four 1 s clips from raw audio (front end + kws model), one QEMU run for all four. */
export async function classifyClips(target: Target = "qemu", model = sharedData("models", "kws_ref_model.tflite")): Promise<KwsResult[]> {
  const graph = attachAudioFrontEnd(loadModel(model), "kws-mfcc");
  const output = graph.tensors[graph.outputs[0]];
  const inputs = KWS_CLIPS.map((clip) => {
    const pcm = readWav(sharedData("data", "audio", `${clip}.wav`), { sampleRate: SAMPLE_RATE }).samples;
    const second = new Int16Array(SAMPLE_RATE); // pad or cut to 1 s, as the training code does
    second.set(pcm.subarray(0, SAMPLE_RATE));
    return [new Uint8Array(second.buffer)];
  });
  const r = await runInvocations(graph, inputs, target);
  return KWS_CLIPS.map((clip, i) => {
    const scores = dequantize(output, r.outputs[i][0]);
    return { clip, top: topK(scores, 2).map((k) => ({ label: KWS_LABELS[k], score: scores[k] })), instructions: r.instructions?.[i], stackBytes: r.stackBytes };
  });
}

function estimate(instructions: number, cpi: number): string {
  return REAL_BOARDS.map((b) => `${((instructions * cpi) / (loadBoard(b).clockHz / 1e3)).toFixed(2)} ms @${loadBoard(b).clockHz / 1e6} MHz`).join(", ");
}

function report(ww: WakeWordResult, kws: KwsResult[], threshold: number, cpi: number): string {
  const lines: string[] = [];
  const seconds = (ww.probabilities.length * 512) / SAMPLE_RATE;
  lines.push("", `Streaming wake word (str_ww_ref_model + log-mel front end), short_wav_easy10s.wav: ${ww.probabilities.length} hops of 32 ms (${seconds.toFixed(2)} s)`);
  for (const [name, t] of [[`sample threshold P(marvin) > ${threshold}`, threshold], [`benchmark rule P(marvin) > ${BENCHMARK_THRESHOLD}`, BENCHMARK_THRESHOLD]] as const) {
    const found = detect(ww.probabilities, t);
    lines.push(`  ${name}, at most one per second: ${found.length} detection(s)`);
    for (const d of found) lines.push(`    marvin at ${d.time.toFixed(3)} s   (P = ${d.probability.toFixed(3)}, after hop ${d.hop})`);
  }
  if (ww.instructions && ww.instructions.length > 0) {
    const sorted = [...ww.instructions].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    lines.push(`  per hop (front end + model): ${group(median)} instructions (median; ${group(sorted[0])}..${group(sorted[sorted.length - 1])}), stack ${group(ww.stackBytes ?? 0)} B`);
    lines.push(`  est. ${estimate(median, cpi)} per 32 ms hop`);
  }
  lines.push("", "Keyword spotting (kws_ref_model + MFCC front end), from raw 1 s clips:");
  lines.push(`  ${"clip".padEnd(16)}${"top-1".padEnd(18)}${"top-2".padEnd(18)}${kws[0]?.instructions !== undefined ? "instructions" : ""}`);
  for (const k of kws) {
    const cell = (i: number): string => `${k.top[i].label} ${k.top[i].score.toFixed(3)}`.padEnd(18);
    lines.push(`  ${k.clip.padEnd(16)}${cell(0)}${cell(1)}${k.instructions !== undefined ? group(k.instructions).padStart(12) : ""}`);
  }
  const first = kws.find((k) => k.instructions !== undefined);
  if (first) lines.push(`  est. ${estimate(first.instructions!, cpi)} per 1 s clip`);
  lines.push(
    "",
    "instructions: counted by QEMU (mps2-an500, Cortex-M7), mote_invoke() only (front end + model).",
    `est. ms: an ESTIMATE, not a measurement: instructions x ${cpi} cycle(s) per instruction / the board's clock.`,
    "Real boards print DWT cycles over UART (README.md).",
  );
  return lines.join("\n");
}

/** `--board NAME`: both firmwares for a real board, through `mote compile --audio ... --board`. */
function buildForBoard(board: string): void {
  loadBoard(board);
  for (const [model, audio] of [["str_ww_ref_model", "sww-log-mel"], ["kws_ref_model", "kws-mfcc"]] as const) {
    const out = path.join(REPO, "out", "wake-word", board, model);
    say(`• ${model} + ${audio}: mote compile --board ${board} --out ${path.relative(process.cwd(), out)}`);
    const r = spawnSync(process.execPath, [path.join(REPO, "bin", "mote.js"), "compile", sharedData("models", `${model}.tflite`), "--audio", audio, "--board", board, "--out", out], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

async function main(): Promise<void> {
  const program = new Command("sample:wake-word")
    .description("wake word and keyword spotting from raw audio on the simulated Cortex-M7")
    .addOption(new Option("--target <target>", "where to run").choices([...TARGETS]).default("qemu"))
    .option("--board <name>", "build the firmware for a real board instead of running (stm32f746g-disco, nucleo-h743zi)")
    .option("--threshold <p>", "the sample's P(marvin) threshold", (v) => Number(v), DEFAULT_THRESHOLD)
    .option("--cpi <n>", "cycles per instruction assumed by the ms estimate", (v) => Number(v), 1)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  try {
    program.parse();
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.exitCode === 0) process.exit(0); // --help
    fail(6001, e.message.replace(/^error: /, ""));
  }
  const opts = program.opts<{ target: Target; board?: string; threshold: number; cpi: number }>();
  if (!(opts.threshold > 0 && opts.threshold < 1)) fail(6005, "--threshold", "a probability between 0 and 1", String(opts.threshold));
  if (!(opts.cpi > 0)) fail(6005, "--cpi", "a positive number", String(opts.cpi));
  if (opts.board) return buildForBoard(opts.board);
  const where = opts.target === "qemu" ? "the simulated Cortex-M7 (QEMU mps2-an500)" : opts.target;
  say(`• str_ww_ref_model + sww-log-mel front end: lowering, planning, specializing, building for ${where}`);
  const ww = await streamWakeWord(opts.target);
  say(`• streamed ${ww.probabilities.length} hops; kws_ref_model + kws-mfcc front end: building and running 4 clips`);
  const kws = await classifyClips(opts.target);
  console.log(report(ww, kws, opts.threshold, opts.cpi));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    if (e instanceof MoteError) {
      console.error(e.oneLine());
      process.exit(1);
    }
    throw e;
  });
}
