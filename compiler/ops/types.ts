/**
 * @fileoverview The op lowering's own types: the signature of one op's lowering (LowerOp) and
 * its options. What a lowering produces, the KernelCall every backend consumes, is a hand-off
 * type of the bottom layer (compiler/ir/calls.ts), re-exported here for the op files.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { KernelCall } from "../ir/calls.ts";
import type { KernelContract } from "./contract.ts";

export type { KernelArg, KernelCall } from "../ir/calls.ts";
export type { KernelContract } from "./contract.ts";

/** How to lower (lowerGraph's options; an op lowering may ignore them). */
export interface LowerOptions {
  /**
   * Test infrastructure: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED call their plain TFLM-shaped
   * kernels (`conv2dReference`, ... in kernels/) with the model's bias (BIAS_NONE/BIAS_MODEL, no folding)
   * instead of the fast entries, on every target. test/kernels/reference.test.ts checks the fast
   * kernels against them.
   */
  reference?: boolean;
  /**
   * Op indices whose DSP kernel (conv_2d_dsp, fully_connected_dsp) takes int16-pre-extended
   * weights instead of int8 (compiler/build/weights.ts chooses them under the flash budget).
   */
  int16Weights?: ReadonlySet<number>;
  /**
   * A user's kernels and lowerings (`--kernels DIR`, compiler/ops/user-kernels.ts): their
   * OPCODES come before Mote's own (a CUSTOM op, or an override of a builtin). Passed through
   * options, never registered globally.
   */
  kernels?: UserKernels;
}

/** A loaded `--kernels DIR` (compiler/ops/user-kernels.ts `loadUserKernels`). */
export interface UserKernels {
  /** The folder, absolute. */
  dir: string;
  /** The folder and a hash of its files' contents (build caches key on it). */
  key: string;
  /** Opcode ("CONV_2D", "CUSTOM:<code>") -> the user's lowering (its calls name user kernels by absolute stem). */
  lowerings: Readonly<Record<string, LowerOp>>;
  /** Opcode -> the lowering file that defines it. */
  sources: Readonly<Record<string, string>>;
  /** The user's CONTRACTS, kernels by absolute stem. */
  contracts: readonly KernelContract[];
  notes: Readonly<Record<string, string>>;
  /** `<absolute stem>.<fn>` -> interpreter kernel id (after Mote's own, compiler/build/interpreter/registry.ts). */
  ids: ReadonlyMap<string, number>;
  /** Absolute stem -> the kernel file's exports as TypeScript (the ts target runs them). */
  modules: ReadonlyMap<string, Record<string, unknown>>;
  /** Opcode -> the lowering file's EXAMPLES maker (compiler/ops/api.ts ExampleMaker), for `mote test-kernel`. */
  examples: Readonly<Record<string, unknown>>;
}

/** Lowers one op to the kernel calls that execute it (RESHAPE may lower to a copy). */
export type LowerOp = (graph: Graph, op: Op, opts?: LowerOptions) => KernelCall[];
