/**
 * @fileoverview test:full runs arith_int8.test.ts with its full case counts (caseCount: MOTE_FULL=1;
 * npm test runs 40 % of them with the same seeds, a prefix of these cases).
 */
import "./arith_int8.test.ts";
