#!/usr/bin/env node
// The `mote` command: the precompiled front end dist/mote.js (bin/bundle.js: compiler/cli/entry.ts
// and main.ts as plain JavaScript, rebuilt when a source changed), which loads a command's TypeScript modules
// through tsx only when that command runs, so `mote --help` starts in a fraction of a second.
// Where the front end can be neither found nor built, compiler/cli/entry.ts itself runs through tsx's loader.
import { frontEnd } from "./bundle.js";

const bundle = await frontEnd();
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../compiler/cli/entry.ts");
}
