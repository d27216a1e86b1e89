/**
 * Screen sharing and subscription choices over raw WebSockets against a real server (and Janus), by
 * PROTOCOL.md "Sharing a screen", "Choosing what to receive" and "Moderation":
 *
 * - `media.state {screen: true}` → `ok`, and everyone (the sharer included) gets `participant.updated` with
 *   `screen: true`; `screen` absent leaves it as it is; `screen: false` turns it off for everyone.
 * - With MAX_SCREEN_SHARES=1, a second sharer gets `share_limit` and nothing changes for anyone; once the first
 *   one stops (or leaves), the second can share.
 * - `moderate.mute {kind: "screen"}` from a non-moderator → `forbidden`; from a moderator → the target gets
 *   `moderation.muted {kind: "screen", by}` and everyone `participant.updated` with `screen: false`.
 * - `subscribe.configure` before the first `subscribe.answer` → `media_failed`; a bad `layer`/`temporal`, an
 *   unknown field or an empty list → `bad_message`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import {
  dropAll,
  enter,
  idOf,
  isType,
  mark,
  nextSince,
  type Peer,
  receivedWithin,
  uniqueRoom,
} from "../helpers/room-clients.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import type { AnyMessage } from "../helpers/ws-client.js";

let server: ServerHandle;
const opened: Peer[] = [];

/** Time in which a reaction to a message would have arrived (generous: 2 cores, browsers running next door). */
const QUIET_MS = 800;

async function join(room: string, name: string): Promise<Peer> {
  const p = await enter(server.wsUrl, room, name);
  opened.push(p);
  return p;
}

const types = (ms: AnyMessage[]) => ms.map((m) => m.type);

/** `participant.updated` for `who` whose participant.screen is `screen`. */
const updatedScreen = (who: Peer, screen: boolean) =>
  isType("participant.updated", (m) => m.participant?.id === idOf(who) && m.participant.screen === screen);

/** Sends media.state (camera and microphone on) with `screen`. */
function shareState(p: Peer, screen: boolean | undefined): Promise<AnyMessage> {
  return p.client.request({
    type: "media.state",
    audio: true,
    video: true,
    ...(screen === undefined ? {} : { screen }),
  });
}

beforeAll(async () => {
  // One server for the whole file, with a room limit of one share, so the limit is reachable with two sockets.
  server = await startServer({ name: "screen-share", env: { MAX_SCREEN_SHARES: "1" } });
});

afterAll(async () => {
  dropAll(opened);
  if (server) await server.stop();
});

describe.sequential("sharing a screen (media.state screen)", () => {
  const room = uniqueRoom("share");
  let ann: Peer;
  let ben: Peer;
  let cat: Peer;

  beforeAll(async () => {
    ann = await join(room, "Ann Sharer");
    ben = await join(room, "Ben Viewer");
    cat = await join(room, "Cat Viewer");
  });

  it("joined and participant.joined describe everyone with screen: false", async () => {
    expect(cat.reply.you).toMatchObject({ screen: false });
    for (const p of cat.reply.participants as AnyMessage[]) expect(p.screen, `${p.name}`).toBe(false);
  });

  it("screen: true → ok, and everyone (the sharer too) gets participant.updated with screen true", async () => {
    const everyone = [ann, ben, cat];
    const m = mark(everyone);
    expect(await shareState(ann, true)).toMatchObject({ type: "ok" });
    for (const p of everyone) {
      const u = await nextSince(m, p, updatedScreen(ann, true), 5000, "Ann's share");
      expect(u.participant).toMatchObject({ id: idOf(ann), name: "Ann Sharer", audio: true, video: true });
    }
  });

  it("media.state without screen leaves the share on", async () => {
    const everyone = [ann, ben, cat];
    const m = mark(everyone);
    expect(await ann.client.request({ type: "media.state", audio: false, video: true })).toMatchObject({
      type: "ok",
    });
    for (const p of everyone) {
      const u = await nextSince(m, p, isType("participant.updated"), 5000, "Ann's mute");
      expect(u.participant).toMatchObject({ id: idOf(ann), audio: false, video: true, screen: true });
    }
  });

  it("with MAX_SCREEN_SHARES=1, a second sharer gets share_limit and nobody sees a change", async () => {
    const everyone = [ann, ben, cat];
    const m = mark(everyone);
    const reply = await shareState(ben, true);
    expect(reply).toMatchObject({ type: "error", code: "share_limit" });
    const seen = await receivedWithin(m, everyone, QUIET_MS);
    expect(types(seen[ben.label] ?? []), "Ben got his error and nothing else").toEqual(["error"]);
    expect(seen[ann.label], "Ann saw nothing").toEqual([]);
    expect(seen[cat.label], "Cat saw nothing").toEqual([]);
    // A refused media.state changes nothing at all, not even the other flags it carried.
    const late = await join(room, "Lou Late");
    const byId = new Map<string, AnyMessage>(late.reply.participants.map((p: AnyMessage) => [p.id, p]));
    expect(byId.get(idOf(ben))).toMatchObject({ screen: false, audio: true, video: true });
    expect(byId.get(idOf(ann))).toMatchObject({ screen: true });
    late.client.terminate();
    await ann.client.next(isType("participant.left"), 5000, "Lou leaving");
  });

  it("screen: false → everyone gets participant.updated with screen false; then the second sharer can share", async () => {
    const everyone = [ann, ben, cat];
    let m = mark(everyone);
    expect(await shareState(ann, false)).toMatchObject({ type: "ok" });
    for (const p of everyone) await nextSince(m, p, updatedScreen(ann, false), 5000, "Ann stops sharing");

    m = mark(everyone);
    expect(await shareState(ben, true)).toMatchObject({ type: "ok" });
    for (const p of everyone) await nextSince(m, p, updatedScreen(ben, true), 5000, "Ben's share");
  });

  it("a sharer who leaves frees the place", async () => {
    const everyone = [ann, cat];
    const m = mark(everyone);
    expect(await ben.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    await nextSince(
      m,
      cat,
      isType("participant.left", (x) => x.participantId === idOf(ben)),
      8000,
      "Ben left",
    );
    expect(await shareState(cat, true)).toMatchObject({ type: "ok" });
    for (const p of everyone) await nextSince(m, p, updatedScreen(cat, true), 5000, "Cat's share");
  });
});

describe.sequential("a moderator stopping a share (moderate.mute kind screen)", () => {
  const room = uniqueRoom("share-mod");
  let mod: Peer;
  let sharer: Peer;
  let other: Peer;

  beforeAll(async () => {
    mod = await join(room, "Mia Moderator");
    sharer = await join(room, "Sid Sharer");
    other = await join(room, "Olga Other");
    expect(mod.reply.you.role).toBe("moderator");
    expect(sharer.reply.you.role).toBe("participant");
    expect(other.reply.you.role).toBe("participant");
    const m = mark([mod, other]);
    expect(await shareState(sharer, true)).toMatchObject({ type: "ok" });
    await nextSince(m, mod, updatedScreen(sharer, true), 5000, "Sid's share");
    await nextSince(m, other, updatedScreen(sharer, true), 5000, "Sid's share");
  });

  it("from a non-moderator → forbidden, and nobody sees anything", async () => {
    const everyone = [mod, sharer, other];
    const m = mark(everyone);
    const reply = await other.client.request({
      type: "moderate.mute",
      participantId: idOf(sharer),
      kind: "screen",
    });
    expect(reply).toMatchObject({ type: "error", code: "forbidden" });
    const seen = await receivedWithin(m, everyone, QUIET_MS);
    expect(types(seen[other.label] ?? [])).toEqual(["error"]);
    expect(seen[mod.label], "the moderator saw nothing").toEqual([]);
    expect(seen[sharer.label], "the sharer saw nothing (no moderation.muted)").toEqual([]);
  });

  it("moderate.mute_all screen from a non-moderator → forbidden", async () => {
    const reply = await other.client.request({ type: "moderate.mute_all", kind: "screen" });
    expect(reply).toMatchObject({ type: "error", code: "forbidden" });
  });

  it("from a moderator → ok; the sharer gets moderation.muted {kind: screen, by} and everyone screen false", async () => {
    const everyone = [mod, sharer, other];
    const m = mark(everyone);
    const reply = await mod.client.request({
      type: "moderate.mute",
      participantId: idOf(sharer),
      kind: "screen",
    });
    expect(reply).toMatchObject({ type: "ok" });
    const muted = await nextSince(m, sharer, isType("moderation.muted"), 5000, "moderation.muted");
    expect(muted).toMatchObject({ kind: "screen", by: idOf(mod) });
    for (const p of everyone) {
      const u = await nextSince(m, p, updatedScreen(sharer, false), 5000, "Sid's share off");
      // Only the share is turned off: microphone and camera stay as they were.
      expect(u.participant).toMatchObject({ audio: true, video: true });
    }
    const seen = await receivedWithin(m, everyone, QUIET_MS);
    expect(
      seen[other.label]?.filter((x) => x.type === "moderation.muted"),
      "only the target is told it was muted",
    ).toEqual([]);
  });

  it("the sharer can share again (only it can turn it back on)", async () => {
    const everyone = [mod, sharer, other];
    const m = mark(everyone);
    expect(await shareState(sharer, true)).toMatchObject({ type: "ok" });
    for (const p of everyone) await nextSince(m, p, updatedScreen(sharer, true), 5000, "Sid shares again");
  });
});

describe.sequential("subscribe.configure", () => {
  const room = uniqueRoom("sub-configure");
  let a: Peer;
  let b: Peer;

  beforeAll(async () => {
    a = await join(room, "Abe");
    b = await join(room, "Bea");
  });

  it("before any subscription (alone, no subscribe.offer ever) → media_failed", async () => {
    const reply = await a.client.request({
      type: "subscribe.configure",
      streams: [{ mid: "0", send: false }],
    });
    expect(reply).toMatchObject({ type: "error", code: "media_failed" });
    expect(reply.id).toBeTypeOf("number");
    expect(a.client.isOpen).toBe(true);
    // The connection still works.
    expect(await a.client.request({ type: "ping" })).toMatchObject({ type: "pong" });
  });

  it("with a layer choice, before any subscription → media_failed too", async () => {
    const reply = await b.client.request({
      type: "subscribe.configure",
      streams: [{ mid: "1", layer: 0, temporal: 2, send: true }],
    });
    expect(reply).toMatchObject({ type: "error", code: "media_failed" });
  });

  const bad: [string, unknown][] = [
    ["layer 3", [{ mid: "0", layer: 3 }]],
    ["layer -1", [{ mid: "0", layer: -1 }]],
    ["layer as a string", [{ mid: "0", layer: "2" }]],
    ["layer 1.5", [{ mid: "0", layer: 1.5 }]],
    ["temporal 7", [{ mid: "0", temporal: 7 }]],
    ["send as a string", [{ mid: "0", send: "false" }]],
    ["no mid", [{ send: false }]],
    ["an unexpected field", [{ mid: "0", send: false, quality: "hd" }]],
    ["an empty list", []],
    ["streams not a list", { mid: "0" }],
    ["a mid longer than 32", [{ mid: "x".repeat(33), send: false }]],
  ];

  it.each(bad)("%s → bad_message, and nobody sees anything", async (_label, streams) => {
    const m = mark([a, b]);
    const reply = await a.client.request({ type: "subscribe.configure", streams });
    expect(reply, JSON.stringify(streams)).toMatchObject({ type: "error", code: "bad_message" });
    const seen = await receivedWithin(m, [a, b], 300);
    expect(types(seen[a.label] ?? [])).toEqual(["error"]);
    expect(seen[b.label]).toEqual([]);
    expect(a.client.isOpen).toBe(true);
  });

  it("media.state with a screen that is not a boolean → bad_message", async () => {
    const reply = await a.client.request({ type: "media.state", audio: true, video: true, screen: "yes" });
    expect(reply).toMatchObject({ type: "error", code: "bad_message" });
  });

  it("moderate.ask_unmute kind screen → bad_message (audio or video only)", async () => {
    const reply = await a.client.request({
      type: "moderate.ask_unmute",
      participantId: idOf(b),
      kind: "screen",
    });
    expect(reply).toMatchObject({ type: "error", code: "bad_message" });
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
