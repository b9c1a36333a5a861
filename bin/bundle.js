// The precompiled command-line front end: compiler/cli/entry.ts (main.ts's command line run on
// process.argv) and the light modules its options read, bundled by esbuild into dist/mote.js (plain JavaScript, so `mote --help` starts without
// tsx), with dist/mote.inputs.json listing its sources and a hash of each. The command modules stay .ts files that
// the front end loads through tsx when a command runs (compiler/cli/lazy.ts).
//
// `node bin/bundle.js` (npm's `prepare`, so on npm ci and npm pack) builds it; bin/mote.js calls
// frontEnd(), which rebuilds it when a source changed (a clone being edited; contents are compared,
// not times, which an install does not keep) and answers
// undefined when it can be neither used nor built (then the CLI runs as TypeScript).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const BUNDLE = path.join(DIST, "mote.js");
const INPUTS = path.join(DIST, "mote.inputs.json");
const ENTRY = path.join(ROOT, "compiler", "cli", "entry.ts");

/** The hash of a file of the package (relative path). */
function hashOf(file) {
  return createHash("sha1").update(readFileSync(path.join(ROOT, file))).digest("hex");
}

/** True when dist/mote.js exists and its sources (and this script) are those it was built from. */
function fresh() {
  try {
    const inputs = JSON.parse(readFileSync(INPUTS, "utf8"));
    return existsSync(BUNDLE) && Object.entries(inputs).every(([file, hash]) => hashOf(file) === hash);
  } catch {
    return false;
  }
}

/** Bundles entry.ts (packages stay imports) and writes the bundle and its input list atomically. */
export async function build() {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
    outfile: BUNDLE,
  });
  esbuild.stop(); // its service process would otherwise live as long as this one
  mkdirSync(DIST, { recursive: true });
  const files = Object.keys(result.metafile.inputs).map((f) => path.relative(ROOT, path.resolve(process.cwd(), f)).split(path.sep).join("/"));
  const inputs = Object.fromEntries([...files.sort(), "bin/bundle.js"].map((f) => [f, hashOf(f)]));
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(INPUTS + tmp, `${JSON.stringify(inputs, null, 1)}\n`);
  writeFileSync(BUNDLE + tmp, result.outputFiles[0].contents);
  renameSync(INPUTS + tmp, INPUTS);
  renameSync(BUNDLE + tmp, BUNDLE);
}

/** The front end's URL, rebuilt first if stale; undefined when it cannot be built here. */
export async function frontEnd() {
  if (!fresh()) {
    try {
      await build();
    } catch {
      return undefined;
    }
  }
  return existsSync(BUNDLE) ? pathToFileURL(BUNDLE).href : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await build();
