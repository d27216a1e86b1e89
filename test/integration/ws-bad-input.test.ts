/**
 * Hostile and malformed input on the WebSocket, against a real server with a real Janus: every bad frame gets
 * the documented error (or close code), the socket and the server survive, and a call in the same room keeps
 * working while a participant floods it with garbage.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "../e2e/helpers/browser.js";
import { readTiles, sampleGrowth } from "../e2e/helpers/rtc.js";
import { joinViaUi, waitForMediaFrom, waitForRemoteSet } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { type AnyMessage, joinRaw, RawClient } from "../helpers/ws-client.js";

let server: ServerHandle;
/** Opened first and never joined: must be closed with 4001 after 30 s (checked by the last test). */
let idle: RawClient;
let idleOpenedAt = 0;
const sockets: RawClient[] = [];

async function connect(): Promise<RawClient> {
  const client = await RawClient.connect(server.wsUrl);
  sockets.push(client);
  return client;
}

/** A fresh room name per test, so tests do not see each other. */
let roomCounter = 0;
const freshRoom = (label: string) => `bad-input-${label}-${Date.now().toString(36)}-${++roomCounter}`;

const isError = (code?: string) => (m: AnyMessage) =>
  m.type === "error" && (code === undefined || m.code === code);

/** Asserts the socket is open and still answers a ping with a pong carrying the same id. */
async function expectAlive(client: RawClient, what: string): Promise<void> {
  expect(client.isOpen, `${what}: socket should be open (close: ${JSON.stringify(client.closeInfo)})`).toBe(
    true,
  );
  const id = client.allocId() + 100_000;
  client.send({ type: "ping", id });
  const reply = await client.reply(id);
  expect(reply, what).toEqual({ type: "pong", id });
}

/** Ids of the pings `pingUntilAnswered` sends, apart from any id a test uses. */
const RETRY_PING_IDS = 900_000;

/**
 * Pings a socket whose budget a flood emptied until one ping is answered (it refills at 30/s: a ping sent too
 * soon is dropped unread); returns the answered ping's id. Every reply to what the socket sent before is
 * ahead of that pong: the server answers a socket's messages in order.
 */
async function pingUntilAnswered(client: RawClient, what: string): Promise<number> {
  return waitFor(
    async () => {
      expect(client.isOpen, `${what}: socket open (close: ${JSON.stringify(client.closeInfo)})`).toBe(true);
      const id = RETRY_PING_IDS + client.allocId();
      client.send({ type: "ping", id });
      return (await client.arrivesWithin((m) => m.type === "pong" && m.id === id, 200)) ? id : undefined;
    },
    { timeoutMs: 5000, intervalMs: 0, what: `${what}: a ping answered` },
  );
}

/** Waits until a flood on `client` is under way: the server has already dropped some of it. */
async function floodUnderWay(client: RawClient): Promise<void> {
  await waitFor(() => client.received.some((m) => m.type === "error" && m.code === "rate_limited"), {
    timeoutMs: 5000,
    what: "the server to drop some of the flood (rate_limited)",
  });
}

beforeAll(async () => {
  server = await startServer({ name: "ws-bad-input" });
  idle = await RawClient.connect(server.wsUrl);
  idleOpenedAt = Date.now();
});

afterAll(async () => {
  for (const s of sockets) s.terminate();
  idle?.terminate();
  if (server) {
    const report = await server.stop();
    if (report.leftoverDescendants.length > 0) {
      console.warn(
        `server left processes behind after SIGTERM: ${JSON.stringify(report.leftoverDescendants)}`,
      );
    }
  }
});

describe("malformed frames", () => {
  it("a frame that is not JSON → error bad_json, and the socket stays usable", async () => {
    const c = await connect();
    c.send("this is not json {");
    const err = await c.next(isError(), 5000, "an error");
    expect(err.code).toBe("bad_json");
    expect(err.id).toBeUndefined();
    expect(typeof err.message).toBe("string");
    await expectAlive(c, "after bad_json");
  });

  it("an unknown type → unknown_type, echoing the request id", async () => {
    const c = await connect();
    c.send({ type: "no.such.type", id: 41, text: "hi" });
    expect(await c.reply(41)).toMatchObject({ type: "error", id: 41, code: "unknown_type" });
    c.send('{"type":"__proto__","id":42}');
    expect(await c.reply(42)).toMatchObject({ type: "error", id: 42, code: "unknown_type" });
    await expectAlive(c, "after unknown_type");
  });

  it("missing / mistyped / extra fields → bad_message, echoing the request id when given", async () => {
    const c = await connect();
    const cases: [number | undefined, unknown][] = [
      [51, { type: "join", id: 51, v: 1, room: "r" }], // name missing
      [52, { type: "join", id: 52, v: 1, room: "r", name: 42 }], // mistyped
      [53, { type: "join", id: 53, v: "1", room: "r", name: "Ada" }], // v mistyped
      [54, { type: "join", id: 54, v: 1, room: "r", name: "Ada", admin: true }], // extra field
      [55, { type: "join", id: 55, v: 1, room: "r", name: "x".repeat(65) }], // name too long
      [56, { type: "join", id: 56, v: 1, room: "r", name: "Ada\u0007" }], // control character
      [57, { type: "join", id: 57, v: 1, room: "no spaces/here", name: "Ada" }], // bad room
      [58, { type: "ping", id: 58, extra: 1 }],
      [59, { type: "media.state", id: 59, audio: "yes", video: true }],
      [undefined, { type: "ping", id: "60" }], // unreadable id: no echo
      [undefined, [1, 2, 3]], // not an object
    ];
    for (const [id, msg] of cases) {
      c.send(msg);
      const reply =
        id === undefined
          ? await c.next(
              (m) => m.type === "error" && m.id === undefined,
              5000,
              `an error for ${JSON.stringify(msg)}`,
            )
          : await c.reply(id);
      expect(reply, JSON.stringify(msg)).toMatchObject({ type: "error", code: "bad_message" });
      if (id !== undefined) expect(reply.id).toBe(id);
    }
    // None of the bad joins joined: a message that needs a participant is still refused.
    c.send({ type: "media.state", id: 61, audio: true, video: true });
    expect(await c.reply(61)).toMatchObject({ type: "error", code: "not_joined" });
    await expectAlive(c, "after bad_message");
  });

  it("a binary frame → error bad_message (not treated as text), socket stays usable", async () => {
    const c = await connect();
    c.send(Buffer.from(JSON.stringify({ type: "ping", id: 71 }), "utf8"));
    const reply = await c.next((m) => m.id === 71 || m.type === "error", 5000, "a reply to a binary frame");
    expect(reply.type, `binary frame answered with ${JSON.stringify(reply)}`).toBe("error");
    expect(reply.code).toBe("bad_message");
    await expectAlive(c, "after a binary frame");
  });

  it("a frame under the 512 KiB limit is parsed (bad_message); 520 KiB and 1 MB frames close the socket with 1009", async () => {
    const c = await connect();
    // ~100 KiB: under the limit, so it must be answered, not cut.
    c.send({ type: "ping", id: 81, pad: "p".repeat(100 * 1024) });
    expect(await c.reply(81)).toMatchObject({ type: "error", code: "bad_message" });
    await expectAlive(c, "after a 100 KiB frame");

    c.send(`{"type":"ping","id":82,"pad":"${"x".repeat(1024 * 1024)}"}`);
    const closed = await Promise.race([c.closed, sleep(5000).then(() => null)]);
    expect(closed, "socket should be closed after a 1 MB frame").not.toBeNull();
    expect(closed?.code).toBe(1009);
    expect(c.received.some((m) => m.id === 82)).toBe(false);
    // Just over the limit (520 KiB) is cut too.
    const c2 = await connect();
    c2.send(`{"type":"ping","id":83,"pad":"${"y".repeat(520 * 1024)}"}`);
    const closed2 = await Promise.race([c2.closed, sleep(5000).then(() => null)]);
    expect(closed2?.code, "close code after a 520 KiB frame").toBe(1009);
    // The server is fine.
    const other = await connect();
    await expectAlive(other, "a new socket after the 1009 close");
  });

  it("200 messages in one second → some rate_limited errors, then the socket still answers after refill", async () => {
    const c = await connect();
    const started = Date.now();
    for (let i = 1; i <= 200; i++) c.send({ type: "ping", id: 1000 + i });
    const sendMs = Date.now() - started;
    expect(sendMs, "sending 200 frames should take well under a second").toBeLessThan(1000);
    // The marker: a ping answered once the budget refilled (30/s). Its pong comes after every reply to the
    // 200, so what is ahead of it is all the flood got, and nothing of the flood may come after it.
    await pingUntilAnswered(c, "after the flood");
    const elapsedMs = Date.now() - started;
    const markerAt = c.received.findIndex((m) => m.type === "pong" && m.id >= RETRY_PING_IDS);
    const flood = c.received.slice(0, markerAt);
    const isFloodPong = (m: AnyMessage) => m.type === "pong" && m.id > 1000 && m.id <= 1200;
    expect(c.received.slice(markerAt).filter(isFloodPong), "flood replies after the marker").toEqual([]);
    const pongs = flood.filter(isFloodPong);
    const limited = flood.filter((m) => m.type === "error" && m.code === "rate_limited");
    const otherErrors = flood.filter((m) => m.type === "error" && m.code !== "rate_limited");
    // Burst 60, then 30/s: 60 + the tokens refilled while the server read the 200 (all read before the marker).
    expect(pongs.length, "pongs (allowed messages)").toBeGreaterThanOrEqual(60);
    expect(pongs.length, "pongs (allowed messages)").toBeLessThanOrEqual(
      60 + Math.floor((30 * elapsedMs) / 1000) + 1,
    );
    // At least one notice, and at most one a second (over the flood and the marker's retries).
    expect(limited.length, "rate_limited errors").toBeGreaterThanOrEqual(1);
    expect(limited.length, `rate_limited errors in ${elapsedMs} ms`).toBeLessThanOrEqual(
      1 + Math.floor(elapsedMs / 1000),
    );
    console.log(
      `[rate] sent 200 in ${sendMs} ms → ${pongs.length} pongs, ${limited.length} rate_limited, ${otherErrors.length} other errors; a ping answered again after ${elapsedMs} ms`,
    );
    expect(otherErrors).toEqual([]);
    // The dropped message was not read, so its error carries no id (PROTOCOL.md).
    for (const m of limited) expect(m.id).toBeUndefined();
    expect(c.isOpen).toBe(true);
  });
});

describe("protocol state errors", () => {
  it("messages that need a join, sent before join → not_joined", async () => {
    const c = await connect();
    const msgs = [
      { type: "media.state", id: 91, audio: false, video: false },
      { type: "leave", id: 92 },
      { type: "trickle", id: 93, pc: "publish", candidate: null },
      { type: "publish", id: 94, jsep: { type: "offer", sdp: "v=0\r\n" } },
      { type: "subscribe.answer", id: 95, jsep: { type: "answer", sdp: "v=0\r\n" } },
    ];
    for (const msg of msgs) {
      c.send(msg);
      expect(await c.reply(msg.id), msg.type).toMatchObject({
        type: "error",
        id: msg.id,
        code: "not_joined",
      });
    }
    await expectAlive(c, "after not_joined");
  });

  it("join with v: 2 → unsupported_version; the connection is not joined", async () => {
    const c = await connect();
    c.send({ type: "join", id: 101, v: 2, room: freshRoom("v2"), name: "Ada" });
    expect(await c.reply(101)).toMatchObject({ type: "error", id: 101, code: "unsupported_version" });
    c.send({ type: "media.state", id: 102, audio: true, video: true });
    expect(await c.reply(102)).toMatchObject({ type: "error", code: "not_joined" });
  });

  it("join normalises room and name; join twice → already_joined", async () => {
    const c = await connect();
    const room = freshRoom("Twice").toUpperCase();
    c.send({ type: "join", id: 111, v: 1, room, name: "  Ada \t Love\u0301lace  " });
    const joined = await c.reply(111, 10_000);
    expect(joined.type, JSON.stringify(joined)).toBe("joined");
    expect(joined.room).toBe(room.toLowerCase());
    expect(joined.you.name).toBe("Ada Lov\u00e9lace");
    expect(joined.you.role).toBe("moderator");
    expect(joined.participants).toEqual([]);
    expect(Array.isArray(joined.iceServers)).toBe(true);

    c.send({ type: "join", id: 112, v: 1, room, name: "Ada again" });
    expect(await c.reply(112)).toMatchObject({ type: "error", id: 112, code: "already_joined" });
    c.send({ type: "join", id: 113, v: 1, room: freshRoom("elsewhere"), name: "Ada" });
    expect(await c.reply(113)).toMatchObject({ type: "error", id: 113, code: "already_joined" });

    // Still one participant: a second joiner sees exactly Ada.
    const { client: b, joined: bJoined } = await joinRaw(server.wsUrl, room, "Bob");
    sockets.push(b);
    expect(bJoined.participants.map((p) => p.name)).toEqual(["Ada Lov\u00e9lace"]);
    expect(bJoined.you.role).toBe("participant");
  });
});

describe("a room survives a participant sending garbage", () => {
  /** A mix of everything bad, plus valid-but-pointless messages, sent as fast as the socket takes them. */
  function garbage(i: number): unknown {
    switch (i % 12) {
      case 0:
        return "}{ not json";
      case 1:
        return { type: "nope", id: i };
      case 2:
        return { type: "join", id: i, v: 1, room: "x", name: "\u202eevil" };
      case 3:
        return Buffer.from([0xff, 0x00, 0x13, 0x37]);
      case 4:
        return { type: "subscribe.answer", id: i, jsep: { type: "answer", sdp: "v=0\r\ngarbage" } };
      case 5:
        return {
          type: "trickle",
          id: i,
          pc: "subscribe",
          candidate: { candidate: "candidate:garbage", sdpMid: "99" },
        };
      case 6:
        return {
          type: "trickle",
          id: i,
          pc: "publish",
          candidate: { candidate: "a=candidate:1 1 udp 1 256.1.1.1 0 typ host" },
        };
      case 7:
        return { type: "join", id: i, v: 1, room: "other-room", name: "Mallory" };
      case 8:
        return { type: "media.state", id: i, audio: 1, video: null };
      case 9:
        return `{"type":"ping","id":${i},"pad":"${"z".repeat(8000)}"}`;
      case 10:
        return { type: "leave", id: i, now: true };
      default:
        return "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";
    }
  }

  async function spam(client: RawClient, ms: number, perBurst = 20, everyMs = 50): Promise<number> {
    const end = Date.now() + ms;
    let i = 0;
    while (Date.now() < end && client.isOpen) {
      for (let k = 0; k < perBurst; k++) client.send(garbage(i++));
      await sleep(everyMs);
    }
    return i;
  }

  it("raw sockets: while one participant spams, another still gets participant.joined for a newcomer", async () => {
    const room = freshRoom("raw");
    const { client: spammer, joined: sj } = await joinRaw(server.wsUrl, room, "Spammer");
    const { client: witness, joined: wj } = await joinRaw(server.wsUrl, room, "Witness");
    sockets.push(spammer, witness);
    // A publish with a nonsense SDP goes to Janus: it must be refused without hurting the room.
    spammer.send({ type: "publish", id: 5000, jsep: { type: "offer", sdp: "v=0\r\nthis is not sdp\r\n" } });

    const spamming = spam(spammer, 4000);
    await floodUnderWay(spammer);
    const { client: newcomer, joined: nj } = await joinRaw(server.wsUrl, room, "Newcomer");
    sockets.push(newcomer);
    const announced = await witness.next(
      (m) => m.type === "participant.joined" && m.participant?.id === nj.you.id,
      5000,
      "participant.joined for the newcomer",
    );
    expect(announced.participant.name).toBe("Newcomer");
    const sent = await spamming;
    expect(sent).toBeGreaterThan(200);

    // The spammer was answered with errors, never thrown out of the room.
    const publishReply = spammer.received.find((m) => m.id === 5000);
    expect(publishReply?.type, `reply to a garbage publish: ${JSON.stringify(publishReply)}`).toBe("error");
    expect(spammer.received.some((m) => m.type === "error" && m.code === "rate_limited")).toBe(true);
    expect(spammer.received.some((m) => m.type === "error" && m.code === "bad_json")).toBe(true);
    expect(nj.participants.map((p) => p.id).sort()).toEqual([sj.you.id, wj.you.id].sort());
    await pingUntilAnswered(spammer, "the spammer after its flood");
    await expectAlive(witness, "the witness");
    // The marker: the newcomer leaves. Once the witness hears of it, it would have heard of anyone the flood
    // had put out of the room before: the newcomer must be the only one it heard leave.
    expect(await newcomer.request({ type: "leave" })).toMatchObject({ type: "ok" });
    await witness.next(
      (m) => m.type === "participant.left" && m.participantId === nj.you.id,
      5000,
      "participant.left for the newcomer",
    );
    expect(
      witness.received.filter((m) => m.type === "participant.left").map((m) => m.participantId),
      "participant.left heard by the witness",
    ).toEqual([nj.you.id]);
    const res = await fetch(`${server.origin}/healthz`);
    expect(res.status).toBe(200);
  });

  describe("two Chromium participants keep decoding while a raw participant in their room spams", () => {
    let browser: Browser;
    const people: Participant[] = [];

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      for (const p of people) await p.close();
      await browser?.close();
    });

    it("frames and audio keep flowing on both pages during the flood", async () => {
      onTestFailed(async () => {
        const dir = await saveEvidence("ws-bad-input-chromium", people);
        console.error(`evidence in ${dir}; server log ${server.logFile}:\n${tail(server.lines, 40)}`);
      });
      const room = freshRoom("media");
      const a = await newParticipant(browser, "alice");
      const b = await newParticipant(browser, "bob");
      people.push(a, b);
      const aId = await joinViaUi(a.page, server.origin, room, "Alice");
      const bId = await joinViaUi(b.page, server.origin, room, "Bob");
      const { client: spammer, joined: sj } = await joinRaw(server.wsUrl, room, "Spammer");
      sockets.push(spammer);
      const mId: string = sj.you.id;

      await waitForRemoteSet(a.page, [bId, mId]);
      await waitForRemoteSet(b.page, [aId, mId]);
      await waitForMediaFrom(a.page, [bId]);
      await waitForMediaFrom(b.page, [aId]);

      // A plain participant trying moderator actions is refused and changes nothing.
      for (const msg of [
        { type: "moderate.remove", participantId: aId },
        { type: "moderate.mute", participantId: bId, kind: "audio" },
        { type: "moderate.mute_all", kind: "video" },
        { type: "moderate.grant", participantId: mId },
      ]) {
        const reply = await spammer.request(msg);
        expect(reply, `${msg.type} from a participant`).toMatchObject({ type: "error", code: "forbidden" });
      }

      const spamming = spam(spammer, 6000);
      await floodUnderWay(spammer);
      const [ga, gb] = await Promise.all([sampleGrowth(a.page, 2500), sampleGrowth(b.page, 2500)]);
      const sent = await spamming;
      expect(sent).toBeGreaterThan(300);

      const fromB = ga.get(bId);
      const fromA = gb.get(aId);
      console.log(
        `[flood] ${sent} frames of garbage; over 2.5 s Alice got ${fromB?.videoFramesDelta} frames / ${fromB?.audioPacketsDelta} audio packets from Bob, Bob got ${fromA?.videoFramesDelta} / ${fromA?.audioPacketsDelta} from Alice`,
      );
      expect(fromB, "Alice still shows Bob's tile").toBeDefined();
      expect(fromA, "Bob still shows Alice's tile").toBeDefined();
      expect(fromB?.videoFramesDelta, "Alice decodes Bob's video during the flood").toBeGreaterThan(10);
      expect(fromA?.videoFramesDelta, "Bob decodes Alice's video during the flood").toBeGreaterThan(10);
      expect(fromB?.audioPacketsDelta, "Alice receives Bob's audio during the flood").toBeGreaterThan(20);
      expect(fromA?.audioPacketsDelta, "Bob receives Alice's audio during the flood").toBeGreaterThan(20);

      // Nobody was dropped or muted; the spammer is still listed on both pages.
      await waitForRemoteSet(a.page, [bId, mId], 2000);
      await waitForRemoteSet(b.page, [aId, mId], 2000);
      const [tilesA, tilesB] = await Promise.all([readTiles(a.page), readTiles(b.page)]);
      expect(
        [...tilesA, ...tilesB].filter((t) => t.micMuted).map((t) => t.participantId),
        "nobody shown muted",
      ).toEqual([]);
      await pingUntilAnswered(spammer, "the spammer after its flood");
    });
  });
});

describe("join timeout", () => {
  it("a socket that never joins is closed with 4001 after ~30 s", async () => {
    const remaining = Math.max(0, idleOpenedAt + 40_000 - Date.now());
    const closed = await Promise.race([idle.closed, sleep(remaining).then(() => null)]);
    expect(closed, "the idle socket should have been closed").not.toBeNull();
    expect(closed?.code).toBe(4001);
    const after = (idle.closedAt ?? Date.now()) - idleOpenedAt;
    expect(after, "closed after (ms)").toBeGreaterThanOrEqual(29_000);
    expect(after, "closed after (ms)").toBeLessThanOrEqual(36_000);
  }, 60_000);
});

describe("the server itself", () => {
  it("is still healthy and its Janus still running after all of the above", async () => {
    const res = await fetch(`${server.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type") ?? "").toMatch(/json/);
    expect(server.isRunning()).toBe(true);
    await waitFor(() => server.descendants().some((d) => /janus/.test(d.cmd)), {
      timeoutMs: 2000,
      what: "a janus child process",
    });
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
