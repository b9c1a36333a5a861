/**
 * @fileoverview golden-ops-2's multi-invoke cases through `mote run --invocations N` on ts, wasm,
 * host C and qemu, codegen and interpreter mode (test/support/multi_invoke.ts; `npm run test:full`).
 */
import { needTarget } from "../support/shared.ts";
import { multiInvokeSuite } from "../support/multi_invoke.ts";

multiInvokeSuite(["ts", "wasm", ...(["host", "qemu"] as const).filter((t) => needTarget(t).ok)]);
