/**
 * @fileoverview The `mote` command line: parses arguments (commander) and dispatches to one
 * module per command in compiler/cli/. Exit status: 0 success, 1 user error (a MoteError, printed
 * as one line), 2 internal error (a bug: printed with its stack).
 *
 * Option values with a fixed set (--mode, --plan, --target, --board, --specialize, --config) are
 * checked by parsers that raise the table's code for that option (6xxx, 5003, 5004); commander's
 * own parse errors (unknown option, missing argument, ...) become MOTE6001. Commander prints
 * nothing itself, so every user error is the one line of its MoteError.
 */
import { Command, CommanderError, Option } from "commander";
import { diagnostic, fail, MoteError } from "../diagnostics.ts";
import { MOTE_VERSION } from "../paths.ts";
import { TARGETS } from "../run/targets.ts";
import { listBoards, DEFAULT_BOARD } from "../toolchain/boards.ts";
import { DEFAULT_PLAN, PLANNERS } from "../plan/planner.ts";
import { MODES } from "../build/index.ts";
import { checkCommand } from "./check.ts";
import { compileCommand } from "./compile.ts";
import { parseCount, runCommand } from "./run.ts";
import { audioOption } from "./audio.ts";
import { profileCommand } from "./profile.ts";
import { benchCommand } from "./bench.ts";
import { CONFIGS } from "../bench/configs.ts";
import { parseFlashBudget } from "./flash-budget.ts";
import { flashCommand, serialLogCommand } from "./board.ts";
import { serveCommand } from "./serve.ts";
import { analyzeCommand } from "./analyze.ts";
import { validateCommand } from "./validate.ts";

function positiveInt(value: string, option: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) fail(6005, option, "a whole number from 1 to 1000", value);
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `option` takes one of `values` (listed in --help); any other value is the user error `bad`
 * raises. `repeat` collects repeated values into a list.
 */
function oneOf(option: Option, values: readonly string[], bad: (value: string) => never, repeat = false): Option {
  return option.choices(values).argParser((value: string, previous: unknown) => {
    if (!values.includes(value)) bad(value);
    return repeat ? [...((previous as string[] | undefined) ?? []), value] : value;
  });
}

const SWITCH = ["on", "off"];
const planOption = (description = "memory planner") =>
  oneOf(new Option("--plan <name>", description), Object.keys(PLANNERS), (v) => fail(6003, v, Object.keys(PLANNERS).join(", ")));
const modeOption = (description = "codegen: specialized straight-line code; interpreter: generic kernels reading a model image at run time (the TFLM-like baseline)") =>
  oneOf(new Option("--mode <mode>", description), MODES, (v) => fail(6002, v, MODES.join(", ")));
const specializeOption = (description = "codegen mode: kernels specialized per layer (on) or the generic kernels with constant records (off)") =>
  oneOf(new Option("--specialize <on|off>", description), SWITCH, (v) => fail(6005, "--specialize", "on or off", v));
const flashBudgetOption = () =>
  new Option("--flash-budget <bytes>", "flash the per-layer int8/int16 weight choice may fill (bytes, or with K/M; default: an estimate of TFLM+CMSIS-NN's flash for the model; the board's flash caps it)")
    .argParser((v: string) => parseFlashBudget(v));
const boardOption = (description: string) =>
  oneOf(new Option("--board <name>", description), listBoards(), (v) => fail(5003, v, listBoards().join(", ")));

/** --kernels DIR on compile, analyze, validate, run, bench: loaded by the preAction hook below. */
const kernelsOption = () => new Option("--kernels <dir>", "a folder of your own kernels (<name>.ts) and lowerings (<name>.lower.ts) for custom ops or overrides (docs/custom-kernels.md)");

const program = new Command();
// Before the subcommands exist: they inherit both settings.
program
  .exitOverride()
  .configureOutput({ outputError: () => {} });
// --kernels DIR becomes the loaded UserKernels before the action runs (test-kernel loads its own).
program.hook("preAction", async (_program, cmd) => {
  const dir: unknown = cmd.opts().kernels;
  if (typeof dir === "string" && cmd.name() !== "test-kernel") cmd.setOptionValue("kernels", await (await import("../ops/user-kernels.ts")).loadUserKernels(dir));
});
program
  .name("mote")
  .description("Compile int8 TFLite models to static-memory C for Cortex-M7, and run them on QEMU, the host or as WASM.")
  .version(MOTE_VERSION);

program
  .command("compile")
  .description("compile MODEL to a C library (model.h, model.c), firmware for a board and a report")
  .argument("<model>", "int8 .tflite model")
  .option("--out <dir>", "output directory", "out")
  .addOption(boardOption("target board").default(DEFAULT_BOARD))
  .addOption(planOption().default(DEFAULT_PLAN))
  .addOption(modeOption().default("codegen"))
  .addOption(specializeOption().default("on"))
  .addOption(flashBudgetOption())
  .option("--no-firmware", "only write the C library and the report (no arm-none-eabi-gcc needed)")
  .addOption(audioOption())
  .option("--input <file>", "real boards: raw input tensor bytes compiled into the firmware (once per model input; default: every element its zero point)", collect, [])
  .option("--runs <n>", "real boards: inferences the firmware times (default 5)", (v: string) => positiveInt(v, "--runs"))
  .option("--profile", "real boards: per-layer cycles of the last run (-DMOTE_PROFILE)")
  .option("--name <prefix>", "prefix of every symbol the C library exports and of its files (kws: kws_invoke(), KWS_NUM_INPUTS, kws.h, kws.c), to link several models into one firmware (default: mote_invoke(), model.h, model.c)")
  .option("--arena-section <section>", "linker section of the model's arena, e.g. .sram2 (default: .bss)")
  .addOption(kernelsOption())
  .action(async (model: string, opts) => compileCommand(model, opts));

program
  .command("analyze")
  .description("what MODEL is and what it costs on a board, without building anything: inputs and outputs, per-layer shapes, MACs, weight and activation bytes and kernel variants, the arena, estimated peak SRAM and flash against the board, and every problem with its op and a next step")
  .argument("<model>", "int8 .tflite model")
  .option("--json", "print the analysis as one JSON document")
  .addOption(boardOption("target board").default(DEFAULT_BOARD))
  .addOption(planOption().default(DEFAULT_PLAN))
  .addOption(modeOption().default("codegen"))
  .addOption(specializeOption().default("on"))
  .addOption(flashBudgetOption())
  .addOption(audioOption())
  .addOption(kernelsOption())
  .action(async (model: string, opts) => analyzeCommand(model, opts));

program
  .command("flash")
  .description("write firmware that mote compile --board built to a real board (st-flash, else openocd), optionally reading its UART report")
  .argument("<elf>", "firmware.elf (the .bin beside it is what st-flash writes)")
  .addOption(boardOption("the board").makeOptionMandatory())
  .addOption(oneOf(new Option("--tool <tool>", "flashing tool (default: st-flash if installed, else openocd)"), ["st-flash", "openocd"], (v) => fail(6005, "--tool", "st-flash or openocd", v)))
  .option("--monitor <port>", "then read the report from this serial port (e.g. /dev/ttyACM0) and print its figures")
  .option("--timeout <s>", "how long --monitor waits for the report", "30")
  .action(async (elf: string, opts) => flashCommand(elf, opts));

program
  .command("serial-log")
  .description("the figures of a real board's UART report: cycles per inference (DWT), ms at its clock, stack, per-layer cycles, outputs")
  .argument("<log>", "a captured log file, or the serial port itself (e.g. /dev/ttyACM0)")
  .option("--json", "print the figures as JSON")
  .option("--report <file>", "the build's report.json: names the op of each per-layer line")
  .option("--timeout <s>", "how long to read a serial port", "30")
  .action(async (log: string, opts) => serialLogCommand(log, opts));

program
  .command("validate")
  .description("run MODEL on every target from an input (raw tensor bytes, .npy, PNG/JPEG/BMP or WAV), check the targets agree byte for byte, print each output dequantized with its top-k, and compare with reference outputs (--expect)")
  .argument("<model>", "int8 .tflite model")
  .option("--input <file>", "raw tensor bytes, .npy (floats are quantized with the input's scale), an image (resized and quantized) or a WAV (with --audio): once per model input, in order", collect, [])
  .option("--expect <file>", "reference output (raw bytes, or .npy of the output's dtype or floats): once per model output, in order", collect, [])
  .option("--targets <list>", "comma-separated targets to run and compare", TARGETS.join(","))
  .option("--top <k>", "how many top values to print per output", (v: string) => parseCount("--top", v), 3)
  .option("--json", "print the report as one JSON document")
  .addOption(boardOption("board for the qemu target").default(DEFAULT_BOARD))
  .addOption(planOption().default(DEFAULT_PLAN))
  .addOption(modeOption().default("codegen"))
  .addOption(specializeOption().default("on"))
  .addOption(flashBudgetOption())
  .addOption(audioOption())
  .addOption(kernelsOption())
  .action(async (model: string, opts) => validateCommand(model, opts));

program
  .command("run")
  .description("run one inference of MODEL and write the output tensor(s)")
  .argument("<model>", "int8 .tflite model")
  .option("--input <file>", "raw input tensor bytes (required: once per model input, in order)", collect, [])
  .option("--output <file>", "where to write output tensor bytes (required: once per model output, in order)", collect, [])
  .addOption(oneOf(new Option("--target <target>", "where to run it"), TARGETS, (v) => fail(5004, v)).default("qemu"))
  .addOption(boardOption("board for --target qemu").default(DEFAULT_BOARD))
  .addOption(planOption().default(DEFAULT_PLAN))
  .addOption(modeOption().default("codegen"))
  .addOption(specializeOption().default("on"))
  .addOption(flashBudgetOption())
  .addOption(audioOption())
  .option("--invocations <n>", "run N invocations on one instance, state kept between them (streaming front ends, recurrent ops): --input and --output are given invocation by invocation (every model input for the first, then for the second, ...)", (v) => parseCount("--invocations", v), 1)
  .addOption(kernelsOption())
  .action(async (model: string, opts) => runCommand(model, opts));

program
  .command("bench")
  .description("every model x configuration (interpreter, codegen, codegen+plan, codegen+plan+specialize) in QEMU, checked bit-exact on every golden input where there is golden data, side by side with TFLite Micro (anchors.json) where it has figures; writes results.json, results.md and report.html (plots, per-layer profiles, memory timelines)")
  .argument("[models...]", "model names in ../shared/models (or $MOTE_SHARED/models) or .tflite paths (default: the five shared models); a model without golden data is measured on --input or an all-zero-point input, its outputs not checked")
  .option("--out <dir>", "output directory", "bench/out")
  .option("--no-profile", "report.html without per-layer profiles (skips the profiling builds in QEMU)")
  .addOption(oneOf(new Option("--config <name>", "run only this configuration of the ablation (repeatable)"), CONFIGS.map((c) => c.name),
    (v) => fail(6004, v, CONFIGS.map((c) => c.name).join(", ")), true).default([]))
  .addOption(modeOption("ablation switch: bench one custom configuration in this mode instead"))
  .addOption(planOption("ablation switch: bench one custom configuration with this planner instead"))
  .addOption(specializeOption("ablation switch: bench one custom configuration with or without specialization instead"))
  .addOption(flashBudgetOption())
  .option("--input <file>", "one model only: raw input tensor bytes to measure on (once per model input; default golden input_3, else every element its zero point)", collect, [])
  .option("--golden <dir>", "one model only: golden input_<k>.bin / output_<k>.bin pairs to check every configuration against (default ../shared/golden/<model>/ when present)")
  .addOption(kernelsOption())
  .action(async (models: string[], opts) => benchCommand(models, opts));

program
  .command("profile")
  .description("per-layer instructions, MACs and MACs/instruction of one inference in QEMU (a -DMOTE_PROFILE build), top layers, and the layer sum against the whole count")
  .argument("<model>", "int8 .tflite model")
  .option("--input <file>", "raw input tensor bytes (once per model input; default all-zero bytes)", collect, [])
  .addOption(boardOption("board (simulated in QEMU)").default(DEFAULT_BOARD))
  .addOption(planOption().default(DEFAULT_PLAN))
  .addOption(modeOption().default("codegen"))
  .addOption(specializeOption("codegen mode: specialized kernels (on) or generic kernels with constant records (off)").default("on"))
  .addOption(flashBudgetOption())
  .option("--top <n>", "how many top layers to list", "5")
  .option("--json", "print the report as JSON")
  .option("--out <file>", "write the report to a file instead of stdout")
  .action(async (model: string, opts) => profileCommand(model, opts));

program
  .command("serve")
  .description("an HTTP inference server: POST /v1/models/<name>:infer takes the raw sensor payload (PCM/WAV, image, features) and answers JSON, through each model's host build (built once, kept running); GET /healthz, /readyz, /v1/models")
  .argument("<models...>", "model names in ../shared/models (or $MOTE_SHARED/models) or .tflite paths")
  .option("--port <n>", "TCP port (0: any free port)", "8080")
  .option("--host <addr>", "address to listen on", "127.0.0.1")
  .option("--audio <name=preset>", "front end for a served model (kws_ref_model and str_ww_ref_model have theirs; none: features only); repeatable", collect, [])
  .option("--max-body <bytes>", "largest request body (default 8 MiB)")
  .action(async (models: string[], opts) => serveCommand(models, opts));

program
  .command("compare")
  .description("on the device or in the cloud? per model: instructions per inference in QEMU turned into time and energy on a real board (datasheet Run-mode current), a real inference server started on loopback and timed, and BLE, Wi-Fi, LTE-M and NB-IoT from cited figures: latency, energy, bytes and battery life of inferring on the device, sending the result, the features or the raw data; break-even; writes compare.json and compare.html (docs/cloud-vs-device.md)")
  .argument("[models...]", "model names in ../shared/models (or $MOTE_SHARED/models) or .tflite paths (default: the five shared models)")
  .option("--board <name>", "a board with Run-mode current figures (stm32f746g-disco, nucleo-h743zi; the QEMU board has none)", "stm32f746g-disco")
  .option("--link <link>", "ble, wifi, lte-m, nb-iot or all", "all")
  .option("--rate <n>", "inferences per hour, for battery life", "60")
  .option("--positive-rate <f>", "fraction of inferences that are positive and send a result (default: compiler/compare/figures.json)")
  .option("--battery <name>", "li-ion-1000mah or cr2032", "li-ion-1000mah")
  .option("--audio <preset>", "front end for every model given (kws-mfcc, sww-log-mel, none; default: the shared models' own)")
  .option("--requests <n>", "requests per payload to the server", "20")
  .option("--out <dir>", "output directory for compare.json and compare.html", "out/compare")
  .option("--json", "print the report as JSON instead of the table")
  .action(async (models: string[], opts) => (await import("./compare.ts")).compareCommand(models, opts));

program
  .command("test-kernel")
  .description("property-test your kernel FILE.ts on random ops: TypeScript == WASM == host C (== QEMU), and == Mote's builtin when it overrides one")
  .argument("<file>", "a kernel file of a --kernels folder (default: its own folder)")
  .option("--kernels <dir>", "the folder of kernels and lowerings (default: the file's folder)")
  .option("--qemu", "also run on QEMU (arm-none-eabi-gcc and qemu-system-arm needed)")
  .option("--runs <n>", "random cases", (v: string) => positiveInt(v, "--runs"), 20)
  .option("--seed <s>", "fast-check seed", (v: string) => (/^-?\d+$/.test(v) ? Number(v) : fail(6005, "--seed", "an integer", v)), 42)
  .action(async (f: string, o) => (await import("./test-kernel.ts")).testKernelCommand(f, o));

program
  .command("check")
  .description("check TypeScript kernel files against the kernel subset (docs/subset.md)")
  .argument("<files...>", "kernel .ts files")
  .action(async (files: string[]) => checkCommand(files));

/** Commander's parse errors as MOTE6001; help and version (exit status 0) pass through. */
function userError(e: unknown): unknown {
  if (!(e instanceof CommanderError)) return e;
  if (e.exitCode === 0 || e.code === "commander.help") process.exit(e.exitCode);
  return diagnostic(6001, e.message.replace(/^error: /, "").split("\n").join(" "));
}

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  const e = userError(thrown);
  if (e instanceof MoteError) {
    process.stderr.write(`${e.oneLine()}\n`);
    process.exit(1);
  }
  process.stderr.write(`internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
}
