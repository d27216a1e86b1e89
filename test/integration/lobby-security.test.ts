/**
 * The lobby and the password over raw WebSockets against a real server (and Janus): who is told what when
 * someone knocks, is admitted, denied, cancels or drops; a waiting connection learns nothing of the meeting
 * and may do nothing but wait; passwords, their rate limits (per room and per connection) and their removal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeOf,
  dropAll,
  enter,
  idOf,
  isType,
  knock,
  mark,
  nextSince,
  type Peer,
  receivedWithin,
  uniqueRoom,
  waitInLobby,
} from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import type { AnyMessage } from "../helpers/ws-client.js";
import { RawClient } from "../helpers/ws-client.js";

let server: ServerHandle;
const opened: Peer[] = [];

/** Time in which a reaction to a message would have arrived (generous: 2 cores, browsers running next door). */
const QUIET_MS = 600;

const track = (p: Peer): Peer => {
  opened.push(p);
  return p;
};
const join = async (room: string, name: string, fields = {}) =>
  track(await enter(server.wsUrl, room, name, fields));
const wait = async (room: string, name: string, fields = {}) =>
  track(await waitInLobby(server.wsUrl, room, name, fields));
const attempt = async (room: string, name: string, fields = {}) =>
  track(await knock(server.wsUrl, room, name, fields));
const types = (ms: AnyMessage[]) => ms.map((m) => m.type);

beforeAll(async () => {
  server = await startServer({ name: "lobby-security" });
});

afterAll(async () => {
  dropAll(opened);
  if (server) await server.stop();
});

async function configure(mod: Peer, others: Peer[], change: Record<string, unknown>): Promise<AnyMessage[]> {
  const m = mark([mod, ...others]);
  expect(
    await mod.client.request({ type: "room.configure", ...change }),
    JSON.stringify(change),
  ).toMatchObject({
    type: "ok",
  });
  return Promise.all(
    [mod, ...others].map((p) =>
      nextSince(m, p, isType("room.updated"), 5000, `room.updated after ${JSON.stringify(change)}`),
    ),
  );
}

// ── The lobby, step by step ───────────────────────────────────────────────────────────────

describe.sequential("the lobby", () => {
  const room = uniqueRoom("lobby-flow");
  let mod: Peer;
  let second: Peer;
  let newcomer: Peer;
  let newcomerId: string;

  it("a moderator turns the lobby on: everyone in the room gets room.updated", async () => {
    mod = await join(room, "Mara");
    second = await join(room, "Sid");
    expect(mod.reply.settings).toEqual({ lobby: false, locked: false });
    const updates = await configure(mod, [second], { lobby: true });
    for (const u of updates)
      expect(u).toEqual({ type: "room.updated", settings: { lobby: true, locked: false } });
  });

  it("a newcomer gets lobby.waiting; moderators (only) get lobby.knock with the name", async () => {
    const m = mark([mod, second]);
    const before = Date.now();
    newcomer = await wait(room, "  Nora   New ");
    expect(newcomer.reply).toEqual({ type: "lobby.waiting", id: newcomer.reply.id, room });
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "lobby.knock");
    expect(k.entry).toMatchObject({ name: "Nora New" });
    expect(k.entry.id).toMatch(/^p_/);
    expect(k.entry.since).toBeGreaterThanOrEqual(before - 5000);
    expect(k.entry.since).toBeLessThanOrEqual(Date.now() + 5000);
    newcomerId = k.entry.id;
    const seen = await receivedWithin(m, [second], QUIET_MS);
    expect(seen[second.label], "a participant hears nothing of the lobby").toEqual([]);
  });

  it("someone made moderator while people wait gets lobby.list with them", async () => {
    const m = mark([mod, second]);
    expect(await mod.client.request({ type: "moderate.grant", participantId: idOf(second) })).toMatchObject({
      type: "ok",
    });
    const list = await nextSince(m, second, isType("lobby.list"), 5000, "lobby.list");
    expect(list.entries).toEqual([{ id: newcomerId, name: "Nora New", since: expect.any(Number) }]);
  });

  it("admit: the newcomer gets joined (no id), the others participant.joined, all moderators lobby.resolved", async () => {
    const m = mark([mod, second, newcomer]);
    expect(await mod.client.request({ type: "lobby.admit", participantId: newcomerId })).toMatchObject({
      type: "ok",
    });
    const joined = await nextSince(m, newcomer, isType("joined"), 10_000, "joined");
    expect(joined.id).toBeUndefined();
    expect(joined.you).toMatchObject({ id: newcomerId, name: "Nora New", role: "participant" });
    expect(joined.participants.map((p: AnyMessage) => p.id).sort()).toEqual([idOf(mod), idOf(second)].sort());
    expect(joined.settings).toEqual({ lobby: true, locked: false });
    expect(joined.resume).toBeTypeOf("string");
    newcomer.id = newcomerId;
    for (const p of [mod, second]) {
      const pj = await nextSince(m, p, isType("participant.joined"), 5000, "participant.joined");
      expect(pj.participant).toMatchObject({ id: newcomerId, name: "Nora New", role: "participant" });
      expect(await nextSince(m, p, isType("lobby.resolved"), 5000, "lobby.resolved")).toEqual({
        type: "lobby.resolved",
        participantId: newcomerId,
        outcome: "admitted",
      });
    }
    // Once in, the newcomer is a participant like any other.
    expect(await newcomer.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    expect(await newcomer.client.request({ type: "lobby.cancel" })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
  });

  it("deny: the waiting one gets lobby.denied and close 4003; moderators lobby.resolved denied", async () => {
    const m = mark([mod, second, newcomer]);
    const denied = await wait(room, "Dan Denied");
    const k = await nextSince(m, second, isType("lobby.knock"), 5000, "knock (Dan)");
    // Both moderators get the knock; a participant does not.
    expect((await nextSince(m, mod, isType("lobby.knock"), 5000, "knock (Dan)")).entry.id).toBe(k.entry.id);
    expect(await second.client.request({ type: "lobby.deny", participantId: k.entry.id })).toMatchObject({
      type: "ok",
    });
    expect(await denied.client.next(isType("lobby.denied"), 5000, "lobby.denied")).toEqual({
      type: "lobby.denied",
    });
    expect((await closeOf(denied)).code).toBe(4003);
    for (const p of [mod, second]) {
      expect(await nextSince(m, p, isType("lobby.resolved"), 5000, "resolved denied")).toEqual({
        type: "lobby.resolved",
        participantId: k.entry.id,
        outcome: "denied",
      });
    }
    expect(types(denied.client.received)).toEqual(["lobby.waiting", "lobby.denied"]);
    const seen = await receivedWithin(m, [newcomer], QUIET_MS);
    expect(seen[newcomer.label], "a participant hears nothing of the lobby").toEqual([]);
    // Nobody with that id waits any more.
    expect(await mod.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "error",
      code: "not_found",
    });
  });

  it("cancel: ok, then close 4000; moderators lobby.resolved cancelled", async () => {
    const m = mark([mod, second]);
    const quitter = await wait(room, "Cal Cancel");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock (Cal)");
    expect(await quitter.client.request({ type: "lobby.cancel" })).toMatchObject({ type: "ok" });
    expect((await closeOf(quitter)).code).toBe(4000);
    for (const p of [mod, second]) {
      expect(await nextSince(m, p, isType("lobby.resolved"), 5000, "resolved cancelled")).toEqual({
        type: "lobby.resolved",
        participantId: k.entry.id,
        outcome: "cancelled",
      });
    }
  });

  it("a waiting socket that drops: moderators lobby.resolved left", async () => {
    const m = mark([mod, second]);
    const dropper = await wait(room, "Dora Drop");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock (Dora)");
    dropper.client.terminate();
    for (const p of [mod, second]) {
      expect(await nextSince(m, p, isType("lobby.resolved"), 8000, "resolved left")).toEqual({
        type: "lobby.resolved",
        participantId: k.entry.id,
        outcome: "left",
      });
    }
  });

  it("admit_all lets everyone waiting in, oldest first", async () => {
    const m = mark([mod, second, newcomer]);
    const w1 = await wait(room, "Wait One");
    const k1 = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock 1");
    const w2 = await wait(room, "Wait Two");
    const k2 = await nextSince(
      m,
      mod,
      isType("lobby.knock", (x) => x.entry.id !== k1.entry.id),
      5000,
      "knock 2",
    );
    expect(await mod.client.request({ type: "lobby.admit_all" })).toMatchObject({ type: "ok" });
    for (const [w, k] of [
      [w1, k1],
      [w2, k2],
    ] as const) {
      const j = await w.client.next(isType("joined"), 10_000, `${w.label} joined`);
      expect(j.you.id).toBe(k.entry.id);
    }
    await nextSince(
      m,
      newcomer,
      isType("participant.joined", (x) => x.participant.id === k2.entry.id),
      5000,
      "p2",
    );
    const order = newcomer.client.received
      .slice(m.get(newcomer.client))
      .filter((x) => x.type === "participant.joined")
      .map((x) => x.participant.id);
    expect(order).toEqual([k1.entry.id, k2.entry.id]);
    const resolved = await Promise.all(
      [k1, k2].map((k) =>
        nextSince(
          m,
          second,
          isType("lobby.resolved", (x) => x.participantId === k.entry.id),
          5000,
          "resolved",
        ),
      ),
    );
    for (const r of resolved) expect(r.outcome).toBe("admitted");
    // The second one admitted sees the first.
    const j2 = w2.client.received.find((x) => x.type === "joined");
    expect(j2?.participants.map((p: AnyMessage) => p.id)).toContain(k1.entry.id);
  });

  it("turning the lobby off admits nobody who waits; newcomers then enter directly", async () => {
    const m = mark([mod, second]);
    const w = await wait(room, "Still Waiting");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    await configure(mod, [second], { lobby: false });
    const direct = await join(room, "Direct Entry");
    expect(direct.reply.settings).toEqual({ lobby: false, locked: false });
    const seen = await receivedWithin(mark([w]), [w], QUIET_MS);
    expect(types(seen[w.label] ?? []), "the one waiting still waits").toEqual([]);
    expect(types(w.client.received)).toEqual(["lobby.waiting"]);
    // A moderator still decides.
    expect(await mod.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "ok",
    });
    expect((await w.client.next(isType("joined"), 10_000, "joined")).settings).toEqual({
      lobby: false,
      locked: false,
    });
  });
});

describe("who hears of the lobby", () => {
  it("the first one in gets an empty lobby.list; knock entries carry id, name and since only; the room name is lower-cased", async () => {
    const room = uniqueRoom("Lobby-Case");
    const mod = await join(room, "Mod");
    expect(await mod.client.next(isType("lobby.list"), 5000, "lobby.list on entering first")).toEqual({
      type: "lobby.list",
      entries: [],
    });
    await configure(mod, [], { lobby: true });
    const m = mark([mod]);
    const w = await wait(room, "Upper Case");
    expect(w.reply.room).toBe(room.toLowerCase());
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(Object.keys(k.entry).sort()).toEqual(["id", "name", "since"]);
  });

  it("the moderator leaves while someone waits: the one promoted gets lobby.list with them, and can admit", async () => {
    const room = uniqueRoom("lobby-promote");
    const mod = await join(room, "Mod");
    const part = await join(room, "Heir");
    await configure(mod, [part], { lobby: true });
    const m = mark([mod, part]);
    const w = await wait(room, "Waiting Will");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(await mod.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    const promoted = await nextSince(
      m,
      part,
      isType("participant.updated", (x) => x.participant.id === idOf(part)),
      5000,
      "promotion",
    );
    expect(promoted.participant.role).toBe("moderator");
    const list = await nextSince(m, part, isType("lobby.list"), 5000, "lobby.list on promotion");
    expect(list.entries).toEqual([{ id: k.entry.id, name: "Waiting Will", since: k.entry.since }]);
    expect(await part.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "ok",
    });
    const joined = await w.client.next(isType("joined"), 10_000, "joined");
    expect(joined.participants.map((p: AnyMessage) => p.id)).toEqual([idOf(part)]);
  });

  it("leave from the lobby: ok, close 4000, and the moderators' lists drop the entry", async () => {
    const room = uniqueRoom("lobby-leave");
    const mod = await join(room, "Mod");
    await configure(mod, [], { lobby: true });
    const m = mark([mod]);
    const w = await wait(room, "Leaving Lea");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(await w.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    expect((await closeOf(w)).code).toBe(4000);
    const resolved = await nextSince(m, mod, isType("lobby.resolved"), 5000, "resolved");
    expect(resolved.participantId).toBe(k.entry.id);
    expect(["left", "cancelled"]).toContain(resolved.outcome);
    expect(await mod.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "error",
      code: "not_found",
    });
  });
});

// ── A waiting connection knows nothing and may do nothing ─────────────────────────────────

describe("a connection waiting in the lobby", () => {
  it("gets forbidden for everything but lobby.cancel/leave/ping, and receives nothing of the meeting", async () => {
    const room = uniqueRoom("lobby-sealed");
    const mod = await join(room, "Morgan Secretname");
    const part = await join(room, "Paula Hiddenname");
    await configure(mod, [part], { lobby: true });
    const m = mark([mod, part]);
    const w = await wait(room, "Walt Waiting");
    const wId = (await nextSince(m, mod, isType("lobby.knock"), 5000, "knock")).entry.id as string;

    // The meeting goes on while Walt waits: chat, hands, reactions, flags, settings, someone joins and leaves.
    await mod.client.request({ type: "chat.send", text: "secret agenda item", clientId: "c-1" });
    await part.client.request({ type: "hand.raise" });
    await part.client.request({ type: "reaction.send", emoji: "👍" });
    await part.client.request({ type: "media.state", audio: false, video: true });
    await mod.client.request({ type: "room.configure", lobby: true });
    await mod.client.request({ type: "moderate.grant", participantId: idOf(part) });
    // Someone else knocks and is admitted (the room is told of a new participant).
    const mv = mark([mod]);
    const vera = await wait(room, "Vera Visitor");
    const vk = await nextSince(mv, mod, isType("lobby.knock"), 5000, "Vera's knock");
    expect(await mod.client.request({ type: "lobby.admit", participantId: vk.entry.id })).toMatchObject({
      type: "ok",
    });
    await vera.client.next(isType("joined"), 10_000, "Vera joined");
    await part.client.next(isType("participant.joined"), 5000, "Vera joined (as Paula sees it)");

    const sdpOffer = { type: "offer", sdp: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" };
    const attempts: Record<string, unknown>[] = [
      { type: "publish", jsep: sdpOffer },
      { type: "subscribe.answer", jsep: { type: "answer", sdp: sdpOffer.sdp } },
      {
        type: "trickle",
        pc: "publish",
        candidate: {
          candidate: "candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host",
          sdpMid: "0",
          sdpMLineIndex: 0,
        },
      },
      { type: "trickle", pc: "subscribe", candidate: null },
      { type: "media.state", audio: false, video: false },
      { type: "chat.send", text: "let me in", clientId: "w-1" },
      { type: "chat.send", text: "psst", clientId: "w-2", to: idOf(mod) },
      { type: "hand.raise" },
      { type: "hand.lower" },
      { type: "reaction.send", emoji: "👋" },
      { type: "lobby.admit", participantId: wId },
      { type: "lobby.admit_all" },
      { type: "lobby.deny", participantId: wId },
      { type: "room.configure", lobby: false },
      { type: "moderate.mute", participantId: idOf(mod), kind: "audio" },
      { type: "moderate.mute_all", kind: "audio" },
      { type: "moderate.ask_unmute", participantId: idOf(mod), kind: "audio" },
      { type: "moderate.remove", participantId: idOf(mod) },
      { type: "moderate.grant", participantId: wId },
      { type: "hand.lower_all" },
      { type: "floor.give", participantId: idOf(mod) },
    ];
    const m2 = mark([mod, part]);
    const errorIds: number[] = [];
    for (const msg of attempts) {
      const reply = await w.client.request(msg);
      expect(reply, JSON.stringify(msg)).toMatchObject({ type: "error", code: "forbidden" });
      errorIds.push(reply.id);
    }
    expect(w.client.isOpen).toBe(true);

    // What the waiting connection received, in full: its lobby.waiting, and one error per attempt.
    const seen = await receivedWithin(mark([w]), [w], QUIET_MS);
    expect(seen[w.label]).toEqual([]);
    expect(types(w.client.received)).toEqual(["lobby.waiting", ...attempts.map(() => "error")]);
    expect(w.client.received.slice(1).map((x) => x.id)).toEqual(errorIds);
    const everything = JSON.stringify(w.client.received);
    for (const secret of ["Morgan", "Paula", "Vera", "secret agenda", idOf(mod), idOf(part)]) {
      expect(everything, `the waiting connection learned "${secret}"`).not.toContain(secret);
    }
    // Nothing Walt tried reached the room.
    const room2 = await receivedWithin(m2, [mod, part], QUIET_MS);
    for (const p of [mod, part]) {
      const fromWalt = (room2[p.label] ?? []).filter((x) => JSON.stringify(x).includes(wId));
      expect(fromWalt, `${p.label} got something caused by the waiting one`).toEqual([]);
      expect(types(room2[p.label] ?? [])).not.toContain("chat.message");
      expect(types(room2[p.label] ?? [])).not.toContain("reaction");
      expect(types(room2[p.label] ?? [])).not.toContain("moderation.muted");
    }
    // ping is allowed.
    expect(await w.client.request({ type: "ping" })).toMatchObject({ type: "pong" });

    // Admitted, Walt now sees the meeting (so the sealing above was not an accident of a broken room).
    expect(await mod.client.request({ type: "lobby.admit", participantId: wId })).toMatchObject({
      type: "ok",
    });
    const joined = await w.client.next(isType("joined"), 10_000, "joined");
    expect(joined.participants.map((p: AnyMessage) => p.name)).toEqual(
      expect.arrayContaining(["Morgan Secretname", "Paula Hiddenname"]),
    );
    expect(joined.chat.map((c: AnyMessage) => c.text)).toEqual(["secret agenda item"]);
    expect(joined.hands.map((h: AnyMessage) => h.participantId)).toEqual([idOf(part)]);
  });
});

// ── The meeting ends while people wait ────────────────────────────────────────────────────

describe("the meeting empties while someone waits", () => {
  it("the waiting connections are closed with 4005", async () => {
    const room = uniqueRoom("lobby-ended");
    const mod = await join(room, "Only Mod");
    await configure(mod, [], { lobby: true });
    const w1 = await wait(room, "Waiter A");
    const w2 = await wait(room, "Waiter B");
    expect(await mod.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    expect((await closeOf(w1)).code).toBe(4005);
    expect((await closeOf(w2)).code).toBe(4005);
    // The room is gone: the next one in starts a fresh room as its moderator, lobby off.
    const fresh = await join(room, "Fresh Start");
    expect(fresh.reply.you.role).toBe("moderator");
    expect(fresh.reply.settings).toEqual({ lobby: false, locked: false });
    expect(fresh.reply.participants).toEqual([]);
  });

  it("also when the last participant drops without leave", async () => {
    const room = uniqueRoom("lobby-ended-drop");
    const mod = await join(room, "Only Mod");
    await configure(mod, [], { lobby: true });
    const w = await wait(room, "Waiter");
    mod.client.terminate();
    expect((await closeOf(w, 8000)).code).toBe(4005);
  });
});

// ── Password ──────────────────────────────────────────────────────────────────────────────

describe.sequential("a password", () => {
  const room = uniqueRoom("pw");
  const PASSWORD = "corr3ct-h0rse";
  let mod: Peer;
  let inside: Peer;

  it("set by a moderator: everyone gets room.updated locked, and the password is sent to no one", async () => {
    mod = await join(room, "Pat Moderator");
    inside = await join(room, "Ivy Inside");
    const updates = await configure(mod, [inside], { password: PASSWORD });
    for (const u of updates)
      expect(u).toEqual({ type: "room.updated", settings: { lobby: false, locked: true } });
    for (const p of [mod, inside]) expect(JSON.stringify(p.client.received)).not.toContain(PASSWORD);
  });

  it("join without → password_required; wrong → password_wrong; right → joined; nobody inside hears of the failures", async () => {
    const m = mark([mod, inside]);
    const none = await attempt(room, "Nemo");
    expect(none.reply).toMatchObject({ type: "error", code: "password_required", id: none.reply.id });
    const wrong = await attempt(room, "Nemo", { password: "guess" });
    expect(wrong.reply).toMatchObject({ type: "error", code: "password_wrong" });
    const seen = await receivedWithin(m, [mod, inside], QUIET_MS);
    expect(seen[mod.label]).toEqual([]);
    expect(seen[inside.label]).toEqual([]);
    // The refused connection may try again on the same socket.
    const again = await none.client.request({ type: "join", v: 1, room, name: "Nemo", password: PASSWORD });
    expect(again.type).toBe("joined");
    expect(again.settings).toEqual({ lobby: false, locked: true });
    expect(JSON.stringify(again)).not.toContain(PASSWORD);
    const pj = await nextSince(m, mod, isType("participant.joined"), 5000, "participant.joined");
    expect(pj.participant.name).toBe("Nemo");
  });

  it("with the lobby on too: the right password leads to the lobby, no password is refused before knocking", async () => {
    await configure(mod, [inside], { lobby: true });
    const m = mark([mod]);
    const none = await attempt(room, "Lobby Lou");
    expect(none.reply).toMatchObject({ type: "error", code: "password_required" });
    const seen = await receivedWithin(m, [mod], QUIET_MS);
    expect(types(seen[mod.label] ?? [])).not.toContain("lobby.knock");
    const right = await attempt(room, "Lobby Lou", { password: PASSWORD });
    expect(right.reply).toMatchObject({ type: "lobby.waiting", room });
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(k.entry.name).toBe("Lobby Lou");
    await mod.client.request({ type: "lobby.deny", participantId: k.entry.id });
    await configure(mod, [inside], { lobby: false });
  });

  it("removed (password: null): join without one works again", async () => {
    const updates = await configure(mod, [inside], { password: null });
    for (const u of updates)
      expect(u).toEqual({ type: "room.updated", settings: { lobby: false, locked: false } });
    const free = await attempt(room, "Free Fran");
    expect(free.reply.type).toBe("joined");
    expect(free.reply.settings).toEqual({ lobby: false, locked: false });
  });

  it("an empty password is refused as bad_message, and the room stays as it was", async () => {
    const reply = await mod.client.request({ type: "room.configure", password: "" });
    expect(reply).toMatchObject({ type: "error", code: "bad_message" });
    const free = await attempt(room, "Free Fred");
    expect(free.reply.type).toBe("joined");
  });
});

describe("password attempts are limited", () => {
  it("per room: 5 wrong passwords from 5 connections, then the 6th try (even right) → too_many_attempts", async () => {
    const room = uniqueRoom("pw-room-limit");
    const mod = await join(room, "Mod");
    await configure(mod, [], { password: "right-one" });
    for (let i = 0; i < 5; i++) {
      const p = await attempt(room, `Guesser ${i}`, { password: `wrong-${i}` });
      expect(p.reply, `wrong try ${i + 1}`).toMatchObject({ type: "error", code: "password_wrong" });
    }
    const sixth = await attempt(room, "Honest", { password: "right-one" });
    expect(sixth.reply).toMatchObject({ type: "error", code: "too_many_attempts", id: sixth.reply.id });
    const without = await attempt(room, "Honest", {});
    expect(without.reply).toMatchObject({ type: "error", code: "too_many_attempts" });
    // Another room is not affected.
    const other = uniqueRoom("pw-room-other");
    const otherMod = await join(other, "Mod2");
    await configure(otherMod, [], { password: "other-pw" });
    expect((await attempt(other, "Visitor", { password: "other-pw" })).reply.type).toBe("joined");
    // Nobody got in.
    const seen = await receivedWithin(mark([mod]), [mod], QUIET_MS);
    expect(types(seen[mod.label] ?? [])).not.toContain("participant.joined");
    expect(types(mod.client.received)).not.toContain("participant.joined");
  });

  it("per connection: 5 wrong passwords on 5 rooms, then the right one on a 6th room → too_many_attempts", async () => {
    const rooms: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = uniqueRoom(`pw-conn-${i}`);
      rooms.push(r);
      const mod = await join(r, `Mod ${i}`);
      await configure(mod, [], { password: `pw-${i}` });
    }
    const client = await RawClient.connect(server.wsUrl);
    track({ label: "serial guesser", client, reply: { type: "none" }, id: undefined, resume: undefined });
    for (let i = 0; i < 5; i++) {
      const reply = await client.request({
        type: "join",
        v: 1,
        room: rooms[i],
        name: "Guesser",
        password: "nope",
      });
      expect(reply, `wrong try ${i + 1} (room ${i})`).toMatchObject({
        type: "error",
        code: "password_wrong",
      });
    }
    const sixth = await client.request({
      type: "join",
      v: 1,
      room: rooms[5],
      name: "Guesser",
      password: "pw-5",
    });
    expect(sixth).toMatchObject({ type: "error", code: "too_many_attempts" });
    expect(client.isOpen).toBe(true);
    // The 6th room itself is fine: another connection gets in with the right password.
    expect((await attempt(rooms[5] as string, "Someone else", { password: "pw-5" })).reply.type).toBe(
      "joined",
    );
  });
});

// ── LOBBY_BY_DEFAULT ──────────────────────────────────────────────────────────────────────

describe("LOBBY_BY_DEFAULT=1", () => {
  let lobbyServer: ServerHandle;
  const peers: Peer[] = [];

  beforeAll(async () => {
    lobbyServer = await startServer({ name: "lobby-by-default", env: { LOBBY_BY_DEFAULT: "1" } });
  });

  afterAll(async () => {
    dropAll(peers);
    await lobbyServer?.stop();
  });

  it("the first one in is moderator and enters; the next one waits", async () => {
    const room = uniqueRoom("lobby-default");
    const first = await enter(lobbyServer.wsUrl, room, "First");
    peers.push(first);
    expect(first.reply.you.role).toBe("moderator");
    expect(first.reply.settings).toEqual({ lobby: true, locked: false });
    const second = await waitInLobby(lobbyServer.wsUrl, room, "Second");
    peers.push(second);
    const k = await first.client.next(isType("lobby.knock"), 5000, "knock");
    expect(k.entry.name).toBe("Second");
  });
});

describe("the server", () => {
  it("logged no internal error", () => {
    const faults = server.lines.filter((l) => /request failed|internal error|unhandled/i.test(l));
    expect(faults, tail(server.lines, 40)).toEqual([]);
  });
});
