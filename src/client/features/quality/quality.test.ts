import { describe, expect, it } from "vitest";
import type { StreamInfo } from "../../../protocol/messages.js";
import { activeEncodings } from "../../engine/send-layers.js";
import { changedChoices, configureBatches, layerOf, QUALITIES, receiveChoices } from "./quality.js";

const streams: StreamInfo[] = [
  { mid: "0", participantId: "p_a", kind: "audio", source: "microphone" },
  { mid: "1", participantId: "p_a", kind: "video", source: "camera" },
  { mid: "2", participantId: "p_b", kind: "audio", source: "microphone" },
  { mid: "3", participantId: "p_b", kind: "video", source: "camera" },
  { mid: "4", participantId: "p_b", kind: "video", source: "screen" },
];

describe("receiveChoices (quality → subscribe.configure)", () => {
  it("asks for the highest layer of every remote video in high quality", () => {
    expect(receiveChoices("high", streams)).toEqual([
      { mid: "1", send: true, layer: 2 },
      { mid: "3", send: true, layer: 2 },
      { mid: "4", send: true, layer: 2 },
    ]);
  });

  it("asks for the middle layer in standard and the lowest in low quality", () => {
    expect(receiveChoices("standard", streams).map((c) => c.layer)).toEqual([1, 1, 1]);
    expect(receiveChoices("low", streams).map((c) => c.layer)).toEqual([0, 0, 0]);
    expect(receiveChoices("low", streams).every((c) => c.send === true)).toBe(true);
  });

  it("stops every video, and only video, in audio-only mode", () => {
    expect(receiveChoices("audio-only", streams)).toEqual([
      { mid: "1", send: false },
      { mid: "3", send: false },
      { mid: "4", send: false },
    ]);
  });

  it("has nothing to say when nobody sends video", () => {
    for (const q of QUALITIES)
      expect(
        receiveChoices(
          q,
          streams.filter((s) => s.kind === "audio"),
        ),
      ).toEqual([]);
    expect(configureBatches([])).toEqual([]);
  });

  it("splits a huge room into messages of at most 256 streams", () => {
    const many: StreamInfo[] = Array.from({ length: 600 }, (_, i) => ({
      mid: String(i),
      participantId: `p_${i}`,
      kind: "video",
      source: "camera",
    }));
    const batches = configureBatches(receiveChoices("low", many));
    expect(batches.map((b) => b.length)).toEqual([256, 256, 88]);
    expect(batches.flat().map((c) => c.mid)).toEqual(many.map((s) => s.mid));
  });
});

describe("changedChoices", () => {
  it("says only what changes, and asks a key frame for a video that resumes", () => {
    const known = new Map([
      ["1", { send: false }],
      ["2", { send: true, layer: 0 }],
      ["3", { send: true, layer: 0 }],
    ]);
    expect(
      changedChoices(known, [
        { mid: "1", send: true, layer: 0 },
        { mid: "2", send: true, layer: 0 },
        { mid: "3", send: true, layer: 2 },
      ]),
    ).toEqual([
      { mid: "1", send: true, layer: 0, keyframe: true },
      { mid: "3", send: true, layer: 2 },
    ]);
  });
});

describe("sending side", () => {
  it("caps our own simulcast encodings at the quality's layer", () => {
    expect(layerOf("high")).toBe(2);
    expect(activeEncodings(3, layerOf("high"), true)).toEqual([true, true, true]);
    expect(activeEncodings(3, layerOf("standard"), true)).toEqual([true, true, false]);
    expect(activeEncodings(3, layerOf("low"), true)).toEqual([true, false, false]);
    expect(activeEncodings(3, layerOf("audio-only"), true)).toEqual([false, false, false]);
  });

  it("sends nothing while muted, whatever the quality", () => {
    expect(activeEncodings(3, 2, false)).toEqual([false, false, false]);
    // Audio has one encoding, always at "layer 0".
    expect(activeEncodings(1, 2, true)).toEqual([true]);
  });
});
