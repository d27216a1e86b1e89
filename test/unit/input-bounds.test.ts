/**
 * Every input is bounded before any work that grows faster than its length (PROTOCOL.md "Limits and errors"):
 * the limits themselves, what stays accepted at each limit, and the cost of the frames that used to be slow
 * (a 508 KiB run of combining marks took NFC 24-34 s; 120,000 bad array elements took valibot 400 ms).
 */
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors.js";
import { Limits, ParseError, parseClientMessage } from "../../src/protocol/messages.js";

function parseError(text: string): ParseError {
  try {
    const parsed = parseClientMessage(text);
    throw new Error(`expected a ParseError, but it parsed to ${JSON.stringify(parsed).slice(0, 200)}`);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return error;
  }
}

const parse = (msg: unknown) => parseClientMessage(JSON.stringify(msg));
const refusal = (msg: unknown) => parseError(JSON.stringify(msg));
const join = (fields: Record<string, unknown>) => ({
  type: "join",
  id: 1,
  v: 1,
  room: "r",
  name: "Ada",
  ...fields,
});
const chat = (text: string) => ({ type: "chat.send", id: 2, text, clientId: "c1" });

/** "a" then `n` combining marks alternating U+0301 (above) and U+0316 (below): NFC must reorder all of them. */
const markRun = (n: number) => `a${"\u0301\u0316".repeat(Math.ceil(n / 2)).slice(0, n)}`;

/** Milliseconds parseClientMessage takes on `text`, at best of five (a busy machine only adds time). */
function parseMs(text: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    try {
      parseClientMessage(text);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
    }
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe("names and chat text: size and runs of combining marks before normalisation", () => {
  it("a name of up to 256 code units as sent is normalised; one more is refused unread", () => {
    const padded = `${" ".repeat(100)}Ada${" ".repeat(Limits.nameMaxInputChars - 103)}`;
    expect(parse(join({ name: padded }))).toMatchObject({ name: "Ada" });
    const err = refusal(join({ name: `${padded} ` }));
    expect(err).toMatchObject({ code: ErrorCode.BadMessage, requestId: 1 });
    expect(err.message).toBe("join: name: name too long");
  });

  it("names written decomposed still fit: 64 letters with two marks each (192 code units) → 64 characters", () => {
    const nfd = "e\u0302\u0301".repeat(Limits.nameMaxChars); // ế in NFD
    expect(parse(join({ name: nfd }))).toMatchObject({ name: "\u1ebf".repeat(Limits.nameMaxChars) });
    expect(parse(join({ name: "Nguye\u0302\u0303n Tha\u0300nh" }))).toMatchObject({ name: "Nguyễn Thành" });
  });

  it("30 combining marks in a row are accepted, 31 are not, in names and in chat text", () => {
    expect(parse(join({ name: markRun(30) }))).toMatchObject({ type: "join" });
    expect(parse(join({ name: `${markRun(30)}${markRun(30)}` }))).toMatchObject({ type: "join" });
    expect(refusal(join({ name: markRun(31) })).message).toBe(
      "join: name: name holds more than 30 combining marks in a row",
    );
    expect(parse(chat(markRun(30)))).toMatchObject({ type: "chat.send" });
    expect(parse(chat(markRun(30).repeat(60)))).toMatchObject({ type: "chat.send" });
    const err = refusal(chat(`hello ${markRun(31)}`));
    expect(err).toMatchObject({ code: ErrorCode.BadMessage, requestId: 2 });
    expect(err.message).toBe("chat.send: text: message holds more than 30 combining marks in a row");
  });

  it("every kind of combining mark counts (spacing and enclosing ones too), not only U+0300-U+036F", () => {
    for (const mark of ["\u20dd", "\u0903", "\u05b0", "\ufe20", "\u{1d167}"]) {
      const name = `x${mark.repeat(Limits.combiningMarksMaxRun + 1)}`;
      expect(refusal(join({ name })).code, mark.codePointAt(0)?.toString(16)).toBe(ErrorCode.BadMessage);
    }
  });

  it("the 508 KiB join that froze the server is refused in milliseconds, keeping its id", () => {
    const frame = JSON.stringify(join({ id: 9, name: markRun(260_000) }));
    expect(Buffer.byteLength(frame)).toBeGreaterThan(500 * 1024);
    expect(Buffer.byteLength(frame)).toBeLessThan(Limits.frameMaxBytes);
    expect(parseError(frame)).toMatchObject({ code: ErrorCode.BadMessage, requestId: 9 });
    expect(parseMs(frame)).toBeLessThan(20);
    // The longest chat text allowed, all marks: refused before NFC, cheaply.
    expect(parseMs(JSON.stringify(chat(markRun(Limits.chatMaxChars - 1))))).toBeLessThan(20);
  });

  it("a room name of up to 256 code units as sent is trimmed; one more is refused", () => {
    const room = `${" ".repeat(Limits.roomMaxInputChars - 4)}Room`;
    expect(parse(join({ room }))).toMatchObject({ room: "room" });
    expect(refusal(join({ room: `${room} ` })).message).toBe("join: room: room name too long");
  });
});

describe("arrays: the length is checked before any element is parsed", () => {
  const configure = (streams: unknown) => ({ type: "subscribe.configure", id: 3, streams });

  it("subscribe.configure takes 1 to 256 streams", () => {
    const streams = Array.from({ length: Limits.subscribeMaxStreams }, (_, i) => ({
      mid: String(i),
      send: true,
      layer: 2,
      temporal: 2,
      keyframe: true,
    }));
    expect(parse(configure(streams))).toMatchObject({ streams: { length: 256 } });
    expect(refusal(configure([])).message).toBe(
      "subscribe.configure: streams: expected 1 to 256 items, received 0",
    );
    expect(refusal(configure({ 0: { mid: "0" }, length: 1 })).message).toBe(
      "subscribe.configure: streams: expected an array",
    );
  });

  it("257 elements are refused for their number, not for the first bad one (which was parsed first)", () => {
    const err = refusal(configure(Array.from({ length: 257 }, () => 0)));
    expect(err.message).toBe("subscribe.configure: streams: expected 1 to 256 items, received 257");
  });

  it("publish.sources takes up to 8 entries, counted before they are read", () => {
    const sources = (n: number, item: unknown) => ({
      type: "publish",
      id: 4,
      jsep: { type: "offer", sdp: "v=0\r\n" },
      sources: Array.from({ length: n }, () => item),
    });
    expect(parse(sources(8, { mid: "0", source: "camera" }))).toMatchObject({ sources: { length: 8 } });
    expect(refusal(sources(9, "not a source")).message).toBe(
      "publish: sources: expected 0 to 8 items, received 9",
    );
  });
});

describe("the frame's shape: nesting depth and number of values, read before JSON.parse", () => {
  const nested = (depth: number) =>
    `{"type":"ping","id":5,"x":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;

  it("8 levels reach the schema (which refuses the unknown key); 9 are refused unparsed, without id", () => {
    expect(parseError(nested(8))).toMatchObject({ code: ErrorCode.BadMessage, requestId: 5 });
    expect(parseError(nested(8)).message).toMatch(/^ping: x: /);
    const err = parseError(nested(9));
    expect(err).toMatchObject({ code: ErrorCode.BadMessage, requestId: undefined });
    expect(err.message).toBe("message nests deeper than 8 levels");
    expect(parseError("[".repeat(300_000)).message).toBe("message nests deeper than 8 levels");
  });

  it("4096 separators (commas outside strings) pass, 4097 do not", () => {
    // Two commas between the three members, then one between each pair of the array's zeros.
    const commas = (n: number) =>
      `{"type":"ping","id":6,"x":[${Array(n - 1)
        .fill("0")
        .join(",")}]}`;
    expect(parseError(commas(4096)).message).toMatch(/^ping: x: /);
    expect(parseError(commas(4097)).message).toBe("message holds more than 4096 values");
  });

  it("brackets, commas, quotes and backslashes inside strings do not count", () => {
    expect(parse(join({ name: `[{"\\"${"[".repeat(20)}\\` }))).toMatchObject({ type: "join" });
    const sdp = `v=0\r\n${"a=x:1,2,3,[{\r\n".repeat(8000)}`;
    expect(parse({ type: "publish", id: 7, jsep: { type: "offer", sdp } })).toMatchObject({
      type: "publish",
    });
    expect(parse(chat('\\"],[,{"\\\\'))).toMatchObject({ type: "chat.send" });
  });

  it("a frame longer than the frame limit is refused before anything else", () => {
    const text = `{"type":"ping","pad":"${"x".repeat(Limits.frameMaxBytes)}"}`;
    expect(parseError(text)).toMatchObject({ code: ErrorCode.BadMessage, requestId: undefined });
    expect(parseError(text).message).toBe(`frame longer than ${Limits.frameMaxBytes} characters`);
  });
});

describe("strings are well-formed Unicode: no lone surrogates", () => {
  const trickle = (candidate: Record<string, unknown>) => ({
    type: "trickle",
    id: 9,
    pc: "publish",
    candidate,
  });
  const cases: [string, unknown][] = [
    ["a name", join({ name: "Ada\ud800" })],
    ["a password", join({ password: "\udfff" })],
    ["a resume token", join({ resume: "r\ud83d" })],
    ["an SDP", { type: "publish", id: 9, jsep: { type: "offer", sdp: "v=0\r\n\ud800" } }],
    [
      "a publish source's mid",
      {
        type: "publish",
        id: 9,
        jsep: { type: "offer", sdp: "v=0" },
        sources: [{ mid: "\ud800", source: "camera" }],
      },
    ],
    ["an answer's SDP", { type: "subscribe.answer", id: 9, jsep: { type: "answer", sdp: "\udc00" } }],
    ["a candidate", trickle({ candidate: "candidate:\ud800" })],
    ["a candidate's mid", trickle({ candidate: "", sdpMid: "\ud800" })],
    ["a configured mid", { type: "subscribe.configure", id: 9, streams: [{ mid: "\ud800" }] }],
    ["a chat text", chat("hi \ud800")],
    ["a chat clientId", { type: "chat.send", id: 9, text: "hi", clientId: "\ud800" }],
    ["a room password", { type: "room.configure", id: 9, password: "\ud800" }],
  ];
  for (const [what, msg] of cases) {
    it(`${what} holding one is refused`, () => {
      const err = refusal(msg);
      expect(err.code).toBe(ErrorCode.BadMessage);
      expect(err.message).toMatch(/not well-formed Unicode$/);
    });
  }

  it("surrogate pairs (emoji, astral letters) are fine, and an error never ends in half of one", () => {
    expect(parse(join({ name: "Ada 🙂 𝒜" }))).toMatchObject({ name: "Ada 🙂 𝒜" });
    expect(parse(chat("👍🏽"))).toMatchObject({ text: "👍🏽" });
    const err = refusal({ type: "ping", id: 1, ["🙂".repeat(300)]: 1 });
    expect(err.message.length).toBeLessThanOrEqual(Limits.errorMessageMaxChars);
    expect(err.message).not.toMatch(/\p{Cs}/u);
    expect(parseError(JSON.stringify({ type: `x${"🙂".repeat(30)}` })).message).not.toMatch(/\p{Cs}/u);
  });
});

describe("what goes on to Janus holds no NUL", () => {
  const cases: [string, unknown][] = [
    ["an offer's SDP", { type: "publish", id: 9, jsep: { type: "offer", sdp: "v=0\r\n\u0000" } }],
    ["an answer's SDP", { type: "subscribe.answer", id: 9, jsep: { type: "answer", sdp: "\u0000" } }],
    ["a candidate", { type: "trickle", id: 9, pc: "publish", candidate: { candidate: "candidate:\u0000" } }],
    [
      "a candidate's mid",
      { type: "trickle", id: 9, pc: "publish", candidate: { candidate: "", sdpMid: "0\u0000" } },
    ],
    ["a configured mid", { type: "subscribe.configure", id: 9, streams: [{ mid: "\u0000" }] }],
  ];
  for (const [what, msg] of cases) {
    it(`${what} holding one is refused`, () => {
      expect(refusal(msg).message).toMatch(/holds a NUL character$/);
    });
  }
});

describe("what an error echoes back is bounded", () => {
  it("a 400 KiB value or key is quoted in at most 200 characters", () => {
    const big = "x".repeat(400 * 1024);
    for (const text of [
      JSON.stringify(join({ v: big })),
      JSON.stringify({ type: "ping", id: 8, [big]: 1 }),
      JSON.stringify({ type: "trickle", id: 8, pc: big, candidate: null }),
    ]) {
      const err = parseError(text);
      expect(err.code).toBe(ErrorCode.BadMessage);
      expect(err.message.length).toBeLessThanOrEqual(Limits.errorMessageMaxChars);
    }
  });
});

describe("no frame under the size limit costs the parser more than a few milliseconds", () => {
  const K = 500 * 1024;
  const hostile: Record<string, string> = {
    "combining marks in a name": JSON.stringify(join({ name: markRun(250_000) })),
    "nested arrays": `{"type":"ping","x":${"[".repeat(K / 2 - 20)}${"]".repeat(K / 2 - 20)}}`,
    "250,000 numbers as streams": `{"type":"subscribe.configure","id":1,"streams":[${"0,".repeat(K / 2 - 40)}0]}`,
    "120,000 empty streams": JSON.stringify({
      type: "subscribe.configure",
      streams: Array(120_000).fill({}),
    }),
    "40,000 unknown keys": JSON.stringify(
      Object.fromEntries([["type", "ping"], ...Array.from({ length: 40_000 }, (_, i) => [`k${i}`, 1])]),
    ),
    "a 500 KiB participant id": JSON.stringify({
      type: "moderate.remove",
      participantId: `p_${"a".repeat(K)}`,
    }),
    "a 500 KiB room name of spaces": JSON.stringify(join({ room: `${" ".repeat(K)}a` })),
  };
  for (const [what, text] of Object.entries(hostile)) {
    it(what, () => {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(Limits.frameMaxBytes);
      const err = parseError(text);
      expect([ErrorCode.BadMessage, ErrorCode.BadJson]).toContain(err.code);
      // Before these bounds: 24 s, 54 ms, 415 ms, 375 ms, 17 ms, then 1 ms for the last two; now ~1 ms each.
      expect(parseMs(text), what).toBeLessThan(10);
    });
  }
});
