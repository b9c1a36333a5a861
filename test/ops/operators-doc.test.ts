/**
 * @fileoverview docs/operators.md is generated from the op lowerings (scripts/gen-operators-doc.ts):
 * this fails when the committed page is stale, or when a registered operator has no NOTES.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { OPERATOR_NOTES, supportedOps } from "../../compiler/ops/index.ts";
import { generateOperatorsDoc, OPERATORS_DOC_PATH } from "../../scripts/gen-operators-doc.ts";

describe("docs/operators.md", () => {
  it("is up to date with the lowerings", () => {
    const onDisk = fs.existsSync(OPERATORS_DOC_PATH) ? fs.readFileSync(OPERATORS_DOC_PATH, "utf8") : "(missing)";
    if (onDisk !== generateOperatorsDoc()) {
      expect.fail("docs/operators.md is out of date: run `npx tsx scripts/gen-operators-doc.ts` and commit the result");
    }
  });

  it("describes every supported operator", () => {
    const missing = supportedOps().filter((op) => !OPERATOR_NOTES[op]);
    expect(missing, "operators whose compiler/ops file exports no NOTES entry").toEqual([]);
  });
});
