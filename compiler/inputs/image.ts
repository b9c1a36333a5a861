/**
 * @fileoverview Image files → 8-bit RGB pixels, on the host: PNG (pngjs), JPEG (jpeg-js) and
 * uncompressed BMP (bmp.ts), told apart by their signatures, not by the file name.
 *
 * Every format comes out as `RgbImage`: width × height pixels, 3 bytes each, row-major from the
 * top-left. Grayscale is copied to the three channels, palettes are expanded, 16-bit PNG samples
 * are scaled to 8 bits (pngjs), and alpha is dropped without compositing (as PIL's
 * `convert("RGB")` does). A file that is not one of these formats, or is damaged, is MOTE6101;
 * an unreadable path is MOTE6106.
 */
import * as fs from "node:fs";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { fail, MoteError } from "../diagnostics.ts";
import { decodeBmp } from "./bmp.ts";

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes: R, G, B per pixel, rows from the top. */
  rgb: Uint8Array;
}

export type ImageFormat = "png" | "jpeg" | "bmp";

/** Largest image decoded, in pixels (a guard against decompression bombs: 64 megapixels). */
export const MAX_PIXELS = 64 * 1024 * 1024;

/** The format of `bytes` from its signature, or undefined. */
export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return "bmp";
  return undefined;
}

/** RGBA (4 bytes per pixel) → RGB, alpha dropped. */
function fromRgba(width: number, height: number, rgba: Uint8Array): RgbImage {
  const n = width * height;
  if (rgba.length < n * 4) throw new Error(`decoder returned ${rgba.length} bytes for ${width}x${height} RGBA`);
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return { width, height, rgb };
}

function checkSize(width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw new Error(`empty image (${width}x${height})`);
  if (width * height > MAX_PIXELS) throw new Error(`${width}x${height} is over ${MAX_PIXELS} pixels`);
}

function decodePng(bytes: Uint8Array): RgbImage {
  // The size from IHDR (bytes 16-23) before pngjs allocates the pixels.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    checkSize(view.getUint32(16), view.getUint32(20));
  }
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  checkSize(png.width, png.height);
  return fromRgba(png.width, png.height, png.data);
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
  checkSize(img.width, img.height);
  return fromRgba(img.width, img.height, img.data);
}

/**
 * Decodes an image held in memory; `name` is how errors refer to it (a file name).
 * Throws MOTE6101 when it is not a PNG, JPEG or BMP file, or cannot be decoded.
 */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  const format = imageFormat(bytes);
  if (!format) fail(6101, name, "not a PNG, JPEG or BMP file (unknown signature)");
  try {
    if (format === "png") return decodePng(bytes);
    if (format === "jpeg") return decodeJpeg(bytes);
    return decodeBmp(bytes);
  } catch (e) {
    if (e instanceof MoteError) throw e;
    // The decoders throw plain Errors (or TypeErrors on truncated data): the file is at fault.
    const why = e instanceof Error ? e.message : String(e);
    return fail(6101, name, `damaged ${format.toUpperCase()} data: ${why.split("\n")[0]}`);
  }
}

/** Reads and decodes an image file (MOTE6106 when it cannot be read, MOTE6101 when it cannot be decoded). */
export function readImage(file: string): RgbImage {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    return fail(6106, file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  return decodeImage(bytes, file);
}
