/**
 * @fileoverview Stand-in for compiler/emit/wasm/intrinsics.ts while that file (another helper's)
 * does not exist yet: defines `mote_sat8` and `mote_toI8` only, with the same i32 -> i32 shape.
 * The backend tests load the real file when it is present (see the vi.mock in each test).
 */
import binaryen from "binaryen";

export function addWasmIntrinsics(m: binaryen.Module): void {
  const x = () => m.local.get(0, binaryen.i32);
  m.addFunction("mote_sat8", binaryen.i32, binaryen.i32, [],
    m.select(m.i32.lt_s(x(), m.i32.const(-128)), m.i32.const(-128),
      m.select(m.i32.gt_s(x(), m.i32.const(127)), m.i32.const(127), x())));
  m.addFunction("mote_toI8", binaryen.i32, binaryen.i32, [], m.i32.extend8_s(x()));
}
