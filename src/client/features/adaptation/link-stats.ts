/**
 * Reading getStats() of the two connections into plain numbers, and turning two readings into rates. Pure:
 * the readers take any iterable of stats records (an RTCStatsReport's values, or test fixtures).
 */
import type { LinkSample } from "./link-sample.js";
import type { UplinkSample } from "./uplink.js";

type Stat = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const optNum = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export interface InboundCounters {
  kind: "audio" | "video";
  packetsReceived: number;
  packetsLost: number;
  /** Payload and RTP header bytes. */
  bytes: number;
  /** Seconds. */
  jitter: number;
  frameWidth: number;
  frameHeight: number;
  framesDecoded: number;
  freezeCount: number;
  concealedSamples: number;
  totalSamplesReceived: number;
}

export interface SubscribeReading {
  at: number;
  /** Everything received on the transport (all m-lines, RTX, RTCP), when the browser says. */
  transportBytes: number | null;
  /** Round trip of the selected candidate pair, seconds. */
  rtt: number | null;
  /** inbound-rtp by mid. */
  inbound: Map<string, InboundCounters>;
}

/** The selected candidate pair of a report (the transport's, else a nominated succeeded one). */
function selectedPair(stats: readonly Stat[]): Stat | undefined {
  const byId = new Map(stats.map((s) => [s.id, s]));
  for (const s of stats)
    if (s.type === "transport" && typeof s.selectedCandidatePairId === "string")
      return byId.get(s.selectedCandidatePairId);
  return stats.find((s) => s.type === "candidate-pair" && s.nominated === true && s.state === "succeeded");
}

export function readSubscribe(report: Iterable<Stat>, at: number): SubscribeReading {
  const stats = [...report];
  const inbound = new Map<string, InboundCounters>();
  let transportBytes: number | null = null;
  for (const s of stats) {
    if (s.type === "transport") transportBytes = (transportBytes ?? 0) + num(s.bytesReceived);
    if (s.type !== "inbound-rtp" || typeof s.mid !== "string") continue;
    if (s.kind !== "audio" && s.kind !== "video") continue;
    inbound.set(s.mid, {
      kind: s.kind,
      packetsReceived: num(s.packetsReceived),
      packetsLost: num(s.packetsLost),
      bytes: num(s.bytesReceived) + num(s.headerBytesReceived),
      jitter: num(s.jitter),
      frameWidth: num(s.frameWidth),
      frameHeight: num(s.frameHeight),
      framesDecoded: num(s.framesDecoded),
      freezeCount: num(s.freezeCount),
      concealedSamples: num(s.concealedSamples),
      totalSamplesReceived: num(s.totalSamplesReceived),
    });
  }
  return { at, transportBytes, rtt: optNum(selectedPair(stats)?.currentRoundTripTime), inbound };
}

export interface StreamRates {
  kind: "audio" | "video";
  bitrate: number;
  /** 0..1 over the interval (null: too few packets to say). */
  loss: number | null;
  jitter: number;
  frameWidth: number;
  frameHeight: number;
  /** Frames decoded over the interval. */
  frames: number;
  freezes: number;
  /** The interval's length, ms. */
  intervalMs: number;
}

/** What happened between two readings: the link as a whole (for the estimator) and each stream. */
export function compare(
  prev: SubscribeReading,
  cur: SubscribeReading,
  slow: boolean,
): { sample: LinkSample; streams: Map<string, StreamRates> } {
  const ms = Math.max(1, cur.at - prev.at);
  let bytes = 0;
  let received = 0;
  let lost = 0;
  let freezes = 0;
  const streams = new Map<string, StreamRates>();
  for (const [mid, c] of cur.inbound) {
    const p = prev.inbound.get(mid);
    // A stream new since the last reading counts from zero.
    const d = (key: keyof InboundCounters) => Math.max(0, num(c[key]) - num(p?.[key]));
    const dReceived = d("packetsReceived");
    // packetsLost can go down (late packets): keep the sign within a stream, floor the sum.
    const dLost = num(c.packetsLost) - num(p?.packetsLost);
    bytes += d("bytes");
    received += dReceived;
    lost += dLost;
    freezes += d("freezeCount");
    const expected = dReceived + dLost;
    streams.set(mid, {
      kind: c.kind,
      bitrate: (d("bytes") * 8 * 1000) / ms,
      loss: expected >= 8 ? Math.max(0, dLost) / expected : null,
      jitter: c.jitter,
      frameWidth: c.frameWidth,
      frameHeight: c.frameHeight,
      frames: d("framesDecoded"),
      freezes: d("freezeCount"),
      intervalMs: ms,
    });
  }
  const transport =
    cur.transportBytes !== null && prev.transportBytes !== null
      ? cur.transportBytes - prev.transportBytes
      : null;
  const total = transport !== null && transport >= bytes ? transport : bytes;
  return {
    sample: {
      at: cur.at,
      intervalMs: ms,
      receivedBps: (total * 8 * 1000) / ms,
      packetsReceived: received,
      packetsLost: Math.max(0, lost),
      freezes,
      slow,
    },
    streams,
  };
}

export interface PublishReading {
  at: number;
  bytesSent: number;
  bandwidthLimited: boolean;
  /** Some video stream reports its encoder's limitation (`qualityLimitationReason`): Chromium, not Firefox. */
  limitationKnown: boolean;
  available: number | null;
  /** The mean fractionLost the media server reports on our streams (0..1; each report is noisy alone). */
  loss: number | null;
  rtt: number | null;
  /** The largest picture sent. */
  frameWidth: number;
  frameHeight: number;
}

export function readPublish(report: Iterable<Stat>, at: number): PublishReading {
  const stats = [...report];
  let bytesSent = 0;
  let limited = false;
  let limitationKnown = false;
  let lossSum = 0;
  let losses = 0;
  let rtt: number | null = null;
  let frameWidth = 0;
  let frameHeight = 0;
  // An encoding turned off keeps its last report from the media server: it says nothing of the link now.
  const off = new Set(stats.filter((s) => s.type === "outbound-rtp" && s.active === false).map((s) => s.id));
  for (const s of stats) {
    if (s.type === "outbound-rtp") {
      // Payload only: headerBytesSent counts padding too (RTCOutboundRtpStreamStats), which Firefox sends a
      // lot of while it probes: the tile showed its probing as if the camera took it.
      bytesSent += num(s.bytesSent);
      if (s.kind === "video" && s.active !== false) {
        if (s.qualityLimitationReason !== undefined) limitationKnown = true;
        if (s.qualityLimitationReason === "bandwidth") limited = true;
        if (num(s.frameWidth) > frameWidth) {
          frameWidth = num(s.frameWidth);
          frameHeight = num(s.frameHeight);
        }
      }
    } else if (s.type === "remote-inbound-rtp" && !off.has(String(s.localId))) {
      const f = optNum(s.fractionLost);
      if (f !== null) {
        lossSum += f;
        losses += 1;
      }
      const r = optNum(s.roundTripTime);
      if (r !== null) rtt = Math.max(rtt ?? 0, r);
    }
  }
  const pair = selectedPair(stats);
  return {
    at,
    bytesSent,
    bandwidthLimited: limited,
    limitationKnown,
    available: optNum(pair?.availableOutgoingBitrate),
    loss: losses > 0 ? lossSum / losses : null,
    rtt: rtt ?? optNum(pair?.currentRoundTripTime),
    frameWidth,
    frameHeight,
  };
}

export function uplinkSample(cur: PublishReading, slow: boolean): UplinkSample {
  return {
    at: cur.at,
    bandwidthLimited: cur.bandwidthLimited,
    limitationKnown: cur.limitationKnown,
    rtt: cur.rtt,
    available: cur.available,
    loss: cur.loss,
    slow,
  };
}
