/**
 * @fileoverview In-place hooks shared by several op files (compiler/ir/hooks.ts): element-wise
 * ops that may write over a same-size dying input, and byte copies (RESHAPE, SQUEEZE) whose
 * output may simply be their input.
 */
import { argOf, tensorOf } from "../ir/calls.ts";
import type { InPlaceHook } from "../ir/hooks.ts";

/**
 * For kernels that write output[i] only after reading input element i (and nothing later):
 * the output goes over the first same-size input that dies here. The inputs are every array
 * argument but the output (`output` slot, else the last argument).
 */
export const elementwiseInPlace: InPlaceHook = (ctx) => {
  const output = ctx.op.outputs[0];
  if (!ctx.arenaTensor(output)) return;
  const args = ctx.call.args;
  const outArg = ctx.call.slots ? argOf(ctx.call, "output") : args[args.length - 1];
  const inputs = args.filter((a) => a !== outArg).flatMap((a) => (a.kind === "tensor" && ctx.arenaTensor(a.tensor) ? [a.tensor] : []));
  for (const x of inputs) {
    if (x === output || ctx.bytes(x) !== ctx.bytes(output) || !ctx.dies(x)) continue;
    // A broadcast operand in the same memory would be read at other indices after a write.
    if (inputs.some((y) => y !== x && ctx.sameMemory(y, x) && ctx.bytes(y) !== ctx.bytes(x))) continue;
    ctx.share(output, x, 0, `in place over t${x}`);
    return;
  }
};

/** A byte copy (kernels/reshape.ts): the output *is* the input, whether or not the input dies. */
export const aliasInPlace: InPlaceHook = (ctx) => {
  const input = tensorOf(ctx.call, "input");
  const output = tensorOf(ctx.call, "output");
  if (ctx.arenaTensor(input) && ctx.arenaTensor(output) && ctx.bytes(input) === ctx.bytes(output)) {
    ctx.share(output, input, 0, `output aliases input t${input} (no copy)`);
    ctx.dropCalls();
  }
};
