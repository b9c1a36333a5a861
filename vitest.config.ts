import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: process.env.MOTE_FULL ? [] : ["test/**/*.full.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Every build in the tests runs the KIR verifier after each pass (compiler/build/index.ts);
    // MOTE_VERIFY=0 in the environment turns it off.
    env: { MOTE_VERIFY: process.env.MOTE_VERIFY ?? "1" },
  },
});
