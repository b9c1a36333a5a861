/**
 * @fileoverview The KIR verifier: checks the invariants compiler/ir/kir.ts and
 * compiler/ir/program.ts state, on one function, a lowered module or a whole ModelProgram, and
 * throws a VerifyError that names the rule, the function and the offending node, e.g.
 * `KIR verify [declared-before-use] conv2d_0: 'acc' read before its let (after unroll and fold conv_2d_0)`.
 *
 * This file is the verifier's entry (import from here): it checks modules and programs (steps,
 * constants, I/O) itself; ./verify-function.ts checks one function; ./verify-rules.ts holds
 * RULES, VerifyError and the helpers the front end shares. The verifier only reads, never
 * repairs. Where it cannot decide a property statically it says nothing: array bounds are
 * checked only for constant indices (after specialization those are rare; loop-bounded indices
 * would need an interval analysis).
 *
 * compiler/build/index.ts runs it after every pass of a build (lowering, each specialized
 * function before and after folding, the final program of each mode) when BuildOptions.verify
 * or MOTE_VERIFY=1 says so. The bottom layer: it imports nothing outside compiler/ir/.
 */
import type { KFunction, KModule, Param, RecordType } from "./kir.ts";
import { SCALAR_RANGE, scalarBytes } from "./kir.ts";
import type { ConstantData, InvokeStep, IoArg, ModelProgram, StepArg } from "./program.ts";
import { verifyFunction, type VerifyContext } from "./verify-function.ts";
import { kindOf, VerifyError, type VerifyRule } from "./verify-rules.ts";
import { forEachExpr, forEachStmt } from "./walk.ts";

export { verifyFunction, type Signature, type VerifyContext } from "./verify-function.ts";
export { fitsStorage, RULES, show, VerifyError, type VerifyRule } from "./verify-rules.ts";

/** Verifies every function of a module against the module's functions and records. */
export function verifyModule(module: KModule, opts: { stage?: string; later?: ReadonlySet<string> } = {}): void {
  for (const [key, fn] of module.functions) {
    if (key !== fn.name) throw new VerifyError("program", key, `module key '${key}' holds function '${fn.name}'`, opts.stage);
  }
  const ctx: VerifyContext = {
    callee: (n) => module.functions.get(n),
    record: (n) => module.records.get(n),
    stage: opts.stage,
    later: opts.later,
  };
  for (const fn of module.functions.values()) verifyFunction(fn, ctx);
}

// ---- a whole program ------------------------------------------------------------------------------

/** Verifies a built program: its functions, constants, steps and I/O tensors. */
export function verifyProgram(program: ModelProgram, stage?: string): void {
  new ProgramVerifier(program, stage).run();
}

class ProgramVerifier {
  private readonly fns = new Map<string, KFunction>();
  private readonly consts = new Map<string, ConstantData>();
  private readonly records: Map<string, RecordType>;
  private readonly bounds = new ConstIndexBounds(this.fns);

  constructor(private readonly program: ModelProgram, private readonly stage: string | undefined) {
    this.records = new Map(program.records.map((r) => [r.name, r]));
  }

  private fail(rule: VerifyRule, where: string, detail: string): never {
    throw new VerifyError(rule, where, detail, this.stage);
  }

  run(): void {
    const { program } = this;
    for (const f of program.functions) {
      if (this.fns.has(f.name)) this.fail("program", program.name, `function '${f.name}' defined twice`);
      this.fns.set(f.name, f);
    }
    for (const c of program.constants) {
      if (this.consts.has(c.name)) this.fail("program", program.name, `constant '${c.name}' defined twice`);
      this.consts.set(c.name, c);
      const range = SCALAR_RANGE[c.elem];
      if (!range) continue;
      for (let i = 0; i < c.values.length; i++) {
        const v = c.values[i];
        if (!(v >= range[0] && v <= range[1]) || !Number.isInteger(v)) this.fail("program", c.name, `value ${v} at [${i}] does not fit ${c.elem}`);
      }
    }
    const ctx: VerifyContext = { callee: (n) => this.fns.get(n), record: (n) => this.records.get(n), stage: this.stage };
    for (const f of program.functions) verifyFunction(f, ctx);
    for (const n of program.noIpa ?? []) if (!this.fns.has(n)) this.fail("program", program.name, `noIpa names unknown function '${n}'`);
    for (const io of [...program.inputs, ...program.outputs]) {
      if (io.offset < 0 || io.offset + io.bytes > program.arenaBytes) {
        this.fail("program", program.name, `tensor ${io.name} at ${io.offset}+${io.bytes} is outside the ${program.arenaBytes}-byte arena`);
      }
    }
    (program.init ?? []).forEach((step, i) => {
      this.step(step, `init step ${i} (${step.label})`);
      if (!step.status || this.fns.get(step.fn)?.ret !== "i32") this.fail("step-args", `init step ${i} (${step.label})`, "an init step must be a status step returning i32");
    });
    program.steps.forEach((step, i) => this.step(step, `step ${i} (${step.label})`));
    // The float32 conversions of quantized I/O tensors: one caller's array, of the tensor's elements.
    const conversions = [...program.inputs.map((t, k) => [t, `input ${k}`] as const), ...program.outputs.map((t, k) => [t, `output ${k}`] as const)];
    for (const [t, what] of conversions) {
      if (!t.convert) continue;
      const where = `${what} conversion (${t.name})`;
      if (t.convert.args.filter((a) => a.k === "values").length !== 1) this.fail("step-args", where, "a conversion takes exactly one caller's array");
      if (t.convert.count !== t.info.elements) this.fail("step-args", where, `${t.convert.count} values for ${t.info.elements} elements`);
      this.step({ fn: t.convert.fn, args: t.convert.args, label: where, opIndex: -1 }, where);
    }
  }

  private step(step: Omit<InvokeStep, "args"> & { args: IoArg[] }, where: string): void {
    const fn = this.fns.get(step.fn);
    if (!fn) return this.fail("unknown-callee", where, `calls unknown function '${step.fn}'`);
    where = `${where} -> ${fn.name}`;
    if (step.args.length !== fn.params.length) this.fail("step-args", where, `${step.args.length} arguments for ${fn.params.length} parameters`);
    step.args.forEach((a, j) => {
      const what = `argument ${j + 1} (${a.k}) for '${fn.params[j].name}'`;
      const p = fn.params[j];
      // The caller's float32 array: its length is checked at run time (mote_quantize_input's count).
      if (a.k === "values") {
        if (p.type.kind !== "array" || p.type.elem !== "f32") this.fail("step-args", where, `${what}: float32 values for ${kindOf(p.type.kind)} parameter`);
        return;
      }
      this.arg(fn, a, p, where, what);
    });
  }

  private arg(fn: KFunction, a: StepArg, p: Param, where: string, what: string): void {
    const arenaBytes = this.program.arenaBytes;
    if (a.k === "record") {
      const rec = this.records.get(a.record);
      const c = this.consts.get(a.name);
      if (p.type.kind !== "record" || p.type.name !== a.record) this.fail("step-args", where, `${what}: a ${a.record} record for ${kindOf(p.type.kind)} parameter`);
      if (!rec) this.fail("step-args", where, `${what}: record type ${a.record} is not among the program's records`);
      if (!c || c.elem !== "i32" || c.values.length !== rec.fields.length) {
        this.fail("step-args", where, `${what}: constant '${a.name}' is not ${rec.fields.length} i32 fields`);
      }
      return;
    }
    if (p.type.kind !== "array") return this.fail("step-args", where, `${what}: an array for ${kindOf(p.type.kind)} parameter`);
    const elem = p.type.elem;
    if (a.k === "null") return;
    if (a.elem !== elem) this.fail("step-args", where, `${what}: ${a.elem} data for an array of ${elem}`);
    const max = this.bounds.of(fn, p.name);
    if (a.k === "const") {
      const c = this.consts.get(a.name);
      if (!c) return this.fail("step-args", where, `${what}: unknown constant '${a.name}'`);
      if (c.elem !== elem) this.fail("step-args", where, `${what}: constant '${a.name}' holds ${c.elem}, not ${elem}`);
      if (p.written) this.fail("written", where, `${what}: constant '${a.name}' passed to a written array`);
      if (max >= c.values.length) this.fail("array-bounds", where, `${what}: constant index ${max} into '${a.name}' of length ${c.values.length}`);
      return;
    }
    const size = scalarBytes(elem);
    if (a.offset < 0 || a.offset > arenaBytes || a.offset % size !== 0) {
      this.fail("step-args", where, `${what}: arena offset ${a.offset} (arena ${arenaBytes} bytes, ${elem} needs ${size}-byte alignment)`);
    }
    if (a.offset + (max + 1) * size > arenaBytes) {
      this.fail("array-bounds", where, `${what}: constant index ${max} at arena offset ${a.offset} ends past the ${arenaBytes}-byte arena`);
    }
  }
}

/**
 * The largest constant index each function uses on each array parameter, itself or through the
 * callees it passes the array to (-1: none). Only constant indices count (others are not
 * bounded here), and they count whether or not the access runs: folding has removed the
 * branches specialization decided, and a constant access in a branch that is never taken at
 * run time would be reported although harmless (none is, in the models and golden-ops cases).
 */
class ConstIndexBounds {
  private readonly memo = new Map<string, number>();
  constructor(private readonly fns: Map<string, KFunction>) {}

  of(fn: KFunction, param: string): number {
    const key = `${fn.name}\u0000${param}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    this.memo.set(key, -1); // no recursion in KIR; this only guards against it
    let max = -1;
    forEachStmt(fn.body, (s) => {
      if (s.k === "store" && s.array === param && s.index.k === "const") max = Math.max(max, s.index.value);
      // st32/ld32 touch bytes index..index+3 of an i8 array.
      if (s.k === "st32" && s.array === param && s.index.k === "const") max = Math.max(max, s.index.value + 3);
    });
    forEachExpr(fn.body, (e) => {
      if (e.k === "load" && e.array === param && e.index.k === "const") max = Math.max(max, e.index.value);
      if (e.k === "ld32" && e.array === param && e.index.k === "const") max = Math.max(max, e.index.value + 3);
      if (e.k !== "call") return;
      const callee = this.fns.get(e.fn);
      e.args.forEach((a, k) => {
        if (callee && a.k === "array" && a.name === param && callee.params[k]) max = Math.max(max, this.of(callee, callee.params[k].name));
      });
    });
    this.memo.set(key, max);
    return max;
  }
}
