/**
 * @fileoverview The four configurations of the benchmark's ablation, in order. Each one changes
 * exactly one thing from the one before (`changes` says what), all built from the same
 * TypeScript sources:
 *  1. interpreter: runtime/interpreter.ts reads a model image and dispatches to generic kernels;
 *  2. codegen: a straight line of calls in mote_invoke() instead of the interpreter loop, still
 *     the generic kernels with their records as constants (--specialize off);
 *  3. codegen+plan: the memory scheduler (the default plan, in-place execution) instead of the
 *     naive plan;
 *  4. codegen+plan+specialize: kernels specialized per layer (the full Mote, all defaults).
 * The first two use the naive plan so that step 3 is the only one that changes the arena.
 */
import { fail } from "../diagnostics.ts";
import type { RunOptions } from "../run/targets.ts";

export interface BenchConfig {
  name: string;
  /** What this configuration changes from the previous one (for the table's legend). */
  changes: string;
  options: RunOptions;
}

export const CONFIGS: readonly BenchConfig[] = [
  {
    name: "interpreter",
    changes: "baseline: generic runtime (--mode interpreter) reading a model image at run time, naive plan",
    // specialize: false says what the interpreter's kernels are (generic); the mode ignores it.
    options: { mode: "interpreter", plan: "naive", specialize: false },
  },
  {
    name: "codegen",
    changes: "straight-line mote_invoke() instead of the interpreter (generic kernels, --specialize off, naive plan)",
    options: { mode: "codegen", plan: "naive", specialize: false },
  },
  {
    name: "codegen+plan",
    changes: "the memory scheduler (the default plan, with in-place execution and fusion) instead of the naive plan",
    options: { mode: "codegen", specialize: false },
  },
  {
    name: "codegen+plan+specialize",
    changes: "kernels specialized for each layer (the default: the full Mote)",
    options: { mode: "codegen", specialize: true },
  },
];

/** The anchors' configurations (../shared/anchors.json), TFLite Micro measured the same way. */
export const ANCHOR_CONFIGS = [
  { name: "tflm_reference", changes: "TFLite Micro, reference kernels (anchors.json)" },
  { name: "tflm_cmsis_nn", changes: "TFLite Micro with Arm's CMSIS-NN kernels (anchors.json): the bar to beat" },
] as const;

export const CONFIG_NAMES = [...CONFIGS.map((c) => c.name), ...ANCHOR_CONFIGS.map((c) => c.name)];

/** The configurations named `names` (CONFIGS order kept); MOTE6004 on an unknown name. */
export function selectConfigs(names: readonly string[]): BenchConfig[] {
  for (const n of names) {
    if (!CONFIGS.some((c) => c.name === n)) fail(6004, n, CONFIGS.map((c) => c.name).join(", "));
  }
  return CONFIGS.filter((c) => names.includes(c.name));
}

/**
 * One configuration from the ablation switches (`mote bench --mode/--plan/--specialize`), named
 * after them, e.g. "codegen --plan greedy --specialize off". Unset switches take the defaults.
 */
export function customConfig(s: { mode?: "codegen" | "interpreter"; plan?: string; specialize?: boolean }): BenchConfig {
  const mode = s.mode ?? "codegen";
  const parts: string[] = [mode];
  if (s.plan !== undefined) parts.push(`--plan ${s.plan}`);
  if (mode === "codegen" && s.specialize !== undefined) parts.push(`--specialize ${s.specialize ? "on" : "off"}`);
  return {
    name: parts.join(" "),
    changes: `custom configuration from the command line (${parts.join(" ")}; other switches at their defaults)`,
    options: { mode, ...(s.plan !== undefined ? { plan: s.plan } : {}), ...(mode === "codegen" ? { specialize: s.specialize ?? true } : {}) },
  };
}
