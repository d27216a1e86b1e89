import { describe, expect, it } from "vitest";
import { mediaSections, sourcesOf } from "./sdp.js";

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
