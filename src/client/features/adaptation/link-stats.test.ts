import { describe, expect, it } from "vitest";
import { compare, readPublish, readSubscribe } from "./link-stats.js";

const pair = {
  id: "CP1",
  type: "candidate-pair",
  currentRoundTripTime: 0.04,
  availableOutgoingBitrate: 900_000,
};
const transport = (bytesReceived: number) => ({
  id: "T1",
  type: "transport",
  selectedCandidatePairId: "CP1",
  bytesReceived,
});
const video = (n: number) => ({
  id: "IV",
  type: "inbound-rtp",
  kind: "video",
  mid: "1",
  packetsReceived: 100 * n,
  packetsLost: 5 * n,
  bytesReceived: 100_000 * n,
  headerBytesReceived: 2_000 * n,
  jitter: 0.02,
  frameWidth: 640,
  frameHeight: 360,
  framesDecoded: 30 * n,
  freezeCount: n > 1 ? 1 : 0,
});
const audio = (n: number) => ({
  id: "IA",
  type: "inbound-rtp",
  kind: "audio",
  mid: "0",
  packetsReceived: 50 * n,
  packetsLost: 0,
  bytesReceived: 5_000 * n,
  headerBytesReceived: 600 * n,
  jitter: 0.005,
  concealedSamples: 480 * n,
  totalSamplesReceived: 48_000 * n,
});

describe("readSubscribe / compare", () => {
  it("turns two readings a second apart into the link's sample and each stream's rates", () => {
    const a = readSubscribe([pair, transport(120_000), video(1), audio(1)], 1000);
    const b = readSubscribe([pair, transport(240_000), video(2), audio(2)], 2000);
    expect(a.rtt).toBe(0.04);
    expect(b.inbound.get("1")).toMatchObject({ kind: "video", frameWidth: 640, bytes: 204_000 });
    const { sample, streams } = compare(a, b, true);
    // The transport's count (everything received) is used when it covers the streams' own.
    expect(sample).toMatchObject({
      at: 2000,
      intervalMs: 1000,
      receivedBps: 960_000,
      packetsReceived: 150,
      packetsLost: 5,
      freezes: 1,
      slow: true,
    });
    expect(streams.get("1")).toMatchObject({ bitrate: 816_000, frames: 30, freezes: 1, intervalMs: 1000 });
    expect(streams.get("1")?.loss).toBeCloseTo(5 / 105);
    expect(streams.get("0")).toMatchObject({ kind: "audio", bitrate: 44_800, loss: 0 });
  });

  it("a stream new since the last reading counts from zero; too few packets say nothing of loss", () => {
    const a = readSubscribe([audio(1)], 0);
    const b = readSubscribe([audio(2), { ...video(1), packetsReceived: 3, packetsLost: 1 }], 500);
    const { sample, streams } = compare(a, b, false);
    expect(sample.packetsReceived).toBe(53);
    expect(streams.get("1")?.loss).toBeNull();
    // Without transport stats, the streams' own bytes.
    expect(sample.receivedBps).toBe(((5_600 + 102_000) * 8 * 1000) / 500);
  });
});

describe("readPublish", () => {
  it("reads the encoder's limitation, the available bitrate, the mean reported loss and the largest picture sent", () => {
    const r = readPublish(
      [
        pair,
        transport(0),
        {
          type: "outbound-rtp",
          kind: "video",
          rid: "l",
          active: true,
          bytesSent: 1000,
          // Headers and padding (Firefox probing): not what the camera sends.
          headerBytesSent: 50_000,
          frameWidth: 320,
          frameHeight: 180,
          qualityLimitationReason: "none",
        },
        {
          type: "outbound-rtp",
          kind: "video",
          rid: "m",
          active: true,
          bytesSent: 3000,
          frameWidth: 640,
          frameHeight: 360,
          qualityLimitationReason: "bandwidth",
        },
        {
          type: "outbound-rtp",
          kind: "video",
          rid: "h",
          active: false,
          bytesSent: 0,
          frameWidth: 1280,
          frameHeight: 720,
          qualityLimitationReason: "bandwidth",
        },
        { type: "remote-inbound-rtp", kind: "video", fractionLost: 0.02, roundTripTime: 0.05 },
        { type: "remote-inbound-rtp", kind: "audio", fractionLost: 0.04, roundTripTime: 0.03 },
      ],
      5000,
    );
    expect(r).toMatchObject({
      bytesSent: 4000,
      bandwidthLimited: true,
      available: 900_000,
      loss: 0.03,
      rtt: 0.05,
      frameWidth: 640,
      frameHeight: 360,
    });
  });

  it("leaves out what the media server last said of an encoding turned off: it is stale", () => {
    const r = readPublish(
      [
        pair,
        { type: "outbound-rtp", id: "OA", kind: "audio", bytesSent: 500 },
        { type: "outbound-rtp", id: "OL", kind: "video", rid: "l", active: false, bytesSent: 0 },
        { type: "remote-inbound-rtp", localId: "OL", kind: "video", fractionLost: 0.4, roundTripTime: 0.6 },
        { type: "remote-inbound-rtp", localId: "OA", kind: "audio", fractionLost: 0, roundTripTime: 0.03 },
      ],
      5000,
    );
    expect(r).toMatchObject({ loss: 0, rtt: 0.03, limitationKnown: false });
  });
});
