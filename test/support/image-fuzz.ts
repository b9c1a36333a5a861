/**
 * @fileoverview The interpreter image fuzzer: corrupts model images (bit flips, byte and word
 * sets, truncation, and edits that know the layout: header, step, argument and record fields,
 * kernel ids, constant data) and runs each corrupted image through the image check and, when
 * the check accepts it, an inference:
 *  - on C, a driver (boards/host/image_fuzz.c, the host harness that loads images) built with the generated library under
 *    -fsanitize=address,undefined -fno-sanitize-recover, many images per process;
 *  - on TypeScript and WASM in process (the fast test).
 * Two modes: "raw" leaves the checksum as it was (a damaged image: the check must reject every
 * change), "sealed" writes a new checksum after a layout-aware edit (an image edited on purpose,
 * which only the structural checks and the record rules stand against). Every image is either
 * rejected with a status or runs clean; a "wrong success" is an accepted image whose outputs
 * differ from the original's. Sealed edits of constant data, truncation, and arguments and
 * records of kernels whose rules are not complete (compiler/build/interpreter/record-rules.ts)
 * are not `checkable`: the checksum alone stands against them, and they are counted apart.
 * Used by test/build/interpreter/image-fuzz*.test.ts and scripts/fuzz-image.ts.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ARG_WORDS, HEADER_WORDS, sealImage, STEP_WORDS, stepWord } from "../../compiler/build/interpreter/image.ts";
import { RECORD_RULES } from "../../compiler/build/interpreter/record-rules.ts";
import type { InterpreterResult } from "../../compiler/build/interpreter/program.ts";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import { INTRINSICS_HEADER } from "../../compiler/emit/c/model.ts";
import { IMAGE_CONSTANT } from "../../compiler/build/interpreter/image.ts";
import { REPO } from "./shared.ts";

export type Mode = "raw" | "sealed";

export interface Mutant {
  image: Int32Array;
  /** Bytes of the image that were written (the rest is erased flash, 0xFF). */
  bytes: number;
  what: string;
  mode: Mode;
  /**
   * The check is expected to stand against this change: every damaged image (the checksum), and
   * edited ones whose edit the structural checks or complete record rules cover (not constant
   * data, truncation, or arguments and records of kernels whose rules are not complete).
   */
  checkable: boolean;
}

/** A corrupted image before its mode and group are known. */
type Draft = Omit<Mutant, "mode" | "checkable">;

/** mulberry32: a small seeded generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, -1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 127, 128, 255, 256, -128, 4095, 4096, 65535, 65536, 0x3fffffff, 0x40000000, 0x7fffffff, -0x80000000, -0x7fffffff];

/** Where the image's steps, arguments and records are (read from its own header). */
interface Layout {
  steps: { at: number; args: number; record: number; fields: number; complete: boolean }[];
  dataStart: number;
}

function layoutOf(build: InterpreterResult): Layout {
  const img = build.image;
  const calls = build.lowered.flatMap((l) => l.calls);
  const steps = calls.map((c, s) => {
    const at = stepWord(img, s);
    return { at, args: img[at + 1], record: img[at + 2], fields: img[at + 3], complete: !!RECORD_RULES[`${c.kernel}.${c.fn}`]?.complete };
  });
  return { steps, dataStart: img[10] };
}

/** Makes corrupted copies of one build's image. */
export class ImageMutator {
  readonly layout: Layout;
  private checkable = true;
  constructor(readonly build: InterpreterResult, private readonly random: () => number) {
    this.layout = layoutOf(build);
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private value(old: number): number {
    switch (this.int(4)) {
      case 0: return INTERESTING[this.int(INTERESTING.length)];
      case 1: return (old + [1, -1, 2, -2, 4, -4, 16, -16, 4096, -4096][this.int(10)]) | 0;
      case 2: return (old * 2) | 0;
      default: return (this.random() * 2 ** 32) | 0;
    }
  }

  /** One corrupted image; never identical to the original. */
  next(mode: Mode): Mutant {
    for (;;) {
      this.checkable = true;
      const m = mode === "raw" ? this.raw() : this.sealed();
      if (mode === "sealed") sealImage(m.image);
      const orig = this.build.image;
      const same = m.bytes === orig.length * 4 && m.image.every((w, i) => w === orig[i]);
      if (!same) return { ...m, mode, checkable: mode === "raw" || this.checkable };
    }
  }

  private raw(): Draft {
    const img = this.build.image.slice();
    const bytes = new Uint8Array(img.buffer);
    switch (this.int(5)) {
      case 0: {
        const bit = this.int(img.length * 32);
        img[bit >> 5] ^= 1 << (bit & 31);
        return { image: img, bytes: bytes.length, what: "bit flip" };
      }
      case 1: {
        bytes[this.int(bytes.length)] = this.int(256);
        return { image: img, bytes: bytes.length, what: "byte set" };
      }
      case 2: {
        const k = this.int(img.length);
        img[k] = this.value(img[k]);
        return { image: img, bytes: bytes.length, what: "word set" };
      }
      case 3: {
        const cut = this.int(bytes.length);
        bytes.fill(0xff, cut);
        return { image: img, bytes: cut, what: "truncated" };
      }
      default:
        return this.structured(img);
    }
  }

  private sealed(): Draft {
    const img = this.build.image.slice();
    if (this.int(10) === 0) {
      const bytes = new Uint8Array(img.buffer);
      const cut = this.int(bytes.length);
      bytes.fill(0xff, cut);
      this.checkable = false;
      return { image: img, bytes: bytes.length, what: "truncated, sealed" };
    }
    return this.structured(img);
  }

  /** A layout-aware edit: header, step, argument, record, kernel id or constant data. */
  private structured(img: Int32Array): Draft {
    const { steps, dataStart } = this.layout;
    const full = img.length * 4;
    const done = (what: string) => ({ image: img, bytes: full, what });
    const step = steps.length > 0 ? steps[this.int(steps.length)] : undefined;
    switch (step ? this.int(6) : 0) {
      case 0: {
        const k = this.int(HEADER_WORDS + 2 * (img[6] + img[7]));
        img[k] = this.value(img[k]);
        return done(k < HEADER_WORDS ? `header word ${k}` : "io table");
      }
      case 1: {
        const k = this.int(STEP_WORDS);
        img[step!.at + k] = k === 0 && this.int(2) === 0 ? 1 + this.int(90) : this.value(img[step!.at + k]);
        return done(["kernel id", "argument count", "record index", "record words"][k]);
      }
      case 2:
      case 3: {
        if (step!.args === 0) return done("none");
        this.checkable = step!.complete;
        const k = step!.at + STEP_WORDS + ARG_WORDS * this.int(step!.args) + this.int(ARG_WORDS);
        img[k] = this.value(img[k]);
        return done(["argument kind", "argument offset", "argument bytes"][(k - step!.at - STEP_WORDS) % ARG_WORDS]);
      }
      case 4: {
        // Sealed: only records whose kernel's rules are complete (the others rest on the checksum).
        if (step!.fields === 0) return done("none");
        this.checkable = step!.complete;
        const k = step!.record + this.int(step!.fields);
        img[k] = this.value(img[k]);
        return done("record field");
      }
      default: {
        const bytes = new Uint8Array(img.buffer);
        if (dataStart >= full) return done("none");
        this.checkable = false;
        bytes[dataStart + this.int(full - dataStart)] ^= 1 + this.int(255);
        return done("constant data");
      }
    }
  }
}

export interface Outcome {
  status: number;
  /** FNV-1a of the outputs when accepted (status 0), else 0. */
  hash: number;
}

export interface Figures {
  images: number;
  rejected: number;
  acceptedSame: number;
  /** Accepted with outputs different from the original's. */
  wrongSuccess: number;
  /** The process died on the image (a sanitizer report, a signal) or hung. */
  crashes: number;
  byReason: Record<number, number>;
  crashSamples: string[];
  wrongSamples: string[];
}

export function emptyFigures(): Figures {
  return { images: 0, rejected: 0, acceptedSame: 0, wrongSuccess: 0, crashes: 0, byReason: {}, crashSamples: [], wrongSamples: [] };
}

/** Counts one outcome against the original's output hash. */
export function tally(fig: Figures, m: Mutant, out: Outcome | undefined, reference: number): void {
  fig.images++;
  if (out === undefined) {
    fig.crashes++;
    if (fig.crashSamples.length < 10) fig.crashSamples.push(`${m.mode}: ${m.what}`);
  } else if (out.status !== 0) {
    fig.rejected++;
    fig.byReason[out.status % 16] = (fig.byReason[out.status % 16] ?? 0) + 1;
  } else if (out.hash === reference) {
    fig.acceptedSame++;
  } else {
    fig.wrongSuccess++;
    if (fig.wrongSamples.length < 10) fig.wrongSamples.push(`${m.mode}: ${m.what}`);
  }
}

/** The three kinds of corrupted image the figures keep apart. */
export type Bucket = "damaged" | "edited" | "edited, checksum only";
export const BUCKETS: Bucket[] = ["damaged", "edited", "edited, checksum only"];

export function bucketOf(m: Mutant): Bucket {
  return m.mode === "raw" ? "damaged" : m.checkable ? "edited" : "edited, checksum only";
}

/** FNV-1a over byte arrays, as the driver hashes outputs. */
export function hashOutputs(outputs: Uint8Array[]): number {
  let h = 2166136261;
  for (const o of outputs) for (const b of o) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h >>> 0;
}

/** The driver's input pattern for input k of `bytes` bytes. */
export function driverInput(bytes: number, k: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, j) => (j * 37 + 11 + k) & 0xff);
}

/** A sanitizer build of the driver and one build's library (image writable). */
export class CDriver {
  readonly dir: string;
  readonly exe: string;
  /** The first sanitizer line (or the signal) of every image that killed the driver. */
  readonly crashLog: string[] = [];
  constructor(readonly build: InterpreterResult, gcc = "gcc") {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-image-fuzz-"));
    const lib = emitCLibrary(build.program);
    const writable = lib["model.c"].replace(`static const int32_t ${IMAGE_CONSTANT}[`, `int32_t ${IMAGE_CONSTANT}[`);
    if (writable === lib["model.c"]) throw new Error("image fuzz: the model image constant was not found in model.c");
    fs.writeFileSync(path.join(this.dir, "model.h"), lib["model.h"]);
    fs.writeFileSync(path.join(this.dir, "model.c"), writable);
    fs.copyFileSync(INTRINSICS_HEADER, path.join(this.dir, "mote_intrinsics.h"));
    this.exe = path.join(this.dir, "driver");
    execFileSync(gcc, [
      "-std=c99", "-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
      "-I", this.dir, path.join(REPO, "boards/host/image_fuzz.c"), path.join(this.dir, "model.c"), "-o", this.exe, "-lm",
    ], { stdio: ["ignore", "ignore", "pipe"] });
  }

  private batches = 0;

  /** Writes a batch file of `mutants` and returns its path (one file per batch, so batches can run side by side). */
  private writeBatch(mutants: { image: Int32Array; bytes: number }[]): string {
    const words = this.build.image.length;
    const file = path.join(this.dir, `batch-${this.batches++}.bin`);
    const head = Int32Array.from([mutants.length, words, ...mutants.map((m) => m.bytes)]);
    const body = new Int32Array(mutants.length * words);
    mutants.forEach((m, i) => body.set(m.image, i * words));
    fs.writeFileSync(file, Buffer.concat([Buffer.from(head.buffer), Buffer.from(body.buffer)]));
    return file;
  }

  /**
   * Reads one driver run's output into `out` from image `first` on; returns the next image to
   * run, or -1 when the batch is done (a crash is counted on the image after the last printed).
   */
  private collect(out: (Outcome | undefined)[], first: number, stdout: string, stderr: string, status: number | null, why: string): number {
    let last = first - 1;
    for (const line of stdout.split("\n")) {
      const m = /^(\d+) (-?\d+) (\d+)$/.exec(line);
      if (!m) continue;
      const i = Number(m[1]);
      out[i] = { status: Number(m[2]), hash: Number(m[3]) };
      last = i;
    }
    if (status === 0 && last === out.length - 1) return -1;
    // The process died on image last + 1 (sanitizer report, signal or timeout): count it, go on.
    out[last + 1] = undefined;
    const report = stderr.split("\n").find((l) => /runtime error|ERROR: AddressSanitizer|error:/.test(l));
    this.crashLog.push(`image ${last + 1}: ${report ?? why}`);
    return last + 2 < out.length ? last + 2 : -1;
  }

  private static readonly ENV = { ...process.env, ASAN_OPTIONS: "detect_leaks=0:abort_on_error=0", UBSAN_OPTIONS: "print_stacktrace=0" };

  /** Runs the images (one process per batch, restarted after the image that killed it). */
  run(mutants: { image: Int32Array; bytes: number }[], timeoutMs = 120_000): (Outcome | undefined)[] {
    const file = this.writeBatch(mutants);
    const out: (Outcome | undefined)[] = new Array(mutants.length);
    let first = 0;
    while (first >= 0) {
      const r = spawnSync(this.exe, [file, String(first)], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20, env: CDriver.ENV });
      first = this.collect(out, first, r.stdout ?? "", r.stderr ?? "", r.status, r.error?.message ?? `signal ${r.signal}, status ${r.status}`);
    }
    fs.rmSync(file, { force: true });
    return out;
  }

  /** `run` without blocking: the campaign keeps two batches in flight (scripts/fuzz-image.ts --jobs). */
  async runAsync(mutants: { image: Int32Array; bytes: number }[], timeoutMs = 300_000): Promise<(Outcome | undefined)[]> {
    const file = this.writeBatch(mutants);
    const out: (Outcome | undefined)[] = new Array(mutants.length);
    let first = 0;
    while (first >= 0) {
      const r = await new Promise<{ stdout: string; stderr: string; status: number | null; why: string }>((resolve) => {
        const child = spawn(this.exe, [file, String(first)], { env: CDriver.ENV });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
        child.stderr.setEncoding("utf8").on("data", (d: string) => { if (stderr.length < 1 << 20) stderr += d; });
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("close", (status, signal) => {
          clearTimeout(timer);
          resolve({ stdout, stderr, status, why: `signal ${signal}, status ${status}` });
        });
      });
      first = this.collect(out, first, r.stdout, r.stderr, r.status, r.why);
    }
    fs.rmSync(file, { force: true });
    return out;
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
