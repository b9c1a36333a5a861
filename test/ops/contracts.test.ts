/**
 * @fileoverview The kernel-call contract (compiler/ops/contract.ts): every contract an op file
 * exports names the kernel entry's array parameters, in order, as the subset front end reads
 * them from kernels/<stem>.ts; the record type of the entry has every field the lowering fills;
 * and calls built by the lowerings (sample graphs, every golden-ops model) carry the slots of
 * their contract.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { argOf, setArg, tensorOf, type KernelCall } from "../../compiler/ir/calls.ts";
import { kernelCall } from "../../compiler/ops/contract.ts";
import { KERNEL_CONTRACTS, lowerGraph } from "../../compiler/ops/index.ts";
import { loadKernels } from "../../compiler/pipeline.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { attachAudioFrontEnd } from "../../compiler/ops/audio/attach.ts";
import { kernelFile } from "../../compiler/paths.ts";
import { needShared } from "../support/shared.ts";
import { goldenOpsCases } from "../support/golden_ops.ts";
import { GraphBuilder, perTensor, syntheticGraph, type ConvSpec, type DepthwiseSpec, type FullyConnectedSpec } from "../support/synthetic.ts";


const QUANT = {
  seed: 3, inputScale: 0.25, inputZeroPoint: 1, inputFill: "random", outputScale: 0.0625, outputZeroPoint: -5,
  activation: "RELU", weightFill: "random", hasBias: true, biasRange: 100,
} as const;
const CONV: ConvSpec = {
  ...QUANT, op: "CONV_2D", batches: 1, inH: 4, inW: 4, inC: 2, outC: 2, groups: 1,
  filterH: 3, filterW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padding: "SAME", filterScales: [0.0078125, 0.015625],
};
const DEPTHWISE: DepthwiseSpec = {
  ...QUANT, op: "DEPTHWISE_CONV_2D", batches: 1, inH: 4, inW: 4, inC: 2, depthMultiplier: 1,
  filterH: 3, filterW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padding: "SAME", filterScales: [0.0078125, 0.015625],
};
const FC: FullyConnectedSpec = {
  ...QUANT, op: "FULLY_CONNECTED", batchDims: [1], depth: 8, units: 4, inputLayout: "flat",
  filterScales: [0.0078125, 0.00390625, 0.015625, 0.0078125], filterZeroPoint: 0,
};

function addGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", "int8", [1, 2, 2, 3], perTensor(0.5, 1));
  const y = b.add("y", "int8", [1, 2, 2, 3], perTensor(0.25, -2));
  const z = b.add("z", "int8", [1, 2, 2, 3], perTensor(0.5, 0));
  return {
    name: "add", tensors: b.tensors, inputs: [x, y], outputs: [z],
    ops: [{ index: 0, opcode: "ADD", version: 1, inputs: [x, y], outputs: [z], options: { fusedActivationFunction: "NONE" } }],
  };
}

/** An audio front end in front of a model that is only its int8 input tensor. */
function frontEndGraph(preset: string, shape: number[]): Graph {
  const b = new GraphBuilder();
  const x = b.add("features", "int8", shape, perTensor(0.5, 3));
  return attachAudioFrontEnd({ name: preset, tensors: b.tensors, inputs: [x], outputs: [x], ops: [] }, preset);
}

/** One-op sample graphs, lowered both ways (fast and reference entries). */
const SAMPLES: { name: string; graph: () => Graph }[] = [
  { name: "CONV_2D", graph: () => syntheticGraph(CONV) },
  { name: "DEPTHWISE_CONV_2D", graph: () => syntheticGraph(DEPTHWISE) },
  { name: "FULLY_CONNECTED", graph: () => syntheticGraph(FC) },
  { name: "ADD", graph: addGraph },
  { name: "MOTE_MFCC", graph: () => frontEndGraph("kws-mfcc", [1, 49, 10, 1]) },
  { name: "MOTE_LOG_MEL", graph: () => frontEndGraph("sww-log-mel", [1, 30, 40]) },
];

const stems = [...new Set(KERNEL_CONTRACTS.map((c) => c.kernel))];
const library = loadKernels(stems.map(kernelFile));

/** The entry's record type name and array parameter names, as the subset front end reads them. */
function signature(kernel: string, fn: string): { record: string; arrays: string[]; fields: string[] } {
  const f = library.module.functions.get(library.kirName(kernel, fn));
  if (!f) throw new Error(`kernels/${kernel}.ts has no entry ${fn}`);
  const [first, ...rest] = f.params;
  if (first?.type.kind !== "record") throw new Error(`${kernel}.${fn}: the first parameter is not a record`);
  const record = library.module.records.get(first.type.name);
  return { record: first.type.name, arrays: rest.filter((p) => p.type.kind === "array").map((p) => p.name), fields: record?.fields ?? [] };
}

describe("kernel-call contracts", () => {
  it("covers at least conv, depthwise, fully connected and add, fast and reference entries", () => {
    const names = KERNEL_CONTRACTS.map((c) => `${c.kernel}.${c.fn}`);
    for (const n of ["conv_2d.conv2d", "conv_2d.conv2dReference", "depthwise_conv_2d.depthwiseConv2d",
      "depthwise_conv_2d.depthwiseConv2dReference", "fully_connected.fullyConnected", "fully_connected.fullyConnectedReference", "add.add"]) {
      expect(names).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  for (const c of KERNEL_CONTRACTS) {
    it(`${c.kernel}.${c.fn}: slots are the kernel's array parameters in order`, () => {
      const f = library.module.functions.get(library.kirName(c.kernel, c.fn))!;
      expect(f.params.slice(1).every((p) => p.type.kind === "array")).toBe(true);
      expect([...c.slots]).toEqual(signature(c.kernel, c.fn).arrays);
    });
  }

  for (const s of SAMPLES) {
    for (const reference of [false, true]) {
      it(`${s.name}${reference ? " (reference)" : ""}: calls carry their contract's slots; the record has every param`, () => {
        const calls: KernelCall[] = lowerGraph(s.graph(), { reference }).flatMap((l) => l.calls);
        expect(calls.length).toBeGreaterThan(0);
        for (const call of calls) {
          const contract = KERNEL_CONTRACTS.find((c) => c.kernel === call.kernel && c.fn === call.fn);
          expect(contract, `${call.kernel}.${call.fn}`).toBeDefined();
          expect(call.slots).toEqual(contract!.slots);
          expect(call.args.length).toBe(contract!.slots.length);
          const { fields } = signature(call.kernel, call.fn);
          expect(Object.keys(call.params).filter((k) => !fields.includes(k))).toEqual([]);
        }
      });
    }
  }
});

const goldenOps = needShared("golden-ops");

describe.skipIf(goldenOps.skip)("every op file builds its calls by name (golden-ops models, fast and reference)", () => {
  it("each call records the slots of a registered contract", () => {
    const bad: string[] = [];
    for (const c of goldenOps.ok ? goldenOpsCases().filter((g) => g.supported) : []) {
      const graph = loadModel(path.join(c.dir, "model.tflite"));
      for (const reference of [false, true]) {
        for (const call of lowerGraph(graph, { reference }).flatMap((l) => l.calls)) {
          const contract = KERNEL_CONTRACTS.find((k) => k.kernel === call.kernel && k.fn === call.fn);
          if (!contract || call.slots !== contract.slots) bad.push(`${c.name}: ${call.kernel}.${call.fn}`);
        }
      }
    }
    expect([...new Set(bad)]).toEqual([]);
  });
});

describe("kernelCall and the accessors", () => {
  const slots = ["input", "output"] as const;
  const t = (tensor: number) => ({ kind: "tensor", tensor }) as const;

  it("orders the arguments by slot and reads and replaces them by name", () => {
    const call = kernelCall("k", "f", slots, { a: 1 }, { output: t(2), input: t(1) }, 0);
    expect(call.args).toEqual([t(1), t(2)]);
    expect(tensorOf(call, "output")).toBe(2);
    setArg(call, "input", t(5));
    expect(argOf(call, "input")).toEqual(t(5));
  });

  it("fails on a missing or an extra name, and on an unknown slot", () => {
    expect(() => kernelCall("k", "f", slots, {}, { input: t(1) } as never, 0)).toThrow(/missing argument 'output'/);
    expect(() => kernelCall("k", "f", slots, {}, { input: t(1), output: t(2), skip: t(3) } as never, 0)).toThrow(/no argument slot 'skip'/);
    const call = kernelCall("k", "f", slots, {}, { input: t(1), output: t(2) }, 0);
    expect(() => argOf(call, "skip")).toThrow(/no argument slot 'skip'/);
    expect(() => argOf({ ...call, slots: undefined }, "input")).toThrow(/none recorded/);
  });
});
