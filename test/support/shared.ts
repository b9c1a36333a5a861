/**
 * @fileoverview What tests need from outside the repository, decided in one place: the shared
 * reference data (`$MOTE_SHARED`, or ../shared beside the repo) and the external tools (host
 * gcc, the Arm GNU toolchain, QEMU, Chromium). Every test that needs one of them states it here,
 * once per need, at collect time (module top level, or a describe body that is not skipped):
 *
 *   const kws = needModels("kws_ref_model");   // or needShared("golden-ops", "anchors.json")
 *   const qemu = needTarget("qemu");   // or needTools("gcc"), needTools("chromium")
 *   describe.skipIf(kws.skip || qemu.skip)("...", () => {
 *     const graph = kws.ok ? loadModel(sharedFile("models", "kws_ref_model.tflite")) : undefined;
 *     ...
 *   });
 *
 * The rule:
 *  - without CI, something missing is a visible skip: a warning naming it and how to provide it;
 *  - with CI set (any value but "", "0", "false", "no", "off"), it is a failure: the need
 *    registers a failing test in the calling file whose message names exactly what is missing
 *    and how to provide it ("CI=true but ../shared/golden is absent (set MOTE_SHARED=...)"), and
 *    `skip` is still true so the suites that need it never read an absent file.
 * vitest runs the body of a skipped describe to collect its tests, so anything read at collect
 * time must be guarded by `need.ok`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "vitest";
import type { Target } from "../../compiler/run/targets.ts";
import { TOOL_PACKAGES, findTool, type ToolName } from "../../compiler/toolchain/tools.ts";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SHARED_ENV = process.env.MOTE_SHARED || undefined;
/** The shared data directory: `$MOTE_SHARED`, or ../shared beside the repo. */
export const SHARED = SHARED_ENV ?? path.resolve(REPO, "../shared");

/** True when the CI environment variable is set to anything truthy (CI systems set CI=true). */
export const IN_CI = ((v) => v !== undefined && v !== "" && !/^(0|false|no|off)$/i.test(v))(process.env.CI);

/** The five reference models in `models/` and `golden/`. */
export const MODEL_NAMES = ["ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_int8"] as const;

/** Headless Chromium, Debian's package (the bench HTML report test drives it with playwright-core). */
export const CHROMIUM = "/usr/bin/chromium";

/** The outcome of one need. */
export interface Need {
  /** Everything needed is there. */
  readonly ok: boolean;
  /** For describe.skipIf / it.skipIf: true whenever something is missing (under CI a failing test says so). */
  readonly skip: boolean;
  /** What is missing, as shown in the messages; empty when ok. */
  readonly missing: readonly string[];
}

const reported = new Set<string>();

function needOf(missing: string[], what: string, how: string): Need {
  if (missing.length === 0) return { ok: true, skip: false, missing };
  const message = `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} ${what} (${how})`;
  if (!reported.has(message)) {
    reported.add(message);
    if (IN_CI) {
      test(`needs ${missing.join(", ")}`, () => {
        throw new Error(`CI=${process.env.CI} but ${message}`);
      });
    } else {
      console.warn(`[mote tests] skipped: ${message}`);
    }
  }
  return { ok: false, skip: true, missing };
}

/** `$MOTE_SHARED/<parts>` (or ../shared/<parts>). */
export function sharedFile(...parts: string[]): string {
  return path.join(SHARED, ...parts);
}

/** How a shared path reads in a message: ../shared/x (the default) or the absolute path under $MOTE_SHARED. */
function shownShared(rel: string): string {
  return SHARED_ENV ? path.join(SHARED, rel) : path.join(path.relative(REPO, SHARED), rel);
}

/**
 * Needs these paths (files or directories, relative to the shared directory, e.g.
 * "golden/kws_ref_model", "models/ad01_int8.tflite", "golden-ops").
 */
export function needShared(...rels: string[]): Need {
  // Without the directory itself, say that once rather than list every path under it.
  const missing = !fs.existsSync(SHARED) ? [`the shared data directory ${shownShared("")}`] : rels.filter((rel) => !fs.existsSync(sharedFile(rel))).map(shownShared);
  const how = SHARED_ENV
    ? `MOTE_SHARED=${SHARED_ENV}; set MOTE_SHARED=/path/to/shared`
    : "set MOTE_SHARED=/path/to/shared, or put the shared data at ../shared beside the repo";
  return needOf(missing, "absent", how);
}

/** Needs reference models (models/<name>.tflite) and their golden inputs and outputs (golden/<name>). */
export function needModels(...names: string[]): Need {
  return needShared(...names.flatMap((name) => [`models/${name}.tflite`, `golden/${name}`]));
}

export type Tool = ToolName | "chromium";

function installed(tool: Tool): boolean {
  if (tool === "chromium") return fs.existsSync(CHROMIUM);
  try {
    findTool(tool);
    return true;
  } catch {
    return false;
  }
}

/** Needs these programs: on PATH (the toolchain), or at CHROMIUM. */
export function needTools(...tools: Tool[]): Need {
  const missing = tools.filter((t) => !installed(t));
  const packages = [...new Set(missing.map((t) => (t === "chromium" ? "chromium" : TOOL_PACKAGES[t])))];
  return needOf(missing, "not installed", `apt-get install ${packages.join(" ")}, or run scripts/setup.sh`);
}

/** The tools each run target (compiler/run/targets.ts) drives. */
export const TARGET_TOOLS: Record<Target, ToolName[]> = {
  ts: [],
  wasm: [],
  host: ["gcc"],
  qemu: ["arm-none-eabi-gcc", "arm-none-eabi-readelf", "qemu-system-arm"],
};

/** Needs the tools of a run target (nothing for ts and wasm). */
export function needTarget(target: Target): Need {
  return needTools(...TARGET_TOOLS[target]);
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(file));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}
