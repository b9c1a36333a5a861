/**
 * @fileoverview Every path option of every command (compiler/files.ts): a missing path, a
 * folder where a file is expected and the reverse, a missing parent, a place that cannot be
 * written (/proc, /sys) is a one-line MOTE error naming the path as typed, before any work.
 * One row per command and option in PATH_CASES: a new command's path options are covered by
 * adding rows. The rows call the command functions (fast); a few spawn the CLI for the exit
 * status, the single line and the /proc hang. Outputs are atomic: a failed compile or write
 * (run, compile, bench's report, compare's files) leaves the earlier output intact and no
 * temporary file; an interrupted one leaves none.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MoteError } from "../../compiler/diagnostics.ts";
import { writeOutputFiles } from "../../compiler/files.ts";
import { buildModel, oneOpModel } from "../import/tflite-builder.ts";
import { REPO } from "../support/shared.ts";
import { expectUserError, type MoteResult } from "../support/cli.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mote-paths-"));
const at = (...p: string[]): string => path.join(tmp, ...p);

const relu = at("relu.tflite");
fs.writeFileSync(relu, buildModel(oneOpModel({ deprecated: 19, code: 19 }))); // RELU, int8 [1, 4]
const input = at("in.bin");
fs.writeFileSync(input, new Uint8Array(4));
const aFile = at("a-file.txt");
fs.writeFileSync(aFile, "x");
const aFolder = at("a-folder");
fs.mkdirSync(aFolder);
const aTflFolder = at("dir.tflite");
fs.mkdirSync(aTflFolder);
const fifo = at("a-fifo");
const hasFifo = spawnSync("mkfifo", [fifo]).status === 0;
const missing = at("missing.bin");
const aJson = at("model.json");
fs.writeFileSync(aJson, "{}");
const underFile = path.join(aFile, "x.bin");
// Permissions bind only a user other than root: these rows run where the tests are not root.
const notRoot = process.getuid?.() !== 0;
const unreadable = at("unreadable.bin");
fs.writeFileSync(unreadable, new Uint8Array(4));
fs.chmodSync(unreadable, 0o000);
const readOnly = at("read-only");
fs.mkdirSync(readOnly);
fs.chmodSync(readOnly, 0o555);
type Row = [string, () => Promise<unknown>, RegExp];

/** Lazily loaded command modules (as the CLI does). */
const cli = {
  run: async () => (await import("../../compiler/cli/run.ts")).runCommand,
  compile: async () => (await import("../../compiler/cli/compile.ts")).compileCommand,
  analyze: async () => (await import("../../compiler/cli/analyze.ts")).analyzeCommand,
  validate: async () => (await import("../../compiler/cli/validate.ts")).validateModel,
  profile: async () => (await import("../../compiler/cli/profile.ts")).profileCommand,
  quantize: async () => (await import("../../compiler/cli/quantize.ts")).quantizeCommand,
  bench: async () => (await import("../../compiler/cli/bench.ts")).benchCommand,
  board: async () => await import("../../compiler/cli/board.ts"),
  compare: async () => (await import("../../compiler/cli/compare.ts")).compareCommand,
  serve: async () => (await import("../../compiler/cli/serve.ts")).serveCommand,
  testKernel: async () => (await import("../../compiler/cli/test-kernel.ts")).testKernel,
  check: async () => (await import("../../compiler/cli/check.ts")).checkCommand,
  kernels: async () => (await import("../../compiler/ops/user-kernels.ts")).loadUserKernels,
};

const runFlags = (o: object) => ({ input: [input], output: [at("o.bin")], target: "ts" as const, board: "qemu-mps2-an500", plan: "search", mode: "codegen" as const, ...o });
const compileFlags = (o: object) => ({ out: at("c-out"), board: "qemu-mps2-an500", plan: "search", mode: "codegen" as const, firmware: false, ...o });
const toolFlags = { board: "qemu-mps2-an500", plan: "search", mode: "codegen" as const };

/** [what, the call, the error it must raise]: one row per command and path option. */
const PATH_CASES: Row[] = [
  // The model positional.
  ["run: model missing", async () => (await cli.run())(missing, runFlags({})), /^MOTE1001: cannot read model file .*missing\.bin: no such file$/],
  ["run: model a folder", async () => (await cli.run())(aFolder, runFlags({})), /^MOTE1001: .*a-folder: it is a folder, not a file$/],
  ["run: model in a missing folder", async () => (await cli.run())(at("nope", "m.tflite"), runFlags({})), /^MOTE1001: .*nope\/m\.tflite: no such folder .*nope$/],
  ["compile: model a folder", async () => (await cli.compile())(aFolder, compileFlags({})), /^MOTE1001: .*a-folder: it is a folder/],
  ["analyze: model missing", async () => (await cli.analyze())(missing, { ...toolFlags }), /^MOTE1001: .*missing\.bin: no such file$/],
  ["validate: model a folder", async () => (await cli.validate())(aFolder, { input: [input], targets: "ts" }), /^MOTE1001: .*it is a folder/],
  ["profile: model missing", async () => (await cli.profile())(missing, { input: [], board: "qemu-mps2-an500", mode: "codegen", top: "5" }), /^MOTE1001: .*no such file$/],
  ["quantize: model.json missing", async () => (await cli.quantize())(at("m.json"), { calibration: aFolder, out: at("q.tflite") }), /^MOTE6901: cannot read TF\.js model .*m\.json: no such file$/],
  ["bench: model a folder", async () => (await cli.bench())([`${aFolder}/`], { out: at("b-out") }), /^MOTE1001: .*it is a folder/],
  ["serve: model missing", async () => (await cli.serve())([at("m.tflite")], {}), /^MOTE1001: .*m\.tflite: no such file$/],
  ["compare: model missing", async () => (await cli.compare())([at("m.tflite")], {}), /^MOTE1001: .*m\.tflite: no such file$/],
  // Files read: --input, --expect, --report, --golden, logs, kernels, calibration data.
  ["run: --input missing", async () => (await cli.run())(relu, runFlags({ input: [missing] })), /^MOTE6009: cannot read input file .*missing\.bin: no such file$/],
  ["run: --input a folder", async () => (await cli.run())(relu, runFlags({ input: [aFolder] })), /^MOTE6009: .*a-folder: it is a folder, not a file$/],
  ...(hasFifo ? [["run: --input a FIFO (never blocks)", async () => (await cli.run())(relu, runFlags({ input: [fifo] })), /^MOTE6009: .*a-fifo: not a regular file$/] as Row] : []),
  ["compile: --input missing", async () => (await cli.compile())(relu, compileFlags({ input: [missing], board: "stm32f746g-disco" })), /^MOTE6009: .*missing\.bin: no such file$/],
  ["validate: --input missing", async () => (await cli.validate())(relu, { input: [missing], targets: "ts" }), /^MOTE6009: .*missing\.bin: no such file$/],
  ["validate: --expect missing", async () => (await cli.validate())(relu, { input: [input], expect: [missing], targets: "ts" }), /^MOTE6603: cannot read --expect .*missing\.bin: no such file$/],
  ["profile: --input a folder", async () => (await cli.profile())(relu, { input: [aFolder], board: "qemu-mps2-an500", mode: "codegen", top: "5" }), /^MOTE6009: .*it is a folder/],
  ["bench: --input missing", async () => (await cli.bench())([relu], { out: at("b-out"), input: [missing] }), /^MOTE6009: .*missing\.bin: no such file$/],
  ["bench: --golden missing", async () => (await cli.bench())([relu], { out: at("b-out"), golden: at("g") }), /^MOTE6603: cannot read --golden .*\/g: no such folder$/],
  ["bench: --golden a file", async () => (await cli.bench())([relu], { out: at("b-out"), golden: aFile }), /^MOTE6603: .*a-file\.txt: it is a file, not a folder$/],
  ["serial-log: log missing", async () => (await cli.board()).serialLogCommand(missing, { timeout: "1" }), /^MOTE5031: cannot read the serial log .*missing\.bin: no such file$/],
  ["serial-log: log a folder", async () => (await cli.board()).serialLogCommand(aFolder, { timeout: "1" }), /^MOTE5031: .*it is a folder, not a file$/],
  ["serial-log: --report missing", async () => (await cli.board()).opNames(missing), /^MOTE6603: cannot read --report .*missing\.bin: no such file$/],
  ["serial-log: --report not JSON", async () => (await cli.board()).opNames(aFile), /^MOTE6603: cannot read --report .*a-file\.txt: not JSON/],
  ["flash: the ELF missing", async () => (await cli.board()).flashCommand(at("fw.elf"), { board: "stm32f746g-disco", timeout: "1" }), /^MOTE6603: cannot read the firmware .*fw\.elf: no such file$/],
  ["flash: the ELF a folder", async () => (await cli.board()).flashCommand(aFolder, { board: "stm32f746g-disco", timeout: "1" }), /^MOTE6603: .*a-folder: it is a folder, not a file$/],
  ["--kernels missing", async () => (await cli.kernels())(at("k")), /^MOTE6701: --kernels .*\/k: no such folder$/],
  ["--kernels a file", async () => (await cli.kernels())(aFile), /^MOTE6701: --kernels .*a-file\.txt: not a folder$/],
  ["test-kernel: file missing", async () => (await cli.testKernel())(at("k.ts")), /^MOTE2901: cannot read kernel file .*k\.ts: no such file$/],
  ["check: file missing", async () => (await cli.check())([at("k.ts")]), /^MOTE2901: .*k\.ts: no such file$/],
  ["check: a folder", async () => (await cli.check())([aFolder]), /^MOTE2901: .*a-folder: it is a folder, not a file$/],
  ["quantize: --calibration missing", async () => (await cli.quantize())(aJson, { calibration: at("cal"), out: at("q.tflite") }), /^MOTE6911: cannot read calibration data .*\/cal: no such file$/],
  // Outputs: --output names a file, --out a folder.
  ["run: --output a folder", async () => (await cli.run())(relu, runFlags({ output: [aFolder] })), /^MOTE6601: cannot write --output .*a-folder: it is a folder, not a file$/],
  ["run: --output under a file", async () => (await cli.run())(relu, runFlags({ output: [underFile] })), /^MOTE6601: .*a-file\.txt is a file, not a folder$/],
  ["run: --output under /proc", async () => (await cli.run())(relu, runFlags({ output: ["/proc/mote-x.bin"] })), /^MOTE6601: cannot write --output \/proc\/mote-x\.bin: /],
  ["run: --output in a missing folder under /proc", async () => (await cli.run())(relu, runFlags({ output: ["/proc/mote-x/y.bin"] })), /^MOTE6601: cannot write --output \/proc\/mote-x\/y\.bin: /],
  ["run: --out a file", async () => (await cli.run())(relu, runFlags({ output: [], out: aFile })), /^MOTE6602: cannot use --out .*a-file\.txt as an output folder: it is a file, not a folder$/],
  ["run: --out under /sys", async () => (await cli.run())(relu, runFlags({ output: [], out: "/sys/mote-x/y" })), /^MOTE6602: cannot use --out \/sys\/mote-x\/y as an output folder: /],
  ["run: --out under /proc", async () => (await cli.run())(relu, runFlags({ output: [], out: "/proc/mote-x" })), /^MOTE6602: cannot use --out \/proc\/mote-x as an output folder: /],
  ["compile: --out a file", async () => (await cli.compile())(relu, compileFlags({ out: aFile })), /^MOTE6602: cannot use --out .*a-file\.txt as an output folder: it is a file/],
  ["compile: --out under a file", async () => (await cli.compile())(relu, compileFlags({ out: path.join(aFile, "o") })), /^MOTE6602: .*a-file\.txt is a file, not a folder$/],
  ["compile: --out /proc/x", async () => (await cli.compile())(relu, compileFlags({ out: "/proc/mote-x" })), /^MOTE6602: cannot use --out \/proc\/mote-x as an output folder: /],
  ["compile: --out /proc/x/y (used to hang)", async () => (await cli.compile())(relu, compileFlags({ out: "/proc/mote-x/y" })), /^MOTE6602: cannot use --out \/proc\/mote-x\/y as an output folder: /],
  ["profile: --output a folder", async () => (await cli.profile())(relu, { input: [], board: "qemu-mps2-an500", mode: "codegen", top: "5", output: aFolder }), /^MOTE6601: cannot write --output .*a-folder: it is a folder/],
  ["quantize: --out FILE.tflite that is a folder", async () => (await cli.quantize())(at("m.json"), { calibration: aFolder, out: aTflFolder }), /^MOTE6601: cannot write --out .*dir\.tflite: it is a folder/],
  ["quantize: --out DIR under a file", async () => (await cli.quantize())(at("m.json"), { calibration: aFolder, out: path.join(aFile, "q") }), /^MOTE6601: cannot write --out .*a-file\.txt\/q\/m_int8\.tflite: .*a-file\.txt is a file, not a folder$/],
  ["bench: --out a file", async () => (await cli.bench())([relu], { out: aFile }), /^MOTE6602: cannot use --out .*a-file\.txt/],
  ["compare: --out a file", async () => (await cli.compare())([relu], { out: aFile }), /^MOTE6602: cannot use --out .*a-file\.txt/],
  ...(notRoot ? [
    ["run: --input unreadable", async () => (await cli.run())(relu, runFlags({ input: [unreadable] })), /^MOTE6009: .*unreadable\.bin: permission denied$/],
    ["run: --output in a read-only folder", async () => (await cli.run())(relu, runFlags({ output: [path.join(readOnly, "o.bin")] })), /^MOTE6601: cannot write --output .*read-only\/o\.bin: .*permission denied$/],
    ["compile: --out in a read-only folder", async () => (await cli.compile())(relu, compileFlags({ out: path.join(readOnly, "o") })), /^MOTE6602: cannot use --out .*read-only\/o as an output folder: .*permission denied$/],
  ] as Row[] : []),
];

async function moteError(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (e) {
    if (e instanceof MoteError) return `MOTE${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error("no error raised");
}

describe("every path option: a one-line MOTE error naming the path", () => {
  it.each(PATH_CASES)("%s", async (_, call, pattern) => {
    expect(await moteError(call)).toMatch(pattern);
  });

  it("run --output in a missing folder creates it", async () => {
    const out = at("new", "deeper", "o.bin");
    await (await cli.run())(relu, runFlags({ output: [out] }));
    expect(fs.readFileSync(out)).toHaveLength(4);
  });

  it("run --output /dev/null writes in place (a device is never replaced by a rename)", async () => {
    await (await cli.run())(relu, runFlags({ output: ["/dev/null"] }));
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
  });
});

function mote(args: string[], timeout = 60_000): MoteResult {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin", "mote.js"), ...args], { encoding: "utf8", timeout, cwd: tmp });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the CLI: exit 1, one line, no stack trace, no hang", () => {
  it.each([
    ["compile --out /proc/x/y", ["compile", relu, "--no-firmware", "--out", "/proc/mote-x/y"], /^error MOTE6602: cannot use --out \/proc\/mote-x\/y as an output folder/],
    ["relative paths as typed", ["run", "relu.tflite", "--input", "in.bin", "--output", "a-file.txt/o.bin", "--target", "ts"], /^error MOTE6601: cannot write --output a-file\.txt\/o\.bin: a-file\.txt is a file, not a folder \(/],
    // Checked before any measurement: no QEMU run, no inference server.
    ["bench --out a file", ["bench", "relu.tflite", "--out", "a-file.txt"], /^error MOTE6602: cannot use --out a-file\.txt as an output folder: it is a file, not a folder/],
    ["compare --out under /proc", ["compare", "relu.tflite", "--out", "/proc/mote-x/y"], /^error MOTE6602: cannot use --out \/proc\/mote-x\/y as an output folder/],
  ])("%s", (_, args, pattern) => {
    expectUserError(mote(args as string[]), pattern as RegExp);
  });
});

/** Entries of `dir` that are temporaries of paths.ts (staging folders, .tmp files). */
const temporaries = (dir: string): string[] => fs.readdirSync(dir).filter((n) => /\.partial-|\.tmp$/.test(n));

describe("atomic outputs", () => {
  it("a failed compile leaves the earlier output intact and no temporary folder", async () => {
    const out = at("atomic");
    const compile = await cli.compile();
    await compile(relu, compileFlags({ out }));
    const before = Object.fromEntries(fs.readdirSync(out).map((n) => [n, fs.readFileSync(path.join(out, n), "utf8")]));
    expect(Object.keys(before)).toContain("model.c");
    const spec = oneOpModel({ deprecated: 9, code: 9 }); // FULLY_CONNECTED, made float: rejected midway
    for (const t of spec.subgraphs[0]!.tensors) {
      t.type = 0;
      delete t.quant;
    }
    const float = at("float.tflite");
    fs.writeFileSync(float, buildModel(spec));
    await expect(compile(float, compileFlags({ out }))).rejects.toThrow(/float model|not int8/);
    const after = Object.fromEntries(fs.readdirSync(out).map((n) => [n, fs.readFileSync(path.join(out, n), "utf8")]));
    expect(after).toEqual(before);
    expect(temporaries(tmp)).toEqual([]);
  });

  it("a failed write of several files writes none of them and leaves no temporary file", () => {
    const dir = at("multi");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "a.bin"), "earlier");
    expect(() => writeOutputFiles([{ file: path.join(dir, "a.bin"), data: "new" }, { file: "/proc/mote-x.bin", data: "new" }], "--output")).toThrow(/MOTE6601|cannot write --output \/proc\/mote-x\.bin/);
    expect(fs.readFileSync(path.join(dir, "a.bin"), "utf8")).toBe("earlier");
    expect(temporaries(dir)).toEqual([]);
  });

  it("bench's report and compare's JSON and HTML: a failed write leaves the earlier files and no temporary file", async () => {
    const { writeBenchReport } = await import("../../compiler/bench/html.ts");
    const bench = at("bench-out");
    fs.mkdirSync(path.join(bench, "report.html"), { recursive: true });
    fs.copyFileSync(path.join(REPO, "test", "fixtures", "bench", "results.json"), path.join(bench, "results.json"));
    const noModel = { modelFiles: { ad01_int8: at("absent.tflite") }, profile: false };
    await expect(writeBenchReport(bench, noModel)).rejects.toThrow(/^cannot write --out .*bench-out\/report\.html: it is a folder, not a file$/);
    expect(temporaries(bench)).toEqual([]);
    fs.rmdirSync(path.join(bench, "report.html"));
    expect(await writeBenchReport(bench, noModel)).toBe(path.join(bench, "report.html"));
    expect(fs.readFileSync(path.join(bench, "report.html"), "utf8")).toMatch(/^<!DOCTYPE html>/);

    const { writeCompareReport } = await import("../../compiler/compare/report.ts");
    const compare = at("compare-out");
    fs.mkdirSync(path.join(compare, "compare.html"), { recursive: true });
    fs.writeFileSync(path.join(compare, "compare.json"), "earlier");
    const report = {
      board: { name: "b", mcu: "m", clockHz: 1e8, runCurrentA: 0.01, voltageV: 3.3 }, cpi: { assumed: 1, low: 1, high: 1 },
      ratePerHour: 60, positiveRate: 1, battery: { name: "c", description: "d", capacityMah: 200, voltageV: 3 }, requests: 1, models: [], figures: [],
    };
    await expect(writeCompareReport(compare, report)).rejects.toThrow(/^cannot write --out .*compare-out\/compare\.html: it is a folder, not a file$/);
    expect(fs.readFileSync(path.join(compare, "compare.json"), "utf8")).toBe("earlier");
    expect(temporaries(compare)).toEqual([]);
    await expect(writeCompareReport(path.join(aFile, "c"), report)).rejects.toThrow(/^cannot use --out .*a-file\.txt\/c as an output folder: .*a-file\.txt is a file, not a folder$/);
  });

  it("an interrupted command leaves no temporary file or folder", async () => {
    const dir = at("interrupted");
    fs.mkdirSync(dir);
    const script = [
      `import { stageDir, writeOutputFile } from ${JSON.stringify(path.join(REPO, "compiler", "files.ts"))};`,
      `import * as fs from "node:fs";`,
      `const s = stageDir(${JSON.stringify(path.join(dir, "out"))}, "--out");`,
      `fs.writeFileSync(s.dir + "/half.c", "int x");`,
      `console.log("staged");`,
      `setInterval(() => {}, 1000);`,
    ].join("\n");
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => (d.toString().includes("staged") ? resolve() : undefined));
      child.on("exit", () => reject(new Error("exited before staging")));
    });
    expect(temporaries(dir)).toHaveLength(1);
    const status = await new Promise<number | null>((resolve) => {
      child.on("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
    expect(status).toBe(143);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
