/**
 * @fileoverview The file contract between Mote and both harnesses (boards/host/main.c and the
 * firmware's main.c): a run directory holding input_<i>.bin before and output_<i>.bin after,
 * raw tensor bytes in model order. Creates and removes the temporary run directories.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const inputFileName = (index: number): string => `input_${index}.bin`;
export const outputFileName = (index: number): string => `output_${index}.bin`;

/** A fresh empty directory under the system temp dir. */
export function makeRunDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `mote-${prefix}-`));
}

export async function removeRunDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function writeInputs(dir: string, inputs: readonly Uint8Array[]): Promise<void> {
  await Promise.all(inputs.map((bytes, i) => writeFile(path.join(dir, inputFileName(i)), bytes)));
}

/**
 * Reads output_0.bin ... output_<n-1>.bin; returns the index of the first missing file
 * instead when one was not written.
 */
export async function readOutputs(dir: string, count: number): Promise<Uint8Array[] | { missing: number }> {
  const outputs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, outputFileName(i));
    if (!existsSync(file)) return { missing: i };
    outputs.push(new Uint8Array(await readFile(file)));
  }
  return outputs;
}
