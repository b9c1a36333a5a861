/**
 * @fileoverview Every error Mote reports to a user, in one table with stable codes.
 *
 * Ranges by phase:
 *   1xxx  model import (the .tflite file)
 *   2xxx  kernel source: 2001-2899 constructs outside the subset (each with a wrong example and
 *         its fix in docs/subset.md, compiler/subset/examples.ts), 29xx kernel files as a whole
 *   3xxx  specialization and op lowering
 *   4xxx  memory planning and fit
 *   5xxx  emission, toolchains, boards, running a built model (host, QEMU, WASM, model image)
 *   6xxx  options and the command line: bad flag values, wrong counts of files, unreadable
 *         input files (the same codes when the options come through the API); 61xx input data
 *         files (images, WAV) that compiler/inputs/ turns into model inputs; 64xx the device vs
 *         cloud comparison (`mote compare`); 65xx the inference server (server/, `mote serve`); 66xx
 *         files and folders that cannot be read or written (compiler/files.ts)
 * A code never changes meaning once released, and is never renumbered or reused; docs/subset.md
 * and tests quote them. Raise errors only through `fail(code, ...args)` (a user error: exit
 * status 1, one line) so the text lives here; `diagnostic()` builds one without throwing (the
 * CLI's translation of commander's parse errors). test/diagnostics.test.ts checks that nothing
 * else constructs a MoteError and that every code is raised somewhere (or listed in RESERVED).
 * Internal errors (impossible states: bugs) stay plain `throw new Error(...)`.
 */

export interface DiagnosticInfo {
  /** Message template; {0}, {1}, ... are replaced by the arguments. */
  message: string;
  /** What the user should do instead (shown after the message). */
  hint?: string;
}

export const DIAGNOSTICS = {
  // 1xxx: model import
  1001: { message: "cannot read model file {0}: {1}", hint: "pass the path of an int8 .tflite file" },
  1002: { message: "{0} is not a TFLite flatbuffer: {1}", hint: "pass an int8 .tflite file (schema version 3, identifier TFL3)" },
  1003: { message: "model file is truncated or corrupt: {0}", hint: "the file itself is damaged (a read outside it, a bad table or string): copy or download it again, or re-export the model" },
  1004: { message: "model has {0} subgraphs; Mote compiles models with exactly one subgraph", hint: "export the model without control flow (IF/WHILE/CALL_ONCE), so that it has one subgraph" },
  1005: { message: "unsupported tensor type {0} for tensor {1} ({2})", hint: "Mote runs int8, uint8, int16 and int32 tensors: quantize the model to int8 (full-integer post-training quantization)" },
  1006: { message: "model is not int8-quantized: {0}", hint: "quantize the whole model to int8 (TFLite full-integer post-training quantization with a representative dataset) before compiling" },
  1007: { message: "model uses an unknown operator code {0} at op index {1}", hint: "the model comes from a newer TFLite schema than Mote knows, or is damaged: re-export it with the builtin operators" },
  1008: { message: "unsupported operator{0}: {1}. Supported: {2}", hint: "for each one, either write its kernel in TypeScript and pass its folder with --kernels DIR (docs/custom-kernels.md), or re-export the model with it replaced by supported operators (docs/operators.md lists them and their limits); mote analyze MODEL lists every problem at once" },
  1009: { message: "invalid model: {0}", hint: "re-export the model with the TFLite converter; the message names the part that TFLite Micro could not run either" },
  1010: { message: "the model uses custom operator{0} that Mote has no kernel for: {1}", hint: "write each kernel in TypeScript and pass its folder with --kernels DIR (docs/custom-kernels.md: the kernel is matched by its custom code), or re-export the model without it (TFLite builtin operators only)" },
  1011: { message: "model has int16 activations (16x8 quantization) on an op without an int16 variant: the {2} of op {0} ({1}) is int16", hint: "docs/operators.md lists the ops Mote runs with int16 activations; for this one, re-export with full-integer int8 quantization (leave EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 out of the converter's target_spec.supported_ops)" },
  1012: { message: "{0} is a float model, not int8-quantized: {1}", hint: "Mote runs int8 models: quantize it with the TFLite converter (optimizations = [tf.lite.Optimize.DEFAULT], a representative_dataset, inference_input_type and inference_output_type = tf.int8), then compile the quantized .tflite" },
  1013: { message: "model is dynamic-range quantized (int8 weights, float32 activations): {0}", hint: "Mote needs full-integer quantization: give the TFLite converter a representative_dataset (and tf.int8 input and output types) so the activations are int8 too" },
  1014: { message: "unsupported tensor type {0} for tensor {1} ({2}), {3}", hint: "Mote's tensors are int8, uint8, int16, int32, int64, bool and float32 (the last only at a quantized model's edges): re-export the model without that op, or keep that step outside the model" },
  1015: { message: "tensor {0} ({1}) has a dynamic shape [{2}]", hint: "export the model with fixed sizes (batch 1 and a fixed input size): TFLite Micro, like Mote, plans memory for static shapes only" },
  1016: { message: "constant tensor {0} ({1}) of shape [{2}] {3} needs {4} bytes, its buffer holds only {5}", hint: "re-export the model: TFLite Micro would read past the end of that buffer" },
  1017: { message: "op {0} ({1}) is a builtin operator with custom options", hint: "TFLite Micro rejects it too (\"found builtin operator with custom options\"): re-export the model with the TFLite converter" },
  1018: { message: "tensor {0} ({1}), {2}: quantization scale {3} is not a finite number greater than 0", hint: "TFLite requires every scale to be finite and positive (a zero, negative, infinite or NaN scale makes every value meaningless): re-quantize the model with the TFLite converter" },
  1019: { message: "tensor {0} ({1}), {2}: {3} zero point {4} is outside {5}", hint: "TFLite's rules: int8 zero points lie in [-128, 127], uint8 in [0, 255]; int16 activations, int32 and int64 tensors (biases) have zero point 0: re-quantize the model with the TFLite converter" },
  1020: { message: "op {0} ({1}): requantization multiplier {2} cannot be applied ({3}); tensors: {4}", hint: "the op's scales differ by more than 2^30, which no int32 kernel (TFLite Micro's QuantizeMultiplier: shift -31..30) can represent: the model's quantization is damaged, re-quantize it" },
  1021: { message: "model exceeds what Mote compiles for a Cortex-M7: {0}", hint: "the limits (docs/reliability.md) lie past the memory of the largest supported board; check that the file is the model you meant, or make the model smaller" },
  1022: { message: "op {0} ({1}) writes tensor {2} ({3}), which holds constant data", hint: "an op's output is computed, never stored in the model file: the file is damaged (a tensor points at a weight buffer); re-export the model" },
  1023: { message: "op {0} ({1}), tensor {2} ({3}): {4}", hint: "TFLite Micro runs the ops in the file's order, so this op would read whatever the memory held: the file is damaged or was edited by hand; re-export the model" },

  // 2xxx: kernel-subset check (compiler/subset/). Each has a wrong example and the fix in docs/subset.md.
  2001: { message: "class declarations are not in the kernel subset", hint: "write plain functions that take a params record" },
  2002: { message: "closures, arrow functions and nested functions are not allowed", hint: "declare a top-level function and call it" },
  2003: { message: "strings are not allowed in kernels", hint: "use integer codes in the params record" },
  2004: { message: "exceptions (try/throw) are not allowed", hint: "return early; invalid models are rejected at compile time by op lowering" },
  2005: { message: "recursion is not allowed: {0}", hint: "rewrite it as a loop" },
  2006: { message: "allocation ({0}) is not allowed in kernels", hint: "take the buffer as a typed-array parameter; the planner places it in the arena" },
  2007: { message: "loose equality '{0}'", hint: "use === or !==" },
  2008: { message: "integer division must truncate explicitly", hint: "write (a / b) | 0 or Math.trunc(a / b)" },
  2009: { message: "missing or unsupported type for {0}", hint: "annotate it with i8, i16, i32, u8, u16, f32, boolean, a typed array or a params interface" },
  2010: { message: "float arithmetic must be rounded to f32 explicitly", hint: "wrap the operation in Math.fround(...); convert integers with Math.fround(i)" },
  2011: { message: "'.length' of an array is not available after lowering", hint: "pass the size in the params record" },
  2012: { message: "implicit narrowing from i32 to {0}", hint: "convert explicitly: toI8(x) / sat8(x) (or toI16 / sat16)" },
  2013: { message: "unknown function or global '{0}'", hint: "call a subset function, an intrinsic from kernels/intrinsics.ts, or Math.imul/min/max/abs/trunc/fround/sqrt" },
  2014: { message: "condition must be a boolean expression", hint: "compare explicitly, e.g. if (n !== 0)" },
  2015: { message: "'var' declarations are not allowed", hint: "use let or const" },
  2016: { message: "'{0}' inside an expression", hint: "increment in its own statement (i++;) or in a for-loop step" },
  2017: { message: "{0} loops are not allowed", hint: "use for (let i: i32 = 0; i < n; i++)" },
  2018: { message: "import from '{0}' is not in the kernel subset", hint: "import only from ./types.ts, ./intrinsics.ts and other kernel files" },
  2019: { message: "object and array literals are not allowed", hint: "pass data as typed-array parameters or record fields" },
  2020: { message: "'switch' is not supported", hint: "use if / else if" },
  2021: { message: "plain 'number' has no machine type", hint: "use a machine type alias: i32, i16, i8, u8, u16 or f32" },
  2022: { message: "unsupported syntax: {0}", hint: "see docs/subset.md for what kernels may use" },
  2023: { message: "integer literal {0} does not fit in i32", hint: "integer constants are 32-bit signed" },
  2024: { message: "array or record '{0}' used as a value", hint: "index the array (a[i]) or read a field (p.x); arrays can only be passed to calls" },
  2025: { message: "wrong number of arguments to {0}: expected {1}, got {2}", hint: "pass exactly the parameters the function declares; Math.min/max take two, nest them for more" },
  2026: { message: "'{0}' is not declared", hint: "declare it with let/const in an enclosing block, or as a top-level const of this file; a for-loop variable ends with its loop" },
  2027: { message: "mismatched types: {0}", hint: "both sides must be i32, f32 or boolean; convert explicitly" },
  2028: { message: "record {1} has no field '{0}'", hint: "fix its spelling, or add the field to the params interface and have op lowering fill it" },
  2029: { message: "function '{0}' must declare its return type", hint: "add ': void' or ': i32'" },
  2030: { message: "cannot assign to '{0}'", hint: "only local variables, scalar parameters and array elements can be assigned" },
  // 29xx: kernel files as a whole (not subset constructs: no example in docs/subset.md)
  2901: { message: "cannot read kernel file {0}: {1}", hint: "pass the path of a kernel .ts file (kernels/*.ts); a kernel's imports must exist next to it" },
  2902: { message: "kernel source is outside the subset: {0}", hint: "fix each one; mote check FILE.ts lists them with their codes, and docs/subset.md has a wrong example and its fix for every code" },

  // 3xxx: specialization and op lowering
  3001: { message: "op {0} ({1}) at index {2}: {3}", hint: "docs/operators.md lists what each operator supports; change that layer of the model" },
  3002: { message: "audio front end {0} does not fit model {1}: {2}", hint: "kws-mfcc feeds an int8 [49, 10] input (kws_ref_model), sww-log-mel an int8 [30, 40] one (str_ww_ref_model); docs/signal.md" },
  3020: { message: "UNIDIRECTIONAL_SEQUENCE_LSTM (op {0}): {1}", hint: "Mote runs TFLite Micro's integer LSTM (int8 or 16x8, int16 cell state, all four gates, no peephole, projection or layer norm); re-export the model without that variant (docs/operators.md)" },

  // 4xxx: memory planning
  4001: { message: "model does not fit {0}: {1} needs {2} bytes, {3} available ({4} bytes short); peak at op {5} ({6})" },
  4002: { message: "firmware does not fit {0}: {1} is {2} bytes short", hint: "the linker's own count for the whole firmware; for RAM use a board with more, a smaller model or another --plan; for flash lower --flash-budget (int8 weights are half the bytes of int16)" },

  // 5xxx: emission, toolchains, boards
  5001: { message: "{0} not found", hint: "install it: {1}" },
  5002: { message: "{0} failed: {1}" }, // retired: split into 5009-5015 and 6xxx; see RESERVED
  5003: { message: "unknown board {0}. Boards: {1}", hint: "pass --board with one of the listed boards (each is a folder of boards/ with a board.json)" },
  5004: { message: "unknown target {0}. Targets: ts, wasm, host, qemu", hint: "pass --target with one of the listed targets (qemu is the default)" },
  5005: { message: "input {0}: expected {1} bytes for tensor {2} ({3}), got {4}", hint: "pass the raw bytes of the tensor, one byte per int8 element in the tensor's layout" },
  5006: { message: "firmware did not finish: {0}", hint: "the firmware's own error line is quoted; raise the board's stackBytes for a stack overflow, or pass a longer timeout" },
  5007: { message: "board {0} has no firmware support yet (description only)", hint: "use --board {1}, optionally with {0}'s memory limits" },
  5008: { message: "invalid board description {0}: {1}", hint: "fix that board.json; boards/qemu-mps2-an500/board.json shows every field" },
  5009: { message: "gcc failed to build the host program: {0}", hint: "the full log is {1}; generated C builds with -Wall -Wextra -Wconversion -Wcast-qual -Werror, so unless the library was edited by hand this is a Mote bug: please report it with the log" },
  5010: { message: "arm-none-eabi-gcc failed to build the firmware for {0}: {1}", hint: "the full log is {2}; check the board's sources and linker script in boards/{0}/, and report generated-code errors as a Mote bug" },
  5011: { message: "host program {0} failed: {1}", hint: "rebuild it (mote run --target host rebuilds on every run); if it persists, run the program by hand on a directory holding input_<i>.bin and report the output" },
  5012: { message: "{0} failed on {1}: {2}", hint: "{1} must be an ARM ELF that mote compile built; reinstall the ARM toolchain (apt-get install binutils-arm-none-eabi) if the tool itself fails" },
  5013: { message: "cannot read the linker map {0}: {1}", hint: "use the firmware.map that mote compile writes beside firmware.elf, from the same build" },
  5014: { message: "no C files in the model library {0}", hint: "write the library there first: mote compile MODEL --no-firmware --out {0}" },
  5015: { message: "bench outputs differ from golden: {0}", hint: "the results are still written; rerun the model with mote run --target ts and --target qemu on the failing input to find which target differs, and report it" },
  5016: { message: "model image step {0} names kernel id {1}, which this build does not contain", hint: "rebuild the image and the program together (mote compile --mode interpreter); kernel ids are listed in compiler/build/interpreter/kernel-ids.ts" },
  5017: { message: "the model image is invalid: {0}", hint: "rebuild it with this version of Mote (mote compile --mode interpreter); a hand-edited or damaged image is rejected before any step runs" },
  // 503x: real boards (flashing, serial logs)
  5030: { message: "{0} could not flash {1}: {2}", hint: "connect the board's ST-LINK USB port (F746G-DISCO: CN14; NUCLEO-H743ZI: CN1), check that no other program holds the probe, and retry; or flash by hand with the command mote compile printed" },
  5031: { message: "cannot read the serial log {0}: {1}", hint: "pass a text file captured from the board's virtual COM port at 115200 baud (or the port itself, e.g. /dev/ttyACM0), starting at the board's reset" },
  5032: { message: "board {0} is real hardware: this runs only on the simulated board", hint: "run or profile with --board {1} (QEMU); for {0}, build with mote compile MODEL --board {0} (add --profile for per-layer cycles), flash with mote flash and read its UART with mote serial-log" },

  // 6xxx: options and the command line
  6001: { message: "invalid command line: {0}", hint: "run mote --help, or mote <command> --help, for the usage" },
  6002: { message: "unknown mode '{0}'. Modes: {1}", hint: "pass --mode codegen (the default) or --mode interpreter" },
  6003: { message: "unknown plan '{0}'. Plans: {1}", hint: "pass --plan with one of the listed planners, or leave it out for the default" },
  6004: { message: "unknown bench configuration '{0}'. Configurations: {1}", hint: "pass --config with one of the listed names, or leave it out to run all of them" },
  6005: { message: "{0} takes {1}, got '{2}'", hint: "fix the value of {0} (mote <command> --help lists every option)" },
  6006: { message: "wrong number of inputs: the model takes {0}, got {1}", hint: "pass one input per model input, in the model's order (mote run: --input FILE once per input)" },
  6007: { message: "wrong number of output files: the model has {0}, got {1}", hint: "pass --output FILE once per model output, in the model's order, or --out DIR to get DIR/output_<k>.bin" },
  6008: { message: "{0} and {1} cannot be combined", hint: "{2}" },
  6009: { message: "cannot read input file {0}: {1}", hint: "pass a file of raw input tensor bytes (int8: one byte per element, in the tensor's layout)" },
  6010: { message: "no golden data for model {0}: {1} is missing", hint: "--golden DIR must hold input_<k>.bin and output_<k>.bin pairs (raw input and expected output tensor bytes); leave --golden out to bench a model without checking its outputs" },
  6011: { message: "unknown audio front end '{0}'. Front ends: {1}", hint: "pass one of the listed presets (docs/signal.md describes each)" },
  6030: { message: "cannot {0} model tensor '{1}': {2}", hint: "floats convert only to and from int8 inputs and outputs with one scale (mote_tensor_info.quantized, TensorInfo.quantized), one value per element: check the model's I/O table (report.md) and the number of values" },
  // 604x: naming and placing the generated C library (mote compile --name, --arena-section)
  6040: { message: "invalid library name '{0}' (--name): {1}", hint: "pass a C identifier such as kws or person_detect: it prefixes every symbol the library exports (kws_invoke, KWS_NUM_INPUTS) and names its files kws.h and kws.c" },
  6041: { message: "invalid arena section '{0}' (--arena-section): {1}", hint: "pass the name of a section your linker script places, e.g. .sram2, .dtcm_bss or .bss.kws_arena" },
  // 64xx: on the device or in the cloud (`mote compare`, compiler/compare/)
  6401: { message: "unknown link '{0}'. Links: {1}", hint: "pass --link ble, wifi, lte-m, nb-iot or all" },
  6402: { message: "{0} must be {1}, got '{2}'", hint: "e.g. --rate 60 (inferences per hour) or --positive-rate 0.05 (a fraction from 0 to 1)" },
  6403: { message: "board {0} has no current figures for mote compare (boards with figures: {1})", hint: "pass --board with one of those; the simulated QEMU board has no datasheet Run-mode current, so it cannot give energy. A board's figures go in compiler/compare/figures.json, each with its source" },
  6404: { message: "unknown battery '{0}'. Batteries: {1}", hint: "pass one of the listed batteries (compiler/compare/figures.json describes each)" },
  6405: { message: "the inference server did not answer {0} at {1}: {2}", hint: "a bug in mote compare or the server (server/): please report it with the command line" },
  6406: { message: "figures file {0} is invalid: {1}", hint: "every figure in compiler/compare/figures.json needs a numeric value, its unit, a source, verified true or false, and a kind" },
  // 65xx: the inference server (`mote serve`, server/)
  6501: { message: "cannot listen on {0} port {1}: {2}", hint: "pick another --port (0 takes any free one) or stop the program using it" },
  6502: { message: "--audio names {0}, which is not among the served models ({1})", hint: "give the front end for a model you serve, by its name (the file name without .tflite)" },
  6503: { message: "two served models are named {0} ({1} and {2})", hint: "serve each model once; rename one of the files if they differ" },
  // 66xx: files and folders the commands read and write (compiler/files.ts)
  6601: { message: "cannot write {0} {1}: {2}", hint: "name a file in a folder you can write to (missing folders are created); the file is written whole or not at all, an earlier one stays as it was" },
  6602: { message: "cannot use {0} {1} as an output folder: {2}", hint: "{0} names a folder (created with its parents when missing) in a place you can write to" },
  6603: { message: "cannot read {0} {1}: {2}", hint: "check the path (a relative one starts from the current folder) and that it names what the option takes" },
  // 67xx: a user's kernels and lowerings (--kernels DIR, mote test-kernel; docs/custom-kernels.md)
  6701: { message: "--kernels {0}: {1}", hint: "pass a folder of kernel files (<name>.ts, in the kernel subset) and their lowerings (<name>.lower.ts); docs/custom-kernels.md" },
  6702: { message: "cannot load user file {0}: {1}", hint: "fix the file so that it runs as TypeScript (node with tsx); docs/custom-kernels.md shows a complete kernel and lowering" },
  6703: { message: "user lowering {0}: {1}", hint: "export OPCODES (opcode or \"CUSTOM:<custom_code>\" -> lowering function) and CONTRACTS, as compiler/ops/api.ts types them; docs/custom-kernels.md" },
  6704: { message: "user kernel {0} has the name of Mote's own {1}: {2}", hint: "rename the file and its functions (e.g. my_{3}.ts), or make it an override: a <name>.lower.ts beside it whose OPCODES name the builtin op" },
  6705: { message: "user lowering {0} failed on op {1} ({2}): {3}", hint: "the error is in that file's lowering; mote test-kernel runs it on random ops" },
  6706: { message: "user lowering {0} returned a bad kernel call for op {1} ({2}): {3}", hint: "build calls with kernelCall() from compiler/ops/api.ts: a kernel file of the folder (or of Mote), its entry function, an i32 record and the array arguments" },
  6707: { message: "opcode {0} is lowered by two user files: {1} and {2}", hint: "keep one lowering per opcode in the --kernels folder" },
  6708: { message: "test-kernel {0}: {1}", hint: "a kernel file of a --kernels folder, with a <name>.lower.ts (beside it or in --kernels) whose CONTRACTS name it; docs/custom-kernels.md" },
  6709: { message: "test-kernel {0}: {1} disagrees with {2} on case {3} (seed {4}): {5}", hint: "reproduce with the same --seed and --runs; the case gives the op, its shapes and the kernel's record" },
  // 61xx: input data files (images, audio) turned into model inputs on the host (compiler/inputs/)
  6101: { message: "cannot decode image {0}: {1}", hint: "pass a PNG, JPEG or uncompressed BMP file (RGB, grayscale or palette; alpha is dropped)" },
  6102: { message: "cannot read WAV file {0}: {1}", hint: "pass a 16-bit PCM WAV file, mono or stereo (channel 0 is used); e.g. sox in.wav -b 16 -e signed-integer out.wav" },
  6103: { message: "WAV file {0} is sampled at {1} Hz, {2} Hz expected", hint: "resample it to {2} Hz, e.g. sox in.wav -r {2} out.wav" },
  6104: { message: "model input {0} ({1}) cannot take an image: {2}", hint: "images feed int8 or uint8 inputs of shape [1, height, width, 3] (or 1 channel) with a per-tensor scale and zero point" },
  6105: { message: "cannot tell which pixel range model input {0} ({1}) expects: scale {2} and zero point {3} cover {4}..{5}", hint: "pass the range explicitly (pixelRange '0..1', '0..255', '-1..1' or '-128..127'): the one the model was trained with" },
  6106: { message: "cannot read file {0}: {1}", hint: "check the path and that the file is readable" },
  6107: { message: "sample data {0} is absent", hint: "set MOTE_SHARED to the folder holding the shared models and data (by default Mote looks for a folder named shared beside its own)" },
  // 62xx: mote analyze and mote bench on any model
  6201: { message: "{0} cannot be compiled as it is: {1} problem{2}: {3}", hint: "the analysis above gives each problem its op index and a next step (with --json: its problems field); docs/operators.md lists what each operator supports" },
  // 63xx: mote validate
  6301: { message: "malformed .npy file {0}: {1}", hint: "write it with numpy.save (C order; float32/64, int8, uint8, int16 or int32)" },
  6302: { message: "input file {0} cannot feed model input {1} ({2}): {3}", hint: "pass raw tensor bytes of the exact size, a .npy of floats (quantized with the input's scale) or of the input's dtype, an image for an image input, or a WAV with --audio PRESET; mote analyze lists each input's shape, dtype, scale and zero point" },
  6303: { message: "expected output file {0} does not fit model output {1} ({2}): {3}", hint: "pass raw output bytes of the exact size, or a .npy of the output's dtype or of floats, once per model output in order" },
  6304: { message: "targets disagree: {0} output {1} ({2}) differs from {3} at byte {4} ({5} vs {6})", hint: "a bug in Mote: please report it with the model and input (mote run --target ... writes each target's bytes)" },
  6305: { message: "output {0} ({1}) differs from the expected output: {2}", hint: "the comparison above gives the exact match count and the max and mean differences; check that the input and the reference were made with the same preprocessing" },
  6901: { message: "cannot read TF.js model {0}: {1}", hint: "pass the model.json of a TF.js graph model or layers model (tfjs-converter or tf.io output), with its weight files beside it" },
  6902: { message: "TF.js model {0} has weights that do not match its manifest: {1}", hint: "keep model.json and every file its weightsManifest lists together, as the converter or model.save wrote them" },
  6903: { message: "{0} uses {1} unsupported TensorFlow op{2}: {3}", hint: "docs/tfjs.md lists the ops Mote imports; convert the model without them (or replace them with supported ones) and export it again" },
  6904: { message: "{0} uses {1} unsupported Keras layer{2}: {3}", hint: "docs/tfjs.md lists the layers Mote imports; rebuild the model without them and save it again" },
  6905: { message: "TF.js model {0}: {1} cannot be imported: {2}", hint: "docs/tfjs.md lists what each supported op and layer may use (batch 1, NHWC, constant weights)" },
  6906: { message: "float evaluation of {0} cannot run op {1} ({2}): {3}", hint: "the float reference evaluates float32 graphs imported from TF.js; docs/tfjs.md lists its ops" },
  6907: { message: "float evaluation of {0}: {1}", hint: "pass one Float32Array per model input, each with exactly as many values as the input has elements" },
  // 691x: int8 quantization of TF.js models (mote quantize, compiler/quantize/)
  6911: { message: "cannot read calibration data {0}: {1}", hint: "pass a folder of PNG/JPEG images, a .npy of float inputs ([N, ...input shape] or one input) or a CSV with one flattened input per row" },
  6912: { message: "calibration data {0} does not fit input {1} ({2}): {3}", hint: "each calibration sample must have exactly as many values as the model input has elements (a CSV row may carry one extra last column, e.g. a label, which is ignored)" },
  6913: { message: "invalid {0} for mote quantize: {1}", hint: "--calibration-method is minmax, mse, minmax-bc or mse-bc; --input-range is LO,HI (e.g. 0,1 or -1,1); --input-scale is a number" },
  6914: { message: "{0} cannot be quantized: no int8 rule for {1}", hint: "docs/tfjs.md lists the ops the quantization pass covers; rebuild the model without them" },
  6915: { message: "{0} cannot be quantized: tensor {1} has no calibrated range", hint: "the calibration data must run through the whole model; a tensor no op computes (or that stays NaN/infinite) cannot get int8 parameters" },
  6916: { message: "{0} is a TF.js model: {1} needs --calibration DATA to quantize it", hint: "pass --calibration (a folder of images, a .npy or a CSV of inputs), or quantize it first with mote quantize MODEL.json --calibration DATA --out model_int8.tflite" },
  6917: { message: "cannot write {0}: {1}", hint: "check that the folder exists and is writable" }, // retired for 6601: see RESERVED
} satisfies Record<number, DiagnosticInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;

/**
 * Codes in the table that nothing raises any more, each with the reason. They stay in the table
 * so an old message can still be looked up, and are never reused for another meaning.
 */
export const RESERVED: Partial<Record<DiagnosticCode, string>> = {
  5002: "retired for specific codes (toolchain and run failures 5009-5015, options and the command line 6xxx)",
  6917: "retired for 6601, which every command's output files raise (mote quantize --out included)",
};

/** The ranges of the header, by thousands digit (docs/errors.md is grouped by them). */
export const CODE_RANGES: Record<number, string> = {
  1: "model import (the .tflite file)",
  2: "kernel source (2001-2899: constructs outside the subset, with examples in docs/subset.md; 29xx: kernel files)",
  3: "specialization and op lowering",
  4: "memory planning and fit",
  5: "emission, toolchains, boards, running a built model",
  6: "options and the command line",
};

/** Constructs outside the kernel subset (2001-2899): each has an example in docs/subset.md. */
export function isSubsetCode(code: number): boolean {
  return code > 2000 && code < 2900;
}

/** A user error: bad input, missing tool, model that does not fit. The CLI exits 1 on it. */
export class MoteError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "MoteError";
  }

  /** One line for the terminal: `error MOTE1003: ... (hint)`. */
  oneLine(): string {
    return `error MOTE${this.code}: ${this.message}${this.hint ? ` (${this.hint})` : ""}`;
  }
}

export function formatDiagnostic(code: DiagnosticCode, args: readonly unknown[]): string {
  const info: DiagnosticInfo = DIAGNOSTICS[code];
  return info.message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
}

/** The user error `code` with its message and hint filled from `args` (see fail). */
export function diagnostic(code: DiagnosticCode, ...args: unknown[]): MoteError {
  const info: DiagnosticInfo = DIAGNOSTICS[code];
  let hint = info.hint;
  if (hint) hint = hint.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
  return new MoteError(code, formatDiagnostic(code, args), hint);
}

/** Throws the user error `code` with its message filled from `args`. */
export function fail(code: DiagnosticCode, ...args: unknown[]): never {
  throw diagnostic(code, ...args);
}
