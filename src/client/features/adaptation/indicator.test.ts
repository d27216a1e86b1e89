import { describe, expect, it } from "vitest";
import { classify, formatBitrate, type QualityFacts, tileMarks } from "./indicator.js";

const facts = (f: Partial<QualityFacts> = {}): QualityFacts => ({
  loss: 0,
  rtt: 0.03,
  jitter: 0.01,
  freezes: 0,
  paused: false,
  reduced: false,
  slow: false,
  ...f,
});

describe("classify", () => {
  it("good when nothing is wrong, or nothing is known yet", () => {
    expect(classify(facts())).toBe("good");
    expect(classify(facts({ loss: null, rtt: null, jitter: null }))).toBe("good");
  });

  it("fair on some loss, a long round trip, jitter, freezes, or a video held below its tile's layer", () => {
    expect(classify(facts({ loss: 0.04 }))).toBe("fair");
    expect(classify(facts({ rtt: 0.3 }))).toBe("fair");
    expect(classify(facts({ jitter: 0.12 }))).toBe("fair");
    expect(classify(facts({ freezes: 1 }))).toBe("fair");
    expect(classify(facts({ reduced: true }))).toBe("fair");
  });

  it("poor on heavy loss, a very long round trip, a paused video or a slow-link report", () => {
    expect(classify(facts({ loss: 0.12 }))).toBe("poor");
    expect(classify(facts({ rtt: 0.6 }))).toBe("poor");
    expect(classify(facts({ paused: true }))).toBe("poor");
    expect(classify(facts({ slow: true }))).toBe("poor");
  });
});

describe("formatBitrate", () => {
  it("kbit/s below a megabit, Mbit/s above", () => {
    expect(formatBitrate(150_400)).toBe("150 kbit/s");
    expect(formatBitrate(1_520_000)).toBe("1.5 Mbit/s");
  });
});

describe("tileMarks", () => {
  const streams = [
    { mid: "0", participantId: "ann", kind: "audio", source: "microphone" },
    { mid: "1", participantId: "ann", kind: "video", source: "camera" },
    { mid: "2", participantId: "bob", kind: "video", source: "camera" },
  ] as const;
  const rate = (kind: "audio" | "video", loss: number | null, frameWidth = 0) => ({
    kind,
    bitrate: kind === "audio" ? 40_000 : 500_000,
    loss,
    jitter: 0.01,
    frameWidth,
    frameHeight: frameWidth ? (frameWidth * 9) / 16 : 0,
    frames: 15,
    freezes: 0,
    intervalMs: 1000,
  });

  it("marks each remote video with its own loss and its sound's, and says why a video is missing", () => {
    const marks = tileMarks({
      streams,
      rates: new Map([
        ["0", rate("audio", 0.12)],
        ["1", rate("video", 0.01, 640)],
        ["2", rate("video", 0, 1280)],
      ]),
      rtt: 0.05,
      decisions: new Map([
        ["1", { send: true, layer: 1, wanted: 1 }],
        ["2", { send: false, why: "bandwidth" }],
      ]),
      slowDown: false,
      local: null,
    });
    expect(marks.get("camera:ann")).toEqual({
      quality: "poor",
      details: { bitrate: 540_000, loss: 0.12, rtt: 0.05, width: 640, height: 360 },
    });
    // Paused: poor, and no resolution shown for a picture that is not received.
    expect(marks.get("camera:bob")?.quality).toBe("poor");
    expect(marks.get("camera:bob")?.details.width).toBeNull();
  });

  it("marks our own tiles from the uplink", () => {
    const marks = tileMarks({
      streams: [],
      rates: new Map(),
      rtt: null,
      decisions: new Map(),
      slowDown: false,
      local: {
        id: "me",
        reading: {
          at: 0,
          bytesSent: 0,
          bandwidthLimited: true,
          limitationKnown: true,
          available: 400_000,
          loss: 0.01,
          rtt: 0.04,
          frameWidth: 640,
          frameHeight: 360,
        },
        bitrate: 700_000,
        reduced: true,
        slow: false,
      },
    });
    expect(marks.get("camera:me")?.quality).toBe("fair");
    expect(marks.get("screen:me")).toEqual(marks.get("camera:me"));
  });
});
