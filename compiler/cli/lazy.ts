/**
 * @fileoverview A command's module, loaded when the command runs: `mote --help`, `--version` and
 * option parsing never load the compiler. In the precompiled front end (dist/mote.js, plain
 * JavaScript bundled by bin/bundle.js) the first load registers tsx's loader, so the commands,
 * the compiler, the kernels and the runtime stay the .ts files the tests exercise; run as
 * TypeScript (tsx, vitest) the modules load directly.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../paths.ts";

let typescript: Promise<void> | undefined;

/** Makes .ts modules importable: tsx's loader, once, unless this file itself runs as TypeScript. */
function loadTypeScript(): Promise<void> {
  if (import.meta.url.endsWith(".ts")) return Promise.resolve();
  typescript ??= import("tsx/esm/api").then((tsx) => void tsx.register());
  return typescript;
}

/** compiler/cli/<name>.ts, loaded (with everything it imports) on first use. */
export async function commandModule<T>(name: string): Promise<T> {
  await loadTypeScript();
  return (await import(pathToFileURL(path.join(REPO_ROOT, "compiler", "cli", `${name}.ts`)).href)) as T;
}
