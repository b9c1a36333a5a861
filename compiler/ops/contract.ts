/**
 * @fileoverview The kernel-call contract of the op files: which kernel entries an op file calls
 * and the names of their array arguments, in the kernel's parameter order (`KernelContract`),
 * and `kernelCall`, which builds a KernelCall from arguments given by name.
 *
 * Each op file exports its contracts as `CONTRACTS` (collected by compiler/ops/index.ts into
 * `KERNEL_CONTRACTS`); test/ops/contracts.test.ts loads every kernel with the subset front end
 * and checks each contract's slots against the entry's array parameter names, and the record
 * type against the fields the lowering fills. So the argument order is written twice, in the
 * kernel signature and in the op file's slot list, and a test keeps the two equal.
 */
import type { KernelArg, KernelCall } from "../ir/calls.ts";

/** One kernel entry an op file calls: kernels/<kernel>.ts, function `fn`, array parameters `slots`. */
export interface KernelContract {
  kernel: string;
  fn: string;
  slots: readonly string[];
}

/**
 * A call of `kernel`.`fn` whose array arguments are `named` by the slot names `slots` (the
 * kernel's array parameters in order). An internal Error when a slot is missing or a name is
 * not a slot (TypeScript already rejects both when `named` is written as a literal).
 */
export function kernelCall<S extends readonly string[], P extends object>(
  kernel: string, fn: string, slots: S, params: P, named: Record<S[number], KernelArg>, macs: number,
): KernelCall {
  const given = named as Record<string, KernelArg>;
  for (const key of Object.keys(given)) {
    if (!slots.includes(key)) throw new Error(`internal: ${kernel}.${fn} has no argument slot '${key}' (slots: ${slots.join(", ")})`);
  }
  const args = slots.map((name) => {
    const arg = given[name];
    if (arg === undefined) throw new Error(`internal: ${kernel}.${fn} call is missing argument '${name}'`);
    return arg;
  });
  return { kernel, fn, params: { ...params } as Record<string, number>, args, slots, macs };
}

/** The array parameters of every kernel entry that reads one input and writes one output. */
export const INPUT_OUTPUT_SLOTS = ["input", "output"] as const;

/** The array parameters of every two-operand element-wise kernel entry (MUL, MAXIMUM, ...). */
export const BINARY_SLOTS = ["input1", "input2", "output"] as const;
