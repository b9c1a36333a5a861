/**
 * @fileoverview Every file and folder a command reads or writes, as one set of checks (a layer-0
 * module, so bench and compare write through it too): a missing path, a folder where a file is expected (or the reverse), a missing parent, a path that cannot
 * be read or written (/proc, a read-only file system, no permission) is a one-line user error
 * naming the path as the user typed it, never a stack trace or a hang.
 *
 * Reading: `readUserFile` / `checkUserFile` / `checkUserDir` take the error to raise (the role's
 * own code: 1001 a model, 6009 an --input, ...; `readError(label)` is MOTE6603 for the others).
 * Writing: `writeOutputFile(s)` writes a temporary file in the same folder and renames it over
 * the target, so an earlier output stays intact until the new one is complete (MOTE6601);
 * `makeDirs` creates an output folder and its parents one level at a time (node's recursive
 * mkdir never returns under /proc), and `stageDir` gives a command a temporary folder beside
 * its --out folder that `commit` moves in (MOTE6602). Temporary paths are removed when the
 * process ends on SIGINT/SIGTERM, so an interrupted command leaves no half-written file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fail } from "./diagnostics.ts";

/** Raises the user error for a path that cannot be read: the path as typed, then the reason. */
export type ReadError = (file: string, reason: string) => never;

/** MOTE6603 `cannot read LABEL PATH: REASON` for paths without a code of their own (--expect, --report, ...). */
export function readError(label: string): ReadError {
  return (file, reason) => fail(6603, label, file, reason);
}

/** The roles with a code of their own. */
export const READ_AS = {
  /** A model positional: .json is a TF.js model (6901), anything else a .tflite (1001). */
  model: (file: string, reason: string): never => (/\.json$/i.test(file) ? fail(6901, file, reason) : fail(1001, file, reason)),
  input: (file: string, reason: string): never => fail(6009, file, reason),
  calibration: (file: string, reason: string): never => fail(6911, file, reason),
  kernelFile: (file: string, reason: string): never => fail(2901, file, reason),
} satisfies Record<string, ReadError>;

/** The deepest existing ancestor of `p` (resolved), and whether it is a folder. */
function existingAncestor(p: string): { dir: string; isDir: boolean } {
  let dir = path.dirname(path.resolve(p));
  for (;;) {
    try {
      return { dir, isDir: fs.statSync(dir).isDirectory() };
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return { dir, isDir: true };
      dir = up;
    }
  }
}

/** `abs` (a resolved path) as the user would write it: relative when they typed `typed` relative. */
function shown(abs: string, typed: string): string {
  return path.isAbsolute(typed) ? abs : path.relative(process.cwd(), abs) || ".";
}

/** The reason an fs call on `p` failed, in words (the path's missing or non-folder part named). */
export function reason(e: unknown, p: string, writing = false): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT": {
      const a = existingAncestor(p);
      const parent = path.dirname(path.resolve(p));
      if (!a.isDir) return `${shown(a.dir, p)} is a file, not a folder`;
      if (a.dir !== parent) return `no such folder ${shown(parent, p)}`;
      // The folder exists, yet creating in it says ENOENT: /proc, /sys and the like.
      return writing ? `${shown(parent, p)} does not take new files` : "no such file";
    }
    case "ENOTDIR": {
      const a = existingAncestor(p);
      return a.isDir ? "a part of the path is not a folder" : `${shown(a.dir, p)} is a file, not a folder`;
    }
    case "EISDIR": return "it is a folder, not a file";
    case "EACCES": case "EPERM": return "permission denied";
    case "EROFS": return "read-only file system";
    case "ENOSPC": return "no space left on the device";
    case "EDQUOT": return "disk quota exceeded";
    case "ENAMETOOLONG": return "the path is too long";
    case "ELOOP": return "too many symbolic links";
    case "EEXIST": return "it already exists";
    case "EBUSY": return "the file is busy";
    case "EIO": return "input/output error";
    default: return code ? `${code}: ${(e as Error).message.replace(/^\w+: /, "")}` : String(e);
  }
}

/** Checks that `file` is an existing, readable regular file (a folder, FIFO or device is not). */
export function checkUserFile(file: string, onError: ReadError): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return onError(file, reason(e, file));
  }
  if (stat.isDirectory()) onError(file, "it is a folder, not a file");
  if (!stat.isFile()) onError(file, "not a regular file");
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    onError(file, reason(e, file));
  }
}

/** The bytes of a file the user named (checked first: never blocks on a FIFO or device). */
export function readUserFile(file: string, onError: ReadError): Buffer {
  checkUserFile(file, onError);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    return onError(file, reason(e, file));
  }
}

/** Checks that `p` exists (a file or a folder: calibration data is either). */
export function checkUserPath(p: string, onError: ReadError): void {
  try {
    fs.statSync(p);
  } catch (e) {
    onError(p, reason(e, p));
  }
}

/** Checks that `dir` is an existing, readable folder. */
export function checkUserDir(dir: string, onError: ReadError): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    const why = reason(e, dir);
    return onError(dir, why === "no such file" ? "no such folder" : why);
  }
  if (!stat.isDirectory()) onError(dir, "it is a file, not a folder");
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
  } catch (e) {
    onError(dir, reason(e, dir));
  }
}

/**
 * Before any work: `file` can be written as far as the file system tells without writing (not
 * a folder, its existing ancestor a writable folder). The write itself can still fail (MOTE6601).
 */
export function checkOutputFile(file: string, label: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    // absent: its folder is checked below
  }
  if (stat?.isDirectory()) fail(6601, label, file, "it is a folder, not a file");
  if (stat && !stat.isFile()) return; // a device or FIFO (/dev/null, /dev/stdout): written in place
  const a = existingAncestor(file);
  if (!a.isDir) fail(6601, label, file, `${shown(a.dir, file)} is a file, not a folder`);
  try {
    fs.accessSync(a.dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    fail(6601, label, file, `${shown(a.dir, file)}: ${reason(e, a.dir)}`);
  }
}

/** Before any work: `dir` is a folder or can be created as one (MOTE6602 otherwise). */
export function checkOutputDir(dir: string, label: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    // absent: created by makeDirs
  }
  if (stat && !stat.isDirectory()) fail(6602, label, dir, "it is a file, not a folder");
  const a = stat ? { dir: path.resolve(dir), isDir: true } : existingAncestor(dir);
  if (!a.isDir) fail(6602, label, dir, `${shown(a.dir, dir)} is a file, not a folder`);
  try {
    fs.accessSync(a.dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    fail(6602, label, dir, `${shown(a.dir, dir)}: ${reason(e, a.dir)}`);
  }
}

/** Raises the user error for an output path, given the reason. */
export type WriteError = (reason: string) => never;

/** Creates `dir` and its missing parents one level at a time; `onError` raises the failure. */
export function makeDirs(dir: string, onError: WriteError): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(d);
    } catch {
      // missing: created below
    }
    if (stat?.isDirectory()) break;
    if (stat) onError(`${shown(d, dir)} is a file, not a folder`);
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") onError(`cannot create ${shown(d, dir)}: ${reason(e, d, true)}`);
    }
  }
}

/** Temporary paths of this process, removed if it is interrupted (SIGINT, SIGTERM). */
const temporaries = new Set<string>();
let handlersInstalled = false;

function removeTemporaries(): void {
  for (const t of temporaries) fs.rmSync(t, { recursive: true, force: true });
  temporaries.clear();
}

/** Registers `p` for removal on interruption; returns a function that unregisters it. */
function track(p: string): () => void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      process.once(signal, () => {
        // A running progress spinner (compiler/cli/progress.ts) ends as failed first.
        (globalThis as Record<symbol, (() => void) | undefined>)[Symbol.for("mote.progress.end")]?.();
        removeTemporaries();
        process.exit(status);
      });
    }
    process.once("exit", removeTemporaries);
  }
  temporaries.add(p);
  return () => void temporaries.delete(p);
}

/** A temporary name in `file`'s folder (hidden, unique to this process). */
function temporaryName(file: string): string {
  const abs = path.resolve(file);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/** An existing path that is neither a file nor a folder: a device or FIFO, never replaced by a rename. */
function isSpecial(file: string): boolean {
  try {
    const s = fs.statSync(file);
    return !s.isFile() && !s.isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes every file, atomically and together: each goes to a temporary file in its own folder
 * (created as needed) and is renamed over its target only when all are written. On any failure
 * the temporaries are removed, the targets are as they were, and MOTE6601 names the file. A
 * device or FIFO (/dev/null, /dev/stdout) is written in place, last.
 */
export function writeOutputFiles(files: readonly { file: string; data: string | Uint8Array }[], label: string): void {
  const written: { temp: string; file: string; untrack: () => void }[] = [];
  let current = files[0]?.file ?? "";
  try {
    for (const { file, data } of files) {
      current = file;
      checkOutputFile(file, label);
      if (isSpecial(file)) continue;
      makeDirs(path.dirname(path.resolve(file)), (r) => fail(6601, label, file, r));
      const temp = temporaryName(file);
      const untrack = track(temp);
      written.push({ temp, file, untrack });
      fs.writeFileSync(temp, data, { flag: "wx" });
    }
    for (const w of written) {
      current = w.file;
      fs.renameSync(w.temp, w.file);
      w.untrack();
    }
    for (const { file, data } of files.filter((f) => isSpecial(f.file))) {
      current = file;
      fs.writeFileSync(file, data);
    }
  } catch (e) {
    for (const w of written) {
      fs.rmSync(w.temp, { force: true });
      w.untrack();
    }
    if (e instanceof Error && e.name === "MoteError") throw e;
    fail(6601, label, current, reason(e, current, true));
  }
}

/** One output file, written atomically (see writeOutputFiles). */
export function writeOutputFile(file: string, data: string | Uint8Array, label: string): void {
  writeOutputFiles([{ file, data }], label);
}

/** A folder the command writes into, moved into its --out folder only on `commit`. */
export interface Staged {
  /** The temporary folder (beside the final one, so the move is a rename). */
  dir: string;
  /** Moves every entry into the final folder (replacing same-named ones) and removes `dir`. */
  commit(): void;
  /** Removes the temporary folder and what it holds. */
  abort(): void;
}

/** Creates a temporary folder beside `dir` (its parents created as needed: MOTE6602). */
export function stageDir(dir: string, label: string): Staged {
  checkOutputDir(dir, label);
  // Through a symbolic link to its folder, so that the staging folder is on the same file system.
  const final = fs.existsSync(dir) ? fs.realpathSync(dir) : path.resolve(dir);
  const onError: WriteError = (r) => fail(6602, label, dir, r);
  makeDirs(path.dirname(final), onError);
  let staging: string;
  try {
    staging = fs.mkdtempSync(path.join(path.dirname(final), `.${path.basename(final)}.partial-`));
  } catch (e) {
    return fail(6602, label, dir, reason(e, final, true));
  }
  const untrack = track(staging);
  const abort = (): void => {
    fs.rmSync(staging, { recursive: true, force: true });
    untrack();
  };
  return {
    dir: staging,
    abort,
    commit(): void {
      try {
        makeDirs(final, onError);
        for (const name of fs.readdirSync(staging)) {
          const target = path.join(final, name);
          fs.rmSync(target, { recursive: true, force: true });
          fs.renameSync(path.join(staging, name), target);
        }
        fs.rmdirSync(staging);
        untrack();
      } catch (e) {
        abort();
        if (e instanceof Error && e.name === "MoteError") throw e;
        fail(6602, label, dir, reason(e, final, true));
      }
    },
  };
}
