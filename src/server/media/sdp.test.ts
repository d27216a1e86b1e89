import { describe, expect, it } from "vitest";
import { blockCovers } from "./media-publisher.js";
import { checkPublishShape, mediaSections, sourcesOf } from "./sdp.js";

const sdp = (...sections: [string, string][]) =>
  [
    "v=0",
    "o=- 1 2 IN IP4 127.0.0.1",
    "s=-",
    ...sections.flatMap(([kind, mid]) => [`m=${kind} 9 UDP/TLS/RTP/SAVPF 96`, "a=rtcp-mux", `a=mid:${mid}`]),
    "",
  ].join("\r\n");

describe("SDP reading", () => {
  it("lists audio and video m-lines with their mids, in order", () => {
    expect(mediaSections(sdp(["audio", "0"], ["video", "1"], ["application", "2"]))).toEqual([
      { kind: "audio", mid: "0" },
      { kind: "video", mid: "1" },
    ]);
    expect(mediaSections("v=0\r\ns=-\r\n")).toEqual([]);
  });

  it("gives each m-line its source: defaults by order, declarations first", () => {
    const offer = sdp(["audio", "0"], ["video", "1"], ["video", "2"], ["audio", "3"]);
    expect(Object.fromEntries(sourcesOf(offer))).toEqual({
      "0": "microphone",
      "1": "camera",
      "2": "screen",
      "3": "screen_audio",
    });
    expect(Object.fromEntries(sourcesOf(offer, [{ mid: "1", source: "screen" }]))).toMatchObject({
      "1": "screen",
      "2": "screen",
    });
  });
});

describe("what a publish offer may carry, and what a mute cuts", () => {
  it("one microphone, one camera, a screen with its sound: nothing more", () => {
    const ok = sdp(["audio", "0"], ["video", "1"], ["video", "2"], ["audio", "3"]);
    expect(() => checkPublishShape(ok, sourcesOf(ok))).not.toThrow();
    const twoMics = sdp(["audio", "0"], ["audio", "1"], ["video", "2"]);
    expect(() => checkPublishShape(twoMics, sourcesOf(twoMics))).toThrowError(
      expect.objectContaining({ code: "bad_message" }),
    );
    // A second audio beside a second video that the client calls its camera is no screen's sound.
    const relabelled = sdp(["audio", "0"], ["video", "1"], ["video", "2"], ["audio", "3"]);
    const sources = sourcesOf(relabelled, [{ mid: "2", source: "camera" }]);
    expect(() => checkPublishShape(relabelled, sources)).toThrowError(
      expect.objectContaining({ code: "bad_message" }),
    );
    const three = sdp(["audio", "0"], ["video", "1"], ["video", "2"], ["video", "3"]);
    expect(() => checkPublishShape(three, sourcesOf(three))).toThrowError(
      expect.objectContaining({ code: "bad_message" }),
    );
  });

  it("an audio mute covers every audio m-line, whatever its label", () => {
    expect(blockCovers("audio", "audio", "screen_audio")).toBe(true);
    expect(blockCovers("audio", "audio", "microphone")).toBe(true);
    expect(blockCovers("audio", "video", "camera")).toBe(false);
    expect(blockCovers("video", "video", "camera")).toBe(true);
    expect(blockCovers("video", "video", "screen")).toBe(false);
    expect(blockCovers("screen", "video", "screen")).toBe(true);
    expect(blockCovers("screen", "audio", "screen_audio")).toBe(true);
    expect(blockCovers("screen", "audio", "microphone")).toBe(false);
  });
});
