/**
 * @fileoverview An image → the raw bytes of a model's image input, on the host: centre crop to the
 * input's aspect ratio, area-average resize to its height × width, then quantize with the input
 * tensor's own scale and zero point (read from the graph).
 *
 * The resize is the one the golden input_8/input_9 of vww_96_int8 and pretrainedResnet_quant were
 * made with (../shared/golden/<model>/README.md), matched byte for byte by
 * test/inputs/image.test.ts: the crop starts at floor((width - side) / 2) (and the same for the
 * height), and output pixel i along an axis of S source pixels and D output pixels covers the
 * source pixels floor(i*S/D) .. floor((i+1)*S/D) - 1, whole pixels only; its value is the sum over
 * that rectangle divided by its count, rounded down, per channel. When S < D (upscaling) the range
 * would be empty, so it takes the one source pixel floor(i*S/D).
 *
 * The float a pixel stands for depends on how the model was trained (0..1, 0..255, -1..1): it is
 * inferred from the range the input's quantization covers (vww: scale 1/255, zero point -128
 * covers 0..1; the CIFAR ResNet: scale 1, zero point -128 covers 0..255), or given as `pixelRange`.
 */
import type { Graph, Tensor } from "../ir/graph.ts";
import { fail } from "../diagnostics.ts";
import { readImage, type RgbImage } from "./image.ts";
import { quantizeValue, quantRange } from "./quant.ts";

/** What a pixel value p in 0..255 becomes as the model's float input. */
export const PIXEL_RANGES = {
  "0..1": (p: number) => p / 255,
  "0..255": (p: number) => p,
  "-1..1": (p: number) => p / 127.5 - 1,
  "-128..127": (p: number) => p - 128,
} as const;
export type PixelRange = keyof typeof PIXEL_RANGES;

const RANGE_ENDS: Record<PixelRange, [number, number]> = { "0..1": [0, 1], "0..255": [0, 255], "-1..1": [-1, 1], "-128..127": [-128, 127] };

/** The largest centred region of `img` with the aspect ratio outW:outH. */
export function centreCrop(img: RgbImage, outW: number, outH: number): RgbImage {
  let cw = img.width;
  let ch = img.height;
  if (img.width * outH > img.height * outW) cw = Math.max(1, Math.floor((img.height * outW) / outH));
  else ch = Math.max(1, Math.floor((img.width * outH) / outW));
  const x0 = Math.floor((img.width - cw) / 2);
  const y0 = Math.floor((img.height - ch) / 2);
  if (cw === img.width && ch === img.height) return img;
  const rgb = new Uint8Array(cw * ch * 3);
  for (let y = 0; y < ch; y++) rgb.set(img.rgb.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + cw) * 3), y * cw * 3);
  return { width: cw, height: ch, rgb };
}

/** Source pixels [start, end) covered by output pixel i (S source pixels, D output pixels). */
function cover(i: number, s: number, d: number): [number, number] {
  const start = Math.floor((i * s) / d);
  return [start, Math.max(start + 1, Math.floor(((i + 1) * s) / d))];
}

/** Area-average resize to outW × outH (each output pixel the floor of the mean of the pixels it covers). */
export function resizeArea(img: RgbImage, outW: number, outH: number): RgbImage {
  const rgb = new Uint8Array(outW * outH * 3);
  for (let oy = 0; oy < outH; oy++) {
    const [ya, yb] = cover(oy, img.height, outH);
    for (let ox = 0; ox < outW; ox++) {
      const [xa, xb] = cover(ox, img.width, outW);
      const n = (yb - ya) * (xb - xa);
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) sum += img.rgb[(y * img.width + x) * 3 + c];
        rgb[(oy * outW + ox) * 3 + c] = Math.floor(sum / n);
      }
    }
  }
  return { width: outW, height: outH, rgb };
}

/** The image geometry of input tensor `t`: [1, H, W, C] or [H, W, C] with C 1 or 3, int8 or uint8, quantized. */
export function imageShape(t: Tensor): { height: number; width: number; channels: 1 | 3 } {
  const s = t.shape;
  const hwc = s.length === 4 && s[0] === 1 ? s.slice(1) : s.length === 3 ? s : undefined;
  if (!hwc) return fail(6104, t.index, t.name, `shape [${s.join(", ")}] is not [1, height, width, channels]`);
  if (hwc[2] !== 1 && hwc[2] !== 3) return fail(6104, t.index, t.name, `${hwc[2]} channels (1 or 3 expected)`);
  if (t.dtype !== "int8" && t.dtype !== "uint8") return fail(6104, t.index, t.name, `dtype ${t.dtype} (int8 or uint8 expected)`);
  if (!t.quant || t.quant.scale.length !== 1) return fail(6104, t.index, t.name, "no per-tensor scale and zero point");
  return { height: hwc[0], width: hwc[1], channels: hwc[2] as 1 | 3 };
}

/** The pixel range whose float ends the quantization of `t` covers (within 2 % of the span), or MOTE6105. */
export function inferPixelRange(t: Tensor): PixelRange {
  const [lo, hi] = quantRange(t);
  for (const [name, [a, b]] of Object.entries(RANGE_ENDS)) {
    if (Math.abs(lo - a) + Math.abs(hi - b) <= 0.02 * (b - a)) return name as PixelRange;
  }
  return fail(6105, t.index, t.name, t.quant!.scale[0], t.quant!.zeroPoint[0], lo.toPrecision(4), hi.toPrecision(4));
}

export interface ImageInputOptions {
  /** Which model input (default 0). */
  input?: number;
  /** The float range pixels map to; inferred from the quantization when absent. */
  pixelRange?: PixelRange;
}

export interface ImageInput {
  /** The input tensor's raw bytes (one per element, its layout). */
  bytes: Uint8Array;
  /** The cropped and resized pixels (RGB) that were quantized. */
  pixels: RgbImage;
  pixelRange: PixelRange;
}

/** Crop, resize and quantize `image` (an RgbImage, or a file to decode) for input `opts.input` of `graph`. */
export function imageInput(graph: Graph, image: RgbImage | string, opts: ImageInputOptions = {}): ImageInput {
  const k = opts.input ?? 0;
  if (!(k >= 0 && k < graph.inputs.length)) return fail(6104, k, "none", `the model has ${graph.inputs.length} input(s)`);
  const t = graph.tensors[graph.inputs[k]];
  const { height, width, channels } = imageShape(t);
  const range = opts.pixelRange ?? inferPixelRange(t);
  const img = typeof image === "string" ? readImage(image) : image;
  const pixels = resizeArea(centreCrop(img, width, height), width, height);
  const toFloat = PIXEL_RANGES[range];
  // The 256 possible pixel values, quantized once.
  const table = new Uint8Array(256);
  for (let p = 0; p < 256; p++) table[p] = quantizeValue(t, toFloat(p)) & 0xff;
  const n = width * height;
  const bytes = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const r = pixels.rgb[i * 3];
    const g = pixels.rgb[i * 3 + 1];
    const b = pixels.rgb[i * 3 + 2];
    if (channels === 3) {
      bytes[i * 3] = table[r];
      bytes[i * 3 + 1] = table[g];
      bytes[i * 3 + 2] = table[b];
    } else {
      // ITU-R BT.601 luma, rounded (exact for gray sources: r = g = b).
      bytes[i] = table[Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000)];
    }
  }
  return { bytes, pixels, pixelRange: range };
}
