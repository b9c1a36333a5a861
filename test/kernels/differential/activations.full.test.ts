/**
 * @fileoverview test:full runs activations.test.ts with its full case counts (caseCount: MOTE_FULL=1;
 * npm test runs 40 % of them with the same seeds, a prefix of these cases).
 */
import "./activations.test.ts";
