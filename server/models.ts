/**
 * @fileoverview A model as the server serves it: imported, built through Mote's host build
 * (generated C + boards/host/serve.c, compiled ONCE at startup into a persistent process,
 * server/worker.ts), and the payload rules that turn a request body into invocations:
 *  - audio models (a front end preset): raw 16-bit little-endian PCM at 16 kHz, or a WAV file
 *    (told by its RIFF header). kws-mfcc takes exactly 1 s (16,000 samples); sww-log-mel takes
 *    any whole number of 512-sample hops, or 1 s (its first 31 hops; the last 128 samples are
 *    dropped), run as one invocation per hop from a reset state (each request is its own stream);
 *  - image models (an input [1, H, W, 3]): PNG, JPEG or BMP bytes (compiler/inputs: centre crop,
 *    area resize, quantize, as the samples do) or exactly H x W x 3 raw RGB bytes;
 *  - any model: its raw input tensor bytes (`?input=features`; for a model with neither front end
 *    nor image input that is also the default payload, e.g. ad01_int8's 640 int8 features).
 * A payload that breaks these rules is a RequestError (a 4xx with a one-line reason).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fail, MoteError } from "../compiler/diagnostics.ts";
import type { Graph, Tensor } from "../compiler/ir/graph.ts";
import { loadModel } from "../compiler/import/tflite/import.ts";
import { checkInt8 } from "../compiler/import/tflite/check.ts";
import { attachAudioFrontEnd, AUDIO_PRESETS } from "../compiler/ops/audio/attach.ts";
import { imageFormat, decodeImage } from "../compiler/inputs/image.ts";
import { imageInput, imageShape } from "../compiler/inputs/preprocess.ts";
import { decodeWav } from "../compiler/inputs/wav.ts";
import { sharedData } from "../compiler/inputs/shared.ts";
import { buildFor } from "../compiler/pipeline.ts";
import type { ModelProgram } from "../compiler/ir/program.ts";
import { writeCLibrary } from "../compiler/emit/c/model.ts";
import { buildHost } from "../compiler/toolchain/host.ts";
import { DEFAULT_BOARD } from "../compiler/toolchain/boards.ts";
import { flashOptions } from "../compiler/cli/flash-budget.ts";
import { HostWorker } from "./worker.ts";

/** A client error: the status to answer and a one-line reason. */
export class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "RequestError";
  }
}

export const SAMPLE_RATE = 16000;

/** Known models: their front end and labels (output index order). */
export const KNOWN_MODELS: Record<string, { audio?: string; labels?: string[] }> = {
  kws_ref_model: { audio: "kws-mfcc", labels: ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence", "unknown"] },
  str_ww_ref_model: { audio: "sww-log-mel", labels: ["marvin", "class 1", "class 2"] },
  vww_96_int8: { labels: ["no person", "person"] },
  pretrainedResnet_quant: { labels: ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"] },
  ad01_int8: {},
};

/** What the server needs of a built program: its process and I/O sizes. */
export interface Served {
  program: ModelProgram;
  worker: HostWorker;
  inputBytes: number[];
}

export type PayloadKind = "pcm" | "wav" | "image" | "rgb" | "features";

/** The invocations of one request, and how the payload was read. */
export interface Invocations {
  kind: PayloadKind;
  /** The program that runs them: the front end + model ("raw") or the model alone. */
  served: Served;
  invocations: Uint8Array[][];
  reset: boolean;
  /** Samples of a 1 s sww-log-mel payload beyond its whole hops (dropped). */
  droppedSamples?: number;
}

const bytesOf = (t: Tensor): number => t.shape.reduce((a, b) => a * b, 1) * (t.dtype === "int16" ? 2 : t.dtype === "int32" || t.dtype === "float32" ? 4 : 1);

/** A model given on the command line: a name in ../shared/models or a .tflite path. */
export function resolveModel(spec: string): { name: string; file: string } {
  const file = fs.existsSync(spec) || spec.endsWith(".tflite") ? spec : sharedData("models", `${spec}.tflite`);
  return { name: path.basename(file).replace(/\.tflite$/, ""), file };
}

export interface ModelOptions {
  /** Front end preset, overriding the known one ("none": no front end). */
  audio?: string;
  /** Where the build goes (default: a temporary directory, removed by dispose()). */
  workDir?: string;
  progress?: (line: string) => void;
  timeoutMs?: number;
}

/** One served model. */
export class ServedModel {
  readonly name: string;
  readonly graph: Graph;
  readonly audio?: string;
  readonly labels?: string[];
  readonly imageInput: boolean;
  features!: Served;
  raw?: Served;
  ready = false;
  private dir?: string;
  private ownDir = false;

  constructor(spec: string, private readonly opts: ModelOptions = {}) {
    const { name, file } = resolveModel(spec);
    this.name = name;
    this.graph = loadModel(file);
    checkInt8(this.graph);
    const known = KNOWN_MODELS[name];
    const audio = opts.audio ?? known?.audio;
    this.audio = audio === "none" ? undefined : audio;
    if (this.audio && !AUDIO_PRESETS[this.audio]) fail(6011, this.audio, Object.keys(AUDIO_PRESETS).join(", "));
    this.labels = known?.labels;
    let image = false;
    if (!this.audio && this.graph.inputs.length === 1) {
      const t = this.graph.tensors[this.graph.inputs[0]];
      try {
        image = imageShape(t).channels === 3 && t.dtype !== "float32";
      } catch (e) {
        if (!(e instanceof MoteError)) throw e;
      }
    }
    this.imageInput = image;
  }

  /** Bytes of each model input tensor (the features payload). */
  get inputBytes(): number[] {
    return this.inputs.map(bytesOf);
  }

  /** The model input tensors (features). */
  get inputs(): Tensor[] {
    return this.graph.inputs.map((t) => this.graph.tensors[t]);
  }

  get outputs(): Tensor[] {
    return this.graph.outputs.map((t) => this.graph.tensors[t]);
  }

  /** Builds the program(s) once and starts their processes. */
  async build(): Promise<void> {
    const say = this.opts.progress ?? (() => {});
    this.ownDir = this.opts.workDir === undefined;
    this.dir = this.opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `mote-serve-${this.name}-`));
    const options = { board: DEFAULT_BOARD, ...flashOptions(undefined, DEFAULT_BOARD) };
    say(`• ${this.name}: lowering, planning, specializing, writing C and building the host process (gcc)`);
    this.features = await this.buildOne(this.graph, "features", options);
    if (this.audio) {
      say(`• ${this.name}: the same with the ${this.audio} front end compiled in (raw PCM in)`);
      this.raw = await this.buildOne(attachAudioFrontEnd(this.graph, this.audio), "raw", options);
    }
    this.ready = true;
  }

  private async buildOne(graph: Graph, tag: string, options: object): Promise<Served> {
    const program = buildFor(graph, options).program;
    const dir = path.join(this.dir!, tag);
    writeCLibrary(program, dir);
    const exe = path.join(dir, "model_serve");
    await buildHost(dir, exe, { harness: "serve.c" });
    const inputBytes = graph.inputs.map((t) => bytesOf(graph.tensors[t]));
    const outputBytes = graph.outputs.map((t) => bytesOf(graph.tensors[t]));
    const worker = new HostWorker(exe, { inputBytes, outputBytes, timeoutMs: this.opts.timeoutMs });
    await worker.start();
    return { program, worker, inputBytes };
  }

  /** The accepted payloads, for GET /v1/models and error messages. */
  describe(): string[] {
    const out: string[] = [];
    if (this.audio === "kws-mfcc") out.push("1 s of 16 kHz 16-bit PCM (32,000 bytes) or a WAV file");
    else if (this.audio) out.push(`16 kHz 16-bit PCM, a whole number of ${AUDIO_PRESETS[this.audio].samples}-sample hops or 1 s (32,000 bytes), or a WAV file`);
    if (this.imageInput) {
      const { height, width } = imageShape(this.inputs[0]);
      out.push(`a PNG, JPEG or BMP image, or ${width}x${height} raw RGB (${(width * height * 3).toLocaleString("en-US")} bytes)`);
    }
    out.push(`?input=features: the input tensor${this.inputs.length > 1 ? "s" : ""} (${this.inputBytes.join(" + ")} bytes)`);
    return out;
  }

  /** The request body as invocations; RequestError when it breaks the model's payload rules. */
  payload(body: Uint8Array, features: boolean): Invocations {
    if (features || (!this.audio && !this.imageInput)) {
      const size = this.features.inputBytes.reduce((a, b) => a + b, 0);
      if (body.length !== size) throw new RequestError(400, `${this.name} takes ${size} bytes of input tensor (${this.features.inputBytes.join(" + ")}), got ${body.length}`);
      let at = 0;
      const inputs = this.features.inputBytes.map((b) => body.slice(at, (at += b)));
      return { kind: "features", served: this.features, invocations: [inputs], reset: true };
    }
    if (this.audio) return this.audioPayload(body);
    return this.imagePayload(body);
  }

  private audioPayload(body: Uint8Array): Invocations {
    let kind: PayloadKind = "pcm";
    let pcm: Uint8Array = body;
    if (body.length >= 4 && String.fromCharCode(...body.subarray(0, 4)) === "RIFF") {
      kind = "wav";
      const samples = guard(() => decodeWav(body, "the request body", { sampleRate: SAMPLE_RATE }).samples);
      pcm = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    }
    const preset = AUDIO_PRESETS[this.audio!];
    const second = SAMPLE_RATE * 2;
    const served = this.raw!;
    if (preset.samples === SAMPLE_RATE) {
      if (pcm.length !== second) throw new RequestError(400, `${this.name} takes 1 s of 16 kHz 16-bit PCM (${second} bytes), got ${pcm.length} bytes${kind === "wav" ? " of samples in the WAV file" : ""}`);
      return { kind, served, invocations: [[pcm.slice()]], reset: true };
    }
    const hop = preset.samples * 2;
    let dropped = 0;
    if (pcm.length === second && second % hop !== 0) {
      dropped = (second % hop) / 2;
      pcm = pcm.subarray(0, second - (second % hop));
    }
    if (pcm.length === 0 || pcm.length % hop !== 0) {
      throw new RequestError(400, `${this.name} takes a whole number of ${preset.samples}-sample hops of 16-bit PCM (multiples of ${hop} bytes) or 1 s (${second} bytes), got ${pcm.length} bytes`);
    }
    const invocations = Array.from({ length: pcm.length / hop }, (_, n) => [pcm.slice(n * hop, (n + 1) * hop)]);
    if (invocations.length > 4096) throw new RequestError(413, `${invocations.length} hops in one request: at most 4096`);
    return { kind, served, invocations, reset: true, ...(dropped ? { droppedSamples: dropped } : {}) };
  }

  private imagePayload(body: Uint8Array): Invocations {
    const { height, width } = imageShape(this.inputs[0]);
    if (imageFormat(body)) {
      const img = guard(() => decodeImage(body, "the request body"));
      const bytes = guard(() => imageInput(this.graph, img).bytes);
      return { kind: "image", served: this.features, invocations: [[bytes]], reset: true };
    }
    if (body.length === width * height * 3) {
      const bytes = guard(() => imageInput(this.graph, { width, height, rgb: body }).bytes);
      return { kind: "rgb", served: this.features, invocations: [[bytes]], reset: true };
    }
    throw new RequestError(400, `${this.name} takes a PNG, JPEG or BMP image or ${width}x${height} raw RGB (${width * height * 3} bytes); got ${body.length} bytes with no image signature`);
  }

  /** Ends the processes and removes the build directory (if it made one). */
  async dispose(): Promise<void> {
    this.ready = false;
    await Promise.all([this.features?.worker.close(), this.raw?.worker.close()]);
    if (this.ownDir && this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `f`; a MoteError (undecodable image or WAV) becomes a 400 with its message. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MoteError) throw new RequestError(400, `MOTE${e.code}: ${e.message}`);
    throw e;
  }
}
