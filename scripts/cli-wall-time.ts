/**
 * @fileoverview `npm run wall-time [-- --runs N]`: the median wall time of `mote --help` and of
 * `mote analyze kws_ref_model.tflite` over N runs each (default 10), each a fresh `node
 * bin/mote.js` process as a user starts it, printed as a table. A measurement, not a test: the
 * figures depend on the machine and its load. The model is looked up in $MOTE_SHARED/models, else
 * ../shared/models beside the repository.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MOTE = path.join(REPO, "bin", "mote.js");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
const shared = process.env.MOTE_SHARED ?? path.resolve(REPO, "..", "shared");
const model = path.join(shared, "models", "kws_ref_model.tflite");

/** Wall times in seconds of `mote ...args`, one fresh process per run; exits if a run fails. */
function wallTimes(args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [MOTE, ...args], { encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) {
      process.stderr.write(`mote ${args.join(" ")} exited with ${r.status}: ${r.stderr.trim()}\n`);
      process.exit(1);
    }
    times.push(seconds);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

if (!Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write("--runs takes a positive whole number\n");
  process.exit(1);
}
if (!fs.existsSync(model)) {
  process.stderr.write(`no model at ${model}: set MOTE_SHARED to the folder holding models/kws_ref_model.tflite\n`);
  process.exit(1);
}
wallTimes(["--version"]); // builds dist/mote.js first if it is stale, outside the measurement
const rows = [
  ["mote --help", wallTimes(["--help"])],
  ["mote analyze kws_ref_model.tflite", wallTimes(["analyze", model])],
] as const;
const w = Math.max(...rows.map(([name]) => name.length));
process.stdout.write(`${"command".padEnd(w)}  median s    min s    max s  (${RUNS} runs, node ${process.version})\n`);
for (const [name, t] of rows) {
  const f = (x: number) => x.toFixed(3).padStart(8);
  process.stdout.write(`${name.padEnd(w)}  ${f(median(t))} ${f(Math.min(...t))} ${f(Math.max(...t))}\n`);
}
