/**
 * The load bots' cheap media, piece by piece: what the recording starts on, how a replay renumbers VP8
 * pictures, what the counting receiver reads from a packet's clear header, and the m-sections it answers.
 */
import { describe, expect, it } from "vitest";
import { rtpHeaderOf } from "../../bots/counting-receiver.js";
import { startsKeyFrame } from "../../bots/recording.js";
import { withPictureId } from "../../bots/replay-publisher.js";
import { answerSection } from "../../bots/sdp.js";

// VP8 payload descriptor with X and I set and a 15-bit PictureID 0x7737, then a VP8 header byte.
const vp8 = (first: boolean, keyFrame: boolean) =>
  Buffer.from([first ? 0x90 : 0x80, 0x80, 0xf7, 0x37, keyFrame ? 0x10 : 0x11, 0xaa]);

describe("VP8 payloads", () => {
  it("a key frame starts where the first packet's VP8 header has its P bit clear", () => {
    expect(startsKeyFrame(vp8(true, true))).toBe(true);
    expect(startsKeyFrame(vp8(true, false))).toBe(false);
    expect(startsKeyFrame(vp8(false, true))).toBe(false); // not the frame's first packet
    expect(startsKeyFrame(Buffer.from([0x10, 0x10]))).toBe(true); // no extension bits at all
  });

  it("a replayed packet carries the picture ID it is given, in a copy", () => {
    const recorded = vp8(true, true);
    const out = withPictureId(recorded, 0x1234);
    expect(out.readUInt16BE(2)).toBe(0x8000 | 0x1234);
    expect(out.subarray(4)).toEqual(recorded.subarray(4));
    expect(recorded.readUInt16BE(2)).toBe(0xf737);
    expect(withPictureId(recorded, 0x8001).readUInt16BE(2)).toBe(0x8001); // wraps at 15 bits
    const short = Buffer.from([0x90, 0x80, 0x05, 0x10]);
    expect(withPictureId(short, 0x1ff)[2]).toBe(0x7f);
    const none = Buffer.from([0x10, 0x10, 0x00]);
    expect(withPictureId(none, 9)).toEqual(none);
  });
});

describe("the counting receiver's header reading", () => {
  const rtp = (second: number, ssrc: number) => {
    const b = Buffer.alloc(20);
    b[0] = 0x80;
    b[1] = second;
    b.writeUInt32BE(ssrc, 8);
    return b;
  };

  it("reads SSRC and marker from RTP, and skips RTCP, DTLS and short datagrams", () => {
    expect(rtpHeaderOf(rtp(96, 42))).toEqual({ ssrc: 42, marker: false });
    expect(rtpHeaderOf(rtp(0x80 | 96, 0xfffffffe))).toEqual({ ssrc: 0xfffffffe, marker: true });
    expect(rtpHeaderOf(rtp(200, 1))).toBeUndefined(); // RTCP sender report
    expect(rtpHeaderOf(rtp(206, 1))).toBeUndefined(); // RTCP feedback (PLI)
    const dtls = rtp(96, 1);
    dtls[0] = 22;
    expect(rtpHeaderOf(dtls)).toBeUndefined();
    expect(rtpHeaderOf(Buffer.from([0x80, 96, 0, 1]))).toBeUndefined();
  });
});

describe("answer m-sections", () => {
  const transport = ["a=ice-ufrag:u", "a=ice-pwd:p", "a=fingerprint:sha-256 AA", "a=setup:active"];
  const offered = (direction: string, port = 9) => [
    `m=video ${port} UDP/TLS/RTP/SAVPF 96 97`,
    "c=IN IP4 127.77.0.1",
    `a=${direction}`,
    "a=mid:3",
    "a=rtpmap:96 VP8/90000",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
    "a=ssrc:5 cname:janus",
  ];

  it("receives what the offer sends, with its first codec, on the bundle transport", () => {
    const section = answerSection(offered("sendonly"), transport, true);
    expect(section[0]).toBe("m=video 9 UDP/TLS/RTP/SAVPF 96");
    expect(section).toContain("a=recvonly");
    expect(section).toContain("a=mid:3");
    expect(section).toContain("a=rtpmap:96 VP8/90000");
    expect(section).not.toContain("a=rtpmap:97 rtx/90000");
    for (const line of transport) expect(section).toContain(line);
  });

  it("is inactive where the offer sends nothing or the bot receives nothing, rejected where the offer is", () => {
    expect(answerSection(offered("inactive"), transport, true)).toContain("a=inactive");
    expect(answerSection(offered("sendonly"), transport, false)).toContain("a=inactive");
    const rejected = answerSection(offered("inactive", 0), transport, true);
    expect(rejected[0]).toBe("m=video 0 UDP/TLS/RTP/SAVPF 96");
    expect(rejected).not.toContain("a=ice-ufrag:u");
  });
});
