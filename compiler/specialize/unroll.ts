/**
 * @fileoverview Full unrolling of counted loops with a small constant trip count, on specialized
 * KIR (after compiler/specialize/fold.ts made a record's fields constants).
 *
 * A loop is counted when, given what straight-line code before it proves about i32 locals
 * (`let k = 0`, `k = 4`; branches keep what both sides agree on; a loop forgets what it assigns):
 * - its induction variable has a known constant value on entry: declared by the loop's init
 *   (`for (let i = 0; ...)`) or an outer local (`let oc = 0; while (oc + 4 <= n) { ...; oc += 4; }`);
 * - its increment is `i = i + c` / `i = c + i` / `i = i - c` with a constant `c`, in the step or,
 *   for a `while`, as the body's last statement, and no value of `i` leaves the i32 range (C would
 *   overflow, the TypeScript reference would not wrap);
 * - its condition, with `i` bound to a constant, folds to a constant (it reads only `i`, constants
 *   and locals the loop does not assign);
 * - its body does not otherwise assign `i` and has no `break` or `continue` of its own (those of
 *   nested loops are fine; `return` is fine: each copy returns as the loop did).
 * A counted loop with at most MAX_TRIPS (8) iterations, and trip count x body size at most
 * MAX_UNROLLED_STATEMENTS (64; statements, nested ones included, see statementCount), becomes one
 * copy of its body per iteration with `i` replaced by that iteration's constant; an outer `i` is
 * then assigned its exit value. Locals declared in the body (nested loops' variables included)
 * keep their names in the first copy and get fresh ones naming the iteration (`x_fx1`, `x_fx2`
 * for fx = 1, 2; `_m1` for -1; a counter suffix if taken) in the others, so local names stay
 * unique per function (a KIR invariant). A loop that runs once becomes its body
 * at any body size; a loop that never runs vanishes. A longer counted loop stays, but its exit
 * value is known after it, so the kernels' "four output channels at a time, then the rest" leaves
 * no remainder loop when the count is a multiple of four (gcc 12 -O2 warns, with -Werror, about
 * overflow in such a dead remainder loop once nothing else hides it).
 *
 * Loops are visited innermost first, so an outer loop is judged by its body as unrolled so far;
 * `unrollAndFold` then folds (copies see constants where the loop had a variable) and unrolls
 * again until nothing changes, which also catches inner loops whose bounds depended on an outer
 * variable. Why 8 and 64, measured on the five shared models (instructions on the simulated
 * Cortex-M7, sum 101.0 M without unrolling): 8/64 gives 92.4 M, all five lower; 8/32 97.5 M
 * (resnet slower than without); 8/96 92.3 M with more flash; 4/64 93.1 M (ad01 slower);
 * 12/64 93.0 M; 16/128 94.2 M. The budget admits a 3x3 tap nest of a few statements per tap
 * and keeps loops over channels and pixels, and bodies holding them, rolled.
 */
import type { Expr, KFunction, Stmt } from "../ir/kir.ts";
import { forEachStmt } from "../ir/walk.ts";
import { foldExpr, foldFunction } from "./fold.ts";

/** Loops that run more often than this stay loops (unless they run once). */
export const MAX_TRIPS = 8;
/** Trip count x statementCount(body) above this stays a loop (unless it runs once). */
export const MAX_UNROLLED_STATEMENTS = 64;

type For = Extract<Stmt, { k: "for" }>;

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** Statements in `list`, nested ones (if branches, loop init/step/body) included. */
export function statementCount(list: Stmt[]): number {
  let n = 0;
  forEachStmt(list, () => { n++; });
  return n;
}

/** The increment `i = i ± c` as the signed constant it adds, or undefined for anything else. */
function increment(s: Stmt): { name: string; delta: number } | undefined {
  if (s.k !== "assign" || s.value.k !== "binary") return undefined;
  const { op, a, b } = s.value;
  const isVar = (e: Expr): boolean => e.k === "var" && e.name === s.name;
  if (op === "add" && isVar(a) && b.k === "const") return { name: s.name, delta: b.value };
  if (op === "add" && isVar(b) && a.k === "const") return { name: s.name, delta: a.value };
  if (op === "sub" && isVar(a) && b.k === "const") return { name: s.name, delta: -b.value };
  return undefined;
}

/** True when `body` has a `break` or `continue` of the loop it is the body of. */
function leavesEarly(body: Stmt[]): boolean {
  return body.some((s) =>
    s.k === "break" || s.k === "continue" || (s.k === "if" && (leavesEarly(s.then) || leavesEarly(s.else))));
}

/** Names `list` assigns or declares, nested statements included. */
function assignedNames(list: Stmt[]): Set<string> {
  const out = new Set<string>();
  forEachStmt(list, (s) => { if (s.k === "assign" || s.k === "let") out.add(s.name); });
  return out;
}

/** Known constant values of i32 locals at a program point (what straight-line code proves). */
type Env = Map<string, number>;

/** `e` folded with the locals `env` knows. */
function foldIn(e: Expr, env: Env): Expr {
  return foldExpr(e, new Map([...env].map(([n, value]): [string, Expr] => [n, { k: "const", type: "i32", value }])));
}

/** A counted loop: its induction variable, the first values it takes, its trip count and exit value. */
export interface Counted {
  name: string;
  /** The variable's value in each iteration, the first MAX_FORCED_TRIPS of them. */
  values: number[];
  trips: number;
  exit: number;
  /** True when the increment is the body's last statement (`while` form) rather than the step. */
  incrementInBody: boolean;
}

/** The most trips a `@unroll N` function's loop unrolls (KFunction.unroll), whatever N. */
export const MAX_FORCED_TRIPS = 64;

/** Iterations simulated to find where a longer loop leaves its variable. */
const EXIT_SEARCH = 1 << 16;

/**
 * `loop` as a counted loop (see the file comment), given `env` after its init, or undefined. The
 * body must not assign the variable except through a `while`-form trailing increment, and must
 * not break or continue.
 */
export function countLoop(loop: For, env: Env): Counted | undefined {
  if (!loop.cond || leavesEarly(loop.body)) return undefined;
  let incs: ({ name: string; delta: number } | undefined)[] = loop.step.map(increment);
  let rest = loop.body;
  const incrementInBody = loop.step.length === 0;
  if (incrementInBody) {
    if (loop.body.length === 0) return undefined;
    incs = [increment(loop.body[loop.body.length - 1])];
    rest = loop.body.slice(0, -1);
  }
  const first = incs[0];
  if (!first || incs.some((x) => x?.name !== first.name)) return undefined;
  const name = first.name;
  const start = env.get(name);
  if (start === undefined) return undefined;
  if (assignedNames(rest).has(name)) return undefined;
  // Variables the loop assigns are unknown in the condition; the others keep their value.
  const inLoop = assignedNames([...loop.step, ...loop.body]);
  const fixed = new Map<string, Expr>();
  for (const [n, v] of env) if (!inLoop.has(n)) fixed.set(n, { k: "const", type: "i32", value: v });
  const values: number[] = [];
  let value = start;
  for (let trips = 0; trips <= EXIT_SEARCH; trips++) {
    fixed.set(name, { k: "const", type: "i32", value });
    const cond = foldExpr(loop.cond, fixed);
    if (cond.k !== "const") return undefined;
    if (!cond.value) return { name, values, trips, exit: value, incrementInBody };
    if (values.length < MAX_FORCED_TRIPS) values.push(value);
    // Each increment must stay in range (C would overflow; the TypeScript reference would not wrap).
    for (const x of incs) {
      value += x!.delta;
      if (value < I32_MIN || value > I32_MAX) return undefined;
    }
  }
  return undefined;
}

/** Names of the locals `list` declares, nested ones included. */
function declaredLocals(list: Stmt[]): string[] {
  const out: string[] = [];
  forEachStmt(list, (s) => { if (s.k === "let") out.push(s.name); });
  return out;
}

/** `e` with `ivar` replaced by `value` and locals renamed by `rename`. */
function rewriteExpr(e: Expr, ivar: string, value: number, rename: Map<string, string>): Expr {
  const re = (x: Expr): Expr => rewriteExpr(x, ivar, value, rename);
  switch (e.k) {
    case "var":
      if (e.name === ivar) return { k: "const", type: "i32", value };
      return rename.has(e.name) ? { ...e, name: rename.get(e.name)! } : e;
    case "load": case "ld32": return { ...e, index: re(e.index) };
    case "unary": case "convert": return { ...e, a: re(e.a) };
    case "binary": return { ...e, a: re(e.a), b: re(e.b) };
    case "select": return { ...e, cond: re(e.cond), a: re(e.a), b: re(e.b) };
    case "intrinsic": return { ...e, args: e.args.map(re) };
    case "call":
      return {
        ...e,
        args: e.args.map((a) => {
          switch (a.k) {
            case "value": return { ...a, e: re(a.e) };
            case "view": return { ...a, inArena: re(a.inArena), byteOffset: re(a.byteOffset) };
            case "recordAt": return { ...a, wordIndex: re(a.wordIndex) };
            default: return a;
          }
        }),
      };
    default:
      return e;
  }
}

function rewriteStmts(list: Stmt[], ivar: string, value: number, rename: Map<string, string>): Stmt[] {
  const re = (e: Expr): Expr => rewriteExpr(e, ivar, value, rename);
  const rs = (l: Stmt[]): Stmt[] => rewriteStmts(l, ivar, value, rename);
  const nm = (n: string): string => rename.get(n) ?? n;
  return list.map((s): Stmt => {
    switch (s.k) {
      case "let": return { ...s, name: nm(s.name), init: s.init ? re(s.init) : null };
      case "assign": return { ...s, name: nm(s.name), value: re(s.value) };
      case "store": case "st32": return { ...s, index: re(s.index), value: re(s.value) };
      case "if": return { ...s, cond: re(s.cond), then: rs(s.then), else: rs(s.else) };
      case "for": return { ...s, init: rs(s.init), cond: s.cond ? re(s.cond) : null, step: rs(s.step), body: rs(s.body) };
      case "return": return { ...s, value: s.value ? re(s.value) : null };
      case "expr": return { ...s, e: re(s.e) };
      case "profile": return { ...s, key: re(s.key) };
      default: return s;
    }
  });
}

class Unroller {
  changed = false;

  /** `forced`: KFunction.unroll (0 when untagged): `for` loops declaring their counter with at most that many trips unroll at any body size. */
  constructor(private readonly used: Set<string>, private readonly i32Locals: Set<string>, private readonly forced = 0) {}

  private fresh(base: string): string {
    let n = base;
    for (let i = 1; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  /** Records what `name = value` leaves in `env`. */
  private track(env: Env, name: string, value: Expr | null): void {
    const v = value && this.i32Locals.has(name) ? foldIn(value, env) : undefined;
    if (v && v.k === "const" && v.type === "i32") env.set(name, v.value);
    else env.delete(name);
  }

  /** `list` with its eligible loops unrolled, innermost first; `env` is updated to its end. */
  stmts(list: Stmt[], env: Env): Stmt[] {
    const out: Stmt[] = [];
    for (const s of list) {
      switch (s.k) {
        case "let": this.track(env, s.name, s.init); out.push(s); break;
        case "assign": this.track(env, s.name, s.value); out.push(s); break;
        case "if": {
          const envElse = new Map(env);
          const then = this.stmts(s.then, env);
          const els = this.stmts(s.else, envElse);
          for (const [n, v] of env) if (envElse.get(n) !== v) env.delete(n);
          out.push({ ...s, then, else: els });
          break;
        }
        case "for": out.push(...this.loop(s, env)); break;
        default: out.push(s);
      }
    }
    return out;
  }

  /** The loop, its body's loops unrolled, or its replacement; `env` is updated past it. */
  private loop(s: For, env: Env): Stmt[] {
    this.stmts(s.init, env);
    const inLoop = assignedNames([...s.step, ...s.body]);
    const bodyEnv = new Map(env);
    for (const n of inLoop) bodyEnv.delete(n);
    // Innermost first: the loop is judged by its body as unrolled so far.
    const loop: For = { ...s, body: this.stmts(s.body, bodyEnv) };
    const counted = countLoop(loop, env);
    for (const n of inLoop) env.delete(n);
    if (!counted) return [loop];
    const declared = s.init.some((x) => x.k === "let" && x.name === counted.name);
    if (!declared) env.set(counted.name, counted.exit);
    const copies = this.unroll(loop, counted, declared);
    if (!copies) return [loop];
    this.changed = true;
    const exit: Stmt[] = declared ? [] : [{ k: "assign", name: counted.name, value: { k: "const", type: "i32", value: counted.exit } }];
    return [...s.init, ...copies, ...exit];
  }

  /** One copy of the body per iteration, or undefined when the loop stays a loop. */
  private unroll(loop: For, counted: Counted, declared: boolean): Stmt[] | undefined {
    const { name, values, trips } = counted;
    if (trips === 0) return [];
    const body = counted.incrementInBody ? loop.body.slice(0, -1) : loop.body;
    const forced = declared && trips <= this.forced && trips <= values.length;
    if (process.env.DBG_UNROLL) console.error("UNROLL", name, trips, declared, this.forced, values.length);
    if (!forced && trips > MAX_TRIPS) return undefined;
    if (!forced && trips > 1 && trips * statementCount(body) > MAX_UNROLLED_STATEMENTS) return undefined;
    const locals = declaredLocals(body);
    return values.slice(0, trips).flatMap((value, k) => {
      const rename = new Map<string, string>();
      const tag = `${name}${value < 0 ? `m${-value}` : value}`;
      if (k > 0) for (const l of locals) rename.set(l, this.fresh(`${l}_${tag}`));
      return rewriteStmts(body, name, value, rename);
    });
  }
}

/** Unrolls every eligible loop of `fn` once (innermost first); returns `fn` itself when none is. */
export function unrollFunction(fn: KFunction): KFunction {
  const used = new Set<string>(fn.params.map((p) => p.name));
  const i32Locals = new Set<string>();
  forEachStmt(fn.body, (s) => {
    if (s.k !== "let") return;
    used.add(s.name);
    if (s.type === "i32") i32Locals.add(s.name);
  });
  const u = new Unroller(used, i32Locals, fn.unroll ?? 0);
  const body = u.stmts(fn.body, new Map());
  return u.changed ? { ...fn, body } : fn;
}

/** Folds `fn`, then unrolls and folds again until no loop is left to unroll. */
export function unrollAndFold(fn: KFunction): KFunction {
  let f = foldFunction(fn);
  for (let round = 0; round < 8; round++) {
    const u = unrollFunction(f);
    if (u === f) break;
    f = foldFunction(u);
  }
  return f;
}
