/**
 * @fileoverview The names of the targets one inference runs on, alone in a module that imports
 * nothing, so the command line can list and check them without loading the runners.
 */
export const TARGETS = ["ts", "wasm", "host", "qemu"] as const;
export type Target = (typeof TARGETS)[number];
