#!/usr/bin/env node
// The `mote` command: runs the TypeScript CLI (compiler/cli/main.ts) through tsx's loader, so the
// compiler, kernels and runtime are the same .ts files that the tests exercise.
import { register } from "tsx/esm/api";

register();
await import("../compiler/cli/main.ts");
