/**
 * @fileoverview `mote check FILE.ts...`: prints every subset diagnostic as
 * `file:line:col: error MOTE2xxx: message (hint)`; exit 1 when there is any.
 */
import { checkFiles } from "../subset/program.ts";
import { formatSubsetDiagnostic } from "../subset/source.ts";
import { checkUserFile, READ_AS } from "../files.ts";

export function checkCommand(files: string[]): void {
  for (const f of files) checkUserFile(f, READ_AS.kernelFile);
  const diags = checkFiles(files);
  for (const d of diags) process.stdout.write(`${formatSubsetDiagnostic(d)}\n`);
  if (diags.length > 0) {
    process.stderr.write(`${diags.length} problem${diags.length > 1 ? "s" : ""} found\n`);
    process.exit(1);
  }
  process.stdout.write(`${files.length} file${files.length > 1 ? "s" : ""} checked: all within the kernel subset\n`);
}
