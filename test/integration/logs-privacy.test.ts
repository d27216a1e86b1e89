/**
 * README "Configuration": logs are one JSON object per line on stderr, and carry no IP address, display name or
 * chat text, nor any text a client chose — at every level (LOG_LEVEL=debug here). Clients connect from a loopback
 * address of their own (127.13.57.91, with a made-up X-Forwarded-For) and put one marker into everything they
 * choose: room, names, chat (public and private), password, an unknown message type, a bad field, an SDP and an
 * ICE candidate that Janus refuses (Janus's own error lines are relayed as where in Janus and a length only).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { type AnyMessage, RawClient } from "../helpers/ws-client.js";

/** In every text the clients choose (lower-cased by the room name, hence matched without regard to case). */
const MARK = "qzlogmark";
const CLIENT_ADDRESS = "127.13.57.91";
const FORWARDED_ADDRESS = "127.99.88.77";

let server: ServerHandle;
const sockets: RawClient[] = [];

beforeAll(async () => {
  server = await startServer({ name: "logs-privacy", logLevel: "debug" });
});

afterAll(async () => {
  for (const s of sockets) s.terminate();
  await server?.stop();
});

async function connect(): Promise<RawClient> {
  const client = await RawClient.connect(server.wsUrl, {
    localAddress: CLIENT_ADDRESS,
    headers: { "X-Forwarded-For": FORWARDED_ADDRESS },
  });
  sockets.push(client);
  return client;
}

async function join(client: RawClient, room: string, name: string): Promise<AnyMessage> {
  const joined = await client.request({ type: "join", v: 1, room, name }, 10_000);
  expect(joined.type, JSON.stringify(joined)).toBe("joined");
  return joined;
}

/** An offer Janus cannot use: a media line with a made-up transport, carrying the marker. */
const badSdp = [
  "v=0",
  `o=${MARK} 1 1 IN IP4 127.13.57.91`,
  `s=${MARK}`,
  "t=0 0",
  `m=audio 9 ${MARK}/RTP 111`,
  "c=IN IP4 127.13.57.91",
  `a=mid:${MARK}`,
  "a=sendonly",
  "",
].join("\r\n");

describe("a call at LOG_LEVEL=debug", () => {
  it("runs with every kind of client-chosen text, and failed requests", async () => {
    const room = `room-${MARK}-${Date.now().toString(36)}`;
    const ann = await connect();
    const annJoined = await join(ann, room, `Ann ${MARK}-name`);
    const ben = await connect();
    const benJoined = await join(ben, room, `Ben ${MARK}-name`);
    const benId = benJoined.you.id as string;

    expect(
      await ann.request({ type: "chat.send", text: `public ${MARK} text`, clientId: `c-${MARK}` }),
    ).toMatchObject({ type: "ok" });
    expect(
      await ann.request({
        type: "chat.send",
        text: `private ${MARK} text`,
        to: benId,
        clientId: `d-${MARK}`,
      }),
    ).toMatchObject({ type: "ok" });
    await ben.nextOf("chat.message", (m) => m.message.text === `private ${MARK} text`);
    expect(await ann.request({ type: "room.configure", password: `pw-${MARK}` })).toMatchObject({
      type: "ok",
    });
    expect(await ben.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    expect(await ann.request({ type: "hand.lower", participantId: benId })).toMatchObject({ type: "ok" });

    // Refused requests, each with the marker where the client put text.
    expect(await ann.request({ type: `zz-${MARK}` })).toMatchObject({ code: "unknown_type" });
    expect(await ann.request({ type: "chat.send", text: 42, clientId: MARK })).toMatchObject({
      code: "bad_message",
    });
    const stranger = await connect();
    expect(
      await stranger.request({ type: "join", v: 1, room, name: MARK, password: `no-${MARK}` }),
    ).toMatchObject({ code: "password_wrong" });
    const publish = await ann.request({ type: "publish", jsep: { type: "offer", sdp: badSdp } }, 15_000);
    expect(publish.type, JSON.stringify(publish)).toBe("error");
    ann.send({
      type: "trickle",
      pc: "publish",
      candidate: { candidate: `candidate:${MARK} 1 udp 1 127.13.57.91 9 typ host`, sdpMid: MARK },
    });

    expect(await ben.request({ type: "leave" })).toMatchObject({ type: "ok" });
    await ann.nextOf("participant.left", (m) => m.participantId === benId);
    expect(await ann.request({ type: "leave" })).toMatchObject({ type: "ok" });
    stranger.close();
    expect(annJoined.you.name).toContain(MARK); // the server did take the names as given
    // The end of the call is in the log (the room released once everyone left): what came before is all there.
    await waitFor(() => server.lines.some((l) => l.includes('"room closed"')), {
      what: "the room's release in the log",
    });
  });
});

describe("the log", () => {
  const stderr = () => server.lines.filter((l) => l.startsWith("err| ")).map((l) => l.slice(5));

  it("is one JSON object per line on stderr, at the levels asked (debug included)", () => {
    const lines = stderr();
    expect(lines.length).toBeGreaterThan(10);
    const parsed = lines.map((line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = `not JSON: ${line}`;
      }
      return value;
    });
    for (const entry of parsed) {
      expect(entry).toEqual(
        expect.objectContaining({
          t: expect.any(String),
          level: expect.stringMatching(/^(debug|info|warn|error)$/),
          msg: expect.any(String),
        }),
      );
    }
    const levels = new Set(parsed.map((e) => (e as { level: string }).level));
    expect(levels.has("debug"), "LOG_LEVEL=debug took effect").toBe(true);
    // stdout carries the listening line only.
    expect(server.lines.filter((l) => l.startsWith("out| "))).toEqual([
      expect.stringMatching(/^out\| Palabre listening on http:\/\//),
    ]);
  });

  it("logged the call (joins, the failed requests) — so what it leaves out is left out on purpose", () => {
    const log = stderr().join("\n");
    expect(log).toContain('"participant joined"');
    expect(log).toMatch(/"type":"publish"/);
  });

  it("holds no display name, chat text, room, password or other client-chosen text, at any level", () => {
    const hits = server.lines.filter((l) => l.toLowerCase().includes(MARK));
    expect(hits, tail(server.lines, 20)).toEqual([]);
  });

  it("holds no client address (the only address is the one it listens on)", () => {
    const hits = server.lines.filter(
      (l) => l.includes("127.13.") || l.includes(FORWARDED_ADDRESS) || /127\.0\.0\.1(?!:\d+$)/.test(l),
    );
    expect(hits).toEqual([]);
    expect(server.lines.filter((l) => l.includes("127.0.0.1"))).toEqual([
      expect.stringMatching(/listening on http:\/\/127\.0\.0\.1:\d+$/),
    ]);
  });
});

describeServerLog(() => server);
