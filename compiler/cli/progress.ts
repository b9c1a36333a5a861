/**
 * @fileoverview Progress of the commands' long steps (compiling a big model, building the wasm
 * module, gcc, QEMU runs, bench, validate's targets) on stderr, through yocto-spinner.
 *
 * On a terminal (stderr a TTY, CI unset, TERM not "dumb") the running step is a spinner line
 * with its text; when the next step starts (or the command ends) it is replaced by a `✔ text
 * (1.2 s)` line (`✖` when the command fails). Elsewhere (pipes, logs, tests, CI) nothing is
 * animated: a progress made with `{ log: true }` writes each step as one `• text` line (the
 * commands whose steps are worth a log: compile, analyze, bench), any other writes nothing.
 * The build itself is synchronous: the spinner shows which step runs, the ✔ line how long it took.
 */
import yoctoSpinner from "yocto-spinner";

type Spinner = ReturnType<typeof yoctoSpinner>;

export interface Progress {
  /** Starts step `text`, ending the one before. */
  step(text: string): void;
  /** A line that is a result, not a step: printed as is (above the spinner on a terminal). */
  line(text: string): void;
  /** Ends the running step, as done (ok) or failed. */
  end(ok?: boolean): void;
}

/** Whether stderr shows a spinner: a terminal, not CI, not TERM=dumb. */
export function interactive(stream: NodeJS.WriteStream = process.stderr): boolean {
  const ci = process.env.CI;
  return stream.isTTY === true && (ci === undefined || ci === "" || /^(0|false|no|off)$/i.test(ci)) && process.env.TERM !== "dumb";
}

/** The spinner that runs now, ended by the process's exit if a command throws past its progress. */
let running: { spinner: Spinner; text: string; start: number } | undefined;
let exitHook = false;

function seconds(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}

function stopRunning(ok: boolean): void {
  if (!running) return;
  const { spinner, text, start } = running;
  running = undefined;
  if (ok) spinner.success(`${text} (${seconds(start)})`);
  else spinner.error(text);
}

/**
 * Ends the running step as failed, for compiler/cli/main.ts to call before it prints a command's
 * error (it cannot import this module: its precompiled bundle would hold a second copy).
 */
export const END_PROGRESS = Symbol.for("mote.progress.end");

/**
 * A progress on stderr (see the file comment for what it shows where). `log`: off a terminal,
 * each step is a line, prefixed by `bullet` ("• " unless given).
 */
export function progress(opts: { log?: boolean; bullet?: string } = {}): Progress {
  if (!interactive()) {
    const bullet = opts.bullet ?? "• ";
    return {
      step: (text) => void (opts.log && process.stderr.write(`${bullet}${text}\n`)),
      line: (text) => void process.stderr.write(`${text}\n`),
      end: () => {},
    };
  }
  if (!exitHook) {
    exitHook = true;
    process.on("exit", (code) => stopRunning(code === 0));
    (globalThis as Record<symbol, unknown>)[END_PROGRESS] = () => stopRunning(false);
  }
  return {
    step(text) {
      stopRunning(true);
      running = { spinner: yoctoSpinner({ text, stream: process.stderr }).start(), text, start: performance.now() };
    },
    line: (text) => void process.stderr.write(`${text}\n`),
    end: (ok = true) => stopRunning(ok),
  };
}

/** `fn` as one step of `p`: ended as failed when it throws. */
export async function inStep<T>(p: Progress, text: string, fn: () => T | Promise<T>): Promise<T> {
  p.step(text);
  try {
    const result = await fn();
    p.end(true);
    return result;
  } catch (e) {
    p.end(false);
    throw e;
  }
}
