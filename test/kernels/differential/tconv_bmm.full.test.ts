/**
 * @fileoverview test:full runs tconv_bmm.test.ts with its full case counts (caseCount: MOTE_FULL=1;
 * npm test runs 40 % of them with the same seeds, a prefix of these cases).
 */
import "./tconv_bmm.test.ts";
