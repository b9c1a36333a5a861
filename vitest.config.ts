import { defineConfig } from "vitest/config";

/** Test files that replace modules (vi.mock, vi.doMock after vi.resetModules): each runs with its own module registry. */
const ISOLATED = ["test/emit/wasm/model.test.ts", "test/emit/wasm/function.test.ts", "test/boards/boards.test.ts"];
const FULL = "test/**/*.full.test.ts";

export default defineConfig({
  test: {
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
    projects: [
      // npm test's files share one module registry per worker (isolate: false): the compiler,
      // TypeScript, binaryen and the kernels load once per worker instead of once per file (about
      // a second of each file's time). A file leaves nothing behind that another reads: env
      // changes are restored, caches are keyed by their inputs.
      {
        extends: true,
        test: {
          name: "shared",
          isolate: false,
          include: ["test/**/*.test.ts"],
          exclude: [...ISOLATED, FULL],
        },
      },
      // The files that mock modules, and test:full's slow files, each in a fresh registry.
      {
        extends: true,
        test: {
          name: "isolated",
          include: process.env.MOTE_FULL ? [...ISOLATED, FULL] : ISOLATED,
        },
      },
    ],
  },
});
