/**
 * @fileoverview test:full runs pool_reduce_resize.test.ts with its full case counts (caseCount: MOTE_FULL=1;
 * npm test runs 40 % of them with the same seeds, a prefix of these cases).
 */
import "./pool_reduce_resize.test.ts";
