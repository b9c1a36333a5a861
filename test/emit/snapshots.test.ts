/**
 * @fileoverview Snapshots of generated code: for each case below (a tiny two-op synthetic graph
 * and a build mode), the C library (compiler/emit/c/model.ts) and the WASM module in binaryen's
 * text format (compiler/emit/wasm/model.ts wasmText) must equal the files in
 * test/fixtures/snapshots/<case>/ byte for byte, so a change to an emitter shows as a diff a
 * reviewer reads. Each directory also holds case.json, the case as built here.
 *
 * `UPDATE_SNAPSHOTS=1 npx vitest run test/emit/snapshots.test.ts` rewrites the fixtures (and
 * creates those of a new case). A fixture directory without a case here, or a file in it that
 * the case does not produce, fails; remove it by hand.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildOptions } from "../../compiler/build/index.ts";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import { wasmText } from "../../compiler/emit/wasm/model.ts";
import { buildFresh } from "../../compiler/pipeline.ts";
import { fixture } from "../support/fixtures.ts";
import { syntheticGraph, withActivation, type ConvSpec, type FullyConnectedSpec } from "../support/synthetic.ts";

const SNAPSHOTS = fixture("snapshots");
const UPDATE = !!process.env.UPDATE_SNAPSHOTS && process.env.UPDATE_SNAPSHOTS !== "0";
const ACCEPT = "run UPDATE_SNAPSHOTS=1 npx vitest run test/emit/snapshots.test.ts to accept";

const FC: FullyConnectedSpec = {
  op: "FULLY_CONNECTED", seed: 11, batchDims: [1], depth: 8, units: 4, inputLayout: "flat",
  inputScale: 0.5, inputZeroPoint: -3, inputFill: "random",
  outputScale: 0.125, outputZeroPoint: 2, activation: "NONE",
  filterScales: [0.0078125, 0.00390625, 0.015625, 0.0078125], filterZeroPoint: 0, weightFill: "random",
  hasBias: true, biasRange: 200,
};

const CONV: ConvSpec = {
  op: "CONV_2D", seed: 7, batches: 1, inH: 4, inW: 4, inC: 2, outC: 2, groups: 1,
  filterH: 3, filterW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padding: "SAME",
  inputScale: 0.25, inputZeroPoint: 1, inputFill: "random",
  outputScale: 0.0625, outputZeroPoint: -5, activation: "NONE",
  filterScales: [0.0078125, 0.015625], weightFill: "random", hasBias: true, biasRange: 100,
};

interface SnapshotCase {
  /** The fixture directory's name. */
  name: string;
  what: string;
  /** syntheticGraph(first), then withActivation(then). */
  graph: { first: FullyConnectedSpec | ConvSpec; then: "RELU" | "SOFTMAX" };
  build: BuildOptions;
}

const CASES: SnapshotCase[] = [
  { name: "fc_softmax", what: "FULLY_CONNECTED -> SOFTMAX, codegen, specialized", graph: { first: FC, then: "SOFTMAX" }, build: { mode: "codegen", specialize: true } },
  { name: "fc_softmax_generic", what: "FULLY_CONNECTED -> SOFTMAX, codegen, --specialize off", graph: { first: FC, then: "SOFTMAX" }, build: { mode: "codegen", specialize: false } },
  { name: "fc_softmax_interpreter", what: "FULLY_CONNECTED -> SOFTMAX, interpreter mode", graph: { first: FC, then: "SOFTMAX" }, build: { mode: "interpreter" } },
  { name: "conv_relu", what: "CONV_2D -> RELU, codegen, specialized", graph: { first: CONV, then: "RELU" }, build: { mode: "codegen", specialize: true } },
];

/** The files of each case's fixture directory. */
const FILES = ["case.json", "model.h", "model.c", "model.wat"] as const;

/** Every file of a case's fixture, as generated now (an uncached build). */
function generate(c: SnapshotCase): Record<(typeof FILES)[number], string> {
  const graph = withActivation(syntheticGraph(c.graph.first), c.graph.then);
  const { program } = buildFresh(graph, c.build);
  const lib = emitCLibrary(program);
  return {
    "case.json": `${JSON.stringify({ what: c.what, graph: c.graph, build: c.build }, null, 2)}\n`,
    "model.h": lib["model.h"],
    "model.c": lib["model.c"],
    "model.wat": wasmText(program),
  };
}

describe("generated code equals test/fixtures/snapshots", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const dir = path.join(SNAPSHOTS, c.name);
      let generated: ReturnType<typeof generate> | undefined;
      const files = () => (generated ??= generate(c));

      for (const file of FILES) {
        it(file, () => {
          const text = files()[file];
          const where = path.join(dir, file);
          const onDisk = fs.existsSync(where) ? fs.readFileSync(where, "utf8") : undefined;
          if (UPDATE) {
            if (onDisk !== text) {
              fs.mkdirSync(dir, { recursive: true });
              fs.writeFileSync(where, text);
              console.warn(`[snapshots] ${onDisk === undefined ? "created" : "updated"} ${path.relative(process.cwd(), where)}`);
            }
            return;
          }
          expect(onDisk, `${c.name}/${file} has no fixture; run UPDATE_SNAPSHOTS=1 npx vitest run test/emit/snapshots.test.ts to create it`).toBeDefined();
          expect(text, `${c.name}/${file} differs from its fixture; ${ACCEPT}`).toBe(onDisk);
        });
      }

      it("holds no file the case does not produce", () => {
        const extra = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !(FILES as readonly string[]).includes(f)) : [];
        expect(extra, `stale files in ${path.relative(process.cwd(), dir)}: delete them`).toEqual([]);
      });

      it("is deterministic: a second build gives the same text", () => {
        expect(generate(c)).toEqual(files());
      });
    });
  }

  it("has no fixture directory without a case (orphaned fixtures fail)", () => {
    const dirs = fs.existsSync(SNAPSHOTS) ? fs.readdirSync(SNAPSHOTS) : [];
    const orphans = dirs.filter((d) => !CASES.some((c) => c.name === d));
    expect(orphans, `fixtures in test/fixtures/snapshots with no case in test/emit/snapshots.test.ts: delete them or add their case`).toEqual([]);
  });
});
