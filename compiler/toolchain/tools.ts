/**
 * @fileoverview Locates the external programs Mote drives (host gcc, the Arm GNU toolchain,
 * QEMU) on PATH and turns a missing one into a user error naming the Debian package to install
 * (MOTE5001). Used by host.ts and firmware.ts; scripts/setup.sh installs the same packages.
 * Lookups are cached per (tool, PATH) pair; nothing here runs the tools.
 */
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

import { fail } from "../diagnostics.ts";

/** Debian package that provides each tool Mote runs. */
export const TOOL_PACKAGES = {
  gcc: "gcc",
  "g++": "g++",
  "arm-none-eabi-gcc": "gcc-arm-none-eabi",
  "arm-none-eabi-readelf": "binutils-arm-none-eabi",
  "arm-none-eabi-size": "binutils-arm-none-eabi",
  "arm-none-eabi-nm": "binutils-arm-none-eabi",
  "arm-none-eabi-objdump": "binutils-arm-none-eabi",
  "arm-none-eabi-objcopy": "binutils-arm-none-eabi",
  "st-flash": "stlink-tools",
  openocd: "openocd",
  stty: "coreutils",
  "qemu-system-arm": "qemu-system-arm",
} as const;

export type ToolName = keyof typeof TOOL_PACKAGES;

const cache = new Map<string, string>();

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The apt command that installs `tool`. */
export function installCommand(tool: ToolName): string {
  return `apt-get install ${TOOL_PACKAGES[tool]}`;
}

/**
 * Absolute path of `name` found on `searchPath` (default: the PATH environment variable);
 * fails with MOTE5001 naming the Debian package when it is not there.
 */
export function findTool(name: ToolName, searchPath: string = process.env.PATH ?? ""): string {
  const key = `${name}\0${searchPath}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.resolve(dir, name);
    if (isExecutableFile(candidate)) {
      cache.set(key, candidate);
      return candidate;
    }
  }
  return fail(5001, name, installCommand(name));
}
