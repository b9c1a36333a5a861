/**
 * @fileoverview `--specialize off`: straight-line code that calls the GENERIC kernels.
 *
 * compiler/build/straight.ts still writes one `mote_invoke()` step per kernel call, with the same
 * arena plan, but instead of specializing a kernel for each record it calls the kernel's
 * unspecialized entry function and passes the record as a constant (`mote_r<k>`, an i32 array
 * in flash holding the fields in the record type's declaration order, the layout the C struct
 * and the WASM emitter use). This is the ablation step between the interpreter (generic kernels,
 * model image read at run time) and the full Mote (specialized kernels).
 *
 * Invariants: every entry function takes its params record first (as the interpreter requires);
 * identical records share one constant; every function of the program is renamed `mote_<name>`
 * (as in interpreter mode), so a generic kernel's source name cannot clash with the C library.
 */
import type { KernelLibrary } from "../ir/kernels.ts";
import { forEachExpr } from "../ir/walk.ts";
import type { KFunction, RecordType } from "../ir/kir.ts";
import type { ConstantData, IoArg } from "../ir/program.ts";
import type { KernelCall } from "../ir/calls.ts";
import { reachable } from "../specialize/specialize.ts";

const PREFIX = "mote_";

export class GenericCalls {
  private readonly recordConstants = new Map<string, string>();
  private readonly roots = new Map<string, KFunction>();
  private finished: KFunction[] | undefined;

  /** `constants` is the program's constant list: record constants are appended to it. */
  constructor(private readonly kernels: KernelLibrary, private readonly constants: ConstantData[]) {}

  /**
   * One step calling kernel entry `entryName` (KIR name) for `call`: puts the record constant
   * in front of `args` (the array arguments) and returns the C/WASM name of the function to call.
   */
  step(call: KernelCall, entryName: string, args: IoArg[]): string {
    const fn = this.kernels.module.functions.get(entryName);
    if (!fn) throw new Error(`kernel function ${call.fn} not found in kernels/${call.kernel}.ts`);
    const p = fn.params[0];
    const rec = p?.type.kind === "record" ? this.kernels.module.records.get(p.type.name) : undefined;
    if (!rec) throw new Error(`--specialize off: kernels/${call.kernel}.ts ${call.fn} does not take a params record first`);
    const values = rec.fields.map((f) => {
      const v = call.params[f];
      if (v === undefined || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
        throw new Error(`--specialize off: ${call.kernel}.${call.fn} record field ${f} = ${v} is not an i32`);
      }
      return v;
    });
    const key = `${rec.name}:${values.join(",")}`;
    let name = this.recordConstants.get(key);
    if (!name) {
      name = `mote_r${this.recordConstants.size}`;
      this.recordConstants.set(key, name);
      this.constants.push({ name, elem: "i32", values: Int32Array.from(values) });
    }
    args.unshift({ k: "record", name, record: rec.name });
    this.roots.set(entryName, fn);
    return PREFIX + entryName;
  }

  /** Every function the steps need, renamed `mote_<name>` (call once the steps are done). */
  functions(): KFunction[] {
    if (this.finished) return this.finished;
    const fns = reachable([...this.roots.values()], this.kernels.module);
    const renamed = new Map(fns.map((f) => [f.name, PREFIX + f.name]));
    for (const f of fns) {
      f.name = renamed.get(f.name)!;
      forEachExpr(f.body, (e) => { if (e.k === "call") e.fn = renamed.get(e.fn) ?? e.fn; });
    }
    this.finished = fns;
    return fns;
  }

  /** The kernel entry functions the steps call (renamed): the C compiler must keep them generic. */
  entries(): string[] {
    this.functions();
    return [...new Set([...this.roots.values()].map((f) => f.name))].sort();
  }

  /** The record types the functions take (C structs to declare), sorted by name. */
  records(): RecordType[] {
    const names = new Set(this.functions().flatMap((f) => f.params.flatMap((p) => (p.type.kind === "record" ? [p.type.name] : []))));
    return [...names].sort().map((n) => this.kernels.module.records.get(n)!);
  }
}
