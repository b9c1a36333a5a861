/**
 * @fileoverview Section sizes of the model library alone, read from the firmware's GNU ld map
 * (buildFirmware writes <elf>.map) and the ELF's section headers.
 *
 * buildFirmware compiles every C file in one arm-none-eabi-gcc call, so the map names objects
 * by temporary paths (/tmp/ccXXXX.o). gcc passes them to ld in command-line order, which is the
 * board's firmware sources (board.json) followed by the library's .c files (librarySources):
 * the map's first `LOAD` lines of plain objects are in that order, and the last
 * `librarySourceCount` of them are the library. The object that holds `mote_invoke` must be one
 * of them (checked, MOTE5013 otherwise).
 *
 * The library's bytes are the input sections of its objects, plus the archive members (libc,
 * libgcc) that ld pulled in first for a library object or for such a member ("Archive member
 * included to satisfy reference by file"). A member the harness pulled in first (memcpy for
 * startup's .data copy) counts as harness even when the model calls it too. Alignment fill
 * between input sections is not attributed. Each input section is classified by its output
 * section, as readelf sees it: executable or .isr_vector → text, writable NOBITS → bss
 * (.stack excluded), writable → data, other allocated → rodata, non-allocated → ignored.
 */
import { readFileSync } from "node:fs";

import { fail } from "../diagnostics.ts";
import { runProcess } from "../toolchain/exec.ts";
import type { FirmwareSizes } from "../toolchain/firmware.ts";
import { findTool } from "../toolchain/tools.ts";

export type SectionClass = keyof FirmwareSizes;

export interface MapContents {
  /** Plain object files in link order (`LOAD x.o` lines; archives and "linker stubs" excluded). */
  objects: string[];
  /** Archive member → the file whose reference pulled it in. */
  members: Map<string, string>;
  /** Every allocated input section: output section, input section name, size, file. */
  sections: { output: string; input: string; bytes: number; file: string }[];
}

/** Parses the parts of a GNU ld map that attribute bytes to files. */
export function parseLinkerMap(text: string): MapContents {
  const lines = text.split("\n");
  const members = new Map<string, string>();
  const objects: string[] = [];
  const sections: MapContents["sections"] = [];
  let i = 0;
  if (lines[0]?.startsWith("Archive member included")) {
    for (i = 1; i < lines.length && !/^(Discarded input sections|Memory Configuration)/.test(lines[i]!); i++) {
      const member = lines[i]!;
      if (member === "" || /^\s/.test(member)) continue;
      const by = /^\s+(\S.*?) \(.*\)\s*$/.exec(lines[i + 1] ?? "");
      if (by) members.set(member.trim(), by[1]!);
    }
  }
  while (i < lines.length && !lines[i]!.startsWith("Linker script and memory map")) i++;
  let output = "";
  let pending: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const load = /^LOAD (\S.*)$/.exec(line);
    if (load) {
      if (/\.o$/.test(load[1]!)) objects.push(load[1]!);
      continue;
    }
    const out = /^(\.\S+)(\s+0x[0-9a-f]+\s+0x[0-9a-f]+.*)?\s*$/.exec(line);
    if (out) {
      output = out[1]!;
      pending = undefined;
      continue;
    }
    const one = /^ (\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*?)\s*$/.exec(line);
    if (one && one[1] !== "*fill*") {
      sections.push({ output, input: one[1]!, bytes: parseInt(one[2]!, 16), file: one[3]! });
      pending = undefined;
      continue;
    }
    const named = /^ (\.\S+|COMMON)\s*$/.exec(line);
    if (named) {
      pending = named[1];
      continue;
    }
    const cont = /^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*?)\s*$/.exec(line);
    if (cont && pending !== undefined) {
      sections.push({ output, input: pending, bytes: parseInt(cont[1]!, 16), file: cont[2]! });
      pending = undefined;
    }
  }
  return { objects, members, sections };
}

/** Output section name → class, from `readelf -S -W` (see the file comment). */
export function classifyOutputSections(readelfOutput: string): Map<string, SectionClass> {
  const classes = new Map<string, SectionClass>();
  const row = /^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+\d+\s*$/;
  for (const line of readelfOutput.split("\n")) {
    const m = row.exec(line);
    if (!m) continue;
    const [, name, type, flags] = m as unknown as [string, string, string, string];
    if (!flags.includes("A") || name === ".stack") continue;
    if (type === "NOBITS") classes.set(name, "bss");
    else if (flags.includes("X") || name === ".isr_vector") classes.set(name, "text");
    else if (flags.includes("W")) classes.set(name, "data");
    else classes.set(name, "rodata");
  }
  return classes;
}

export interface LibrarySizes extends FirmwareSizes {
  /** The files counted: library objects and the archive members attributed to them. */
  files: string[];
}

/**
 * The library's sizes from a parsed map: the last `librarySourceCount` plain objects of
 * `boardSourceCount + librarySourceCount`, plus the archive members they pulled in.
 */
export function librarySizesFromMap(
  map: MapContents,
  classes: Map<string, SectionClass>,
  boardSourceCount: number,
  librarySourceCount: number,
  mapFile = "firmware.map",
): LibrarySizes {
  if (map.objects.length !== boardSourceCount + librarySourceCount) {
    fail(5013, mapFile, `expected ${boardSourceCount} board and ${librarySourceCount} library objects, found ${map.objects.length}`);
  }
  const library = new Set(map.objects.slice(boardSourceCount));
  const invoke = map.sections.find((s) => s.input === ".text.mote_invoke");
  if (!invoke || !library.has(invoke.file)) {
    fail(5013, mapFile, "mote_invoke is not in a model library object");
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [member, by] of map.members) {
      if (!library.has(member) && library.has(by)) {
        library.add(member);
        grew = true;
      }
    }
  }
  const sizes: LibrarySizes = { text: 0, rodata: 0, data: 0, bss: 0, files: [...library] };
  for (const s of map.sections) {
    const cls = classes.get(s.output);
    if (cls && library.has(s.file)) sizes[cls] += s.bytes;
  }
  return sizes;
}

/** The model library's text/rodata/data/bss in `elf` (its map beside it, <elf minus .elf>.map). */
export async function librarySizes(elf: string, mapFile: string, boardSourceCount: number, librarySourceCount: number): Promise<LibrarySizes> {
  const readelf = await runProcess(findTool("arm-none-eabi-readelf"), ["-S", "-W", elf]);
  if (readelf.code !== 0) fail(5012, "arm-none-eabi-readelf", elf, readelf.stderr.trim());
  const map = parseLinkerMap(readFileSync(mapFile, "utf8"));
  return librarySizesFromMap(map, classifyOutputSections(readelf.stdout), boardSourceCount, librarySourceCount, mapFile);
}

/** Size in bytes of each symbol named `name` in `elf` (`nm -S`; local statics included). */
export async function symbolSizes(elf: string, name: string): Promise<number[]> {
  const nm = await runProcess(findTool("arm-none-eabi-nm"), ["-S", elf]);
  if (nm.code !== 0) fail(5012, "arm-none-eabi-nm", elf, nm.stderr.trim());
  const sizes: number[] = [];
  for (const line of nm.stdout.split("\n")) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) \S (\S+)$/.exec(line.trim());
    if (m && m[2] === name) sizes.push(parseInt(m[1]!, 16));
  }
  return sizes;
}
