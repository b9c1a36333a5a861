/**
 * @fileoverview compiler/inputs on the shared photos: the preprocessed astronaut/coffee (96×96,
 * vww_96_int8) and chelsea/coffee (32×32, pretrainedResnet_quant) equal golden input_8/input_9
 * byte for byte; run from those bytes on ts and wasm, the models give golden output_8/output_9 and
 * the labels the goldens' READMEs state; JPEG and BMP decode; the resize on small hand-made images;
 * malformed image files are MOTE6101 (QEMU: image.full.test.ts).
 */
import * as fs from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { decodeImage, readImage } from "../../compiler/inputs/image.ts";
import { centreCrop, imageInput, inferPixelRange, resizeArea } from "../../compiler/inputs/preprocess.ts";
import { dequantize, quantizeValue, topK } from "../../compiler/inputs/quant.ts";
import { runModel } from "../../compiler/run/targets.ts";
import type { Graph, Tensor } from "../../compiler/ir/graph.ts";
import { moteError } from "../import/mote-error.ts";
import { needModels, needShared, needTarget, sharedFile } from "../support/shared.ts";

/** (model, golden input index, image) as the goldens' READMEs list them. */
const PHOTO_GOLDENS = [
  { model: "vww_96_int8", k: 8, image: "astronaut.png" },
  { model: "vww_96_int8", k: 9, image: "coffee.png" },
  { model: "pretrainedResnet_quant", k: 8, image: "chelsea.png" },
  { model: "pretrainedResnet_quant", k: 9, image: "coffee.png" },
] as const;

const images = needShared("data/images");
const models = needModels("vww_96_int8", "pretrainedResnet_quant");
const wasm = needTarget("wasm");

function golden(model: string, name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(sharedFile("golden", model, name)));
}

const graphs = new Map<string, ReturnType<typeof loadModel>>();
function graph(model: string): ReturnType<typeof loadModel> {
  if (!graphs.has(model)) graphs.set(model, loadModel(sharedFile("models", `${model}.tflite`)));
  return graphs.get(model)!;
}

describe.skipIf(images.skip || models.skip)("photos → golden input_8 / input_9", () => {
  for (const { model, k, image } of PHOTO_GOLDENS) {
    it(`${image} → ${model} input_${k}, byte for byte`, () => {
      const r = imageInput(graph(model), sharedFile("data", "images", image));
      expect(Buffer.compare(Buffer.from(r.bytes), Buffer.from(golden(model, `input_${k}.bin`)))).toBe(0);
    });
  }

  it("infers each model's pixel range from its input quantization", () => {
    const input = (m: string): Tensor => graph(m).tensors[graph(m).inputs[0]];
    expect(inferPixelRange(input("vww_96_int8"))).toBe("0..1");
    expect(inferPixelRange(input("pretrainedResnet_quant"))).toBe("0..255");
  });

  for (const target of ["ts", "wasm"] as const) {
    it.skipIf(target === "wasm" && wasm.skip)(`outputs on those inputs equal golden output_8 / output_9, with the READMEs' labels (${target})`, async () => {
      const top: Record<string, number> = {};
      for (const { model, k, image } of PHOTO_GOLDENS) {
        const g = graph(model);
        const r = await runModel(g, [imageInput(g, sharedFile("data", "images", image)).bytes], target);
        expect(Array.from(r.outputs[0]), `${model} ${image}`).toEqual(Array.from(golden(model, `output_${k}.bin`)));
        top[`${model} ${image}`] = topK(dequantize(g.tensors[g.outputs[0]], r.outputs[0]), 1)[0];
      }
      // vww: class 1 = person; CIFAR-10: class 3 = cat.
      expect(top).toEqual({ "vww_96_int8 astronaut.png": 1, "vww_96_int8 coffee.png": 0, "pretrainedResnet_quant chelsea.png": 3, "pretrainedResnet_quant coffee.png": 1 });
    }, 300_000);
  }

  it("chelsea → no person (vww, ts)", async () => {
    const g = graph("vww_96_int8");
    const r = await runModel(g, [imageInput(g, sharedFile("data", "images", "chelsea.png")).bytes], "ts");
    expect(topK(dequantize(g.tensors[g.outputs[0]], r.outputs[0]), 1)[0]).toBe(0);
  }, 120_000);
});

describe.skipIf(images.skip)("decoding the shared images", () => {
  it("decodes rocket.jpg (JPEG) to 640×427 RGB", () => {
    const img = readImage(sharedFile("data", "images", "rocket.jpg"));
    expect([img.width, img.height, img.rgb.length]).toEqual([640, 427, 640 * 427 * 3]);
    // A launch against the sky: not one flat colour.
    expect(new Set(img.rgb).size).toBeGreaterThan(100);
  });

  it("decodes the 8-bit palette BMPs (grayscale) to R = G = B", () => {
    for (const f of ["person.bmp", "no_person.bmp"]) {
      const img = readImage(sharedFile("data", "images", f));
      expect([img.width, img.height]).toEqual([96, 96]);
      let unequal = 0;
      for (let i = 0; i < img.rgb.length; i += 3) if (img.rgb[i] !== img.rgb[i + 1] || img.rgb[i] !== img.rgb[i + 2]) unequal++;
      expect(unequal, f).toBe(0);
    }
  });

  it("decodes an RGBA PNG (horse.png), dropping alpha", () => {
    const img = readImage(sharedFile("data", "images", "horse.png"));
    expect([img.width, img.height, img.rgb.length]).toEqual([400, 328, 400 * 328 * 3]);
  });
});

/** A PNG of the given RGBA pixels (pngjs encodes it). */
function png(width: number, height: number, rgba: number[], opts: { colorType?: 0 | 2 | 4 | 6 } = {}): Uint8Array {
  const p = new PNG({ width, height });
  p.data.set(rgba);
  return new Uint8Array(PNG.sync.write(p, { colorType: opts.colorType ?? 6 }));
}

/** A bottom-up 24-bit BMP. */
function bmp24(width: number, height: number, rgb: number[]): Uint8Array {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const out = new Uint8Array(54 + stride * height);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = 54 + (height - 1 - y) * stride + x * 3;
      out[d] = rgb[s + 2];
      out[d + 1] = rgb[s + 1];
      out[d + 2] = rgb[s];
    }
  }
  return out;
}

describe("preprocessing on hand-made images", () => {
  it("crops to the centre (offset rounded down) and averages whole covered pixels, rounding down", () => {
    // 5×2 → crop 2×2 at x = 1; values by x.
    const rgb = new Uint8Array(5 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 5; x++) rgb.fill(10 * x + y, (y * 5 + x) * 3, (y * 5 + x + 1) * 3);
    const c = centreCrop({ width: 5, height: 2, rgb }, 1, 1);
    expect([c.width, c.height, c.rgb[0], c.rgb[3]]).toEqual([2, 2, 10, 20]);
    // 3 source pixels → 2: pixel 0 covers 0 (3*0/2 = 0 .. floor(1.5) = 1), pixel 1 covers 1..2.
    const row = { width: 3, height: 1, rgb: new Uint8Array([1, 1, 1, 4, 4, 4, 7, 7, 7]) };
    expect(Array.from(resizeArea(row, 2, 1).rgb)).toEqual([1, 1, 1, 5, 5, 5]);
    // (1 + 2) / 2 = 1.5 → 1.
    expect(Array.from(resizeArea({ width: 2, height: 1, rgb: new Uint8Array([1, 1, 1, 2, 2, 2]) }, 1, 1).rgb)).toEqual([1, 1, 1]);
    // Upscaling takes the pixel under each output pixel.
    expect(Array.from(resizeArea({ width: 1, height: 1, rgb: new Uint8Array([9, 8, 7]) }, 2, 1).rgb)).toEqual([9, 8, 7, 9, 8, 7]);
  });

  it("decodes grayscale, RGBA and 24-bit BMP the same", () => {
    const px = [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 64, 64, 64, 255];
    const gray = decodeImage(png(2, 2, px, { colorType: 0 }), "gray.png");
    const rgba = decodeImage(png(2, 2, px.map((v, i) => (i % 4 === 3 ? 7 : v))), "rgba.png");
    const b = decodeImage(bmp24(2, 2, [0, 0, 0, 128, 128, 128, 255, 255, 255, 64, 64, 64]), "x.bmp");
    expect(Array.from(gray.rgb)).toEqual(Array.from(rgba.rgb));
    expect(Array.from(b.rgb)).toEqual(Array.from(gray.rgb));
  });

  it("quantizes with rounding half away from zero and saturation", () => {
    const t: Tensor = { index: 0, name: "in", dtype: "int8", shape: [1], isVariable: false, quant: { scale: [0.5], zeroPoint: [-1], quantizedDimension: 0 } };
    expect([0.25, -0.25, 0.75, 1000, -1000].map((x) => quantizeValue(t, x))).toEqual([0, -2, 1, 127, -128]);
  });
});

/** A one-input graph whose input has this shape, dtype and quantization (imageInput reads no more). */
function inputGraph(shape: number[], dtype: Tensor["dtype"], scale?: number, zeroPoint?: number): Graph {
  const quant = scale === undefined ? undefined : { scale: [scale], zeroPoint: [zeroPoint!], quantizedDimension: 0 };
  return { name: "t", tensors: [{ index: 0, name: "in", dtype, shape, isVariable: false, quant }], ops: [], inputs: [0], outputs: [0] };
}

describe("image inputs of other shapes and quantizations", () => {
  const img = { width: 2, height: 1, rgb: new Uint8Array([255, 0, 0, 10, 20, 30]) };
  it("a 1-channel input takes the BT.601 luma; uint8 and -1..1 inputs quantize with their parameters", () => {
    expect(Array.from(imageInput(inputGraph([1, 1, 2, 1], "int8", 1 / 255, -128), img).bytes)).toEqual([76 - 128, 18 - 128].map((v) => v & 0xff));
    const u8 = imageInput(inputGraph([1, 1, 2, 3], "uint8", 1 / 255, 0), img);
    expect([u8.pixelRange, ...u8.bytes]).toEqual(["0..1", 255, 0, 0, 10, 20, 30]);
    const sym = imageInput(inputGraph([1, 1, 2, 3], "int8", 1 / 128, 0), img);
    expect([sym.pixelRange, ...Array.from(new Int8Array(sym.bytes.buffer))]).toEqual(["-1..1", 127, -128, -128, -118, -108, -98]);
  });

  it("inputs that cannot take an image are MOTE6104, an unknown pixel range MOTE6105", () => {
    expect(moteError(() => imageInput(inputGraph([1, 4], "int8", 1, 0), img), [6104]).message).toContain("shape [1, 4]");
    moteError(() => imageInput(inputGraph([1, 2, 2, 3], "float32"), img), [6104]);
    moteError(() => imageInput(inputGraph([1, 2, 2, 3], "int8"), img), [6104]);
    moteError(() => imageInput(inputGraph([1, 2, 2, 4], "int8", 1, 0), img), [6104]);
    const e = moteError(() => imageInput(inputGraph([1, 2, 2, 3], "int8", 0.1, 0), img), [6105]);
    expect(e.message).toBe("cannot tell which pixel range model input 0 (in) expects: scale 0.1 and zero point 0 cover -12.80..12.70");
    // Given explicitly, it is used.
    expect(imageInput(inputGraph([1, 1, 1, 3], "int8", 0.1, 0), img, { pixelRange: "-1..1" }).bytes[0]).toBe(10);
  });
});

describe("malformed image files are MOTE6101", () => {
  const good = png(2, 2, new Array(16).fill(200));
  const cases: [string, Uint8Array][] = [
    ["empty.png", new Uint8Array(0)],
    ["text.png", new TextEncoder().encode("not an image at all")],
    ["truncated.png", good.subarray(0, 40)],
    ["bad-crc.png", Uint8Array.from(good, (b, i) => (i === 30 ? b ^ 0xff : b))],
    ["truncated.jpg", new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46])],
    ["garbage.jpg", Uint8Array.from({ length: 300 }, (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i] : (i * 37) & 0xff))],
    ["truncated.bmp", bmp24(4, 4, new Array(48).fill(1)).subarray(0, 70)],
    ["huge.png", Uint8Array.from(good, (b, i) => (i >= 16 && i < 24 ? [0, 1, 0, 0, 0, 1, 0, 0][i - 16] : b))],
    ["rle.bmp", Uint8Array.from(bmp24(2, 2, new Array(12).fill(1)), (b, i) => (i === 30 ? 1 : b))],
  ];
  for (const [name, bytes] of cases) {
    it(name, () => {
      const e = moteError(() => decodeImage(bytes, name), [6101]);
      expect(e.message).toContain(name);
      expect(e.oneLine()).not.toContain("\n");
    });
  }
  it("a missing file is MOTE6106", () => {
    moteError(() => readImage("/nonexistent/photo.png"), [6106]);
  });
});
