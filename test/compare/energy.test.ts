/**
 * @fileoverview The arithmetic of `mote compare` (compiler/compare/energy.ts) on fixed inputs
 * worked out by hand: device time and energy, one message over a link, the four options,
 * break-even (both when the cloud can win and when it never can), battery life and the MLPerf
 * cross-check.
 */
import { describe, expect, it } from "vitest";
import { batteryLifeS, breakEven, crossCheck, deviceCost, joulesPerByte, messageCost, optionResults, type LinkParams, type OptionInputs } from "../../compiler/compare/energy.ts";

const board = { clockHz: 200e6, runCurrentA: 0.1, voltageV: 3 };
const link: LinkParams = { voltageV: 3, txCurrentA: 0.01, rxCurrentA: 0.005, throughputBps: 1000, setupS: 0.1, setupJ: 0.002, airRttS: 0.01, internetRttS: 0.04, overheadBytes: 0 };

describe("energy arithmetic", () => {
  it("device: instructions x CPI / clock, times current and voltage", () => {
    const c = deviceCost(2e7, board, 1);
    expect(c.seconds).toBeCloseTo(0.1, 12);
    expect(c.joules).toBeCloseTo(0.03, 12);
    expect(deviceCost(2e7, board, 1.5).seconds).toBeCloseTo(0.15, 12);
  });

  it("one message: set-up + transmit + round trip and server wait", () => {
    const m = messageCost(1000, link, 0.05);
    expect(m.bytes).toBe(1000);
    expect(m.seconds).toBeCloseTo(0.1 + 1 + 0.1, 12);
    expect(m.joules).toBeCloseTo(0.002 + 1 * 0.01 * 3 + 0.1 * 0.005 * 3, 12);
    expect(messageCost(1000, { ...link, overheadBytes: 64 }, 0.05).bytes).toBe(1064);
    expect(joulesPerByte(link)).toBeCloseTo(3e-5, 15);
  });

  const inputs: OptionInputs = {
    device: deviceCost(2e7, board, 1),
    frontEnd: deviceCost(2e6, board, 1),
    rawBytes: 1000,
    featureBytes: 100,
    resultBytes: 8,
    positiveRate: 0.1,
    serverRawS: 0.05,
    serverFeaturesS: 0.02,
  };

  it("the four options", () => {
    const [device, result, features, raw] = optionResults(inputs, link);
    expect(device).toMatchObject({ option: "device", bytesSent: 0 });
    expect(device.energyJ).toBeCloseTo(0.03, 12);
    expect(result.option).toBe("result");
    expect(result.latencyS).toBeCloseTo(0.1, 12);
    expect(result.bytesSent).toBeCloseTo(0.8, 12);
    expect(result.energyJ).toBeCloseTo(0.03 + 0.1 * (0.002 + 0.008 * 0.03 + 0.05 * 0.015), 12);
    expect(features.option).toBe("features");
    expect(features.energyJ).toBeCloseTo(0.003 + 0.002 + 0.1 * 0.03 + 0.07 * 0.015, 12);
    expect(features.latencyS).toBeCloseTo(0.01 + 0.1 + 0.1 + 0.07, 12);
    expect(raw.energyJ).toBeCloseTo(0.0335, 12);
    const noFrontEnd = optionResults({ ...inputs, frontEnd: undefined, featureBytes: undefined, serverFeaturesS: undefined }, link);
    expect(noFrontEnd[2].notApplicable).toMatch(/no front end/);
  });

  it("break-even payload when the cloud can win, and none when the fixed cost exceeds the inference", () => {
    const b = breakEven(inputs, link);
    expect(b.fixedJ).toBeCloseTo(0.0035, 12);
    expect(b.payloadBytes).toBeCloseTo((0.03 - 0.0035) / 3e-5, 6);
    expect(b.rawOverDevice).toBeCloseTo(0.0335 / 0.03, 12);
    expect(b.cloudFaster).toBe(false);
    expect(b.text).toMatch(/cloud wins on energy for payloads under 883 B/);
    const cheap = breakEven({ ...inputs, device: deviceCost(2e6, board, 1) }, link);
    expect(cheap.payloadBytes).toBeUndefined();
    expect(cheap.text).toMatch(/cloud never wins/);
    const fast = breakEven({ ...inputs, device: deviceCost(1e9, board, 1) }, { ...link, throughputBps: 1e9, setupS: 0 });
    expect(fast.cloudFaster).toBe(true);
  });

  it("battery life: capacity x voltage over the average power", () => {
    expect(batteryLifeS(0.03, 60, 1000, 3.7)).toBeCloseTo((1000 * 3.6 * 3.7) / ((60 / 3600) * 0.03), 6);
  });

  it("MLPerf cross-check in cycles", () => {
    const c = crossCheck(3.4e5, 1, { system: "x", clockHz: 216e6, latencyS: 0.00171 });
    expect(c.publishedCycles).toBeCloseTo(369360, 6);
    expect(c.ratio).toBeCloseTo(3.4e5 / 369360, 12);
    expect(c.oursAtTheirClockS).toBeCloseTo(3.4e5 / 216e6, 15);
  });
});
