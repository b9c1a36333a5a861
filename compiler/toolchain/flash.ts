/**
 * @fileoverview Putting real-board firmware on a board and reading what it prints.
 *
 * flashCommands gives the command lines mote compile prints (st-flash writes firmware.bin at
 * the flash address; OpenOCD programs the ELF with the board's config). flashBoard runs one of
 * them: st-flash if it is on PATH, else openocd; neither is MOTE5001 naming both packages, and a
 * tool that fails (no probe answered, ...) is MOTE5030 quoting its own words. readSerialPort
 * sets the port to 115200 8N1 raw with stty and collects what the firmware prints until its
 * "mote: done" or "mote: error" line, or the time limit.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import path from "node:path";

import { fail, MoteError } from "../diagnostics.ts";
import type { Board } from "./boards.ts";
import { runProcess } from "./exec.ts";
import { findTool, installCommand } from "./tools.ts";

export type FlashTool = "st-flash" | "openocd";

/** The .bin beside an ELF (mote compile writes both). */
export function binFor(elf: string): string {
  return elf.replace(/\.elf$/, "") + ".bin";
}

/** Arguments of each flashing tool for `elf` (and the .bin beside it) on `board`. */
export function flashCommands(board: Board, elf: string): Record<FlashTool, string[]> {
  const address = `0x${(board.firmware?.flashAddress ?? 0x08000000).toString(16).padStart(8, "0")}`;
  const cfg = board.firmware?.openocdConfig ?? "board/<your board>.cfg";
  return {
    "st-flash": ["--reset", "write", binFor(elf), address],
    openocd: ["-f", cfg, "-c", `program ${elf} verify reset exit`],
  };
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, "\\$1")}"`);

/** The lines mote compile prints after a real-board build: flash it, read its UART. */
export function flashInstructions(board: Board, elf: string): string[] {
  const cmds = flashCommands(board, elf);
  return [
    `flash it (ST-LINK USB connected): st-flash ${cmds["st-flash"].map(quote).join(" ")}`,
    `   or: openocd ${cmds.openocd.map(quote).join(" ")}`,
    `   or: mote flash ${quote(elf)} --board ${board.name} --monitor /dev/ttyACM0`,
    `read it: ${board.firmware?.uart ?? "the UART at 115200 8N1"}; press the board's reset button and capture e.g. with`,
    `   mote serial-log /dev/ttyACM0   (or save the port's output to a file and run mote serial-log FILE)`,
  ];
}

function available(tool: FlashTool): boolean {
  try {
    findTool(tool);
    return true;
  } catch (e) {
    if (e instanceof MoteError) return false;
    throw e;
  }
}

/** The last lines of a tool's output that say something, for one-line messages. */
function toolWords(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const important = lines.filter((l) => /error|fail|not found|couldn't|could not|no st-?link|unable/i.test(l));
  return (important.length > 0 ? important : lines).slice(-3).join(" | ") || "no output";
}

/** Flashes `elf` with st-flash or openocd (`tool` forces one); returns the tool used. */
export async function flashBoard(board: Board, elf: string, tool?: FlashTool): Promise<FlashTool> {
  if (!existsSync(elf)) fail(6009, elf, "no such file (build it with mote compile MODEL --board NAME)");
  const chosen = tool ?? (available("st-flash") ? "st-flash" : available("openocd") ? "openocd" : undefined);
  if (!chosen) fail(5001, "st-flash or openocd", `${installCommand("st-flash")} (or ${installCommand("openocd")})`);
  const exe = findTool(chosen);
  const args = flashCommands(board, path.resolve(elf))[chosen];
  if (chosen === "st-flash" && !existsSync(args[2]!)) fail(6009, args[2]!, "no such file: st-flash writes the .bin that mote compile writes beside the ELF");
  const result = await runProcess(exe, args, { timeoutMs: 180_000 });
  const text = `${result.stdout}\n${result.stderr}`;
  if (result.timedOut) fail(5030, chosen, elf, "no answer within 180 s");
  const noDevice = /couldn't find any st-?link/i.test(text); // some st-flash versions exit 0 here
  if (result.code !== 0 || noDevice) {
    const noProbe = /couldn't find any st-?link|no st-?link|open failed|unable to find|LIBUSB_ERROR/i.test(text) ? "no ST-LINK probe answered: " : "";
    fail(5030, chosen, elf, `${noProbe}${toolWords(text)}`);
  }
  return chosen;
}

/** True when `file` is a character device (a serial port), not a captured log. */
export function isSerialPort(file: string): boolean {
  try {
    return statSync(file).isCharacterDevice();
  } catch {
    return false;
  }
}

/** Reads the firmware's report from a serial port (115200 8N1), up to `timeoutMs`. */
export async function readSerialPort(port: string, timeoutMs: number): Promise<string> {
  const stty = await runProcess(findTool("stty"), ["-F", port, "115200", "cs8", "-cstopb", "-parenb", "raw", "-echo"]);
  if (stty.code !== 0) fail(5031, port, `stty could not set 115200 8N1: ${toolWords(stty.stderr)}`);
  return new Promise((resolve, reject) => {
    let text = "";
    const stream = createReadStream(port, { encoding: "latin1" });
    const finish = () => {
      clearTimeout(timer);
      stream.destroy();
      resolve(text);
    };
    const timer = setTimeout(finish, timeoutMs);
    stream.on("data", (chunk) => {
      text += String(chunk);
      if (/mote: (done|error)[^\n]*\n/.test(text)) finish();
    });
    stream.on("error", (e) => {
      clearTimeout(timer);
      try {
        fail(5031, port, e.message);
      } catch (error) {
        reject(error);
      }
    });
  });
}
