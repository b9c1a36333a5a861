/**
 * @fileoverview The build layer's contract: the options of a build (mode, plan, specialization,
 * in-place) and what every mode returns (BuildResult: the ModelProgram plus the plan and the
 * figures reports need).
 */
import type { LoweredOp } from "../ir/calls.ts";
import type { ModelProgram } from "../ir/program.ts";
import { ALIGN, DEFAULT_PLAN, PLANNERS, type Buffer, type Placement } from "../plan/planner.ts";
import { fail } from "../diagnostics.ts";
import type { WeightPlan } from "./weights.ts";
import type { UserKernels } from "../ops/types.ts";

export const MODES = ["codegen", "interpreter"] as const;
export type Mode = (typeof MODES)[number];

export interface BuildOptions {
  /** Memory planner name (compiler/plan/planner.ts PLANNERS). */
  plan?: string;
  /**
   * codegen (default): specialized straight-line code; interpreter: a model image read at run
   * time by runtime/interpreter.ts and generic kernels (compiler/build/interpreter/).
   */
  mode?: Mode;
  /**
   * Codegen mode only. true (default): one specialized function per (kernel, record); false:
   * the same straight line calling the generic kernels with constant records (compiler/build/generic.ts).
   */
  specialize?: boolean;
  /**
   * Codegen mode only: in-place execution and fusion (compiler/plan/inplace.ts). Default: on,
   * except with the naive plan (the no-reuse baseline) and with `reference`.
   */
  inPlace?: boolean;
  /**
   * Test infrastructure (compiler/ops/types.ts LowerOptions): lower CONV_2D, DEPTHWISE_CONV_2D and
   * FULLY_CONNECTED to their plain reference kernels. Implies no in-place execution or fusion:
   * the reference kernels have no such variants.
   */
  reference?: boolean;
  /**
   * Run the KIR verifier (compiler/ir/verify.ts) after every pass: on the lowered kernels, on
   * each specialized function before and after folding, and on the final program. Default:
   * see compiler/build/index.ts `verifying()`. Verification never changes the program.
   */
  verify?: boolean;
  /**
   * Codegen mode: the flash (bytes) the per-layer choice of int8 or int16 weights may fill
   * (compiler/build/weights.ts). Default: an estimate of TFLM+CMSIS-NN's flash for the model.
   */
  flashBudget?: number;
  /** The board's flash (bytes of its largest flash range): caps the budget. */
  flashLimit?: number;
  /**
   * A user's kernels and lowerings (`--kernels DIR`, compiler/ops/user-kernels.ts), lowered,
   * specialized and dispatched like Mote's own.
   */
  kernels?: UserKernels;
}

export interface BuildResult {
  program: ModelProgram;
  lowered: LoweredOp[];
  buffers: Buffer[];
  placement: Placement;
  /**
   * The layer-wise lower bound of plain planning: the most bytes live at one step when every
   * tensor has its own buffer (in the chosen op order). In-place execution can go below it.
   */
  lowerBoundBytes: number;
  /** The most bytes live at one step of the buffers actually planned (groups when in place). */
  plannedBoundBytes?: number;
  /** In-place and fusion decisions (compiler/plan/inplace.ts), one line each; empty if off. */
  inPlaceNotes?: string[];
  macs: number;
  /** Codegen: the weight format of each DSP layer and the flash budget behind it. */
  weights?: WeightPlan;
}

/** Places `buffers` with the planner named `plan` (default DEFAULT_PLAN); a user error for an unknown name. */
export function planArena(buffers: Buffer[], plan: string | undefined): Placement {
  const planner = PLANNERS[plan ?? DEFAULT_PLAN];
  if (!planner) fail(6003, plan, Object.keys(PLANNERS).join(", "));
  return planner(buffers, ALIGN);
}
