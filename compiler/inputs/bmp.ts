/**
 * @fileoverview Uncompressed Windows BMP files → 8-bit RGB (image.ts calls it after the "BM"
 * signature). Written from the format's published layout: a 14-byte file header, a
 * BITMAPINFOHEADER (40 bytes) or a later, longer one (V4 108, V5 124), a palette of B, G, R, 0
 * entries for 1, 4 and 8 bits per pixel, then rows padded to 4 bytes, bottom-up unless the height
 * is negative. 24-bit (B, G, R) and 32-bit (B, G, R, x) pixels take no palette. Compressed files
 * (RLE, bit fields, embedded PNG/JPEG) and OS/2 core headers are refused. Every malformation is
 * a plain Error here; decodeImage turns it into MOTE6101 with the file name.
 */
import type { RgbImage } from "./image.ts";

const BI_RGB = 0;

export function decodeBmp(bytes: Uint8Array): RgbImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const need = (end: number, what: string): void => {
    if (end > bytes.length) throw new Error(`truncated: ${what} needs ${end} bytes, the file has ${bytes.length}`);
  };
  need(54, "the headers");
  const pixelOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  if (dibSize < 40) throw new Error(`unsupported BMP header of ${dibSize} bytes (only BITMAPINFOHEADER and later)`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);
  if (compression !== BI_RGB) throw new Error(`compressed BMP (compression ${compression}) is not supported`);
  if (![1, 4, 8, 24, 32].includes(bpp)) throw new Error(`${bpp} bits per pixel is not supported`);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (!(width > 0 && height > 0)) throw new Error(`empty image (${width}x${rawHeight})`);
  if (width * height > 64 * 1024 * 1024) throw new Error(`${width}x${height} is too large`);

  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const entries = colorsUsed || 1 << bpp;
    if (entries > 1 << bpp) throw new Error(`palette of ${entries} colours for ${bpp} bits per pixel`);
    const start = 14 + dibSize;
    need(start + entries * 4, "the palette");
    palette = bytes.subarray(start, start + entries * 4);
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  need(pixelOffset + stride * height, "the pixel rows");

  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const bit = x * bpp;
        const index = (bytes[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (index * 4 >= palette.length) throw new Error(`pixel (${x}, ${y}) names colour ${index} of a ${palette.length / 4}-colour palette`);
        rgb[o] = palette[index * 4 + 2];
        rgb[o + 1] = palette[index * 4 + 1];
        rgb[o + 2] = palette[index * 4];
      } else {
        const p = row + x * (bpp / 8);
        rgb[o] = bytes[p + 2];
        rgb[o + 1] = bytes[p + 1];
        rgb[o + 2] = bytes[p];
      }
    }
  }
  return { width, height, rgb };
}
