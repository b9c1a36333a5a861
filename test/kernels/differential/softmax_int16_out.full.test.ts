/**
 * @fileoverview test:full runs softmax_int16_out.test.ts with its full case counts (MOTE_FULL=1
 * makes caseCount return them; npm test runs 40 % of them with the same seeds).
 */
import "./softmax_int16_out.test.ts";
