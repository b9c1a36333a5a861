/**
 * @fileoverview The arithmetic of `mote compare`, pure functions of figures and measurements (no
 * I/O, no constants of its own: every radio, power and battery number comes in as an argument,
 * from compiler/compare/figures.json through figures.ts). test/compare/energy.test.ts checks it
 * on fixed inputs.
 *
 * Model:
 *  - device: t = instructions x CPI / clock; E = t x I_run x V (the MCU at its Run-mode current
 *    for the whole inference; sleep between inferences not counted);
 *  - one message over a link: t = set-up + (payload + overhead) / throughput + air RTT + Internet
 *    RTT + server time; E = set-up energy + transmit time x I_tx x V + (air RTT + Internet RTT +
 *    server time) x I_rx x V (the radio receives while it waits for the answer; the MCU sleeps);
 *  - the options: "device" (infer, send nothing), "result" (infer, send a small result only when
 *    positive: the positive rate times one message), "features" (run the front end on the
 *    device, send its output, the model's input: audio models only), "raw" (send the sensor
 *    payload as it is);
 *  - latency: until the device has the answer (for "result": the inference; the message goes after);
 *  - break-even payload: the payload size at which sending it costs as much energy as inferring
 *    on the device (below it the cloud wins); none when one message's fixed cost alone exceeds
 *    the inference;
 *  - battery life: capacity x voltage / (rate x energy per inference): active energy only, an
 *    upper bound (sleep currents and the sensor are not counted).
 */

export interface Board {
  clockHz: number;
  runCurrentA: number;
  voltageV: number;
}

export interface LinkParams {
  voltageV: number;
  txCurrentA: number;
  rxCurrentA: number;
  throughputBps: number;
  setupS: number;
  setupJ: number;
  airRttS: number;
  internetRttS: number;
  overheadBytes: number;
}

export interface Cost {
  seconds: number;
  joules: number;
}

export interface MessageCost extends Cost {
  /** Bytes on the link, protocol overhead included. */
  bytes: number;
}

export const OPTIONS = ["device", "result", "features", "raw"] as const;
export type OptionName = (typeof OPTIONS)[number];

/** One inference on the MCU: `instructions` x `cpi` cycles at the board's clock and Run-mode current. */
export function deviceCost(instructions: number, board: Board, cpi: number): Cost {
  const seconds = (instructions * cpi) / board.clockHz;
  return { seconds, joules: seconds * board.runCurrentA * board.voltageV };
}

/** Energy of one payload byte on the link (transmit power / throughput). */
export function joulesPerByte(link: LinkParams): number {
  return (link.txCurrentA * link.voltageV) / link.throughputBps;
}

/** One message of `payloadBytes` over `link`, waiting `serverS` at the server for the answer. */
export function messageCost(payloadBytes: number, link: LinkParams, serverS: number): MessageCost {
  const bytes = payloadBytes + link.overheadBytes;
  const txS = bytes / link.throughputBps;
  const waitS = link.airRttS + link.internetRttS + serverS;
  return {
    bytes,
    seconds: link.setupS + txS + waitS,
    joules: link.setupJ + txS * link.txCurrentA * link.voltageV + waitS * link.rxCurrentA * link.voltageV,
  };
}

export interface OptionInputs {
  /** The whole on-device inference (front end + model). */
  device: Cost;
  /** The front end alone (features option); undefined for a model without one. */
  frontEnd?: Cost;
  rawBytes: number;
  featureBytes?: number;
  resultBytes: number;
  positiveRate: number;
  /** Server time per request (client round trip on loopback, p50), raw and features payloads. */
  serverRawS: number;
  serverFeaturesS?: number;
}

export interface OptionResult {
  option: OptionName;
  /** Seconds until the device has the answer. */
  latencyS: number;
  /** Joules per inference (device and radio). */
  energyJ: number;
  /** Bytes sent per inference, on average (overhead included). */
  bytesSent: number;
  /** A sentence when the option does not apply (features of a model without a front end). */
  notApplicable?: string;
}

/** Latency, energy and bytes of each option for one model over one link. */
export function optionResults(x: OptionInputs, link: LinkParams): OptionResult[] {
  const result = messageCost(x.resultBytes, link, 0);
  const raw = messageCost(x.rawBytes, link, x.serverRawS);
  const out: OptionResult[] = [
    { option: "device", latencyS: x.device.seconds, energyJ: x.device.joules, bytesSent: 0 },
    {
      option: "result",
      latencyS: x.device.seconds,
      energyJ: x.device.joules + x.positiveRate * result.joules,
      bytesSent: x.positiveRate * result.bytes,
    },
  ];
  if (x.frontEnd && x.featureBytes !== undefined && x.serverFeaturesS !== undefined) {
    const f = messageCost(x.featureBytes, link, x.serverFeaturesS);
    out.push({ option: "features", latencyS: x.frontEnd.seconds + f.seconds, energyJ: x.frontEnd.joules + f.joules, bytesSent: f.bytes });
  } else {
    out.push({ option: "features", latencyS: raw.seconds, energyJ: raw.joules, bytesSent: raw.bytes, notApplicable: "no front end: the features are the raw payload" });
  }
  out.push({ option: "raw", latencyS: raw.seconds, energyJ: raw.joules, bytesSent: raw.bytes });
  return out;
}

export interface BreakEven {
  /** Payload bytes at which one message costs the inference's energy; undefined: never. */
  payloadBytes?: number;
  /** Energy of the smallest message (set-up, overhead, round trip, server time). */
  fixedJ: number;
  /** raw option energy / device energy. */
  rawOverDevice: number;
  /** The cloud (raw) answers sooner than the device. */
  cloudFaster: boolean;
  /** One sentence saying what the numbers mean. */
  text: string;
}

/** Where sending the raw payload would beat inferring on the device (see the file comment). */
export function breakEven(x: OptionInputs, link: LinkParams): BreakEven {
  const fixed = messageCost(0, link, x.serverRawS);
  const perByte = joulesPerByte(link);
  const raw = messageCost(x.rawBytes, link, x.serverRawS);
  const ratio = raw.joules / x.device.joules;
  const payload = (x.device.joules - fixed.joules) / perByte;
  const cloudFaster = raw.seconds < x.device.seconds;
  const text = payload > 0
    ? `cloud wins on energy for payloads under ${fmtBytes(payload)} per inference (this one: ${fmtBytes(x.rawBytes)}; raw costs ${ratio.toFixed(ratio < 10 ? 2 : 0)}x the device)`
    : `cloud never wins on energy: one message's fixed cost (${fmtJ(fixed.joules)}) already exceeds the inference (${fmtJ(x.device.joules)}); raw costs ${ratio.toFixed(ratio < 10 ? 2 : 0)}x the device`;
  return { payloadBytes: payload > 0 ? payload : undefined, fixedJ: fixed.joules, rawOverDevice: ratio, cloudFaster, text };
}

/** Battery life in seconds at `perHour` inferences per hour (active energy only). */
export function batteryLifeS(energyJ: number, perHour: number, capacityMah: number, voltageV: number): number {
  const batteryJ = capacityMah * 3.6 * voltageV; // mAh -> coulombs (x 3.6) -> joules
  return batteryJ / ((perHour / 3600) * energyJ);
}

export interface CrossCheck {
  system: string;
  publishedS: number;
  publishedCycles: number;
  /** Our instructions x CPI at their clock. */
  oursAtTheirClockS: number;
  /** Our cycles / their cycles. */
  ratio: number;
}

/** Our estimate against a published latency: cycles on both sides, so clocks cancel. */
export function crossCheck(instructions: number, cpi: number, published: { system: string; clockHz: number; latencyS: number }): CrossCheck {
  const publishedCycles = published.latencyS * published.clockHz;
  const ours = instructions * cpi;
  return { system: published.system, publishedS: published.latencyS, publishedCycles, oursAtTheirClockS: ours / published.clockHz, ratio: ours / publishedCycles };
}

// ---- formatting (shared by the table, the JSON and the HTML) ---------------------------------

export function fmtJ(j: number): string {
  const a = Math.abs(j);
  if (a >= 1) return `${j.toPrecision(3)} J`;
  if (a >= 1e-3) return `${(j * 1e3).toPrecision(3)} mJ`;
  return `${(j * 1e6).toPrecision(3)} µJ`;
}

export function fmtS(s: number): string {
  if (s >= 60) return `${(s / 60).toPrecision(3)} min`;
  if (s >= 1) return `${s.toPrecision(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${(s * 1e6).toPrecision(3)} µs`;
}

export function fmtBytes(b: number): string {
  if (b >= 1e6) return `${(b / 1e6).toPrecision(3)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toPrecision(3)} kB`;
  if (b === 0) return "0 B";
  return `${b < 10 ? b.toPrecision(2) : Math.round(b)} B`;
}

/** A duration in days or years (battery life). */
export function fmtLife(s: number): string {
  const days = s / 86400;
  if (days >= 365 * 1000) return "> 1000 years";
  if (days >= 365) return `${(days / 365).toPrecision(3)} years`;
  if (days >= 1) return `${days.toPrecision(3)} days`;
  return `${(s / 3600).toPrecision(3)} h`;
}
