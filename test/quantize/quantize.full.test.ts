/**
 * @fileoverview test:full runs quantize.test.ts with every calibration method (npm test: minmax
 * and mse-bc).
 */
import "./quantize.test.ts";
