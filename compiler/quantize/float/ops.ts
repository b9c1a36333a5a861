/**
 * @fileoverview Float32 NHWC implementations of the TFLite ops a TF.js import produces, for the
 * float reference (eval.ts). Ordinary TypeScript, not the kernel subset: accumulation in double,
 * results stored as float32 (as tfjs stores every intermediate tensor).
 *
 * Conventions as TFLite / TF: SAME padding puts the extra row/column after (pad_before =
 * floor(total/2)); average pooling divides by the in-bounds count; binary ops broadcast numpy
 * style; FULLY_CONNECTED weights are [units, depth] and every leading dimension is a row.
 */

export type Act = string;

export function activate(v: number, act: Act): number {
  switch (act) {
    case "RELU": return v < 0 ? 0 : v;
    case "RELU6": return v < 0 ? 0 : v > 6 ? 6 : v;
    case "RELU_N1_TO_1": return v < -1 ? -1 : v > 1 ? 1 : v;
    case "TANH": return Math.tanh(v);
    default: return v;
  }
}

/** TF's padding before the first row for SAME (0 for VALID). */
export function padBefore(size: number, out: number, k: number, stride: number, dilation: number, padding: string): number {
  if (padding !== "SAME") return 0;
  const ek = (k - 1) * dilation + 1;
  return Math.max(Math.floor(((out - 1) * stride + ek - size) / 2), 0);
}

export interface ConvGeom {
  inShape: number[];
  outShape: number[];
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padding: string;
}

/** CONV_2D (filter [cout, kh, kw, cin]) or DEPTHWISE_CONV_2D (filter [1, kh, kw, cin·mult]). */
export function conv(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, g: ConvGeom, depthwise: boolean, act: Act): Float32Array {
  const [n, h, wd, cin] = g.inShape as [number, number, number, number];
  const [, oh, ow, cout] = g.outShape as [number, number, number, number];
  const pt = padBefore(h, oh, g.kh, g.strideH, g.dilH, g.padding);
  const pl = padBefore(wd, ow, g.kw, g.strideW, g.dilW, g.padding);
  const mult = depthwise ? cout / cin : 0;
  const out = new Float32Array(n * oh * ow * cout);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let oc = 0; oc < cout; oc++) {
          let acc = bias ? bias[oc]! : 0;
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * g.strideH - pt + ky * g.dilH;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = ox * g.strideW - pl + kx * g.dilW;
              if (ix < 0 || ix >= wd) continue;
              const base = ((b * h + iy) * wd + ix) * cin;
              if (depthwise) {
                acc += x[base + Math.floor(oc / mult)]! * w[(ky * g.kw + kx) * cout + oc]!;
              } else {
                const wb = ((oc * g.kh + ky) * g.kw + kx) * cin;
                for (let ic = 0; ic < cin; ic++) acc += x[base + ic]! * w[wb + ic]!;
              }
            }
          }
          out[((b * oh + oy) * ow + ox) * cout + oc] = activate(acc, act);
        }
      }
    }
  }
  return out;
}

export function fullyConnected(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, units: number, depth: number, act: Act): Float32Array {
  const rows = x.length / depth;
  const out = new Float32Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < units; u++) {
      let acc = bias ? bias[u]! : 0;
      for (let i = 0; i < depth; i++) acc += x[r * depth + i]! * w[u * depth + i]!;
      out[r * units + u] = activate(acc, act);
    }
  }
  return out;
}

export function pool(x: Float32Array, g: ConvGeom, max: boolean, act: Act): Float32Array {
  const [n, h, wd, c] = g.inShape as [number, number, number, number];
  const [, oh, ow] = g.outShape as [number, number, number];
  const pt = padBefore(h, oh, g.kh, g.strideH, 1, g.padding);
  const pl = padBefore(wd, ow, g.kw, g.strideW, 1, g.padding);
  const out = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let acc = max ? -Infinity : 0;
          let count = 0;
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * g.strideH - pt + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = ox * g.strideW - pl + kx;
              if (ix < 0 || ix >= wd) continue;
              const v = x[((b * h + iy) * wd + ix) * c + ch]!;
              acc = max ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          out[((b * oh + oy) * ow + ox) * c + ch] = activate(max ? acc : acc / count, act);
        }
      }
    }
  }
  return out;
}

function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Visits every index of `shape` in row-major order with its flat position. */
function forEachIndex(shape: number[], f: (idx: number[], flat: number) => void): void {
  const total = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < total; flat++) {
    f(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Flat offset into a tensor of `shape` broadcast to `outShape` (right-aligned, size-1 dims repeat). */
function broadcastOffset(idx: number[], outShape: number[], shape: number[], st: number[]): number {
  let off = 0;
  const lead = outShape.length - shape.length;
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) off += idx[lead + d]! * st[d]!;
  return off;
}

export function binary(a: Float32Array, as: number[], b: Float32Array, bs: number[], outShape: number[], f: (x: number, y: number) => number, act: Act): Float32Array {
  const out = new Float32Array(outShape.reduce((x, y) => x * y, 1));
  const sa = strides(as);
  const sb = strides(bs);
  forEachIndex(outShape, (idx, flat) => {
    out[flat] = activate(f(a[broadcastOffset(idx, outShape, as, sa)]!, b[broadcastOffset(idx, outShape, bs, sb)]!), act);
  });
  return out;
}

export function pad(x: Float32Array, inShape: number[], pads: number[], outShape: number[], value: number): Float32Array {
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1)).fill(value);
  const so = strides(outShape);
  forEachIndex(inShape, (idx, flat) => {
    let off = 0;
    for (let d = 0; d < idx.length; d++) off += (idx[d]! + pads[2 * d]!) * so[d]!;
    out[off] = x[flat]!;
  });
  return out;
}

export function mean(x: Float32Array, inShape: number[], axes: number[]): Float32Array {
  const reduced = inShape.map((d, i) => (axes.includes(i) ? 1 : d));
  const sums = new Float64Array(reduced.reduce((a, b) => a * b, 1));
  const sr = strides(reduced);
  forEachIndex(inShape, (idx, flat) => {
    let off = 0;
    for (let d = 0; d < idx.length; d++) if (!axes.includes(d)) off += idx[d]! * sr[d]!;
    sums[off] += x[flat]!;
  });
  const count = inShape.reduce((a, d, i) => (axes.includes(i) ? a * d : a), 1);
  return Float32Array.from(sums, (s) => s / count);
}

export function softmax(x: Float32Array, depth: number, beta: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length; r += depth) {
    let m = -Infinity;
    for (let i = 0; i < depth; i++) m = Math.max(m, x[r + i]!);
    let sum = 0;
    for (let i = 0; i < depth; i++) sum += Math.exp((x[r + i]! - m) * beta);
    for (let i = 0; i < depth; i++) out[r + i] = Math.exp((x[r + i]! - m) * beta) / sum;
  }
  return out;
}

export function concat(xs: Float32Array[], shapes: number[][], axis: number, outShape: number[]): Float32Array {
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  const outer = outShape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = outShape.slice(axis + 1).reduce((a, b) => a * b, 1);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < xs.length; k++) {
      const chunk = shapes[k]![axis]! * inner;
      out.set(xs[k]!.subarray(o * chunk, (o + 1) * chunk), at);
      at += chunk;
    }
  }
  return out;
}
