/**
 * @fileoverview The lowering of the custom op "ClipScale" (samples/custom-op): ordinary TypeScript
 * on Mote's lowering API (compiler/ops/api.ts). Custom options: three little-endian int32 words,
 * lo and hi (the clip bounds in the input's quantized domain) and a gain in thousandths; the
 * output is input scale * gain / 1000 / output scale times the clipped input, requantized with
 * TFLite's QuantizeMultiplier at compile time.
 */
import {
  customInt32s, int32OptionBytes, kernelCall, opError, quantizeMultiplier, tensorQuant, unaryOperands,
  type ExampleMaker, type Graph, type KernelCall, type KernelContract, type LowerOp, type Op,
} from "../../../compiler/ops/api.ts";
import type { ClipScaleParams } from "./clip_scale.ts";

export const CLIP_SCALE_SLOTS = ["input", "output"] as const;

export function lowerClipScale(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8"], ["int8"]);
  const [lo, hi, gainMilli] = customInt32s(graph, op, 3);
  if (lo > hi || lo < -128 || hi > 127) opError(graph, op, `clip bounds ${lo}..${hi} are not within -128..127`);
  if (gainMilli <= 0) opError(graph, op, `gain ${gainMilli}/1000 is not positive`);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const q = quantizeMultiplier((inQ.scale * gainMilli) / 1000 / outQ.scale);
  if (q.shift > 31) opError(graph, op, `the rescale factor is too large (shift ${q.shift} > 31)`);
  const params: ClipScaleParams = {
    size, lo, hi, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint, multiplier: q.multiplier, shift: q.shift,
  };
  return [kernelCall("clip_scale", "clipScale", CLIP_SCALE_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const OPCODES: Record<string, LowerOp> = { "CUSTOM:ClipScale": lowerClipScale };

export const CONTRACTS: KernelContract[] = [{ kernel: "clip_scale", fn: "clipScale", slots: CLIP_SCALE_SLOTS }];

export const NOTES: Record<string, string> = {
  "CUSTOM:ClipScale": "int8: clip to [lo, hi] (input domain), then rescale by gain/1000 into the output's quantization.",
};

/** Random ClipScale ops for `mote test-kernel`. */
export const EXAMPLES: Record<string, ExampleMaker> = {
  "CUSTOM:ClipScale": (r) => {
    const shape = r.shape(r.int(1, 4), 9);
    const lo = r.int(-128, 127);
    const hi = r.int(lo, 127);
    return {
      inputs: [{ shape, scale: r.scale(0.005, 0.2), zeroPoint: r.int(-128, 127) }],
      outputs: [{ shape, scale: r.scale(0.005, 0.2), zeroPoint: r.int(-128, 127) }],
      customOptions: int32OptionBytes([lo, hi, r.int(1, 4000)]),
    };
  },
};
