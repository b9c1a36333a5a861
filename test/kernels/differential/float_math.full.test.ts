/**
 * @fileoverview test:full runs float_math.test.ts with its full case counts (MOTE_FULL=1 makes
 * caseCount return them; npm test runs 40 % of them with the same seeds, so a prefix of these cases).
 */
import "./float_math.test.ts";
