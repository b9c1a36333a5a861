/**
 * @fileoverview The wake-word sample's streaming logic, kept apart from QEMU so tests can check it:
 * cutting a recording into the 512-sample hops the front end takes per invocation, which output
 * belongs to which reference step and time, and the detection rule (a probability threshold with a
 * refractory period).
 *
 * Timing (signal/log_mel.ts): after hop h (0-based) the newest feature frame is frame h - 1, which
 * starts at sample 512 (h - 1); the 30-frame window the model sees is complete from hop 30 on,
 * where it equals the reference's step t = h - 30 (frames t .. t + 29). A detection is reported at
 * the start time of the window's newest frame, (t + 29) x 32 ms, the convention of frame
 * timestamps (frame k at k x hop).
 */

/** The str_ww front end's hop and the model's window, in frames. */
export const HOP = 512;
export const SAMPLE_RATE = 16000;
export const WINDOW_FRAMES = 30;
/** The first hop whose output is a whole window of real frames. */
export const FIRST_FULL_HOP = WINDOW_FRAMES;

/** Consecutive 512-sample hops of `pcm` (a trailing partial hop is dropped), as raw bytes. */
export function hops(pcm: Int16Array, hop = HOP): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + hop <= pcm.length; at += hop) out.push(new Uint8Array(pcm.slice(at, at + hop).buffer));
  return out;
}

/** The start time in seconds of the newest frame after hop `h`. */
export function hopTime(h: number): number {
  return ((h - 1) * HOP) / SAMPLE_RATE;
}

export interface Detection {
  /** The hop after which it fired. */
  hop: number;
  /** Seconds into the recording (hopTime). */
  time: number;
  probability: number;
}

/**
 * Detections in a stream of P(wake word) per hop: a hop whose window is complete fires when its
 * probability is above `threshold`, unless another fired less than `refractory` seconds before.
 */
export function detect(probabilities: readonly number[], threshold: number, refractory = 1): Detection[] {
  const found: Detection[] = [];
  probabilities.forEach((p, h) => {
    if (h < FIRST_FULL_HOP || !(p > threshold)) return;
    const time = hopTime(h);
    const last = found[found.length - 1];
    if (last && time - last.time < refractory) return;
    found.push({ hop: h, time, probability: p });
  });
  return found;
}
