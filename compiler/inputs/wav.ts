/**
 * @fileoverview WAV files → 16-bit PCM samples on the host (the audio front ends and samples read
 * recordings through it). Parses the RIFF container itself: "RIFF" size "WAVE", then chunks (id,
 * little-endian size, data, a pad byte after an odd size); it needs a "fmt " chunk saying PCM
 * (format 1, or WAVE_FORMAT_EXTENSIBLE with the PCM sub-format) at 16 bits per sample, and a
 * "data" chunk; other chunks (LIST, fact, ...) are skipped. Channel 0 is returned (the shared
 * recordings are mono, or stereo with identical channels). Anything else, a truncated file
 * included, is MOTE6102; a sample rate other than the one asked for is MOTE6103.
 */
import * as fs from "node:fs";
import { fail } from "../diagnostics.ts";

export interface Wav {
  sampleRate: number;
  /** Channels in the file (samples holds channel 0 only). */
  channels: number;
  /** Channel 0, one value per frame. */
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function tag(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/**
 * Decodes a WAV file held in memory; `name` is how errors refer to it. With `sampleRate`, any
 * other rate is MOTE6103.
 */
export function decodeWav(bytes: Uint8Array, name: string, opts: { sampleRate?: number } = {}): Wav {
  const bad = (why: string): never => fail(6102, name, why);
  if (bytes.length < 12 || tag(bytes, 0) !== "RIFF" || tag(bytes, 8) !== "WAVE") bad("not a RIFF/WAVE file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let fmt: { format: number; channels: number; rate: number; align: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (body + size > bytes.length) bad(`truncated: chunk '${id}' at byte ${at} declares ${size} bytes, ${bytes.length - body} remain`);
    if (id === "fmt ") {
      if (size < 16) bad(`'fmt ' chunk of ${size} bytes (16 or more expected)`);
      let format = view.getUint16(body, true);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 26) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), align: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === "data") {
      data = bytes.subarray(body, body + size);
    }
    at = body + size + (size & 1);
  }
  if (!fmt) return bad("no 'fmt ' chunk");
  if (!data) return bad("no 'data' chunk");
  if (fmt.format !== WAVE_FORMAT_PCM) bad(`audio format ${fmt.format} (only PCM, format 1, is read)`);
  if (fmt.bits !== 16) bad(`${fmt.bits} bits per sample (only 16-bit PCM is read)`);
  if (fmt.channels < 1 || fmt.align !== fmt.channels * 2) bad(`${fmt.channels} channels with ${fmt.align}-byte frames`);
  if (fmt.rate === 0) bad("sample rate 0");
  if (data.length % fmt.align !== 0) bad(`data chunk of ${data.length} bytes is not a whole number of ${fmt.align}-byte frames`);
  if (opts.sampleRate !== undefined && fmt.rate !== opts.sampleRate) fail(6103, name, fmt.rate, opts.sampleRate);
  const frames = data.length / fmt.align;
  const samples = new Int16Array(frames);
  const dv = new DataView(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < frames; i++) samples[i] = dv.getInt16(i * fmt.align, true);
  return { sampleRate: fmt.rate, channels: fmt.channels, samples };
}

/** Reads a WAV file (MOTE6106 when it cannot be read, MOTE6102/6103 as decodeWav). */
export function readWav(file: string, opts: { sampleRate?: number } = {}): Wav {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    return fail(6106, file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  return decodeWav(bytes, file, opts);
}
