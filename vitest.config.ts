import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: process.env.MOTE_FULL ? [] : ["test/**/*.full.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Both cores of the CI machine (vitest's default in run mode is one fewer than the cores: a
    // single worker on 2 cores). Most files spend their time in gcc, QEMU or the TS reference,
    // so two files side by side roughly halve the wall time; nothing asserts wall-clock time.
    maxWorkers: 2,
    // Every build in the tests runs the KIR verifier after each pass (compiler/build/index.ts);
    // MOTE_VERIFY=0 in the environment turns it off.
    env: { MOTE_VERIFY: process.env.MOTE_VERIFY ?? "1" },
  },
});
