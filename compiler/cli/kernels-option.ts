/**
 * @fileoverview What `--kernels DIR` loads before a command runs (compiler/cli/main.ts's preAction
 * hook): the user's kernels and lowerings (compiler/ops/user-kernels.ts), behind the command
 * front end's lazy loading so that --help never loads the compiler.
 */
export { loadUserKernels } from "../ops/user-kernels.ts";
