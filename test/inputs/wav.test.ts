/**
 * @fileoverview compiler/inputs/wav.ts: the shared recordings read as 16 kHz 16-bit PCM (channel 0
 * of the stereo ones), hand-made files (mono, stereo, extensible format, odd-sized extra chunks)
 * read back exactly, and malformed files are MOTE6102 (wrong rate MOTE6103), never a crash.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeWav, readWav } from "../../compiler/inputs/wav.ts";
import { moteError } from "../import/mote-error.ts";
import { needShared, sharedFile } from "../support/shared.ts";

const audio = needShared("data/audio");

interface WavSpec {
  channels?: number;
  rate?: number;
  bits?: number;
  format?: number;
  extensible?: boolean;
  /** Chunks before "fmt " (id, body length). */
  extra?: [string, number][];
}

/** A WAV file of interleaved samples. */
function wav(samples: number[], spec: WavSpec = {}): Uint8Array {
  const channels = spec.channels ?? 1;
  const bits = spec.bits ?? 16;
  const chunks: Uint8Array[] = [];
  const chunk = (id: string, body: Uint8Array): void => {
    const head = new Uint8Array(8);
    head.set(new TextEncoder().encode(id));
    new DataView(head.buffer).setUint32(4, body.length, true);
    chunks.push(head, body);
    if (body.length & 1) chunks.push(new Uint8Array(1));
  };
  for (const [id, n] of spec.extra ?? []) chunk(id, new Uint8Array(n).fill(0x55));
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, spec.extensible ? 0xfffe : (spec.format ?? 1), true);
  f.setUint16(2, channels, true);
  f.setUint32(4, spec.rate ?? 16000, true);
  f.setUint32(8, (spec.rate ?? 16000) * channels * (bits / 8), true);
  f.setUint16(12, channels * (bits / 8), true);
  f.setUint16(14, bits, true);
  if (spec.extensible) f.setUint16(24, spec.format ?? 1, true);
  chunk("fmt ", fmt);
  const data = new Uint8Array(samples.length * 2);
  samples.forEach((s, i) => new DataView(data.buffer).setInt16(i * 2, s, true));
  chunk("data", data);
  const body = chunks.reduce((n, c) => n + c.length, 4);
  const out = new Uint8Array(8 + body);
  out.set(new TextEncoder().encode("RIFF"));
  new DataView(out.buffer).setUint32(4, body, true);
  out.set(new TextEncoder().encode("WAVE"), 8);
  let at = 12;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe.skipIf(audio.skip)("the shared recordings", () => {
  const files = audio.ok ? fs.readdirSync(sharedFile("data", "audio")).filter((f) => f.endsWith(".wav")) : [];
  it("are all 16 kHz 16-bit PCM, mono or stereo, read as channel 0", () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) {
      const w = readWav(sharedFile("data", "audio", f), { sampleRate: 16000 });
      expect([1, 2], f).toContain(w.channels);
      expect(w.samples.length % 16000, f).toBe(0);
    }
    const long = readWav(sharedFile("data", "audio", "short_wav_easy10s.wav"));
    expect([long.channels, long.samples.length]).toEqual([2, 160000]);
    // Channel 0: the first frame's first sample.
    const raw = fs.readFileSync(sharedFile("data", "audio", "short_wav_easy10s.wav"));
    expect(long.samples[0]).toBe(raw.readInt16LE(44));
  });
});

describe("hand-made WAV files", () => {
  it("reads mono, stereo (channel 0), extensible PCM and skips other chunks, odd-sized ones included", () => {
    expect(Array.from(decodeWav(wav([1, -2, 32767, -32768]), "m.wav").samples)).toEqual([1, -2, 32767, -32768]);
    expect(Array.from(decodeWav(wav([1, 9, -2, 9, 3, 9], { channels: 2 }), "s.wav").samples)).toEqual([1, -2, 3]);
    expect(Array.from(decodeWav(wav([5, 6], { extensible: true, extra: [["LIST", 5], ["fact", 4]] }), "e.wav").samples)).toEqual([5, 6]);
    expect(decodeWav(wav([0], { rate: 8000 }), "r.wav").sampleRate).toBe(8000);
  });

  const good = wav([1, 2, 3, 4]);
  const cases: [string, Uint8Array][] = [
    ["empty.wav", new Uint8Array(0)],
    ["text.wav", new TextEncoder().encode("RIFF....WAVX")],
    ["truncated.wav", good.subarray(0, good.length - 3)],
    ["header-only.wav", good.subarray(0, 20)],
    ["no-data.wav", good.subarray(0, 12 + 8 + 16)],
    ["float.wav", wav([0, 0], { format: 3 })],
    ["8-bit.wav", wav([0, 0], { bits: 8 })],
    ["extensible-float.wav", wav([0, 0], { extensible: true, format: 3 })],
    ["zero-channels.wav", wav([0, 0], { channels: 0 })],
  ];
  for (const [name, bytes] of cases) {
    it(`${name} is MOTE6102`, () => {
      const e = moteError(() => decodeWav(bytes, name), [6102]);
      expect(e.message).toContain(name);
    });
  }

  it("a wrong sample rate is MOTE6103, a missing file MOTE6106", () => {
    const e = moteError(() => decodeWav(wav([0], { rate: 44100 }), "cd.wav", { sampleRate: 16000 }), [6103]);
    expect(e.message).toBe("WAV file cd.wav is sampled at 44100 Hz, 16000 Hz expected");
    moteError(() => readWav("/nonexistent/clip.wav"), [6106]);
  });
});
