/**
 * @fileoverview The `mote` process: runs the command line of compiler/cli/main.ts on process.argv
 * and exits with its status (a command that finished lets the process end by itself, so a
 * server keeps running). bin/bundle.js precompiles this file, with main.ts and the light modules
 * it reads, to dist/mote.js.
 */
import { runMote } from "./main.ts";

const status = await runMote(process.argv);
if (status !== undefined) process.exit(status);
