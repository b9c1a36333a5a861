/**
 * @fileoverview golden-ops-2's multi-invoke cases through `mote run --invocations N` on ts, codegen
 * and interpreter mode (test/support/multi_invoke.ts; wasm, host, qemu: the .full sibling).
 */
import { multiInvokeSuite } from "../support/multi_invoke.ts";

multiInvokeSuite(["ts"]);
