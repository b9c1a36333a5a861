/**
 * Several invocations on one instance (compiler/run/targets.ts runInvocations): variable tensors
 * keep their bytes from one invocation to the next on every target and in both modes, as
 * streaming front ends and recurrent ops need. The graph is an accumulator: ADD(input, state)
 * -> sum, then QUANTIZE(sum) -> state (the same scale: a copy), so after n invocations the output
 * is the clamped running sum of the inputs.
 */
import { describe, expect, it } from "vitest";
import type { Graph, Tensor } from "../../compiler/ir/graph.ts";
import { runInvocations, type Target } from "../../compiler/run/targets.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { collectBuffers } from "../../compiler/plan/lifetimes.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { RUNTIME_DIR } from "../../compiler/paths.ts";
import { needTools } from "../support/shared.ts";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const q = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };

function accumulator(): Graph {
  const tensor = (index: number, name: string, isVariable = false): Tensor =>
    ({ index, name, dtype: "int8", shape: [1, 8], quant: q, isVariable });
  return {
    name: "accumulator",
    tensors: [tensor(0, "input"), tensor(1, "state", true), tensor(2, "sum")],
    ops: [
      { index: 0, opcode: "ADD", version: 1, inputs: [0, 1], outputs: [2], options: { fusedActivationFunction: "NONE" } },
      { index: 1, opcode: "QUANTIZE", version: 1, inputs: [2], outputs: [1], options: {} },
    ],
    inputs: [0],
    outputs: [2],
  };
}

const inputs = [
  [1, 2, 3, 4, -1, -2, 100, -100],
  [1, 2, 3, 4, -1, -2, 100, -100],
  [5, 0, -3, 9, 1, -2, 10, -10],
];

function expected(): number[][] {
  const acc = new Array(8).fill(0);
  return inputs.map((inv) => inv.map((x, i) => (acc[i] = Math.max(-128, Math.min(127, acc[i] + x)))));
}

const bytes = (values: number[]): Uint8Array => new Uint8Array(Int8Array.from(values).buffer);

describe("runInvocations keeps variable tensors across invocations", () => {
  const targets: Target[] = ["ts", "wasm", "host", "qemu"];
  for (const mode of ["codegen", "interpreter"] as const) {
    for (const target of targets) {
      it(`${target}, ${mode}`, async () => {
        const r = await runInvocations(accumulator(), inputs.map((i) => [bytes(i)]), target, { mode });
        expect(r.outputs.map((o) => [...new Int8Array(o[0].buffer, o[0].byteOffset, o[0].length)])).toEqual(expected());
        if (target === "qemu") expect(r.instructions).toHaveLength(inputs.length);
      }, 60_000);
    }
  }

  it("gives a variable tensor a lifetime over every step", () => {
    const graph = accumulator();
    const buffers = collectBuffers(graph, lowerGraph(graph));
    const last = Math.max(...buffers.map((b) => b.last));
    expect(buffers.find((b) => b.id === "t1")).toMatchObject({ first: 0, last });
    expect(buffers.find((b) => b.id === "t0")?.last).toBe(0);
  });
});

const gcc = needTools("gcc");

describe.skipIf(gcc.skip)("mote_reset()", () => {
  for (const mode of ["codegen", "interpreter"] as const) {
    it(`zeroes the state: the run after a reset repeats the first (${mode})`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mote-reset-"));
      writeCLibrary(buildFor(accumulator(), { mode }).program, dir);
      fs.writeFileSync(path.join(dir, "main.c"), [
        "#include <stdio.h>", "#include <stdint.h>", "#include <string.h>", '#include "model.h"',
        "int main(void) {",
        "  const int8_t in[8] = {1, 2, 3, 4, -1, -2, 100, -100};",
        "  for (int run = 0; run < 3; run++) {",
        "    if (run == 2) mote_reset();",
        "    memcpy(mote_input(0), in, 8);",
        "    if (mote_invoke() != 0) return 1;",
        "    const int8_t *out = mote_output(0);",
        "    for (int i = 0; i < 8; i++) printf(\"%d%c\", out[i], i == 7 ? '\\n' : ' ');",
        "  }",
        "  return 0;",
        "}",
      ].join("\n"));
      const exe = path.join(dir, "reset");
      execFileSync("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", `-I${dir}`, `-I${RUNTIME_DIR}`, path.join(dir, "main.c"), path.join(dir, "model.c"), "-o", exe]);
      const lines = execFileSync(exe, { encoding: "utf8" }).trim().split("\n");
      expect(lines).toEqual(["1 2 3 4 -1 -2 100 -100", "2 4 6 8 -2 -4 127 -128", "1 2 3 4 -1 -2 100 -100"]);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});
