/**
 * @fileoverview test:full runs conv_2d_dsp.test.ts with its full case counts on wasm and host C
 * (MOTE_FULL=1 makes caseCount return them; npm test runs 40 % of them with the same seeds, so a
 * prefix of these cases).
 */
import "./conv_2d_dsp.test.ts";
