/**
 * @fileoverview Generates docs/subset.md: the rules of the kernel subset, then one section per
 * subset diagnostic (MOTE2001..MOTE2030) with its message, hint, a wrong kernel, what
 * `mote check` prints for it, and the fix.
 *
 * The rules prose lives here; the messages and hints come from compiler/diagnostics.ts and the
 * examples are the fixture files of test/fixtures/subset/ (read by test/subset/fixtures.ts), and
 * the printed diagnostics are produced by running the checker on them, so the page cannot drift
 * from the compiler. test/subset/subset-doc.test.ts fails when docs/subset.md differs from
 * `generateSubsetDoc()`.
 * Usage: npx tsx scripts/gen-subset-doc.ts   (rewrites docs/subset.md)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { DIAGNOSTICS, type DiagnosticInfo } from "../compiler/diagnostics.ts";
import { formatSubsetDiagnostic } from "../compiler/subset/source.ts";
import { checkFixture, loadSubsetFixtures, type SubsetFixture } from "../test/subset/fixtures.ts";

export const SUBSET_DOC_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../docs/subset.md");

const RULES = `# The kernel subset

Kernels (\`kernels/*.ts\`) are plain TypeScript: they type-check with \`tsc --strict\` and run
unchanged under Node, and that run is the reference semantics. Mote's compiler lowers the same
source to C and to WASM, so a kernel may use only what all three spell identically. This page
lists what kernels may write; anything else is rejected by \`mote check FILE.ts\` (and by every
compile) with \`file:line:col\`, a stable code \`MOTE2xxx\` and a hint. The second half has, for
every code, a wrong kernel and its fix.

\`\`\`
$ mote check kernels/compact.ts
{{SAMPLE}}
\`\`\`

## Files

- **Imports.** Machine types from \`"./types.ts"\` (\`import type { i8, i32 } from "./types.ts";\`),
  intrinsics from \`"./intrinsics.ts"\`, and functions from other kernel files
  (\`import { expOnNegativeValues } from "./fixedpoint.ts";\`). Named imports only, always a relative
  path with the \`.ts\` extension; nothing from npm or \`node:\` (MOTE2018). Helpers shared by
  several kernels live in \`kernels/common/\` (they import \`"../types.ts"\`); they take scalars,
  not a record, and C always inlines them so each caller's constants fold them.
- **Top level.** Only these:
  - \`export interface XParams { field: i32; ... }\`: a params record; every field is \`i32\`;
  - function declarations with annotated parameters and return type
    (\`export function name(...): void { ... }\`);
  - integer constants \`const NAME: i32 = 123;\`, folded at compile time. They may use literals,
    other constants of the same file and \`+ - * << | & ~\`. A constant is visible only in its
    own file (an imported constant is MOTE2026): repeat it, or pass it in the record.
  - No classes, enums, type aliases, \`export { }\` lists or module-level \`let\` state.
- **Entry function.** Every kernel file exports one entry function
  \`name(p: XParams, a: Int8Array, ...)\`: the record first, then the arrays in the order the op
  lowering in \`compiler/ops/\` passes them.

## Types

- **Scalars**: \`i8 i16 i32 u8 u16 f32\` (aliases of \`number\` from \`kernels/types.ts\` that carry
  the machine type) and \`boolean\`. Plain \`number\` has no machine type (MOTE2021); \`u32\` and
  \`i64\` are not available (64-bit products go through intrinsics).
- **Arrays**: \`Int8Array Int16Array Int32Array Uint8Array Uint16Array Float32Array\`, as
  **parameters only**: they become pointers into the arena or into constant flash data. No
  \`new\` (MOTE2006), no array or object literals (MOTE2019), no \`.length\` (MOTE2011: sizes come
  from the record), no \`subarray\` or other methods: index with arithmetic instead
  (\`a[base + i]\`). An array is only ever indexed or passed on to a call by name (MOTE2024).
- **Records** (params interfaces): only read (\`p.field\`, MOTE2028 for an unknown field) or passed
  on to a function that takes the same record type. Fields are never assigned (MOTE2030).
- **Annotations.** Every parameter and every return type is annotated (MOTE2009, MOTE2029;
  \`: void\` for no result). Locals: \`let x: i32 = ...\`; the annotation may be left out when
  there is an initializer, whose type (i32, f32 or boolean) it then takes.
- **Promotion.** Reading an element of a narrow array (\`Int8Array\`, ...) or a narrow variable
  gives an \`i32\`, as in C. Storing into a narrow array element wraps, as typed arrays and C do.
  A narrow **variable** or **parameter** (\`let x: i8\`, \`x: i8\`) accepts only a constant in range,
  an element of an array or a variable whose type fits (an \`i8\` in an \`i16\`), or an explicit
  conversion: \`toI8\`/\`sat8\` (\`toI16\`/\`sat16\` for \`i16\`); compound assignment to it is
  never allowed (MOTE2012). Mixed \`i32\`/\`f32\`/\`boolean\` operands need an
  explicit conversion (MOTE2027, MOTE2010).

## Integer semantics

- \`+ - *\` on \`i32\` must not overflow, unless written to wrap: \`(a + b) | 0\` and \`(a - b) | 0\`
  lower to wrapping adds, \`Math.imul(a, b)\` (or \`(a * b) | 0\` for small operands) to a wrapping
  multiply. Nothing checks the no-overflow rule: the TypeScript reference would silently compute
  a wider value where C wraps.
- **Division**: only \`(a / b) | 0\` or \`Math.trunc(a / b)\` (MOTE2008), which truncate toward zero
  as C does; \`/=\` is not available. \`%\` is C's remainder (the sign of the dividend), as in JS.
- \`& | ^ ~ << >> >>>\` are 32-bit as in JS. Shift counts must be in 0..31 (JS masks a count, C
  does not). \`x >>> 0\` is an unsigned value in JS: write \`(x >>> n) | 0\` unless \`n >= 1\`.
- **Literals**: decimal integer literals from -2147483648 to 2147483647; hex, octal and binary
  literals up to \`0xFFFFFFFF\` are 32-bit patterns (\`0xFFFFFFFF\` is -1). Anything larger is
  MOTE2023. No fractional literals outside \`Math.fround(...)\`.
- **Comparisons**: \`=== !== < <= > >=\`, never \`==\`/\`!=\` (MOTE2007); booleans compare only with
  \`===\`/\`!==\`. Conditions of \`if\`, loops, \`!\`, \`&&\`, \`||\` and \`c ? a : b\` are boolean
  expressions: \`if (n !== 0)\`, not \`if (n)\` (MOTE2014).
- **Math**: \`Math.min\` and \`Math.max\` (two integer arguments), \`Math.imul\`, \`Math.abs\`,
  \`Math.trunc\` (of a division, or of an \`f32\`), \`Math.fround\`, \`Math.sqrt\` (of an \`f32\`,
  directly inside \`Math.fround\`) and \`Math.floor\` (of an \`f32\` division, directly inside
  \`Math.fround\`). Everything else is MOTE2013.

## Floating point

\`f32\` values (parameters, locals, \`Float32Array\` elements) support \`+ - * /\`, and each operation
is wrapped in \`Math.fround(...)\` so the TypeScript reference rounds to single precision exactly
as C and WASM do (MOTE2010; JS divides in double, and rounding that quotient to \`f32\` gives the
correctly rounded single-precision quotient). \`Math.fround(i)\` converts an integer to \`f32\`;
\`Math.fround(0.5)\` is an \`f32\` constant. \`Math.trunc(x)\` of an \`f32\` converts it to \`i32\`
toward zero; as in C, \`x\` must be in the \`i32\` range and not NaN (clamp it first: nothing
checks this, and out of range the TypeScript reference, C and WASM differ). Rounding half away
from zero is then \`t = Math.trunc(x)\` plus a comparison of \`Math.fround(x - Math.fround(t))\`
(exact) with \`Math.fround(0.5)\` (kernels/quantize.ts).

\`Math.fround(Math.sqrt(x))\` of an \`f32\` is the correctly rounded single-precision square root
(JS takes it in double; rounding that to \`f32\` is exact): C spells \`mote_sqrtf\` (one
\`VSQRT.F32\` on the Cortex-M7), WASM \`f32.sqrt\`; outside \`Math.fround\` it is MOTE2010.
\`Math.fround(Math.floor(x / y))\` of two \`f32\` values is TFLite's FloorDiv on floats,
\`float(floor(double(x) / double(y)))\` (JS divides and floors in double): C spells
\`mote_floordivf\` (double division and conversions, floor through int64, no libm), WASM
\`f64.div\`, \`f64.floor\` and \`f32.demote_f64\`; each step is exact IEEE arithmetic, so the targets
agree bit for bit (kernels/float_binary.ts, FLOAT_FLOOR_DIV). Math.floor of anything else is MOTE2022. There is
no other libm function: a logarithm is subset code (\`lnF32\` in signal/math.ts, every step an
\`f32\` operation), so all targets agree bit for bit. The generated C is built with
\`-ffp-contract=off\` (no fused multiply-add) and \`-fno-math-errno\`; a user building the library
with other flags must keep those two. \`signal/\` (the audio front ends, docs/signal.md) is subset
code like \`kernels/\`: its files import \`"../kernels/types.ts"\`.

## Statements

\`let\`/\`const\` (never \`var\`, MOTE2015), assignment and compound assignment
(\`= += -= *= &= |= ^= <<= >>=\`), \`i++\`/\`i--\`/\`++i\`/\`--i\` only as a statement of their own or
in a \`for\` step (MOTE2016), \`if\`/\`else\`, \`for (init; cond; step)\` (each part may be empty),
\`while\`, \`break\`, \`continue\`, \`return\`, and calls. Names are block-scoped as in TypeScript; a
\`for\`-loop variable ends with its loop (MOTE2026).

Not available: \`switch\` (MOTE2020), \`for..of\`, \`for..in\`, \`do..while\` (MOTE2017), labels
(MOTE2022), \`try\`/\`throw\` (MOTE2004), closures, arrow functions and nested functions (MOTE2002),
classes (MOTE2001), strings (MOTE2003), recursion, direct or mutual (MOTE2005), \`console\` and
other globals (MOTE2013), \`undefined\`, \`NaN\`, \`Infinity\`, destructuring, default, optional and
rest parameters (MOTE2022).

## Calls

A call names a function of the same file, a function imported from another kernel file, an
intrinsic, or one of the \`Math\` functions above, with exactly as many arguments as it declares
(MOTE2025). Scalars are passed by value; arrays and records are passed by name, and an array's
element type must match the parameter's exactly (MOTE2027). A function that stores into an
array parameter, directly or through a callee, gets a non-\`const\` pointer in C; every other
array parameter is \`const\`.

## Intrinsics (kernels/intrinsics.ts)

Fixed-point steps with exact TypeScript, C and WASM versions (docs/intrinsics.md has the
details): \`srdhm(a, b)\` (saturating rounding doubling high multiply), \`rdbpot(x, exponent)\`
(rounding divide by a power of two, ties away from zero), \`mbqm(x, multiplier, shift)\` (TFLite's
MultiplyByQuantizedMultiplier), \`sat8(x)\` / \`sat16(x)\` (clamp to int8 / int16), \`toI8(x)\` /
\`toI16(x)\` (wrapping narrow), \`mulHi(a, b)\` / \`mulLo(a, b)\` (high and low 32 bits of the signed
64-bit product), \`satLsh(x, n)\` (saturating left shift), \`rdhm(a, b)\` (\`srdhm\` without its
saturation).

The Cortex-M DSP instructions, each one instruction on the M7 and portable elsewhere:
\`smlad(x, y, acc)\` / \`smladx(x, y, acc)\` (two 16x16 multiply-accumulates on the halves of a
word), \`sxtb16(x)\` / \`sxtb16r8(x)\` (bytes 0 and 2, or 1 and 3, sign-extended into two halves),
\`sxtab16(a, x)\`, \`pkhbt(a, b, sh)\` / \`pkhtb(a, b, sh)\` (pack halves; \`sh\` should be a constant
after specialization, or the C falls back to shifts and masks), \`smmulr(x, y)\` (high word of the
64-bit product, rounded).

Word access to int8 data: \`ld32(a, i)\` reads the little-endian word at byte index \`i\` of an
\`Int8Array\` parameter (any alignment), \`st32(a, i, v)\` writes one (a statement; it has no value).
The first argument must be an \`Int8Array\` parameter (MOTE2027). They lower to the KIR \`ld32\`
expression and \`st32\` statement: one LDR/STR on the Cortex-M7, an unaligned \`i32.load\`/\`store\`
in WASM.

## Specialization

The record's fields are the layer's constants. When a model is compiled, Mote replaces every
\`p.field\` with its value, folds constants, resolves branches on them and drops dead code and
unused locals (compiler/specialize/). Algorithm choices (a 1x1 convolution as a GEMM, a 3x3
depthwise fast path) are therefore written as ordinary \`if\`s on record fields: specialization is
what picks them, at no cost at run time.

Loops whose trip count the record fixes are unrolled when they are small
(compiler/specialize/unroll.ts): a counted loop (\`for (let i = 0; i < p.filterW; i++)\`, or a
\`while\` on a local with a known start whose last statement is \`k += c\`) that runs at most **8**
times, with trip count x body statements (nested ones included) at most **64**, and whose body
neither assigns its variable nor \`break\`s or \`continue\`s, becomes one copy of its body per
iteration with the variable replaced by a constant. A loop that runs once becomes its body at any
size, one that never runs disappears. Filter taps can therefore stay plain loops over
\`p.filterH\` and \`p.filterW\`: a 3x3 layer gets nine straight-line taps.

Doc-comment tags on a kernel function steer code generation, never the result: \`@unroll N\`
unrolls its \`for (let u = ...)\` loops of at most N trips (64 at most) whatever their body size
(its other loops keep the limits above); \`@noinline\` keeps it a call in C; \`@noipa\` also stops
C from cloning it for constant arguments (its arrays stay registers); \`@noschedule\` turns gcc's
scheduling before register allocation off for it (compiler/ir/kir.ts KFunction).
`;

function fence(lang: string, body: string): string {
  return `\`\`\`${lang}\n${body.replace(/\n+$/, "")}\n\`\`\``;
}

function anchor(code: number): string {
  return `mote${code}`;
}

/** What \`mote check\` prints for the MOTE2016 example, shown at the top of the page. */
function sampleOutput(fixtures: SubsetFixture[]): string {
  const fx = fixtures.find((f) => f.code === 2016)!;
  return checkFixture(fx.wrongFile, "kernels/compact.ts").map(formatSubsetDiagnostic).join("\n");
}

/** The whole text of docs/subset.md. */
export function generateSubsetDoc(): string {
  const fixtures = loadSubsetFixtures();
  const out: string[] = [
    "<!-- Generated by scripts/gen-subset-doc.ts from test/fixtures/subset/ and",
    "     compiler/diagnostics.ts. Do not edit: run `npx tsx scripts/gen-subset-doc.ts`. -->",
    "",
    RULES.trimEnd().replace("{{SAMPLE}}", sampleOutput(fixtures)),
    "",
    "## Diagnostics",
    "",
    "Every code with the message `mote check` prints (`{0}`, `{1}` stand for the details it fills",
    "in), the hint, a wrong kernel, the diagnostic it gets and the fix. The fixes type-check with",
    "`tsc --strict`, and so does every wrong example unless the section says otherwise.",
    "The examples are the files of test/fixtures/subset/, and test/subset/examples.test.ts checks",
    "all of it.",
    "",
    "| code | topic |",
    "|---|---|",
    ...fixtures.map((fx) => `| [MOTE${fx.code}](#${anchor(fx.code)}) | ${fx.title} |`),
  ];
  for (const fx of fixtures) {
    const info: DiagnosticInfo = DIAGNOSTICS[fx.code as keyof typeof DIAGNOSTICS];
    const printed = checkFixture(fx.wrongFile, "kernel.ts").map(formatSubsetDiagnostic);
    out.push(
      "",
      `<a id="${anchor(fx.code)}"></a>`,
      "",
      `### MOTE${fx.code}: ${fx.title}`,
      "",
      `**Message:** ${info.message}  `,
      `**Hint:** ${info.hint ?? "(none)"}`,
      "",
      `Wrong${fx.tscError ? " (tsc rejects this one too)" : ""}:`,
      "",
      fence("ts", fs.readFileSync(fx.wrongFile, "utf8")),
      "",
      "`mote check kernel.ts` prints:",
      "",
      fence("text", printed.join("\n")),
      "",
      "Fix:",
      "",
      fence("ts", fs.readFileSync(fx.fixFile, "utf8")),
    );
  }
  return `${out.join("\n")}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(SUBSET_DOC_PATH, generateSubsetDoc());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SUBSET_DOC_PATH)}\n`);
}
