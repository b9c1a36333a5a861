/**
 * @fileoverview test:full runs agreement.test.ts with its full random case counts (MOTE_FULL=1
 * makes caseCount return them; npm test runs 40 % of them with the same seed).
 */
import "./agreement.test.ts";
