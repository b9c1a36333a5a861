/**
 * @fileoverview The TF.js importer's user errors (MOTE6901-6905), raised through compiler/diagnostics.ts.
 * Unsupported ops and layers are collected first and reported together in one error.
 */

import { fail } from "../../diagnostics.ts";

/** model.json cannot be read or is not a TF.js model (6901). */
export function unreadable(path: string, why: string): never {
  fail(6901, path, why);
}

/** The weights manifest or a shard does not match (6902). */
export function badWeights(model: string, why: string): never {
  fail(6902, model, why);
}

/** One error naming every unsupported op (6903) or layer (6904): `items` are "Op (node name)". */
export function unsupported(kind: "op" | "layer", model: string, items: string[]): never {
  const s = items.length === 1 ? "" : "s";
  if (kind === "op") fail(6903, model, items.length, s, items.join(", "));
  fail(6904, model, items.length, s, items.join(", "));
}

/** A supported op or layer with a configuration Mote cannot import (6905). */
export function badModel(model: string, node: string, why: string): never {
  fail(6905, model, node, why);
}
