import { describe, expect, it } from "vitest";
import { ErrorCode, ProtocolError } from "../../src/protocol/errors.js";
import { Limits, ParseError, parseClientMessage } from "../../src/protocol/messages.js";

/** Parses `input` (an object is JSON-encoded) and returns the ParseError it throws, failing if it does not. */
function parseError(input: unknown): ParseError {
  const text = typeof input === "string" ? input : JSON.stringify(input);
  try {
    const parsed = parseClientMessage(text);
    throw new Error(`expected a ParseError, but it parsed to ${JSON.stringify(parsed)}`);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return error;
  }
}

const parse = (msg: unknown) => parseClientMessage(JSON.stringify(msg));

const join = (fields: Record<string, unknown> = {}) => ({
  type: "join",
  id: 1,
  v: 1,
  room: "standup",
  name: "Ada",
  ...fields,
});

const sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

describe("parseClientMessage: valid messages of every type", () => {
  it("join, with and without password", () => {
    // Microphone and camera default to on when the client does not say.
    expect(parse(join())).toEqual({
      type: "join",
      id: 1,
      v: 1,
      room: "standup",
      name: "Ada",
      audio: true,
      video: true,
    });
    expect(parse(join({ password: "s3cret" }))).toMatchObject({ type: "join", password: "s3cret" });
    expect(parse(join({ audio: false, video: false }))).toMatchObject({ audio: false, video: false });
    expect(() => parse(join({ audio: "yes" }))).toThrow();
  });

  it("join without id", () => {
    const { id: _id, ...noId } = join();
    expect(parse(noId)).toEqual({
      type: "join",
      v: 1,
      room: "standup",
      name: "Ada",
      audio: true,
      video: true,
    });
  });

  it("publish", () => {
    expect(parse({ type: "publish", id: 2, jsep: { type: "offer", sdp } })).toEqual({
      type: "publish",
      id: 2,
      jsep: { type: "offer", sdp },
    });
  });

  it("subscribe.answer", () => {
    expect(parse({ type: "subscribe.answer", id: 3, jsep: { type: "answer", sdp } })).toEqual({
      type: "subscribe.answer",
      id: 3,
      jsep: { type: "answer", sdp },
    });
  });

  it("trickle: a candidate, a candidate with null mid/index, and end-of-candidates", () => {
    const candidate = {
      candidate: "candidate:1 1 udp 2122260223 127.77.0.1 40000 typ host",
      sdpMid: "0",
      sdpMLineIndex: 0,
    };
    expect(parse({ type: "trickle", id: 4, pc: "publish", candidate })).toEqual({
      type: "trickle",
      id: 4,
      pc: "publish",
      candidate,
    });
    expect(
      parse({
        type: "trickle",
        pc: "subscribe",
        candidate: { candidate: "", sdpMid: null, sdpMLineIndex: null },
      }),
    ).toMatchObject({ type: "trickle", pc: "subscribe" });
    expect(parse({ type: "trickle", pc: "subscribe", candidate: null })).toEqual({
      type: "trickle",
      pc: "subscribe",
      candidate: null,
    });
  });

  it("media.state", () => {
    expect(parse({ type: "media.state", id: 5, audio: false, video: true })).toEqual({
      type: "media.state",
      id: 5,
      audio: false,
      video: true,
    });
  });

  it("leave and ping", () => {
    expect(parse({ type: "leave", id: 6 })).toEqual({ type: "leave", id: 6 });
    expect(parse({ type: "ping", id: 7 })).toEqual({ type: "ping", id: 7 });
    expect(parse({ type: "ping" })).toEqual({ type: "ping" });
  });

  it("accepts request ids 0 and 2^31", () => {
    expect(parse({ type: "ping", id: 0 })).toEqual({ type: "ping", id: 0 });
    expect(parse({ type: "ping", id: 2 ** 31 })).toEqual({ type: "ping", id: 2 ** 31 });
  });
});

describe("parseClientMessage: normalisation", () => {
  it("folds runs of white space in names and trims them", () => {
    expect(parse(join({ name: "  Ada \t\n  Lovelace  " }))).toMatchObject({ name: "Ada Lovelace" });
    expect(parse(join({ name: "Ada\u00a0\u2003Lovelace" }))).toMatchObject({ name: "Ada Lovelace" });
  });

  it("normalises names to NFC", () => {
    const nfd = "Jose\u0301 Cafe\u0301"; // e + combining acute
    const out = parse(join({ name: nfd }));
    expect(out).toMatchObject({ name: "Jos\u00e9 Caf\u00e9" });
    expect((out as { name: string }).name).toHaveLength(9);
  });

  it("measures the name limit after normalisation (64 NFC characters, from 128 NFD code units)", () => {
    const out = parse(join({ name: "e\u0301".repeat(64) }));
    expect(out).toMatchObject({ name: "\u00e9".repeat(64) });
  });

  it("lower-cases room names, including non-ASCII letters", () => {
    expect(parse(join({ room: "Weekly-StandUp_2.0" }))).toMatchObject({ room: "weekly-standup_2.0" });
    expect(parse(join({ room: "Réunion-ÉTÉ" }))).toMatchObject({ room: "réunion-été" });
  });

  it("keeps a name of exactly the maximum length", () => {
    const name = "x".repeat(Limits.nameMaxChars);
    expect(parse(join({ name }))).toMatchObject({ name });
  });
});

describe("parseClientMessage: rejections", () => {
  it("bad_json for frames that are not JSON", () => {
    for (const text of ["", "not json", "{", "{'type':'ping'}", '{"type":"ping",}', "\u0000"]) {
      const err = parseError(text);
      expect(err.code, JSON.stringify(text)).toBe(ErrorCode.BadJson);
      expect(err.requestId).toBeUndefined();
    }
  });

  it("ParseError is a ProtocolError carrying its code", () => {
    const err = parseError("nope");
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.code).toBe("bad_json");
  });

  it("bad_message for JSON that is not an object", () => {
    for (const text of ["[]", '[{"type":"ping"}]', "null", "42", '"ping"', "true"]) {
      expect(parseError(text).code, text).toBe(ErrorCode.BadMessage);
    }
  });

  it("bad_message when type is missing or not a string, echoing a readable id", () => {
    const noType = parseError({ id: 7 });
    expect(noType.code).toBe(ErrorCode.BadMessage);
    expect(noType.requestId).toBe(7);
    expect(parseError({ type: 5, id: 8 })).toMatchObject({ code: ErrorCode.BadMessage, requestId: 8 });
    expect(parseError({ type: null })).toMatchObject({ code: ErrorCode.BadMessage });
  });

  it("unknown_type for types no message has, echoing the id", () => {
    expect(parseError({ type: "hello", id: 3 })).toMatchObject({ code: ErrorCode.UnknownType, requestId: 3 });
    expect(parseError({ type: "JOIN", id: 4 })).toMatchObject({ code: ErrorCode.UnknownType });
    expect(parseError({ type: "" })).toMatchObject({ code: ErrorCode.UnknownType });
  });

  it("unknown_type for inherited Object property names (no prototype lookups)", () => {
    for (const type of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      // JSON.stringify drops a __proto__ key set via literal, so write the frame by hand.
      expect(parseError(`{"type":${JSON.stringify(type)},"id":9}`), type).toMatchObject({
        code: ErrorCode.UnknownType,
        requestId: 9,
      });
    }
  });

  it("the unknown type is quoted at most 40 characters long in the message", () => {
    const err = parseError({ type: "z".repeat(5000) });
    expect(err.code).toBe(ErrorCode.UnknownType);
    expect(err.message.length).toBeLessThan(200);
  });

  it("bad_message for missing fields, with the request id echoed", () => {
    const { name: _name, ...noName } = join({ id: 11 });
    expect(parseError(noName)).toMatchObject({ code: ErrorCode.BadMessage, requestId: 11 });
    const { room: _room, ...noRoom } = join({ id: 12 });
    expect(parseError(noRoom)).toMatchObject({ code: ErrorCode.BadMessage, requestId: 12 });
    const { v: _v, ...noVersion } = join({ id: 13 });
    expect(parseError(noVersion)).toMatchObject({ code: ErrorCode.BadMessage, requestId: 13 });
    expect(parseError({ type: "publish", id: 14 })).toMatchObject({
      code: ErrorCode.BadMessage,
      requestId: 14,
    });
    expect(parseError({ type: "media.state", id: 15, audio: true })).toMatchObject({
      code: ErrorCode.BadMessage,
      requestId: 15,
    });
    expect(parseError({ type: "trickle", id: 16, pc: "publish" })).toMatchObject({
      code: ErrorCode.BadMessage,
      requestId: 16,
    });
  });

  it("bad_message for mistyped fields", () => {
    const cases: unknown[] = [
      join({ name: 42 }),
      join({ room: ["a"] }),
      join({ v: "1" }),
      join({ password: 1234 }),
      { type: "media.state", audio: "yes", video: true },
      { type: "media.state", audio: 1, video: 0 },
      { type: "trickle", pc: "both", candidate: null },
      { type: "trickle", pc: "publish", candidate: "candidate:1 1 udp 1 1.2.3.4 1 typ host" },
      { type: "trickle", pc: "publish", candidate: { candidate: "c", sdpMLineIndex: -1 } },
      { type: "trickle", pc: "publish", candidate: { candidate: "c", sdpMLineIndex: 1.5 } },
      { type: "trickle", pc: "publish", candidate: { candidate: "c", sdpMLineIndex: 256 } },
      { type: "publish", jsep: { type: "answer", sdp } },
      { type: "publish", jsep: { type: "offer", sdp: 1 } },
      { type: "publish", jsep: "v=0" },
      { type: "subscribe.answer", jsep: { type: "offer", sdp } },
    ];
    for (const msg of cases) {
      expect(parseError(msg).code, JSON.stringify(msg)).toBe(ErrorCode.BadMessage);
    }
  });

  it("bad_message for bad request ids, without echoing them", () => {
    for (const id of [-1, 1.5, 2 ** 31 + 1, "7", null, true]) {
      const err = parseError({ type: "ping", id });
      expect(err.code, JSON.stringify(id)).toBe(ErrorCode.BadMessage);
      expect(err.requestId, JSON.stringify(id)).toBeUndefined();
    }
  });

  it("bad_message for unexpected extra fields, at the top level and nested", () => {
    expect(parseError(join({ admin: true, id: 21 }))).toMatchObject({
      code: ErrorCode.BadMessage,
      requestId: 21,
    });
    expect(parseError({ type: "ping", id: 22, extra: 1 })).toMatchObject({
      code: ErrorCode.BadMessage,
      requestId: 22,
    });
    expect(parseError({ type: "leave", role: "moderator" }).code).toBe(ErrorCode.BadMessage);
    expect(parseError({ type: "media.state", audio: true, video: true, camera: true }).code).toBe(
      ErrorCode.BadMessage,
    );
    expect(parseError({ type: "publish", jsep: { type: "offer", sdp, e2ee: true } }).code).toBe(
      ErrorCode.BadMessage,
    );
  });

  it("bad_message for names that are empty, too long, or hold control / bidi-override characters", () => {
    const bad = [
      "",
      "   ",
      "\t\n",
      "x".repeat(Limits.nameMaxChars + 1),
      "Ada\u0000",
      "Ada\u0007Lovelace",
      "\u001b[31mred",
      "Ada\u007f",
      "Ada\u0085", // C1 NEL: not white space for JS regexes
      "Ada\u009b",
      "\u202eevil",
      "Ada\u202a",
      "Ada\u2066",
      "Ada\u2069",
    ];
    for (const name of bad) {
      expect(parseError(join({ name })).code, JSON.stringify(name)).toBe(ErrorCode.BadMessage);
    }
  });

  it("bad_message for bad room names", () => {
    const bad = [
      "",
      "   ",
      "a b",
      "a/b",
      "../etc",
      "room?x=1",
      "<script>",
      "r\u0000",
      "x".repeat(Limits.roomMaxChars + 1),
      "emoji🙂",
      "#hash",
    ];
    for (const room of bad) {
      expect(parseError(join({ room })).code, JSON.stringify(room)).toBe(ErrorCode.BadMessage);
    }
    expect(parse(join({ room: "x".repeat(Limits.roomMaxChars) }))).toMatchObject({
      room: "x".repeat(Limits.roomMaxChars),
    });
  });

  it("bad_message for over-long password, SDP and candidate", () => {
    expect(parseError(join({ password: "p".repeat(Limits.passwordMaxChars + 1) })).code).toBe(
      ErrorCode.BadMessage,
    );
    expect(
      parseError({ type: "publish", jsep: { type: "offer", sdp: "a".repeat(Limits.sdpMaxChars + 1) } }).code,
    ).toBe(ErrorCode.BadMessage);
    expect(
      parseError({
        type: "trickle",
        pc: "publish",
        candidate: { candidate: "c".repeat(Limits.candidateMaxChars + 1), sdpMid: "0" },
      }).code,
    ).toBe(ErrorCode.BadMessage);
  });

  it("the error message names the message type and the offending field", () => {
    const err = parseError(join({ name: "" }));
    expect(err.message).toMatch(/^join: name: /);
  });
});
