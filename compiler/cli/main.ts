/**
 * @fileoverview The `mote` command line: parses arguments (commander) and dispatches to one
 * module per command in compiler/cli/. Exit status: 0 success, 1 user error (a MoteError, printed
 * as one line), 2 internal error (a bug: printed with its stack).
 */
import { Command, Option } from "commander";
import { MoteError } from "../diagnostics.ts";
import { MOTE_VERSION } from "../paths.ts";
import { TARGETS } from "../run/targets.ts";
import { listBoards, DEFAULT_BOARD } from "../toolchain/boards.ts";
import { DEFAULT_PLAN, PLANNERS } from "../plan/planner.ts";
import { MODES } from "../build/index.ts";
import { checkCommand } from "./check.ts";
import { compileCommand } from "./compile.ts";
import { runCommand } from "./run.ts";
import { profileCommand } from "./profile.ts";
import { benchCommand } from "./bench.ts";
import { CONFIGS } from "../bench/configs.ts";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command();
program
  .name("mote")
  .description("Compile int8 TFLite models to static-memory C for Cortex-M7, and run them on QEMU, the host or as WASM.")
  .version(MOTE_VERSION)
  .showHelpAfterError("(run with --help for usage)");

const planOption = () =>
  new Option("--plan <name>", "memory planner").choices(Object.keys(PLANNERS)).default(DEFAULT_PLAN);
const modeOption = () =>
  new Option("--mode <mode>", "codegen: specialized straight-line code; interpreter: generic kernels reading a model image at run time (the TFLM-like baseline)")
    .choices([...MODES]).default("codegen");
const specializeOption = () =>
  new Option("--specialize <on|off>", "codegen mode: kernels specialized per layer (on) or the generic kernels with constant records (off)")
    .choices(["on", "off"]).default("on");

program
  .command("compile")
  .description("compile MODEL to a C library (model.h, model.c), firmware for a board and a report")
  .argument("<model>", "int8 .tflite model")
  .option("--out <dir>", "output directory", "out")
  .addOption(new Option("--board <name>", "target board").choices(listBoards()).default(DEFAULT_BOARD))
  .addOption(planOption())
  .addOption(modeOption())
  .addOption(specializeOption())
  .option("--no-firmware", "only write the C library and the report (no arm-none-eabi-gcc needed)")
  .action(async (model: string, opts) => compileCommand(model, opts));

program
  .command("run")
  .description("run one inference of MODEL and write the output tensor(s)")
  .argument("<model>", "int8 .tflite model")
  .requiredOption("--input <file>", "raw input tensor bytes (once per model input, in order)", collect, [])
  .requiredOption("--output <file>", "where to write output tensor bytes (once per model output, in order)", collect, [])
  .addOption(new Option("--target <target>", "where to run it").choices([...TARGETS]).default("qemu"))
  .addOption(new Option("--board <name>", "board for --target qemu").choices(listBoards()).default(DEFAULT_BOARD))
  .addOption(planOption())
  .addOption(modeOption())
  .addOption(specializeOption())
  .action(async (model: string, opts) => runCommand(model, opts));

program
  .command("bench")
  .description("every model x configuration (interpreter, codegen, codegen+plan, codegen+plan+specialize) in QEMU, checked bit-exact on every golden input, side by side with TFLite Micro (anchors.json); writes results.json, results.md and report.html (plots, per-layer profiles, memory timelines)")
  .argument("[models...]", "model names in ../shared/models (or $MOTE_SHARED/models) or .tflite paths with golden data (default: the five shared models)")
  .option("--out <dir>", "output directory", "bench/out")
  .option("--no-profile", "report.html without per-layer profiles (skips the profiling builds in QEMU)")
  .option("--config <name>", `run only this configuration of the ablation (repeatable): ${CONFIGS.map((c) => c.name).join(", ")}`, collect, [])
  .addOption(new Option("--mode <mode>", "ablation switch: bench one custom configuration in this mode instead").choices([...MODES]))
  .addOption(new Option("--plan <name>", "ablation switch: bench one custom configuration with this planner instead").choices(Object.keys(PLANNERS)))
  .addOption(new Option("--specialize <on|off>", "ablation switch: bench one custom configuration with or without specialization instead").choices(["on", "off"]))
  .action(async (models: string[], opts) => benchCommand(models, opts));

program
  .command("profile")
  .description("per-layer instructions, MACs and MACs/instruction of one inference in QEMU (a -DMOTE_PROFILE build), top layers, and the layer sum against the whole count")
  .argument("<model>", "int8 .tflite model")
  .option("--input <file>", "raw input tensor bytes (once per model input; default all-zero bytes)", collect, [])
  .addOption(new Option("--board <name>", "board (simulated in QEMU)").choices(listBoards()).default(DEFAULT_BOARD))
  .addOption(planOption())
  .addOption(modeOption())
  .addOption(new Option("--specialize <on|off>", "codegen mode: specialized kernels (on) or generic kernels with constant records (off)").choices(["on", "off"]).default("on"))
  .option("--top <n>", "how many top layers to list", "5")
  .option("--json", "print the report as JSON")
  .option("--out <file>", "write the report to a file instead of stdout")
  .action(async (model: string, opts) => profileCommand(model, opts));

program
  .command("check")
  .description("check TypeScript kernel files against the kernel subset (docs/subset.md)")
  .argument("<files...>", "kernel .ts files")
  .action(async (files: string[]) => checkCommand(files));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof MoteError) {
    process.stderr.write(`${e.oneLine()}\n`);
    process.exit(1);
  }
  process.stderr.write(`internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
}
