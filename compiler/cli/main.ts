/**
 * @fileoverview The `mote` command line: parses arguments (commander) and dispatches to one
 * module per command in compiler/cli/. Exit status: 0 success, 1 user error (a MoteError, printed
 * as one line), 2 internal error (a bug: printed with its stack).
 *
 * Only this file and the light modules its options read (value lists, parsers) load before a
 * command runs: each action loads its command's module then (compiler/cli/lazy.ts), so --help,
 * --version and parse errors cost no compiler. bin/bundle.js precompiles exactly this part (with
 * the process entry compiler/cli/entry.ts, which runs runMote below and exits with its status) to
 * dist/mote.js; a MoteError is recognised by its shape because that bundle has its own copy of
 * compiler/diagnostics.ts.
 *
 * Option values with a fixed set (--mode, --plan, --target, --board, --specialize, --config) are
 * checked by parsers that raise the table's code for that option (6xxx, 5003, 5004); commander's
 * own parse errors (unknown option, missing argument, ...) become MOTE6001. Commander prints
 * nothing itself, so every user error is the one line of its MoteError.
 */
import { Command, CommanderError, Help, Option } from "commander";
import { diagnostic, fail, type MoteError } from "../diagnostics.ts";
import { MOTE_VERSION } from "../paths.ts";
import { TARGETS } from "../run/target-names.ts";
import { listBoards, DEFAULT_BOARD } from "../toolchain/boards.ts";
import { DEFAULT_PLAN, PLANNERS } from "../plan/planner.ts";
import { MODES } from "../build/types.ts";
import { CONFIGS } from "../bench/configs.ts";
import { parseCount } from "./counts.ts";
import { audioOption } from "./audio.ts";
import { parseFlashBudget } from "./flash-budget.ts";
import { commandModule } from "./lazy.ts";
import { reason } from "../files.ts";

type Module<T> = Promise<T>;
/** Each command's module, loaded when it runs (the option parsers above read only light modules). */
const cmd = {
  check: (): Module<typeof import("./check.ts")> => commandModule("check"),
  compile: (): Module<typeof import("./compile.ts")> => commandModule("compile"),
  run: (): Module<typeof import("./run.ts")> => commandModule("run"),
  profile: (): Module<typeof import("./profile.ts")> => commandModule("profile"),
  bench: (): Module<typeof import("./bench.ts")> => commandModule("bench"),
  board: (): Module<typeof import("./board.ts")> => commandModule("board"),
  serve: (): Module<typeof import("./serve.ts")> => commandModule("serve"),
  analyze: (): Module<typeof import("./analyze.ts")> => commandModule("analyze"),
  validate: (): Module<typeof import("./validate.ts")> => commandModule("validate"),
  compare: (): Module<typeof import("./compare.ts")> => commandModule("compare"),
  testKernel: (): Module<typeof import("./test-kernel.ts")> => commandModule("test-kernel"),
  kernels: (): Module<typeof import("./kernels-option.ts")> => commandModule("kernels-option"),
  quantize: (): Module<typeof import("./quantize.ts")> => commandModule("quantize"),
};

function positiveInt(value: string, option: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) fail(6005, option, "a whole number from 1 to 1000", value);
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A repeatable option collecting its values in order; `none` says what its absence means (--help shows it as the default). */
const repeatable = (flags: string, description: string, none = "none") =>
  new Option(flags, description).argParser(collect).default([], none);

/** An option whose default the command works out (no fixed value): --help shows `text` as the default. */
const computed = (option: Option, text: string) => option.default(undefined, text);

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
  computed(new Option("--flash-budget <bytes>", "flash the per-layer int8/int16 weight choice may fill (bytes, or with K/M; the board's flash caps it)")
    .argParser((v: string) => parseFlashBudget(v)), "an estimate of TFLM+CMSIS-NN's flash for the model");
const boardOption = (description: string) =>
  oneOf(new Option("--board <name>", description), listBoards(), (v) => fail(5003, v, listBoards().join(", ")));

/** --kernels DIR on compile, analyze, validate, run, bench: loaded by the preAction hook below. */
const kernelsOption = () => new Option("--kernels <dir>", "a folder of your own kernels (<name>.ts) and lowerings (<name>.lower.ts) for custom ops or overrides (docs/custom-kernels.md)");

/** The calibration options of mote quantize, and of compile/run given a TF.js model.json. */
function calibrationOptions(c: Command, required: boolean): Command {
  const data = new Option("--calibration <data>", "calibration data for a TF.js model.json: a folder of PNG/JPEG images, a .npy of inputs ([N, ...input shape]) or a CSV (.csv/.csv.gz, one flattened input per row)");
  return c
    .addOption(required ? data.makeOptionMandatory() : data)
    .addOption(new Option("--calibration-method <method>", "activation ranges: minmax (TFLite's absolute min/max) or mse (per-tensor MSE-optimal clipping); minmax-bc / mse-bc add bias correction (each layer's bias shifted by its mean int8 error on the calibration data)").default("minmax"))
    .addOption(computed(new Option("--input-range <lo,hi>", "float range image pixels 0..255 map to (image folders)"), "0,1"))
    .addOption(computed(new Option("--input-scale <s>", "factor applied to .npy / CSV calibration values"), "1"))
    .addOption(computed(new Option("--calibration-count <n>", "use only the first N calibration samples").argParser((v: string) => parseCount("--calibration-count", v)), "all"));
}

/** The command line, built afresh for each run (commander keeps parsed values on its commands). */
function createProgram(): Command {
  const program = new Command();
  // Before the subcommands exist: they inherit both settings.
  program
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .configureHelp({
      // A default the command works out (computed above) is shown like a fixed one.
      optionDescription(option: Option): string {
        const text = Help.prototype.optionDescription.call(this, option);
        return option.defaultValue === undefined && option.defaultValueDescription ? `${text} (default: ${option.defaultValueDescription})` : text;
      },
    });
  // --kernels DIR becomes the loaded UserKernels before the action runs (test-kernel loads its own).
  program.hook("preAction", async (_program, command) => {
    const dir: unknown = command.opts().kernels;
    if (typeof dir === "string" && command.name() !== "test-kernel") command.setOptionValue("kernels", await (await cmd.kernels()).loadUserKernels(dir));
  });
  program
    .name("mote")
    .description("Compile int8 TFLite models to static-memory C for Cortex-M7, and run them on QEMU, the host or as WASM.")
    .version(MOTE_VERSION);

  program
    .command("compile")
    .description("compile MODEL to a C library (model.h, model.c), firmware for a board and a report")
    .argument("<model>", "int8 .tflite model, or a TF.js model.json with --calibration")
    .option("--out <dir>", "directory to write the library, firmware and report into", "out")
    .addOption(boardOption("target board").default(DEFAULT_BOARD))
    .addOption(planOption().default(DEFAULT_PLAN))
    .addOption(modeOption().default("codegen"))
    .addOption(specializeOption().default("on"))
    .addOption(flashBudgetOption())
    .option("--no-firmware", "only write the C library and the report (no arm-none-eabi-gcc needed)")
    .addOption(audioOption())
    .addOption(repeatable("--input <file>", "real boards: raw input tensor bytes compiled into the firmware (once per model input)", "every element its zero point"))
    .addOption(computed(new Option("--runs <n>", "real boards: inferences the firmware times").argParser((v: string) => positiveInt(v, "--runs")), "5"))
    .option("--profile", "real boards: per-layer cycles of the last run (-DMOTE_PROFILE)")
    .addOption(computed(new Option("--name <prefix>", "prefix of every symbol the C library exports and of its files (kws: kws_invoke(), KWS_NUM_INPUTS, kws.h, kws.c), to link several models into one firmware"), "mote_invoke(), model.h, model.c"))
    .addOption(computed(new Option("--arena-section <section>", "linker section of the model's arena, e.g. .sram2"), ".bss"))
    .addOption(kernelsOption())
    .action(async (model: string, opts) => (await cmd.compile()).compileCommand(model, opts));
  calibrationOptions(program.commands.find((c) => c.name() === "compile")!, false);

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
    .action(async (model: string, opts) => (await cmd.analyze()).analyzeCommand(model, opts));
  calibrationOptions(program.commands.find((c) => c.name() === "analyze")!, false);

  program
    .command("flash")
    .description("write firmware that mote compile --board built to a real board (st-flash, else openocd), optionally reading its UART report")
    .argument("<elf>", "firmware.elf (the .bin beside it is what st-flash writes)")
    .addOption(boardOption("the board").makeOptionMandatory())
    .addOption(computed(oneOf(new Option("--tool <tool>", "flashing tool"), ["st-flash", "openocd"], (v) => fail(6005, "--tool", "st-flash or openocd", v)), "st-flash if installed, else openocd"))
    .option("--monitor <port>", "then read the report from this serial port (e.g. /dev/ttyACM0) and print its figures")
    .option("--timeout <s>", "how long --monitor waits for the report", "30")
    .action(async (elf: string, opts) => (await cmd.board()).flashCommand(elf, opts));

  program
    .command("serial-log")
    .description("the figures of a real board's UART report: cycles per inference (DWT), ms at its clock, stack, per-layer cycles, outputs")
    .argument("<log>", "a captured log file, or the serial port itself (e.g. /dev/ttyACM0)")
    .option("--json", "print the figures as JSON")
    .option("--report <file>", "the build's report.json: names the op of each per-layer line")
    .option("--timeout <s>", "how long to read a serial port", "30")
    .action(async (log: string, opts) => (await cmd.board()).serialLogCommand(log, opts));

  program
    .command("validate")
    .description("run MODEL on every target from an input (raw tensor bytes, .npy, PNG/JPEG/BMP or WAV), check the targets agree byte for byte, print each output dequantized with its top-k, and compare with reference outputs (--expect)")
    .argument("<model>", "int8 .tflite model")
    .addOption(repeatable("--input <file>", "raw tensor bytes, .npy (floats are quantized with the input's scale), an image (resized and quantized) or a WAV (with --audio): once per model input, in order"))
    .addOption(repeatable("--expect <file>", "reference output (raw bytes, or .npy of the output's dtype or floats): once per model output, in order", "none: outputs are only compared across targets"))
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
    .action(async (model: string, opts) => (await cmd.validate()).validateCommand(model, opts));
  calibrationOptions(program.commands.find((c) => c.name() === "validate")!, false);

  program
    .command("run")
    .description("run one inference of MODEL and write the output tensor(s)")
    .argument("<model>", "int8 .tflite model, or a TF.js model.json with --calibration")
    .addOption(repeatable("--input <file>", "raw input tensor bytes (required: once per model input, in order)"))
    .addOption(repeatable("--output <file>", "where to write output tensor bytes (once per model output, in order; or --out)"))
    .addOption(computed(new Option("--out <dir>", "write the outputs into DIR instead: output_<k>.bin for output k (output_<k>_<i>.bin for invocation i)"), "none: each --output names its file"))
    .addOption(oneOf(new Option("--target <target>", "where to run it"), TARGETS, (v) => fail(5004, v)).default("qemu"))
    .addOption(boardOption("board for --target qemu").default(DEFAULT_BOARD))
    .addOption(planOption().default(DEFAULT_PLAN))
    .addOption(modeOption().default("codegen"))
    .addOption(specializeOption().default("on"))
    .addOption(flashBudgetOption())
    .addOption(audioOption())
    .option("--invocations <n>", "run N invocations on one instance, state kept between them (streaming front ends, recurrent ops): --input and --output are given invocation by invocation (every model input for the first, then for the second, ...)", (v) => parseCount("--invocations", v), 1)
    .addOption(kernelsOption())
    .action(async (model: string, opts) => (await cmd.run()).runCommand(model, opts));
  calibrationOptions(program.commands.find((c) => c.name() === "run")!, false);

  program
    .command("bench")
    .description("every model x configuration (interpreter, codegen, codegen+plan, codegen+plan+specialize) in QEMU, checked bit-exact on every golden input where there is golden data, side by side with TFLite Micro (anchors.json) where it has figures; writes results.json, results.md and report.html (plots, per-layer profiles, memory timelines)")
    .argument("[models...]", "names of the shared models (in $MOTE_SHARED/models) or .tflite paths (default: the five benchmark models); a model without golden data is measured on --input or an all-zero-point input, its outputs not checked")
    .option("--out <dir>", "directory to write results.json, results.md and report.html into", "bench/out")
    .option("--no-profile", "report.html without per-layer profiles (skips the profiling builds in QEMU)")
    .addOption(oneOf(new Option("--config <name>", "run only this configuration of the ablation (repeatable)"), CONFIGS.map((c) => c.name),
      (v) => fail(6004, v, CONFIGS.map((c) => c.name).join(", ")), true).default([]))
    .addOption(modeOption("ablation switch: bench one custom configuration in this mode instead"))
    .addOption(planOption("ablation switch: bench one custom configuration with this planner instead"))
    .addOption(specializeOption("ablation switch: bench one custom configuration with or without specialization instead"))
    .addOption(flashBudgetOption())
    .addOption(repeatable("--input <file>", "one model only: raw input tensor bytes to measure on (once per model input)", "golden input_3, else every element its zero point"))
    .addOption(computed(new Option("--golden <dir>", "one model only: golden input_<k>.bin / output_<k>.bin pairs to check every configuration against"), "the model's folder in $MOTE_SHARED/golden when there is one"))
    .addOption(kernelsOption())
    .action(async (models: string[], opts) => (await cmd.bench()).benchCommand(models, opts));

  program
    .command("profile")
    .description("per-layer instructions, MACs and MACs/instruction of one inference in QEMU (a -DMOTE_PROFILE build), top layers, and the layer sum against the whole count")
    .argument("<model>", "int8 .tflite model")
    .addOption(repeatable("--input <file>", "raw input tensor bytes (once per model input)", "all-zero bytes"))
    .addOption(boardOption("board (simulated in QEMU)").default(DEFAULT_BOARD))
    .addOption(planOption().default(DEFAULT_PLAN))
    .addOption(modeOption().default("codegen"))
    .addOption(specializeOption("codegen mode: specialized kernels (on) or generic kernels with constant records (off)").default("on"))
    .addOption(flashBudgetOption())
    .option("--top <n>", "how many top layers to list", "5")
    .option("--json", "print the report as JSON")
    .addOption(computed(new Option("--out <dir>", "write the report into DIR (profile.txt, or profile.json with --json)"), "stdout"))
    .addOption(computed(new Option("--output <file>", "write the report to FILE"), "stdout"))
    .action(async (model: string, opts) => (await cmd.profile()).profileCommand(model, opts));

  program
    .command("serve")
    .description("an HTTP inference server: POST /v1/models/<name>:infer takes the raw sensor payload (PCM/WAV, image, features) and answers JSON, through each model's host build (built once, kept running); GET /healthz, /readyz, /v1/models")
    .argument("<models...>", "names of the shared models (in $MOTE_SHARED/models) or .tflite paths")
    .option("--port <n>", "TCP port (0: any free port)", "8080")
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .addOption(repeatable("--audio <name=preset>", "front end for a served model (none: features only); repeatable", "kws_ref_model and str_ww_ref_model have theirs"))
    .addOption(computed(new Option("--max-body <bytes>", "largest request body"), "8 MiB"))
    .action(async (models: string[], opts) => (await cmd.serve()).serveCommand(models, opts));

  program
    .command("compare")
    .description("on the device or in the cloud? per model: instructions per inference in QEMU turned into time and energy on a real board (datasheet Run-mode current), a real inference server started on loopback and timed, and BLE, Wi-Fi, LTE-M and NB-IoT from cited figures: latency, energy, bytes and battery life of inferring on the device, sending the result, the features or the raw data; break-even; writes compare.json and compare.html (docs/cloud-vs-device.md)")
    .argument("[models...]", "names of the shared models (in $MOTE_SHARED/models) or .tflite paths (default: the five benchmark models)")
    .option("--board <name>", "a board with Run-mode current figures (stm32f746g-disco, nucleo-h743zi; the QEMU board has none)", "stm32f746g-disco")
    .option("--link <link>", "ble, wifi, lte-m, nb-iot or all", "all")
    .option("--rate <n>", "inferences per hour, for battery life", "60")
    .addOption(computed(new Option("--positive-rate <f>", "fraction of inferences that are positive and send a result"), "0.05 (an assumption: 5% of inferences are positive)"))
    .option("--battery <name>", "li-ion-1000mah or cr2032", "li-ion-1000mah")
    .addOption(computed(new Option("--audio <preset>", "front end for every model given (kws-mfcc, sww-log-mel, none)"), "the shared models' own"))
    .option("--requests <n>", "requests per payload to the server", "20")
    .option("--out <dir>", "output directory for compare.json and compare.html", "out/compare")
    .option("--json", "print the report as JSON instead of the table")
    .action(async (models: string[], opts) => (await cmd.compare()).compareCommand(models, opts));

  program
    .command("test-kernel")
    .description("property-test your kernel FILE.ts on random ops: TypeScript == WASM == host C (== QEMU), and == Mote's builtin when it overrides one")
    .argument("<file>", "a kernel file of a --kernels folder (default: its own folder)")
    .option("--kernels <dir>", "the folder of kernels and lowerings (default: the file's folder)")
    .option("--qemu", "also run on QEMU (arm-none-eabi-gcc and qemu-system-arm needed)")
    .option("--runs <n>", "random cases", (v: string) => positiveInt(v, "--runs"), 20)
    .option("--seed <s>", "fast-check seed", (v: string) => (/^-?\d+$/.test(v) ? Number(v) : fail(6005, "--seed", "an integer", v)), 42)
    .action(async (f: string, o) => (await cmd.testKernel()).testKernelCommand(f, o));

  calibrationOptions(program
    .command("quantize")
    .description("quantize a TF.js model (model.json + weights, graph or layers model) to an int8 .tflite with calibration data, following TFLite's post-training quantization (docs/tfjs.md)")
    .argument("<model>", "TF.js model.json")
    .addOption(computed(new Option("--out <path>", "where to write the int8 model: a path ending in .tflite is the file; any other path is a directory (created if missing) that gets <model name>_int8.tflite"), "the current directory")), true)
    .action(async (model: string, opts) => (await cmd.quantize()).quantizeCommand(model, opts));

  program
    .command("check")
    .description("check TypeScript kernel files against the kernel subset (docs/subset.md)")
    .argument("<files...>", "kernel .ts files")
    .action(async (files: string[]) => (await cmd.check()).checkCommand(files));
  return program;
}

/** Help and version: commander has printed them and ends the run with their status (0). */
function helpOrVersion(e: unknown): e is CommanderError {
  return e instanceof CommanderError && (e.exitCode === 0 || e.code === "commander.help");
}

/** Commander's parse errors as MOTE6001. */
function userError(e: unknown): unknown {
  if (!(e instanceof CommanderError)) return e;
  return diagnostic(6001, e.message.replace(/^error: /, "").split("\n").join(" "));
}

/**
 * A file-system error no command turned into a user error (compiler/files.ts checks the
 * paths the user gives; this is the net under them): MOTE6601 for a write, 6603 for a read.
 */
function fileError(e: unknown): MoteError | undefined {
  const x = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof x.code !== "string" || typeof x.path !== "string" || typeof x.syscall !== "string") return undefined;
  const writing = /^(mkdir|mkdtemp|rename|write|unlink|rmdir|rm|copyfile|symlink|link|ftruncate)$/.test(x.syscall) || ["EROFS", "ENOSPC", "EDQUOT"].includes(x.code);
  return writing ? diagnostic(6601, "file", x.path, reason(e, x.path, true)) : diagnostic(6603, "file", x.path, reason(e, x.path));
}

/**
 * A MoteError, from this module's copy of compiler/diagnostics.ts or the command modules' (the
 * precompiled front end bundles its own copy, so the class is recognised by its shape).
 */
function isMoteError(e: unknown): e is MoteError {
  return e instanceof Error && e.name === "MoteError" && typeof (e as Partial<MoteError>).oneLine === "function";
}

/**
 * Runs the command line `argv` (process.argv's shape: node, script, arguments). Resolves to the
 * exit status the process must end with (0 after --help or --version, 1 after a user error, its
 * one line printed, 2 after an internal error), or undefined when the command finished and the
 * process ends by itself (a server keeps running). compiler/cli/entry.ts is the process's
 * entry; the tests call this in-process (test/support/cli.ts).
 */
export async function runMote(argv: readonly string[]): Promise<number | undefined> {
  try {
    await createProgram().parseAsync([...argv]);
    return undefined;
  } catch (thrown) {
    if (helpOrVersion(thrown)) return thrown.exitCode;
    const e = fileError(thrown) ?? userError(thrown);
    // A running progress spinner (compiler/cli/progress.ts) ends as failed before the error line.
    (globalThis as Record<symbol, (() => void) | undefined>)[Symbol.for("mote.progress.end")]?.();
    if (isMoteError(e)) {
      process.stderr.write(`${e.oneLine()}\n`);
      return 1;
    }
    process.stderr.write(`internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}
