/**
 * @fileoverview `npm run fuzz [-- --mutants N] [--seed S] [--model NAME|PATH] [--emit K]`: a
 * longer campaign of the model mutation fuzzer (test/fuzz/mutate.ts, test/fuzz/harness.ts) than
 * `npm test` runs. Each shared model (or the one given) gets N mutants (default 20,000) from
 * seed S (default: random, printed so a run can be repeated), each through read, check and
 * lowering, and the first K (default 20) accepted mutants with a changed graph through the whole
 * build and C emission. Prints per model: mutants tried, rejected with a MOTE error (by code),
 * accepted, crashes, hangs (> 2 s CPU), time; then the first crashes with their mutations. Exit
 * status 1 when anything crashed or hung.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { campaign, summary } from "../test/fuzz/harness.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHARED = process.env.MOTE_SHARED ?? path.resolve(REPO, "..", "shared");
const MODELS = ["ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_int8"];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
function intArg(name: string, dflt: number): number {
  const v = arg(name);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) {
    process.stderr.write(`${name} takes a non-negative integer, got '${v}'\n`);
    process.exit(1);
  }
  return Number(v);
}

const mutants = intArg("--mutants", 20_000);
const seed = intArg("--seed", Math.floor(Math.random() * 2 ** 31));
const emit = intArg("--emit", 20);
const only = arg("--model");
const models = only === undefined
  ? MODELS.map((m) => path.join(SHARED, "models", `${m}.tflite`))
  : [only.endsWith(".tflite") ? only : path.join(SHARED, "models", `${only}.tflite`)];

console.log(`mote fuzz: ${mutants} mutants per model, seed ${seed}, ${emit} per model built and emitted as C`);
let bad = 0;
const start = performance.now();
for (const file of models) {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    process.stderr.write(`cannot read ${file}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const t = campaign(bytes, { mutants, seed, emit, slowMs: 2000 });
  console.log(summary(path.basename(file, ".tflite"), t));
  for (const c of t.crashes.slice(0, 5)) console.log(`  CRASH ${c.mutations}\n    ${c.error.split("\n").slice(0, 6).join("\n    ")}`);
  for (const s of t.slow.slice(0, 5)) console.log(`  HANG ${s.mutations} (${s.cpuMs.toFixed(0)} ms CPU)`);
  bad += t.crashes.length + t.slow.length;
}
console.log(`total ${((performance.now() - start) / 1000).toFixed(1)} s; ${bad === 0 ? "no crashes or hangs" : `${bad} crashes or hangs`}`);
process.exit(bad === 0 ? 0 : 1);
