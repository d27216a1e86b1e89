/**
 * Hostile WebSocket frames for the fuzz test, from a seeded PRNG: valid shapes with hostile values (huge,
 * negative, fractional and overflowing numbers, long strings, runs of combining marks, control and bidi
 * characters, lone surrogates, wrong types, prototype keys), valid messages, unknown types, text that is not
 * JSON, random and binary bytes, deep nesting, and frames near and over the size limit. Imports nothing from
 * vitest; no I/O.
 */

import { type ClientMessageType, clientSchemas } from "../../src/protocol/client-messages.js";

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** Mostly short, sometimes long: a length up to `max`, log-uniform. */
  length(max: number): number {
    return Math.floor(Math.exp(this.next() * Math.log(max + 1)));
  }
}

/** JSON text written as is: numbers JSON.stringify cannot write (1e999 is Infinity once parsed, -0). */
class Raw {
  constructor(readonly text: string) {}
}
/** An object as key/value pairs: keeps `__proto__` as an own key and allows duplicate keys. */
class Pairs {
  constructor(readonly entries: [string, unknown][]) {}
}

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Pairs) {
    return `{${value.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (value !== null && typeof value === "object") return toJson(new Pairs(Object.entries(value)));
  return JSON.stringify(value) ?? "null";
}

/** What a worker knows when it makes a frame: ids learned from the server, and the rooms it may join. */
export interface FuzzContext {
  nextId(): number;
  /** Participant ids seen (the bots', the fuzzers' own). */
  participantIds: readonly string[];
  /** Mids of the latest subscribe.offer this socket received. */
  mids: readonly string[];
  /** Rooms a valid join may go to. */
  rooms: readonly string[];
}

export interface FuzzFrame {
  kind: string;
  data: string | Buffer;
  /** Sent as a text frame even though it is a Buffer (invalid UTF-8). */
  textBytes?: boolean;
  /** The request id the server can read, if any. */
  id?: number;
  /** A valid `trickle` without id: the only message a joined participant gets no reply to. */
  mayGoUnanswered?: boolean;
}

const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];
/** Every message type a client may send, from the protocol's own list. */
const TYPES = Object.keys(clientSchemas) as ClientMessageType[];

/** "a" then `n` combining marks that NFC must reorder. */
const marks = (n: number) => `a${"\u0301\u0316".repeat(Math.ceil(n / 2)).slice(0, n)}`;

function hostileNumber(rng: Rng): unknown {
  return rng.pick<unknown>([
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 31 + 1,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_VALUE,
    5e-324,
    new Raw("-0"),
    new Raw("1e999"),
    new Raw("-1e999"),
    new Raw("123456789012345678901234567890123456789"),
    new Raw("0.0000000000000000000000000000001"),
    "NaN",
    "1",
  ]);
}

function hostileString(rng: Rng): string {
  switch (rng.int(12)) {
    case 0:
      return "";
    case 1:
      return "x".repeat(rng.length(60_000));
    case 2:
      return marks(rng.pick([30, 31, 64, 1000, rng.length(20_000)]));
    case 3:
      return String.fromCharCode(...Array.from({ length: 1 + rng.int(8) }, () => rng.int(0x20)));
    case 4:
      return rng.pick(["\u202eevil", "\u2066x\u2069", "\u200b", "\ufeff", "\u2028\u2029", "\u3000 \u00a0"]);
    case 5:
      return rng.pick(["\ud800", "\udfff", "a\ud83d", "\ud83d\ude00".repeat(rng.length(5000))]);
    case 6:
      return rng.pick(PROTO_KEYS);
    case 7:
      return rng.pick(["p_", "p_-", `p_${"a".repeat(38)}`, "p_../../x", "P_abc", "p_\u0000"]);
    case 8:
      return rng.pick(["<script>alert(1)</script>", "../../etc/passwd", "%00", "%s%s%n", "{{x}}", "'; --"]);
    case 9:
      return rng.pick(["NaN", "Infinity", "null", "undefined", "true", "[object Object]"]);
    case 10:
      return " \t\n".repeat(rng.length(3000));
    default:
      return String.fromCodePoint(
        ...Array.from({ length: 1 + rng.int(40) }, () => rng.int(0x10ffff + 1)).filter(
          (c) => c < 0xd800 || c > 0xdfff,
        ),
      );
  }
}

/** Nesting of `depth` arrays or objects around `inner`. */
function nest(rng: Rng, depth: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++)
    value = rng.chance(0.5) ? [value] : new Pairs([[rng.pick(["a", "__proto__"]), value]]);
  return value;
}

function hostileValue(rng: Rng): unknown {
  switch (rng.int(7)) {
    case 0:
      return hostileNumber(rng);
    case 1:
    case 2:
      return hostileString(rng);
    case 3:
      return rng.pick<unknown>([null, true, false, [], {}]);
    case 4:
      return nest(rng, 1 + rng.int(12), hostileString(rng));
    case 5:
      return Array.from({ length: rng.length(5000) }, () => rng.pick<unknown>([0, {}, "x", null]));
    default:
      return new Pairs([
        [
          rng.pick(PROTO_KEYS),
          new Pairs([
            ["admin", true],
            ["polluted", 1],
          ]),
        ],
      ]);
  }
}

const some = (rng: Rng, items: readonly string[], fallback: string) =>
  items.length > 0 && rng.chance(0.8) ? rng.pick(items) : fallback;
const pid = (rng: Rng, ctx: FuzzContext) => some(rng, ctx.participantIds, `p_${rng.int(1e9).toString(36)}`);
const sdp = (rng: Rng) =>
  rng.pick([
    "v=0\r\n",
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n",
    `v=0\r\n${"a=candidate:1 1 udp 1 127.0.0.1 1 typ host\r\n".repeat(rng.length(2000))}`,
    hostileString(rng),
  ]);

/** The fields of a valid message of `type`, with legal but arbitrary values. */
function validFields(rng: Rng, ctx: FuzzContext, type: ClientMessageType): Record<string, unknown> {
  const kind = () => rng.pick(["audio", "video"]);
  switch (type) {
    case "join":
      return {
        v: 1,
        room: rng.pick(ctx.rooms),
        name: rng.pick(["Fuzz", "Ünïcödé", "Nguye\u0302\u0303n", "名前", marks(30), " x "]),
        ...(rng.chance(0.2) ? { password: hostileString(rng).slice(0, 128) || "pw" } : {}),
        ...(rng.chance(0.5) ? { audio: rng.chance(0.5), video: rng.chance(0.5) } : {}),
        ...(rng.chance(0.1) ? { resume: "r".repeat(rng.int(64)) } : {}),
      };
    case "publish":
      return {
        jsep: { type: "offer", sdp: sdp(rng) },
        ...(rng.chance(0.3) ? { sources: [{ mid: "0", source: "camera" }] } : {}),
      };
    case "subscribe.answer":
      return { jsep: { type: "answer", sdp: sdp(rng) } };
    case "trickle":
      return {
        pc: rng.pick(["publish", "subscribe"]),
        candidate: rng.chance(0.2)
          ? null
          : {
              candidate: `candidate:${rng.int(9)} 1 udp ${rng.int(2 ** 31)} 127.0.0.1 ${rng.int(65536)} typ host`,
              sdpMid: some(rng, ctx.mids, "0"),
              sdpMLineIndex: rng.int(256),
            },
      };
    case "media.state":
      return {
        audio: rng.chance(0.5),
        video: rng.chance(0.5),
        ...(rng.chance(0.3) ? { screen: rng.chance(0.5) } : {}),
      };
    case "subscribe.configure":
      return {
        streams: Array.from({ length: 1 + rng.int(rng.chance(0.1) ? 256 : 4) }, () => ({
          mid: some(rng, ctx.mids, String(rng.int(300))),
          ...(rng.chance(0.5) ? { send: rng.chance(0.7) } : {}),
          ...(rng.chance(0.5) ? { layer: rng.int(3) } : {}),
          ...(rng.chance(0.3) ? { temporal: rng.int(3) } : {}),
          ...(rng.chance(0.2) ? { keyframe: true } : {}),
        })),
      };
    case "room.configure":
      return {
        ...(rng.chance(0.5) ? { lobby: rng.chance(0.3) } : {}),
        ...(rng.chance(0.3) ? { password: rng.chance(0.5) ? null : "pw" } : {}),
        ...(rng.chance(0.3) ? { pollsByAnyone: rng.chance(0.5) } : {}),
        ...(rng.chance(0.3) ? { recordingAllowed: rng.chance(0.5) } : {}),
      };
    case "recording.state":
      return { on: rng.chance(0.5) };
    case "moderate.mute":
      return { participantId: pid(rng, ctx), kind: rng.pick(["audio", "video", "screen"]) };
    case "moderate.mute_all":
      return { kind: rng.pick(["audio", "video", "screen"]) };
    case "moderate.ask_unmute":
      return { participantId: pid(rng, ctx), kind: kind() };
    case "lobby.admit":
    case "lobby.deny":
    case "moderate.remove":
    case "moderate.grant":
      return { participantId: pid(rng, ctx) };
    case "chat.send":
      return {
        text: rng.pick(["hi", marks(30), "x".repeat(2000), "a\u202eb", "line\nbreak", "🙂".repeat(100)]),
        clientId: `c${rng.int(1e9)}`,
        ...(rng.chance(0.3) ? { to: pid(rng, ctx) } : {}),
      };
    case "hand.lower":
      return rng.chance(0.5) ? { participantId: pid(rng, ctx) } : {};
    case "floor.give":
      return { participantId: pid(rng, ctx), ...(rng.chance(0.5) ? { askUnmute: rng.chance(0.5) } : {}) };
    case "reaction.send":
      return { emoji: rng.pick(["👍", "👏", "😂", "😮", "❤️", "🎉", "🤔", "👋"]) };
    case "poll.create":
      return {
        question: rng.pick(["Lunch?", marks(30), "q".repeat(300), "a\u202eb", "🙂".repeat(100)]),
        options: Array.from({ length: 2 + rng.int(9) }, (_, i) =>
          rng.pick([`o${i}`, marks(30), "o".repeat(100)]),
        ),
        ...(rng.chance(0.5) ? { multiple: rng.chance(0.5) } : {}),
        ...(rng.chance(0.5) ? { anonymous: rng.chance(0.5) } : {}),
      };
    case "poll.vote":
      return {
        pollId: `poll_${1 + rng.int(3)}`,
        choices: Array.from({ length: 1 + rng.int(3) }, () => rng.int(10)),
      };
    case "poll.close":
    case "poll.share":
      return { pollId: `poll_${1 + rng.int(3)}` };
    case "breakout.create":
      return {
        rooms: Array.from({ length: 1 + rng.int(rng.chance(0.1) ? 25 : 3) }, () => ({
          name: rng.pick(["", "Salle", marks(30), "n".repeat(64)]),
        })),
      };
    case "breakout.remove":
      return { breakout: `b${1 + rng.int(3)}` };
    case "breakout.assign":
      return {
        assignments: Array.from({ length: 1 + rng.int(3) }, () => ({
          participantId: pid(rng, ctx),
          breakout: rng.chance(0.3) ? null : `b${1 + rng.int(3)}`,
        })),
      };
    case "breakout.configure":
      return { allowMove: rng.chance(0.5) };
    case "breakout.open":
      return { auto: rng.chance(0.5) };
    case "breakout.broadcast":
      return { text: rng.pick(["five minutes left", marks(30), "x".repeat(2000)]) };
    case "breakout.close":
      return { countdown: rng.int(3) };
    case "breakout.join":
      return { breakout: rng.chance(0.3) ? null : `b${1 + rng.int(3)}` };
    default:
      return {};
  }
}

/** The request id the server will read from these pairs (the last `id` wins in JSON.parse), if any. */
function readableId(pairs: [string, unknown][]): number | undefined {
  const value = pairs.findLast(([key]) => key === "id")?.[1];
  const n = value instanceof Raw ? Number(value.text) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 2 ** 31 ? Math.abs(n) : undefined;
}

/** A valid message, or one with fields replaced, removed, added (prototype keys too), or nested deeper. */
function message(rng: Rng, ctx: FuzzContext, mutate: boolean, allowLeave: boolean): FuzzFrame {
  let type: ClientMessageType = rng.pick(TYPES);
  if (!allowLeave && (type === "leave" || type === "lobby.cancel")) type = "ping";
  const entries: [string, unknown][] = Object.entries(validFields(rng, ctx, type));
  const idEntry: [string, unknown][] = rng.chance(0.05) ? [] : [["id", ctx.nextId()]];
  const pairs: [string, unknown][] = [["type", type], ...idEntry, ...entries];
  if (mutate) {
    for (let n = 1 + rng.int(2); n > 0; n--) {
      const op = rng.int(6);
      const at = rng.int(pairs.length);
      if (op <= 2 && pairs[at]) {
        if (pairs[at][0] === "type")
          pairs[at] = [
            "type",
            rng.pick([`${type} `, type.toUpperCase(), `${type}\u0000`, hostileString(rng)]),
          ];
        else pairs[at] = [pairs[at][0], hostileValue(rng)];
      } else if (op === 3 && pairs.length > 1 && at > 0) {
        pairs.splice(at, 1);
      } else if (op === 4) {
        pairs.push([rng.pick([...PROTO_KEYS, "admin", "role", ""]), hostileValue(rng)]);
      } else {
        const nested = pairs.findIndex(([, x]) => x !== null && typeof x === "object");
        const target = pairs[nested];
        if (target)
          target[1] = new Pairs([
            ...Object.entries(target[1] as object),
            [rng.pick(PROTO_KEYS), hostileValue(rng)],
          ]);
        else pairs.push(["__proto__", new Pairs([["type", "join"]])]);
      }
    }
  }
  const id = readableId(pairs);
  // A mutation may leave the trickle valid (a candidate replaced by null), so any trickle without id.
  const unanswered = type === "trickle" && id === undefined;
  return {
    kind: mutate ? "mutated" : "valid",
    data: toJson(new Pairs(pairs)),
    id,
    mayGoUnanswered: unanswered,
  };
}

/** One frame; `allowLeave` lets valid `leave`/`lobby.cancel` through (they close the socket). */
export function fuzzFrame(rng: Rng, ctx: FuzzContext, allowLeave = true): FuzzFrame {
  const roll = rng.next();
  if (roll < 0.42) return message(rng, ctx, true, allowLeave);
  if (roll < 0.62) return message(rng, ctx, false, allowLeave);
  if (roll < 0.68) {
    const id = ctx.nextId();
    const type = rng.chance(0.5) ? rng.pick(PROTO_KEYS) : hostileString(rng).slice(0, 1000);
    return {
      kind: "unknown-type",
      data: toJson(
        new Pairs([
          ["type", type],
          ["id", id],
        ]),
      ),
      id,
    };
  }
  if (roll < 0.76) {
    const valid = toJson({ type: "ping", id: 1 });
    const text = rng.pick([
      valid.slice(0, rng.int(valid.length)),
      `${valid},`,
      "}{",
      "NaN",
      "undefined",
      "{'type':'ping'}",
      '{"type":"ping","id":1,}',
      '{"type":"ping" "id":1}',
      "\u0000",
      `"${"\\".repeat(rng.length(1000))}`,
      `{"type":"ping","id":1}${" ".repeat(rng.length(1000))}x`,
    ]);
    return { kind: "not-json", data: text };
  }
  if (roll < 0.81) {
    const value = rng.pick<unknown>([null, 0, "ping", true, [{ type: "ping", id: 1 }], []]);
    return { kind: "not-object", data: toJson(value) };
  }
  if (roll < 0.86) {
    const depth = 9 + rng.length(100_000);
    return { kind: "deep", data: `${"[".repeat(depth)}${rng.chance(0.5) ? "]".repeat(depth) : ""}` };
  }
  if (roll < 0.975) {
    const bytes = Buffer.from(Array.from({ length: rng.length(4000) }, () => rng.int(256)));
    if (rng.chance(0.5))
      return { kind: "binary", data: rng.chance(0.5) ? bytes : Buffer.from('{"type":"ping","id":1}') };
    // Random bytes as text: some are not UTF-8, and the server's WebSocket closes with 1007.
    return { kind: "random-text", data: bytes, textBytes: true };
  }
  if (roll < 0.9975) return big(rng, ctx);
  return { kind: "oversize", data: `{"type":"ping","pad":"${"o".repeat(512 * 1024 + rng.int(100_000))}"}` };
}

/** Frames of 100 to 510 KiB built to be costly: see test/unit/input-bounds.test.ts. */
function big(rng: Rng, ctx: FuzzContext): FuzzFrame {
  const id = ctx.nextId();
  const n = 50_000 + rng.int(200_000);
  const frames = [
    () => toJson({ type: "join", id, v: 1, room: rng.pick(ctx.rooms), name: marks(n) }),
    () => toJson({ type: "chat.send", id, text: marks(n), clientId: "c" }),
    () => `{"type":"subscribe.configure","id":${id},"streams":[${"0,".repeat(n)}0]}`,
    () => toJson({ type: "subscribe.configure", id, streams: Array(4000).fill({ mid: "x".repeat(100) }) }),
    () =>
      toJson(
        new Pairs([
          ["type", "ping"],
          ["id", id],
          ...Array.from({ length: 5000 }, (_, i): [string, unknown] => [`k${i}`, i]),
        ]),
      ),
    () => toJson({ type: "publish", id, jsep: { type: "offer", sdp: "v=0\r\n".repeat(n / 5) } }),
    () => toJson({ type: "moderate.remove", id, participantId: `p_${"a".repeat(2 * n)}` }),
    () => toJson({ type: "ping", id, [hostileString(rng).slice(0, 500).repeat(100)]: 1 }),
  ];
  return { kind: "big", data: rng.pick(frames)(), id };
}
