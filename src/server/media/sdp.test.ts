import { describe, expect, it } from "vitest";
import { midsByKind } from "./sdp.js";

describe("midsByKind", () => {
  it("reads the mid of the first audio and video m-lines", () => {
    const sdp = [
      "v=0",
      "o=- 1 2 IN IP4 127.0.0.1",
      "s=-",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111",
      "a=mid:0",
      "m=video 9 UDP/TLS/RTP/SAVPF 96",
      "a=rtcp-mux",
      "a=mid:1",
      "m=video 9 UDP/TLS/RTP/SAVPF 96",
      "a=mid:2",
      "",
    ].join("\r\n");
    expect(midsByKind(sdp)).toEqual({ audio: "0", video: "1" });
  });

  it("returns nothing for an SDP without media", () => {
    expect(midsByKind("v=0\r\ns=-\r\n")).toEqual({});
  });
});
